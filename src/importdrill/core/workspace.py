"""The learner's workspace: one folder per problem, laid out exactly as a check lays out its run.

`workspace/SLUG/` holds the problem's support files at their paths and the learner's file at
its real path (`todo/__main__.py`, not `__main__.py`), so that `python main.py` or
`python -m todo` run by hand there prints what `check` sees. Nothing the learner wrote is ever
overwritten: files are created only where none exists, and a reset moves the folder to a trash.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from importdrill.core import paths
from importdrill.core.errors import ProblemFileError, StateError, WorkspaceFileError
from importdrill.core.kinds import Kind

if TYPE_CHECKING:
    from collections.abc import Callable

    from importdrill.core.problems import Problem

PREDICTION_FILE = "prediction.txt"
# The problem's statement, in the workspace beside the files: the screen that showed it has
# scrolled away by the time the learner is at work (importdrill show prints it again).
PROMPT_FILE = "PROMPT.md"


def folder(problem: Problem) -> Path:
    """The problem's workspace folder."""
    return paths.workspace() / problem.slug


def slug_here(known: Callable[[str], bool]) -> str | None:
    """The slug of the workspace folder the current directory is in (workspace/SLUG or below
    it), if known says it is a problem's; else None."""
    try:
        here = Path.cwd().resolve()
        rel = here.relative_to(paths.workspace().resolve())
    except (OSError, ValueError):
        return None
    if not rel.parts or rel.parts[0].startswith("."):
        return None  # the workspace itself, or its trash
    return rel.parts[0] if known(rel.parts[0]) else None


def _at(problem: Problem, rel: str) -> Path:
    from importdrill.core import safepaths  # not for status, which lays out no file

    try:
        # Links the learner made among the workspace's folders are theirs to make.
        return safepaths.inside(folder(problem), rel, resolve=False)
    except safepaths.UnsafePathError as exc:
        raise ProblemFileError(f"{problem.source}: a file cannot be laid out: {exc}") from None


def file_for(problem: Problem) -> Path:
    """Where the learner's file lives: the problem's main, at its path in the run tree."""
    return _at(problem, problem.main)


def _legacy_file(problem: Problem) -> Path:
    # Before the workspace mirrored the run folder, the learner's file sat at the top of
    # workspace/SLUG under its base name; it is moved to its real path on first use.
    return folder(problem) / PurePosixPath(problem.main).name


def _create(target: Path, content: str) -> bool:
    """Write content to a new file; False (and nothing written) when the file exists."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # "x" mode: if another process made the file meanwhile, theirs is kept, not replaced.
        with target.open("x", encoding="utf-8") as handle:
            handle.write(content)
    except FileExistsError:
        return False
    except OSError as exc:
        raise StateError(f"cannot create {target}: {exc.strerror}") from None
    return True


def prompt_text(problem: Problem) -> str:
    """PROMPT.md: the title, the prompt and, for an order or which-file problem, what to
    write; never the answer."""
    parts = [f"# {problem.title}", f"`{problem.slug}` · {problem.kind}", problem.prompt.strip()]
    if problem.kind in (Kind.ORDER, Kind.WHICH_FILE):
        from importdrill.core import questions  # only these kinds: start-up of the others

        question = questions.question_text(problem)
        if question:
            parts.append(question)
    return "\n\n".join(parts) + "\n"


def write_prompt(problem: Problem) -> None:
    """PROMPT.md in the workspace, unless there is one (or the problem has a file so named)."""
    if PROMPT_FILE not in problem.files and problem.main != PROMPT_FILE:
        _create(folder(problem) / PROMPT_FILE, prompt_text(problem))


def _support_files(problem: Problem) -> None:
    write_prompt(problem)
    for rel, content in problem.files.items():
        target = _at(problem, rel)
        if not target.exists():
            _create(target, content)


def ensure(problem: Problem) -> tuple[Path, bool]:
    """Lay out an implement problem's workspace; say whether the learner's file was created."""
    target = file_for(problem)
    legacy = _legacy_file(problem)
    if legacy != target and legacy.is_file() and not target.exists():
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            legacy.replace(target)
        except OSError as exc:
            raise StateError(f"cannot move {legacy} to {target}: {exc.strerror}") from None
    _support_files(problem)
    if target.exists() or target.is_symlink():
        return target, False
    return target, _create(target, problem.code)


def lay_out_program(problem: Problem) -> Path:
    """Put a predict problem's program and support files in its workspace, to run by hand.

    Only once the answer has been seen: before that, running it would give the answer away.
    """
    _support_files(problem)
    target = file_for(problem)
    if not target.exists():
        _create(target, problem.code)
    return folder(problem)


def changed_support(problem: Problem) -> list[str]:
    """Support files the learner changed in the workspace (a check never uses those changes)."""
    changed = []
    for rel, content in sorted(problem.files.items()):
        try:
            mine = _at(problem, rel).read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError):
            changed.append(rel)
            continue
        if mine != content:
            changed.append(rel)
    return changed


def _read(target: Path) -> str:
    from importdrill.core import boundedread  # only when a file is read: not for status

    if target.is_symlink() and not target.exists():
        raise WorkspaceFileError(
            target,
            f"it is a link to {os.readlink(target)}, which does not exist; remove the link, "
            "or start afresh with importdrill reset",
        )
    try:
        return boundedread.read_bytes(target).decode("utf-8")
    except boundedread.UnreadableFile as exc:
        raise WorkspaceFileError(target, str(exc)) from None
    except UnicodeDecodeError as exc:
        raise WorkspaceFileError(
            target, f"it is not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None
    except IsADirectoryError:
        raise WorkspaceFileError(target, "it is a folder, not a file") from None
    except OSError as exc:
        raise WorkspaceFileError(target, exc.strerror or str(exc)) from None


def read(problem: Problem) -> str | None:
    """The learner's current code, or None when they have not started this problem."""
    target = file_for(problem)
    if not target.exists() and not target.is_symlink():
        return None
    return _read(target)


