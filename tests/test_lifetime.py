"""No learner process outlives its check, whatever happens to importdrill.

Each test runs `importdrill check` on a problem whose program starts a grandchild that leaves
(its own session, an empty environment) and then never ends. The program writes the two pids into
a folder of the test's own, and the grandchild carries a token of the test's own in its
argv: processes are found by those, never by matching command lines across the machine.
The promise is the assertion: within 2 s past the check's timeout (generously, 2 s past the
moment the test expects the end, on a loaded machine), no such process lives, and no run
folder is left in the test's own temp folder.
"""

from __future__ import annotations

import os
import select
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pexpect
import pytest

from importdrill.core import runner

from .helpers import mini_pack_env, snapshot, wait_for

TIMEOUT_S = 4
# How long to wait for the program to have started: an interpreter start on a loaded machine.
START_DEADLINE_S = 30

PROGRAM = """\
import os, subprocess, sys, time
from pathlib import Path

marks = Path(os.environ["LIFETIME_MARKS"])
# A grandchild that tries to escape: a session of its own and an empty environment.
child = subprocess.Popen(
    [sys.executable, "-c", "import time; time.sleep(600)", os.environ["LIFETIME_TOKEN"]],
    start_new_session=True, env={},
    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
)
(marks / "grandchild.tmp").write_text(str(child.pid))
(marks / "grandchild.tmp").rename(marks / "grandchild")
(marks / "program.tmp").write_text(str(os.getpid()))
(marks / "program.tmp").rename(marks / "program")
if os.environ.get("LIFETIME_KILL_PARENT"):
    os.kill(os.getppid(), 9)
while True:  # asleep, not spinning: a busy loop would only take a core from the other tests
    time.sleep(0.05)
"""


def write_pack(folder: Path) -> Path:
    folder.mkdir()
    code = "".join(f"  {line}\n" if line else "\n" for line in PROGRAM.splitlines())
    (folder / "spinner.yaml").write_text(
        "slug: spinner\ntitle: A program that never ends\ndifficulty: easy\norder: 1\n"
        "kind: predict\ntags: [sys.modules]\nprompt: |\n  What does it print?\n"
        f"code: |\n{code}expected_output: |\n  nothing\nhints: [Wait., Wait more.]\n"
        "explanation: |\n  It never ends.\n",
        encoding="utf-8",
    )
    return folder


