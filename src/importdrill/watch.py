"""Watch mode: re-check the current problem each time its file is saved, with one-key commands."""

from __future__ import annotations

import contextlib
import queue
import select
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from importdrill.app.drill import Drill
from importdrill.core import workspace
from importdrill.core.errors import DrillError, Exit, NoCurrentProblemError, Terminated
from importdrill.core.kinds import Kind
from importdrill.core.problems import Problem
from importdrill.views.console import info, out
from importdrill.views.problem import show_hint
from importdrill.views.verdict import show_explanation, show_revealed
from importdrill.views.watch import show_keys, show_watch

if TYPE_CHECKING:
    from importdrill.app.results import HintShown, Outcome
    from importdrill.core.runner import Limits

# Editors save in bursts (write, rename, chmod); one check per burst is enough.
DEBOUNCE_MS = 150
POLL_S = 0.1


@dataclass(frozen=True)
class Trigger:
    """Something watch mode reacts to: a save of the watched file, or a key (not a log
    entry's event: see progress.Event)."""

    kind: str  # "saved" or "key"
    key: str = ""


class FileWatcher:
    """Reports saves of one file, including editors' write-a-new-file-and-rename saves."""

    def __init__(self, target: Path, events: queue.Queue[Trigger]) -> None:
        self.target = target
        self._events = events
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        import watchfiles

        # The folder is watched, not the file: a rename-save replaces the file's inode, and a
        # watch on the old inode would go quiet after the first save.
        name = self.target.name
        for changes in watchfiles.watch(
            self.target.parent,
            stop_event=self._stop,
            debounce=DEBOUNCE_MS,
            step=50,
            recursive=False,
            raise_interrupt=False,
        ):
            # A save that deletes the file before writing it anew is reported once it is back.
            touched = any(Path(path).name == name for _change, path in changes)
            if touched and self.target.exists():
                self._events.put(Trigger("saved"))

    def stop(self) -> None:
        self._stop.set()


def _read_lines(events: queue.Queue[Trigger]) -> None:
    """Without a terminal, keys come as lines on standard input (h, n, r, q); the end of the
    input is q, so that `watch < /dev/null` or a closed pipe ends the watch."""
    for line in sys.stdin:
        key = line.strip()[:1]
        if key:
            events.put(Trigger("key", key))
    events.put(Trigger("key", "q"))


@contextlib.contextmanager
def _key_source(events: queue.Queue[Trigger]) -> Iterator[object | None]:
    if sys.stdin.isatty():
        from importdrill.prompt import Keys

        with Keys() as keys:
            yield keys
    else:
        threading.Thread(target=_read_lines, args=(events,), daemon=True).start()
        yield None


def _target(drill: Drill, problem: Problem) -> tuple[Path, bool]:
    """The file watched; and whether it was just made holding the learner's last prediction
    (to edit rather than type again)."""
    if problem.kind is Kind.IMPLEMENT:
        return drill.learner_file(problem).path, False
    entry = drill.state().of(problem.slug)
    last = entry.predictions[-1] if entry and entry.predictions else ""
    return workspace.ensure_prediction(problem, last)


KEYS_HELP = "h hint · r re-run · q quit"


