"""Hostile learner programs: each gets its verdict in bounded time and leaves nothing behind."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from importdrill.core import judge, runner
from importdrill.core.progress import State, Store

from .helpers import HOSTILE, PACK, mini_pack_env, saved_state, snapshot, wait_for

TIMEOUT = 2.0
CASES = sorted(HOSTILE.glob("*.py"))


def expected_verdict(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# verdict: "), path
    return first.removeprefix("# verdict: ").strip()


def processes_with(marker: str) -> list[str]:
    out = subprocess.run(
        ["ps", "-eo", "pid,args"], capture_output=True, text=True, check=True
    ).stdout
    return [line for line in out.splitlines() if marker in line and "ps -eo" not in line]


def run_dirs() -> set[str]:
    return {p for p in os.listdir(tempfile.gettempdir()) if p.startswith(runner.RUN_DIR_PREFIX)}


# The programs that never end are waited out to the timeout (2 s each): slow.
NEVER_END = {"infinite_loop", "long_sleep"}


@pytest.mark.parametrize(
    "path",
    [pytest.param(p, marks=pytest.mark.slow) if p.stem in NEVER_END else p for p in CASES],
    ids=[p.stem for p in CASES],
)
def test_hostile_program(path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    marker = f"hostile-{uuid.uuid4().hex}"
    monkeypatch.setenv("HOSTILE_MARKER", marker)
    monkeypatch.chdir(tmp_path)
    before = run_dirs()
    limits = runner.Limits(timeout_s=TIMEOUT, memory_bytes=512 << 20)
    start = time.monotonic()
    result = runner.run(runner.Program(code=path.read_text(encoding="utf-8")), limits=limits)
    elapsed = time.monotonic() - start
    verdict = judge.judge("ok\n", result)

    assert verdict.verdict == expected_verdict(path), (verdict, result.stderr[-500:])
    assert elapsed < TIMEOUT + 1.0
    # Nothing left running, nothing left on disk, nothing written where the learner stands.
    wait_for(lambda: not processes_with(marker), 2)
    assert processes_with(marker) == []
    assert run_dirs() - before == set()
    assert list(tmp_path.iterdir()) == []


def test_flood_keeps_parent_memory_flat():
    result = runner.run(runner.Program(code=(HOSTILE / "flood_stdout.py").read_text()))
    assert result.output_limit == "stdout"
    assert len(result.stdout.encode()) <= runner.STDOUT_CAP_BYTES
    assert result.output_cap == runner.STDOUT_CAP_BYTES


def test_invalid_utf8_is_replaced_not_fatal():
    result = runner.run(runner.Program(code=(HOSTILE / "invalid_utf8.py").read_text()))
    assert result.returncode == 0
    assert result.stdout.startswith("ok \ufffd")


def test_input_gets_eof_at_once():
    start = time.monotonic()
    result = runner.run(runner.Program(code=(HOSTILE / "reads_input.py").read_text()))
    assert time.monotonic() - start < 5
    assert "EOFError" in result.stderr


def test_signal_is_named():
    result = runner.run(runner.Program(code=(HOSTILE / "signal_crash.py").read_text()))
    assert result.signal_name == "SIGSEGV"
    assert "SIGSEGV" in judge.judge("ok", result).detail


def test_an_interpreter_that_cannot_start_is_reported_after_the_work_meanwhile(tmp_path: Path):
    # exec() fails (not executable): the reason comes back as the run's, after the caller's
    # own work, and no process or run folder is left.
    python = tmp_path / "python"
    python.write_text("not a program\n", encoding="utf-8")
    done: list[bool] = []
    result = runner.run(
        runner.Program(code="print('never')\n"),
        python=str(python),
        meanwhile=lambda: done.append(True),
    )
    assert done == [True]
    assert result.returncode is None and result.stdout == ""
    assert result.stderr == f"could not start {python}: Permission denied"
    assert run_dirs() == set()


def test_meanwhile_runs_while_the_program_does_with_the_heap_left_uncollected(tmp_path: Path):
    # The program waits until the caller's work has been done (a file appears), so that work
    # must run while the program is running; the heap is frozen then and not afterwards.
    flag = tmp_path / "meanwhile-done"
    code = (
        "import os, sys, time\n"
        f"flag = {str(flag)!r}\n"
        "deadline = time.monotonic() + 30\n"
        "while not os.path.exists(flag) and time.monotonic() < deadline:\n"
        "    time.sleep(0.01)\n"
        "print('saw it' if os.path.exists(flag) else 'never saw it')\n"
    )
    frozen: list[int] = []

    def meanwhile() -> None:
        import gc

        frozen.append(gc.get_freeze_count())
        flag.write_text("", encoding="utf-8")

    import gc

    result = runner.run(
        runner.Program(code=code), limits=runner.Limits(timeout_s=40), meanwhile=meanwhile
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "saw it\n"
    assert frozen and frozen[0] > 0
    assert gc.get_freeze_count() == 0


def test_an_error_meanwhile_stops_the_program_and_leaves_nothing(tmp_path: Path):
    marker = f"meanwhile-{uuid.uuid4().hex}"  # on the program's command line, for ps

    def meanwhile() -> None:
        # Called once the supervisor is forked: wait (generously, for a loaded machine) until
        # the program itself is running, then fail as Ctrl-C would.
        assert wait_for(lambda: processes_with(marker), 20)
        raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        runner.run(
            runner.Program(code="import time\ntime.sleep(60)\n", args=(marker,)),
            meanwhile=meanwhile,
        )
    assert time.monotonic() - started < 40  # not the 60 s the program would sleep
    assert processes_with(marker) == []
    assert run_dirs() == set()


def test_traceback_is_the_learners_own():
    result = runner.run(
        runner.Program(code="import sys\nprint(sys.argv)\nraise ValueError('mine')\n")
    )
    assert result.stdout == "['main.py']\n"
    assert 'File "main.py", line 3' in result.stderr
    assert "importdrill" not in result.stderr and "BOOTSTRAP" not in result.stderr
    assert "resource" not in result.stderr


# --- through the CLI, in separate processes --------------------------------------------------


def importdrill(*args: str, home: Path, **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "importdrill", *args],
        env=mini_pack_env(home),
        capture_output=True,
        text=True,
        timeout=60,
        **kw,
    )


def test_ctrl_c_mid_check_kills_the_child_and_keeps_state(home: Path, reap):
    assert importdrill("start", "mini-implement", "--no-edit", home=home).returncode == 0
    assert importdrill("hint", home=home).returncode == 0
    state_before = snapshot(home)
    learner = home / "workspace" / "mini-implement" / "main.py"
    pid_file = home / "learner.pid"
    learner.write_text(
        f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\ntime.sleep(100)\n",
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "importdrill", "check", "--timeout", "60"],
        env=mini_pack_env(home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reap(proc)
    wait_for(lambda: pid_file.exists() and pid_file.read_text(), 15)
    learner_pid = int(pid_file.read_text())
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=10)
    assert time.monotonic() - sent < 1.0
    assert proc.returncode == 130
    assert "Traceback" not in err and "interrupted" in err
    with pytest.raises(ProcessLookupError):
        os.kill(learner_pid, 0)
    assert snapshot(home) == state_before


def test_concurrent_checks_from_separate_processes_lose_nothing(home: Path):
    # Four processes record at once: two hints each on two problems, two checks on a third.
    pred = home / "prediction.txt"
    home.mkdir(parents=True, exist_ok=True)
    pred.write_text("True\ndone\n", encoding="utf-8")
    commands = [
        ["hint", "mini-predict"],
        ["hint", "mini-predict"],
        ["hint", "mini-module"],
        ["hint", "mini-module"],
        ["check", "mini-predict", "--predict-file", str(pred)],
        ["check", "mini-predict", "--predict-file", str(pred)],
    ]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "importdrill", *c],
            env=mini_pack_env(home),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for c in commands
    ]
    # Every process is waited for before any assertion, so a failure leaves none running.
    errors = [proc.communicate(timeout=60)[1] for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * len(procs), errors
    state = saved_state(home)
    assert state["problems"]["mini-predict"]["hints_revealed"] == 2
    assert state["problems"]["mini-predict"]["attempts"] == 2
    assert state["problems"]["mini-predict"]["status"] == "solved"
    assert state["problems"]["mini-module"]["hints_revealed"] == 2


FIRST_USE = """
import os, sys
from pathlib import Path
from importdrill.core.errors import StateError
from importdrill.core.progress import Store
store = Store(Path(sys.argv[1]))
print("ready", flush=True)
os.read(int(sys.argv[2]), 1)  # the start: EOF for all six at once, when the writer closes
try:
    with store.change() as state:
        state.reveal_hint("p", 100)
