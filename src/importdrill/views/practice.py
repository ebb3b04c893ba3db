"""The practice screens: reviews due and when, a session's steps, and how practice is going
(streak, confidence against rightness)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from importdrill.views.console import (
    info,
    out,
    plain,
    plural,
)

if TYPE_CHECKING:
    from datetime import datetime

    from importdrill.app.results import (
        Practice,
        Reviews,
        Settings,
    )
    from importdrill.core.problems import Problem
    from importdrill.core.schedule import Review

# --- reviews and practice --------------------------------------------------------------------


def _span(seconds: float) -> str:
    """A length of time as a person says it: 3 hours, 2 days, 5 weeks, 4 months."""
    for unit, size in (
        ("year", 365 * 86400),
        ("month", 30 * 86400),
        ("week", 7 * 86400),
        ("day", 86400),
        ("hour", 3600),
        ("minute", 60),
    ):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}" + ("" if count == 1 else "s")
    return "a moment"


def _when(due: datetime, moment: datetime) -> str:
    if due <= moment:
        late = (moment - due).total_seconds()
        # Due now: and how long it has waited, which says how much may have been forgotten.
        return "due now" if late < 3600 else f"due now (overdue {_span(late)})"
    days = (due.date() - moment.date()).days
    if days == 0:
        return f"today at {due:%H:%M} UTC"
    return "tomorrow" if days == 1 else f"in {days} days ({due:%Y-%m-%d})"


NOTHING_SCHEDULED = "Nothing to review yet: a problem enters the schedule once solved or revealed."


def show_reviews(listed: Reviews) -> None:
    reviews, moment = listed
    console = out()
    if not reviews:
        info(NOTHING_SCHEDULED)
        return
    table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    table.add_column("problem")
    table.add_column("next review")
    table.add_column("times reviewed", justify="right")
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
            "You were certain, and it was wrong: that is the mistake most worth fixing. It "
            "is not solved yet: try it again. Even once it is right, it comes back for review "
            "soon, as a problem you had forgotten would.",
            style="yellow",
        )
    )


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
        parts = [f"{level.label}: {right} of {total} right" for level, right, total in given]
        console.print(Text.assemble(("Confidence", "bold"), "  " + "; ".join(parts)))


def show_settings(settings: Settings) -> None:
    for key, current in settings.values.items():
        plain(f"{key} {current}")
