"""The command line: parse, call the core, hand results to ui; errors become exit statuses here."""

# no `from __future__ import annotations` here: Typer would eval every annotation string at start-up

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from importdrill import ui
from importdrill.errors import DrillError, NoCurrentProblemError, UsageError
from importdrill.problems import KINDS, Catalog, Difficulty, Kind, Problem, load_catalog
from importdrill.progress import Store

if TYPE_CHECKING:
    from importdrill.drill import Outcome
    from importdrill.runner import Limits

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
# The option defaults; runner.Limits has the same (a test keeps them in step). Not imported
# from runner, which would put subprocess and friends on every command's start-up path.
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MEMORY_MIB = 1024

app = typer.Typer(
    name="importdrill",
    help="A terminal drill for the Python import system: sys.modules, finders, loaders, "
    "packages and -m.\n\nStart with: importdrill list, then importdrill start SLUG.",
    no_args_is_help=True,
    add_completion=True,
    # Plain help: Rich-formatted help imports the Markdown renderer, which doubles the
    # start-up time of `--help` (see the README's performance figures).
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@contextlib.contextmanager
def reporting(store: Store | None = None) -> Iterator[None]:
    """Turn core errors into a message and exit 2, Ctrl-C into exit 130; show notices."""
    try:
        yield
    except DrillError as exc:
        _flush_notices(store)
        ui.error(str(exc))
        raise typer.Exit(EXIT_USAGE) from None
    except KeyboardInterrupt:
        _flush_notices(store)
        ui.notice("interrupted; nothing was recorded")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    _flush_notices(store)


def _flush_notices(store: Store | None) -> None:
    if store is not None:
        for message in store.notices:
            ui.notice(message)
        store.notices.clear()


def _complete_slug(incomplete: str) -> list[str]:
    try:
        return [p.slug for p in load_catalog() if p.slug.startswith(incomplete)]
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


def _resolve(catalog: Catalog, store: Store, slug: str | None) -> Problem:
    if slug is None:
        slug = store.load().current
        if slug is None:
            raise NoCurrentProblemError(
                "no problem has been started yet: name one (importdrill list shows them), "
                "or run importdrill next"
            )
    return catalog.get(slug)


def _require_available(problem: Problem, python: str | None = None) -> None:
    version = None
    if python is not None and problem.requires_python is not None:
        from importdrill.verify import interpreter

        version = interpreter(python).version
    reason = problem.unavailable_reason(version)
    if reason:
        raise UsageError(f"'{problem.slug}' is not available here: it {reason}")


# --- list, status, path ---------------------------------------------------------------------


@app.command("list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
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
    store = Store()
    with reporting(store):
        wanted = Difficulty.parse(difficulty) if difficulty is not None else None
        if difficulty is not None and wanted is None:
            raise UsageError(f"--difficulty {difficulty!r}: choose one of {', '.join(Difficulty)}")
        catalog = load_catalog()
        state = store.load()
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
                    "difficulty": p.difficulty,
                    "kind": p.kind,
                    "tags": list(p.tags),
                    "status": state.status(p.slug),
                    "hints_revealed": (s.hints_revealed if (s := state.of(p.slug)) else 0),
                    "hints_total": len(p.hints),
                    "available": p.slug not in unavailable,
                }
                for p in problems
            ]
            ui.plain(json.dumps({"problems": rows}, indent=2))
            return
        ui.show_list(problems, state, unavailable)


@app.command()
def status() -> None:
    """Show how far you have come, per difficulty, and the current problem.

    Example: importdrill status
    """
    store = Store()
    with reporting(store):
        catalog = load_catalog()
        ui.show_status(catalog.problems, store.load())


@app.command()
def path(slug: SlugArg = None) -> None:
    """Print the path of your file for an implement problem, and nothing else.

    Example: importdrill path load-from-file
    """
    from importdrill import workspace

    store = Store()
    with reporting(store):
        problem = _resolve(load_catalog(), store, slug)
        if problem.kind is not Kind.IMPLEMENT:
            raise UsageError(f"'{problem.slug}' is a predict problem: it has no file of yours")
        target, _ = workspace.ensure(problem)
        ui.plain(str(target))


