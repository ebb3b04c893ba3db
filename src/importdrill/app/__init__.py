"""The use cases: one method per thing a learner or author does, each returning a result that
knows its own versioned JSON form. Imports the core, never a front end."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

# The version of every --json document's keys; it changes only when a key changes meaning.
JSON_VERSION = 1


def versioned(document: dict[str, object]) -> dict[str, object]:
    """document as --json prints it: with its version first."""
    return {"version": JSON_VERSION, **document}


def iso(moment: datetime) -> str:
    """A moment in a JSON document: UTC, to the second."""
    from datetime import UTC

    return moment.astimezone(UTC).isoformat(timespec="seconds")
