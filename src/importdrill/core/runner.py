"""Running a problem's program in a child interpreter, bounded in time, output and memory."""

from __future__ import annotations

import atexit
import contextlib
import gc
import math
import os
import selectors
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from . import fsclean, safepaths, supervisor
from .errors import ProblemFileError, RunFolderError

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MEMORY_BYTES = 1 << 30
STDOUT_CAP_BYTES = 1 << 20
STDERR_CAP_BYTES = 256 << 10
# Files the learner's code writes are bounded too, so a runaway writer can't fill the disk.
FILE_SIZE_CAP_BYTES = 64 << 20
# After the child exits, its grandchildren are killed with it; this is how long we keep
# reading what they had already written before calling the run over.
DRAIN_GRACE_S = 0.2
RUN_DIR_PREFIX = "importdrill-run-"


class Limits(NamedTuple):
    """The bounds one run is held to."""

    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_bytes: int = DEFAULT_MEMORY_BYTES
    stdout_bytes: int = STDOUT_CAP_BYTES
    stderr_bytes: int = STDERR_CAP_BYTES
    file_bytes: int = FILE_SIZE_CAP_BYTES


class RunResult(NamedTuple):
    """What a child run did: its output (decoded, capped) and how it ended."""

    stdout: str
    stderr: str
    returncode: int | None
    duration_s: float
    timed_out: bool = False
    output_limit: str | None = None  # "stdout" or "stderr" when that stream passed its cap
    output_cap: int = 0  # the cap that stream passed: what was kept of it
    memory_limit: bool = False
    # A run of an order or which-file problem has the answer it recorded as its stdout; the
    # program's own stdout is kept here, and the import tree (order) beside it. None: a plain
    # run, whose stdout is the program's own.
    program_stdout: str | None = None
    tree: str | None = None

    @property
    def finished(self) -> bool:
        """Whether the run ended on its own with status 0, so that its output is an answer."""
        return (
            self.returncode == 0
            and not self.timed_out
            and not self.output_limit
            and not self.memory_limit
        )

    @property
    def signal_name(self) -> str | None:
        """The signal that ended the child, when a signal did and we did not send it."""
        if self.returncode is None or self.returncode >= 0 or self.timed_out:
            return None
        try:
            return signal.Signals(-self.returncode).name
        except ValueError:
            return f"signal {-self.returncode}"


class Program(NamedTuple):
    """A program to run: the learner's file, where it goes, the files beside it, how to start."""

    code: str
    main: str = "main.py"
    files: Mapping[str, str] | None = None
    module: str | None = None  # run as `python -m module` instead of `python main`
    # How one run of a problem starts it: a file to run instead of main (a driver), the
    # working folder ("." the run folder, "sub/dir" in it, "../name" an empty folder beside
    # it), arguments, extra environment variables, and the text on standard input.
    entry: str | None = None
    cwd: str = "."
    args: tuple[str, ...] = ()
    env: Mapping[str, str] | None = None
    stdin: str | None = None
    # Interpreter options put before the script or -m (`-X importtime` records an order).
    options: tuple[str, ...] = ()


