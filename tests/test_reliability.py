"""Hostile learner programs: each gets its verdict in bounded time and leaves nothing behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from importdrill import judge, runner
from importdrill.progress import State, Store

from .conftest import HOSTILE, PACK, mini_pack_env

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


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
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
    deadline = time.monotonic() + 2
    while processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
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


def test_ctrl_c_mid_check_kills_the_child_and_keeps_state(home: Path):
    assert importdrill("start", "mini-implement", "--no-edit", home=home).returncode == 0
    assert importdrill("hint", home=home).returncode == 0
    state_before = (home / "state.json").read_bytes()
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
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not (pid_file.exists() and pid_file.read_text()):
        time.sleep(0.02)
    learner_pid = int(pid_file.read_text())
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=10)
    assert time.monotonic() - sent < 1.0
    assert proc.returncode == 130
    assert "Traceback" not in err and "interrupted" in err
    with pytest.raises(ProcessLookupError):
        os.kill(learner_pid, 0)
    assert (home / "state.json").read_bytes() == state_before


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
    for proc in procs:
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    state = json.loads((home / "state.json").read_text(encoding="utf-8"))
    assert state["problems"]["mini-predict"]["hints_revealed"] == 2
    assert state["problems"]["mini-predict"]["attempts"] == 2
    assert state["problems"]["mini-predict"]["status"] == "solved"
    assert state["problems"]["mini-module"]["hints_revealed"] == 2


WRITER = """
import sys
from pathlib import Path
from importdrill.progress import Store
store = Store(Path(sys.argv[1]), Path(sys.argv[2]))
i = 0
print("ready", flush=True)
while True:
    i += 1
    with store.change() as state:
        state.current = f"p{i}"
        for n in range(200):
            state.touch(f"problem-{n}").attempts = i
"""


def test_kill_9_mid_write_leaves_old_or_new_state(tmp_path: Path):
    state_path, lock_path = tmp_path / "state.json", tmp_path / "state.lock"
    for round_ in range(12):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(state_path), str(lock_path)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        time.sleep(0.02 + 0.013 * round_)
        proc.kill()
        proc.communicate()
        store = Store(state_path, lock_path)
        state = store.load()
        assert store.notices == []  # never damaged
        assert state.current is None or state.current.startswith("p")
        if state.current:
            attempts = {ps.attempts for ps in state.problems.values()}
            assert len(attempts) == 1  # one whole write, not half of two
    leftovers = [p.name for p in tmp_path.iterdir() if p.name not in ("state.json", "state.lock")]
    # A killed writer may leave its temporary file; it is never mistaken for the state.
    assert all(name.startswith(".state.json.") for name in leftovers)


@pytest.mark.parametrize(
    "content", [b"", b'{"version": 1, "current": "x", "probl', b"\x00\xff garbage", b"[1, 2, 3]"]
)
def test_damaged_state_is_kept_aside_and_reported(content: bytes, tmp_path: Path):
    state_path = tmp_path / "state.json"
    state_path.write_bytes(content)
    store = Store(state_path, tmp_path / "state.lock")
    assert store.load() == State()
    assert len(store.notices) == 1 and "damaged" in store.notices[0]
    backups = list(tmp_path.glob("state.json.damaged-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == content
    assert str(backups[0]) in store.notices[0]
    with store.change() as state:
        state.current = "fresh"
    assert Store(state_path, tmp_path / "state.lock").load().current == "fresh"


def test_damaged_state_through_the_cli(home: Path):
    home.mkdir(parents=True)
    (home / "state.json").write_text("{oops", encoding="utf-8")
    done = importdrill("list", home=home)
    assert done.returncode == 0
    assert "Traceback" not in done.stderr
    assert "damaged" in done.stderr and "state.json.damaged-" in done.stderr


def test_lock_held_too_long_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import fcntl

    from importdrill import progress
    from importdrill.errors import StateError

    monkeypatch.setattr(progress, "LOCK_TIMEOUT_S", 0.3)
    lock_path = tmp_path / "state.lock"
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        store = Store(tmp_path / "state.json", lock_path)
        with pytest.raises(StateError, match="held the lock"), store.change():
            pass
    finally:
        os.close(fd)


def test_ctrl_c_during_verify_stops_every_run(tmp_path: Path):
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

    def running() -> list[int]:
        return [int(p.name) for p in pids.iterdir() if _alive(int(p.name))]

    # Generous: two interpreter starts on a loaded machine.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(running()) < 2:
        time.sleep(0.05)
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
