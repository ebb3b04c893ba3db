"""The learner's implement files: one per problem, created from the starter, never overwritten."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from importdrill import paths
from importdrill.errors import StateError
from importdrill.problems import Problem


def file_for(problem: Problem) -> Path:
    """Where the learner's file for this problem lives (its name is the problem's main)."""
    return paths.workspace() / problem.slug / PurePosixPath(problem.main).name


def ensure(problem: Problem) -> tuple[Path, bool]:
    """Create the learner's file from the starter unless it exists; say whether it was created."""
    target = file_for(problem)
    if target.exists():
        return target, False
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # "x" mode: if another process made the file meanwhile, theirs is kept, not replaced.
        with target.open("x", encoding="utf-8") as handle:
            handle.write(problem.code)
    except FileExistsError:
        return target, False
    except OSError as exc:
        raise StateError(f"cannot create {target}: {exc.strerror}") from None
    return target, True


def prediction_file(problem: Problem) -> Path:
    """Where watch mode reads the learner's prediction for a predict problem."""
    return paths.workspace() / problem.slug / "prediction.txt"


def ensure_prediction(problem: Problem) -> Path:
    """Create an empty prediction file unless one exists; return its path."""
    target = prediction_file(problem)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch(exist_ok=True)
    except OSError as exc:
        raise StateError(f"cannot create {target}: {exc.strerror}") from None
    return target


def read(problem: Problem) -> str | None:
    """The learner's current code, or None when they have not started this problem."""
    target = file_for(problem)
    try:
        return target.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise StateError(f"cannot read {target}: {exc}") from None


def remove(problem: Problem) -> bool:
    """Delete the learner's file (reset); say whether there was one."""
    removed = False
    for target in (file_for(problem), prediction_file(problem)):
        try:
            target.unlink()
            removed = True
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise StateError(f"cannot delete {target}: {exc.strerror}") from None
    return removed