def alive(pid: int, token: str | None = None) -> bool:
    """Whether the process runs (a zombie does not), and carries the token when one is given."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    if stat.rsplit(b")", 1)[1].split()[0] == b"Z":
        return False
    return token is None or token.encode() in cmdline.split(b"\0")


class Check:
    """One `importdrill check` of the spinner, with its marks folder and token."""

    def __init__(self, tmp_path: Path, *, kill_parent: bool = False) -> None:
        self.marks = tmp_path / "marks"
        self.marks.mkdir()
        self.token = f"lifetime-{uuid.uuid4().hex}"
        self.temp = Path(tempfile.gettempdir())  # the test's own (conftest)
        self.env = mini_pack_env(
            tmp_path / "home",
            IMPORTDRILL_PATH=str(write_pack(tmp_path / "pack")),
            LIFETIME_MARKS=str(self.marks),
            LIFETIME_TOKEN=self.token,
            TMPDIR=str(self.temp),
        )
        if kill_parent:
            self.env["LIFETIME_KILL_PARENT"] = "1"
        self.prediction = tmp_path / "prediction.txt"
        self.prediction.write_text("nothing\n", encoding="utf-8")
        self.argv = [
            sys.executable,
            "-m",
            "importdrill",
            "check",
            "spinner",
            "--predict-file",
            str(self.prediction),
            "--timeout",
            str(TIMEOUT_S),
        ]

    def start(self) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.argv,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def pids(self) -> tuple[int, int]:
        assert wait_for(lambda: (self.marks / "program").exists(), START_DEADLINE_S)
        return int((self.marks / "program").read_text()), int(
            (self.marks / "grandchild").read_text()
        )

    def assert_nothing_left(self, program: int, grandchild: int, seconds: float) -> None:
        assert wait_for(
            lambda: not alive(program) and not alive(grandchild, self.token), seconds
        ), "a learner process outlived its check"
        assert wait_for(lambda: not self.run_folders(), seconds), self.run_folders()

    def run_folders(self) -> list[str]:
        return [p.name for p in self.temp.iterdir() if p.name.startswith(runner.RUN_DIR_PREFIX)]


pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")


@pytest.mark.slow  # waits out the check's 4 s timeout
def test_a_check_that_times_out_leaves_nothing(tmp_path: Path):
    check = Check(tmp_path)
    proc = check.start()
    program, grandchild = check.pids()
    out, err = proc.communicate(timeout=TIMEOUT_S + 30)
    assert proc.returncode == 1, err
    assert "still running after" in out + err
    check.assert_nothing_left(program, grandchild, 2)


@pytest.mark.parametrize(
    ("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)]
)
def test_a_signal_to_importdrill_stops_every_learner_process(
    tmp_path: Path, signum: int, status: int
):
    check = Check(tmp_path)
    home = tmp_path / "home"
    proc = check.start()
    program, grandchild = check.pids()
    proc.send_signal(signum)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == status, err
    assert "Traceback" not in err
    check.assert_nothing_left(program, grandchild, 2)
    # Nothing of the interrupted check was recorded.
    saved = snapshot(home)
    assert saved is None or ("spinner" not in saved[0].problems and saved[1] == [])


def test_kill_9_of_importdrill_stops_every_learner_process(tmp_path: Path):
    check = Check(tmp_path)
    proc = check.start()
    program, grandchild = check.pids()
    proc.kill()
    proc.communicate(timeout=30)
    # Nothing is left to clean up but the supervisor, which notices its parent's death.
    check.assert_nothing_left(program, grandchild, 2)


def test_a_program_that_kills_its_parent_is_still_stopped(tmp_path: Path):
    check = Check(tmp_path, kill_parent=True)
    proc = check.start()
    program, grandchild = check.pids()
    _out, err = proc.communicate(timeout=TIMEOUT_S + 30)
    assert "Traceback" not in err
    assert proc.returncode == 1
    check.assert_nothing_left(program, grandchild, 2)


def test_a_folder_left_by_a_killed_importdrill_is_removed_by_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(runner, "_swept", False)  # as in a fresh importdrill process
    temp = Path(tempfile.gettempdir())
    # An owner that is surely gone: a process we started and reaped.
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    left = temp / f"{runner.RUN_DIR_PREFIX}left"
    (left / "run").mkdir(parents=True)
    (left / runner.OWNER_FILE).write_text(f"{gone.stdout.strip()} 1", encoding="ascii")
    # One whose owner runs (this test) must stay.
    mine = temp / f"{runner.RUN_DIR_PREFIX}mine"
    mine.mkdir()
    (mine / runner.OWNER_FILE).write_text(runner._owner_line(), encoding="ascii")
    result = runner.run(runner.Program(code="print('ok')\n"))
    assert result.stdout == "ok\n"
    assert not left.exists()
    assert mine.exists()
    # Once per process: a folder left after the sweep waits for the next importdrill.
    (left / "run").mkdir(parents=True)
    (left / runner.OWNER_FILE).write_text(f"{gone.stdout.strip()} 1", encoding="ascii")
    runner.run(runner.Program(code="print('ok')\n"))
    assert left.exists()


@pytest.mark.slow  # stays stopped for longer than a 3 s timeout
def test_ctrl_z_stops_the_program_and_its_time_is_not_counted(tmp_path: Path):
    """Stopped for longer than the timeout, the check still passes: the program was stopped
    too, and stopped time is neither run time nor reported time."""
    marks = tmp_path / "marks"
    marks.mkdir()
    pack = tmp_path / "pack"
    pack.mkdir()
    code = (
        "  import os, time\n"
        "  from pathlib import Path\n"
        # Written whole, then renamed: the test reads it the moment it exists.
        "  Path(os.environ['LIFETIME_MARKS'], 'tmp').write_text(str(os.getpid()))\n"
        "  Path(os.environ['LIFETIME_MARKS'], 'tmp').rename(Path(os.environ['LIFETIME_MARKS'], 'program'))\n"
        "  time.sleep(1.5)\n"
        "  print('done')\n"
    )
    (pack / "sleeper.yaml").write_text(
        "slug: sleeper\ntitle: A program that sleeps\ndifficulty: easy\norder: 1\n"
        "kind: predict\ntags: [sys.modules]\nprompt: |\n  What does it print?\n"
        f"code: |\n{code}expected_output: |\n  done\nhints: [Wait., Wait more.]\n"
        "explanation: |\n  It sleeps.\n",
        encoding="utf-8",
    )
    prediction = tmp_path / "prediction.txt"
    prediction.write_text("done\n", encoding="utf-8")
    env = mini_pack_env(tmp_path / "home", IMPORTDRILL_PATH=str(pack), LIFETIME_MARKS=str(marks))
    timeout = 3.0
    # Under an interactive shell, as a learner runs it: Ctrl-Z stops a job only where a shell
    # with job control can continue it (the kernel ignores it in an orphaned process group).
    child = pexpect.spawn(
        "bash",
        ["--norc", "--noprofile", "-i"],
        env={**env, "PS1": "ready> "},
        encoding="utf-8",
        timeout=60,
    )
    try:
        child.expect_exact("ready> ")
        command = shlex.join(
            [
                sys.executable,
                "-m",
                "importdrill",
                "check",
                "sleeper",
                "--predict-file",
                str(prediction),
                "--timeout",
                str(timeout),
            ]
        )
        child.sendline(command)
        assert wait_for(lambda: (marks / "program").exists(), START_DEADLINE_S)
        program = int((marks / "program").read_text())
        child.sendcontrol("z")
        assert wait_for(lambda: _state(program) == "T", 10), "the program was not stopped"
        child.expect_exact("ready> ")
        stopped = time.monotonic()
        # Stay stopped for longer than the whole timeout; the program must stay stopped too.
        while time.monotonic() - stopped < timeout + 1:
            assert _state(program) == "T"
            time.sleep(0.1)
        child.sendline("fg")
        child.expect_exact("ready> ")
        output = child.before
        child.sendline("echo status=$?")
        child.expect(r"status=(\d+)")
        status = int(child.match.group(1))
    finally:
        child.close(force=True)
    assert status == 0, output
    assert "still running" not in output


def _state(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[1].split()[0].decode()
    except OSError:
        return None


def test_a_run_starts_one_interpreter(tmp_path: Path):
    """The program's parent is a fork of importdrill, not a second interpreter started for it
    (issue 14): its command line is this process's own."""
    code = "import os\nprint(open(f'/proc/{os.getppid()}/cmdline', 'rb').read().hex())\n"
    result = runner.run(runner.Program(code=code))
    assert result.finished, result.stderr
    assert bytes.fromhex(result.stdout.strip()) == Path("/proc/self/cmdline").read_bytes()


