"""The learning commands: list, status, path, start, next, hint, solution, reveal, explain,
check, run, versions and reset."""

# no `from __future__ import annotations` here: Typer would eval every annotation string at start-up

from typing import TYPE_CHECKING, Annotated

import typer

from importdrill.cli import options
from importdrill.cli.flows import begin, predict_in_terminal, show_outcome
from importdrill.cli.group import app
from importdrill.cli.options import (
    DEFAULT_MEMORY_MIB,
    DEFAULT_TIMEOUT_S,
    JsonOpt,
    MemoryOpt,
    PythonOpt,
    SlugArg,
    TimeoutOpt,
    YesOpt,
    complete_slug,
    confirmed,
    drill_for,
    limits_from,
    read_prediction,
)
from importdrill.cli.reporting import emit_json, iso, reporting
from importdrill.core.errors import Exit, UsageError

if TYPE_CHECKING:
    from importdrill.app.drill import Outcome


# --- list, status, path ---------------------------------------------------------------------


@app.command("list")
def list_(
    as_json: JsonOpt = False,
    tag: Annotated[
        str | None, typer.Option("--tag", "-t", help="Only problems with this tag.")
    ] = None,
    difficulty: Annotated[
        str | None, typer.Option("--difficulty", "-d", help="Only easy, medium or hard.")
    ] = None,
) -> None:
    """List the problems by difficulty, with your progress.

    Example: importdrill list --tag sys.modules
    """
    from importdrill.core.catalog import load_catalog
    from importdrill.core.kinds import Difficulty
    from importdrill.core.progress import Store
    from importdrill.views.listing import show_list

    store = Store()
    with reporting(store, as_json=as_json):
        wanted = Difficulty.parse(difficulty) if difficulty is not None else None
        if difficulty is not None and wanted is None:
            raise UsageError(f"--difficulty {difficulty!r}: choose one of {', '.join(Difficulty)}")
        catalog = load_catalog()
        state = store.load(predictions=False)
        problems = [
            p
            for p in catalog
            if (tag is None or tag in p.tags) and (wanted is None or p.difficulty is wanted)
        ]
        if tag is not None and not problems:
            tags = sorted({t for p in catalog for t in p.tags})
            raise UsageError(f"--tag {tag!r}: no problem has it; tags are: {', '.join(tags)}")
        unavailable = {p.slug: r for p in problems if (r := p.unavailable_reason())}
        if as_json:
            rows = [
                {
                    "slug": p.slug,
                    "title": p.title,
                    "difficulty": p.difficulty.value,
                    "kind": p.kind.value,
                    "tags": list(p.tags),
                    "status": state.status(p.slug).value,
                    "hints_revealed": (s.hints_revealed if (s := state.of(p.slug)) else 0),
                    "hints_total": p.hint_count,
                    "available": p.slug not in unavailable,
                }
                for p in problems
            ]
            emit_json({"problems": rows})
            return
        show_list(problems, state, unavailable)


@app.command()
def status(as_json: JsonOpt = False) -> None:
    """Show how far you have come, per difficulty, and the current problem.

    Example: importdrill status --json
    """
    from importdrill.core.catalog import load_catalog
    from importdrill.core.kinds import Difficulty
    from importdrill.core.progress import Status, Store
    from importdrill.views.listing import show_status
    from importdrill.views.practice import show_practice

    store = Store()
    with reporting(store, as_json=as_json):
        catalog = load_catalog()
        state = store.load(predictions=False)
        from importdrill.app.drill import Drill

        practice = Drill(store, catalog).practice()
        if as_json:
            counts: dict[str, dict[str, int]] = {}
            for difficulty in Difficulty:
                group = [p for p in catalog if p.difficulty is difficulty]
                counts[difficulty.value] = {
                    "total": len(group),
                    **{
                        s.value: sum(state.status(p.slug) is s for p in group)
                        for s in (Status.SOLVED, Status.REVEALED, Status.STARTED)
                    },
                }
            emit_json(
                {
                    "total": len(catalog),
                    "solved": sum(c["solved"] for c in counts.values()),
                    "revealed": sum(c["revealed"] for c in counts.values()),
                    "by_difficulty": counts,
                    "current": state.current,
                    "started": [p.slug for p in catalog if state.status(p.slug) is Status.STARTED],
                    "reviews_due_today": [r.slug for r in practice.due_today],
                    "next_review": {
                        "slug": practice.next_review.slug,
                        "due": iso(practice.next_review.due),
                    }
                    if practice.next_review
                    else None,
                    "streak_days": practice.streak,
                    "practised_today": practice.practised_today,
                    "confidence": {
                        str(level): {"right": right, "total": total}
                        for level, (right, total) in practice.confidence.items()
                    },
                }
            )
            return
        show_status(catalog.summaries, state)
        show_practice(practice)


