"""importdrill's own standard streams when they fail: closed, or unable to encode its text.

A failed write becomes an OutputError (a DrillError: a message and exit 2, no traceback),
and the message goes out on whichever stream still works, written as ASCII straight to the
descriptor, past any encoding. What was recorded before the output failed stays recorded:
a check records its verdict before it shows it.
"""

from __future__ import annotations

import contextlib
import os
import sys

from importdrill.core.errors import DrillError


class OutputError(DrillError):
    """importdrill's own output could not be written (a closed stream, an encoding)."""

    kind = "output"


def encode_failure(stream: str, exc: UnicodeEncodeError) -> OutputError:
    char = exc.object[exc.start : exc.start + 1] if isinstance(exc.object, str) else "?"
    return OutputError(
        f"standard {stream} cannot show {char!a} (its encoding is {exc.encoding}); use a "
        "UTF-8 locale or set PYTHONIOENCODING=utf-8"
    )


def write_failure(stream: str, exc: OSError | ValueError) -> OutputError:
    why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return OutputError(f"standard {stream} cannot be written ({why})")


def last_word(message: str) -> bool:
    """Write message as ASCII to standard error, or else standard output, at the descriptor;
    whether it could be written anywhere."""
    data = f"importdrill: error: {message}\n".encode("ascii", errors="backslashreplace")
    for fd in (2, 1):
        with contextlib.suppress(OSError):
            os.write(fd, data)
            return True
    return False


def closed_at_start() -> str | None:
    """Which of standard output and error was closed when importdrill started (Python makes
    it None), or None when both are there. (A closed standard input is the command line's
    to handle: see cli.options.stdin_closed_at_start.)"""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            return "output" if name == "stdout" else "error"
    return None
