"""Removing a run folder whatever the learner's code made of it: nested thousands deep or
deeper than PATH_MAX, read-only, unreadable, full of links.

Every call is relative to an open folder (`os.open` with `dir_fd`, `os.scandir(fd)`), never a
path: a path deeper than PATH_MAX cannot be named at all, and shutil.rmtree recursed once a
level (a folder 3,000 deep was a RecursionError, which is no OSError, and crashed every later
check that swept it). The walk holds one folder open at a time and climbs back through `..`,
checking each step against the device and inode it came down through, so depth costs neither
recursion nor descriptors. Links are removed, never followed.

Only os and stat are used: the supervisor's fork calls remove_tree too, and must not import.
"""

from __future__ import annotations

import contextlib
import os
import stat

# Messages about run folders that could not be removed, for the front end to show.
notices: list[str] = []

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def _open_dir(name: str, parent: int) -> int:
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=parent)
    except PermissionError:
        # The learner's code took the folder's permissions away: give them back (it is ours).
        os.chmod(name, stat.S_IRWXU, dir_fd=parent, follow_symlinks=False)
        return os.open(name, _DIR_FLAGS, dir_fd=parent)


def _unlink(name: str, folder: int, *, is_dir: bool) -> None:
    remove = os.rmdir if is_dir else os.unlink
    try:
        remove(name, dir_fd=folder)
    except PermissionError:
        os.fchmod(folder, stat.S_IRWXU)  # a read-only folder: its entries can't be removed
        remove(name, dir_fd=folder)


def _ids(fd: int) -> tuple[int, int]:
    info = os.fstat(fd)
    return info.st_dev, info.st_ino


def remove_tree(path: str | os.PathLike[str]) -> None:
    """Remove the folder at path and everything in it; OSError if some of it cannot be.

    A link at path is removed itself, never followed."""
    path = os.fspath(path)
    head, name = os.path.split(path.rstrip(os.sep) or path)
    top = os.open(head or ".", _DIR_FLAGS & ~os.O_NOFOLLOW)
    try:
        info = os.stat(name, dir_fd=top, follow_symlinks=False)
        if not stat.S_ISDIR(info.st_mode):
            os.unlink(name, dir_fd=top)
            return
        _remove_below(top, name)
        _unlink(name, top, is_dir=True)
    finally:
        os.close(top)


def _remove_below(top: int, name: str) -> None:
    """Empty the folder name (in the open folder top), depth first, without recursion."""
    fd = _open_dir(name, top)
    names = [name]
    ids = [_ids(fd)]
    try:
        while True:
            child = _first_subfolder_after_files(fd)
            if child is not None:
                try:
                    below = _open_dir(child, fd)
                except OSError:
                    # It could not be entered; try to remove it (it may be empty) or fail.
                    _unlink(child, fd, is_dir=True)
                    continue
                os.close(fd)
                fd = below
                names.append(child)
                ids.append(_ids(fd))
                continue
            # fd is empty now: climb back and remove it from its parent.
            if len(names) == 1:
                return
            up = os.open("..", _DIR_FLAGS & ~os.O_NOFOLLOW, dir_fd=fd)
            os.close(fd)
            fd = up
            done = names.pop()
            ids.pop()
            if _ids(fd) != ids[-1]:
                raise OSError(f"the folder above {done!r} was moved while it was being removed")
            _unlink(done, fd, is_dir=True)
    finally:
        os.close(fd)


def _first_subfolder_after_files(fd: int) -> str | None:
    """Remove every entry of the open folder that is not a folder; the name of a folder left
    in it, or None when it is empty."""
    folder: str | None = None
    with os.scandir(fd) as entries:
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                if folder is None:
                    folder = entry.name
                continue
            with contextlib.suppress(FileNotFoundError):
                _unlink(entry.name, fd, is_dir=False)
    return folder
