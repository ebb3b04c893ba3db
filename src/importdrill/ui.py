"""Every Rich rendering: problems, lists, verdicts, diffs, hints and messages."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import PurePosixPath
from typing import IO, TYPE_CHECKING, Any

from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderableType, RenderHook
from rich.table import Table
from rich.text import Text

from importdrill.kinds import Difficulty, Kind
from importdrill.progress import State, Status

if TYPE_CHECKING:
    from datetime import datetime

    from rich.segment import Segment
    from rich.style import Style

    from importdrill import judge
    from importdrill.catalog import Summary
    from importdrill.problems import Problem
    from importdrill.runner import RunResult
    from importdrill.schedule import Review
    from importdrill.usecases import (
        FileOutcome,
        HintShown,
        Outcome,
        Practice,
        PredictionOutcome,
        Revealed,
        VersionRun,
        WorkspaceRun,
    )

DIFFICULTY_STYLE = {"easy": "green", "medium": "yellow", "hard": "red"}
STATUS_MARK = {
    Status.SOLVED: ("✓ solved", "green"),
    Status.REVEALED: ("◐ revealed", "magenta"),
    Status.STARTED: ("● started", "yellow"),
}
SIDE_BY_SIDE_MIN_WIDTH = 100
STDERR_LINES_SHOWN = 40

# Bounds of what a view shows of a program's output, so that rendering stays quick
# whatever the program printed; each view says what it cut.
DIFF_LINES_SHOWN = 200
LINE_CHARS_SHOWN = 400

_out: Console | None = None
_err: Console | None = None

# Every control character but newline and tab: ESC starts the sequences that set a window's
# title, write the clipboard (OSC 52), clear the screen or switch to the alternate screen.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ␛ for ESC, ␇ for BEL
    return "␡" if code == 0x7F else "\ufffd"


def visible(text: str) -> str:
    """text with each control character shown as a visible placeholder, never sent."""
    return _CONTROL.sub(_picture, text)


def _pictures_not_deletions() -> None:
    """Rich deletes BEL, BS, VT, FF and CR from every Text it makes (they would move the
    cursor), before any view or render hook could see them: a program's `\r` or `\a`
    vanished and panel borders went out of line. Its table of what to delete becomes a
    table of what to show instead, the same pictures `visible` uses, so that every Text,
    in every view, shows them."""
    from rich import control

    table: Any = getattr(control, "_CONTROL_STRIP_TRANSLATE", None)
    if isinstance(table, dict):
        for code in list(table):
            table[code] = chr(0x2400 + code)


_pictures_not_deletions()


class _Shown:
    """A renderable whose text segments have their control characters made visible."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        from rich.segment import Segment

        for segment in console.render(self.renderable, options):
            if segment.control is None and _CONTROL.search(segment.text):
                yield Segment(visible(segment.text), segment.style)
            else:
                yield segment


class _ShowControls(RenderHook):
    """The last guard of the terminal: whatever text a program or a pack sends through a
    view, its escape sequences arrive as placeholders. (The views also clean their texts
    before laying them out, so that the placeholders' width is counted.)"""

    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_Shown(renderable) for renderable in renderables]


def _guarded(console: Console) -> Console:
    console.push_render_hook(_ShowControls())
    return console


class QuietPipe:
    """stdout that stops writing, rather than failing, once its reader has gone.

    `importdrill check | head -1` closes the pipe after one line; the check itself is over by
    then, and its exit status must still say whether it passed, not that printing failed.
    """

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._gone = False

    def write(self, text: str) -> int:
        if not self._gone:
            try:
                self._stream.write(text)
            except BrokenPipeError:
                self._reader_gone()
            except UnicodeEncodeError as exc:
                from importdrill import streams

                raise streams.encode_failure("output", exc) from None
            except (OSError, ValueError) as exc:
                from importdrill import streams

                raise streams.write_failure("output", exc) from None
        return len(text)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._reader_gone()

    def _reader_gone(self) -> None:
        self._gone = True
        # Whatever Python flushes at exit goes nowhere instead of failing again.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def out() -> Console:
    """The console for results (stdout). Rich honours NO_COLOR and a non-terminal by itself."""
    global _out  # noqa: PLW0603 - one console per process, made on first use
    if _out is None:
        _out = _guarded(Console(highlight=False, emoji=False, file=QuietPipe(sys.stdout)))  # type: ignore[arg-type]
    return _out


def err() -> Console:
    """The console for errors and notices (stderr)."""
    global _err  # noqa: PLW0603
    if _err is None:
        _err = _guarded(Console(stderr=True, highlight=False, emoji=False))
    return _err


