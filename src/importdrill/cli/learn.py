"""The learning commands: list, status, path, start, show, next, hint, solution, reveal, explain,
check, run, versions, why and reset."""

# no `from __future__ import annotations` here: Typer would eval every annotation string at start-up

from typing import TYPE_CHECKING, Annotated

import typer

from importdrill.cli import options
from importdrill.cli.flows import begin, predict_in_terminal, spinning
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
    limits_from,
    read_prediction,
)
from importdrill.cli.reporting import command
from importdrill.core.errors import Exit, UsageError

if TYPE_CHECKING:
    from importdrill.app.results import Outcome
    from importdrill.app.why import WhyResult
    from importdrill.core.problems import Problem


# --- list, status, path ---------------------------------------------------------------------


@app.command("list")
def list_(
    as_json: JsonOpt = False,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", "-t", help="Only problems with this tag (given twice: either)."),
    ] = None,
    difficulty: Annotated[
        str | None, typer.Option("--difficulty", "-d", help="Only easy, medium or hard.")
    ] = None,
    tags: Annotated[
        bool, typer.Option("--tags", help="List the tags, with how many problems have each.")
    ] = False,
) -> None:
    """List the problems by difficulty, with your progress.

    Example: importdrill list --tag sys.modules
    """
    from importdrill.app.listing import listing
    from importdrill.views.listing import show_list

    with command(as_json=as_json) as done:
        if tags:
            from importdrill.core.catalog import load_catalog
            from importdrill.views.console import plain

            counts: dict[str, int] = {}
            for problem in load_catalog():
                for name in problem.tags:
                    counts[name] = counts.get(name, 0) + 1
            for name, count in sorted(counts.items()):
                plain(f"{name}  ({count})")
            return
        done.show(listing(done.store, tags=tag or (), difficulty=difficulty), show_list)


@app.command()
def status(as_json: JsonOpt = False) -> None:
    """Show how far you have come, per difficulty, and the current problem.

    Example: importdrill status --json
    """
    from importdrill.views.listing import show_status

    with command(as_json=as_json) as done:
        done.show(done.drill.overview(), show_status)


@app.command()
def path(slug: SlugArg = None, as_json: JsonOpt = False) -> None:
    """Print the path of your file for an implement problem.

    The file is created from the starter if it does not exist yet; a note on stderr says so.

    Example: importdrill path load-from-file
    """
    from importdrill.views.problem import show_learner_file

    with command(as_json=as_json) as done:
        drill = done.drill
        done.show(drill.learner_file(drill.problem(slug)), show_learner_file)


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
    with command() as done:
        done.status = begin(done.drill, done.drill.catalog.get(slug), edit=not no_edit)


@app.command()
def show(slug: SlugArg = None, as_json: JsonOpt = False) -> None:
    """Show a problem again: its prompt, files and program (never the answer).

    Example: importdrill show
    """
    from importdrill.views.problem import show_again

    with command(as_json=as_json) as done:
        drill = done.drill
        done.show(drill.shown(drill.problem(slug)), show_again)


@app.command("next")
def next_(
    no_edit: Annotated[bool, typer.Option("--no-edit", help="Don't open the editor.")] = False,
) -> None:
    """Start the next unsolved problem after the current one.

    Example: importdrill next
    """
    from importdrill.views.console import info

    with command() as done:
        following = done.drill.next_problem()
        if following is None:
            info("Every problem is solved. Well done! (importdrill list to review)")
        else:
            done.status = begin(done.drill, following, edit=not no_edit)


# --- hint, solution, reveal, explain ---------------------------------------------------------


@app.command()
def hint(slug: SlugArg = None, as_json: JsonOpt = False) -> None:
    """Reveal the next hint for a problem (they are remembered).

    Example: importdrill hint
    """
    from importdrill.views.problem import show_hint

    with command(as_json=as_json) as done:
        drill = done.drill
        done.show(drill.hint(drill.problem(slug)), show_hint)


@app.command()
def solution(slug: SlugArg = None, as_json: JsonOpt = False) -> None:
    """Show a diff of your file against the reference solution, once it passes.

    Example: importdrill solution load-from-file
    """
    from importdrill.views.problem import show_solution

    with command(as_json=as_json) as done:
        drill = done.drill
        done.show(drill.solution(drill.problem(slug)), show_solution)


