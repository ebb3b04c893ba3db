"""What the use cases return: one result type per thing done, each knowing its versioned JSON
form (`to_json`, the documents of docs/json.md). The front ends render them or print that."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from importdrill.app import iso, versioned
from importdrill.core.errors import Exit
from importdrill.core.kinds import Difficulty
from importdrill.core.progress import Confidence, Status

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    from importdrill.core import judge, runner
    from importdrill.core.problems import Problem
    from importdrill.core.schedule import Review

# Named tuples, not frozen dataclasses, for start-up (the README's Performance says why).


class Begun(NamedTuple):
    """A problem made current: where the learner's file is, and whether it was just created."""

    problem: Problem
    learner_file: Path | None
    created: bool
    solved: bool = False  # solved before: this start is practice


class PredictionQuestion(NamedTuple):
    """What the inline prompt asks for a prediction, and how many lines the answer has (None
    when the program did not finish: then the count would say nothing)."""

    question: str  # "What does it print?", or the order or which-file question
    has: str  # "It prints" / "The answer has", before the count
    noun: str  # what a line of the answer is: "line", "module", ...
    real: str  # "the program prints" / "the answer has", when a count is off
    lines: int | None
    history: list[str]  # the learner's earlier predictions, newest last


class PredictionOutcome(NamedTuple):
    """A judged prediction. `output` is the real output: render it only if `answer_visible`."""

    problem: Problem
    prediction: str
    verdict: judge.Verdict
    result: runner.RunResult
    marks: judge.PredictionMarks
    answer_visible: bool
    next_slug: str | None

    @property
    def passed(self) -> bool:
        return self.verdict.passed

    @property
    def tree(self) -> str | None:
        """An order problem's real import tree, once the answer may be shown; else None."""
        return self.result.tree if self.answer_visible or self.passed else None

    @property
    def output(self) -> str:
        return self.verdict.actual

    @property
    def exit_status(self) -> int:
        return Exit.OK if self.passed else Exit.FAILED

    def to_json(self) -> dict[str, object]:
        verdict = self.verdict
        # A wrong prediction's stderr may hold the answer's text too; once it is seen, not.
        seen = self.answer_visible or verdict.verdict.value != "wrong-output"
        return versioned(
            {
                **_verdict_head(self.problem, verdict, self.result),
                "prediction": self.prediction,
                "lines": [{"text": m.text, "right": m.right} for m in self.marks.lines],
                "missing": self.marks.missing,
                "extra": self.marks.extra,
                # The real output is a key only once the answer is earned or was revealed.
                "output": verdict.actual if self.answer_visible else None,
                "tree": self.tree,
                "stderr": self.result.stderr if seen else "",
            }
        )


def _verdict_head(
    problem: Problem, verdict: judge.Verdict, result: runner.RunResult
) -> dict[str, object]:
    """The keys a check's document starts with, whatever kind of problem was checked."""
    return {
        "slug": problem.slug,
        "kind": problem.kind.value,
        "passed": verdict.passed,
        "verdict": verdict.verdict.value,
        "detail": verdict.detail,
        "duration_s": round(result.duration_s, 3),
    }


class FileOutcome(NamedTuple):
    """A judged implement file: every run (in order) and every broken rule, one summary
    verdict (the first failed run's), and support files the learner changed (not used)."""

    problem: Problem
    evaluation: judge.Evaluation
    next_slug: str | None
    changed_support: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.evaluation.passed

    @property
    def exit_status(self) -> int:
        return Exit.OK if self.passed else Exit.FAILED

    @property
    def verdict(self) -> judge.Verdict:
        return self.evaluation.summary

    @property
    def result(self) -> runner.RunResult:
        """The run the summary verdict is about (the first failed one, else the first)."""
        shown = self.evaluation.first_failure or self.evaluation.runs[0]
        return shown.result

    def to_json(self) -> dict[str, object]:
        verdict = self.verdict
        broken = {b.index: b for b in self.evaluation.breaches}
        return versioned(
            {
                **_verdict_head(self.problem, verdict, self.result),
                "expected": verdict.expected,
                "actual": verdict.actual,
                "diff": verdict.diff,
                "stderr": self.result.stderr,
                "changed_support": list(self.changed_support),
                "runs": [
                    {
                        "name": run.name,
                        "passed": run.passed,
                        "verdict": run.verdict.verdict.value,
                        "detail": run.verdict.detail,
                        "expected": run.verdict.expected,
                        "actual": run.verdict.actual,
                        "diff": run.verdict.diff,
                        "stderr": "" if run.passed else run.result.stderr,
                        "duration_s": round(run.result.duration_s, 3),
                    }
                    for run in self.evaluation.runs
                ],
                "rules": [
                    {
                        "message": rule.message,
                        "kept": index not in broken,
                        "line": broken[index].line if index in broken else None,
                    }
                    for index, rule in enumerate(self.problem.rules)
                ],
            }
        )


