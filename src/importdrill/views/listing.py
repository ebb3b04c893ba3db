"""The list and status screens: every problem with your progress, and progress per difficulty."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from importdrill.core.kinds import Difficulty, Kind
from importdrill.core.progress import Status
from importdrill.views.console import (
    SIDE_BY_SIDE_MIN_WIDTH,
    out,
    visible,
)
from importdrill.views.problem import DIFFICULTY_STYLE

if TYPE_CHECKING:
    from rich.segment import Segment
    from rich.style import Style

    from importdrill.app.listing import Listing
    from importdrill.app.results import Overview

STATUS_MARK = {
    Status.SOLVED: ("✓ solved", "green"),
    Status.REVEALED: ("◐ revealed", "magenta"),
    Status.STARTED: ("● started", "yellow"),
}


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


def show_list(listing: Listing) -> None:
    problems, state, unavailable = listing
    # Laid out by hand rather than with rich.table: a Table of fifty rows costs more than all
    # the rest of `importdrill list`, and these columns need no more than padding and cutting.
    # One line per problem whatever the width; on a narrow terminal the kind column goes.
    console = out()
    width = console.width
    wide = width >= SIDE_BY_SIDE_MIN_WIDTH
    slug_w = max((len(p.slug) for p in problems), default=7)
    status_w = 10 if wide else 1
    # Narrow: the status and kind words give way to a mark and a letter, with a legend.
    kind_w = 10 if wide else 1
    hints_w = 5
    fixed = status_w + slug_w + hints_w + kind_w + 2 + 2 * 3
    title_w = max(width - fixed - 1, 10)
    lines = Laid()
    if not wide and problems:
        marks = ["○ unsolved", *(mark for mark, _style in STATUS_MARK.values())]
        kinds = ", ".join(f"{kind.value[0]} {kind.value}" for kind in Kind)
        lines.append("  ".join(marks) + "\n" + kinds + "\n\n", style="dim")
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
        header += [_cell("kind" if wide else "", kind_w)]
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
            add(("  ", ""))
            add((_cell(problem.kind if wide else problem.kind.value[0], kind_w), "dim"))
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


def show_status(overview: Overview) -> None:
    """Progress in all and per difficulty, the current and started problems, and practice."""
    from importdrill.views.practice import show_practice

    console = out()
    overall = overview.overall
    console.print(
        Text.assemble(("Progress  ", "bold"), progress_bar(overall.solved, overall.total, 30))
    )
    for difficulty, counts in overview.by_difficulty.items():
        if counts.total:
            console.print(
                Text.assemble(
                    (f"  {difficulty:<8}", DIFFICULTY_STYLE[difficulty]),
                    progress_bar(counts.solved, counts.total),
                )
            )
    if overview.current:
        console.print(
            Text.assemble(
                ("Current   ", "bold"), overview.current, (f"  ({overview.current_status})", "dim")
            )
        )
    if overview.started:
        console.print(Text.assemble(("Started   ", "bold"), ", ".join(overview.started)))
    show_practice(overview.practice)
