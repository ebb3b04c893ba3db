"""The errors the core raises, and the exit statuses the front ends turn them into."""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import ClassVar


class Exit(IntEnum):
    """The exit statuses of every command (`run` exits with its program's own)."""

    OK = 0
    FAILED = 1  # a check, a verify or an answer in a session was wrong
    USAGE = 2  # bad input: an unknown slug, a broken problem file, unreadable state
    INTERRUPTED = 130  # Ctrl-C; SIGTERM and SIGHUP exit 128 + their number


class DrillError(Exception):
    """Base of every error importdrill reports to the user without a traceback.

    `kind` names the class in `--json` errors; the attributes a subclass sets are its data.
    """

    kind: ClassVar[str] = "error"

    def details(self) -> dict[str, object]:
        """The data this error carries, for a machine-readable report."""
        return {
            key: str(value) if isinstance(value, Path) else value
            for key, value in vars(self).items()
            if not key.startswith("_")
        }


class UsageError(DrillError):
    """A command was given an argument it cannot use (an unknown slug, a bad option value)."""

    kind = "usage"


class UnknownProblemError(UsageError):
    """No problem has this slug; `suggestions` holds the close ones."""

    kind = "unknown-problem"

    def __init__(self, slug: str, suggestions: list[str]) -> None:
        hint = (
            f" Did you mean: {', '.join(suggestions)}?"
            if suggestions
            else " Run 'importdrill list'."
        )
        super().__init__(f"unknown problem '{slug}'.{hint}")
        self.slug = slug
        self.suggestions = suggestions


class ProblemFileError(DrillError):
    """A problem file cannot be read, is not valid YAML, or breaks the schema."""

    kind = "problem-file"


class DuplicateSlugError(ProblemFileError):
    """Two problem files, built-in or from packs, declare the same slug."""

    kind = "duplicate-slug"


class StateError(DrillError):
    """The progress file cannot be read or written (permissions, a lock held too long)."""

    kind = "state"


class EditorError(DrillError):
    """The learner's editor ($VISUAL or $EDITOR) could not be started."""

    kind = "editor"


class WorkspaceFileError(DrillError):
    """A file of the learner's workspace cannot be read (not UTF-8, a folder, no permission)."""

    kind = "workspace-file"

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"cannot read {path}: {reason}")
        self.path = path
        self.reason = reason


class NotEarnedError(UsageError):
    """Something shown only after a pass (or a reveal) was asked for too early."""

    kind = "not-earned"

    def __init__(self, slug: str, what: str, how: str) -> None:
        super().__init__(f"'{slug}': {what} is shown only after {how}")
        self.slug = slug


class SpoilerError(UsageError):
    """Running a predict problem's program would show the answer not yet earned or revealed."""

    kind = "spoiler"

    def __init__(self, slug: str, *, tried: bool = False) -> None:
        first = "get it right first" if tried else "predict it first"
        super().__init__(
            f"running '{slug}' would show the answer you are asked to predict: {first} "
            f"(importdrill check {slug}), or give up with importdrill reveal {slug}; after "
            "that, run it as often as you like"
        )
        self.slug = slug


class InterpreterError(UsageError):
    """The interpreter named by --python cannot run, or is not a Python importdrill can use."""

    kind = "interpreter"

    def __init__(self, command: str, reason: str) -> None:
        super().__init__(f"--python {command}: {reason}")
        self.command = command
        self.reason = reason


class NoCurrentProblemError(UsageError):
    """A command needed a slug, none was given, and no problem has been started yet."""

    kind = "no-current-problem"


class NewerStateError(StateError):
    """The progress database was written by a newer importdrill (its schema is newer)."""

    kind = "newer-state"

    def __init__(self, path: Path, found: int, known: int) -> None:
        super().__init__(
            f"the progress database {path} was written by a newer importdrill (schema "
            f"{found}; this one knows up to {known}); upgrade importdrill to go on "
            "(nothing was changed)"
        )
        self.path = path
        self.found = found
        self.known = known


class RunFolderError(DrillError):
    """A run folder could not be made or filled (a full or read-only temp folder)."""

    kind = "run-folder"

    def __init__(self, temp: str, exc: OSError) -> None:
        super().__init__(
            f"could not prepare a run folder in {temp}: {exc.strerror or exc}; free some space "
            "there or point TMPDIR at another folder"
        )
        self.temp = temp
        self.reason = exc.strerror or str(exc)


class Terminated(KeyboardInterrupt):
    """importdrill was asked to end (SIGTERM, or SIGHUP from a closed terminal).

    A KeyboardInterrupt, so that everything that cleans up after Ctrl-C (the run in progress,
    its processes and folder) cleans up after this too.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
