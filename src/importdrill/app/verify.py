"""Proving problems true: every program prints its expected output, no starter already passes."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from importdrill.app import versioned
from importdrill.core import judge, runner
from importdrill.core.errors import Exit, UsageError
from importdrill.core.interpreters import Interpreter
from importdrill.core.kinds import Kind
from importdrill.core.problems import Problem, Run, Variant
from importdrill.core.runnable import run_question

if TYPE_CHECKING:
    from importdrill.core.catalog import BrokenPack


@dataclass(frozen=True)
class Failure:
    """One way one problem is not true on one interpreter."""

    slug: str
    python: str
    what: str
    detail: str


@dataclass(frozen=True)
class Report:
    """What verify found: the failures, what was checked, and what was skipped and why."""

    failures: list[Failure]
    checked: int
    skipped: list[tuple[str, str, str]]  # slug, interpreter label, reason


class Verified(NamedTuple):
    """What verify found, over how many problems, under which interpreters."""

    problems: int
    interpreters: list[Interpreter]
    checked: int  # problem-interpreter pairs
    failures: list[Failure]
    skipped: list[tuple[str, str, str]]  # slug, interpreter label, reason
    # Packs left out because a problem file of theirs is broken: any fails verify.
    broken_packs: Sequence[BrokenPack] = ()

    @property
    def passed(self) -> bool:
        return not self.failures and not self.broken_packs

    @property
    def exit_status(self) -> int:
        return Exit.OK if self.passed else Exit.FAILED

    def to_json(self) -> dict[str, object]:
        return versioned(
            {
                "passed": self.passed,
                "problems": self.problems,
                "runs": self.checked,
                "interpreters": [
                    {
                        "command": p.command,
                        "version": ".".join(map(str, p.version)),
                        "sys_version": p.full_version,
                    }
                    for p in self.interpreters
                ],
                "failures": [
                    {"slug": f.slug, "python": f.python, "what": f.what, "detail": f.detail}
                    for f in self.failures
                ],
                "skipped": [
                    {"slug": slug, "python": label, "reason": reason}
                    for slug, label, reason in self.skipped
                ],
                "broken_packs": [
                    {"pack": b.name, "path": b.path, "reason": b.reason} for b in self.broken_packs
                ],
            }
        )


def _check_implement(problem: Problem, python: Interpreter, limits: runner.Limits) -> list[Failure]:
    """The solution passes every run, the same way twice, and keeps every rule; the starter,
    every decoy and a file that only prints the first run's output all fail."""
    from importdrill.core import rules, runnable

    failures: list[Failure] = []

    def fail(what: str, detail: str = "") -> None:
        failures.append(Failure(problem.slug, python.label, what, detail))

    def details(verdict: judge.Verdict, result: runner.RunResult) -> str:
        detail = verdict.diff or ""
        if result.stderr.strip():
            detail += ("\n" if detail else "") + result.stderr.strip()
        return detail

    solution = problem.solution or ""
    runs = problem.checked_runs
    outputs: list[str] = []
    for index, run in enumerate(runs):
        where = f" in run {index + 1} ({run.name})" if len(runs) > 1 else ""
        program = runnable.program_for(problem, solution, run=run)
        first = runner.run(program, python=python.command, limits=limits)
        stated = run.expected if run.expected is not None else judge.normalise(first.stdout)
        verdict = judge.judge(stated, first)
        if not verdict.passed:
            stated_by_run = problem.runs[index].expected if problem.runs else None
            what = (
                "solution fails"
                if run.expected is None
                else "solution does not print the run's expected"
                if stated_by_run is not None
                else "solution does not print expected_output"
            )
            fail(
                f"{what}{where} ({verdict.verdict}: {verdict.detail})",
                details(verdict, first),
            )
            return failures
        second = runner.run(program, python=python.command, limits=limits)
        again = judge.judge(stated, second)
        if not again.passed:
            fail(
                f"solution's output{where} is not the same on a second run "
                f"({again.verdict}: {again.detail}): it cannot be the expected output",
                details(again, second),
            )
            return failures
        outputs.append(judge.normalise(first.stdout))

    def expected(run: Run) -> str:
        return outputs[runs.index(run)]

    def passes(code: str) -> bool:
        evaluation = runnable.evaluate(
            problem,
            code,
            python=python.command,
            limits=limits,
            expected=expected,
            until_failure=True,
        )
        return evaluation.passed

    broken = rules.check(problem.rules, solution)
    if broken:
        fail(
            "the solution breaks a rule",
            "\n".join(f"line {b.line}: {b.message}" if b.line else b.message for b in broken),
        )
    if passes(problem.code):
        fail("the starter already passes")
    for number, decoy in enumerate(problem.decoys, 1):
        if passes(decoy.code):
            fail(f"decoy {number} passes, though it stands for: {decoy.misconception}")
    if passes(print_only(outputs[0])):
        fail(
            "a file that only prints the first run's output passes: add a run whose output "
            "such a file cannot know (a driver, another folder, other arguments), or a rule"
        )
    return failures


def print_only(output: str) -> str:
    """A file that prints text and does nothing else: no implement problem may pass with it."""
    text = output + "\n" if output else ""
    return f"import sys\n\nsys.stdout.write({text!r})\n"