def _write_tree(root: Path, program: Program) -> None:
    entries = dict(program.files or {})
    entries[program.main] = program.code
    for rel, content in entries.items():
        try:
            target = safepaths.inside(root, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target = safepaths.inside(root, rel)  # the folders made on the way hold no link
        except safepaths.UnsafePathError as exc:
            raise ProblemFileError(f"a file of the program cannot be laid out: {exc}") from None
        # O_NOFOLLOW: a file of the tree is never written through a link.
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
        with open(fd, "w", encoding="utf-8") as handle:
            handle.write(content)


def remove_tree(root: Path) -> None:
    """Delete a run folder whatever the learner's code did to it (its permissions, its depth:
    thousands of levels, deeper than PATH_MAX); OSError if some of it cannot be removed."""
    fsclean.remove_tree(root)


# Each run folder names its owner (pid and start time), so that a folder left by an
# importdrill that was killed outright is known for what it is and removed by the next run.
OWNER_FILE = "owner"
# A folder without an owner file may be one another importdrill has only just made.
UNOWNED_GRACE_S = 60.0


def _start_time(pid: int) -> str | None:
    """The start time of a process (clock ticks since boot), or None when it is gone."""
    fields = supervisor.stat_fields(pid)
    return fields[19].decode() if fields and len(fields) > 19 else None


def _owner_line() -> str:
    pid = os.getpid()
    return f"{pid} {_start_time(pid) or '-'}"


def _owner_gone(folder: Path) -> bool:
    try:
        pid_text, started = (folder / OWNER_FILE).read_text(encoding="utf-8").split()
        pid = int(pid_text)
    except FileNotFoundError:
        try:
            return time.time() - folder.stat().st_mtime > UNOWNED_GRACE_S
        except OSError:
            return False
    except (OSError, ValueError, UnicodeDecodeError):
        return False
    if not Path("/proc").is_dir():  # pragma: no cover - no way to tell elsewhere
        return False
    now = _start_time(pid)
    return now is None or started not in ("-", now)


_swept = False


def remove_stale_run_folders() -> list[Path]:
    """Remove the run folders (of this user) whose importdrill is no longer running.

    Once per process: a folder is left only by an importdrill killed outright, and the next
    one to run a program sweeps it; verify's hundreds of runs need not scan the temp folder
    each time.
    """
    global _swept  # noqa: PLW0603 - once per process
    removed: list[Path] = []
    if _swept:
        return removed
    _swept = True
    try:
        # gettempdir() itself fails (FileNotFoundError) when no candidate folder is writable.
        temp = Path(tempfile.gettempdir())
        entries = list(os.scandir(temp))
    except OSError:
        return removed
    uid = os.getuid() if hasattr(os, "getuid") else None
    for entry in entries:
        if not entry.name.startswith(RUN_DIR_PREFIX):
            continue
        try:
            if not entry.is_dir(follow_symlinks=False) or (
                uid is not None and entry.stat(follow_symlinks=False).st_uid != uid
            ):
                continue
        except OSError:
            continue
        folder = Path(entry.path)
        if _owner_gone(folder):
            try:
                remove_tree(folder)
            except OSError as exc:
                _set_aside(folder, exc)
            removed.append(folder)
    return removed


# A run folder that cannot be removed is renamed with this prefix, so that it is reported
# once and no later sweep tries it again.
STUCK_PREFIX = "importdrill-unremovable-"


def _set_aside(folder: Path, exc: OSError) -> None:
    """Report a run folder that cannot be removed, once: it is renamed out of the sweep's way
    (and left alone if even that fails: a later sweep fails on it quietly again)."""
    aside = folder.with_name(STUCK_PREFIX + folder.name[len(RUN_DIR_PREFIX) :])
    try:
        folder.rename(aside)
    except OSError:
        return
    fsclean.notices.append(
        f"a run folder left by an earlier check could not be removed ({exc.strerror or exc}); "
        f"it was moved to {aside}: remove it by hand"
    )


@contextlib.contextmanager
def run_folder() -> Iterator[Path]:
    """A fresh temporary folder for one run, removed afterwards whatever happened in it."""
    remove_stale_run_folders()
    try:
        root = Path(tempfile.mkdtemp(prefix=RUN_DIR_PREFIX))
        (root / OWNER_FILE).write_text(_owner_line(), encoding="utf-8")
    except OSError as exc:
        raise RunFolderError(_temp_named(), exc) from None
    try:
        yield root
    finally:
        try:
            remove_tree(root)
        except OSError as exc:
            _set_aside(root, exc)


def _temp_named() -> str:
    """The temporary folder, as a message names it (gettempdir fails when there is none)."""
    try:
        return tempfile.gettempdir()
    except OSError:
        return os.environ.get("TMPDIR") or "the temporary folder (TMPDIR, /tmp, /var/tmp)"


def program_command(python: str, program: Program, run_dir: Path | None = None) -> list[str]:
    """The argv that runs the program, as a learner would type it in the run's folder."""
    # -X utf8 makes the child's stdio UTF-8 whatever the locale, so outputs compare the same
    # on every machine; -E -s keep PYTHON* variables and the user site out, and not -I, as
    # the script's folder on sys.path is part of what these problems teach.
    target = [shutil.which(python) or python, "-X", "utf8", "-E", "-s", *program.options]
    script = program.entry or program.main
    if run_dir is not None and program.cwd != ".":
        # The path a learner would type from that folder (`../run/tests/test_ops.py`).
        script = os.path.relpath(run_dir / script, workdir(run_dir, program))
    target += ["-m", program.module] if program.module and not program.entry else [script]
    return target + list(program.args)


def workdir(root: Path, program: Program) -> Path:
    """The folder a run starts in: the run folder, a folder in it, or one beside it."""
    return Path(os.path.normpath(root.joinpath(*PurePosixPath(program.cwd).parts)))


def _feed(fd: int, text: str) -> None:
    """Write a run's standard input and close it, so that the program then reads EOF."""
    data = memoryview(text.encode("utf-8"))
    with contextlib.suppress(OSError):  # the program may end (and close its end) unread
        while data:
            data = data[os.write(fd, data) :]
    with contextlib.suppress(OSError):
        os.close(fd)


# Runs under way, so that an interrupted verify can stop all of its parallel runs at once.
_live: set[supervisor.Supervisor] = set()
_live_lock = threading.Lock()


_prepared: supervisor.Waiting | None = None  # see prepare()


def prepare() -> None:
    """Fork the next run's supervisor now, before the caller knows what it will run: what
    the supervisor and the program's side can do without the program (joining the pids
    cgroup, which waits for the kernel) then happens while the caller looks the program up
    (supervisor.prepare). The next run() in this process takes it; one that never comes is
    cancelled at exit, and if importdrill dies first its parent-death signal ends it."""
    global _prepared  # noqa: PLW0603 - one per process
    with _live_lock:
        if _prepared is not None:
            return
        supervisor.become_subreaper()
        _prepared = supervisor.prepare()
        _live.add(_prepared.supervisor)
        global _cancel_at_exit  # noqa: PLW0603 - registered once per process
        if not _cancel_at_exit:
            _cancel_at_exit = True
            atexit.register(cancel_prepared)


_cancel_at_exit = False


def cancel_prepared() -> None:
    """Cancel the supervisor prepare() forked, if no run has taken it."""
    global _prepared
    with _live_lock:
        waiting, _prepared = _prepared, None
        if waiting is not None:
            _live.discard(waiting.supervisor)
    if waiting is not None:
        waiting.cancel()


def kill_all() -> None:
    """Kill every run (its supervisor's whole group) that this process has under way."""
    with _live_lock:
        running = list(_live)
    for proc in running:
        supervisor.kill_group(proc.pid)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except OSError:
        return False  # not a process left in it, not even a zombie
    processes = supervisor.processes()
    return any(g == group and state != "Z" for _pid, state, _ppid, g in processes)


def _kill_orphans(before: set[int], group: int) -> None:
    """Kill processes that became our children during the run: orphans of the learner's
    program, adopted because the learner killed its supervisor."""
    # A dying process hands its children on only at the very end of its exit, after its
    # pipes are closed: wait until the run's process group has finished dying.
    deadline = time.monotonic() + supervisor.STOP_GRACE_S
    while _group_alive(group) and time.monotonic() < deadline:
        time.sleep(0.01)
    me = os.getpid()
    for _ in range(50):
        live = {proc.pid for proc in _live}
        adopted = supervisor.children(me) - before - live
        if not adopted:
            return
        for pid in adopted:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        # Reaping them hands their own children on to us, for the next round.
        for pid in adopted:
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)


