"""The progress file: read it, change it under a lock, and replace it atomically."""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from importdrill import paths
from importdrill.errors import StateError

STATE_VERSION = 1
LOCK_TIMEOUT_S = 10.0
LOCK_POLL_S = 0.02


class Status(StrEnum):
    """Where a learner stands on one problem."""

    UNSOLVED = "unsolved"
    STARTED = "started"
    # Gave up on a prediction and was shown the answer: not solved, and a later right
    # prediction still makes it solved.
    REVEALED = "revealed"
    SOLVED = "solved"

    @property
    def answer_seen(self) -> bool:
        """The real output may be shown: it was earned or asked for."""
        return self in (Status.REVEALED, Status.SOLVED)


MAX_PREDICTIONS = 20
HEADER = "importdrill progress: written by importdrill; edit at your own risk"


@dataclass
class ProblemState:
    """What the learner has done on one problem."""

    status: Status = Status.STARTED
    hints_revealed: int = 0
    attempts: int = 0
    predictions: list[str] = field(default_factory=list)
    solved_at: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "hints_revealed": self.hints_revealed,
            "attempts": self.attempts,
            "predictions": self.predictions,
            "solved_at": self.solved_at,
        }

    @classmethod
    def from_json(cls, data: Any) -> ProblemState:
        if not isinstance(data, dict):
            return cls()
        status = data.get("status")
        predictions = data.get("predictions")
        return cls(
            status=Status(status)
            if status in (Status.STARTED, Status.REVEALED, Status.SOLVED)
            else Status.STARTED,
            hints_revealed=_non_negative(data.get("hints_revealed")),
            attempts=_non_negative(data.get("attempts")),
            predictions=[p for p in predictions if isinstance(p, str)]
            if isinstance(predictions, list)
            else [],
            solved_at=data.get("solved_at") if isinstance(data.get("solved_at"), str) else None,
        )


def _non_negative(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


@dataclass
class State:
    """All of a learner's progress."""

    current: str | None = None
    problems: dict[str, ProblemState] = field(default_factory=dict)

    def of(self, slug: str) -> ProblemState | None:
        return self.problems.get(slug)

    def touch(self, slug: str) -> ProblemState:
        """The state of slug, created as started when there is none yet."""
        return self.problems.setdefault(slug, ProblemState())

    def status(self, slug: str) -> Status:
        entry = self.problems.get(slug)
        return entry.status if entry else Status.UNSOLVED

    def is_solved(self, slug: str) -> bool:
        return self.status(slug) is Status.SOLVED

    def record_reveal(self, slug: str) -> None:
        """The learner gave up on slug's prediction; a solved problem stays solved."""
        entry = self.touch(slug)
        if entry.status is not Status.SOLVED:
            entry.status = Status.REVEALED

    def reveal_hint(self, slug: str, total: int) -> int | None:
        """Reveal slug's next hint and return its number, or None when all were revealed."""
        entry = self.touch(slug)
        if entry.hints_revealed >= total:
            return None
        entry.hints_revealed += 1
        return entry.hints_revealed

    def record_pass(self, slug: str) -> None:
        entry = self.touch(slug)
        entry.attempts += 1
        if entry.status is not Status.SOLVED:
            entry.status = Status.SOLVED
            entry.solved_at = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())

    def record_fail(self, slug: str) -> None:
        self.touch(slug).attempts += 1

    def record_prediction(self, slug: str, prediction: str) -> None:
        entry = self.touch(slug)
        if prediction in entry.predictions:
            entry.predictions.remove(prediction)
        entry.predictions.append(prediction)
        del entry.predictions[:-MAX_PREDICTIONS]

    def to_json(self) -> dict[str, Any]:
        return {
            "_comment": HEADER,
            "version": STATE_VERSION,
            "current": self.current,
            "problems": {slug: ps.to_json() for slug, ps in sorted(self.problems.items())},
        }

    @classmethod
    def from_json(cls, data: Any) -> State:
        if not isinstance(data, dict) or not isinstance(data.get("problems", {}), dict):
            raise ValueError("not an importdrill progress file")  # noqa: TRY004 - caught as bad data
        current = data.get("current")
        return cls(
            current=current if isinstance(current, str) else None,
            problems={
                str(slug): ProblemState.from_json(entry)
                for slug, entry in data.get("problems", {}).items()
            },
        )


