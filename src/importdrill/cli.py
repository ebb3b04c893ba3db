"""The command line: parse, call the core, hand results to ui; errors become exit statuses here."""

# no `from __future__ import annotations` here: Typer would eval every annotation string at start-up

import atexit
import contextlib
import os
import signal
import sys
from collections.abc import Iterator, MutableMapping
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from importdrill.errors import DrillError, Terminated, UsageError

# The core and Rich views are imported by the commands that use them, not here: `--help`
# needs none of them, and Typer builds only the command that runs (see group()).
if TYPE_CHECKING:
    from datetime import datetime

    from typer.models import CommandInfo

    from importdrill.problems import Problem
    from importdrill.progress import Store
    from importdrill.runner import Limits
    from importdrill.usecases import Drill, Outcome

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
# The version of every --json document's keys; it changes only when a key changes meaning.
JSON_VERSION = 1
# The option defaults; runner.Limits has the same (a test keeps them in step). Not imported
# from runner, which would put subprocess and friends on every command's start-up path.
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MEMORY_MIB = 1024


@contextlib.contextmanager
def reporting(store: "Store | None" = None, *, as_json: bool = False) -> Iterator[None]:
    """Turn core errors into a message and exit 2, Ctrl-C into exit 130; show notices.

    With --json the error is a JSON document on stdout instead. Notices (a damaged progress
    file kept aside) go to stderr whatever the exit path, an early typer.Exit included.
    """
    from importdrill import ui

    try:
        yield
    except DrillError as exc:
        _flush_notices(store)
        if as_json:
            _json_error(exc.kind, str(exc), exc.details())
        else:
            ui.error(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    except KeyboardInterrupt as exc:
        # SIGTERM and SIGHUP arrive as Terminated: the same clean-up, their own exit status.
        status = 128 + exc.signum if isinstance(exc, Terminated) else EXIT_INTERRUPTED
        # After SIGHUP the terminal may be gone; the exit status still says what happened.
        with contextlib.suppress(OSError):
            _flush_notices(store)
            if as_json:
                _json_error("interrupted", "interrupted; nothing was recorded", {})
            else:
                ui.notice("interrupted; nothing was recorded")
        raise typer.Exit(status) from None
    finally:
        _flush_notices(store)


def _json_error(kind: str, message: str, details: dict[str, object]) -> None:
    _json({"error": {"kind": kind, "message": message, **details}})


class _Group(TyperGroup):
    """The command group; with --json, a malformed command line is reported in JSON too."""

    # While True, get_command gives headers (see format_commands).
    _listing = False

    def invoke(self, ctx: Any) -> Any:
        args = [*getattr(ctx, "protected_args", []), *ctx.args]
        try:
            return super().invoke(ctx)
        except Exception as exc:
            # Click's usage errors (an unknown option, a value of the wrong type) are raised
            # while the command's arguments are parsed, before any command code runs.
            exit_code = getattr(exc, "exit_code", None)
            if "--json" in args and hasattr(exc, "format_message") and exit_code == EXIT_USAGE:
                _json_error("usage", exc.format_message(), {})
                raise typer.Exit(EXIT_USAGE) from None
            raise

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if self._listing and isinstance(self.commands, _Commands):
            return self.commands.header(cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        # The list of commands shows each one's name and first line of help, which need
        # none of its parameters: headers say the same, without building twenty commands.
        self._listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False


class _Commands(MutableMapping[str, Any]):
    """The app's commands by name, in the order they are declared, each built by Typer
    (from its function's signature) only when it is first asked for.

    Typer builds every command before it parses the command line: reading twenty
    signatures and making their parameters costs `list` and `check` ~2.5 ms, for nineteen
    commands they do not run.
    """

    def __init__(self, infos: "list[CommandInfo]") -> None:
        from typer.main import get_command_name

        # Named as Typer names them: the given name, else the function's, with - for _.
        self._infos: dict[str, CommandInfo | None] = {
            info.name or get_command_name(getattr(info.callback, "__name__", "")): info
            for info in infos
        }
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        built = self._built.get(name)
        if built is None:
            from typer.main import get_command_from_info

            info = self._infos[name]
            assert info is not None  # only commands added already built have no info
            built = self._built[name] = get_command_from_info(
                info,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
            )
        return built

    def header(self, name: str) -> Any:
        """The command named name, as far as a list of commands shows it: name and help."""
        info = self._infos.get(name)
        if name in self._built or info is None:
            return self._built.get(name)
        import inspect

        from typer.core import TyperCommand

        # As Typer's get_command_from_info takes the help: given, else the docstring.
        text = inspect.getdoc(info.callback) if info.help is None else inspect.cleandoc(info.help)
        return TyperCommand(
            name=name,
            help=text,
            short_help=info.short_help,
            hidden=info.hidden,
            deprecated=info.deprecated,
        )

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command
        self._infos.setdefault(name, None)

    def __delitem__(self, name: str) -> None:
        del self._infos[name]
        self._built.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._infos)

    def __len__(self) -> int:
        return len(self._infos)


def group() -> TyperGroup:
    """The app as the command group main() runs: Typer's own, with commands built lazily."""
    import copy

    from typer.main import get_command

    bare = copy.copy(app)  # the group and its options, as Typer makes them, without commands
    bare.registered_commands = []
    group = get_command(bare)
    assert isinstance(group, TyperGroup)
    group.commands = _Commands(app.registered_commands)
    return group


app = typer.Typer(
    name="importdrill",
    help="A terminal drill for the Python import system: sys.modules, finders, loaders, "
    "packages and -m.\n\nStart with: importdrill list, then importdrill start SLUG.",
    no_args_is_help=True,
    add_completion=True,
    cls=_Group,
    # Plain help: Rich-formatted help imports the Markdown renderer, which doubles the
    # start-up time of `--help` (see the README's performance figures).
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _flush_notices(store: "Store | None") -> None:
    from importdrill import ui
    from importdrill.catalog import take_notices

    for message in take_notices():  # installed packs that were skipped
        ui.notice(message)
    from importdrill import fsclean

    while fsclean.notices:  # run folders that could not be removed
        ui.notice(fsclean.notices.pop(0))
    if store is not None:
        for message in store.notices:
            ui.notice(message)
        store.notices.clear()


def _complete_slug(incomplete: str) -> list[str]:
    from importdrill.catalog import load_catalog

    try:
        return [p.slug for p in load_catalog(strict=False) if p.slug.startswith(incomplete)]
    except DrillError:
        return []


SlugArg = Annotated[
    str | None,
    typer.Argument(
        help="The problem (default: the current one).",
        metavar="SLUG",
        autocompletion=_complete_slug,
        show_default=False,
    ),
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Don't ask.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
TimeoutOpt = Annotated[
    float,
    typer.Option("--timeout", metavar="SECONDS", help="Stop the program after this long."),
]
MemoryOpt = Annotated[
    int,
    typer.Option("--memory", metavar="MIB", help="Memory the program may use (0: no limit)."),
]
PythonOpt = Annotated[
    str | None,
    typer.Option(
        "--python", metavar="PATH", help="Interpreter to run it with (default: this one)."
    ),
]


def _drill(store: "Store") -> "Drill":
    # Imported per command: `list`, `status` and `--help` start faster without it.
    from importdrill.usecases import Drill

    return Drill(store)


def _version_callback(value: bool) -> None:
    if value:
        from importdrill import __version__, ui

        ui.plain(f"importdrill {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Show importdrill's version and exit.",
            callback=_version_callback,
            is_eager=True,
        ),
    ] = False,
) -> None:
    # No docstring: the app's help (set above) is what `importdrill --help` shows.
    pass


def _json(document: dict[str, object]) -> None:
    import json  # only --json output needs it: 1 ms of every other command's start-up

    from importdrill import ui

    ui.raw(json.dumps({"version": JSON_VERSION, **document}, indent=2))


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
    from importdrill import ui
    from importdrill.catalog import load_catalog
    from importdrill.kinds import Difficulty
    from importdrill.progress import Store

    store = Store()
    with reporting(store, as_json=as_json):
        wanted = Difficulty.parse(difficulty) if difficulty is not None else None
        if difficulty is not None and wanted is None:
            raise UsageError(f"--difficulty {difficulty!r}: choose one of {', '.join(Difficulty)}")
        catalog = load_catalog(strict=False)
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
            _json({"problems": rows})
            return
        ui.show_list(problems, state, unavailable)


@app.command()
def status(as_json: JsonOpt = False) -> None:
    """Show how far you have come, per difficulty, and the current problem.

    Example: importdrill status --json
    """
    from importdrill import ui
    from importdrill.catalog import load_catalog
    from importdrill.kinds import Difficulty
    from importdrill.progress import Status, Store

    store = Store()
    with reporting(store, as_json=as_json):
        catalog = load_catalog(strict=False)
        state = store.load(predictions=False)
        from importdrill.usecases import Drill

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
            _json(
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
                        "due": _iso(practice.next_review.due),
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
        ui.show_status(catalog.summaries, state)
        ui.show_practice(practice)


@app.command()
def path(slug: SlugArg = None, as_json: JsonOpt = False) -> None:
    """Print the path of your file for an implement problem.

    The file is created from the starter if it does not exist yet; a note on stderr says so.

    Example: importdrill path load-from-file
    """
    from importdrill import ui
    from importdrill.progress import Store

    store = Store()
    with reporting(store, as_json=as_json):
        drill = _drill(store)
        problem = drill.problem(slug)
        target, created = drill.learner_file(problem)
        if as_json:
            _json({"slug": problem.slug, "path": str(target), "created": created})
            return
        ui.plain(str(target))
        if created:
            ui.notice(f"created {target} from the problem's starter")


# --- start, next ---------------------------------------------------------------------------


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _begin(drill: "Drill", problem: "Problem", *, edit: bool) -> int:
    """Make problem current, show it, and hand over: the editor, or the inline prediction."""
    from importdrill import editor, ui

    begun = drill.begin(problem)
    if begun.learner_file is None:
        ui.show_problem(problem)
        if _interactive():
            limits = _limits(DEFAULT_TIMEOUT_S, DEFAULT_MEMORY_MIB)
            return _predict_in_terminal(drill, problem, limits=limits, python=None)
        ui.info("Write what it prints to a file and run: importdrill check --predict-file FILE")
        return EXIT_OK
    target = begun.learner_file
    ui.show_problem(problem, learner_file=str(target))
    if not begun.created:
        ui.info("Your earlier work is kept (importdrill reset moves it aside to start over).")
    command = editor.configured()
    # An editor is opened only from a terminal: a terminal editor started with its output
    # in a pipe or a file would take over nothing and wait for keys that never come.
    if edit and command and _interactive():
        # A terminal editor takes over the screen: let the learner read the prompt first.
        from importdrill import prompt

        try:
            prompt.wait_for_enter(f"Press Enter to open it in {command} (Ctrl-C: not now) ")
        except (KeyboardInterrupt, EOFError):
            ui.info("Open it when you are ready; then run: importdrill check")
            return EXIT_OK
        editor.open_file(command, target)
        ui.info("When it is ready: importdrill check")
        return EXIT_OK
    if edit and not command:
        ui.info("No $VISUAL or $EDITOR is set: open the file above in your editor.")
    ui.info(
        f"Run it by hand in {workspace_folder(problem)} ({' '.join(problem.command())}); "
        "then: importdrill check"
    )
    return EXIT_OK


def workspace_folder(problem: "Problem") -> str:
    from importdrill import workspace

    return str(workspace.folder(problem))


@app.command()
def start(
    slug: Annotated[
        str,
        typer.Argument(help="The problem to start.", metavar="SLUG", autocompletion=_complete_slug),
    ],
    no_edit: Annotated[
        bool, typer.Option("--no-edit", help="Don't open the editor; print the file's path.")
    ] = False,
) -> None:
    """Start a problem: show it, then open your file or ask for your prediction.

    Example: importdrill start sys-modules-cache
    """
    from importdrill.progress import Store

    store = Store()
    code = EXIT_OK
    with reporting(store):
        drill = _drill(store)
        code = _begin(drill, drill.catalog.get(slug), edit=not no_edit)
    raise typer.Exit(code)


@app.command("next")
def next_(
    no_edit: Annotated[bool, typer.Option("--no-edit", help="Don't open the editor.")] = False,
) -> None:
    """Start the next unsolved problem after the current one.

    Example: importdrill next
    """
    from importdrill import ui
    from importdrill.progress import Store

    store = Store()
    code = EXIT_OK
    with reporting(store):
        drill = _drill(store)
        following = drill.next_problem()
        if following is None:
            ui.info("Every problem is solved. Well done! (importdrill list to review)")
        else:
            code = _begin(drill, following, edit=not no_edit)
    raise typer.Exit(code)


# --- hint, solution, reveal, explain ---------------------------------------------------------


@app.command()
def hint(slug: SlugArg = None, as_json: JsonOpt = False) -> None:
    """Reveal the next hint for a problem (they are remembered).

    Example: importdrill hint
    """
    from importdrill import ui
    from importdrill.progress import Store

    store = Store()
    with reporting(store, as_json=as_json):
        drill = _drill(store)
        shown = drill.hint(drill.problem(slug))
        if as_json:
            _json(
                {
                    "slug": shown.problem.slug,
                    "number": shown.number,
                    "total": len(shown.problem.hints),
                    "fresh": shown.fresh,
                    "text": shown.text,
                }
            )
            return
        ui.show_hint(shown)


@app.command()
def solution(slug: SlugArg = None, as_json: JsonOpt = False) -> None:
    """Show the reference solution of an implement problem beside yours, once it passes.

    Example: importdrill solution load-from-file
    """
    from importdrill import ui
    from importdrill.progress import Store

    store = Store()
    with reporting(store, as_json=as_json):
        drill = _drill(store)
        problem = drill.problem(slug)
        reference, mine = drill.solution(problem)
        if as_json:
            _json({"slug": problem.slug, "solution": reference, "yours": mine})
            return
        ui.show_solution(reference, mine)


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
    from importdrill import ui
    from importdrill.progress import Status, Store

    store = Store()
    with reporting(store, as_json=as_json):
        drill = _drill(store)
        problem = drill.problem(slug)
        if problem.kind.learner_writes_code:
            drill.reveal(problem, limits=_limits(DEFAULT_TIMEOUT_S, DEFAULT_MEMORY_MIB))
        if not yes and (as_json or not _interactive()):
            raise UsageError(f"reveal shows the answer to '{problem.slug}': add --yes to confirm")
        if not yes and not _confirmed(
            f"Show the answer to {problem.slug}? It will count as revealed, not solved.",
            f"reveal shows the answer to '{problem.slug}': add --yes to confirm",
        ):
            ui.info("Nothing was revealed.")
            return
        limits = _limits(DEFAULT_TIMEOUT_S, DEFAULT_MEMORY_MIB)
        revealed = drill.reveal(problem, limits=limits, python=python)
        if as_json:
            _json(
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
        ui.show_revealed(revealed)


@app.command()
def explain(slug: SlugArg = None, as_json: JsonOpt = False) -> None:
    """Show a problem's explanation again, once it is solved (or its answer revealed).

    Example: importdrill explain sys-modules-cache
    """
    from importdrill import ui
    from importdrill.progress import Store

    store = Store()
    with reporting(store, as_json=as_json):
        drill = _drill(store)
        problem = drill.explain(drill.problem(slug))
        if as_json:
            _json({"slug": problem.slug, "explanation": problem.explanation})
            return
        ui.show_explanation(problem)


def _confirmed(question: str, refusal: str) -> bool:
    """Ask question in a terminal; outside one, refuse with a usage error (use --yes)."""
    if not _interactive():
        raise UsageError(refusal)
    from importdrill import prompt

    try:
        return prompt.confirm(question)
    except EOFError:
        return False


# --- check, run ----------------------------------------------------------------------------


# The most of a prediction that is read: one byte past the cap tells that it is too long,
# without reading /dev/zero or a 30 MB file to the end.
PREDICTION_READ_BYTES = (1 << 20) + 1


def _read_prediction(source: str) -> str:
    name = "standard input" if source == "-" else source
    from importdrill import streams

    if source == "-" and (sys.stdin is None or streams.stdin_closed):
        raise UsageError("--predict-file -: standard input is closed (nothing was recorded)")
    try:
        if source == "-":
            data = sys.stdin.buffer.read(PREDICTION_READ_BYTES)
        else:
            with Path(source).open("rb") as handle:
                data = handle.read(PREDICTION_READ_BYTES)
        if len(data) >= PREDICTION_READ_BYTES:
            raise UsageError(
                f"--predict-file {name}: longer than 1 MiB; no problem's program prints that "
                "much (nothing was recorded)"
            )
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--predict-file {name}: cannot read it ({exc})") from None


# Bounds of the limits a learner may ask for: below MIN_MEMORY_MIB an interpreter cannot even
# start (its failure would look like the learner's error), and past the maxima a value is a
# typo, not a wish.
MIN_MEMORY_MIB = 32
MAX_MEMORY_MIB = 1 << 20
MAX_TIMEOUT_S = 86_400.0


def _limits(timeout: float, memory: int) -> "Limits":
    import math

    from importdrill import runner

    if not math.isfinite(timeout) or timeout <= 0:
        raise UsageError(f"--timeout {timeout}: must be a number of seconds more than 0")
    if timeout > MAX_TIMEOUT_S:
        raise UsageError(f"--timeout {timeout}: at most {MAX_TIMEOUT_S:.0f} seconds (a day)")
    if memory < 0 or 0 < memory < MIN_MEMORY_MIB or memory > MAX_MEMORY_MIB:
        raise UsageError(
            f"--memory {memory}: must be 0 (no limit) or a number of MiB from "
            f"{MIN_MEMORY_MIB} to {MAX_MEMORY_MIB}"
        )
    return runner.Limits(timeout_s=timeout, memory_bytes=memory << 20)


def _outcome_json(outcome: "Outcome") -> dict[str, object]:
    from importdrill.usecases import PredictionOutcome

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


def _show_outcome(outcome: "Outcome", *, as_json: bool) -> int:
    from importdrill import ui

    if as_json:
        _json(_outcome_json(outcome))
    else:
        ui.show_outcome(outcome)
    return EXIT_OK if outcome.passed else EXIT_FAILED


def _predict_in_terminal(
    drill: "Drill", problem: "Problem", *, limits: "Limits", python: str | None
) -> int:
    """Ask for a prediction at the inline prompt, confirming one of the wrong length, then
    (unless turned off) how sure the learner is."""
    from importdrill import judge, prompt, ui
    from importdrill.kinds import Kind

    # The program runs first, so the learner can be told how many lines it prints.
    result = drill.run_program(problem, limits=limits, python=python)
    count = len(judge.split_lines(result.stdout)) if result.finished else None
    if problem.kind is Kind.PREDICT:
        question, has, noun = "What does it print?", "It prints", "line"
    else:
        from importdrill import questions

        question = questions.question_text(problem) or ""
        has, noun = "The answer has", questions.answer_noun(problem)
    if count is not None:
        ui.info(f"{question} {has} {ui.plural(count, noun)}. Type them below.")
    else:
        ui.info(f"{question} Type your prediction below.")
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
        question = f"You wrote {ui.plural(written, 'line')}; {real} {count}. Submit anyway?"
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
    code = _show_outcome(outcome, as_json=False)
    if not outcome.passed and confidence == CERTAIN:
        ui.show_sure_but_wrong()
    return code


CONFIDENCE_QUESTION = "How sure are you? 1 guessing · 2 fairly · 3 certain (Enter: skip) "
CERTAIN = 3


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
    from importdrill import ui
    from importdrill.progress import Store

    store = Store()
    code = EXIT_OK
    with reporting(store, as_json=as_json):
        limits = _limits(timeout, memory)
        drill = _drill(store)
        problem = drill.problem(slug)
        if not problem.kind.learner_writes_code:
            if predict_file is not None:
                prediction = _read_prediction(predict_file)
                outcome: Outcome = drill.attempt_prediction(
                    problem,
                    prediction,
                    limits=limits,
                    python=python,
                    meanwhile=None if as_json else lambda: ui.prepare_verdict(problem),
                )
                code = _show_outcome(outcome, as_json=as_json)
            elif _interactive() and not as_json:
                code = _predict_in_terminal(drill, problem, limits=limits, python=python)
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
            code = _show_outcome(
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
    from importdrill import ui
    from importdrill.progress import Store

    store = Store()
    code = EXIT_OK
    with reporting(store, as_json=as_json):
        limits = _limits(timeout, memory)
        drill = _drill(store)
        done = drill.run_workspace(drill.problem(slug), limits=limits, python=python)
        result = done.result
        if result.returncode is None or result.timed_out or result.output_limit:
            code = EXIT_FAILED
        elif result.returncode < 0:
            code = 128 - result.returncode
        else:
            code = result.returncode
        if as_json:
            _json(
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
            ui.show_workspace_run(done)
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
    from importdrill import ui
    from importdrill.progress import Store

    store = Store()
    with reporting(store, as_json=as_json):
        limits = _limits(timeout, DEFAULT_MEMORY_MIB)
        drill = _drill(store)
        problem = drill.problem(slug)
        runs = drill.versions(problem, limits=limits, pythons=python)
        if as_json:
            _json(
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
        ui.show_versions(problem, runs)


# --- reset ---------------------------------------------------------------------------------


@app.command()
def reset(
    slug: Annotated[
        str,
        typer.Argument(help="The problem to reset.", metavar="SLUG", autocompletion=_complete_slug),
    ],
    yes: YesOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Forget your progress on a problem and start it afresh from the starter.

    Your workspace folder for it is not deleted: it is moved to workspace/.trash/SLUG-TIME,
    and the command says where.

    Example: importdrill reset load-from-file --yes
    """
    from importdrill import ui
    from importdrill.progress import Store

    store = Store()
    with reporting(store, as_json=as_json):
        drill = _drill(store)
        problem = drill.catalog.get(slug)
        if not yes and as_json:
            raise UsageError(f"reset forgets your progress on '{slug}': add --yes to confirm")
        if not yes and not _confirmed(
            f"Forget your progress on {slug} (your files are kept in a trash folder)?",
            f"reset forgets your progress on '{slug}': add --yes to confirm",
        ):
            ui.info("Nothing was changed.")
            return
        done = drill.reset(problem)
        if as_json:
            _json({"slug": slug, "kept": str(done.kept) if done.kept else None})
            return
        if done.kept is not None:
            ui.info(f"Reset {slug}. Your old files are kept in {done.kept}")
        else:
            ui.info(f"Reset {slug}.")


# --- authoring -----------------------------------------------------------------------------


@app.command("verify")
def verify_cmd(
    slugs: Annotated[
        list[str] | None,
        typer.Argument(
            help="Problems to verify (default: all).",
            metavar="SLUG...",
            autocompletion=_complete_slug,
            show_default=False,
        ),
    ] = None,
    python: Annotated[
        list[str] | None,
        typer.Option(
            "--python",
            metavar="PATH",
            help="Interpreter to verify under; repeat for several (default: this one).",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", help="Runs at once (default: the number of cores)."),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", metavar="SECONDS", help="Time limit for each run.")
    ] = DEFAULT_TIMEOUT_S,
    as_json: JsonOpt = False,
) -> None:
    """For authors: prove problems true (programs print expected_output; no starter passes).

    Example: importdrill verify --python python3.9 --python python3.13
    """
    from importdrill import ui, verify
    from importdrill.catalog import load_catalog

    with reporting(as_json=as_json):
        limits = _limits(timeout, DEFAULT_MEMORY_MIB)
        if jobs is not None and jobs < 1:
            raise UsageError(f"--jobs {jobs}: must be 1 or more")
        catalog = load_catalog(strict=False)
        problems = [catalog.get(s) for s in slugs] if slugs else catalog.problems
        pythons = [verify.interpreter(p) for p in (python or [sys.executable])]
        report = verify.verify(problems, pythons, limits=limits, jobs=jobs)
        if as_json:
            _json(
                {
                    "passed": not report.failures and not catalog.broken,
                    "problems": len(problems),
                    "runs": report.checked,
                    "interpreters": [
                        {"command": p.command, "version": ".".join(map(str, p.version))}
                        for p in pythons
                    ],
                    "failures": [
                        {"slug": f.slug, "python": f.python, "what": f.what, "detail": f.detail}
                        for f in report.failures
                    ],
                    "skipped": [
                        {"slug": slug_, "python": label, "reason": reason}
                        for slug_, label, reason in report.skipped
                    ],
                    "broken_packs": [
                        {"pack": b.name, "path": b.path, "reason": b.reason} for b in catalog.broken
                    ],
                }
            )
            failed = report.failures or catalog.broken
            raise typer.Exit(EXIT_FAILED if failed else EXIT_OK)
        for slug_, label, reason in report.skipped:
            ui.info(f"skipped {slug_} on {label}: it {reason}")
        if report.failures:
            ui.show_verify_failures((f.slug, f.python, f.what, f.detail) for f in report.failures)
            bad = sorted({f.slug for f in report.failures})
            ui.error(f"{len(bad)} of {len(problems)} problems failed: {', '.join(bad)}")
            for gone in catalog.broken:
                ui.error(f"the pack {gone.name} could not be loaded: {gone.reason}")
            raise typer.Exit(EXIT_FAILED)
        if catalog.broken:
            names = ", ".join(f"{b.name} ({b.reason})" for b in catalog.broken)
            ui.error(f"{ui.plural(len(catalog.broken), 'pack')} could not be loaded: {names}")
            raise typer.Exit(EXIT_FAILED)
        labels = ", ".join(p.label for p in pythons)
        which = f"All {len(problems)} problems" if len(problems) > 1 else "The problem"
        pairs = ui.plural(report.checked, "problem-interpreter pair")
        ui.info(f"{which} verified ({pairs}) under {labels}.")


@app.command()
def schema() -> None:
    """Print the JSON Schema of a problem file (for editors and the YAML language server).

    Example: importdrill schema > problem.schema.json
    """
    from importdrill import ui
    from importdrill.problems import schema_text

    ui.plain(schema_text().rstrip("\n"))


@app.command()
def new(
    slug: Annotated[
        str,
        typer.Argument(
            help="The new problem's slug (lowercase words joined by -).", metavar="SLUG"
        ),
    ],
    kind: Annotated[
        str, typer.Option("--kind", help="predict, implement, order or which-file.")
    ] = "predict",
    directory: Annotated[Path, typer.Option("--dir", help="Folder to write it in.")] = Path(),
) -> None:
    """Write a new problem file that validates, ready to fill in.

    Example: importdrill new my-first-problem --kind implement --dir my-pack
    """
    from importdrill import authoring, ui
    from importdrill.kinds import KINDS

    with reporting():
        if kind not in KINDS:
            raise UsageError(f"--kind {kind!r}: choose one of {', '.join(KINDS)}")
        target = authoring.write_new(slug, kind, directory)
        ui.info(f"Wrote {target}. Fill it in, then: importdrill verify {slug}")
        ui.info(
            f"(to list and check it, add its folder to IMPORTDRILL_PATH: {target.parent.resolve()})"
        )


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
    from importdrill.progress import Store

    store = Store()
    code = EXIT_OK
    with reporting(store):
        limits = _limits(timeout, DEFAULT_MEMORY_MIB)
        code = importdrill.watch.run(_drill(store), limits)
    raise typer.Exit(code)


# --- reviews, mixed practice, settings -----------------------------------------------------


def _iso(moment: "datetime") -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


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
    asked again; an implement problem gets a fresh starter beside your earlier file.

    Example: importdrill review --list --json
    """
    from importdrill import ui
    from importdrill.progress import Store

    store = Store()
    code = EXIT_OK
    with reporting(store, as_json=as_json):
        limits = _limits(timeout, DEFAULT_MEMORY_MIB)
        drill = _drill(store)
        if list_:
            from importdrill.progress import now

            reviews = drill.reviews()
            if as_json:
                moment = now()
                _json(
                    {
                        "reviews": [
                            {
                                "slug": r.slug,
                                "due": _iso(r.due),
                                "state": r.state,
                                "due_now": r.is_due(moment),
                                "reviews": r.reviews,
                            }
                            for r in reviews
                        ]
                    }
                )
            else:
                ui.show_reviews(reviews, now())
        else:
            if as_json:
                raise UsageError(
                    "review asks its questions in a terminal: --json goes with --list only"
                )
            if not _interactive():
                raise UsageError(
                    "review asks its questions in a terminal; importdrill review --list shows "
                    "what is due and when"
                )
            due = drill.due_reviews()
            if not due:
                ui.show_nothing_due(drill.reviews())
            else:
                problems = [drill.catalog.get(r.slug) for r in due]
                code = _session(drill, problems, limits=limits, what="Review", hide=False)
    raise typer.Exit(code)


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
    from importdrill.progress import Store

    store = Store()
    code = EXIT_OK
    with reporting(store):
        limits = _limits(timeout, DEFAULT_MEMORY_MIB)
        drill = _drill(store)
        problems = drill.mix(count, tag, seed)
        if not _interactive():
            raise UsageError("mix asks its questions in a terminal: run it in one")
        code = _session(drill, problems, limits=limits, what="Problem", hide=True)
    raise typer.Exit(code)


def _session(
    drill: "Drill", problems: "list[Problem]", *, limits: "Limits", what: str, hide: bool
) -> int:
    """Problems one after another in the terminal; Ctrl-C stops, keeping what was answered."""
    from importdrill import ui

    passed = 0
    for number, problem in enumerate(problems, 1):
        ui.show_session_step(what, number, len(problems))
        try:
            ok = _practise(drill, problem, limits=limits, hide=hide)
        except KeyboardInterrupt as exc:
            # SIGTERM and SIGHUP (Terminated) end with their own status, as in every command.
            with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
                ui.info(
                    f"Stopped at {number} of {len(problems)}; the answers before it are recorded."
                )
            return 128 + exc.signum if isinstance(exc, Terminated) else EXIT_INTERRUPTED
        passed += ok
        if hide:
            ui.show_unveiled(problem)
    ui.info(f"Done: {passed} of {ui.plural(len(problems), 'problem')} right.")
    return EXIT_OK if passed == len(problems) else EXIT_FAILED


def _practise(drill: "Drill", problem: "Problem", *, limits: "Limits", hide: bool) -> bool:
    """One problem of a session: a prediction asked, or a fresh starter to check."""
    from importdrill import prompt, ui

    started = drill.begin_review(problem)
    if started.learner_file is None:
        problem = drill.next_variant(problem)
        ui.show_problem(problem, hidden=hide)
        return _predict_in_terminal(drill, problem, limits=limits, python=None) == EXIT_OK
    ui.show_problem(problem, learner_file=str(started.learner_file), hidden=hide)
    if started.earlier is not None:
        ui.info(f"A fresh starter; your earlier file is kept beside it: {started.earlier}")
    while True:
        try:
            prompt.wait_for_enter("Edit it, then press Enter to check (Ctrl-C: stop) ")
        except EOFError:
            return False
        outcome = drill.attempt_file(problem, limits=limits)
        ui.show_outcome(outcome)
        if outcome.passed:
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
    from importdrill import ui
    from importdrill.progress import Store

    store = Store()
    with reporting(store, as_json=as_json):
        from importdrill.usecases import SETTINGS

        drill = _drill(store)
        if name is not None and name not in SETTINGS:
            raise UsageError(f"no setting is called {name!r}; settings are: {', '.join(SETTINGS)}")
        if name is not None and value is not None:
            drill.set_setting(name, value)
        settings = drill.settings()
        shown = {name: settings[name]} if name is not None else settings
        if as_json:
            _json({"settings": shown})
            return
        for key, current in shown.items():
            ui.plain(f"{key} {current}")


def _terminate(signum: int, frame: object) -> None:
    raise Terminated(signum)


def main() -> None:
    """The command line, run in this process: what the console script runs (see script())."""
    # A closed terminal (SIGHUP) or a polite kill (SIGTERM) unwinds like Ctrl-C, so that a
    # run under way is stopped and its folder removed before importdrill leaves.
    for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is not None:
            signal.signal(signum, _terminate)
    from importdrill import streams

    closed = streams.closed_at_start()
    if closed is not None:
        streams.last_word(f"standard {closed} is closed; importdrill has nowhere to write")
        sys.exit(EXIT_USAGE)
    try:
        group()()
    except streams.OutputError as exc:  # output that failed outside a command's reporting
        streams.last_word(str(exc))
        sys.exit(EXIT_USAGE)
    except Terminated as exc:  # pragma: no cover - between commands, e.g. while Typer parses
        sys.exit(128 + exc.signum)
    except KeyboardInterrupt:  # pragma: no cover - between commands, e.g. while Typer parses
        sys.exit(EXIT_INTERRUPTED)


# How script() ends the process; None until main() has returned or exited.
_script_status: int | None = None


def script() -> None:
    """The console script and `python -m importdrill`: main(), then an exit that leaves the
    interpreter standing.

    Tearing the interpreter down (freeing every module and object, one at a time) costs a
    command 20 ms and more, as much as some commands' own work, and gives back nothing that
    the end of the process does not. As Instagram's servers do (`atexit.register(os._exit,
    0)`), the last exit handler ends the process at once: it is registered first, so every
    other handler has run by then, and Python has joined the threads that are not daemons.
    Output is flushed first; open files and database connections are closed by the commands
    themselves, never left to the teardown.
    """
    global _script_status  # noqa: PLW0603 - read by the exit handler, once
    # A handler registered before this one (a .pth file's, coverage's say) would run after
    # it, that is never: then the process ends the usual way.
    if getattr(atexit, "_ncallbacks", lambda: 1)() == 0:
        atexit.register(_exit_without_teardown)
    try:
        main()
    except SystemExit as exc:
        # As Python reads it: None is 0, a number is the status, anything else (a message,
        # which Python prints) is 1.
        code = exc.code
        _script_status = 0 if code is None else code if isinstance(code, int) else 1
        raise
    _script_status = EXIT_OK


def _exit_without_teardown() -> None:
    if _script_status is None:
        return  # an exception escaped main(): the usual exit, with Python's own status
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return  # a stream that cannot be written: Python reports it, and the status, as usual
    os._exit(_script_status)
