"""Reading a file of the learner's workspace with a bound, whatever it turns out to be.

A workspace file can be a link to `/dev/zero`, a FIFO no one writes to, a terminal or a file
of gigabytes. It is opened without blocking (O_NONBLOCK: opening a FIFO waits for a writer
otherwise), only a regular file is read, and at most one byte past the bound, so that nothing
it is can hang importdrill or fill its memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# The bound a prediction has (usecases.PREDICTION_CAP_BYTES): no file of a problem is longer.
READ_CAP_BYTES = 1 << 20


class UnreadableFile(Exception):
    """The file is not a regular file, or is longer than the bound; str() says which."""


def _what(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (a named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def read_bytes(path: Path, cap: int = READ_CAP_BYTES) -> bytes:
    """The bytes of the regular file at path (links followed), at most cap of them.

    UnreadableFile when it is anything but a regular file, or longer than cap; OSError when
    it cannot be opened."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise UnreadableFile(f"it is {_what(mode)}, not a file")
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while size <= cap:
            chunk = os.read(fd, min(cap + 1 - size, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > cap:
            raise UnreadableFile(f"it is longer than {cap >> 20} MiB; no problem's file is")
        return b"".join(chunks)
    finally:
        os.close(fd)