class Store:
    """The progress file on disk. Reads need no lock; every change happens under one."""

    def __init__(self, path: Path | None = None, lock_path: Path | None = None) -> None:
        self.path = path or paths.state_file()
        self.lock_path = lock_path or paths.lock_file()
        self.notices: list[str] = []

    def load(self) -> State:
        """The current state; a damaged file is kept aside and replaced by fresh state."""
        state, _ = self._read()
        if state is not None:
            return state
        # Recover under the lock, so that a file another process has just replaced is never
        # mistaken for the damaged one and thrown away.
        with self._locked():
            return self._load_locked()

    def _read(self) -> tuple[State | None, bytes]:
        """The state on disk (fresh when there is no file), or None and the bytes if damaged."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return State(), b""
        except OSError as exc:
            raise StateError(f"cannot read the progress file {self.path}: {exc.strerror}") from None
        try:
            return _parse(raw), raw
        except ValueError:
            return None, raw

    def _load_locked(self) -> State:
        state, raw = self._read()
        if state is not None:
            return state
        backup = self._keep_damaged(raw)
        self.notices.append(
            f"The progress file {self.path} was damaged and could not be read. Its bytes "
            f"are kept in {backup}; importdrill goes on with fresh progress."
        )
        return State()

    def _keep_damaged(self, raw: bytes) -> Path:
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        backup = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{os.getpid()}")
        try:
            backup.write_bytes(raw)
            # The damaged file goes only once its bytes are safe elsewhere, so that the same
            # notice is not given again on every command.
            self.path.unlink()
        except OSError as exc:
            raise StateError(
                f"the progress file {self.path} is damaged and could not be kept aside "
                f"({exc.strerror}); move it away and run the command again"
            ) from None
        return backup

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StateError(
                f"cannot open the lock file {self.lock_path}: {exc.strerror}"
            ) from None
        try:
            _acquire(fd, self.lock_path)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    @contextlib.contextmanager
    def change(self) -> Iterator[State]:
        """Hold the lock, give the freshest state to change, then write it atomically."""
        with self._locked():
            state = self._load_locked()  # re-read under the lock: no writer's change is lost
            yield state
            self._write(state)

    def _write(self, state: State) -> None:
        text = json.dumps(state.to_json(), indent=2) + "\n"
        folder = self.path.parent
        tmp = folder / f".{self.path.name}.{os.getpid()}.tmp"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tmp.open("w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            # A reader or a kill -9 sees the old file or the new one, never half of one.
            tmp.replace(self.path)
            _fsync_dir(folder)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise StateError(
                f"cannot write the progress file {self.path}: {exc.strerror}"
            ) from None


def _parse(raw: bytes) -> State:
    try:
        return State.from_json(json.loads(raw.decode("utf-8")))
    except UnicodeDecodeError as exc:
        raise ValueError(str(exc)) from None


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _acquire(fd: int, lock_path: Path) -> None:
    try:
        import fcntl  # POSIX only
    except ImportError:  # pragma: no cover - Windows: no advisory lock, single-writer use
        return
    deadline = time.monotonic() + LOCK_TIMEOUT_S
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise StateError(
                    f"another importdrill has held the lock {lock_path} for over "
                    f"{LOCK_TIMEOUT_S:.0f} s; close it and try again (if none is running, "
                    "delete the lock file)"
                ) from None
            time.sleep(LOCK_POLL_S)
        else:
            return
