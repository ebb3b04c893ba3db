"""The practice commands: watch, review, mix, and the settings (config) that shape practice."""

# no `from __future__ import annotations` here: Typer would eval every annotation string at start-up

import contextlib
from typing import TYPE_CHECKING, Annotated

import typer

from importdrill.cli import options
from importdrill.cli.flows import predict_in_terminal, spinning
from importdrill.cli.group import app
from importdrill.cli.options import (
    DEFAULT_MEMORY_MIB,
    DEFAULT_TIMEOUT_S,
    JsonOpt,
    TimeoutOpt,
    limits_from,
)
from importdrill.cli.reporting import command
from importdrill.core.errors import Exit, Terminated, UsageError

if TYPE_CHECKING:
    from importdrill.app.drill import Drill
    from importdrill.core.problems import Problem
    from importdrill.core.runner import Limits


@app.command()
def watch(
    timeout: Annotated[
        float, typer.Option("--timeout", metavar="SECONDS", help="Stop each run after this long.")
    ] = DEFAULT_TIMEOUT_S,
) -> None:
    """Re-check the current problem each time you save its file.

    Keys: h hint, r re-run, v reveal (a prediction; press twice), e explain, n next, q quit.

    Example: importdrill watch
    """
    import importdrill.watch

    with command() as done:
        limits = limits_from(timeout, DEFAULT_MEMORY_MIB)
        done.status = importdrill.watch.run(done.drill, limits)


# --- reviews, mixed practice, settings -----------------------------------------------------


@app.command()
def review(
    list_: Annotated[
        bool, typer.Option("--list", help="List what is due and when; start nothing.")
    ] = False,
    timeout: TimeoutOpt = DEFAULT_TIMEOUT_S,
    as_json: JsonOpt = False,
) -> None:
    """Review the problems that are due, one after another (--list: only say what and when).

    A solved or revealed problem comes back for review after a while, sooner when it went
    badly: the schedule (FSRS) is set by what happened, never by asking. A prediction is
    asked again (a variant you have not answered, where there is one); an implement problem
    gets a fresh starter, your earlier file set aside until the verdict.

    Example: importdrill review --list --json
    """
    from importdrill.views.practice import show_nothing_due, show_reviews

    with command(as_json=as_json) as done:
        limits = limits_from(timeout, DEFAULT_MEMORY_MIB)
        drill = done.drill
        if list_:
            done.show(drill.review_list(), show_reviews)
            return
        if as_json:
            raise UsageError(
                "review asks its questions in a terminal: --json goes with --list only"
            )
        if not options.interactive():
            raise UsageError(
                "review asks its questions in a terminal; importdrill review --list shows "
                "what is due and when"
            )
        due = drill.due_reviews()
        if not due:
            show_nothing_due(drill.reviews())
            return
        problems = [drill.catalog.get(r.slug) for r in due]
        done.status = session(drill, problems, limits=limits, what="Review", hide=False)


@app.command()
def mix(
    count: Annotated[int, typer.Option("--count", "-n", help="How many problems.")] = 5,
    tag: Annotated[
        str | None, typer.Option("--tag", "-t", help="Only problems with this tag.")
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="The same number gives the same order.")
    ] = None,
    timeout: TimeoutOpt = DEFAULT_TIMEOUT_S,
) -> None:
    """Practise problems from different topics, interleaved, title and topic hidden.

    Each problem's title and tags are shown only once your answer is in: telling which
    idea a problem needs is part of the practice.

    Example: importdrill mix --count 8
    """
    with command() as done:
        limits = limits_from(timeout, DEFAULT_MEMORY_MIB)
        problems = done.drill.mix(count, tag, seed)
        if not options.interactive():
            raise UsageError("mix asks its questions in a terminal: run it in one")
        done.status = session(done.drill, problems, limits=limits, what="Problem", hide=True)


def session(
    drill: "Drill", problems: "list[Problem]", *, limits: "Limits", what: str, hide: bool
) -> int:
    """Problems one after another in the terminal; s skips one (nothing recorded), Ctrl-C
    stops, keeping what was answered."""
    from importdrill.views.console import info, plural
    from importdrill.views.practice import show_session_step, show_unveiled

    passed = skipped = 0
    for number, problem in enumerate(problems, 1):
        show_session_step(what, number, len(problems))
        try:
            ok = practise(drill, problem, limits=limits, hide=hide)
        except KeyboardInterrupt as exc:
            # SIGTERM and SIGHUP (Terminated) end with their own status, as in every command.
            with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
                info(f"Stopped at {number} of {len(problems)}; the answers before it are recorded.")
            return 128 + exc.signum if isinstance(exc, Terminated) else Exit.INTERRUPTED
        if ok is None:
            skipped += 1
            info("Skipped: nothing recorded.")
            continue
        passed += ok
        if hide:
            show_unveiled(problem)
        if not ok and number < len(problems):
            info(f"On to {what.lower()} {number + 1}; this one comes back for review.")
    answered = len(problems) - skipped
    note = f" ({skipped} skipped)" if skipped else ""
    info(f"Done: {passed} of {plural(answered, 'problem')} right{note}.")
    return Exit.OK if passed == answered else Exit.FAILED


def practise(drill: "Drill", problem: "Problem", *, limits: "Limits", hide: bool) -> "bool | None":
    """One problem of a session: a prediction asked, or a fresh starter opened in the
    learner's editor and checked. True: right; False: wrong; None: skipped."""
    from importdrill import editor, prompt
    from importdrill.views.console import info
    from importdrill.views.problem import show_problem
    from importdrill.views.verdict import show_outcome

    served = "mix" if hide else "review"
    started = drill.begin_review(problem)
    if started.learner_file is None:
        problem = drill.next_variant(problem)
        show_problem(problem, hidden=hide)
        try:
            checked = predict_in_terminal(
                drill, problem, limits=limits, python=None, served=served, shown=True
            )
        except prompt.Skipped:
            return None
        return checked == Exit.OK
    show_problem(problem, learner_file=str(started.learner_file), hidden=hide)
    if started.earlier is not None:
        info("A fresh starter: your earlier file is set aside until this review's verdict.")
    command = editor.configured()
    first = True
    while True:
        if command:
            again = "open it in" if first else "edit it again in"
            message = f"Enter: {again} {command}, then it is checked · s: skip · Ctrl-C: stop "
        else:
            message = "Edit the file above, then press Enter to check · s: skip · Ctrl-C: stop "
        try:
            key = prompt.choose(message, ("enter", "s"))
        except EOFError:
            key = "s"
        if key == "s":
            # A skip before any check records nothing; after a wrong one, that one stands.
            return None if first else False
        if command:
            editor.open_file(command, started.learner_file)
        first = False
        with spinning():
            outcome = drill.attempt_file(problem, limits=limits, served=served)
        show_outcome(outcome, watching=True)
        if outcome.passed:
            if started.earlier is not None:
                from importdrill.views.problem import show_earlier_file

                show_earlier_file(*drill.review_files(started))
            return True


@app.command()
def config(
    name: Annotated[
        str | None, typer.Argument(help="The setting (default: show them all).", metavar="NAME")
    ] = None,
    value: Annotated[
        str | None, typer.Argument(help="Its new value (default: show it).", metavar="VALUE")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show or change a setting.

    confidence on|off: after a prediction typed in a terminal, ask "how sure?" (one key,
    Enter skips). A wrong answer given as certain comes back for review soonest.

    Example: importdrill config confidence off
    """
    from importdrill.views.practice import show_settings

    with command(as_json=as_json) as done:
        done.show(done.drill.configure(name, value), show_settings)
