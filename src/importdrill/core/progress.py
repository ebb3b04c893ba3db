"""The learner's progress in a SQLite database: each problem's state, and a log of everything done.

Every change is one transaction (BEGIN IMMEDIATE, WAL journal with synchronous=NORMAL, a busy
timeout), so two terminals at once lose nothing and a `kill -9` leaves the old state or the
new one. The log (attempts, hints, reveals, resets) is only ever appended to; reviews are
derived from it.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from importdrill.core import paths
from importdrill.core.errors import NewerStateError, StateError

if TYPE_CHECKING:
    import sqlite3
    from datetime import datetime

# The database's layout, in PRAGMA user_version. A database with a higher number was written
# by a newer importdrill and is refused rather than misread. 2 added the log's `served` column
# (how an attempt was served: "review", "mix", or null when the learner chose the problem);
# a database of version 1 is migrated on first use (MIGRATIONS), losing nothing.
SCHEMA_VERSION = 2
BUSY_TIMEOUT_S = 10.0
LOCK_TIMEOUT_S = 10.0
LOCK_POLL_S = 0.02
# Tests (and only tests) pin "now" with an ISO 8601 time in this variable.
NOW_ENV = "IMPORTDRILL_NOW"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS problems (
    slug TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    hints_revealed INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    predictions TEXT NOT NULL DEFAULT '[]',
    solved_at TEXT,
    started_at TEXT
);
CREATE TABLE IF NOT EXISTS log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    slug TEXT NOT NULL,
    event TEXT NOT NULL,
    kind TEXT,
    verdict TEXT,
    hints INTEGER,
    seconds REAL,
    python TEXT,
    confidence INTEGER,
    variant TEXT,
    served TEXT
);
CREATE INDEX IF NOT EXISTS log_slug ON log (slug, id);
DROP VIEW IF EXISTS attempts;
CREATE VIEW attempts AS
    SELECT id, at, slug, kind, verdict, hints, seconds, python, confidence, variant, served
    FROM log WHERE event = 'attempt';
"""
# What each version adds to the one before it, run before SCHEMA (whose CREATE ... IF NOT
# EXISTS leaves an older table as it was): the key is the version migrated from.
MIGRATIONS = {1: ("ALTER TABLE log ADD COLUMN served TEXT",)}
LOG_COLUMNS = (
    "at",
    "slug",
    "event",
    "kind",
    "verdict",
    "hints",
    "seconds",
    "python",
    "confidence",
    "variant",
    "served",
)


def now() -> datetime:
    """The current UTC time, or the one IMPORTDRILL_NOW pins (for tests)."""
    # datetime is imported here: `--help` and a `list` with nothing recorded never need it.
    from datetime import UTC, datetime

    pinned = os.environ.get(NOW_ENV)
    if pinned:
        try:
            moment = datetime.fromisoformat(pinned)
        except ValueError:
            raise StateError(
                f"{NOW_ENV}={pinned!r} is not an ISO 8601 time (it is meant for tests; unset it)"
            ) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return datetime.now(UTC)


def stamp(moment: datetime | None = None) -> str:
    """moment (default: now) as UTC ISO 8601 to the second."""
    from datetime import UTC

    return (moment or now()).astimezone(UTC).isoformat(timespec="seconds")


def parse_time(text: str) -> datetime:
    from datetime import UTC, datetime

    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


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


class Event(StrEnum):
    """What a log entry records."""

    ATTEMPT = "attempt"
    HINT = "hint"
    REVEAL = "reveal"
    RESET = "reset"
    # A problem solved or revealed before the log existed (migrated from state.json).
    MIGRATED = "migrated"


class Confidence(IntEnum):
    """How sure the learner said they were of a prediction (stored as its number)."""

    GUESS = 1
    FAIRLY = 2
    CERTAIN = 3

    @property
    def label(self) -> str:
        """How status names it."""
        return ("guessing", "fairly sure", "certain")[self - 1]


MAX_PREDICTIONS = 20


class LogEntry(NamedTuple):
    """One line of the log: an attempt (with its verdict) or an event. (A named tuple, as
    the README's Performance section explains: `history()` makes one per line.)"""

    at: str
    slug: str
    event: Event
    kind: str | None = None
    verdict: str | None = None
    hints: int | None = None
    seconds: float | None = None
    python: str | None = None
    confidence: int | None = None
    variant: str | None = None
    # How the attempt was served: "review", "mix", or None (the learner chose the problem).
    served: str | None = None

    @property
    def passed(self) -> bool:
        return self.verdict == "pass"

    def row(self) -> tuple[object, ...]:
        return tuple(self)  # the fields are LOG_COLUMNS, in order


