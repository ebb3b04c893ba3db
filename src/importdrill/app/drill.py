"""Everything a learner does, once: begin, attempt, reveal, explain, hint, run, reset, solution.

Both front ends (the Typer commands and the watch screen) call these and render the result
objects they return; neither decides anything about problems, progress or answers itself.
The core they use returns data and raises DrillError subclasses; nothing here prints.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from importdrill.app.results import (
    Begun,
    Counts,
    Explanation,
    FileOutcome,
    HintShown,
    LearnerFile,
    Overview,
    Practice,
    PredictionOutcome,
    PredictionQuestion,
    ProblemShown,
    ResetDone,
    Revealed,
    Reviews,
    ReviewStart,
    Settings,
    Solution,
    SolutionRevealed,
    VersionRun,
    Versions,
    WorkspaceRun,
)
from importdrill.core import workspace
from importdrill.core.catalog import Catalog, load_catalog
from importdrill.core.errors import NoCurrentProblemError, NotEarnedError, SpoilerError, UsageError
from importdrill.core.kinds import Difficulty, Kind
from importdrill.core.progress import LogEntry, State, Status, Store

if TYPE_CHECKING:
    from collections.abc import Callable

    from importdrill.core import judge, runner
    from importdrill.core.problems import Problem, Run
    from importdrill.core.schedule import Review

# The settings a learner may change with `importdrill config`, and their values.
SETTINGS = {"confidence": ("on", "off")}
DEFAULT_SETTINGS = {"confidence": "on"}


# No program of a problem prints more than this; a longer prediction is a mistake (a file of
# something else, a pipe that never ends), and it would be stored with every attempt.
PREDICTION_CAP_BYTES = 1 << 20


def check_prediction_size(prediction: str) -> None:
    """Refuse a prediction longer than the cap, before anything runs or is recorded."""
    if len(prediction) > PREDICTION_CAP_BYTES or (
        len(prediction.encode("utf-8", "surrogatepass")) > PREDICTION_CAP_BYTES
    ):
        raise UsageError(
            f"the prediction is longer than {PREDICTION_CAP_BYTES >> 20} MiB; no problem's "
            "program prints that much"
        )


class Drill:
    """The use cases, over one progress store and one catalogue (loaded when first needed)."""

    def __init__(self, store: Store | None = None, catalog: Catalog | None = None) -> None:
        self.store = store or Store()
        self._catalog = catalog
        self._expects_a_run = False  # a supervisor was forked ahead (expect_a_run)

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = load_catalog(strict=False)
        return self._catalog

    def state(self) -> State:
        return self.store.load()

    # --- finding problems ---------------------------------------------------------------

    def problem(self, slug: str | None) -> Problem:
        """The named problem; when slug is None, the one whose workspace folder the learner
        is in (workspace/SLUG/...), else the current one."""
        if slug is None:
            slug = workspace.slug_here(self.catalog.__contains__)
        if slug is None:
            slug = self.state().current
            if slug is None:
                raise NoCurrentProblemError(
                    "no problem has been started yet: name one (importdrill list shows them), "
                    "or run importdrill next"
                )
        return self.catalog.get(slug)

    def next_problem(self) -> Problem | None:
        """The next unsolved problem after the current one, wrapping round; None if all are."""
        state = self.state()
        following = self.catalog.next_open(state.current, state.is_solved, wrap=True)
        return self.catalog.get(following.slug) if following else None

    def status(self, problem: Problem) -> Status:
        return self.state().status(problem.slug)

    # --- starting -----------------------------------------------------------------------

    def begin(self, problem: Problem) -> Begun:
        """Make problem current; lay out an implement problem's workspace."""
        require_available(problem)
        with self.store.change() as state:
            state.current = problem.slug
            state.touch(problem.slug)
            seen = state.status(problem.slug).answer_seen
            solved = state.is_solved(problem.slug)
        if problem.kind is Kind.IMPLEMENT:
            target, created = workspace.ensure(problem)
            return Begun(problem, target, created, solved)
        if seen:
            workspace.lay_out_program(problem)
        else:
            workspace.write_prompt(problem)
        return Begun(problem, None, False, solved)

    def shown(self, problem: Problem) -> ProblemShown:
        """problem as `show` prints it again: never its answer; nothing is made or recorded."""
        from importdrill.core import questions

        mine = None
        if problem.kind is Kind.IMPLEMENT:
            target = workspace.file_for(problem)
            mine = target if target.exists() else None
        return ProblemShown(problem, questions.question_text(problem), mine)

    # --- attempts -----------------------------------------------------------------------

    def expect_a_run(self) -> None:
        """A run is coming (a check): start its supervisor now, so that what it does before
        it knows the program is done while the problem is looked up (runner.prepare)."""
        from importdrill.core import runner

        runner.prepare()
        self._expects_a_run = True

    def no_more_runs(self) -> None:
        """The command is over: a supervisor expect_a_run started and no run took is ended."""
        if self._expects_a_run:
            from importdrill.core import runner

            runner.cancel_prepared()
            self._expects_a_run = False

    def run_program(
        self,
        problem: Problem,
        *,
        limits: runner.Limits,
        python: str | None = None,
        meanwhile: Callable[[], object] | None = None,
    ) -> runner.RunResult:
        """Run a predict problem's own program (never the workspace copy): its real output
        (for order and which-file, the answer its run recorded). meanwhile: see runner.run."""
        from importdrill.core import runnable

        python = checked_interpreter(problem, python)
        return runnable.run_question(
            problem, problem.code, python=python, limits=limits, meanwhile=meanwhile
        )

    def attempt_prediction(
        self,
        problem: Problem,
        prediction: str,
        *,
        limits: runner.Limits,
        python: str | None = None,
        result: runner.RunResult | None = None,
        confidence: int | None = None,
        meanwhile: Callable[[], object] | None = None,
        served: str | None = None,
    ) -> PredictionOutcome:
        """Judge a prediction against the program's real output, and record it.

        `result` is a run of the program made just before (to tell the learner how many lines
        it prints); without one the program is run now, and `meanwhile` (the front end's
        own preparation, see runner.run) is done while it runs. `confidence` is how sure the
        learner said they were (1 to 3), when asked. `served` is how the problem was served
        ("review" or "mix"; None when the learner chose it), for the log.
        """
        if problem.kind.learner_writes_code:
            raise UsageError(
                f"'{problem.slug}' is an implement problem: edit your file and run "
                "importdrill check, without a prediction"
            )
        check_prediction_size(prediction)
        refused = self.answer_form(problem, prediction)
        if refused is not None:
            raise UsageError(refused)
        if result is None:

            def prepare() -> None:
                # What judging and recording need, loaded while the program runs.
                from importdrill.core import judge  # noqa: F401

                self.store.prepare()
                if meanwhile is not None:
                    meanwhile()

            result = self.run_program(problem, limits=limits, python=python, meanwhile=prepare)
        from importdrill.core import judge

        verdict = judge.judge(prediction, result)
        # judge() compares "expected" with the run; for a prediction, what the learner wrote is
        # the claim and the run is the truth, so the verdict's `actual` is the real output.
        marks = judge.mark_prediction(prediction, result.stdout)
        with self.store.change() as state:
            seen_before = state.status(problem.slug).answer_seen
            state.record_prediction(problem.slug, prediction)
            self._record(
                state, problem, verdict, python=python, confidence=confidence, served=served
            )
            following = self.catalog.next_open(problem.slug, state.is_solved)
        if verdict.passed and problem.variant is None:
            # A variant's files are not laid out: they would mix with the problem's own.
            workspace.lay_out_program(problem)
        return PredictionOutcome(
            problem=problem,
            prediction=prediction,
            verdict=verdict,
            result=result,
            marks=marks,
            answer_visible=verdict.passed or seen_before,
            next_slug=following.slug if following else None,
        )

    def attempt_file(
        self,
        problem: Problem,
        *,
        limits: runner.Limits,
        python: str | None = None,
        served: str | None = None,
        meanwhile: Callable[[], object] | None = None,
    ) -> FileOutcome:
        """Run the learner's file through every run of an implement problem, check its rules,
        judge it, and record it (served and meanwhile: as for attempt_prediction; meanwhile is
        done while the first run runs)."""
        from importdrill.core import runnable

        if not problem.kind.learner_writes_code:
            raise UsageError(f"'{problem.slug}' asks you to predict: give a prediction")
        mine = workspace.read(problem)
        if mine is None:
            raise UsageError(
                f"you have not started '{problem.slug}': run importdrill start {problem.slug}"
            )
        python = checked_interpreter(problem, python)
        interpreter = python

        def expected(run: Run) -> str:
            # A run that states no output is judged by what the reference solution prints
            # in it (never shown as code: only its output, as "expected").
            if run.expected is not None:
                return run.expected
            return runnable.solution_output(problem, run, interpreter)

        def prepare() -> None:  # what recording needs, loaded while the first run runs
            self.store.prepare()
            if meanwhile is not None:
                meanwhile()

        # Always the problem's own support files: a check judges the learner's file alone.
        evaluation = runnable.evaluate(
            problem, mine, python=python, limits=limits, expected=expected, meanwhile=prepare
        )
        with self.store.change() as state:
            self._record(state, problem, evaluation.summary, python=python, served=served)
            following = self.catalog.next_open(problem.slug, state.is_solved)
        return FileOutcome(
            problem=problem,
            evaluation=evaluation,
            next_slug=following.slug if following else None,
            changed_support=tuple(workspace.changed_support(problem)),
        )

    @staticmethod
    def _record(
        state: State,
        problem: Problem,
        verdict: judge.Verdict,
        *,
        python: str | None,
        confidence: int | None = None,
        served: str | None = None,
    ) -> None:
        # Recorded only once the run is over: Ctrl-C during it leaves the state as it was.
        if verdict.passed:
            state.record_pass(problem.slug)
        else:
            state.record_fail(problem.slug)
        state.log_attempt(
            problem.slug,
            verdict.verdict.value,
            kind=problem.kind.value,
            python=interpreter_label(python),
            confidence=confidence,
            variant=problem.variant,
            served=served,
        )
        state.current = problem.slug

    @staticmethod
    def answer_form(problem: Problem, answer: str) -> str | None:
        """What is wrong with the form of an order or which-file answer (lines that are no
        possible answer for problem), with the forms allowed; None when its form is fine.
        Such an answer is not judged: nothing is marked or recorded, and it can be edited."""
        if problem.kind not in (Kind.ORDER, Kind.WHICH_FILE):
            return None
        from importdrill.core import questions

        found = questions.answer_form_problems(problem, answer)
        if not found:
            return None
        return "\n".join(
            [
                "Not an answer this question takes, so nothing was marked or recorded:",
                *found,
                questions.allowed_forms(problem),
            ]
        )

    def prediction_question(
        self, problem: Problem, result: runner.RunResult, *, review: bool = False
    ) -> PredictionQuestion:
        """What the inline prompt asks for problem, given its program's run (which tells how
        many lines the answer has), with the learner's earlier predictions; none in a review
        or a mixed session (review=True), which tests memory, not the up arrow."""
        from importdrill.core import judge

        lines = len(judge.split_lines(result.stdout)) if result.finished else None
        if problem.kind is Kind.PREDICT:
            question, has, noun = "What does it print?", "It prints", "line"
            real = "the program prints"
        else:
            from importdrill.core import questions

            question = questions.question_text(problem) or ""
            has, noun = "The answer has", questions.answer_noun(problem)
            real = "the answer has"
        entry = None if review else self.state().of(problem.slug)
        history = entry.predictions if entry else []
        return PredictionQuestion(question, has, noun, real, lines, history)

    # --- giving up, and the rewards -------------------------------------------------------

    def reveal(
        self, problem: Problem, *, limits: runner.Limits, python: str | None = None
    ) -> Revealed:
        """Give up on a prediction: the real output, the learner's last prediction, recorded."""
        self.require_revealable(problem)
        if problem.kind.learner_writes_code:
            raise UsageError(
                f"'{problem.slug}' is an implement problem: there is no output to reveal; "
                f"importdrill reveal {problem.slug} shows its reference solution"
            )
        result = self.run_program(problem, limits=limits, python=python)
        with self.store.change() as state:
            entry = state.of(problem.slug)
            last = entry.predictions[-1] if entry and entry.predictions else None
            state.record_reveal(problem.slug)
            state.current = problem.slug
        folder = workspace.lay_out_program(problem)
        from importdrill.core import judge

        return Revealed(problem, judge.normalise(result.stdout), last, result, folder)

    def require_revealable(self, problem: Problem) -> None:
        """Refuse, before anything is asked, to reveal a problem that cannot be revealed here."""
        require_available(problem)

    def reveal_solution(self, problem: Problem) -> SolutionRevealed:
        """Give up on an implement problem: the reference solution beside the learner's file,
        the problem marked revealed (a solved one stays solved) and scheduled like any reveal."""
        if not problem.kind.learner_writes_code:
            raise UsageError(f"'{problem.slug}' asks you to predict: importdrill reveal shows it")
        with self.store.change() as state:
            state.record_reveal(problem.slug)
            state.current = problem.slug
        mine = workspace.read(problem)
        target = workspace.file_for(problem) if mine is not None else None
        return SolutionRevealed(problem, problem.solution or "", mine, target)

    def explain(self, problem: Problem) -> Explanation:
        """The explanation, once the problem is solved (or, for a prediction, revealed)."""
        status = self.status(problem)
        predicts = not problem.kind.learner_writes_code
        if status.answer_seen:
            return Explanation(problem)
        how = (
            f"a right prediction (importdrill check {problem.slug}) or giving up on it "
            f"(importdrill reveal {problem.slug})"
            if predicts
            else f"your file passes (importdrill check {problem.slug}) or you give up on it "
            f"(importdrill reveal {problem.slug})"
        )
        raise NotEarnedError(problem.slug, "the explanation", how)

    def solution(self, problem: Problem) -> Solution:
        """The reference solution and the learner's file, once an implement problem passed."""
        if not problem.kind.learner_writes_code:
            raise UsageError(
                f"'{problem.slug}' is a {problem.kind} problem: it has no solution to write; "
                f"importdrill explain {problem.slug} shows why it prints what it prints"
            )
        if not self.state().is_solved(problem.slug):
            raise NotEarnedError(
                problem.slug, "the reference solution", "a pass (importdrill check)"
            )
        return Solution(problem, problem.solution or "", workspace.read(problem))

    def hint(self, problem: Problem) -> HintShown:
        """The next hint (remembered); the last one again when all are revealed."""
        total = len(problem.hints)
        with self.store.change() as state:
            number = state.reveal_hint(problem.slug, total)
        return HintShown(problem, number or total, fresh=number is not None)

    # --- the workspace --------------------------------------------------------------------

    def learner_file(self, problem: Problem) -> LearnerFile:
        """An implement problem's file (created from the starter if missing) and whether it
        was created just now."""
        if not problem.kind.learner_writes_code:
            raise UsageError(
                f"'{problem.slug}' is a {problem.kind} problem: it has no file of yours"
            )
        return LearnerFile(problem, *workspace.ensure(problem))

    def run_workspace(
        self, problem: Problem, *, limits: runner.Limits, python: str | None = None
    ) -> WorkspaceRun:
        """Run the workspace as it is now, as a check would; record nothing."""
        from importdrill.core import judge, runnable, runner

        if not problem.kind.learner_writes_code:
            if not self.status(problem).answer_seen:
                entry = self.state().of(problem.slug)
                raise SpoilerError(problem.slug, tried=bool(entry and entry.predictions))
            folder = workspace.lay_out_program(problem)
        else:
            workspace.ensure(problem)
            folder = workspace.folder(problem)
        python = checked_interpreter(problem, python)
        main, files = workspace.read_tree(problem)
        if problem.kind.learner_writes_code:
            program = runnable.program_for(problem, main, files=files)
            result = runner.run(program, python=python, limits=limits)
            return WorkspaceRun(problem, folder, problem.command(), result)
        result = runnable.run_question(problem, main, files=files, python=python, limits=limits)
        if result.program_stdout is not None:
            # The program's own output, as by hand; the answer the run recorded beside it.
            shown = result._replace(stdout=result.program_stdout, program_stdout=None, tree=None)
            answer = judge.normalise(result.stdout)
            return WorkspaceRun(problem, folder, problem.command(), shown, answer)
        return WorkspaceRun(problem, folder, problem.command(), result)

    def versions(
        self, problem: Problem, *, limits: runner.Limits, pythons: list[str] | None = None
    ) -> Versions:
        """The problem's program (or reference solution) run under every interpreter found."""
        from importdrill.core import interpreters, judge, runnable, runner

        if not problem.kind.learner_writes_code and not self.status(problem).answer_seen:
            raise SpoilerError(problem.slug)
        skipped: list[tuple[str, str]] = []
        if pythons:
            found = [interpreters.interpreter(p) for p in pythons]
        else:
            found, skipped = interpreters.search()
        code = problem.solution if problem.kind is Kind.IMPLEMENT else problem.code
        found_runs: list[VersionRun] = []
        for python in found:
            reason = problem.unavailable_reason(python.version)
            if reason:
                skipped.append((python.command, reason))
                continue
            if problem.kind is Kind.IMPLEMENT:
                result = runner.run(
                    runnable.program_for(problem, code or ""), python=python.command, limits=limits
                )
            else:
                result = runnable.run_question(
                    problem, code or "", python=python.command, limits=limits
                )
            found_runs.append(
                VersionRun(
                    python=python.command,
                    version=python.version,
                    output=judge.normalise(result.stdout),
                    stated=judge.normalise(problem.expected_for(python.version)),
                    result=result,
                )
            )
        return Versions(problem, found_runs, tuple(skipped))

    # --- reviews, mixed sessions, settings -------------------------------------------------

    def reviews(self) -> list[Review]:
        """Every problem in the review schedule (one of the catalogue's), soonest first."""
        return self._reviews(self.store.history())

    def _reviews(self, log: list[LogEntry]) -> list[Review]:
        from importdrill.core import schedule

        known = {p.slug for p in self.catalog.summaries}
        found = schedule.schedule(log).values()
        return sorted((r for r in found if r.slug in known), key=lambda r: (r.due, r.slug))

    def review_list(self) -> Reviews:
        """The review schedule, as `review --list` shows it."""
        from importdrill.core.progress import now

        return Reviews(self.reviews(), now())

    def due_reviews(self) -> list[Review]:
        """The reviews due now, soonest first."""
        from importdrill.core import schedule
        from importdrill.core.progress import now

        return schedule.due(self.reviews(), now())

    def begin_review(self, problem: Problem) -> ReviewStart:
        """Make problem current for a review; a solved (or revealed) implement problem gets a
        fresh starter, the earlier file moved out of the workspace into the trash (an
        unsolved one, met in a mixed session, keeps the learner's work in progress)."""
        require_available(problem)
        with self.store.change() as state:
            state.current = problem.slug
            seen = state.status(problem.slug).answer_seen
            # Not touched: a problem only shown (or skipped) in a session is not started; the
            # attempt, if one comes, records that.
        if problem.kind is Kind.IMPLEMENT:
            if seen:
                target, earlier = workspace.fresh_starter(problem)
                return ReviewStart(problem, target, earlier)
            target, _ = workspace.ensure(problem)
            return ReviewStart(problem, target, None)
        return ReviewStart(problem, None, None)

    def review_files(self, started: ReviewStart) -> tuple[str, str, str]:
        """After a review's verdict: the file written in the review, the earlier one (kept in
        the trash) and where that is kept."""
        fresh = workspace.read(started.problem) or ""
        earlier = started.earlier
        if earlier is None:
            return fresh, "", ""
        try:
            text = earlier.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        return fresh, text, str(earlier)

    def next_variant(self, problem: Problem) -> Problem:
        """problem as it should be served again: a problem with variants comes as the first
        variant the learner has not answered yet (the problem as written counts as the first),
        and once every one is answered, as the one after the variant last attempted, so a
        review tests understanding, not memory of an answer."""
        if not problem.variants:
            return problem
        order: list[str | None] = [None, *problem.variant_names]
        from importdrill.core.progress import Event

        attempts = [e for e in self.store.history(problem.slug) if e.event is Event.ATTEMPT]
        answered = {e.variant for e in attempts}
        if attempts:
            # Answered before the log named variants: the problem as written.
            fresh = [name for name in order if name not in answered]
            if fresh:
                return problem.with_variant(fresh[0])
        last = attempts[-1].variant if attempts else order[-1]
        position = order.index(last) if last in order else len(order) - 1
        return problem.with_variant(order[(position + 1) % len(order)])

    def practice(self) -> Practice:
        """Reviews due today, the streak of days practised, confidence against results."""
        from importdrill.core import schedule
        from importdrill.core.progress import now

        moment = now()
        log = self.store.history()
        reviews = self._reviews(log)
        end_of_day = schedule.end_of_day(moment)
        today = schedule.due(reviews, end_of_day)
        later = [r for r in reviews if not r.is_due(end_of_day)]
        days, practised_today = schedule.streak(log, moment)
        return Practice(
            now=moment,
            due_today=today,
            next_review=later[0] if later else None,
            streak=days,
            practised_today=practised_today,
            confidence=schedule.confidence_results(log),
        )

    def overview(self) -> Overview:
        """Progress per difficulty, the current and started problems, and practice."""
        state = self.store.load(predictions=False)
        by_difficulty: dict[Difficulty, Counts] = {}
        for difficulty in Difficulty:
            group = [
                state.status(s.slug) for s in self.catalog.summaries if s.difficulty is difficulty
            ]
            by_difficulty[difficulty] = Counts(
                total=len(group),
                solved=group.count(Status.SOLVED),
                revealed=group.count(Status.REVEALED),
                started=group.count(Status.STARTED),
            )
        started = [s.slug for s in self.catalog.summaries if state.status(s.slug) is Status.STARTED]
        current = state.status(state.current) if state.current else None
        return Overview(by_difficulty, state.current, current, started, self.practice())

    def mix(self, count: int, tag: str | None = None, seed: int | None = None) -> list[Problem]:
        """count problems, one topic after another (a topic is a problem's first tag)."""
        import random

        if count < 1:
            raise UsageError(f"--count {count}: must be 1 or more")
        summaries = [
            s
            for s in self.catalog.summaries
            if (tag is None or tag in s.tags) and not s.unavailable_reason()
        ]
        if tag is not None and not summaries:
            tags = sorted({t for s in self.catalog.summaries for t in s.tags})
            raise UsageError(f"--tag {tag!r}: no problem has it; tags are: {', '.join(tags)}")
        if not summaries:
            raise UsageError("there is no problem to practise")
        chance = random.Random(seed)  # noqa: S311 - an order of practice, not a secret
        by_topic: dict[str, list[str]] = {}
        for s in summaries:
            topics = [t for t in s.tags if t != tag] or list(s.tags) or ["(none)"]
            by_topic.setdefault(topics[0], []).append(s.slug)
        queues = list(by_topic.values())
        for queue in queues:
            chance.shuffle(queue)
        chance.shuffle(queues)
        order: list[str] = []
        while any(queues) and len(order) < count:
            for queue in queues:
                if queue and len(order) < count:
                    order.append(queue.pop())
        return [self.catalog.get(slug) for slug in order]

    def settings(self) -> dict[str, str]:
        """The learner's settings, defaults filled in."""
        return {**DEFAULT_SETTINGS, **self.state().settings}

    def configure(self, name: str | None = None, value: str | None = None) -> Settings:
        """The settings (or the one named), after setting it to value if one is given."""
        if name is not None and name not in SETTINGS:
            raise UsageError(f"no setting is called {name!r}; settings are: {', '.join(SETTINGS)}")
        if name is not None and value is not None:
            self.set_setting(name, value)
        settings = self.settings()
        return Settings({name: settings[name]} if name is not None else settings)

    def asks_confidence(self) -> bool:
        """Whether a prediction typed at the prompt is followed by "how sure?"."""
        return self.settings()["confidence"] == "on"

    def set_setting(self, name: str, value: str) -> None:
        choices = SETTINGS.get(name)
        if choices is None:
            raise UsageError(f"no setting is called {name!r}; settings are: {', '.join(SETTINGS)}")
        if value not in choices:
            raise UsageError(f"{name} {value!r}: choose {' or '.join(choices)}")
        with self.store.change() as state:
            state.settings[name] = value

    def reset(self, problem: Problem) -> ResetDone:
        """Forget all progress on problem; keep its workspace in the trash."""
        kept = workspace.trash(problem)
        with self.store.change() as state:
            state.forget(problem.slug)
        return ResetDone(problem, kept)


def interpreter_label(python: str | None) -> str:
    """The interpreter an attempt ran under, for the log: this one's version, or the command."""
    if python is None or python == sys.executable:
        return ".".join(map(str, sys.version_info[:3]))
    return python


def require_available(problem: Problem, version: tuple[int, int] | None = None) -> None:
    reason = problem.unavailable_reason(version)
    if reason:
        raise UsageError(f"'{problem.slug}' is not available here: it {reason}")


def checked_interpreter(problem: Problem, python: str | None) -> str:
    """The interpreter to run problem with; one named by --python is proven to work first,
    so that a bad one is bad input (exit 2, nothing recorded), not a failed attempt."""
    if python is None:
        require_available(problem)
        return sys.executable
    from importdrill.core.interpreters import interpreter

    found = interpreter(python)
    require_available(problem, found.version)
    return found.command
