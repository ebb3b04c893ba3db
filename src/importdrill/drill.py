"""One check, start to finish: run the learner's code, judge it, and record the outcome."""

from __future__ import annotations

from dataclasses import dataclass

from importdrill import judge, runner
from importdrill.problems import Catalog, Problem, RunMode
from importdrill.progress import Store


def program_for(problem: Problem, code: str) -> runner.Program:
    """The runnable form of a problem with the given learner file."""
    module = problem.module_name if problem.run is RunMode.MODULE else None
    return runner.Program(code=code, main=problem.main, files=problem.files, module=module)


@dataclass(frozen=True)
class Outcome:
    """A check's verdict, the run behind it, and the next unsolved problem after it."""

    problem: Problem
    verdict: judge.Verdict
    result: runner.RunResult
    next_slug: str | None


def check(
    catalog: Catalog,
    store: Store,
    problem: Problem,
    *,
    code: str,
    expected: str,
    limits: runner.Limits,
    python: str | None = None,
    prediction: str | None = None,
) -> Outcome:
    """Run code as the problem's learner file, compare with expected, and record it."""
    result = runner.run(program_for(problem, code), python=python, limits=limits)
    verdict = judge.judge(expected, result)
    # Recorded only once the run is over: Ctrl-C during it leaves the state as it was.
    with store.change() as state:
        if prediction is not None:
            state.record_prediction(problem.slug, prediction)
        if verdict.passed:
            state.record_pass(problem.slug)
        else:
            state.record_fail(problem.slug)
        state.current = problem.slug
        following = catalog.next_open(problem.slug, state.is_solved)
    return Outcome(problem, verdict, result, following.slug if following else None)
