"""The runnable form of a problem: its learner file, support files and run mode for runner."""

from __future__ import annotations

from collections.abc import Mapping

from importdrill import runner
from importdrill.problems import Problem, RunMode


def program_for(
    problem: Problem, code: str, *, files: Mapping[str, str] | None = None
) -> runner.Program:
    """The problem run with code as its main file (and files, by default its own, beside it)."""
    module = problem.module_name if problem.run is RunMode.MODULE else None
    return runner.Program(
        code=code,
        main=problem.main,
        files=problem.files if files is None else files,
        module=module,
    )
