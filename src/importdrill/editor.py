"""Finding the learner's editor ($VISUAL, then $EDITOR) and opening a file in it."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

from importdrill.core.errors import EditorError


def configured() -> str | None:
    """The editor command the learner has set, or None."""
    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


def open_file(command: str, path: Path) -> int:
    """Open path in the editor command (which may carry arguments) and wait for it to close."""
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise EditorError(
            f"cannot parse the editor command {command!r} ({exc}); edit {path}"
        ) from None
    if not argv:
        raise EditorError(f"the editor command is empty; edit {path}")
    try:
        return subprocess.call([*argv, str(path)])
    except OSError as exc:
        raise EditorError(
            f"cannot start the editor {argv[0]!r} ({exc.strerror or exc}); "
            f"check $VISUAL / $EDITOR, or edit {path} yourself"
        ) from None