Outcome = PredictionOutcome | FileOutcome


class Revealed(NamedTuple):
    """The answer to a predict problem the learner gave up on, beside their last prediction."""

    problem: Problem
    output: str
    last_prediction: str | None
    result: runner.RunResult
    workspace: Path

    @property
    def tree(self) -> str | None:
        """An order problem's real import tree; None for other kinds."""
        return self.result.tree

    def to_json(self) -> dict[str, object]:
        return versioned(
            {
                "slug": self.problem.slug,
                "status": Status.REVEALED.value,
                "output": self.output,
                "last_prediction": self.last_prediction,
                "tree": self.tree,
                "explanation": self.problem.explanation,
                "workspace": str(self.workspace),
            }
        )


class SolutionRevealed(NamedTuple):
    """An implement problem the learner gave up on: the reference solution beside their file
    (None: no file), the problem now revealed (not solved)."""

    problem: Problem
    reference: str
    mine: str | None
    learner_file: Path | None

    def to_json(self) -> dict[str, object]:
        return versioned(
            {
                "slug": self.problem.slug,
                "status": Status.REVEALED.value,
                "solution": self.reference,
                "yours": self.mine,
                "explanation": self.problem.explanation,
            }
        )


class Explanation(NamedTuple):
    """A problem's explanation, earned by a pass or a reveal."""

    problem: Problem

    def to_json(self) -> dict[str, object]:
        return versioned({"slug": self.problem.slug, "explanation": self.problem.explanation})


class HintShown(NamedTuple):
    """A hint to show; `fresh` is False when every hint was already revealed."""

    problem: Problem
    number: int
    fresh: bool

    @property
    def text(self) -> str:
        return self.problem.hints[self.number - 1]

    def to_json(self) -> dict[str, object]:
        return versioned(
            {
                "slug": self.problem.slug,
                "number": self.number,
                "total": len(self.problem.hints),
                "fresh": self.fresh,
                "text": self.text,
            }
        )


class Solution(NamedTuple):
    """An implement problem's reference solution beside the learner's file (None: no file)."""

    problem: Problem
    reference: str
    mine: str | None

    def to_json(self) -> dict[str, object]:
        return versioned(
            {"slug": self.problem.slug, "solution": self.reference, "yours": self.mine}
        )


class LearnerFile(NamedTuple):
    """An implement problem's file, and whether it was made from the starter just now."""

    problem: Problem
    path: Path
    created: bool

    def to_json(self) -> dict[str, object]:
        return versioned(
            {"slug": self.problem.slug, "path": str(self.path), "created": self.created}
        )


class ProblemShown(NamedTuple):
    """A problem shown again: what the learner is asked, never the answer."""

    problem: Problem
    question: str | None  # what to write, for an order or which-file problem
    learner_file: Path | None  # an implement problem's file, when the learner has one

    def to_json(self) -> dict[str, object]:
        p = self.problem
        return versioned(
            {
                "slug": p.slug,
                "title": p.title,
                "kind": str(p.kind),
                "difficulty": str(p.difficulty),
                "prompt": p.prompt,
                "question": self.question,
                "command": p.command(),
                "main": p.main,
                # An implement problem's is the starter; the others' is the program itself.
                "code": p.code,
                "files": dict(sorted(p.files.items())),
                "learner_file": None if self.learner_file is None else str(self.learner_file),
            }
        )


class WorkspaceRun(NamedTuple):
    """The workspace run by hand, as a check would run it; nothing is recorded."""

    problem: Problem
    folder: Path
    command: list[str]
    result: runner.RunResult
    # Order and which-file: the answer the run recorded (the result's stdout is then the
    # program's own, as a learner running it by hand sees it); None for other kinds.
    answer: str | None = None

    @property
    def exit_status(self) -> int:
        """The program's own exit status, as a shell reports it (128 + N for signal N); 1 when
        it was stopped (past its time or output limits) or never ran."""
        result = self.result
        if result.returncode is None or result.timed_out or result.output_limit:
            return Exit.FAILED
        if result.returncode < 0:
            return 128 - result.returncode
        return result.returncode

    def to_json(self) -> dict[str, object]:
        result = self.result
        return versioned(
            {
                "slug": self.problem.slug,
                "command": self.command,
                "folder": str(self.folder),
                "stdout": result.stdout,
                "stderr": result.stderr,
                "returncode": result.returncode,
                "timed_out": result.timed_out,
                "output_limit": result.output_limit,
                "duration_s": round(result.duration_s, 3),
                "answer": self.answer,
            }
        )


