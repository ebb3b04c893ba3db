"""The verdict screen: a check's outcome (marks, diffs, stderr, the explanation a pass shows),
a reveal, a workspace run, and verify's failures."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from importdrill.core.kinds import Kind
from importdrill.views.console import (
    SIDE_BY_SIDE_MIN_WIDTH,
    _title,
    err,
    error,
    info,
    markdown,
    notice,
    out,
    plural,
    say,
    visible,
)

if TYPE_CHECKING:
    from rich.segment import Segment

    from importdrill.app.results import (
        Explanation,
        FileOutcome,
        Outcome,
        PredictionOutcome,
        Revealed,
        WorkspaceRun,
    )
    from importdrill.app.verify import Verified
    from importdrill.core import judge
    from importdrill.core.problems import Problem
    from importdrill.core.runner import RunResult

STDERR_LINES_SHOWN = 40

# Bounds of what a view shows of a program's output, so that rendering stays quick
# whatever the program printed; each view says what it cut.
DIFF_LINES_SHOWN = 200
LINE_CHARS_SHOWN = 400

# --- verdicts ------------------------------------------------------------------------------

# Keyed by judge's verdict names; spelled out here so that importing the views does not import the
# judge and the runner behind it (start-up time of the commands that run nothing).
VERDICT_STYLE = {
    "pass": ("✓ pass", "bold green"),
    "wrong-output": ("✗ wrong output", "bold red"),
    "error": ("✗ error", "bold red"),
    "timeout": ("✗ timeout", "bold red"),
    "output-limit": ("✗ output limit", "bold red"),
    "memory-limit": ("✗ memory limit", "bold red"),
    "broken-rule": ("✗ broken rule", "bold red"),
}


def visible_whitespace(line: str) -> str:
    return line.replace(" ", "·").replace("\t", "→")


def shown_line(line: str) -> str:
    """A line of a program's output as a view shows it: controls visible, length bounded."""
    if len(line) > LINE_CHARS_SHOWN:
        line = f"{line[:LINE_CHARS_SHOWN]}… ({len(line) - LINE_CHARS_SHOWN:,} more characters)"
    return visible(line)


def shown_block(text: str) -> str:
    """A program's output as a view shows it in one block: its first DIFF_LINES_SHOWN lines,
    each cut at LINE_CHARS_SHOWN characters, controls visible, and what was left out."""
    lines, more = shown_lines(text)
    if more:
        lines.append(f"… ({_lines(more)} more not shown)")
    return "\n".join(lines)


def shown_lines(text: str) -> tuple[list[str], int]:
    """The lines of text a view shows, and how many more it leaves out."""
    lines = text.split("\n") if text else []
    return [shown_line(line) for line in lines[:DIFF_LINES_SHOWN]], max(
        len(lines) - DIFF_LINES_SHOWN, 0
    )


def _cut_note(left_out: int, right_out: int, labels: tuple[str, str]) -> Text:
    parts = [
        f"{count:,} more lines of {label}"
        for count, label in ((left_out, labels[0]), (right_out, labels[1]))
        if count
    ]
    return Text(
        f"... {' and '.join(parts)} not shown (the first {DIFF_LINES_SHOWN} are) ...", "dim"
    )


def diff_view(verdict: judge.Verdict, labels: tuple[str, str], width: int) -> RenderableType:
    """Expected and actual side by side on a wide terminal, a unified diff otherwise."""
    from rich.console import Group

    expected, expected_out = shown_lines(verdict.expected)
    actual, actual_out = shown_lines(verdict.actual)
    view = _diff_view(expected, actual, labels, width, verdict.whitespace_only)
    if expected_out or actual_out:
        return Group(view, _cut_note(expected_out, actual_out, labels))
    return view