def _check_variants(
    problem: Problem, python: Interpreter, limits: runner.Limits, base: str
) -> tuple[list[Failure], dict[str, str]]:
    """Run each variant twice: it must run cleanly, print the same both times, and print
    something other than the problem as written (a variant changes the answer), nor merely
    that answer with the variant's own replacements applied (a rename tests nothing)."""
    failures: list[Failure] = []
    outputs: dict[str, str] = {}
    for name in problem.variant_names:
        varied = problem.with_variant(name)
        runs = [
            run_question(varied, varied.code, python=python.command, limits=limits)
            for _ in range(2)
        ]
        first, second = (judge.normalise(r.stdout) for r in runs)
        broken = next((r for r in runs if not r.finished), None)
        what = None
        detail = ""
        if broken is not None:
            what = f"variant {name} does not run cleanly (exit status {broken.returncode})"
            detail = broken.stderr.strip()
        elif first != second:
            what = f"variant {name} prints differently from one run to the next"
            detail = f"first run:\n{first}\nsecond run:\n{second}"
        elif first == base:
            what = (
                f"variant {name} prints what the problem as written prints: a variant must "
                "change the answer"
            )
            detail = first
        elif first == judge.normalise(variant_of(problem, name).swap(base)):
            what = (
                f"variant {name}'s answer is the problem's answer with the same replacements "
                "applied: a rename tests nothing, a variant must change what happens"
            )
            detail = first
        if what is not None:
            failures.append(Failure(problem.slug, python.label, what, detail))
        else:
            outputs[name] = first
    return failures, outputs


def variant_of(problem: Problem, name: str) -> Variant:
    return next(v for v in problem.variants if v.name == name)


def _check_one(
    problem: Problem, python: Interpreter, limits: runner.Limits
) -> tuple[list[Failure], dict[str, str]]:
    """The problem's failures on python, and what each of its variants printed there."""
    if problem.kind is Kind.IMPLEMENT:
        return _check_implement(problem, python, limits), {}
    failures: list[Failure] = []
    result = run_question(problem, problem.code, python=python.command, limits=limits)
    verdict = judge.judge(problem.expected_for(python.version), result)
    if not verdict.passed:
        detail = verdict.diff or ""
        if result.stderr.strip():
            detail += ("\n" if detail else "") + result.stderr.strip()
        failures.append(
            Failure(
                problem.slug,
                python.label,
                (
                    "code does not print "
                    if problem.kind is Kind.PREDICT
                    else f"the {problem.kind} answer its run records is not "
                )
                + (
                    "its output for this version"
                    if problem.differs_by_version
                    else "expected_output"
                )
                + f" ({verdict.verdict}: {verdict.detail})",
                detail,
            )
        )
    outputs: dict[str, str] = {}
    if problem.variants:
        more, outputs = _check_variants(problem, python, limits, judge.normalise(result.stdout))
        failures.extend(more)
    return failures, outputs


def _variants_agree(problem: Problem, outputs: dict[str, dict[str, str]]) -> list[Failure]:
    """A variant must print the same under every interpreter, unless the problem says its
    output differs between versions."""
    if problem.differs_by_version:
        return []
    failures = []
    for name in problem.variant_names:
        seen = {label: by_name[name] for label, by_name in outputs.items() if name in by_name}
        if len(set(seen.values())) > 1:
            detail = "\n".join(f"{label}:\n{output}" for label, output in seen.items())
            failures.append(
                Failure(
                    problem.slug,
                    ", ".join(seen),
                    f"variant {name} prints differently under different interpreters",
                    detail,
                )
            )
    return failures


def verify(
    problems: Sequence[Problem],
    pythons: Sequence[Interpreter],
    *,
    limits: runner.Limits | None = None,
    jobs: int | None = None,
) -> Report:
    """Check every problem under every interpreter, in parallel across the cores."""
    limits = limits or runner.Limits()
    tasks: list[tuple[Problem, Interpreter]] = []
    skipped: list[tuple[str, str, str]] = []
    for problem in problems:
        for python in pythons:
            reason = problem.unavailable_reason(python.version)
            if reason:
                skipped.append((problem.slug, python.label, reason))
            else:
                tasks.append((problem, python))
    failures: list[Failure] = []
    workers = max(1, jobs or os.cpu_count() or 1)
    # Threads are enough: each task spends its time waiting on a child process.
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_check_one, *task, limits) for task in tasks]
        outputs: dict[str, dict[str, dict[str, str]]] = {}
        try:
            for (problem, python), future in zip(tasks, futures, strict=True):
                found_failures, variant_outputs = future.result()
                failures.extend(found_failures)
                outputs.setdefault(problem.slug, {})[python.label] = variant_outputs
        except KeyboardInterrupt:
            # Ctrl-C: drop what has not started and stop what has, so the pool joins at once.
            pool.shutdown(wait=False, cancel_futures=True)
            runner.kill_all()
            raise
    for problem in problems:
        if problem.variants and problem.slug in outputs:
            failures.extend(_variants_agree(problem, outputs[problem.slug]))
    return Report(failures=failures, checked=len(tasks), skipped=skipped)


def verify_problems(
    slugs: Sequence[str] | None,
    pythons: Sequence[str] | None,
    *,
    limits: runner.Limits,
    jobs: int | None = None,
) -> Verified:
    """The use case `verify` runs: the named problems (default: all) under the named
    interpreters (default: this one), each probed first so that a bad one is bad input."""
    import sys

    from importdrill.core.catalog import load_catalog
    from importdrill.core.interpreters import interpreter

    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs {jobs}: must be 1 or more")
    # A pack with a broken problem file is left out (the others are verified) and named.
    catalog = load_catalog(strict=False)
    problems = [catalog.get(s) for s in slugs] if slugs else catalog.problems
    found = [interpreter(p) for p in (pythons or [sys.executable])]
    report = verify(problems, found, limits=limits, jobs=jobs)
    return Verified(
        len(problems), found, report.checked, report.failures, report.skipped, catalog.broken
    )