def read_tree(problem: Problem) -> tuple[str, dict[str, str]]:
    """The workspace as it is now: the main file and the support files (the problem's where
    the learner deleted one), for running it as the learner would by hand."""
    files = {}
    for rel, content in problem.files.items():
        target = _at(problem, rel)
        files[rel] = _read(target) if target.exists() else content
    target = file_for(problem)
    main = _read(target) if target.exists() else problem.code
    return main, files


def prediction_file(problem: Problem) -> Path:
    """Where watch mode reads the learner's prediction for a predict problem."""
    return folder(problem) / PREDICTION_FILE


def ensure_prediction(problem: Problem, initial: str = "") -> tuple[Path, bool]:
    """Create the prediction file, holding initial, unless one exists; return its path and
    whether it was made holding initial (not empty)."""
    target = prediction_file(problem)
    write_prompt(problem)
    if target.exists():
        return target, False
    return target, _create(target, initial) and bool(initial)


def read_prediction(problem: Problem) -> str:
    return _read(prediction_file(problem))


def trash(problem: Problem) -> Path | None:
    """Move the problem's workspace to the trash folder (a reset); return where, or None."""
    source = folder(problem)
    # PROMPT.md as it was written is made again on the next start: not worth keeping.
    prompt = source / PROMPT_FILE
    with contextlib.suppress(OSError, UnicodeDecodeError):
        if PROMPT_FILE not in problem.files and prompt.read_text("utf-8") == prompt_text(problem):
            prompt.unlink()
    if not source.exists() or not any(source.iterdir()):
        with contextlib.suppress(OSError):
            source.rmdir()
        return None
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    target = paths.trash() / f"{problem.slug}-{stamp}"
    number = 1
    while target.exists():
        number += 1
        target = paths.trash() / f"{problem.slug}-{stamp}-{number}"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        source.replace(target)
    except OSError as exc:
        raise StateError(f"cannot move {source} to {target}: {exc.strerror}") from None
    # An empty folder is nothing worth keeping.
    with contextlib.suppress(OSError):
        if not any(target.rglob("*")):
            target.rmdir()
            return None
    return target


def fresh_starter(problem: Problem) -> tuple[Path, Path | None]:
    """For a review: the learner's file made afresh from the starter, their earlier file moved
    out of the workspace into the trash (workspace/.trash/SLUG-review-TIME/), so that the
    review tests memory. Returns both paths (None when there was none)."""
    target, created = ensure(problem)
    if created:
        return target, None
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    kept = paths.trash() / f"{problem.slug}-review-{stamp}"
    number = 1
    while kept.exists():
        number += 1
        kept = paths.trash() / f"{problem.slug}-review-{stamp}-{number}"
    earlier = kept / problem.main
    try:
        earlier.parent.mkdir(parents=True, exist_ok=True)
        target.replace(earlier)
    except OSError as exc:
        raise StateError(f"cannot move {target} to {earlier}: {exc.strerror}") from None
    _create(target, problem.code)
    return target, earlier
