"""Running a problem's program in a child interpreter, bounded in time, output and memory."""

from __future__ import annotations

import contextlib
import os
import selectors
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MEMORY_BYTES = 1 << 30
STDOUT_CAP_BYTES = 1 << 20
STDERR_CAP_BYTES = 256 << 10
# Files the learner's code writes are bounded too, so a runaway writer can't fill the disk.
FILE_SIZE_CAP_BYTES = 64 << 20
# After the child exits, its grandchildren are killed with it; this is how long we keep
# reading what they had already written before calling the run over.
DRAIN_GRACE_S = 0.2
RUN_MARKER_ENV = "IMPORTDRILL_RUN_ID"
RUN_DIR_PREFIX = "importdrill-run-"

# The child starts as `python -I -S -c BOOTSTRAP ...`: it sets the limits on itself and then
# exec()s the real command, so the limits are inherited while neither this code nor its
# arguments appear in the learner's traceback or sys.argv (no preexec_fn, which is unsafe
# with threads). It runs on every interpreter importdrill can target (3.9+).
BOOTSTRAP = """\
import os, sys
try:
    import resource
except ImportError:
    resource = None
if resource is not None:
    def cap(which, value):
        try:
            soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, hard))
        except (ValueError, OSError):
            pass
    memory, fsize = int(sys.argv[1]), int(sys.argv[2])
    if memory > 0:
        cap(resource.RLIMIT_AS, memory)
    cap(resource.RLIMIT_FSIZE, fsize)
    cap(resource.RLIMIT_CORE, 0)
os.execv(sys.argv[3], sys.argv[3:])
"""


@dataclass(frozen=True)
class Limits:
    """The bounds one run is held to."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_bytes: int = DEFAULT_MEMORY_BYTES
    stdout_bytes: int = STDOUT_CAP_BYTES
    stderr_bytes: int = STDERR_CAP_BYTES
    file_bytes: int = FILE_SIZE_CAP_BYTES


@dataclass(frozen=True)
class RunResult:
    """What a child run did: its output (decoded, capped) and how it ended."""

    stdout: str
    stderr: str
    returncode: int | None
    duration_s: float
    timed_out: bool = False
    output_limit: str | None = None  # "stdout" or "stderr" when that stream passed its cap
    output_cap: int = 0  # the cap that stream passed: what was kept of it
    memory_limit: bool = False

    @property
    def signal_name(self) -> str | None:
        """The signal that ended the child, when a signal did and we did not send it."""
        if self.returncode is None or self.returncode >= 0 or self.timed_out:
            return None
        try:
            return signal.Signals(-self.returncode).name
        except ValueError:
            return f"signal {-self.returncode}"


@dataclass(frozen=True)
class Program:
    """A program to run: the learner's file, where it goes, the files beside it, how to start."""

    code: str
    main: str = "main.py"
    files: Mapping[str, str] | None = None
    module: str | None = None  # run as `python -m module` instead of `python main`


