"""Pure judging: what was expected and what a run did, in; a Verdict with a diff, out."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

from importdrill.core.runner import RunResult

if TYPE_CHECKING:
    from importdrill.core.rules import Breach


class VerdictKind(StrEnum):
    """How a check ended."""

    PASS = "pass"
    WRONG_OUTPUT = "wrong-output"
    ERROR = "error"
    TIMEOUT = "timeout"
    OUTPUT_LIMIT = "output-limit"
    MEMORY_LIMIT = "memory-limit"
    BROKEN_RULE = "broken-rule"  # every run passed, but the file breaks a stated rule


# Verdicts are named tuples (the README's Performance section says why).


class Verdict(NamedTuple):
    """The outcome of one check, ready to show or to serialise."""

    verdict: VerdictKind
    expected: str
    actual: str
    diff: str
    detail: str
    whitespace_only: bool = False

    @property
    def passed(self) -> bool:
        return self.verdict is VerdictKind.PASS


class RunVerdict(NamedTuple):
    """One named run of the learner's file, judged."""

    name: str
    verdict: Verdict
    result: RunResult

    @property
    def passed(self) -> bool:
        return self.verdict.passed


class Evaluation(NamedTuple):
    """A file judged by every run of its problem and every rule: it passes only if all do."""

    runs: tuple[RunVerdict, ...]
    breaches: tuple[Breach, ...] = ()

    @property
    def passed(self) -> bool:
        return bool(self.runs) and all(run.passed for run in self.runs) and not self.breaches

    @property
    def first_failure(self) -> RunVerdict | None:
        return next((run for run in self.runs if not run.passed), None)

    @property
    def summary(self) -> Verdict:
        """One verdict for the whole file: the first failed run's, else the rules', else a
        pass; its detail says which run, when there are several."""
        failed = self.first_failure
        shown = failed or self.runs[0]
        verdict = shown.verdict
        several = len(self.runs) > 1
        if failed is not None:
            if several:
                number = self.runs.index(failed) + 1
                detail = f"run {number} of {len(self.runs)} ({failed.name}): {verdict.detail}"
                return _with_detail(verdict, detail)
            return verdict
        if self.breaches:
            count = len(self.breaches)
            detail = "every run passed, but " + (
                "a rule is broken" if count == 1 else f"{count} rules are broken"
            )
            return Verdict(
                VerdictKind.BROKEN_RULE, verdict.expected, verdict.actual, "", detail, False
            )
        if several:
            return _with_detail(verdict, f"all {len(self.runs)} runs pass")
        return verdict


def _with_detail(verdict: Verdict, detail: str) -> Verdict:
    return Verdict(
        verdict.verdict,
        verdict.expected,
        verdict.actual,
        verdict.diff,
        detail,
        verdict.whitespace_only,
    )


def evaluate(
    runs: Sequence[tuple[str, str, RunResult]], breaches: Sequence[Breach] = ()
) -> Evaluation:
    """Judge each (name, expected output, result), and add the broken rules."""
    return Evaluation(
        tuple(RunVerdict(name, judge(expected, result), result) for name, expected, result in runs),
        tuple(breaches),
    )