@app.command()
def path(slug: SlugArg = None, as_json: JsonOpt = False) -> None:
    """Print the path of your file for an implement problem.

    The file is created from the starter if it does not exist yet; a note on stderr says so.

    Example: importdrill path load-from-file
    """
    from importdrill.core.progress import Store
    from importdrill.views.console import notice, plain

    store = Store()
    with reporting(store, as_json=as_json):
        drill = drill_for(store)
        problem = drill.problem(slug)
        target, created = drill.learner_file(problem)
        if as_json:
            emit_json({"slug": problem.slug, "path": str(target), "created": created})
            return
        plain(str(target))
        if created:
            notice(f"created {target} from the problem's starter")


@app.command()
def start(
    slug: Annotated[
        str,
        typer.Argument(help="The problem to start.", metavar="SLUG", autocompletion=complete_slug),
    ],
    no_edit: Annotated[
        bool, typer.Option("--no-edit", help="Don't open the editor; print the file's path.")
    ] = False,
) -> None:
    """Start a problem: show it, then open your file or ask for your prediction.

    Example: importdrill start sys-modules-cache
    """
    from importdrill.core.progress import Store

    store = Store()
    code: int = Exit.OK
    with reporting(store):
        drill = drill_for(store)
        code = begin(drill, drill.catalog.get(slug), edit=not no_edit)
    raise typer.Exit(code)


@app.command("next")
def next_(
    no_edit: Annotated[bool, typer.Option("--no-edit", help="Don't open the editor.")] = False,
) -> None:
    """Start the next unsolved problem after the current one.

    Example: importdrill next
    """
    from importdrill.core.progress import Store
    from importdrill.views.console import info

    store = Store()
    code: int = Exit.OK
    with reporting(store):
        drill = drill_for(store)
        following = drill.next_problem()
        if following is None:
            info("Every problem is solved. Well done! (importdrill list to review)")
        else:
            code = begin(drill, following, edit=not no_edit)
    raise typer.Exit(code)


# --- hint, solution, reveal, explain ---------------------------------------------------------


@app.command()
def hint(slug: SlugArg = None, as_json: JsonOpt = False) -> None:
    """Reveal the next hint for a problem (they are remembered).

    Example: importdrill hint
    """
    from importdrill.core.progress import Store
    from importdrill.views.problem import show_hint

    store = Store()
    with reporting(store, as_json=as_json):
        drill = drill_for(store)
        shown = drill.hint(drill.problem(slug))
        if as_json:
            emit_json(
                {
                    "slug": shown.problem.slug,
                    "number": shown.number,
                    "total": len(shown.problem.hints),
                    "fresh": shown.fresh,
                    "text": shown.text,
                }
            )
            return
        show_hint(shown)


@app.command()
def solution(slug: SlugArg = None, as_json: JsonOpt = False) -> None:
    """Show the reference solution of an implement problem beside yours, once it passes.

    Example: importdrill solution load-from-file
    """
    from importdrill.core.progress import Store
    from importdrill.views.problem import show_solution

    store = Store()
    with reporting(store, as_json=as_json):
        drill = drill_for(store)
        problem = drill.problem(slug)
        reference, mine = drill.solution(problem)
        if as_json:
            emit_json({"slug": problem.slug, "solution": reference, "yours": mine})
            return
        show_solution(reference, mine)


