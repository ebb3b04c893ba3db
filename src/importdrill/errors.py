"""The errors the core raises; the CLI turns each into a message and an exit status."""

from __future__ import annotations


class DrillError(Exception):
    """Base of every error importdrill reports to the user without a traceback."""


class UsageError(DrillError):
    """A command was given an argument it cannot use (an unknown slug, a bad option value)."""


class ProblemFileError(DrillError):
    """A problem file cannot be read, is not valid YAML, or breaks the schema."""


class DuplicateSlugError(ProblemFileError):
    """Two problem files, built-in or from packs, declare the same slug."""


class StateError(DrillError):
    """The progress file cannot be read or written (permissions, a lock held too long)."""


class EditorError(DrillError):
    """The learner's editor ($VISUAL or $EDITOR) could not be started."""


class NoCurrentProblemError(UsageError):
    """A command needed a slug, none was given, and no problem has been started yet."""