def test_the_supervisor_holds_no_descriptor_of_ours(tmp_path: Path):
    """A fork inherits every open descriptor; the supervisor closes them, or a pipe of another
    run (verify runs them side by side) would not reach EOF until this run ended."""
    mark, stop = tmp_path / "started", tmp_path / "stop"
    # The program waits for the test to say stop (once its assertion has held), not for a
    # timeout: the timeout only bounds a run whose test failed.
    code = (
        f"from pathlib import Path\nimport time\nPath({str(mark)!r}).touch()\n"
        f"while not Path({str(stop)!r}).exists():\n    time.sleep(0.02)\n"
    )
    read_end, write_end = os.pipe()
    results: list[runner.RunResult] = []
    limits = runner.Limits(timeout_s=30)
    thread = threading.Thread(
        target=lambda: results.append(runner.run(runner.Program(code=code), limits=limits))
    )
    thread.start()
    try:
        assert wait_for(mark.exists, START_DEADLINE_S)
        os.close(write_end)
        # With no other copy of the write end, EOF comes at once; a copy held by the
        # supervisor would hold it back until the run ended.
        readable = wait_for(lambda: select_readable(read_end), 4)
        assert readable and os.read(read_end, 1) == b""
    finally:
        stop.touch()
        thread.join(timeout=60)
        os.close(read_end)
    assert results and results[0].returncode == 0


def select_readable(fd: int) -> bool:
    return bool(select.select([fd], [], [], 0)[0])


@pytest.mark.parametrize("lists", [True, False], ids=["children-lists", "process-table"])
def test_children_are_found_with_or_without_the_kernel_s_lists(
    lists: bool, monkeypatch: pytest.MonkeyPatch
):
    """A kernel without /proc/PID/task/TID/children falls back to the whole process table;
    either way a child is found, and a process that is gone has none."""
    from importdrill.core import supervisor

    monkeypatch.setattr(supervisor, "_children_lists", lists)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert child.pid in supervisor.children(os.getpid())
        assert child.pid in supervisor.descendants(os.getpid())
    finally:
        child.kill()
        child.wait()
    assert supervisor.children(child.pid) == set()
    assert child.pid not in supervisor.children(os.getpid())


def _gone(pid: int) -> bool:
    return _state(pid) in (None, "Z")  # a zombie is dead; this process may reap it later


def test_a_prepared_supervisor_runs_the_next_program():
    """check forks its run's supervisor before it has looked the problem up; the next run
    in the process is started by that one (its pid is the program's parent)."""
    runner.prepare()
    assert runner._prepared is not None
    prepared = runner._prepared.supervisor.pid
    result = runner.run(runner.Program(code="import os\nprint(os.getppid())\n"))
    assert result.finished, result.stderr
    assert result.stdout.strip() == str(prepared)
    assert runner._prepared is None


def test_a_prepared_supervisor_no_run_took_leaves_nothing():
    from importdrill.core import supervisor

    runner.prepare()
    assert runner._prepared is not None
    pid = runner._prepared.supervisor.pid
    # Its fork for the program, waiting for the launch.
    assert wait_for(lambda: bool(supervisor.children(pid)), START_DEADLINE_S)
    (waiting,) = supervisor.children(pid)
    runner.cancel_prepared()
    assert runner._prepared is None
    assert wait_for(lambda: _gone(pid) and _gone(waiting), 5)


def test_kill_9_of_importdrill_with_a_prepared_supervisor_leaves_nothing(tmp_path: Path):
    """importdrill killed between preparing a supervisor and launching it: the parent-death
    signal ends the supervisor, and the supervisor's end its waiting fork."""
    script = (
        "import sys, time\n"
        "from importdrill.core import runner, supervisor\n"
        "runner.prepare()\n"
        "pid = runner._prepared.supervisor.pid\n"
        "while not supervisor.children(pid):\n"
        "    time.sleep(0.01)\n"
        "print(pid, *supervisor.children(pid), flush=True)\n"
        "time.sleep(600)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=tmp_path
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # the pids, or "" if it died (then the test fails here)
        pids = [int(p) for p in line.split()]
        assert len(pids) == 2, line
        proc.kill()
        proc.wait(timeout=START_DEADLINE_S)
        assert wait_for(lambda: all(_gone(p) for p in pids), 5)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
