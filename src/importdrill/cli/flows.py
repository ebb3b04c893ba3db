"""The interactive flows that learning and practice share: starting a problem (the editor or
the inline prediction), a prediction typed at the prompt, and showing an outcome."""

# no `from __future__ import annotations` here: Typer would eval every annotation string at start-up

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from importdrill.cli import options
from importdrill.cli.options import DEFAULT_MEMORY_MIB, DEFAULT_TIMEOUT_S, limits_from
from importdrill.core.errors import Exit, UsageError

if TYPE_CHECKING:
    from importdrill.app.drill import Drill
    from importdrill.core.problems import Problem
    from importdrill.core.runner import Limits
    from importdrill.views.spinner import Spinner


def begin(drill: "Drill", problem: "Problem", *, edit: bool) -> int:
    """Make problem current, show it, and hand over: the editor, or the inline prediction."""
    from importdrill import editor
    from importdrill.core.kinds import Kind
    from importdrill.views.console import info
    from importdrill.views.problem import show_problem

    begun = drill.begin(problem)
    if begun.solved:
        info(f"You have solved {problem.slug} already: this is practice (nothing is lost).")
    if begun.learner_file is None:
        show_problem(problem)
        if options.interactive():
            limits = limits_from(DEFAULT_TIMEOUT_S, DEFAULT_MEMORY_MIB)
            return predict_in_terminal(drill, problem, limits=limits, python=None, shown=True)
        what = "what it prints" if problem.kind is Kind.PREDICT else "your answer, as said above,"
        info(f"Write {what} to a file and run: importdrill check --predict-file FILE")
        return Exit.OK
    target = begun.learner_file
    show_problem(problem, learner_file=str(target))
    if not begun.created:
        info("Your earlier work is kept (importdrill reset moves it aside to start over).")
    command = editor.configured()
    # An editor is opened only from a terminal: a terminal editor started with its output
    # in a pipe or a file would take over nothing and wait for keys that never come.
    if edit and command and options.interactive():
        # A terminal editor takes over the screen: let the learner read the prompt first.
        from importdrill import prompt

        try:
            prompt.wait_for_enter(f"Press Enter to open it in {command} (Ctrl-C: not now) ")
        except (KeyboardInterrupt, EOFError):
            info("Open it when you are ready; then run: importdrill check")
            return Exit.OK
        editor.open_file(command, target)
        info("When it is ready: importdrill check")
        return Exit.OK
    if edit and not command:
        info("No $VISUAL or $EDITOR is set: open the file above in your editor.")
    info(
        f"Run it by hand in {workspace_folder(problem)} ({' '.join(problem.command())}); "
        "then: importdrill check"
    )
    return Exit.OK


@contextlib.contextmanager
def spinning() -> Iterator[None]:
    """A spinner for the runs inside the block that take longer than half a second; on a
    terminal only (in a pipe or a file it would be noise). It is made at the first look at a
    run, once the program has started: what says whether stderr is a terminal is Rich's
    console, and a check loads Rich while its program runs, not before."""
    from importdrill.core import runner

    made: list[Spinner | None] = []

    def tick(name: str, elapsed: float) -> None:
        if not made:
            from importdrill.views.console import err

            console = err()
            if console.is_terminal:
                from importdrill.views.spinner import Spinner

                made.append(Spinner(console.file, console.width))
            else:
                made.append(None)
        spinner = made[0]
        if spinner is not None:
            spinner(name, elapsed)

    with runner.ticking(tick):
        try:
            yield
        finally:
            if made and made[0] is not None:
                made[0].close()


def workspace_folder(problem: "Problem") -> str:
    from importdrill.core import workspace

    return str(workspace.folder(problem))


def predict_in_terminal(
    drill: "Drill",
    problem: "Problem",
    *,
    limits: "Limits",
    python: str | None,
    served: str | None = None,
    shown: bool = False,
    in_session: bool = False,
) -> int:
    """Ask for a prediction at the inline prompt, confirming one of the wrong length, then
    (unless turned off) how sure the learner is. served: "review" or "mix" (no earlier
    predictions in the prompt's history), None when the learner chose the problem.
    in_session: part of a review or mix (so is any served problem). shown: the problem was
    just shown, with what to write (an order or which-file problem's long statement is not
    repeated)."""
    from importdrill import prompt
    from importdrill.core import judge
    from importdrill.core.kinds import Kind
    from importdrill.core.progress import Confidence
    from importdrill.views.console import info, plural
    from importdrill.views.practice import show_sure_but_wrong
    from importdrill.views.verdict import show_outcome

    in_session = in_session or served is not None
    # The program runs first, so the learner can be told how many lines it prints.
    with spinning():
        result = drill.run_program(problem, limits=limits, python=python)
    asked = drill.prediction_question(problem, result, review=served is not None)
    question = "" if shown and problem.kind is not Kind.PREDICT else f"{asked.question} "
    if asked.lines is not None:
        info(f"{question}{asked.has} {plural(asked.lines, asked.noun)}. Type them below.")
    else:
        what = "prediction" if problem.kind is Kind.PREDICT else "answer"
        info(f"{question}Type your {what} below.")
    text = ""
    while True:
        try:
            # In a session, Ctrl-S skips (prompt.Skipped, up to the session: nothing recorded).
            text = prompt.ask_prediction(asked.history, default=text, skippable=in_session)
        except EOFError:
            raise UsageError("no prediction was given") from None
        refused = drill.answer_form(problem, text)
        if refused is not None:
            # Not a possible answer: said, and back in the editor with the lines kept.
            info(refused)
            continue
        written = len(judge.split_lines(text))
        if asked.lines is None or written == asked.lines:
            break
        question = (
            f"You wrote {plural(written, 'line')}; {asked.real} {asked.lines}. Submit anyway?"
        )
        try:
            if prompt.confirm(question):
                break
        except EOFError:
            break
    confidence = None
    if drill.asks_confidence():
        given = prompt.ask_confidence(CONFIDENCE_QUESTION)
        confidence = None if given is None else Confidence(given)
    outcome = drill.attempt_prediction(
        problem,
        text,
        limits=limits,
        python=python,
        result=result,
        confidence=confidence,
        served=served,
    )
    # In a review or mix session, what comes next is the session's to say, not a command's.
    show_outcome(outcome, watching=in_session)
    if not outcome.passed and confidence is Confidence.CERTAIN:
        show_sure_but_wrong()
    return outcome.exit_status


CONFIDENCE_QUESTION = "How sure are you? 1 guessing · 2 fairly · 3 certain (Enter: skip) "