def markdown(text: str) -> RenderableType:
    from importdrill import prose

    return prose.render(text)


def _title(text: str | None) -> Text | None:
    """A panel's title as Text: Rich reads a str title as markup, so a file named `[x].py`
    would lose its brackets, and markup loads Rich's emoji table (1.5 ms) for `:name:`."""
    return None if text is None else Text(text)


def code_view(code: str, *, title: str | None = None, lexer: str = "python") -> RenderableType:
    from rich.panel import Panel
    from rich.syntax import Syntax

    syntax = Syntax(code.rstrip("\n"), lexer, line_numbers=True, word_wrap=True)
    return Panel(syntax, title=_title(title), title_align="left", border_style="dim")


# --- messages -----------------------------------------------------------------------------


def error(message: str) -> None:
    # soft_wrap: a long path in a message must stay whole, to be copied or grepped.
    try:
        err().print(Text.assemble(("error: ", "bold red"), message), soft_wrap=True)
    except (OSError, ValueError, AttributeError):  # UnicodeEncodeError is a ValueError
        from importdrill import streams

        streams.last_word(visible(message))


def notice(message: str) -> None:
    try:
        err().print(Text.assemble(("note: ", "bold yellow"), message), soft_wrap=True)
    except (OSError, ValueError, AttributeError):
        from importdrill import streams

        streams.last_word("note: " + visible(message))


def info(message: str) -> None:
    out().print(message, markup=False, soft_wrap=True)


def plain(text: str) -> None:
    """Text exactly as given (paths, JSON): no wrapping, no markup, no colour."""
    out().print(text, markup=False, highlight=False, soft_wrap=True)


def raw(text: str) -> None:
    """Text written as it is, not through Rich: a JSON document carries a program's output
    as the program wrote it (json.dumps has escaped the control characters that matter)."""
    stream = out().file
    stream.write(text + "\n")
    stream.flush()


# --- problems ------------------------------------------------------------------------------


def difficulty_text(difficulty: str) -> Text:
    return Text(difficulty, style=DIFFICULTY_STYLE.get(difficulty, ""))


def tree_view(problem: Problem) -> RenderableType:
    """The run folder as a tree, the learner's file marked."""
    from rich.tree import Tree

    root = Tree(Text("run folder/", style="bold"), guide_style="dim")
    nodes: dict[tuple[str, ...], Tree] = {(): root}
    entries = sorted([*problem.files, problem.main], key=lambda p: PurePosixPath(p).parts)
    for rel in entries:
        parts = PurePosixPath(rel).parts
        for depth in range(1, len(parts)):
            key = parts[:depth]
            if key not in nodes:
                nodes[key] = nodes[parts[: depth - 1]].add(
                    Text(parts[depth - 1] + "/", "bold blue")
                )
        label = Text(parts[-1])
        if rel == problem.main:
            label = Text.assemble(
                (parts[-1], "bold cyan"),
                ("  ← your file" if problem.kind is Kind.IMPLEMENT else "  ← the program", "cyan"),
            )
        nodes[parts[:-1]].add(label)
    return root


def show_problem(
    problem: Problem, learner_file: str | None = None, *, hidden: bool = False
) -> None:
    """The problem; `hidden` keeps its title and slug back (a mixed session shows them after)."""
    from rich.panel import Panel

    console = out()
    heading = (
        Text.assemble(("A problem", "bold"), (f"  {problem.kind}", "dim"))
        if hidden
        else Text.assemble(
            (problem.title, "bold"),
            "  ",
            difficulty_text(problem.difficulty),
            (f"  {problem.kind}", "dim"),
            (f"  {problem.slug}", "dim"),
        )
    )
    console.print(Panel(markdown(problem.prompt), title=heading, title_align="left"))
    from importdrill.problems import RunMode

    if problem.is_multi_file or problem.run is RunMode.MODULE:
        console.print(tree_view(problem))
        console.print(Text.assemble(("runs as  ", "dim"), (" ".join(problem.command()), "bold")))
        for rel, content in sorted(problem.files.items()):
            if not content.strip():
                continue  # an empty __init__.py is in the tree; a panel would say nothing more
            # Every support file is part of the puzzle: Python highlighted, data as it is.
            lexer = "python" if rel.endswith(".py") else "text"
            console.print(code_view(content, title=rel, lexer=lexer))
    if not problem.kind.learner_writes_code:
        console.print(code_view(problem.code, title=problem.main))
        if problem.kind is not Kind.PREDICT:
            from importdrill import questions

            question = questions.question_text(problem)
            if question:
                console.print(Text(question, style="bold"))
        if problem.differs_by_version:
            import sys

            here = f"{sys.version_info[0]}.{sys.version_info[1]}"
            console.print(
                Text(
                    f"The answer differs between Python versions: you are judged on what "
                    f"Python {here} (the one running importdrill) does.",
                    style="yellow",
                )
            )
    elif learner_file:
        console.print(Text.assemble(("Your file: ", "bold"), learner_file))