def _diff_view(
    expected: list[str],
    actual: list[str],
    labels: tuple[str, str],
    width: int,
    whitespace_only: bool,
) -> RenderableType:
    if whitespace_only:
        expected = [visible_whitespace(line) for line in expected]
        actual = [visible_whitespace(line) for line in actual]
    if width >= SIDE_BY_SIDE_MIN_WIDTH:
        return side_by_side(expected, actual, labels)
    import difflib  # only failing checks show a diff

    lines = difflib.unified_diff(
        expected, actual, fromfile=labels[0], tofile=labels[1], lineterm="", n=3
    )
    text = Text()
    for line in lines:
        style = (
            "bold"
            if line.startswith(("---", "+++"))
            else "green"
            if line.startswith("+")
            else "red"
            if line.startswith("-")
            else "cyan"
            if line.startswith("@@")
            else ""
        )
        text.append(line + "\n", style=style)
    return text


def _aligned(expected: list[str], actual: list[str]) -> list[tuple[str | None, str | None]]:
    """Pairs of lines to show side by side.

    Outputs of the same length are paired line by line, which is how a learner reads a
    prediction; otherwise difflib lines up what the two share.
    """
    if len(expected) == len(actual):
        return list(zip(expected, actual, strict=True))
    import difflib

    pairs: list[tuple[str | None, str | None]] = []
    matcher = difflib.SequenceMatcher(a=expected, b=actual, autojunk=False)
    for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for offset in range(max(i2 - i1, j2 - j1)):
            left = expected[i1 + offset] if i1 + offset < i2 else None
            right = actual[j1 + offset] if j1 + offset < j2 else None
            pairs.append((left, right))
    return pairs


def side_by_side(expected: list[str], actual: list[str], labels: tuple[str, str]) -> Table:
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False, expand=True)
    table.add_column("", justify="right", no_wrap=True)
    table.add_column(labels[0], ratio=1, overflow="fold")
    table.add_column(labels[1], ratio=1, overflow="fold")
    for left, right in _aligned(expected, actual):
        same = left == right
        mark = (
            " "
            if same
            else "≠"
            if left is not None and right is not None
            else "-"
            if right is None
            else "+"
        )
        table.add_row(
            Text(mark, style="" if same else "bold yellow"),
            Text(left if left is not None else "", style="" if same else "red"),
            Text(right if right is not None else "", style="" if same else "green"),
        )
    return table


def _verdict_line(
    problem: Problem, verdict: judge.Verdict, result: RunResult, duration: float | None = None
) -> None:
    label, style = VERDICT_STYLE[verdict.verdict]
    detail = verdict.detail
    if not problem.kind.learner_writes_code and verdict.verdict == "wrong-output":
        label = "✗ wrong prediction"
        if problem.kind is not Kind.PREDICT:
            # The answer is not the output: an order or which-file answer differs as itself.
            label = "✗ wrong answer"
            detail = detail.replace("the output differs", "the answer differs")
    out().print(
        Text.assemble(
            (label, style),
            "  ",
            (problem.slug, "bold"),
            (f"  {detail}", "dim"),
            (f"  ({result.duration_s if duration is None else duration:.2f} s)", "dim"),
        )
    )


# The explanation of a problem laid out ahead, while its program runs (see prepare_verdict):
# the explanation's text, the width it was laid out for, and its segments.
_laid_out: tuple[str, int, list[Segment]] | None = None


def prepare_verdict(problem: Problem) -> None:
    """Make ready to show problem's verdict before it is known: load what showing one needs
    (the console, panels, the prose renderer, the table of character widths), and lay out
    the explanation that a pass shows. A check does this while the program runs."""
    global _laid_out  # noqa: PLW0603 - one check's explanation, kept for show_explanation
    console = out()
    _laid_out = (
        problem.explanation,
        console.width,
        list(console.render(_explanation_panel(problem), console.options)),
    )


def _explanation_panel(problem: Problem) -> RenderableType:
    from rich.panel import Panel

    return Panel(
        markdown(problem.explanation),
        title=_title("why"),
        title_align="left",
        border_style="green",
    )


def show_explanation(problem: Problem) -> None:
    from rich.segment import Segments

    console = out()
    if _laid_out is not None and _laid_out[:2] == (problem.explanation, console.width):
        console.print(Segments(_laid_out[2]))
    else:
        console.print(_explanation_panel(problem))