def _write_tree(root: Path, program: Program) -> None:
    entries = dict(program.files or {})
    entries[program.main] = program.code
    for rel, content in entries.items():
        target = root.joinpath(*PurePosixPath(rel).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")


def _force_remove(func: Callable[[str], object], path: str, _exc: object) -> None:
    # The learner's code may have made files or folders read-only; make them writable and retry.
    with contextlib.suppress(OSError):
        os.chmod(os.path.dirname(path), stat.S_IRWXU)
        os.chmod(path, stat.S_IRWXU)
        func(path)


def remove_tree(root: Path) -> None:
    """Delete a run folder whatever the learner's code did to its permissions."""
    if sys.version_info >= (3, 12):
        shutil.rmtree(root, onexc=_force_remove)
    else:  # pragma: no cover - the CLI also runs on 3.11
        shutil.rmtree(root, onerror=_force_remove)


@contextlib.contextmanager
def run_folder() -> Iterator[Path]:
    """A fresh temporary folder for one run, removed afterwards whatever happened in it."""
    root = Path(tempfile.mkdtemp(prefix=RUN_DIR_PREFIX))
    try:
        yield root
    finally:
        with contextlib.suppress(OSError):
            remove_tree(root)


def child_command(python: str, program: Program, limits: Limits) -> list[str]:
    """The full argv of the child: the bootstrap, then the interpreter running the program."""
    # -X utf8 makes the child's stdio UTF-8 whatever the locale, so outputs compare the same
    # on every machine; -E -s keep PYTHON* variables and the user site out, and not -I, as
    # the script's folder on sys.path is part of what these problems teach.
    target = [python, "-X", "utf8", "-E", "-s"]
    target += ["-m", program.module] if program.module else [program.main]
    if os.name != "posix":  # pragma: no cover - no rlimits to set outside POSIX
        return target
    python_path = shutil.which(python) or python
    target[0] = python_path
    memory = limits.memory_bytes if limits.memory_bytes > 0 else 0
    return [
        python_path,
        "-I",
        "-S",
        "-c",
        BOOTSTRAP,
        str(memory),
        str(limits.file_bytes),
        *target,
    ]


# Children running now, so that an interrupted verify can stop all of its parallel runs at once.
_live: set[subprocess.Popen[bytes]] = set()
_live_lock = threading.Lock()


def kill_all() -> None:
    """Kill every child (and its group) that a run in this process has under way."""
    with _live_lock:
        running = list(_live)
    for proc in running:
        _kill_group(proc)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
        os.killpg(proc.pid, signal.SIGKILL)


def _kill_marked(marker: str) -> None:
    """Kill processes that left the child's group (setsid) but still carry this run's marker."""
    proc_root = Path("/proc")
    if not proc_root.is_dir():
        return
    needle = f"{RUN_MARKER_ENV}={marker}".encode()
    me = os.getpid()
    for entry in proc_root.iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if needle in environ.split(b"\0"):
            with contextlib.suppress(OSError):
                os.kill(int(entry.name), signal.SIGKILL)


def _child_env(run_dir: Path, marker: str) -> dict[str, str]:
    env = dict(os.environ)
    # Temporary files the learner's code makes land beside the run folder and go with it
    # (beside, not inside, so that listing the current folder shows only the problem's files).
    tmp = run_dir.parent / "tmp"
    tmp.mkdir(exist_ok=True)
    env["TMPDIR"] = str(tmp)
    env[RUN_MARKER_ENV] = marker
    return env


def _is_memory_error(stderr: str, returncode: int | None) -> bool:
    if returncode == 0:
        return False
    lines = [line for line in stderr.splitlines() if line.strip()]
    return bool(lines) and (
        lines[-1].startswith("MemoryError") or "Cannot allocate memory" in lines[-1]
    )


def run(
    program: Program,
    *,
    python: str | None = None,
    limits: Limits | None = None,
) -> RunResult:
    """Run a program in a fresh folder under limits, and return what it did."""
    limits = limits or Limits()
    with run_folder() as parent:
        root = parent / "run"
        root.mkdir()
        _write_tree(root, program)
        return _run_in(root, program, python or sys.executable, limits)


def _run_in(root: Path, program: Program, python: str, limits: Limits) -> RunResult:
    marker = uuid.uuid4().hex
    argv = child_command(python, program, limits)
    start = time.monotonic()
    try:
        proc = subprocess.Popen(
            argv,
            cwd=root,
            env=_child_env(root, marker),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group, so we can kill all it spawns
        )
    except OSError as exc:
        return RunResult(
            stdout="",
            stderr=f"could not start {python}: {exc.strerror or exc}",
            returncode=None,
            duration_s=0.0,
        )
    with _live_lock:
        _live.add(proc)
    try:
        return _collect(proc, root, limits, start)
    finally:
        with _live_lock:
            _live.discard(proc)
        # Whatever happened (a pass, a timeout, Ctrl-C in the parent), nothing it started lives on.
        _kill_group(proc)
        _kill_marked(marker)
        with contextlib.suppress(OSError):
            if proc.stdout:
                proc.stdout.close()
            if proc.stderr:
                proc.stderr.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=1)


def _collect(proc: subprocess.Popen[bytes], root: Path, limits: Limits, start: float) -> RunResult:
    assert proc.stdout is not None
    assert proc.stderr is not None
    caps = {"stdout": limits.stdout_bytes, "stderr": limits.stderr_bytes}
    buffers = {"stdout": bytearray(), "stderr": bytearray()}
    deadline = start + limits.timeout_s
    timed_out = False
    over: str | None = None
    selector = selectors.DefaultSelector()
    for name, stream in (("stdout", proc.stdout), ("stderr", proc.stderr)):
        os.set_blocking(stream.fileno(), False)
        selector.register(stream.fileno(), selectors.EVENT_READ, name)
    open_streams = 2
    exited_at: float | None = None
    with selector:
        while open_streams:
            now = time.monotonic()
            if exited_at is None and proc.poll() is not None:
                exited_at = now
                # Grandchildren that still hold the pipes must not keep the run alive.
                _kill_group(proc)
            limit_at = deadline if exited_at is None else min(deadline, exited_at + DRAIN_GRACE_S)
            if now >= limit_at:
                if exited_at is None:
                    timed_out = True
                break
            events = selector.select(timeout=min(limit_at - now, 0.05))
            for key, _ in events:
                name = key.data
                try:
                    chunk = os.read(key.fd, 65536)
                except BlockingIOError:
                    continue
                if not chunk:
                    selector.unregister(key.fd)
                    open_streams -= 1
                    continue
                room = caps[name] - len(buffers[name])
                buffers[name] += chunk[: max(room, 0)]
                if len(chunk) > room:
                    over = over or name
            if over:
                break
    if timed_out or over:
        _kill_group(proc)
    try:
        returncode: int | None = proc.wait(timeout=1)
    except subprocess.TimeoutExpired:
        returncode = None
    duration = time.monotonic() - start
    stdout = buffers["stdout"].decode("utf-8", errors="replace")
    stderr = buffers["stderr"].decode("utf-8", errors="replace")
    # Tracebacks name files by their path in the throwaway run folder; the learner knows
    # them by their path relative to it.
    stderr = stderr.replace(str(root) + os.sep, "")
    return RunResult(
        stdout=stdout,
        stderr=stderr,
        returncode=None if (timed_out or over) else returncode,
        duration_s=duration,
        timed_out=timed_out,
        output_limit=over,
        output_cap=caps[over] if over else 0,
        memory_limit=not timed_out and not over and _is_memory_error(stderr, returncode),
    )