@dataclass
class ProblemState:
    """What the learner has done on one problem."""

    status: Status = Status.STARTED
    hints_revealed: int = 0
    attempts: int = 0
    predictions: list[str] = field(default_factory=list)
    solved_at: str | None = None
    started_at: str | None = None

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
            predictions=[p for p in predictions if _storable(p)][-MAX_PREDICTIONS:]
            if isinstance(predictions, list)
            else [],
            solved_at=_moment(data.get("solved_at")),
        )

    def row(self, slug: str) -> tuple[object, ...]:
        import json

        return (
            slug,
            self.status.value,
            self.hints_revealed,
            self.attempts,
            json.dumps(self.predictions),
            self.solved_at,
            self.started_at,
        )


# A count past this came from no importdrill (SQLite itself stops at 2**63): it is dropped.
MAX_COUNT = 1 << 31


def _non_negative(value: Any) -> int:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 < value < MAX_COUNT
    return value if ok else 0


def _storable(value: Any) -> bool:
    """Whether value is text the database can hold (JSON may carry lone surrogates)."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _parses(value: Any) -> bool:
    from datetime import datetime

    try:
        datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


def _moment(value: Any) -> str | None:
    """A time as the log writes it, from text that parses as one; None for anything else."""
    if not _storable(value):
        return None
    try:
        return stamp(parse_time(value))
    except (ValueError, OverflowError):
        return None


@dataclass
class State:
    """All of a learner's progress, as read in one transaction.

    Changes to it are written back by Store.change(); `pending` holds the log entries the
    change appends.
    """

    current: str | None = None
    problems: dict[str, ProblemState] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    pending: list[LogEntry] = field(default_factory=list, compare=False)

    def of(self, slug: str) -> ProblemState | None:
        return self.problems.get(slug)

    def touch(self, slug: str) -> ProblemState:
        """The state of slug, created as started when there is none yet."""
        entry = self.problems.get(slug)
        if entry is None:
            entry = self.problems[slug] = ProblemState(started_at=stamp())
        return entry

    def status(self, slug: str) -> Status:
        entry = self.problems.get(slug)
        return entry.status if entry else Status.UNSOLVED

    def is_solved(self, slug: str) -> bool:
        return self.status(slug) is Status.SOLVED

    def _log(self, slug: str, event: Event, **data: Any) -> None:
        self.pending.append(LogEntry(at=stamp(), slug=slug, event=event, **data))

    def record_reveal(self, slug: str) -> None:
        """The learner gave up on slug's prediction; a solved problem stays solved."""
        entry = self.touch(slug)
        if entry.status is not Status.SOLVED:
            entry.status = Status.REVEALED
        self._log(slug, Event.REVEAL, hints=entry.hints_revealed)

    def reveal_hint(self, slug: str, total: int) -> int | None:
        """Reveal slug's next hint and return its number, or None when all were revealed."""
        entry = self.touch(slug)
        if entry.hints_revealed >= total:
            return None
        entry.hints_revealed += 1
        self._log(slug, Event.HINT, hints=entry.hints_revealed)
        return entry.hints_revealed

    def record_pass(self, slug: str) -> None:
        entry = self.touch(slug)
        entry.attempts += 1
        if entry.status is not Status.SOLVED:
            entry.status = Status.SOLVED
            entry.solved_at = stamp()

    def record_fail(self, slug: str) -> None:
        self.touch(slug).attempts += 1

    def log_attempt(
        self,
        slug: str,
        verdict: str,
        *,
        kind: str,
        python: str | None = None,
        confidence: int | None = None,
        variant: str | None = None,
        served: str | None = None,
    ) -> None:
        """Append an attempt to the log, with the hints revealed so far and the time since
        the problem was started."""
        entry = self.touch(slug)
        seconds = None
        if entry.started_at:
            with contextlib.suppress(ValueError):
                seconds = round((now() - parse_time(entry.started_at)).total_seconds(), 1)
        self._log(
            slug,
            Event.ATTEMPT,
            kind=kind,
            verdict=verdict,
            hints=entry.hints_revealed,
            seconds=seconds,
            python=python,
            confidence=confidence,
            variant=variant,
            served=served,
        )

    def forget(self, slug: str) -> None:
        """Forget slug's state; the log keeps its history, and a reset mark."""
        self.problems.pop(slug, None)
        self._log(slug, Event.RESET)

    def record_prediction(self, slug: str, prediction: str) -> None:
        entry = self.touch(slug)
        if prediction in entry.predictions:
            entry.predictions.remove(prediction)
        entry.predictions.append(prediction)
        del entry.predictions[:-MAX_PREDICTIONS]

    @classmethod
    def from_json(cls, data: Any) -> State:
        """The state of a state.json file (before the database), for its migration."""
        if not isinstance(data, dict) or not isinstance(data.get("problems", {}), dict):
            raise ValueError("not an importdrill progress file")  # noqa: TRY004 - caught as bad data
        current = data.get("current")
        return cls(
            current=current if _storable(current) and current else None,
            problems={
                slug: ProblemState.from_json(entry)
                for slug, entry in data.get("problems", {}).items()
                if _storable(slug) and slug.strip()
            },
        )