def _cell(text: str, width: int) -> str:
    """text cut to width (with an ellipsis) and padded to it."""
    if len(text) > width:
        return text[: max(width - 1, 0)] + "…" if width > 0 else ""
    return text.ljust(width)


class Laid:
    """Text laid out by hand, rendered as Rich segments with no wrapping or measuring.

    A Text of a thousand styled lines spends most of its time dividing and wrapping; lines
    already cut to the width need none of that.
    """

    def __init__(self) -> None:
        self.parts: list[tuple[str, str]] = []

    def append(self, text: str, style: str = "") -> None:
        self.parts.append((text, style))

    def append_text(self, text: Text) -> None:
        # Only texts whose spans do not overlap (the progress bar's) are laid this way.
        for span in text.spans:
            self.parts.append((text.plain[span.start : span.end], str(span.style)))
        covered = max((span.end for span in text.spans), default=0)
        self.parts.append((text.plain[covered:], ""))

    def __rich_console__(self, console: Console, options: object) -> Iterator[Segment]:
        from rich.segment import Segment

        if console.color_system is None:
            # Nothing will be styled (not a terminal): Rich writes each segment's text as it
            # is, so one segment writes the same, without a thousand rows' worth of segments.
            yield Segment("".join(text for text, _style in self.parts))
            return
        styles: dict[str, Style | None] = {"": None}
        for text, name in self.parts:
            style = styles.get(name)
            if name not in styles:
                style = styles[name] = console.get_style(name)
            yield Segment(text, style)


def show_list(problems: Sequence[Summary], state: State, unavailable: dict[str, str]) -> None:
    # Laid out by hand rather than with rich.table: a Table of fifty rows costs more than all
    # the rest of `importdrill list`, and these columns need no more than padding and cutting.
    # One line per problem whatever the width; on a narrow terminal the kind column goes.
    console = out()
    width = console.width
    wide = width >= SIDE_BY_SIDE_MIN_WIDTH
    slug_w = max((len(p.slug) for p in problems), default=7)
    status_w = 10 if wide else 1
    kind_w = 10 if wide else 0
    hints_w = 5
    fixed = status_w + slug_w + hints_w + (kind_w + 2 if wide else 0) + 2 * 3
    title_w = max(width - fixed - 1, 10)
    lines = Laid()
    for difficulty in Difficulty:
        group = [p for p in problems if p.difficulty == difficulty]
        if not group:
            continue
        solved = sum(state.status(p.slug) is Status.SOLVED for p in group)
        lines.append(difficulty.capitalize(), style=f"bold {DIFFICULTY_STYLE[difficulty]}")
        lines.append("  ")
        lines.append_text(progress_bar(solved, len(group)))
        lines.append("\n")
        header = [_cell("status" if wide else "", status_w), _cell("problem", slug_w)]
        header += [_cell("kind", kind_w)] if wide else []
        header += [_cell("title", title_w), "hints".rjust(hints_w)]
        lines.append("  ".join(header).rstrip() + "\n", style="dim")
        # The parts are appended straight to the list: a method call per part is a third of
        # the time of a list of a thousand problems.
        add = lines.parts.append
        current = state.current
        for problem in group:
            entry = state.of(problem.slug)
            reason = unavailable.get(problem.slug)
            if reason:
                label, style = "- n/a", "dim"
            elif entry and entry.status in STATUS_MARK:
                label, style = STATUS_MARK[entry.status]
            else:
                label, style = "○ unsolved", "dim"
            add((_cell(label if wide else label[:1], status_w), style))
            add(("  ", ""))
            add((_cell(problem.slug, slug_w), "bold"))
            if wide:
                add(("  ", ""))
                add((_cell(problem.kind, kind_w), "dim"))
            add(("  ", ""))
            title = visible(problem.title)
            if reason:
                title += f" (unavailable: {reason})"
            if current == problem.slug:
                title = _cell(title, title_w - 11) + " ← current"
            add((_cell(title, title_w), "cyan" if current == problem.slug else ""))
            hints = f"{entry.hints_revealed if entry else 0}/{problem.hint_count}"
            add(("  " + hints.rjust(hints_w) + "\n", "dim"))
        lines.append("\n")
    console.print(lines, end="", soft_wrap=True, overflow="ignore", crop=False)


