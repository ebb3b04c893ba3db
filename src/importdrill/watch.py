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

from importdrill import drill, ui, workspace
from importdrill.errors import NoCurrentProblemError
from importdrill.problems import Catalog, Kind, Problem
from importdrill.progress import Store

if TYPE_CHECKING:
    from importdrill.runner import Limits

EXIT_OK = 0
EXIT_INTERRUPTED = 130
# Editors save in bursts (write, rename, chmod); one check per burst is enough.
DEBOUNCE_MS = 150
POLL_S = 0.1


@dataclass(frozen=True)
class Event:
    """Something watch mode reacts to: a save of the watched file, or a key."""

    kind: str  # "saved" or "key"
    key: str = ""


class FileWatcher:
    """Reports saves of one file, including editors' write-a-new-file-and-rename saves."""

    def __init__(self, target: Path, events: queue.Queue[Event]) -> None:
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
                self._events.put(Event("saved"))

    def stop(self) -> None:
        self._stop.set()


def _read_lines(events: queue.Queue[Event]) -> None:
    """Without a terminal, keys come as lines on standard input (h, n, r, q)."""
    for line in sys.stdin:
        key = line.strip()[:1]
        if key:
            events.put(Event("key", key))


@contextlib.contextmanager
def _key_source(events: queue.Queue[Event]) -> Iterator[object | None]:
    if sys.stdin.isatty():
        from importdrill.prompt import Keys

        with Keys() as keys:
            yield keys
    else:
        threading.Thread(target=_read_lines, args=(events,), daemon=True).start()
        yield None


def _target(problem: Problem) -> Path:
    if problem.kind is Kind.IMPLEMENT:
        return workspace.ensure(problem)[0]
    return workspace.ensure_prediction(problem)


class Session:
    """One watch session: the problem being watched, its last verdict, and the key handling."""

    def __init__(self, catalog: Catalog, store: Store, limits: Limits) -> None:
        self.catalog = catalog
        self.store = store
        self.limits = limits
        self.events: queue.Queue[Event] = queue.Queue()
        self.problem = self._current()
        self.outcome: drill.Outcome | None = None
        self.watcher: FileWatcher | None = None
        self.shown: str | None = None  # the problem whose prompt was last shown

    def _current(self) -> Problem:
        slug = self.store.load().current
        if slug is None:
            raise NoCurrentProblemError(
                "no problem has been started yet: run importdrill start SLUG (or importdrill "
                "next), then importdrill watch"
            )
        return self.catalog.get(slug)

    def switch(self, problem: Problem) -> None:
        if self.watcher:
            self.watcher.stop()
        self.problem = problem
        self.outcome = None
        with self.store.change() as state:
            state.current = problem.slug
            state.touch(problem.slug)
        self.target = _target(problem)
        self.watcher = FileWatcher(self.target, self.events)

    def check(self) -> None:
        problem = self.problem
        text = self.target.read_text(encoding="utf-8")
        if problem.kind is Kind.PREDICT:
            if not text.strip():
                self.outcome = None
                self.render()
                return
            expected, prediction, code = text, text, problem.code
        else:
            expected, prediction, code = problem.expected_output, None, text
        self.outcome = drill.check(
            self.catalog,
            self.store,
            problem,
            code=code,
            expected=expected,
            limits=self.limits,
            prediction=prediction,
        )
        self.render()

    def render(self, extra: str | None = None) -> None:
        # On a terminal the screen is redrawn whole; in a pipe the prompt is printed once.
        full = ui.out().is_terminal or self.shown != self.problem.slug
        self.shown = self.problem.slug
        ui.show_watch(self.problem, str(self.target), self.outcome, full=full, extra=extra)

    def hint(self) -> None:
        total = len(self.problem.hints)
        with self.store.change() as state:
            number = state.reveal_hint(self.problem.slug, total)
        self.render()
        ui.show_hint(self.problem, number or total)  # all revealed: the last one again

    def next(self) -> None:
        if not (self.outcome and self.outcome.verdict.passed):
            self.render("n moves on once this problem passes.")
            return
        if self.outcome.next_slug is None:
            self.render("That was the last unsolved problem. Well done!")
            return
        self.switch(self.catalog.get(self.outcome.next_slug))
        self.first_look()

    def first_look(self) -> None:
        """Show a newly watched problem: implement files are checked at once, as rustlings does."""
        if self.problem.kind is Kind.IMPLEMENT or self.target.read_text(encoding="utf-8").strip():
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
                    return EXIT_OK if event.key == "q" else EXIT_INTERRUPTED
                elif event.key == "h":
                    self.hint()
                elif event.key == "r":
                    self.check()
                elif event.key == "n":
                    self.next()

    def _drain_saves(self) -> None:
        """Saves that piled up during a check are one more check, not many."""
        pending: list[Event] = []
        while True:
            try:
                event = self.events.get_nowait()
            except queue.Empty:
                break
            if event.kind != "saved":
                pending.append(event)
        for event in pending:
            self.events.put(event)

    def _next_event(self, keys: object | None) -> Event | None:
        if keys is not None:
            from importdrill.prompt import Keys

            assert isinstance(keys, Keys)
            ready, _, _ = select.select([keys.fileno()], [], [], 0)
            if ready:
                for key in keys.read():
                    self.events.put(Event("key", key))
        try:
            return self.events.get(timeout=POLL_S)
        except queue.Empty:
            return None


def run(catalog: Catalog, store: Store, limits: Limits) -> int:
    """Watch until q or Ctrl-C; the exit status is 0 for q and 130 for Ctrl-C."""
    session = Session(catalog, store, limits)
    try:
        return session.loop()
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    finally:
        if session.watcher:
            session.watcher.stop()
        ui.info("Stopped watching.")
