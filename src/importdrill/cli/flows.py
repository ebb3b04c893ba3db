"""The interactive flows that learning and practice share: starting a problem (the editor or
the inline prediction), a prediction typed at the prompt, and showing an outcome."""

# no `from __future__ import annotations` here: Typer would eval every annotation string at start-up

from typing import TYPE_CHECKING

from importdrill.cli import options
from importdrill.cli.options import DEFAULT_MEMORY_MIB, DEFAULT_TIMEOUT_S, limits_from
from importdrill.cli.reporting import emit_json
from importdrill.core.errors import Exit, UsageError

if TYPE_CHECKING:
    from importdrill.app.drill import Drill, Outcome
    from importdrill.core.problems import Problem
    from importdrill.core.runner import Limits


def begin(drill: "Drill", problem: "Problem", *, edit: bool) -> int:
    """Make problem current, show it, and hand over: the editor, or the inline prediction."""
    from importdrill import editor
    from importdrill.views.console import info
    from importdrill.views.problem import show_problem

    begun = drill.begin(problem)
    if begun.learner_file is None:
        show_problem(problem)
        if options.interactive():
            limits = limits_from(DEFAULT_TIMEOUT_S, DEFAULT_MEMORY_MIB)
            return predict_in_terminal(drill, problem, limits=limits, python=None)
        info("Write what it prints to a file and run: importdrill check --predict-file FILE")
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


def workspace_folder(problem: "Problem") -> str:
    from importdrill.core import workspace

    return str(workspace.folder(problem))


def _outcomeemit_json(outcome: "Outcome") -> dict[str, object]:
    from importdrill.app.drill import PredictionOutcome

    verdict, result = outcome.verdict, outcome.result
    document: dict[str, object] = {
        "slug": outcome.problem.slug,
        "kind": outcome.problem.kind.value,
        "passed": verdict.passed,
        "verdict": verdict.verdict.value,
        "detail": verdict.detail,
        "duration_s": round(result.duration_s, 3),
    }
    if isinstance(outcome, PredictionOutcome):
        # The real output is a key only once the answer is earned or was revealed.
        document["prediction"] = outcome.prediction
        document["lines"] = [{"text": m.text, "right": m.right} for m in outcome.marks.lines]
        document["missing"] = outcome.marks.missing
        document["extra"] = outcome.marks.extra
        document["output"] = verdict.actual if outcome.answer_visible else None
        document["tree"] = outcome.tree
        # A wrong prediction's stderr may hold the answer's text too; once it is seen, not.
        seen = outcome.answer_visible or verdict.verdict.value != "wrong-output"
        document["stderr"] = result.stderr if seen else ""
    else:
        document["expected"] = verdict.expected
        document["actual"] = verdict.actual
        document["diff"] = verdict.diff
        document["stderr"] = result.stderr
        document["changed_support"] = list(outcome.changed_support)
        document["runs"] = [
            {
                "name": run.name,
                "passed": run.passed,
                "verdict": run.verdict.verdict.value,
                "detail": run.verdict.detail,
                "expected": run.verdict.expected,
                "actual": run.verdict.actual,
                "diff": run.verdict.diff,
                "stderr": "" if run.passed else run.result.stderr,
                "duration_s": round(run.result.duration_s, 3),
            }
            for run in outcome.evaluation.runs
        ]
        broken = {b.index: b for b in outcome.evaluation.breaches}
        document["rules"] = [
            {
                "message": rule.message,
                "kept": index not in broken,
                "line": broken[index].line if index in broken else None,
            }
            for index, rule in enumerate(outcome.problem.rules)
        ]
    return document


def show_outcome(outcome: "Outcome", *, as_json: bool) -> int:
    from importdrill.views.verdict import show_outcome

    if as_json:
        emit_json(_outcomeemit_json(outcome))
    else:
        show_outcome(outcome)
    return Exit.OK if outcome.passed else Exit.FAILED


def predict_in_terminal(
    drill: "Drill", problem: "Problem", *, limits: "Limits", python: str | None
) -> int:
    """Ask for a prediction at the inline prompt, confirming one of the wrong length, then
    (unless turned off) how sure the learner is."""
    from importdrill import prompt
    from importdrill.core import judge
    from importdrill.core.kinds import Kind
    from importdrill.views.console import info, plural
    from importdrill.views.practice import show_sure_but_wrong

    # The program runs first, so the learner can be told how many lines it prints.
    result = drill.run_program(problem, limits=limits, python=python)
    count = len(judge.split_lines(result.stdout)) if result.finished else None
    if problem.kind is Kind.PREDICT:
        question, has, noun = "What does it print?", "It prints", "line"
    else:
        from importdrill.core import questions

        question = questions.question_text(problem) or ""
        has, noun = "The answer has", questions.answer_noun(problem)
    if count is not None:
        info(f"{question} {has} {plural(count, noun)}. Type them below.")
    else:
        info(f"{question} Type your prediction below.")
    entry = drill.state().of(problem.slug)
    history = entry.predictions if entry else []
    text = ""
    while True:
        try:
            text = prompt.ask_prediction(history, default=text)
        except EOFError:
            raise UsageError("no prediction was given") from None
        written = len(judge.split_lines(text))
        if count is None or written == count:
            break
        real = "the program prints" if problem.kind is Kind.PREDICT else "the answer has"
        question = f"You wrote {plural(written, 'line')}; {real} {count}. Submit anyway?"
        try:
            if prompt.confirm(question):
                break
        except EOFError:
            break
    confidence = None
    if drill.settings()["confidence"] == "on":
        confidence = prompt.ask_confidence(CONFIDENCE_QUESTION)
    outcome = drill.attempt_prediction(
        problem, text, limits=limits, python=python, result=result, confidence=confidence
    )
    code = show_outcome(outcome, as_json=False)
    if not outcome.passed and confidence == CERTAIN:
        show_sure_but_wrong()
    return code


CONFIDENCE_QUESTION = "How sure are you? 1 guessing · 2 fairly · 3 certain (Enter: skip) "
CERTAIN = 3