def _show_pass(problem: Problem, next_slug: str | None, *, watching: bool) -> None:
    console = out()
    if problem.variant is not None:
        # The explanation is written once, for the program as first set; this one differs.
        console.print(
            Text(
                f"You solved a variant ({problem.variant}) of this problem. The explanation "
                "below is written for the program as first set; apply it to the change.",
                style="dim",
            )
        )
    show_explanation(problem)
    if problem.kind is Kind.IMPLEMENT:
        console.print(
            Text("Compare with the reference: importdrill solution " + problem.slug, style="dim")
        )
    if watching:
        return
    if next_slug:
        console.print(
            Text.assemble("Next: ", ("importdrill next", "bold"), f"  (starts {next_slug})")
        )
    else:
        console.print(Text("That was the last problem in the list.", style="bold"))


def _lines(count: int) -> str:
    return plural(count, "line")


def marks_view(
    marks: judge.PredictionMarks,
    *,
    printed: bool = True,
    whitespace: bool = False,
    noun: str = "line",
) -> RenderableType:
    """The learner's own lines, each marked; never a line of the real output. printed: the
    answer is what the program prints (else: an answer the run recorded)."""
    text = Text()
    if not marks.lines:
        text.append("  (your prediction was empty)\n", style="dim")
    for line in marks.lines[:DIFF_LINES_SHOWN]:
        if line.right:
            text.append("✓ ", style="bold green")
        else:
            text.append("✗ ", style="bold red")
        mine = shown_line(line.text)
        if whitespace:  # as the legend above them says: · a space, → a tab
            mine = visible_whitespace(mine)
        text.append(mine + "\n", style="" if line.right else "red")
    if len(marks.lines) > DIFF_LINES_SHOWN:
        text.append(
            f"... {len(marks.lines) - DIFF_LINES_SHOWN:,} more lines of yours not shown ...\n",
            style="dim",
        )
    if marks.missing:
        text.append(
            (
                f"The program prints {_lines(marks.missing)} more than you wrote.\n"
                if printed
                else f"The answer has {plural(marks.missing, noun)} more than you wrote.\n"
            ),
            style="yellow",
        )
    if marks.extra:
        text.append(
            (
                f"You wrote {_lines(marks.extra)} more than the program prints.\n"
                if printed
                else f"You wrote {plural(marks.extra, noun)} more than the answer has.\n"
            ),
            style="yellow",
        )
    text.rstrip()
    return text


def show_prediction(outcome: PredictionOutcome, *, watching: bool = False) -> None:
    """A judged prediction: on a miss, only the learner's lines are shown, unless the answer
    was already seen (solved before, or revealed)."""
    console = out()
    problem, verdict, result = outcome.problem, outcome.verdict, outcome.result
    _verdict_line(problem, verdict, result)
    if outcome.passed:
        show_tree(outcome.tree)
        _show_pass(problem, outcome.next_slug, watching=watching)
        return
    if verdict.verdict == "wrong-output":
        if outcome.answer_visible:
            # The learner has seen this answer already (a reveal): comparing helps.
            console.print(diff_view(verdict, ("your prediction", _real(problem)), console.width))
            show_tree(outcome.tree)
        else:
            if verdict.whitespace_only:
                console.print(Text("Only whitespace differs (· is a space, → a tab):", "yellow"))
            console.print(
                marks_view(
                    outcome.marks,
                    printed=problem.kind is Kind.PREDICT,
                    whitespace=verdict.whitespace_only,
                    noun="module" if problem.kind is Kind.ORDER else "line",
                )
            )
    else:
        # The program itself did not run to the end (a timeout, a bad interpreter): that says
        # nothing about the prediction, and its error output is what the learner needs.
        _show_stderr(result)
    if watching:
        return
    console.print(
        Text(
            "Try again: importdrill check   Stuck? importdrill hint   Give up: importdrill reveal",
            style="dim",
        )
    )


def _real(problem: Problem) -> str:
    return "real output" if problem.kind is Kind.PREDICT else "real answer"


