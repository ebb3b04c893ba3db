from __future__ import annotations

from importdrill.core.progress import State


def test_reveal_hint_counts_up_to_the_total_and_stops():
    state = State()
    assert [state.reveal_hint("p", 2) for _ in range(3)] == [1, 2, None]
    assert state.of("p").hints_revealed == 2
    assert not state.is_solved("p")
    state.record_pass("p")
    assert state.is_solved("p") and state.of("p").solved_at


def test_the_log_records_each_attempt_with_what_led_to_it(tmp_path, monkeypatch):
    from importdrill.core.progress import Event, Store

    monkeypatch.setenv("IMPORTDRILL_NOW", "2026-03-01T10:00:00+00:00")
    store = Store(tmp_path / "progress.db")
    with store.change() as state:
        state.touch("p")
        state.reveal_hint("p", 3)
    monkeypatch.setenv("IMPORTDRILL_NOW", "2026-03-01T10:01:30+00:00")
    with store.change() as state:
        state.record_fail("p")
        state.log_attempt("p", "wrong-output", kind="predict", python="3.11.7", confidence=3)
    with store.change() as state:
        state.record_reveal("p")
    with store.change() as state:
        state.forget("p")
    log = store.history()
    assert [e.event for e in log] == [Event.HINT, Event.ATTEMPT, Event.REVEAL, Event.RESET]
    attempt = log[1]
    assert attempt.at == "2026-03-01T10:01:30+00:00"
    assert (attempt.slug, attempt.verdict, attempt.hints) == ("p", "wrong-output", 1)
    assert (attempt.seconds, attempt.python, attempt.confidence) == (90.0, "3.11.7", 3)
    assert attempt.variant is None
    # Forgetting a problem drops its state, never its history.
    assert store.load().of("p") is None and len(store.history("p")) == 4


def test_a_failed_change_records_nothing(tmp_path):
    import pytest

    from importdrill.core.progress import Store

    store = Store(tmp_path / "progress.db")
    with store.change() as state:
        state.current = "a"
    with pytest.raises(RuntimeError), store.change() as state:
        state.current = "b"
        state.log_attempt("b", "pass", kind="predict")
        raise RuntimeError
    assert store.load().current == "a" and store.history() == []


# --- the database on disk, in this process ----------------------------------------------------


def test_state_json_is_migrated_with_its_history_and_kept(tmp_path):
    import json

    from importdrill.core.progress import Event, Status, Store

    legacy = tmp_path / "state.json"
    raw = {
        "version": 1,
        "current": "b",
        "problems": {
            "a": {
                "status": "solved",
                "attempts": 2,
                "hints_revealed": 1,
                "solved_at": "2026-01-02T03:04:05+00:00",
            },
            "b": {"status": "started", "attempts": 1, "hints_revealed": 0},
        },
    }
    legacy.write_text(json.dumps(raw), encoding="utf-8")
    store = Store(tmp_path / "progress.db")
    state = store.load()
    assert state.current == "b"
    assert state.status("a") is Status.SOLVED and state.of("a").attempts == 2
    assert state.status("b") is Status.STARTED
    assert not legacy.exists()
    assert json.loads((tmp_path / "state.json.bak").read_text(encoding="utf-8")) == raw
    (migrated,) = store.history("a")
    assert migrated.event is Event.MIGRATED and migrated.at == "2026-01-02T03:04:05+00:00"
    # Once only: a state.json that appears later (an old importdrill) is not read again.
    legacy.write_text(json.dumps({**raw, "current": "a"}), encoding="utf-8")
    assert Store(tmp_path / "progress.db").load().current == "b"


def test_a_damaged_database_is_kept_aside_and_a_fresh_one_used(tmp_path):
    from importdrill.core.progress import Store

    db = tmp_path / "progress.db"
    db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    store = Store(db)
    with store.change() as state:
        state.current = "x"
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("progress.db.damaged-")]
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"SQLite format 3")
    assert store.notices and str(kept[0]) in store.notices[0]
    assert Store(db).load().current == "x"


def test_a_newer_database_is_refused_and_left_alone(tmp_path):
    import sqlite3

    import pytest

    from importdrill.core.errors import NewerStateError
    from importdrill.core.progress import SCHEMA_VERSION, Store

    db = tmp_path / "progress.db"
    with Store(db).change() as state:
        state.current = "x"
    connection = sqlite3.connect(db)
    try:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        connection.commit()
    finally:
        connection.close()  # `with` alone commits but leaves it open (a ResourceWarning)
    before = db.read_bytes()
    with pytest.raises(NewerStateError):
        Store(db).load()
    with pytest.raises(NewerStateError), Store(db).change() as state:
        state.current = "y"
    assert db.read_bytes() == before


def test_changes_from_many_threads_lose_nothing(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from importdrill.core.progress import Store

    db = tmp_path / "progress.db"

    def hint(n: int) -> None:
        with Store(db).change() as state:
            state.reveal_hint(f"p{n % 3}", 100)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(hint, range(60)))
    state = Store(db).load()
    assert [state.of(f"p{i}").hints_revealed for i in range(3)] == [20, 20, 20]
    assert len(Store(db).history()) == 60


def test_first_use_waits_while_another_process_creates_the_database(tmp_path):
    """Switching to WAL ignores SQLite's busy timeout, so creation takes the lock file: a
    process that finds no tables waits its turn instead of failing "database is locked"."""
    import contextlib
    import sqlite3
    import threading

    from importdrill.core.progress import Store

    db = tmp_path / "progress.db"
    failures: list[BaseException] = []

    def first_use() -> None:
        try:
            with Store(db).change() as state:
                state.current = "mine"
        except BaseException as exc:  # the assertion below reports it
            failures.append(exc)

    # Another importdrill half-way through creating it: the lock file held, a write open.
    with contextlib.closing(sqlite3.connect(db, isolation_level=None)) as other:
        with Store(db)._locked():
            other.execute("BEGIN IMMEDIATE")
            other.execute("CREATE TABLE half_made (x)")
            waiter = threading.Thread(target=first_use)
            waiter.start()
            waiter.join(0.5)
            other.execute("ROLLBACK")
        waiter.join(30)
    assert not waiter.is_alive() and failures == []
    assert Store(db).load().current == "mine"
    assert (tmp_path / "progress.lock").is_file()  # the name the README gives


def test_commits_wait_for_the_disk_only_outside_wal(tmp_path):
    """WAL with synchronous=NORMAL: a commit survives importdrill being killed, without an
    fsync each; a database in a rollback journal keeps FULL, which NORMAL could damage."""
    import contextlib
    import sqlite3

    from importdrill.core.progress import Store

    store = Store(tmp_path / "progress.db")
    with store.change() as state:
        state.current = "a"
    with contextlib.closing(store._open()) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    with contextlib.closing(sqlite3.connect(tmp_path / "progress.db")) as db:
        db.execute("PRAGMA journal_mode=DELETE")
    with contextlib.closing(store._open()) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.load().current == "a"
