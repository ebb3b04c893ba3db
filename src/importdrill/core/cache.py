"""The catalogue's cache files: marshal data keyed by this version of importdrill and this
interpreter's cache tag, written atomically, ignored when damaged or foreign."""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
from pathlib import Path
from typing import Any

from importdrill import __version__

# Parsing every YAML file costs more than the rest of `importdrill list`, so parsed problems
# are cached, keyed by path, size and mtime, and a warm start never imports yaml. The cache
# has two parts: an index of every file's summary (all that listing reads), and one file of
# full data per problem, read only when that problem is asked for.
#
# Cache files are marshal data, the interpreter's own format for compiled modules: builtin
# (json costs `list` 1 ms to import) and twice as fast to read. Its format may change between
# Python versions, so each interpreter keeps its own files, named by its cache tag as
# __pycache__'s are. A file that is missing, damaged, or not written by this very version of
# importdrill (whose validator accepted what it holds) is ignored, and written anew.

CACHE_VERSION = f"3/{__version__}"
CACHE_TAG = sys.implementation.cache_tag or "python"


def read_cache(path: Path) -> Any:
    """The document write_cache wrote to path; None when there is none to trust."""
    try:
        # Only importdrill writes these files, in the learner's own cache folder; what they
        # hold is plain data (read, never run), as trusted as the progress database beside it.
        version, document = marshal.loads(path.read_bytes())  # noqa: S302
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return document if version == CACHE_VERSION else None


def write_cache(target: Path, document: Any) -> None:
    """Write a cache file atomically; any failure leaves no file behind (the cache only saves
    time, and a read-only home must not stop the drill)."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(marshal.dumps((CACHE_VERSION, document)))
        tmp.replace(target)
    except (OSError, ValueError):  # ValueError: a value marshal cannot write
        with contextlib.suppress(OSError):
            tmp.unlink()