class Store:
    """The progress database on disk, read in one transaction and changed in another."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        legacy: Path | None = None,
        lock_path: Path | None = None,
    ) -> None:
        self.path = path or paths.progress_db()
        # The progress file of importdrill before the database; migrated on first use.
        self.legacy = legacy or (
            paths.state_file() if path is None else path.with_name("state.json")
        )
        # Taken only to move a damaged database aside, so two processes never both do it.
        self.lock_path = lock_path or self.path.with_name("progress.lock")
        self.notices: list[str] = []

    # --- reading and changing -------------------------------------------------------------

    def load(self, *, predictions: bool = True) -> State:
        """The current state (fresh when nothing was ever recorded: no file is created).

        With predictions=False every problem's list of predictions is left empty, for a view
        that shows none (`list`, `status`): reading them imports json, 1 ms of start-up. Such
        a state is only read; change() reads its own, whole.
        """
        if not self.path.exists() and not self.legacy.exists():
            if self.path.is_symlink():
                raise StateError(f"cannot read the progress database {self.path}: dangling link")
            return State()
        with self._connected() as db:
            db.execute("BEGIN")
            try:
                return _read(db, predictions=predictions)
            finally:
                db.execute("COMMIT")

    @staticmethod
    def prepare() -> None:
        """Load what change() needs, ahead of it: a check does this while its program runs."""
        import json  # noqa: F401 - predictions are stored as JSON
        import sqlite3  # noqa: F401

    @contextlib.contextmanager
    def change(self) -> Iterator[State]:
        """Give the freshest state to change, then write it, all in one transaction."""
        import sqlite3

        with self._connected() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                state = _read(db)
                before = {slug: ps.row(slug) for slug, ps in state.problems.items()}
                yield state
                _write(db, state, before)
                db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise

    def history(self, slug: str | None = None) -> list[LogEntry]:
        """The log, oldest first (of one problem when slug is given)."""
        if not self.path.exists():
            return []
        with self._connected() as db:
            query = f"SELECT {', '.join(LOG_COLUMNS)} FROM log"  # noqa: S608 - constant columns
            rows = (
                db.execute(f"{query} WHERE slug = ? ORDER BY id", (slug,))
                if slug
                else db.execute(f"{query} ORDER BY id")
            ).fetchall()
        return [
            LogEntry(
                at=r[0],
                slug=r[1],
                event=Event(r[2]),
                kind=r[3],
                verdict=r[4],
                hints=r[5],
                seconds=r[6],
                python=r[7],
                confidence=r[8],
                variant=r[9],
                served=r[10],
            )
            for r in rows
            # An entry whose time does not parse (an older migration wrote what state.json
            # said) would crash every view of the log: it is left out.
            if r[2] in Event.__members__.values() and _parses(r[0])
        ]

    # --- opening ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _connected(self) -> Iterator[sqlite3.Connection]:
        import sqlite3

        db = self._open()
        try:
            yield db
        except sqlite3.OperationalError as exc:
            raise StateError(f"cannot use the progress database {self.path}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            # Damaged after it opened (a page the first reads did not touch).
            db.close()
            self._set_aside(str(exc))
            raise StateError(
                f"the progress database {self.path} turned out to be damaged ({exc}); it was "
                "kept aside (see the note above): run the command again"
            ) from None
        finally:
            db.close()

    def _open(self) -> sqlite3.Connection:
        import sqlite3

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateError(
                f"cannot create the folder {self.path.parent}: {exc.strerror}"
            ) from None
        for _ in range(2):
            try:
                db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            except sqlite3.Error as exc:
                raise StateError(f"cannot open the progress database {self.path}: {exc}") from None
            try:
                self._prepare(db)
                self._relax_sync(db)
            except NewerStateError:
                db.close()
                raise
            except sqlite3.OperationalError as exc:
                db.close()
                raise StateError(f"cannot open the progress database {self.path}: {exc}") from None
            except sqlite3.DatabaseError as exc:
                db.close()
                self._set_aside(str(exc))
                continue
            except BaseException:
                db.close()
                raise
            return db
        raise StateError(f"the progress database {self.path} could not be made usable")

    @staticmethod
    def _relax_sync(db: sqlite3.Connection) -> None:
        """Commit without waiting for the disk, where that risks no damage.

        In WAL mode, synchronous=NORMAL syncs the log at checkpoints, not at every commit
        (which cost a check ~1.2 ms). A commit is still atomic, and once it returns it
        survives importdrill being killed, `kill -9` included: only the operating system
        crashing or the power failing can undo the last few, and the database stays whole.
        For a log of practice that is the right trade. In a rollback journal NORMAL could
        leave a damaged file after a power cut, so another mode keeps the default (FULL).
        """
        if db.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
            db.execute("PRAGMA synchronous=NORMAL")

    def _prepare(self, db: sqlite3.Connection) -> None:
        """Check the database's version, create its tables, migrate state.json."""
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise NewerStateError(self.path, version, SCHEMA_VERSION)
        if version < SCHEMA_VERSION:
            self._create(db)
        else:
            # Any read of the tables finds a damaged file (the header alone may look right).
            db.execute("SELECT count(*) FROM meta").fetchone()
        if self.legacy.exists():
            self._migrate(db)

    def _create(self, db: sqlite3.Connection) -> None:
        """Turn on WAL and create the tables, one process at a time.

        Switching a file to WAL does not wait on SQLite's busy timeout: while one process
        switches, a second one that tries at the same moment gets "database is locked" at
        once. So the processes that find no tables take the lock file in turn, and each
        looks again under it; the first creates, the others find the work done.
        """
        with self._locked():
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version >= SCHEMA_VERSION:
                return
            # WAL lets readers go on while one process writes; it is a property of the file.
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("BEGIN IMMEDIATE")
            try:
                # A database an older importdrill made: each step from its version on, in
                # the same transaction as the rest (a kill leaves the old version whole).
                if version:
                    for step in range(version, SCHEMA_VERSION):
                        for statement in MIGRATIONS[step]:
                            db.execute(statement)
                # One statement at a time: executescript() would commit half-way.
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise

    def _migrate(self, db: sqlite3.Connection) -> None:
        """Move state.json's progress into the database, once, and keep the file as a backup."""
        db.execute("BEGIN IMMEDIATE")
        try:
            done = db.execute("SELECT value FROM meta WHERE key = 'migrated'").fetchone()
            damaged = False
            if done is None and self.legacy.exists():
                state = self._read_legacy()
                damaged = state is None
                if state is not None:
                    _write(db, state, {})
                    for slug, entry in state.problems.items():
                        if entry.status in (Status.SOLVED, Status.REVEALED):
                            mark = LogEntry(
                                at=entry.solved_at or stamp(),
                                slug=slug,
                                event=Event.MIGRATED,
                                verdict="pass" if entry.status is Status.SOLVED else "revealed",
                                hints=entry.hints_revealed,
                            )
                            _append(db, [mark])
                db.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('migrated', ?)", (stamp(),)
                )
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        self._keep_legacy(damaged=damaged)

    def _read_legacy(self) -> State | None:
        try:
            raw = self.legacy.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StateError(
                f"cannot read the progress file {self.legacy}: {exc.strerror}"
            ) from None
        import json

        try:
            return State.from_json(json.loads(raw.decode("utf-8")))
        except (ValueError, UnicodeDecodeError):
            return None

    def _keep_legacy(self, *, damaged: bool = False) -> None:
        backup = self.legacy.with_name(self.legacy.name + ".bak")
        if backup.exists():
            backup = self.legacy.with_name(f"{self.legacy.name}.bak-{_file_stamp()}")
        try:
            self.legacy.rename(backup)
        except FileNotFoundError:
            return  # another process kept it meanwhile
        except OSError as exc:
            raise StateError(
                f"moved the progress in {self.legacy} to {self.path} but could not rename the "
                f"file to {backup} ({exc.strerror}); rename or remove it yourself"
            ) from None
        if damaged:
            self.notices.append(
                f"The old progress file {self.legacy} was damaged and could not be read. Its "
                f"bytes are kept in {backup}; importdrill goes on with fresh progress."
            )
        else:
            self.notices.append(
                f"Your progress moved from {self.legacy} to the database {self.path}; the old "
                f"file is kept as {backup}."
            )

    def _set_aside(self, reason: str) -> None:
        """Move a damaged database aside (under a lock, so that a database another process
        has just made is never mistaken for the damaged one), with a notice."""
        import sqlite3

        with self._locked():
            if not self.path.exists():
                return  # another process has just kept it aside
            try:
                probe = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
                try:
                    probe.execute("PRAGMA user_version").fetchone()
                    probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
                    probe.execute("SELECT count(*) FROM problems").fetchone()
                    return  # repaired meanwhile by another process
                finally:
                    probe.close()
            except sqlite3.OperationalError:
                pass  # no tables: a file that only looked like a database
            except sqlite3.DatabaseError:
                pass
            backup = self.path.with_name(f"{self.path.name}.damaged-{_file_stamp()}-{os.getpid()}")
            try:
                self.path.rename(backup)
                for suffix in ("-wal", "-shm"):
                    side = self.path.with_name(self.path.name + suffix)
                    if side.exists():
                        side.rename(backup.with_name(backup.name + suffix))
            except OSError as exc:
                raise StateError(
                    f"the progress database {self.path} is damaged ({reason}) and could not be "
                    f"kept aside ({exc.strerror}); move it away and run the command again"
                ) from None
        self.notices.append(
            f"The progress database {self.path} was damaged ({reason}). It is kept as "
            f"{backup}; importdrill goes on with fresh progress."
        )

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
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