def progress_bar(done: int, total: int, width: int = 20) -> Text:
    filled = round(width * done / total) if total else 0
    return Text.assemble(
        ("█" * filled, "green"), ("░" * (width - filled), "dim"), f" {done}/{total}"
    )


def show_status(problems: Sequence[Summary], state: State) -> None:
    console = out()
    total = len(problems)
    solved = sum(state.status(p.slug) is Status.SOLVED for p in problems)
    console.print(Text.assemble(("Progress  ", "bold"), progress_bar(solved, total, 30)))
    for difficulty in Difficulty:
        group = [p for p in problems if p.difficulty == difficulty]
        if group:
            done = sum(state.status(p.slug) is Status.SOLVED for p in group)
            console.print(
                Text.assemble(
                    (f"  {difficulty:<8}", DIFFICULTY_STYLE[difficulty]),
                    progress_bar(done, len(group)),
                )
            )
    started = [p.slug for p in problems if state.status(p.slug) is Status.STARTED]
    if state.current:
        console.print(
            Text.assemble(
                ("Current   ", "bold"), state.current, (f"  ({state.status(state.current)})", "dim")
            )
        )
    if started:
        console.print(Text.assemble(("Started   ", "bold"), ", ".join(started)))


def show_hint(hint: HintShown) -> None:
    from rich.panel import Panel

    problem = hint.problem
    if not hint.fresh:
        info(f"All {len(problem.hints)} hints for {problem.slug} are revealed; here is the last:")
    title = f"hint {hint.number} of {len(problem.hints)}"
    out().print(
        Panel(
            markdown(hint.text),
            title=_title(title),
            title_align="left",
            border_style="yellow",
        )
    )


# --- verdicts ------------------------------------------------------------------------------

