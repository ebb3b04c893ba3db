"""The watch screen: the problem, the last verdict, and the keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from importdrill.core.kinds import Kind
from importdrill.views.console import (
    out,
    say,
)
from importdrill.views.problem import show_problem
from importdrill.views.verdict import show_outcome

if TYPE_CHECKING:
    from importdrill.app.results import (
        Outcome,
    )
    from importdrill.core.problems import Problem


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
    # As every message: wrapped at words, a path kept whole.
    say(console, Text.assemble(("Watching ", "bold"), f"{what}: {target}"))
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
        say(console, Text(extra, style="yellow"))
    show_keys(keys)


def show_keys(keys: str) -> None:
    """Watch mode's key bar: last on the screen, again after what scrolled it away."""
    say(out(), Text(keys, style="bold cyan"))
