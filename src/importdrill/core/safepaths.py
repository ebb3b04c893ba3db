"""Paths a problem (or a variant of it) names for the files of a run: each must be a relative
POSIX path of a file inside the folder the run is laid out in.

A problem file's paths are checked when it is loaded; a variant's `replace` may rename them,
so the paths are checked again once a variant is applied, and once more wherever files are
laid out (a run folder, a workspace): nothing a pack writes can land outside its folder.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath


class UnsafePathError(ValueError):
    """A path that does not name a file inside the folder a run is laid out in."""


def problem(rel: object) -> str | None:
    """Why rel is not a relative POSIX path of a file inside a folder; None when it is."""
    if not isinstance(rel, str) or not rel.strip():
        return f"{rel!r} is not a relative POSIX path"
    parts = rel.split("/")
    if rel.startswith("/") or "\\" in rel or any(part in ("", ".", "..") for part in parts):
        return (
            f"{rel!r} must be a relative POSIX path of a file inside the run folder "
            "(no '.', '..', empty or absolute parts)"
        )
    if any(char in rel for char in "\0\n\r"):
        return f"{rel!r} holds a character no file name can"
    return None


def inside(root: Path, rel: str, *, resolve: bool = True) -> Path:
    """Where rel lands in root; UnsafePathError when it would not land inside it (with
    resolve, also when a link among the folders on the way leads out of it)."""
    reason = problem(rel)
    if reason is not None:
        raise UnsafePathError(reason)
    target = root.joinpath(*PurePosixPath(rel).parts)
    if not resolve:
        return target
    base = os.path.realpath(root)
    landed = os.path.realpath(target.parent)
    if landed != base and not landed.startswith(base + os.sep):
        raise UnsafePathError(f"{rel!r} leads outside {root}")
    return target