def show_tree(tree: str | None) -> None:
    """An order problem's import tree: which bodies ran inside which."""
    if not tree:
        return
    from rich.panel import Panel

    out().print(
        Panel(
            Text("\n".join(shown_line(line) for line in tree.split("\n"))),
            title=_title("import tree (bodies nested as they ran)"),
            title_align="left",
            border_style="cyan",
        )
    )


def _show_stderr(result: RunResult) -> None:
    from rich.panel import Panel

    stderr = result.stderr.strip()
    if stderr and result.output_limit != "stderr":
        lines = stderr.splitlines()
        if len(lines) > STDERR_LINES_SHOWN:
            lines = [
                f"... {len(lines) - STDERR_LINES_SHOWN} lines above not shown ...",
                *lines[-STDERR_LINES_SHOWN:],
            ]
        shown = "\n".join(shown_line(line) for line in lines)
        out().print(
            Panel(Text(shown), title=_title("stderr"), title_align="left", border_style="red")
        )


def show_file_outcome(outcome: FileOutcome, *, watching: bool = False) -> None:
    """A judged implement file: each run in order, passed or failed, with a failed run's diff
    and traceback; then each broken rule with its line."""
    console = out()
    problem, evaluation = outcome.problem, outcome.evaluation
    total = sum(run.result.duration_s for run in evaluation.runs)
    _verdict_line(problem, outcome.verdict, outcome.result, total)
    if outcome.changed_support:
        notice(
            "you changed "
            + ", ".join(outcome.changed_support)
            + " in your workspace; checks always use the problem's own copy, so those changes "
            "were not used"
        )
    if outcome.passed:
        _show_pass(problem, outcome.next_slug, watching=watching)
        return
    several = len(evaluation.runs) > 1
    for number, run in enumerate(evaluation.runs, 1):
        if several:
            mark, style = ("✓", "bold green") if run.passed else ("✗", "bold red")
            console.print(
                Text.assemble(
                    (f"{mark} run {number}  ", style),
                    (run.name, "bold"),
                    ("" if run.passed else f"  {run.verdict.detail}", "dim"),
                )
            )
        if not run.passed:
            _show_run_failure(run.verdict, run.result)
    if evaluation.breaches:
        console.print(Text("Your file breaks a rule of this problem:", style="bold red"))
        for breach in evaluation.breaches:
            where = f"line {breach.line}: " if breach.line else ""
            console.print(Text.assemble(("✗ ", "bold red"), (where, "bold"), breach.message))
    if watching:
        return
    console.print(
        Text(
            "Edit your file and run importdrill check again.   Stuck? importdrill hint",
            style="dim",
        )
    )


def _show_run_failure(verdict: judge.Verdict, result: RunResult) -> None:
    """A failed run's expected output against the learner's, and its error output."""
    from rich.panel import Panel

    console = out()
    labels = ("expected", "your output")
    if verdict.diff or verdict.whitespace_only:
        if verdict.whitespace_only:
            console.print(Text("Only whitespace differs (· is a space, → a tab):", style="yellow"))
        console.print(diff_view(verdict, labels, console.width))
    elif not verdict.passed and verdict.actual and verdict.verdict != "error":
        console.print(Text(shown_block(verdict.actual)))
    if result.output_limit:
        shown = result.stdout if result.output_limit == "stdout" else result.stderr
        head = "\n".join(shown_line(line) for line in shown.splitlines()[:10])
        console.print(
            Panel(
                Text(head),
                title=_title(f"first lines of {result.output_limit}"),
                title_align="left",
                border_style="dim",
            )
        )
    _show_stderr(result)


def show_outcome(outcome: Outcome, *, watching: bool = False) -> None:
    from importdrill.app.results import PredictionOutcome

    if isinstance(outcome, PredictionOutcome):
        show_prediction(outcome, watching=watching)
    else:
        show_file_outcome(outcome, watching=watching)