@contextlib.contextmanager
def _pausable() -> Iterator[list[float]]:
    """While a run is under way, Ctrl-Z stops the learner's program with importdrill, and the
    time spent stopped is recorded so that it counts neither towards the timeout nor in the
    reported duration."""
    pauses: list[float] = []
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTSTP"):
        yield pauses
        return

    def on_stop(signum: int, frame: object) -> None:
        stopped = time.monotonic()
        with _live_lock:
            groups = [proc.pid for proc in _live]
        for group in groups:
            with contextlib.suppress(OSError):
                os.killpg(group, signal.SIGSTOP)
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTSTP)  # stop here, as Ctrl-Z means; resumed by fg
        signal.signal(signal.SIGTSTP, on_stop)
        for group in groups:
            with contextlib.suppress(OSError):
                os.killpg(group, signal.SIGCONT)
        pauses.append(time.monotonic() - stopped)

    previous = signal.signal(signal.SIGTSTP, on_stop)
    try:
        yield pauses
    finally:
        signal.signal(signal.SIGTSTP, previous)


# Variables that lead to the learner's progress and workspace: a program (a pack's, say)
# must not be able to rewrite them.
PRIVATE_ENV_PREFIXES = ("IMPORTDRILL_",)


def _child_env(run_dir: Path, limits: Limits) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(PRIVATE_ENV_PREFIXES)}
    if limits.memory_bytes > 0:
        # The memory cap limits address space, and glibc reserves 64 MiB of it for each
        # thread's malloc arena: 1 GiB held only about 20 threads. Two arenas shared by all
        # threads leave room for about a hundred (each stack still reserves 8 MiB).
        env.setdefault("MALLOC_ARENA_MAX", "2")
    # Temporary files the learner's code makes land beside the run folder and go with it
    # (beside, not inside, so that listing the current folder shows only the problem's files),
    # and so does its home: the learner's real home holds importdrill's own data.
    tmp = run_dir.parent / "tmp"
    tmp.mkdir(exist_ok=True)
    home = run_dir.parent / "home"
    home.mkdir(exist_ok=True)
    env["TMPDIR"] = str(tmp)
    env["HOME"] = str(home)
    env.pop("XDG_DATA_HOME", None)
    return env


