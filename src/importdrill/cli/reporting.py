"""The error funnel: core errors become a message (or a JSON error document) and an exit
status here, and nowhere else; notices are flushed whatever the exit path."""

# no `from __future__ import annotations` here: Typer would eval every annotation string at start-up

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

import typer

from importdrill.core.errors import DrillError, Exit, Terminated

if TYPE_CHECKING:
    from datetime import datetime

    from importdrill.core.progress import Store

# The version of every --json document's keys; it changes only when a key changes meaning.
JSON_VERSION = 1


@contextlib.contextmanager
def reporting(store: "Store | None" = None, *, as_json: bool = False) -> Iterator[None]:
    """Turn core errors into a message and exit 2, Ctrl-C into exit 130; show notices.

    With --json the error is a JSON document on stdout instead. Notices (a damaged progress
    file kept aside) go to stderr whatever the exit path, an early typer.Exit included.
    """
    from importdrill.views.console import error, notice

    try:
        yield
    except DrillError as exc:
        flush_notices(store)
        if as_json:
            emit_json_error(exc.kind, str(exc), exc.details())
        else:
            error(str(exc))
        raise typer.Exit(Exit.USAGE) from None
    except KeyboardInterrupt as exc:
        # SIGTERM and SIGHUP arrive as Terminated: the same clean-up, their own exit status.
        status = 128 + exc.signum if isinstance(exc, Terminated) else Exit.INTERRUPTED
        # After SIGHUP the terminal may be gone; the exit status still says what happened.
        with contextlib.suppress(OSError):
            flush_notices(store)
            if as_json:
                emit_json_error("interrupted", "interrupted; nothing was recorded", {})
            else:
                notice("interrupted; nothing was recorded")
        raise typer.Exit(status) from None
    finally:
        flush_notices(store)


def emit_json_error(kind: str, message: str, details: dict[str, object]) -> None:
    emit_json({"error": {"kind": kind, "message": message, **details}})


def flush_notices(store: "Store | None") -> None:
    from importdrill.core.catalog import take_notices
    from importdrill.views.console import notice

    for message in take_notices():  # installed packs that were skipped
        notice(message)
    if store is not None:
        for message in store.notices:
            notice(message)
        store.notices.clear()


def emit_json(document: dict[str, object]) -> None:
    import json  # only --json output needs it: 1 ms of every other command's start-up

    from importdrill.views.console import raw

    raw(json.dumps({"version": JSON_VERSION, **document}, indent=2))


def iso(moment: "datetime") -> str:
    from datetime import UTC

    return moment.astimezone(UTC).isoformat(timespec="seconds")