# Keyed by judge's verdict names; spelled out here so that importing ui does not import the
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
    if not problem.kind.learner_writes_code and verdict.verdict == "wrong-output":
        label = "✗ wrong prediction"
    out().print(
        Text.assemble(
            (label, style),
            "  ",
            (problem.slug, "bold"),
            (f"  {verdict.detail}", "dim"),
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


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _lines(count: int) -> str:
    return plural(count, "line")


def marks_view(marks: judge.PredictionMarks, *, printed: bool = True) -> RenderableType:
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
        text.append(shown_line(line.text) + "\n", style="" if line.right else "red")
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
                else f"The answer has {_lines(marks.missing)} more than you wrote.\n"
            ),
            style="yellow",
        )
    if marks.extra:
        text.append(
            (
                f"You wrote {_lines(marks.extra)} more than the program prints.\n"
                if printed
                else f"You wrote {_lines(marks.extra)} more than the answer has.\n"
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
            console.print(marks_view(outcome.marks, printed=problem.kind is Kind.PREDICT))
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
    from importdrill.usecases import PredictionOutcome

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
        from importdrill import judge

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


def show_solution(solution: str, mine: str | None) -> None:
    console = out()
    reference = code_view(solution, title="reference solution")
    if mine is None:
        console.print(reference)
        return
    yours = code_view(mine, title="your solution")
    if console.width >= SIDE_BY_SIDE_MIN_WIDTH * 1.4:
        table = Table.grid(expand=True, padding=(0, 1))
        table.add_column(ratio=1)
        table.add_column(ratio=1)
        table.add_row(yours, reference)
        console.print(table)
    else:
        console.print(yours)
        console.print(reference)


def show_verify_failures(failures: Iterable[tuple[str, str, str, str]]) -> None:
    """(slug, interpreter, what failed, detail) for each failure."""
    console = out()
    for slug, python, what, detail in failures:
        # soft_wrap: the line names an interpreter's path, to be copied whole.
        console.print(
            Text.assemble(("✗ ", "bold red"), (slug, "bold"), f" on {python}: {what}"),
            soft_wrap=True,
        )
        if detail.strip():
            console.print(Text(shown_block(detail.rstrip())), style="dim")


def show_watch(
    problem: Problem,
    target: str,
    outcome: Outcome | None,
    *,
    full: bool,
    keys: str,
    extra: str | None = None,
) -> None:
    """One screen of watch mode: the problem, the last verdict, and the keys."""
    console = out()
    if console.is_terminal:
        console.clear()
    if full:
        show_problem(problem, learner_file=None)
    what = "your file" if problem.kind.learner_writes_code else "your prediction"
    console.print(Text.assemble(("Watching ", "bold"), f"{what}: {target}"))
    if outcome is None:
        if problem.kind is Kind.PREDICT:
            console.print(
                Text("Write what the program prints in that file and save it.", style="yellow")
            )
        elif not problem.kind.learner_writes_code:
            console.print(Text("Write your answer in that file and save it.", style="yellow"))
    else:
        show_outcome(outcome, watching=True)
    if extra:
        console.print(Text(extra, style="yellow"))
    console.print(Text(keys, style="bold cyan"))


def show_versions(problem: Problem, runs: Sequence[VersionRun]) -> None:
    """Each interpreter's output, grouped where they agree."""
    from rich.panel import Panel

    console = out()
    if not runs:
        info("No interpreter that can run this problem was found (python3.9 ... on PATH).")
        return
    groups: dict[str, list[VersionRun]] = {}
    for run in runs:
        groups.setdefault(run.output, []).append(run)
    if len(groups) == 1:
        console.print(Text(f"{problem.slug}: the same output on every version found.", "bold"))
    else:
        console.print(Text(f"{problem.slug}: the output differs between versions.", "bold"))
    for output, members in groups.items():
        names = ", ".join(f"{r.version[0]}.{r.version[1]}" for r in members)
        wrong = [r for r in members if r.output != r.stated]
        title = f"Python {names}"
        if wrong:
            title += "  (differs from what the problem states!)"
        console.print(
            Panel(
                Text(shown_block(output) or "(nothing)"),
                title=_title(title),
                title_align="left",
                border_style="red" if wrong else "cyan",
            )
        )


# --- reviews and practice --------------------------------------------------------------------


def _when(due: datetime, moment: datetime) -> str:
    if due <= moment:
        return "due now"
    days = (due.date() - moment.date()).days
    if days == 0:
        return f"today at {due:%H:%M} UTC"
    return "tomorrow" if days == 1 else f"in {days} days ({due:%Y-%m-%d})"


NOTHING_SCHEDULED = "Nothing to review yet: a problem enters the schedule once solved or revealed."


def show_reviews(reviews: Sequence[Review], moment: datetime) -> None:
    console = out()
    if not reviews:
        info(NOTHING_SCHEDULED)
        return
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("problem")
    table.add_column("when")
    table.add_column("reviews", justify="right")
    for review in reviews:
        when = _when(review.due, moment)
        table.add_row(
            review.slug,
            Text(when, style="yellow" if review.is_due(moment) else "dim"),
            str(review.reviews),
        )
    console.print(table)


def show_nothing_due(reviews: Sequence[Review]) -> None:
    if not reviews:
        info(NOTHING_SCHEDULED)
        return
    soonest = reviews[0]
    info(f"Nothing is due. The next review: {soonest.slug}, {soonest.due:%Y-%m-%d %H:%M} UTC.")


def show_session_step(what: str, number: int, total: int) -> None:
    out().print(Text(f"{what} {number} of {total}", style="bold cyan"))


def show_unveiled(problem: Problem) -> None:
    tags = ", ".join(problem.tags) or "none"
    out().print(
        Text.assemble(
            ("That was ", "dim"),
            (problem.title, "bold"),
            (f"  ({problem.slug}; topic: {tags})", "dim"),
        )
    )


def show_sure_but_wrong() -> None:
    out().print(
        Text(
            "You were certain, and it was wrong: that is the mistake most worth fixing, so "
            "it comes back for review as soon as a problem you had forgotten would.",
            style="yellow",
        )
    )


CONFIDENCE_NAMES = {1: "guessing", 2: "fairly sure", 3: "certain"}


def show_practice(practice: Practice) -> None:
    console = out()
    if practice.due_today:
        names = ", ".join(r.slug for r in practice.due_today)
        console.print(
            Text.assemble(
                ("Due today ", "bold"),
                f"{len(practice.due_today)}: {names}",
                ("  (importdrill review)", "dim"),
            )
        )
    elif practice.next_review:
        console.print(
            Text.assemble(
                ("Reviews   ", "bold"),
                f"none due today; next {practice.next_review.slug} on "
                f"{practice.next_review.due:%Y-%m-%d}",
            )
        )
    if practice.streak:
        later = "" if practice.practised_today else " (practise today to keep it)"
        console.print(
            Text.assemble(
                ("Streak    ", "bold"), f"{plural(practice.streak, 'day')} in a row{later}"
            )
        )
    given = [
        (level, right, total) for level, (right, total) in practice.confidence.items() if total
    ]
    if given:
        parts = [
            f"{CONFIDENCE_NAMES[level]}: {right} of {total} right" for level, right, total in given
        ]
        console.print(Text.assemble(("Confidence", "bold"), "  " + "; ".join(parts)))
