"""The problem screen: its prompt, files and tree; its hints, reference solution, and output
across Python versions."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from importdrill.core.kinds import Kind
from importdrill.views.console import (
    SIDE_BY_SIDE_MIN_WIDTH,
    _title,
    code_view,
    info,
    markdown,
    notice,
    out,
    plain,
)

if TYPE_CHECKING:
    from importdrill.app.results import (
        HintShown,
        LearnerFile,
        ProblemShown,
        ResetDone,
        Solution,
        SolutionRevealed,
        VersionRun,
        Versions,
    )
    from importdrill.core.problems import Problem

DIFFICULTY_STYLE = {"easy": "green", "medium": "yellow", "hard": "red"}


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
    body = markdown(problem.prompt)
    if hidden:
        heading = Text.assemble(("A problem", "bold"), (f"  {problem.kind}", "dim"))
    else:
        heading = Text.assemble(
            (problem.title, "bold"),
            "  ",
            difficulty_text(problem.difficulty),
            (f"  {problem.kind}", "dim"),
            (f"  {problem.slug}", "dim"),
        )
        # A narrow terminal cuts a title at its end: the slug (what every command takes) goes
        # first, and the title moves into the panel, where it wraps at words.
        if heading.cell_len > console.width - 6:
            from rich.console import Group

            heading = Text.assemble(
                (problem.slug, "bold"),
                "  ",
                difficulty_text(problem.difficulty),
                (f"  {problem.kind}", "dim"),
            )
            body = Group(Text(problem.title, style="bold"), Text(""), body)
    console.print(Panel(body, title=heading, title_align="left"))
    from importdrill.core.problems import RunMode

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
            from importdrill.core import questions

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


def show_again(shown: ProblemShown) -> None:
    mine = shown.learner_file
    show_problem(shown.problem, learner_file=None if mine is None else str(mine))


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
    if hint.number == len(problem.hints) and problem.kind.learner_writes_code:
        info(
            "That was the last hint. Still stuck? importdrill reveal "
            f"{problem.slug} shows the reference solution beside your file (it counts as "
            "revealed, not solved)."
        )


def show_solution_revealed(shown: SolutionRevealed) -> None:
    """An implement problem given up on: the reference beside the learner's file, and why."""
    problem = shown.problem
    _side_by_side(shown.reference, shown.mine)
    from rich.panel import Panel

    out().print(
        Panel(
            markdown(problem.explanation),
            title=_title("why"),
            title_align="left",
            border_style="blue",
        )
    )
    info(
        f"{problem.slug} now counts as revealed, not solved; it comes back for review soon. "
        f"A passing check later still solves it: importdrill check {problem.slug}"
    )


def show_earlier_file(fresh: str, earlier: str, kept: str) -> None:
    """After a review's verdict: the learner's earlier file (kept in the trash) beside the one
    written in the review."""
    _side_by_side(earlier, fresh, left="your file in this review", right="your earlier file")
    info(f"Your earlier file is kept at {kept}")


def show_solution(shown: Solution) -> None:
    """The reference solution; once the learner has one, a diff of theirs against it (side by
    side where the width allows), not two listings to compare by eye."""
    solution, mine = shown.reference, shown.mine
    console = out()
    if mine is None:
        console.print(code_view(solution, title="reference solution"))
        return
    if mine.strip() == solution.strip():
        console.print(code_view(solution, title="reference solution: your solution is the same"))
        return
    console.print(solution_diff(mine, solution, console.width))


def solution_diff(mine: str, reference: str, width: int) -> RenderableType:
    """Your file against the reference: - yours only, + the reference's only, the rest
    shared; side by side (yours left) at SIDE_BY_SIDE_MIN_WIDTH columns and more."""
    import difflib

    from rich.panel import Panel

    from importdrill.views.console import visible

    ours, theirs = mine.rstrip("\n").split("\n"), reference.rstrip("\n").split("\n")
    matcher = difflib.SequenceMatcher(a=ours, b=theirs, autojunk=False)
    title = _title("your solution (-) against the reference (+)")
    if width >= SIDE_BY_SIDE_MIN_WIDTH:
        table = Table(box=None, show_header=True, header_style="bold", expand=True, pad_edge=False)
        table.add_column("yours", ratio=1, overflow="fold")
        table.add_column("reference", ratio=1, overflow="fold")
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            left, right = ours[i1:i2], theirs[j1:j2]
            for row in range(max(len(left), len(right))):
                a = visible(left[row]) if row < len(left) else ""
                b = visible(right[row]) if row < len(right) else ""
                if tag == "equal":
                    table.add_row(Text(a, style="dim"), Text(b, style="dim"))
                else:
                    table.add_row(
                        Text(("- " + a) if row < len(left) else "", style="red"),
                        Text(("+ " + b) if row < len(right) else "", style="green"),
                    )
        return Panel(table, title=title, title_align="left", border_style="dim")
    text = Text()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for line in ours[i1:i2]:
                text.append("  " + visible(line) + "\n", style="dim")
            continue
        for line in ours[i1:i2]:
            text.append("- " + visible(line) + "\n", style="red")
        for line in theirs[j1:j2]:
            text.append("+ " + visible(line) + "\n", style="green")
    text.rstrip()
    return Panel(text, title=title, title_align="left", border_style="dim")


def _side_by_side(
    solution: str,
    mine: str | None,
    *,
    left: str = "your solution",
    right: str = "reference solution",
) -> None:
    """Two files as listings side by side (one above the other when narrow): the reference
    a reveal shows beside the learner's file, or a review's file beside the earlier one."""
    console = out()
    reference = code_view(solution, title=right)
    if mine is None:
        console.print(reference)
        return
    yours = code_view(mine, title=left)
    if console.width >= SIDE_BY_SIDE_MIN_WIDTH * 1.4:
        table = Table.grid(expand=True, padding=(0, 1))
        table.add_column(ratio=1)
        table.add_column(ratio=1)
        table.add_row(yours, reference)
        console.print(table)
    else:
        console.print(yours)
        console.print(reference)


def show_versions(versions: Versions) -> None:
    """Each interpreter's output, grouped where they agree."""
    problem, runs, skipped = versions
    from rich.panel import Panel

    from importdrill.views.verdict import shown_block  # cut and cleaned as every run's output

    console = out()
    for python, why in skipped:
        info(f"Skipped {python}: {why}.")
    if not runs:
        info("No interpreter that can run this problem was found (python3.9 ... on PATH).")
        return
    groups: dict[str, list[VersionRun]] = {}
    for run in runs:
        groups.setdefault(run.output, []).append(run)
    if len(runs) == 1:
        only = runs[0]
        console.print(
            Text(
                f"{problem.slug}: one interpreter found (Python {only.version[0]}."
                f"{only.version[1]}); install another python3.N to compare.",
                "bold",
            )
        )
    elif len(groups) == 1:
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


def show_learner_file(found: LearnerFile) -> None:
    plain(str(found.path))
    if found.created:
        notice(f"created {found.path} from the problem's starter")


def show_reset(done: ResetDone) -> None:
    slug = done.problem.slug
    if done.kept is not None:
        info(f"Reset {slug}. Your old files are kept in {done.kept}")
    else:
        info(f"Reset {slug}.")
