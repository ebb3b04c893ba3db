"""The runnable form of a problem: its learner file, support files and run mode for runner;
a file judged through every run of its problem; and the reference solution as the oracle."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from importdrill.core import paths, runner
from importdrill.core.cache import CACHE_TAG, CACHE_VERSION, read_cache, write_cache
from importdrill.core.errors import ProblemFileError
from importdrill.core.kinds import Kind
from importdrill.core.problems import DRIVER_PATH, Problem, Run, RunMode

# judge is imported where a verdict is made: a predict check loads it while its program runs.
if TYPE_CHECKING:
    from importdrill.core import judge


def program_for(
    problem: Problem,
    code: str,
    *,
    files: Mapping[str, str] | None = None,
    run: Run | None = None,
) -> runner.Program:
    """The problem run with code as its main file (and files, by default its own, beside it);
    with run, as that run starts it (its driver, folder, arguments, environment and stdin)."""
    module = problem.module_name if problem.run is RunMode.MODULE else None
    tree = problem.files if files is None else files
    if run is None:
        return runner.Program(code=code, main=problem.main, files=tree, module=module)
    if run.driver is not None:
        tree = {**tree, DRIVER_PATH: run.driver}
    return runner.Program(
        code=code,
        main=problem.main,
        files=tree,
        module=module,
        entry=DRIVER_PATH if run.driver is not None else None,
        cwd=run.cwd,
        args=run.args,
        env=dict(run.env),
        stdin=run.stdin,
    )


def run_question(
    problem: Problem,
    code: str,
    *,
    python: str,
    limits: runner.Limits,
    files: Mapping[str, str] | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> runner.RunResult:
    """Run a problem whose learner writes an answer (predict, order, which-file) with code as
    its program: the RunResult's stdout is what the learner is judged on (for order and
    which-file, the answer the run recorded; see questions). meanwhile: see runner.run."""
    program = program_for(problem, code, files=files)
    if problem.kind is Kind.PREDICT:
        return runner.run(program, python=python, limits=limits, meanwhile=meanwhile)
    from importdrill.core import questions

    return questions.run(problem, program, python=python, limits=limits, meanwhile=meanwhile)


def evaluate(
    problem: Problem,
    code: str,
    *,
    python: str,
    limits: runner.Limits,
    expected: Callable[[Run], str],
    until_failure: bool = False,
    meanwhile: Callable[[], object] | None = None,
) -> judge.Evaluation:
    """Run code through every run of problem, in order, judge each against expected(run),
    and check the problem's rules on it. With until_failure (verify only needs to know that a
    file fails), a broken rule runs nothing and the first failed run ends the evaluation.
    meanwhile is done while the first run runs (see runner.run)."""
    from importdrill.core import judge, rules

    breaches = rules.check(problem.rules, code)
    rows: list[tuple[str, str, runner.RunResult]] = []
    for run in problem.checked_runs:
        if until_failure and breaches:
            break
        result = runner.run(
            program_for(problem, code, run=run),
            python=python,
            limits=limits,
            meanwhile=None if rows else meanwhile,
        )
        rows.append((run.name, expected(run), result))
        if until_failure and not judge.judge(rows[-1][1], result).passed:
            break
    if not rows:
        return judge.Evaluation((), tuple(breaches))
    return judge.evaluate(rows, breaches)


def _interpreter_stamp(python: str) -> list[object]:
    found = shutil.which(python) or python
    try:
        return [os.path.realpath(found), os.stat(found).st_mtime_ns]
    except OSError:
        return [found, None]


def solution_output(problem: Problem, run: Run, python: str) -> str:
    """What the reference solution prints in run on python: the expected output of a run that
    states none. Cached per problem, run and interpreter, so a check runs it once."""
    import json

    key = json.dumps(
        [
            CACHE_VERSION,
            problem.solution,
            problem.main,
            problem.run.value,
            sorted(problem.files.items()),
            [run.driver, run.cwd, list(run.args), sorted(run.env.items()), run.stdin],
            _interpreter_stamp(python),
        ]
    )
    import hashlib  # here, not at the top: a predict check never needs it (2 ms to import)

    digest = hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()
    cache = paths.cache_dir() / f"oracle.{CACHE_TAG}" / f"{digest}.marshal"
    cached = read_cache(cache)
    if isinstance(cached, str):
        return cached
    result = runner.run(
        program_for(problem, problem.solution or "", run=run), python=python, limits=runner.Limits()
    )
    if not result.finished:
        why = result.stderr.strip().splitlines()[-1:] or [f"status {result.returncode}"]
        raise ProblemFileError(
            f"{problem.source}: the reference solution of '{problem.slug}' fails in run "
            f"'{run.name}' on {python} ({why[0]}), so that run has no expected output; "
            f"importdrill verify {problem.slug} shows why"
        )
    from importdrill.core import judge

    output = judge.normalise(result.stdout)
    write_cache(cache, output)
    return output