@app.command()
def reveal(
    slug: SlugArg = None,
    yes: YesOpt = False,
    python: PythonOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Give up: the real output beside your last prediction, or an implement problem's
    reference solution beside your file, and why.

    The problem becomes "revealed", not solved; a right answer later still solves it.

    Example: importdrill reveal sys-modules-cache --yes
    """
    from importdrill.views.console import info
    from importdrill.views.verdict import show_revealed

    with command(as_json=as_json) as done:
        drill = done.drill
        problem = drill.problem(slug)
        drill.require_revealable(problem)
        refusal = f"reveal shows the answer to '{problem.slug}': add --yes to confirm"
        if not yes and as_json:
            raise UsageError(refusal)
        what = "reference solution" if problem.kind.learner_writes_code else "answer"
        question = f"Show the {what} to {problem.slug}? It will count as revealed, not solved."
        if not yes and not confirmed(question, refusal):
            info("Nothing was revealed.")
            return
        if problem.kind.learner_writes_code:
            from importdrill.views.problem import show_solution_revealed

            done.show(drill.reveal_solution(problem), show_solution_revealed)
            return
        limits = limits_from(DEFAULT_TIMEOUT_S, DEFAULT_MEMORY_MIB)
        done.show(drill.reveal(problem, limits=limits, python=python), show_revealed)


@app.command()
def explain(slug: SlugArg = None, as_json: JsonOpt = False) -> None:
    """Show a problem's explanation again, once it is solved (or its answer revealed).

    Example: importdrill explain sys-modules-cache
    """
    from importdrill.views.verdict import show_explained

    with command(as_json=as_json) as done:
        drill = done.drill
        done.show(drill.explain(drill.problem(slug)), show_explained)


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
    # The views (Rich above all) are loaded once the program has started, while it runs
    # (prepare_verdict): imported first, they kept the program waiting for them.
    with command(as_json=as_json) as done:
        limits = limits_from(timeout, memory)
        drill = done.drill
        if predict_file is not None or as_json or not options.interactive():
            drill.expect_a_run()  # not before a prediction typed at the prompt
        problem = drill.problem(slug)
        if problem.kind.learner_writes_code:
            drill.expect_a_run()
            if predict_file is not None:
                raise UsageError(
                    f"--predict-file: '{problem.slug}' is an implement problem; "
                    "edit your file instead"
                )
            # As run and path do: a file never made, or moved aside by a reset, is laid out
            # from the starter (and said so) and checked; the attempt makes it started.
            laid_out = drill.learner_file(problem)
            if laid_out.created and not as_json:
                from importdrill.views.console import notice

                notice(f"created {laid_out.path} from the problem's starter")
            with spinning():
                outcome: Outcome = drill.attempt_file(
                    problem,
                    limits=limits,
                    python=python,
                    meanwhile=None if as_json else lambda: _prepare_verdict(problem),
                )
        elif predict_file is not None:
            prediction = read_prediction(predict_file)
            with spinning():
                outcome = drill.attempt_prediction(
                    problem,
                    prediction,
                    limits=limits,
                    python=python,
                    meanwhile=None if as_json else lambda: _prepare_verdict(problem),
                )
        elif options.interactive() and not as_json:
            done.status = predict_in_terminal(drill, problem, limits=limits, python=python)
            return
        elif as_json:
            # The inline prompt would share stdout with the JSON document: a file it is.
            raise UsageError(
                f"'{problem.slug}' asks you to predict its output: with --json, give the "
                f"prediction with --predict-file FILE, or type it and end with Ctrl-D: "
                f"importdrill check {problem.slug} --json --predict-file -"
            )
        else:
            raise UsageError(
                f"'{problem.slug}' asks you to predict its output: give the prediction "
                "with --predict-file FILE (or --predict-file - to read standard input), "
                "or run this in a terminal to type it"
            )
        from importdrill.views.verdict import show_outcome

        done.status = done.show(outcome, show_outcome).exit_status


def _prepare_verdict(problem: "Problem") -> None:
    from importdrill.views.verdict import prepare_verdict

    prepare_verdict(problem)


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
    with command(as_json=as_json) as done:
        limits = limits_from(timeout, memory)
        drill = done.drill
        with spinning():
            ran = drill.run_workspace(drill.problem(slug), limits=limits, python=python)
        from importdrill.views.verdict import show_workspace_run  # after the run, as check

        done.status = done.show(ran, show_workspace_run).exit_status


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

    Example: importdrill versions type-checking-cycle
    """
    from importdrill.views.problem import show_versions

    with command(as_json=as_json) as done:
        limits = limits_from(timeout, DEFAULT_MEMORY_MIB)
        drill = done.drill
        done.show(drill.versions(drill.problem(slug), limits=limits, pythons=python), show_versions)


# --- why ---------------------------------------------------------------------------------------


@app.command()
def why(  # noqa: PLR0917 - Typer maps each option to a parameter
    name: Annotated[
        str, typer.Argument(help="The module, as in `import NAME` (pkg.sub too).", metavar="NAME")
    ],
    python: Annotated[
        str | None,
        typer.Option(
            "--python", metavar="PATH", help="Interpreter to ask (default: python3 on PATH)."
        ),
    ] = None,
    script: Annotated[
        str | None,
        typer.Option("--script", metavar="FILE", help="As `python FILE` would import it."),
    ] = None,
    module: Annotated[
        str | None,
        typer.Option("-m", "--module", metavar="MODULE", help="As `python -m MODULE` would."),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Let parent packages run to search pkg.sub.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Explain what `import NAME` finds in this folder, step by step, and why.

    Asks your own interpreter (your PYTHONPATH, .pth files, user site), never runs NAME
    itself, warns about the known traps, and names the problems that drill each step.
    Exits 1 when NAME is not found.

    Example: importdrill why requests --script app.py
    """
    from importdrill.app.why import explain_import
    from importdrill.views.why import show_why

    with command(as_json=as_json, store=False) as done:

        def ask(allow: bool) -> "WhyResult":
            return explain_import(name, python=python, script=script, module=module, allow=allow)

        result = ask(yes)
        stop = result.explanation.probe.stopped
        if (
            stop is not None
            and stop.reason.value == "parent-would-run"
            and not as_json
            and options.interactive()
        ):
            show_why(result)
            from importdrill import prompt

            try:
                again = prompt.confirm(f"Import {stop.parent} (runs {stop.origin}) and go on?")
            except EOFError:
                again = False
            if not again:
                done.status = Exit.FAILED
                return
            from importdrill.views.console import out

            out().print()
            result = ask(True)
        done.show(result, show_why)
        done.status = Exit.OK if result.found else Exit.FAILED


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
    from importdrill.views.console import info
    from importdrill.views.problem import show_reset

    with command(as_json=as_json) as done:
        problem = done.drill.catalog.get(slug)
        refusal = f"reset forgets your progress on '{slug}': add --yes to confirm"
        if not yes and as_json:
            raise UsageError(refusal)
        question = f"Forget your progress on {slug} (your files are kept in a trash folder)?"
        if not yes and not confirmed(question, refusal):
            info("Nothing was changed.")
            return
        done.show(done.drill.reset(problem), show_reset)