# --- start, next ---------------------------------------------------------------------------


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _begin(catalog: Catalog, problem: Problem, store: Store, *, edit: bool) -> None:
    """Make problem current, show it, and hand over: the editor, or the inline prediction."""
    from importdrill import editor, workspace

    _require_available(problem)
    with store.change() as state:
        state.current = problem.slug
        state.touch(problem.slug)
    if problem.kind is Kind.IMPLEMENT:
        target, created = workspace.ensure(problem)
        ui.show_problem(problem, learner_file=str(target))
        if not created:
            ui.info("Your earlier work is kept (importdrill reset to start over).")
        command = editor.configured()
        if edit and command and _interactive():
            # A terminal editor takes over the screen: let the learner read the prompt first.
            from importdrill import prompt

            try:
                prompt.wait_for_enter(f"Press Enter to open it in {command} (Ctrl-C: not now) ")
            except (KeyboardInterrupt, EOFError):
                ui.info("Open it when you are ready; then run: importdrill check")
                return
        if edit and command:
            editor.open_file(command, target)
            ui.info("When it is ready: importdrill check")
        else:
            if edit:
                ui.info("No $VISUAL or $EDITOR is set: open the file above in your editor.")
            ui.info("Then run: importdrill check")
        return
    ui.show_problem(problem)
    if _interactive():
        limits = _limits(DEFAULT_TIMEOUT_S, DEFAULT_MEMORY_MIB)
        raise typer.Exit(
            _check_predict(catalog, store, problem, prediction=None, as_json=False, limits=limits)
        )
    ui.info("Write what it prints to a file and run: importdrill check --predict-file FILE")


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
    store = Store()
    with reporting(store):
        catalog = load_catalog()
        _begin(catalog, catalog.get(slug), store, edit=not no_edit)


@app.command("next")
def next_(
    no_edit: Annotated[bool, typer.Option("--no-edit", help="Don't open the editor.")] = False,
) -> None:
    """Start the next unsolved problem after the current one.

    Example: importdrill next
    """
    store = Store()
    with reporting(store):
        catalog = load_catalog()
        state = store.load()
        following = catalog.next_open(state.current, state.is_solved, wrap=True)
        if following is None:
            ui.info("Every problem is solved. Well done! (importdrill list to review)")
            return
        _begin(catalog, following, store, edit=not no_edit)


# --- hint, solution ------------------------------------------------------------------------


@app.command()
def hint(slug: SlugArg = None) -> None:
    """Reveal the next hint for a problem (they are remembered).

    Example: importdrill hint
    """
    store = Store()
    with reporting(store):
        problem = _resolve(load_catalog(), store, slug)
        with store.change() as state:
            number = state.reveal_hint(problem.slug, len(problem.hints))
        if number is None:
            ui.info(
                f"All {len(problem.hints)} hints for {problem.slug} are revealed; here is the last:"
            )
            ui.show_hint(problem, len(problem.hints))
            return
        ui.show_hint(problem, number)


@app.command()
def solution(slug: SlugArg = None) -> None:
    """Show the reference solution beside yours, once you have solved the problem.

    Example: importdrill solution load-from-file
    """
    from importdrill import workspace

    store = Store()
    with reporting(store):
        problem = _resolve(load_catalog(), store, slug)
        if problem.kind is not Kind.IMPLEMENT:
            raise UsageError(
                f"'{problem.slug}' is a predict problem: its explanation is shown when you pass"
            )
        if not store.load().is_solved(problem.slug):
            raise UsageError(
                f"solve '{problem.slug}' first: the reference is shown only after a pass"
            )
        ui.show_solution(problem, workspace.read(problem))


# --- check ---------------------------------------------------------------------------------