def show_revealed(revealed: Revealed) -> None:
    """The real output beside the learner's last prediction, then the explanation."""
    console = out()
    problem = revealed.problem
    console.print(Text.assemble(("◐ revealed  ", "bold magenta"), (problem.slug, "bold")))
    real = revealed.output.split("\n") if revealed.output else []
    if revealed.last_prediction is None:
        from rich.panel import Panel

        console.print(
            Panel(
                Text(shown_block("\n".join(real))),
                title=_title(_real(problem)),
                title_align="left",
                border_style="magenta",
            )
        )
    else:
        from importdrill.core import judge

        mine, _ = shown_lines("\n".join(judge.split_lines(revealed.last_prediction)))
        real, _ = shown_lines("\n".join(real))
        console.print(side_by_side(mine, real, ("your last prediction", _real(problem))))
    show_tree(revealed.tree)
    _show_stderr(revealed.result)
    show_explanation(problem)
    console.print(
        Text(
            f"The program is in {revealed.workspace}: change it and run it with "
            f"importdrill run {problem.slug}. A right prediction later still counts as solved.",
            style="dim",
        )
    )


def show_workspace_run(run: WorkspaceRun) -> None:
    """Raw output of the workspace run by hand, and its exit status."""
    console = out()
    result = run.result
    console.print(
        Text.assemble(
            ("$ ", "dim"),
            (" ".join(run.command), "bold"),
            (f"   in {run.folder}", "dim"),
        ),
        soft_wrap=True,
    )
    if result.stdout:
        console.print(Text(shown_block(result.stdout.rstrip("\n"))), soft_wrap=True)
    if result.stderr:
        err().print(Text(shown_block(result.stderr.rstrip("\n"))), soft_wrap=True)
    if run.answer is not None:
        from rich.panel import Panel

        console.print(
            Panel(
                Text(shown_block(run.answer) or "(nothing)"),
                title=_title("the answer this run recorded"),
                title_align="left",
                border_style="cyan",
            )
        )
    if result.timed_out:
        how = f"stopped after {result.duration_s:.1f} s (the time limit)"
    elif result.output_limit:
        how = f"stopped: it printed more than the {result.output_limit} limit"
    elif result.signal_name:
        how = f"killed by {result.signal_name}"
    else:
        how = f"exit status {result.returncode}"
    console.print(Text(f"[{how}, {result.duration_s:.2f} s]", style="dim"))


def show_verify_failures(failures: Iterable[tuple[str, str, str, str]]) -> None:
    """(slug, interpreter, what failed, detail) for each failure."""
    console = out()
    for slug, python, what, detail in failures:
        # The line names an interpreter's path, kept whole (say wraps at words only).
        say(console, Text.assemble(("✗ ", "bold red"), (slug, "bold"), f" on {python}: {what}"))
        if detail.strip():
            console.print(Text(shown_block(detail.rstrip())), style="dim")


def show_explained(explained: Explanation) -> None:
    show_explanation(explained.problem)


def show_verified(verified: Verified) -> None:
    """verify's report: each interpreter's full sys.version (builds of one 3.N differ, and
    sid's builds move on), what was skipped, each failure, and a line that sums it up."""
    for python in verified.interpreters:
        info(f"{python.label}: {python.full_version}")
    for slug, label, reason in verified.skipped:
        info(f"skipped {slug} on {label}: it {reason}")
    if verified.failures:
        show_verify_failures((f.slug, f.python, f.what, f.detail) for f in verified.failures)
        bad = sorted({f.slug for f in verified.failures})
        error(f"{len(bad)} of {verified.problems} problems failed: {', '.join(bad)}")
        for gone in verified.broken_packs:
            error(f"the pack {gone.name} could not be loaded: {gone.reason}")
        return
    if verified.broken_packs:
        names = ", ".join(f"{b.name} ({b.reason})" for b in verified.broken_packs)
        error(f"{plural(len(verified.broken_packs), 'pack')} could not be loaded: {names}")
        return
    labels = ", ".join(p.label for p in verified.interpreters)
    which = f"All {verified.problems} problems" if verified.problems > 1 else "The problem"
    pairs = plural(verified.checked, "problem-interpreter pair")
    info(f"{which} verified ({pairs}) under {labels}.")