except StateError as exc:
    sys.exit(f"failed: {exc}")
"""


@pytest.mark.slow
def test_first_use_from_many_processes_at_once_loses_nothing(tmp_path: Path):
    # Six processes find no database and make it at the same moment, twenty times over: before
    # creation took the lock file, each of six runs of this test had a round where one failed
    # with "database is locked" (switching a file to WAL does not wait on SQLite's busy
    # timeout). They wait on a pipe rather than spin, so as not to load a shared machine.
    for round_ in range(20):
        folder = tmp_path / f"round-{round_}"
        folder.mkdir()
        db = folder / "progress.db"
        start, go = os.pipe()
        try:
            procs = [
                subprocess.Popen(
                    [sys.executable, "-c", FIRST_USE, str(db), str(start)],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    pass_fds=(start,),
                )
                for _ in range(6)
            ]
        finally:
            os.close(start)
        try:
            for proc in procs:
                assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        finally:
            os.close(go)  # also on a failure, so that every process ends
            errors = [proc.communicate(timeout=60)[1] for proc in procs]
        assert [proc.returncode for proc in procs] == [0] * 6, errors
        assert Store(db).load().of("p").hints_revealed == 6


WRITER = """
import sys
from pathlib import Path
from importdrill.core.progress import Store
store = Store(Path(sys.argv[1]))
i = 0
print("ready", flush=True)
while True:
    i += 1
    with store.change() as state:
        state.current = f"p{i}"
        for n in range(200):
            state.touch(f"problem-{n}").attempts = i
        state.log_attempt("problem-0", "pass", kind="predict")