def normalise(text: str) -> str:
    """Line endings unified, trailing whitespace on each line and trailing blank lines dropped."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).rstrip("\n")


# A diff's cost grows with the square of its lines in the worst case: 200,000 lines of
# output took minutes. Only this many lines of each side are compared line by line, and the
# diff says so; whether the outputs are equal is still decided on all of them.
DIFF_LINES_COMPARED = 2_000


def unified_diff(expected: str, actual: str) -> str:
    """A unified diff of expected against actual, empty when they are equal."""
    import difflib  # only failing checks need it

    left, right = expected.split("\n"), actual.split("\n")
    cut = max(len(left), len(right)) > DIFF_LINES_COMPARED
    lines = list(
        difflib.unified_diff(
            left[:DIFF_LINES_COMPARED],
            right[:DIFF_LINES_COMPARED],
            fromfile="expected",
            tofile="actual",
            lineterm="",
        )
    )
    if cut:
        lines.append(
            f"... only the first {DIFF_LINES_COMPARED:,} lines of each side are compared here "
            f"(expected: {len(left):,} lines, actual: {len(right):,}) ..."
        )
    return "\n".join(lines)


def _size(count: int) -> str:
    if count >= 1 << 20 and count % (1 << 20) == 0:
        return f"{count >> 20} MiB"
    if count >= 1 << 10 and count % (1 << 10) == 0:
        return f"{count >> 10} KiB"
    return f"{count:,} bytes"


def _squeeze(text: str) -> str:
    return "".join(text.split())


def judge(expected_output: str, result: RunResult) -> Verdict:
    """Compare a run's stdout with the expected text and say what happened."""
    expected = normalise(expected_output)
    actual = normalise(result.stdout)
    same = expected == actual

    def verdict(kind: VerdictKind, detail: str, *, with_diff: bool = True) -> Verdict:
        diff = unified_diff(expected, actual) if with_diff and not same else ""
        whitespace_only = not same and _squeeze(expected) == _squeeze(actual)
        return Verdict(kind, expected, actual, diff, detail, whitespace_only)

    if result.timed_out:
        return verdict(
            VerdictKind.TIMEOUT, f"still running after {result.duration_s:.1f} s, so it was stopped"
        )
    if result.output_limit:
        return verdict(
            VerdictKind.OUTPUT_LIMIT,
            f"printed more than {_size(result.output_cap)} to {result.output_limit}, so it "
            f"was stopped; the first {_size(result.output_cap)} are kept",
        )
    if result.memory_limit:
        return verdict(
            VerdictKind.MEMORY_LIMIT, "ran out of the memory it is allowed (MemoryError)"
        )
    if result.signal_name:
        return verdict(VerdictKind.ERROR, f"was killed by {result.signal_name}")
    if result.returncode is None:
        return verdict(VerdictKind.ERROR, result.stderr.strip() or "did not finish")
    if result.returncode != 0:
        tail = " (the output was right, but a run that fails is never a pass)" if same else ""
        return verdict(VerdictKind.ERROR, f"exited with status {result.returncode}{tail}")
    if not same:
        detail = "the output differs"
        if _squeeze(expected) == _squeeze(actual):
            detail = "the output differs only in whitespace"
        return verdict(VerdictKind.WRONG_OUTPUT, detail)
    return verdict(VerdictKind.PASS, "the output matches")


class LineMark(NamedTuple):
    """One line of the learner's prediction and whether the program printed it there."""

    text: str
    right: bool


class PredictionMarks(NamedTuple):
    """A wrong prediction judged without giving the answer away: only the learner's own lines,
    each marked, and how many lines are missing or extra. No text of the real output."""

    lines: tuple[LineMark, ...]
    missing: int
    extra: int


def split_lines(text: str) -> list[str]:
    """The lines of a normalised text; an empty text has none."""
    text = normalise(text)
    return text.split("\n") if text else []


def mark_prediction(prediction: str, output: str) -> PredictionMarks:
    """Mark each line of prediction right or wrong against the real output."""
    mine, real = split_lines(prediction), split_lines(output)
    if len(mine) == len(real) or max(len(mine), len(real)) > DIFF_LINES_COMPARED:
        # Same length: line by line, which is how a learner reads a prediction. (Very long
        # texts too: lining them up costs too much, and no prediction is that long.)
        right = [a == b for a, b in zip(mine, real, strict=False)]
        right += [False] * (len(mine) - len(right))
    else:
        import difflib

        # Otherwise a line is right where it lines up with the real output in order, so one
        # forgotten line does not mark every line after it wrong.
        right = [False] * len(mine)
        matcher = difflib.SequenceMatcher(a=mine, b=real, autojunk=False)
        for block in matcher.get_matching_blocks():
            for offset in range(block.size):
                right[block.a + offset] = True
    return PredictionMarks(
        lines=tuple(LineMark(text, ok) for text, ok in zip(mine, right, strict=True)),
        missing=max(len(real) - len(mine), 0),
        extra=max(len(mine) - len(real), 0),
    )