def _is_memory_error(stderr: str, returncode: int | None) -> bool:
    if returncode == 0:
        return False
    lines = [line for line in stderr.splitlines() if line.strip()]
    return bool(lines) and (
        lines[-1].startswith("MemoryError") or "Cannot allocate memory" in lines[-1]
    )


# What the loop that waits for a run calls as it waits (every 50 ms at most): the program's
# name and the seconds it has run, time stopped (Ctrl-Z) not counted. A view's spinner, set by
# `ticking`; drawn by that loop, never by a thread (one alive across the supervisor's fork is
# unsafe).
_tick: Callable[[str, float], object] | None = None


@contextlib.contextmanager
def ticking(tick: Callable[[str, float], object]) -> Iterator[None]:
    """Call tick while waiting for each run inside the block."""
    global _tick  # noqa: PLW0603 - one waiting loop at a time in a process that shows one
    before, _tick = _tick, tick
    try:
        yield
    finally:
        _tick = before


def program_name(program: Program) -> str:
    """How a run is named while it runs: what `python` is given, with its arguments."""
    name = f"-m {program.module}" if program.module else (program.entry or program.main)
    return " ".join([name, *program.args])


def run(
    program: Program,
    *,
    python: str | None = None,
    limits: Limits | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> RunResult:
    """Run a program in a fresh folder under limits, and return what it did.

    meanwhile is the caller's own work to do while the program runs: it is called once the
    program has started, before its output is read (which waits in the pipes), so that what
    a check needs next (modules to import, say) costs no time of its own on a free core.
    """
    limits = limits or Limits()
    with run_folder() as parent:
        root = parent / "run"
        try:
            root.mkdir()
            _write_tree(root, program)
            workdir(root, program).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RunFolderError(str(parent.parent), exc) from None
        with _left_uncollected():
            return _run_in(root, program, python or sys.executable, limits, meanwhile)


def _run_in(
    root: Path,
    program: Program,
    python: str,
    limits: Limits,
    meanwhile: Callable[[], object] | None,
) -> RunResult:
    env = _child_env(root, limits)
    env.update(program.env or {})
    launch = supervisor.Launch(
        argv=program_command(python, program, root),
        cwd=str(workdir(root, program)),
        env=env,
        memory_bytes=max(limits.memory_bytes, 0),
        file_bytes=limits.file_bytes,
        cpu_s=math.ceil(limits.timeout_s) + 2,  # CPU seconds: a backstop past the deadline
        timeout_s=limits.timeout_s,
        run_dir=str(root),
        stdin=program.stdin is not None,
    )
    result = _supervised(
        launch,
        python,
        root,
        limits,
        meanwhile=meanwhile,
        stdin=program.stdin,
        label=program_name(program),
    )
    if program.cwd != ".":
        # From another folder the script's path runs through it (`.../elsewhere/../run/`):
        # tracebacks show the path relative to the run folder, as for every other run.
        folder = workdir(root, program)
        detour = os.path.join(folder, os.path.relpath(root, folder)) + os.sep
        result = result._replace(stderr=result.stderr.replace(detour, ""))
    return result


def _supervised(
    launch: supervisor.Launch,
    python: str,
    root: Path,
    limits: Limits,
    *,
    meanwhile: Callable[[], object] | None,
    stdin: str | None,
    label: str = "",
) -> RunResult:
    """Start launch under a supervisor, collect what it does, and leave nothing running."""
    global _prepared  # noqa: PLW0603 - the one supervisor forked ahead, taken by this run
    supervisor.become_subreaper()
    start = time.monotonic()
    with _live_lock:
        before = supervisor.children(os.getpid())
        if _prepared is not None:
            proc = _prepared.launch(launch)
            _prepared = None
        else:
            proc = supervisor.start(launch)
        _live.add(proc)
    if proc.stdin is not None and stdin is not None:
        # A thread, so that a program that prints before it reads cannot block the writer.
        threading.Thread(target=_feed, args=(proc.stdin, stdin), daemon=True).start()
    try:
        with _pausable() as pauses:
            if meanwhile is not None:
                meanwhile()  # while the supervisor starts the program, and it runs
            try:
                proc.started()
            except supervisor.StartError as exc:
                reason = f"could not start {python}: {exc}"
                return RunResult(stdout="", stderr=reason, returncode=None, duration_s=0.0)
            return _collect(proc, root, limits, start, pauses, label=label)
    finally:
        with _live_lock:
            _live.discard(proc)
            # Whatever happened (a pass, a timeout, Ctrl-C in the parent), nothing it started
            # lives on: the supervisor kills its descendants; the rest is a backstop.
            supervisor.stop(proc)
            _kill_orphans(before, proc.pid)
        proc.close()
        proc.wait(timeout=1)


@contextlib.contextmanager
def _left_uncollected() -> Iterator[None]:
    """The objects importdrill has now are left out of garbage collections until the run is
    over (gc.freeze, as the gc documentation advises before a fork).

    While the supervisor lives it shares importdrill's memory, page by page until either
    side writes one (copy-on-write), and a collection writes to every object it looks at: a
    check took 9 ms less. They are collected again afterwards, for verify's hundreds of runs.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


# A wait between two looks at a run is at most 0.05 s; a gap this long means importdrill was
# stopped (SIGSTOP, which no handler sees), and the time is not the program's.
STALL_S = 0.5


class _Stall:
    """Notices importdrill having been stopped outright between two looks at a run, and adds
    the time to the pauses (as Ctrl-Z's handler adds its own)."""

    def __init__(self, pauses: list[float]) -> None:
        self.pauses = pauses
        self.last = time.monotonic()
        self.known = sum(pauses)

    def check(self) -> None:
        now = time.monotonic()
        gap = now - self.last - (sum(self.pauses) - self.known)
        if gap > STALL_S:
            self.pauses.append(gap)
        self.last = now
        self.known = sum(self.pauses)


def _collect(
    proc: supervisor.Supervisor,
    root: Path,
    limits: Limits,
    start: float,
    pauses: list[float],
    *,
    label: str = "",
) -> RunResult:
    caps = {"stdout": limits.stdout_bytes, "stderr": limits.stderr_bytes}
    buffers = {"stdout": bytearray(), "stderr": bytearray()}
    deadline = start + limits.timeout_s
    timed_out = False
    over: str | None = None
    selector = selectors.DefaultSelector()
    for name, fd in (("stdout", proc.stdout), ("stderr", proc.stderr)):
        os.set_blocking(fd, False)
        selector.register(fd, selectors.EVENT_READ, name)
    open_streams = 2
    exited_at: float | None = None
    stall = _Stall(pauses)
    with selector:
        while open_streams:
            stall.check()  # importdrill stopped outright (SIGSTOP): that time is not run time
            now = time.monotonic() - sum(pauses)  # time spent stopped (Ctrl-Z) is not run time
            if _tick is not None:
                _tick(label, now - start)
            if exited_at is None and proc.poll() is not None:
                exited_at = now
                # Grandchildren that still hold the pipes must not keep the run alive.
                supervisor.kill_group(proc.pid)
            # Once the program has exited, what it wrote is read to the end (for a moment,
            # its grandchildren's too), whatever the deadline: a program that ended in time
            # while importdrill was stopped is judged by all of its output.
            limit_at = deadline if exited_at is None else exited_at + DRAIN_GRACE_S
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
    if not timed_out and not over and exited_at is None:
        # Both streams are closed but the program works on: it still has until the deadline.
        while proc.poll() is None:
            stall.check()
            now = time.monotonic() - sum(pauses)
            if _tick is not None:
                _tick(label, now - start)
            if now >= deadline:
                timed_out = True
                break
            proc.wait(timeout=min(deadline - now, 0.05))
    if timed_out or over:
        supervisor.stop(proc)
    returncode = proc.wait(timeout=1)
    duration = time.monotonic() - sum(pauses) - start
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


# ---------------------------------------------------------------------------------------
# Probe mode: a program of importdrill's own, run in the learner's world rather than a
# clean one (`importdrill why` asks the learner's interpreter how it would import a name).


def probe(
    python: str,
    argv: list[str],
    *,
    cwd: Path,
    limits: Limits | None = None,
) -> RunResult:
    """Run `python ARGV` under the limits and supervision of a check, but in cwd (the learner's
    current folder) and with the learner's own environment: PYTHONPATH, HOME and the user
    site stay (no -E -s), so that the interpreter starts as the learner's own would.

    The run still gets a throwaway folder of its own, which the supervisor removes if
    importdrill dies, and nothing it starts outlives it.
    """
    limits = limits or Limits()
    env = {k: v for k, v in os.environ.items() if not k.startswith(PRIVATE_ENV_PREFIXES)}
    if limits.memory_bytes > 0:
        env.setdefault("MALLOC_ARENA_MAX", "2")  # see _child_env
    with run_folder() as parent:
        root = parent / "run"
        try:
            root.mkdir()
        except OSError as exc:
            raise RunFolderError(str(parent.parent), exc) from None
        launch = supervisor.Launch(
            argv=[shutil.which(python) or python, *argv],
            cwd=str(cwd),
            env=env,
            memory_bytes=max(limits.memory_bytes, 0),
            file_bytes=limits.file_bytes,
            cpu_s=math.ceil(limits.timeout_s) + 2,
            timeout_s=limits.timeout_s,
            run_dir=str(root),
            stdin=False,
        )
        with _left_uncollected():
            return _supervised(launch, python, root, limits, meanwhile=None, stdin=None)