class VersionRun(NamedTuple):
    """What one interpreter printed for a problem, and what the problem states for it."""

    python: str
    version: tuple[int, int]
    output: str
    stated: str
    result: runner.RunResult


class Versions(NamedTuple):
    """A problem's output under every interpreter found, oldest first."""

    problem: Problem
    runs: list[VersionRun]
    # The interpreters passed over, each with why (broken, a version already found, too old
    # or too new for the problem).
    skipped: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, object]:
        return versioned(
            {
                "slug": self.problem.slug,
                "skipped": [{"python": p, "why": why} for p, why in self.skipped],
                "runs": [
                    {
                        "python": r.python,
                        "version": f"{r.version[0]}.{r.version[1]}",
                        "output": r.output,
                        "stated": r.stated,
                    }
                    for r in self.runs
                ],
            }
        )


class ResetDone(NamedTuple):
    """A problem forgotten; its old workspace kept at `kept` (None when there was none)."""

    problem: Problem
    kept: Path | None

    def to_json(self) -> dict[str, object]:
        return versioned({"slug": self.problem.slug, "kept": str(self.kept) if self.kept else None})


class ReviewStart(NamedTuple):
    """A problem brought back for review: for an implement problem, a fresh starter at
    `learner_file`, the earlier file kept at `earlier`."""

    problem: Problem
    learner_file: Path | None
    earlier: Path | None


class Reviews(NamedTuple):
    """Every problem in the review schedule, soonest first, as of `moment`."""

    reviews: list[Review]
    moment: datetime

    def to_json(self) -> dict[str, object]:
        return versioned(
            {
                "reviews": [
                    {
                        "slug": r.slug,
                        "due": iso(r.due),
                        "state": r.state,
                        "due_now": r.is_due(self.moment),
                        "reviews": r.reviews,
                    }
                    for r in self.reviews
                ]
            }
        )


class Practice(NamedTuple):
    """What status shows beside the counts: reviews due, the streak, confidence and results."""

    now: datetime
    due_today: list[Review]
    next_review: Review | None
    streak: int
    practised_today: bool
    confidence: dict[Confidence, tuple[int, int]]  # level: (right, total)


class Counts(NamedTuple):
    """How many problems of a group there are, and how many are solved, revealed, started."""

    total: int
    solved: int
    revealed: int
    started: int


class Overview(NamedTuple):
    """Status: progress counted once (per difficulty and in all) for the text and the JSON,
    the current problem, the problems started, and how practice is going."""

    by_difficulty: dict[Difficulty, Counts]
    current: str | None
    current_status: Status | None
    started: list[str]
    practice: Practice

    @property
    def overall(self) -> Counts:
        groups = self.by_difficulty.values()
        return Counts(*(sum(column) for column in zip(*groups, strict=True)))

    def to_json(self) -> dict[str, object]:
        overall, practice = self.overall, self.practice
        following = practice.next_review
        return versioned(
            {
                "total": overall.total,
                "solved": overall.solved,
                "revealed": overall.revealed,
                "by_difficulty": {
                    difficulty.value: {
                        "total": counts.total,
                        Status.SOLVED.value: counts.solved,
                        Status.REVEALED.value: counts.revealed,
                        Status.STARTED.value: counts.started,
                    }
                    for difficulty, counts in self.by_difficulty.items()
                },
                "current": self.current,
                "started": self.started,
                "reviews_due_today": [r.slug for r in practice.due_today],
                "next_review": {"slug": following.slug, "due": iso(following.due)}
                if following
                else None,
                "streak_days": practice.streak,
                "practised_today": practice.practised_today,
                "confidence": {
                    str(int(level)): {"right": right, "total": total}
                    for level, (right, total) in practice.confidence.items()
                },
            }
        )


class Settings(NamedTuple):
    """The settings asked for (all of them, or one), with their values."""

    values: dict[str, str]

    def to_json(self) -> dict[str, object]:
        return versioned({"settings": self.values})