def _read(db: sqlite3.Connection, *, predictions: bool = True) -> State:
    state = State()
    for key, value in db.execute("SELECT key, value FROM meta"):
        if key == "current":
            state.current = value
        elif key.startswith("setting."):
            state.settings[key.removeprefix("setting.")] = value
    column = "predictions" if predictions else "'[]'"
    for slug, status, hints, attempts, said, solved_at, started_at in db.execute(
        f"SELECT slug, status, hints_revealed, attempts, {column}, solved_at, started_at "  # noqa: S608 - a constant
        "FROM problems"
    ):
        saved: Any = []
        if said != "[]":
            import json

            try:
                saved = json.loads(said)
            except (ValueError, TypeError):
                saved = []
        state.problems[slug] = ProblemState(
            status=Status(status) if status in Status.__members__.values() else Status.STARTED,
            hints_revealed=_non_negative(hints),
            attempts=_non_negative(attempts),
            predictions=[p for p in saved if isinstance(p, str)] if isinstance(saved, list) else [],
            solved_at=solved_at,
            started_at=started_at,
        )
    return state


def _write(db: sqlite3.Connection, state: State, before: dict[str, tuple[object, ...]]) -> None:
    if state.current is None:
        db.execute("DELETE FROM meta WHERE key = 'current'")
    else:
        db.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('current', ?)", (state.current,)
        )
    db.execute("DELETE FROM meta WHERE key LIKE 'setting.%'")
    db.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?)",
        [(f"setting.{k}", v) for k, v in sorted(state.settings.items())],
    )
    for slug in before.keys() - state.problems.keys():
        db.execute("DELETE FROM problems WHERE slug = ?", (slug,))
    changed = [
        row for slug, ps in state.problems.items() if before.get(slug) != (row := ps.row(slug))
    ]
    db.executemany(
        "INSERT OR REPLACE INTO problems (slug, status, hints_revealed, attempts, predictions, "
        "solved_at, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        changed,
    )
    _append(db, state.pending)
    state.pending.clear()


def _append(db: sqlite3.Connection, entries: list[LogEntry]) -> None:
    marks = ", ".join("?" for _ in LOG_COLUMNS)
    db.executemany(
        f"INSERT INTO log ({', '.join(LOG_COLUMNS)}) VALUES ({marks})",  # noqa: S608 - constant
        [e.row() for e in entries],
    )


def _file_stamp() -> str:
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime())


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