"""


def test_kill_9_mid_write_leaves_old_or_new_state(tmp_path: Path):
    db = tmp_path / "progress.db"
    for round_ in range(12):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        time.sleep(0.02 + 0.013 * round_)
        proc.kill()
        proc.communicate()
        store = Store(db)
        state = store.load()
        assert store.notices == []  # never damaged
        assert state.current is None or state.current.startswith("p")
        if state.current:
            attempts = {ps.attempts for ps in state.problems.values()}
            assert len(attempts) == 1  # one whole transaction, not half of two
            # The log holds one attempt per whole change of every round so far.
            assert len(store.history()) >= attempts.pop()
    names = {p.name for p in tmp_path.iterdir()}
    assert not any("damaged" in name for name in names)


LOGGER = """
import sys
from pathlib import Path
from importdrill.core.progress import Store
store = Store(Path(sys.argv[1]))
for i in range(int(sys.argv[3])):
    with store.change() as state:
        state.log_attempt(sys.argv[2], "wrong-output", kind="predict")
        state.record_fail(sys.argv[2])
"""


def test_two_writing_processes_lose_no_attempt(tmp_path: Path):
    db = tmp_path / "progress.db"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", LOGGER, str(db), slug, "150"], stderr=subprocess.PIPE
        )
        for slug in ("one", "two", "one")
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    store = Store(db)
    state = store.load()
    assert state.of("one").attempts == 300 and state.of("two").attempts == 150
    assert len(store.history()) == 450


@pytest.mark.parametrize(
    "content",
    [b"\x00\xff garbage" * 100, b"SQLite format 3\x00" + b"\xff" * 4000, b"[1, 2, 3]"],
    ids=["garbage", "bad-header", "json"],
)
def test_damaged_database_is_kept_aside_and_reported(content: bytes, tmp_path: Path):
    db = tmp_path / "progress.db"
    db.write_bytes(content)
    store = Store(db)
    assert store.load() == State()
    assert len(store.notices) == 1 and "damaged" in store.notices[0]
    backups = list(tmp_path.glob("progress.db.damaged-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == content
    assert str(backups[0]) in store.notices[0]
    with store.change() as state:
        state.current = "fresh"
    again = Store(db)
    assert again.load().current == "fresh" and again.notices == []


def test_damaged_database_through_the_cli(home: Path):
    home.mkdir(parents=True)
    (home / "progress.db").write_bytes(b"not a database at all" * 100)
    done = importdrill("list", home=home)
    assert done.returncode == 0
    assert "Traceback" not in done.stderr
    assert "damaged" in done.stderr and "progress.db.damaged-" in done.stderr
    # Told once: the next command finds a fresh database.
    assert "damaged" not in importdrill("list", home=home).stderr


def test_a_database_from_a_newer_importdrill_is_refused(home: Path):
    import sqlite3

    assert importdrill("hint", "mini-predict", home=home).returncode == 0
    with contextlib.closing(sqlite3.connect(home / "progress.db")) as db:
        db.execute("PRAGMA user_version = 99")
    before = (home / "progress.db").read_bytes()
    for args in (["list"], ["hint", "mini-predict"], ["status", "--json"]):
        done = importdrill(*args, home=home)
        assert done.returncode == 2
        assert "Traceback" not in done.stderr
        assert "newer importdrill" in done.stderr + done.stdout
    assert (home / "progress.db").read_bytes() == before
    assert json.loads(importdrill("status", "--json", home=home).stdout)["error"]["kind"] == (
        "newer-state"
    )


OLD_STATE: dict[str, Any] = {
    "_comment": "importdrill progress: written by importdrill; edit at your own risk",
    "version": 1,
    "current": "mini-module",
    "problems": {
        "mini-predict": {
            "status": "solved",
            "hints_revealed": 1,
            "attempts": 3,
            "predictions": ["False\ndone\n", "True\ndone\n"],
            "solved_at": "2026-01-02T03:04:05+00:00",
        },
        "mini-module": {
            "status": "revealed",
            "hints_revealed": 0,
            "attempts": 1,
            "predictions": ["x\n"],
            "solved_at": None,
        },
        "mini-implement": {
            "status": "started",
            "hints_revealed": 2,
            "attempts": 0,
            "predictions": [],
            "solved_at": None,
        },
    },
}


def test_state_json_is_migrated_once_and_kept_as_a_backup(home: Path):
    home.mkdir(parents=True)
    raw = json.dumps(OLD_STATE, indent=2)
    (home / "state.json").write_text(raw, encoding="utf-8")
    done = importdrill("list", "--json", home=home)
    assert done.returncode == 0, done.stderr
    assert "state.json.bak" in done.stderr
    assert not (home / "state.json").exists()
    assert (home / "state.json.bak").read_text(encoding="utf-8") == raw
    saved = saved_state(home)
    assert saved["current"] == "mini-module"
    assert saved["problems"] == {slug: {**entry} for slug, entry in OLD_STATE["problems"].items()}
    rows = {r["slug"]: r for r in json.loads(done.stdout)["problems"]}
    assert rows["mini-predict"]["status"] == "solved"
    assert rows["mini-implement"]["hints_revealed"] == 2
    # Once: the next command neither migrates again nor notes anything.
    again = importdrill("list", home=home)
    assert again.returncode == 0 and again.stderr == ""
    assert saved_state(home) == saved


def test_migrations_from_two_processes_at_once_happen_once(home: Path):
    home.mkdir(parents=True)
    (home / "state.json").write_text(json.dumps(OLD_STATE), encoding="utf-8")
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "importdrill", "hint", "mini-module"],
            env=mini_pack_env(home),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    saved = saved_state(home)
    # Three hints asked for on top of the migrated state: mini-module has two to give.
    assert saved["problems"]["mini-module"]["hints_revealed"] == 2
    assert saved["problems"]["mini-predict"] == OLD_STATE["problems"]["mini-predict"]
    assert sorted(p.name for p in home.glob("state.json*")) == ["state.json.bak"]


def test_ctrl_c_during_verify_stops_every_run(tmp_path: Path, reap):
    # Each run writes its pid into a folder of this test's own: the processes are found by
    # that, not by matching command lines across a shared machine.
    pids = tmp_path / "pids"
    pids.mkdir()
    pack = tmp_path / "slow"
    pack.mkdir()
    base = (PACK / "mini-predict.yaml").read_text(encoding="utf-8")
    for n in range(4):
        slow = base.replace("slug: mini-predict", f"slug: slow-{n}").replace(
            '  print("done")\n',
            '  print("done")\n  import os, time\n'
            '  open(os.path.join(os.environ["VERIFY_PIDS"], str(os.getpid())), "w").close()\n'
            "  time.sleep(60)\n",
        )
        (pack / f"slow-{n}.yaml").write_text(slow, encoding="utf-8")
    env = mini_pack_env(tmp_path / "home", VERIFY_PIDS=str(pids))
    env["IMPORTDRILL_PATH"] = str(pack)
    proc = subprocess.Popen(
        [sys.executable, "-m", "importdrill", "verify", "--timeout", "60"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reap(proc)

    def running() -> list[int]:
        return [int(p.name) for p in pids.iterdir() if _alive(int(p.name))]

    # Generous: two interpreter starts on a loaded machine.
    wait_for(lambda: len(running()) >= 2, 30)
    assert len(running()) >= 2
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=15)
    assert time.monotonic() - sent < 2.0
    assert proc.returncode == 130
    assert running() == []


def _alive(pid: int) -> bool:
    """Whether the process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    return stat.rsplit(b")", 1)[1].split()[0] != b"Z"


def test_a_hundred_threads_start_under_the_default_memory_cap():
    code = (
        "import threading\n"
        "stop = threading.Event()\n"
        "threads = [threading.Thread(target=stop.wait) for _ in range(100)]\n"
        "for t in threads:\n"
        "    t.start()\n"
        "stop.set()\n"
        "print('started', len(threads))\n"
    )
    result = runner.run(runner.Program(code=code))
    assert result.stdout == "started 100\n", result.stderr[-500:]


def test_a_damaged_state_json_is_kept_and_the_drill_goes_on(home: Path):
    home.mkdir(parents=True)
    (home / "state.json").write_bytes(b'{"version": 1, "probl')
    done = importdrill("hint", "mini-predict", home=home)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert "damaged" in done.stderr and "state.json.bak" in done.stderr
    assert (home / "state.json.bak").read_bytes() == b'{"version": 1, "probl'
    assert saved_state(home)["problems"]["mini-predict"]["hints_revealed"] == 1