@app.command()
def reveal(
    slug: SlugArg = None,
    yes: YesOpt = False,
    python: PythonOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Give up on a prediction: show the real output beside your last one, and why.

    The problem becomes "revealed", not solved; a right prediction later still solves it.

    Example: importdrill reveal sys-modules-cache --yes
    """
    from importdrill.core.progress import Status, Store
    from importdrill.views.console import info
    from importdrill.views.verdict import show_revealed

    store = Store()
    with reporting(store, as_json=as_json):
        drill = drill_for(store)
        problem = drill.problem(slug)
        if problem.kind.learner_writes_code:
            drill.reveal(problem, limits=limits_from(DEFAULT_TIMEOUT_S, DEFAULT_MEMORY_MIB))
        if not yes and (as_json or not options.interactive()):
            raise UsageError(f"reveal shows the answer to '{problem.slug}': add --yes to confirm")
        if not yes and not confirmed(
            f"Show the answer to {problem.slug}? It will count as revealed, not solved.",
            f"reveal shows the answer to '{problem.slug}': add --yes to confirm",
        ):
            info("Nothing was revealed.")
            return
        limits = limits_from(DEFAULT_TIMEOUT_S, DEFAULT_MEMORY_MIB)
        revealed = drill.reveal(problem, limits=limits, python=python)
        if as_json:
            emit_json(
                {
                    "slug": problem.slug,
                    "status": Status.REVEALED.value,
                    "output": revealed.output,
                    "last_prediction": revealed.last_prediction,
                    "tree": revealed.tree,
                    "explanation": problem.explanation,
                    "workspace": str(revealed.workspace),
                }
            )
            return
        show_revealed(revealed)


@app.command()
def explain(slug: SlugArg = None, as_json: JsonOpt = False) -> None:
    """Show a problem's explanation again, once it is solved (or its answer revealed).

    Example: importdrill explain sys-modules-cache
    """
    from importdrill.core.progress import Store
    from importdrill.views.verdict import show_explanation

    store = Store()
    with reporting(store, as_json=as_json):
        drill = drill_for(store)
        problem = drill.explain(drill.problem(slug))
        if as_json:
            emit_json({"slug": problem.slug, "explanation": problem.explanation})
            return
        show_explanation(problem)


@app.command()
def check(  # noqa: PLR0917 - Typer maps each option to a parameter
    slug: SlugArg = None,
    predict_file: Annotated[
        str | None,
        typer.Option(
            "--predict-file",
            metavar="FILE|-",
            help="Your prediction for a predict problem (- reads standard input).",
        ),
    ] = None,
    timeout: TimeoutOpt = DEFAULT_TIMEOUT_S,
    memory: MemoryOpt = DEFAULT_MEMORY_MIB,
    python: PythonOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run your file (or the problem's program) and compare what it prints.

    A wrong prediction shows your own lines marked right or wrong, never the real output.

    Example: importdrill check --predict-file prediction.txt
    """
    from importdrill.core.progress import Store
    from importdrill.views.verdict import prepare_verdict

    store = Store()
    code: int = Exit.OK
    with reporting(store, as_json=as_json):
        limits = limits_from(timeout, memory)
        drill = drill_for(store)
        problem = drill.problem(slug)
        if not problem.kind.learner_writes_code:
            if predict_file is not None:
                prediction = read_prediction(predict_file)
                outcome: Outcome = drill.attempt_prediction(
                    problem,
                    prediction,
                    limits=limits,
                    python=python,
                    meanwhile=None if as_json else lambda: prepare_verdict(problem),
                )
                code = show_outcome(outcome, as_json=as_json)
            elif options.interactive() and not as_json:
                code = predict_in_terminal(drill, problem, limits=limits, python=python)
            else:
                raise UsageError(
                    f"'{problem.slug}' asks you to predict its output: give the prediction "
                    "with --predict-file FILE (or --predict-file - to read standard input), "
                    "or run this in a terminal to type it"
                )
        else:
            if predict_file is not None:
                raise UsageError(
                    f"--predict-file: '{problem.slug}' is an implement problem; "
                    "edit your file instead"
                )
            code = show_outcome(
                drill.attempt_file(problem, limits=limits, python=python), as_json=as_json
            )
    raise typer.Exit(code)


@app.command()
def run(
    slug: SlugArg = None,
    timeout: TimeoutOpt = DEFAULT_TIMEOUT_S,
    memory: MemoryOpt = DEFAULT_MEMORY_MIB,
    python: PythonOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run your workspace as a check would and show its raw output; nothing is recorded.

    Exits with the program's own status. A predict problem runs only once it is solved or
    revealed (before that, running it would give the answer away).

    Example: importdrill run load-from-file
    """
    from importdrill.core.progress import Store
    from importdrill.views.verdict import show_workspace_run

    store = Store()
    code: int = Exit.OK
    with reporting(store, as_json=as_json):
        limits = limits_from(timeout, memory)
        drill = drill_for(store)
        done = drill.run_workspace(drill.problem(slug), limits=limits, python=python)
        result = done.result
        if result.returncode is None or result.timed_out or result.output_limit:
            code = Exit.FAILED
        elif result.returncode < 0:
            code = 128 - result.returncode
        else:
            code = result.returncode
        if as_json:
            emit_json(
                {
                    "slug": done.problem.slug,
                    "command": done.command,
                    "folder": str(done.folder),
                    "stdout": result.stdout,
                    "stderr": result.stderr,
                    "returncode": result.returncode,
                    "timed_out": result.timed_out,
                    "output_limit": result.output_limit,
                    "duration_s": round(result.duration_s, 3),
                    "answer": done.answer,
                }
            )
        else:
            show_workspace_run(done)
    raise typer.Exit(code)


@app.command()
def versions(
    slug: SlugArg = None,
    python: Annotated[
        list[str] | None,
        typer.Option(
            "--python",
            metavar="PATH",
            help="Interpreter to run it with; repeat for several (default: every python3.N "
            "on PATH).",
        ),
    ] = None,
    timeout: TimeoutOpt = DEFAULT_TIMEOUT_S,
    as_json: JsonOpt = False,
) -> None:
    """Show how a problem's output differs across the Python versions found.

    A predict problem's output is its answer: it is shown once the problem is solved or
    revealed.

    Example: importdrill versions shadowed-stdlib-hint
    """
    from importdrill.core.progress import Store
    from importdrill.views.problem import show_versions

    store = Store()
    with reporting(store, as_json=as_json):
        limits = limits_from(timeout, DEFAULT_MEMORY_MIB)
        drill = drill_for(store)
        problem = drill.problem(slug)
        runs = drill.versions(problem, limits=limits, pythons=python)
        if as_json:
            emit_json(
                {
                    "slug": problem.slug,
                    "runs": [
                        {
                            "python": r.python,
                            "version": f"{r.version[0]}.{r.version[1]}",
                            "output": r.output,
                            "stated": r.stated,
                        }
                        for r in runs
                    ],
                }
            )
            return
        show_versions(problem, runs)


# --- reset ---------------------------------------------------------------------------------


@app.command()
def reset(
    slug: Annotated[
        str,
        typer.Argument(help="The problem to reset.", metavar="SLUG", autocompletion=complete_slug),
    ],
    yes: YesOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Forget your progress on a problem and start it afresh from the starter.

    Your workspace folder for it is not deleted: it is moved to workspace/.trash/SLUG-TIME,
    and the command says where.

    Example: importdrill reset load-from-file --yes
    """
    from importdrill.core.progress import Store
    from importdrill.views.console import info

    store = Store()
    with reporting(store, as_json=as_json):
        drill = drill_for(store)
        problem = drill.catalog.get(slug)
        if not yes and as_json:
            raise UsageError(f"reset forgets your progress on '{slug}': add --yes to confirm")
        if not yes and not confirmed(
            f"Forget your progress on {slug} (your files are kept in a trash folder)?",
            f"reset forgets your progress on '{slug}': add --yes to confirm",
        ):
            info("Nothing was changed.")
            return
        done = drill.reset(problem)
        if as_json:
            emit_json({"slug": slug, "kept": str(done.kept) if done.kept else None})
            return
        if done.kept is not None:
            info(f"Reset {slug}. Your old files are kept in {done.kept}")
        else:
            info(f"Reset {slug}.")
