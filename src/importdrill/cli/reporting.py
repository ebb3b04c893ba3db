"""The error funnel: core errors become a message (or a JSON error document) and an exit
status here, and nowhere else; notices are flushed whatever the exit path."""

# no `from __future__ import annotations` here: Typer would eval every annotation string at start-up

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Protocol, TypeVar

import typer

from importdrill.core.errors import DrillError, Exit, Terminated

if TYPE_CHECKING:
    from importdrill.app.drill import Drill
    from importdrill.core.progress import Store


@contextlib.contextmanager
def reporting(store: "Store | None" = None, *, as_json: bool = False) -> Iterator[None]:
    """Turn core errors into a message and exit 2, Ctrl-C into exit 130; show notices.

    With --json the error is a JSON document on stdout instead. Notices (a damaged progress
    file kept aside) go to stderr whatever the exit path, an early typer.Exit included.

    The views (and Rich) are imported only when there is something to show: a check starts
    its program before it loads them, and loads them while the program runs.
    """
    try:
        yield
    except DrillError as exc:
        flush_notices(store)
        if as_json:
            emit_json_error(exc.kind, str(exc), exc.details())
        else:
            from importdrill.views.console import error

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
                from importdrill.views.console import notice

                notice("interrupted; nothing was recorded")
        raise typer.Exit(status) from None
    finally:
        flush_notices(store)


def emit_json_error(kind: str, message: str, details: dict[str, object]) -> None:
    from importdrill.app import versioned

    emit_json(versioned({"error": {"kind": kind, "message": message, **details}}))


def flush_notices(store: "Store | None") -> None:
    from importdrill.core.catalog import take_notices

    messages = take_notices()  # installed packs that were skipped
    # Run folders that could not be removed; none unless a run (or its sweep) was made.
    fsclean = sys.modules.get("importdrill.core.fsclean")
    while fsclean is not None and fsclean.notices:
        messages.append(fsclean.notices.pop(0))
    if store is not None:
        messages += store.notices
        store.notices.clear()
    if messages:
        from importdrill.views.console import notice

        for message in messages:
            notice(message)


def emit_json(document: dict[str, object]) -> None:
    """Print a result's JSON document (see the results' to_json), and nothing else."""
    import json  # only --json output needs it: 1 ms of every other command's start-up

    from importdrill.views.console import raw

    raw(json.dumps(document, indent=2))


class Documented(Protocol):
    def to_json(self) -> dict[str, object]: ...


R = TypeVar("R", bound=Documented)


class Command:
    """What a command's body works with: the progress store, the use cases over it (made on
    first use: `list` and `--help` start faster without them), and how to show a result."""

    def __init__(self, store: "Store | None", *, as_json: bool) -> None:
        self._store = store
        self.as_json = as_json
        # The exit status once the body is over; a body sets it (a failed check: 1).
        self.status: int = Exit.OK
        self._drill: Drill | None = None

    @property
    def store(self) -> "Store":
        assert self._store is not None, "a command made with store=False asked for the store"
        return self._store

    @property
    def drill(self) -> "Drill":
        if self._drill is None:
            from importdrill.app.drill import Drill

            self._drill = Drill(self._store)
        return self._drill

    def show(self, result: R, view: "Callable[[R], object]") -> R:
        """result as its JSON document with --json, else rendered by view."""
        if self.as_json:
            emit_json(result.to_json())
        else:
            view(result)
        return result


@contextlib.contextmanager
def command(*, as_json: bool = False, store: bool = True) -> Iterator[Command]:
    """Every command's prologue and epilogue: the progress store (unless the command keeps
    none), the error funnel around the body, and the exit status the body set."""
    from importdrill.core.progress import Store

    done = Command(Store() if store else None, as_json=as_json)
    with reporting(done._store, as_json=as_json):
        try:
            yield done
        finally:
            if done._drill is not None:
                done._drill.no_more_runs()
    raise typer.Exit(done.status)