def _read_prediction(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--predict-file {source}: cannot read it ({exc})") from None


def _limits(timeout: float, memory: int) -> "Limits":
    from importdrill import runner

    if timeout <= 0:
        raise UsageError(f"--timeout {timeout}: must be more than 0 seconds")
    if memory < 0:
        raise UsageError(f"--memory {memory}: must be 0 (no limit) or a number of MiB")
    return runner.Limits(timeout_s=timeout, memory_bytes=memory << 20)


def _show_outcome(outcome: "Outcome", *, as_json: bool) -> int:
    verdict, result = outcome.verdict, outcome.result
    if as_json:
        ui.plain(
            json.dumps(
                {
                    "slug": outcome.problem.slug,
                    "passed": verdict.passed,
                    "verdict": verdict.verdict,
                    "expected": verdict.expected,
                    "actual": verdict.actual,
                    "diff": verdict.diff,
                    "stderr": result.stderr,
                    "duration_s": round(result.duration_s, 3),
                },
                indent=2,
            )
        )
    else:
        ui.show_verdict(outcome.problem, verdict, result, next_slug=outcome.next_slug)
    return EXIT_OK if verdict.passed else EXIT_FAILED


def _check_predict(
    catalog: Catalog,
    store: Store,
    problem: Problem,
    *,
    prediction: str | None,
    as_json: bool,
    limits: "Limits",
    python: str | None = None,
) -> int:
    if prediction is None:
        if not _interactive():
            raise UsageError(
                f"'{problem.slug}' asks you to predict its output: give the prediction with "
                "--predict-file FILE (or --predict-file - to read standard input), or run "
                "this in a terminal to type it"
            )
        from importdrill import prompt

        entry = store.load().of(problem.slug)
        ui.info("What does it print? Type your prediction below.")
        try:
            prediction = prompt.ask_prediction(entry.predictions if entry else ())
        except EOFError:
            raise UsageError("no prediction was given") from None
    from importdrill import drill  # runs children; not needed by most commands

    outcome = drill.check(
        catalog,
        store,
        problem,
        code=problem.code,
        expected=prediction,
        limits=limits,
        python=python,
        prediction=prediction,
    )
    return _show_outcome(outcome, as_json=as_json)


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
    timeout: Annotated[
        float,
        typer.Option("--timeout", metavar="SECONDS", help="Stop the program after this long."),
    ] = DEFAULT_TIMEOUT_S,
    memory: Annotated[
        int,
        typer.Option("--memory", metavar="MIB", help="Memory the program may use (0: no limit)."),
    ] = DEFAULT_MEMORY_MIB,
    python: Annotated[
        str | None,
        typer.Option(
            "--python", metavar="PATH", help="Interpreter to run it with (default: this one)."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Run your file (or the problem's program) and compare what it prints.

    Example: importdrill check --predict-file prediction.txt
    """
    from importdrill import drill, workspace

    store = Store()
    code = EXIT_OK
    with reporting(store):
        limits = _limits(timeout, memory)
        catalog = load_catalog()
        problem = _resolve(catalog, store, slug)
        _require_available(problem, python)
        if problem.kind is Kind.PREDICT:
            prediction = _read_prediction(predict_file) if predict_file is not None else None
            code = _check_predict(
                catalog,
                store,
                problem,
                prediction=prediction,
                as_json=as_json,
                limits=limits,
                python=python,
            )
        else:
            if predict_file is not None:
                raise UsageError(
                    f"--predict-file: '{problem.slug}' is an implement problem; "
                    "edit your file instead"
                )
            mine = workspace.read(problem)
            if mine is None:
                raise UsageError(
                    f"you have not started '{problem.slug}': run importdrill start {problem.slug}"
                )
            outcome = drill.check(
                catalog,
                store,
                problem,
                code=mine,
                expected=problem.expected_output,
                limits=limits,
                python=python,
            )
            code = _show_outcome(outcome, as_json=as_json)
    raise typer.Exit(code)


# --- reset ---------------------------------------------------------------------------------


@app.command()
def reset(
    slug: Annotated[
        str,
        typer.Argument(help="The problem to reset.", metavar="SLUG", autocompletion=_complete_slug),
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Don't ask.")] = False,
) -> None:
    """Forget your progress on a problem and restore its starter file.

    Example: importdrill reset load-from-file --yes
    """
    from importdrill import workspace

    store = Store()
    with reporting(store):
        problem = load_catalog().get(slug)
        if not yes:
            if not _interactive():
                raise UsageError(f"reset throws away your work on '{slug}': add --yes to confirm")
            from importdrill import prompt

            if not prompt.confirm(f"Throw away your work and progress on {slug}?"):
                ui.info("Nothing was changed.")
                return
        removed = workspace.remove(problem)
        with store.change() as state:
            state.problems.pop(problem.slug, None)
        ui.info(f"Reset {slug}" + (" (your file was deleted)." if removed else "."))


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
) -> None:
    """For authors: prove problems true (programs print expected_output; no starter passes).

    Example: importdrill verify --python python3.9 --python python3.13
    """
    from importdrill import verify

    with reporting():
        limits = _limits(timeout, DEFAULT_MEMORY_MIB)
        catalog = load_catalog()
        problems = [catalog.get(s) for s in slugs] if slugs else catalog.problems
        pythons = [verify.interpreter(p) for p in (python or [sys.executable])]
        report = verify.verify(problems, pythons, limits=limits, jobs=jobs)
        for slug_, label, reason in report.skipped:
            ui.info(f"skipped {slug_} on {label}: it {reason}")
        if report.failures:
            ui.show_verify_failures((f.slug, f.python, f.what, f.detail) for f in report.failures)
            bad = sorted({f.slug for f in report.failures})
            ui.error(f"{len(bad)} of {len(problems)} problems failed: {', '.join(bad)}")
            raise typer.Exit(EXIT_FAILED)
        labels = ", ".join(p.label for p in pythons)
        ui.info(f"All {len(problems)} problems verified ({report.checked} runs) under {labels}.")


@app.command()
def schema() -> None:
    """Print the JSON Schema of a problem file (for editors and the YAML language server).

    Example: importdrill schema > problem.schema.json
    """
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
    kind: Annotated[str, typer.Option("--kind", help="predict or implement.")] = "predict",
    directory: Annotated[Path, typer.Option("--dir", help="Folder to write it in.")] = Path(),
) -> None:
    """Write a new problem file that validates, ready to fill in.

    Example: importdrill new my-first-problem --kind implement --dir my-pack
    """
    from importdrill import authoring

    with reporting():
        if kind not in KINDS:
            raise UsageError(f"--kind {kind!r}: choose predict or implement")
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
    """Re-check the current problem each time you save its file (keys: h, n, r, q).

    Example: importdrill watch
    """
    import importdrill.watch

    store = Store()
    code = EXIT_OK
    with reporting(store):
        limits = _limits(timeout, DEFAULT_MEMORY_MIB)
        code = importdrill.watch.run(load_catalog(), store, limits)
    raise typer.Exit(code)


def main() -> None:
    """The console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - between commands, e.g. while Typer parses
        sys.exit(EXIT_INTERRUPTED)
