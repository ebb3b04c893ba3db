"""Proving problems true: every program prints its expected output, no starter already passes."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from importdrill import judge, runner
from importdrill.drill import run_question
from importdrill.errors import InterpreterError
from importdrill.kinds import Kind
from importdrill.problems import Problem, Run


@dataclass(frozen=True)
class Failure:
    """One way one problem is not true on one interpreter."""

    slug: str
    python: str
    what: str
    detail: str


@dataclass(frozen=True)
class Interpreter:
    """A Python to verify under, with its version."""

    command: str
    version: tuple[int, int]

    @property
    def label(self) -> str:
        return f"{self.command} ({self.version[0]}.{self.version[1]})"


@dataclass(frozen=True)
class Report:
    """What verify found: the failures, what was checked, and what was skipped and why."""

    failures: list[Failure]
    checked: int
    skipped: list[tuple[str, str, str]]  # slug, interpreter label, reason


# A Python answers its version in a few hundredths of a second; one that takes longer than
# this is hung or is not a Python, and waiting longer helps nobody.
PROBE_TIMEOUT_S = 10.0
_PROBE_ANSWER = re.compile(r"importdrill-probe (\d+) (\d+)")


def interpreter(command: str) -> Interpreter:
    """Ask an interpreter its version; a missing or broken one is a usage error naming it."""
    # Supervised like any run (a fork supervisor, its deadline, its limits): a fake interpreter
    # that backgrounds a process, or leaves with setsid, leaves nothing behind.
    probe = runner.Program(
        code="import sys; print('importdrill-probe %d %d' % sys.version_info[:2])\n"
    )
    done = runner.run(probe, python=command, limits=runner.Limits(timeout_s=PROBE_TIMEOUT_S))
    if done.timed_out:
        raise InterpreterError(
            command, f"it did not answer its version within {PROBE_TIMEOUT_S:.0f} s"
        )
    if done.returncode is None and not done.output_limit:
        reason = done.stderr.removeprefix(f"could not start {command}: ")
        raise InterpreterError(command, f"cannot run it ({reason})")
    # The whole answer must be the probe's line: /bin/echo, say, prints its arguments back.
    answer = _PROBE_ANSWER.fullmatch(done.stdout.strip())
    if done.returncode != 0 or answer is None:
        raise InterpreterError(command, "it did not answer like a Python interpreter")
    major, minor = int(answer.group(1)), int(answer.group(2))
    if (major, minor) < (3, 9):
        raise InterpreterError(command, f"Python {major}.{minor} is older than 3.9")
    return Interpreter(command, (major, minor))


SUPPORTED_MINORS = range(9, 20)


def found() -> list[Interpreter]:
    """This interpreter and every `python3.N` on PATH, one per version, oldest first."""
    import shutil
    import sys

    by_version: dict[tuple[int, int], Interpreter] = {}
    for command in [sys.executable, *(f"python3.{minor}" for minor in SUPPORTED_MINORS)]:
        path = shutil.which(command)
        if path is None:
            continue
        try:
            python = interpreter(path)
        except InterpreterError:
            continue  # a pyenv shim of a version that is not active, say
        by_version.setdefault(python.version, python)
    return [by_version[v] for v in sorted(by_version)]


def _check_implement(problem: Problem, python: Interpreter, limits: runner.Limits) -> list[Failure]:
    """The solution passes every run, the same way twice, and keeps every rule; the starter,
    every decoy and a file that only prints the first run's output all fail."""
    from importdrill import drill, rules

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
        program = drill.program_for(problem, solution, run=run)
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
        evaluation = drill.evaluate(
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
    something other than the problem as written (a variant changes the answer)."""
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
        if what is not None:
            failures.append(Failure(problem.slug, python.label, what, detail))
        else:
            outputs[name] = first
    return failures, outputs


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