class Session:
    """One watch session: the problem being watched, its last verdict, and the key handling.

    Every action goes through the use cases (app.drill.Drill), as the commands do."""

    def __init__(self, drill: Drill, limits: Limits) -> None:
        self.drill = drill
        self.limits = limits
        self.events: queue.Queue[Trigger] = queue.Queue()
        self.problem = self._current()
        self.outcome: Outcome | None = None
        self.watcher: FileWatcher | None = None
        self.shown: str | None = None  # the problem whose prompt was last shown
        self.reveal_asked = False
        # The last hint asked for: on screen, redrawn with it, until the next verdict.
        self.hint_shown: HintShown | None = None
        # prediction.txt was laid out holding the learner's last prediction, not yet judged.
        self.prefilled = False

    def _current(self) -> Problem:
        try:
            return self.drill.problem(None)
        except NoCurrentProblemError:
            raise NoCurrentProblemError(
                "no problem has been started yet: run importdrill start SLUG (or importdrill "
                "next), then importdrill watch"
            ) from None

    def switch(self, problem: Problem) -> None:
        if self.watcher:
            self.watcher.stop()
        self.problem = problem
        self.outcome = None
        self.hint_shown = None
        self.drill.begin(problem)
        self.target, self.prefilled = _target(self.drill, problem)
        self.watcher = FileWatcher(self.target, self.events)

    def check(self) -> None:
        problem = self.problem
        self.reveal_asked = False
        self.hint_shown = None  # a new verdict: the hint has had its screen
        try:
            if not problem.kind.learner_writes_code:
                text = workspace.read_prediction(problem)
                if not text.strip():
                    self.outcome = None
                    self.render()
                    return
                self.outcome = self.drill.attempt_prediction(problem, text, limits=self.limits)
            else:
                self.outcome = self.drill.attempt_file(problem, limits=self.limits)
        except DrillError as exc:
            # A file that cannot be read (not UTF-8, say) is the learner's to fix: say so and
            # keep watching, as `check` would report it and exit.
            self.outcome = None
            self.render(f"error: {exc}")
            return
        self.render()

    def keys(self) -> str:
        keys = KEYS_HELP
        status = self.drill.status(self.problem)
        if status.answer_seen:
            keys = "e explain · " + keys
        elif not self.problem.kind.learner_writes_code:
            keys = "v reveal · " + keys
        if self.outcome is not None and self.outcome.passed:
            keys = (
                "n next (" + self.outcome.next_slug + ") · " if self.outcome.next_slug else ""
            ) + keys
        return keys

    def render(self, extra: str | None = None) -> None:
        # On a terminal the screen is redrawn whole; in a pipe the prompt is printed once.
        full = out().is_terminal or self.shown != self.problem.slug
        self.shown = self.problem.slug
        show_watch(
            self.problem, str(self.target), self.outcome, full=full, keys=self.keys(), extra=extra
        )
        if self.hint_shown is not None:
            show_hint(self.hint_shown)
            show_keys(self.keys())

    def hint(self) -> None:
        self.hint_shown = self.drill.hint(self.problem)
        self.render()

    def reveal(self) -> None:
        if self.problem.kind.learner_writes_code:
            self.render("Only a prediction can be revealed; h shows a hint.")
            return
        if not self.reveal_asked:
            # One stray key must not give the answer away: v asks, a second v reveals.
            self.reveal_asked = True
            self.render("Press v again to see the answer (it counts as revealed, not solved).")
            return
        self.reveal_asked = False
        try:
            revealed = self.drill.reveal(self.problem, limits=self.limits)
        except DrillError as exc:
            self.render(f"error: {exc}")
            return
        self.render()
        show_revealed(revealed)
        show_keys(self.keys())  # the key bar, below what scrolled it away

    def explain(self) -> None:
        try:
            explained = self.drill.explain(self.problem)
        except DrillError:
            # Named as the keys are, not as a command to type elsewhere.
            how = "v reveals it" if not self.problem.kind.learner_writes_code else "h gives a hint"
            self.render(f"e explains once this problem passes ({how}).")
            return
        self.render()
        show_explanation(explained.problem)
        show_keys(self.keys())

    def next(self) -> None:
        if not (self.outcome and self.outcome.passed):
            self.render("n moves on once this problem passes.")
            return
        if self.outcome.next_slug is None:
            self.render("That was the last unsolved problem. Well done!")
            return
        self.switch(self.drill.catalog.get(self.outcome.next_slug))
        self.first_look()

    def first_look(self) -> None:
        """Show a newly watched problem: implement files are checked at once, as rustlings does."""
        if self.prefilled:
            # Judged already: checking it again would record the same attempt twice.
            self.render(
                f"{self.target.name} holds your last prediction: edit it and save to check."
            )
            return
        try:
            # Not a regular file (a dangling link, a FIFO...): check, which says what it is.
            waiting = self.target.stat().st_size == 0 and self.target.is_file()
        except OSError:
            waiting = False
        if self.problem.kind is Kind.IMPLEMENT or not waiting:
            self.check()
        else:
            self.render()

    def loop(self) -> int:
        self.switch(self.problem)
        self.first_look()
        with _key_source(self.events) as keys:
            while True:
                event = self._next_event(keys)
                if event is None:
                    continue
                if event.kind == "saved":
                    self._drain_saves()
                    self.check()
                elif event.key in ("q", "c-c"):
                    if self.watcher:
                        self.watcher.stop()
                    return Exit.OK if event.key == "q" else Exit.INTERRUPTED
                elif event.key == "h":
                    self.hint()
                elif event.key == "r":
                    self.check()
                elif event.key == "n":
                    self.next()
                elif event.key == "v":
                    self.reveal()
                elif event.key == "e":
                    self.explain()

    def _drain_saves(self) -> None:
        """Saves that piled up during a check are one more check, not many."""
        pending: list[Trigger] = []
        while True:
            try:
                event = self.events.get_nowait()
            except queue.Empty:
                break
            if event.kind != "saved":
                pending.append(event)
        for event in pending:
            self.events.put(event)

    def _next_event(self, keys: object | None) -> Trigger | None:
        if keys is not None:
            from importdrill.prompt import Keys

            assert isinstance(keys, Keys)
            ready, _, _ = select.select([keys.fileno()], [], [], 0)
            if ready:
                for key in keys.read():
                    self.events.put(Trigger("key", key))
        try:
            return self.events.get(timeout=POLL_S)
        except queue.Empty:
            return None


def run(drill: Drill, limits: Limits) -> int:
    """Watch until q or Ctrl-C; the exit status is 0 for q and 130 for Ctrl-C."""
    session = Session(drill, limits)
    try:
        return session.loop()
    except Terminated as exc:
        return 128 + exc.signum
    except KeyboardInterrupt:
        return Exit.INTERRUPTED
    finally:
        if session.watcher:
            session.watcher.stop()
        info("Stopped watching.")
