"""The supervisor of one run: a fork of importdrill that starts the learner's program under
limits and sees to it that nothing the program starts outlives the run.

Why a fork and not a second interpreter: a check used to start `python -I -S -c SUPERVISOR`,
which then started the learner's interpreter, so every check paid for two interpreter starts.
A fork of importdrill is already running Python, and costs about a millisecond. What it does
is what that interpreter did, and it holds the same promises:
- it forks again, and that child sets the limits on itself and exec()s the learner's command,
  so the limits are inherited while neither this code nor its arguments appear in the
  learner's traceback or sys.argv;
- it is a child subreaper: a process of the learner's that leaves with setsid and an empty
  environment is still its descendant, found through /proc and killed;
- it enforces the deadline itself (timeout + 1 s), so a stopped or killed importdrill cannot
  leave a program running unbounded; time it spends stopped (Ctrl-Z) is not counted;
- importdrill's death reaches it as SIGTERM (a parent-death signal), and the learner's
  program gets SIGKILL if the supervisor itself dies (the program can kill its parent);
- on SIGTERM, SIGHUP or SIGINT, or once the program has exited, it kills every descendant
  and, if importdrill is gone, removes the run folder.
It can be forked before the program is known (prepare): it and its fork for the program then
do what needs no program (the pids cgroup above all) and wait on a pipe for the launch, which
importdrill sends with marshal; a pipe closed without one (importdrill needs no run after
all, or is gone) ends them both.
A CPU-time limit on the program is a last backstop: it is inherited by every process the
program forks, and nothing spins past it. The prctl calls are Linux's; elsewhere only the
limits and the deadline hold.

The fork is a copy of importdrill, threads and all (verify runs programs from a pool of
threads), so the code that runs in it takes no lock another thread could hold: it calls the
os, signal, select and resource modules and reads /proc, and it never imports, never touches
importdrill's objects, and never returns into importdrill's code (it leaves with os._exit).
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
import select
import signal
import sys
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import NamedTuple, NoReturn

from importdrill.core import fsclean, shield

PR_SET_PDEATHSIG = 1  # linux/prctl.h
PR_SET_CHILD_SUBREAPER = 36
# Signals that tell the supervisor to stop: kill everything and leave.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
# The exit status of the program's side when exec() fails; the reason goes through a pipe.
EXEC_FAILED = 127

try:
    import resource
except ImportError:  # pragma: no cover - not POSIX
    resource = None  # type: ignore[assignment]


class Launch(NamedTuple):
    """What the supervisor starts and the bounds it holds the program to."""

    argv: Sequence[str]  # argv[0] is the interpreter's path
    cwd: str
    env: Mapping[str, str]
    memory_bytes: int  # 0: no limit on address space
    file_bytes: int
    cpu_s: int
    timeout_s: float
    run_dir: str  # removed by the supervisor when importdrill is gone
    stdin: bool  # a pipe for standard input, or /dev/null


class StartError(Exception):
    """The program's interpreter could not be started (exec() failed)."""


class Supervisor:
    """importdrill's handle on one supervisor: its pid (which is also its process group),
    the ends of the program's pipes, and how it ended."""

    def __init__(self, pid: int, stdin: int | None, stdout: int, stderr: int, failed: int) -> None:
        self.pid = pid
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.returncode: int | None = None
        # The read end of a close-on-exec pipe: EOF once the program's exec() has happened,
        # or the reason it could not. None once started() or close() has closed it.
        self._failed: int | None = failed
        # A pidfd (Linux 5.3+) wakes a wait the moment the supervisor exits.
        self._pidfd: int | None = None
        with contextlib.suppress(AttributeError, OSError):
            self._pidfd = os.pidfd_open(pid)

    def poll(self) -> int | None:
        """Its exit status (negative: the signal that ended it), or None while it runs."""
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # pragma: no cover - reaped elsewhere
                self.returncode = -signal.SIGKILL
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float) -> int | None:
        """Wait up to timeout seconds for it to exit; its status, or None if it still runs."""
        deadline = time.monotonic() + timeout
        while self.poll() is None:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if self._pidfd is not None:
                select.select([self._pidfd], [], [], left)
            else:  # pragma: no cover - kernels before 5.3
                time.sleep(min(left, 0.01))
        return self.returncode

    def started(self) -> None:
        """Wait until the program's exec() has happened; StartError if it could not."""
        if self._failed is None:
            return
        try:
            reason = _read_all(self._failed)
        finally:
            os.close(self._failed)
            self._failed = None
        if reason:
            raise StartError(reason.decode("utf-8", errors="replace"))

    def close(self) -> None:
        """Close the pipes' and the pidfd's descriptors (stdin belongs to its feeder)."""
        for fd in (self.stdout, self.stderr, self._pidfd, self._failed):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._pidfd = None
        self._failed = None


class Waiting:
    """A supervisor forked ahead of its program (see prepare), waiting for its launch."""

    def __init__(self, supervisor: Supervisor, orders: list[int]) -> None:
        self.supervisor = supervisor
        self._orders = orders  # write ends: the launch, for the supervisor and for the program

    def launch(self, launch: Launch) -> Supervisor:
        """Send the launch, and return the supervisor, now starting the program."""
        orders = marshal.dumps(
            (
                list(launch.argv),
                launch.cwd,
                dict(launch.env),
                launch.memory_bytes,
                launch.file_bytes,
                launch.cpu_s,
                float(launch.timeout_s),
                launch.run_dir,
                launch.stdin,
            )
        )
        try:
            for fd in self._orders:
                _write_all(fd, orders)
        except OSError:
            pass  # the supervisor is gone: the run reports what it finds (no output, no status)
        finally:
            self._close_orders()
        if not launch.stdin and self.supervisor.stdin is not None:
            os.close(self.supervisor.stdin)
            self.supervisor.stdin = None
        return self.supervisor

    def cancel(self) -> None:
        """No program after all: the supervisor reads no launch, kills its side and leaves."""
        self._close_orders()
        stop(self.supervisor)
        _close_start(self.supervisor)

    def _close_orders(self) -> None:
        for fd in self._orders:
            with contextlib.suppress(OSError):
                os.close(fd)
        self._orders = []


def start(launch: Launch) -> Supervisor:
    """Fork a supervisor that runs launch, and return at once: the caller may work while the
    supervisor starts the program, and learns whether it could from `started()`."""
    return prepare().launch(launch)


def prepare() -> Waiting:
    """Fork a supervisor before its program is known. It and the program's side do at once
    everything that does not depend on the program, which is where the time goes: joining
    a pids cgroup waits for an RCU grace period of the kernel (10 to 16 ms on an idle
    machine), so a caller that prepares before it looks up what to run (check) has that
    wait done while it works. Then both wait for the launch (Waiting.launch)."""
    _stdio_open()
    prctl = _prctl()  # loaded here: the fork must not import
    _shielded()
    has_children_lists()  # asked here, once, rather than in every fork
    stdin_r, stdin_w = _pipe()
    stdout_r, stdout_w = _pipe()
    stderr_r, stderr_w = _pipe()
    failed_r, failed_w = _pipe()  # close-on-exec: EOF once the program's exec() succeeded
    orders_r, orders_w = _pipe()  # the launch, for the supervisor
    program_r, program_w = _pipe()  # the launch, for the program's side
    parent = os.getpid()
    ours = [stdin_w, stdout_r, stderr_r, failed_r, orders_w, program_w]
    theirs = [stdin_r, stdout_w, stderr_w, failed_w, orders_r, program_r]
    # Blocked until the fork has its own handlers, so that a stop signal cannot run
    # importdrill's handlers in it; and until the handle below exists, so that an interrupt
    # here (a KeyboardInterrupt is raised wherever Python next checks) cannot lose the fork.
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        pid = os.fork()
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        for fd in ours + theirs:
            os.close(fd)
        raise
    if pid == 0:  # pragma: no cover - runs in the fork, which coverage does not follow
        _supervise(parent, prctl, (stdin_r, stdout_w, stderr_w, failed_w, orders_r, program_r))
    supervisor = Supervisor(pid, stdin_w, stdout_r, stderr_r, failed_r)
    waiting = Waiting(supervisor, [orders_w, program_w])
    try:
        for fd in theirs:
            os.close(fd)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
    except BaseException:
        waiting.cancel()
        raise
    return waiting


_shield: shield.Shield | None = None


def _shielded() -> shield.Shield:
    """The shield, prepared once (ctypes loaded, the pids hierarchy found) before any fork;
    importdrill itself is made non-dumpable then (the supervisor inherits it)."""
    global _shield  # noqa: PLW0603 - once per process
    if _shield is None:
        _shield = shield.Shield()
        _shield.not_dumpable()
    return _shield


def _close_start(supervisor: Supervisor) -> None:
    supervisor.close()
    if supervisor.stdin is not None:
        with contextlib.suppress(OSError):
            os.close(supervisor.stdin)


# How long the supervisor gets to kill what it watches over before its group is killed.
STOP_GRACE_S = 1.0


def stop(supervisor: Supervisor) -> None:
    """Ask the supervisor to kill every descendant and leave; then kill its group anyway."""
    if supervisor.poll() is None:
        with contextlib.suppress(OSError):
            os.kill(supervisor.pid, signal.SIGTERM)
        supervisor.wait(STOP_GRACE_S)
    kill_group(supervisor.pid)


def kill_group(group: int) -> None:
    with contextlib.suppress(OSError):
        os.killpg(group, signal.SIGKILL)


_subreaper = False


def become_subreaper() -> None:
    """Adopt orphans: a learner process whose supervisor was killed comes to us, not init."""
    global _subreaper  # noqa: PLW0603 - once per process
    if not _subreaper:
        _subreaper = True
        _prctl()(PR_SET_CHILD_SUBREAPER, 1)


_prctl_function: Callable[[int, int], bool] | None = None


def _prctl() -> Callable[[int, int], bool]:
    """prctl(2) through ctypes, or a stand-in that does nothing where there is none."""
    global _prctl_function  # noqa: PLW0603 - loaded once
    if _prctl_function is None:

        def unavailable(option: int, value: int) -> bool:
            return False

        _prctl_function = unavailable
        if sys.platform.startswith("linux"):
            with contextlib.suppress(Exception):
                import ctypes

                libc_prctl = ctypes.CDLL(None, use_errno=True).prctl

                def call(option: int, value: int) -> bool:
                    return bool(libc_prctl(option, ctypes.c_ulong(value), 0, 0, 0) == 0)

                _prctl_function = call
    return _prctl_function


def _stdio_open() -> None:
    """Give a closed 0, 1 or 2 /dev/null, so that no pipe of a run lands on them."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            os.open(os.devnull, os.O_RDWR)  # the lowest free descriptor: this one


def _pipe() -> tuple[int, int]:
    return os.pipe()  # both ends close-on-exec (PEP 446)


def _read_all(fd: int) -> bytes:
    data = b""
    while chunk := os.read(fd, 4096):
        data += chunk
    return data


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _read_launch(fd: int) -> Launch | None:  # pragma: no cover - runs in the fork
    """The launch importdrill sent (marshal: C code, no import, no lock), or None if it
    closed the pipe without one."""
    data = _read_all(fd)
    os.close(fd)
    if not data:
        return None
    return Launch(*marshal.loads(data))  # noqa: S302 - importdrill's own bytes, from its pipe


# ---------------------------------------------------------------------------------------
# What runs in the fork. Nothing below returns into importdrill's code.


def _supervise(
    parent: int,
    prctl: Callable[[int, int], bool],
    fds: tuple[int, int, int, int, int, int],
) -> NoReturn:  # pragma: no cover - runs in the fork; tests/test_lifetime.py holds it
    me = os.getpid()
    box: list[str] = []  # the program's pids cgroup, when there is one
    run_dir: list[str] = []  # the run's folder, once the launch has named it
    orders = fds[4]

    def leave(code: int) -> NoReturn:
        kill_descendants(me)
        for folder in box:
            _empty_box(folder)
        if os.getppid() != parent:
            for folder in run_dir:
                with contextlib.suppress(OSError):
                    fsclean.remove_tree(os.path.dirname(folder))
        os._exit(code)

    def on_signal(signum: int, _frame: object) -> None:
        leave(128 + signum)

    # Whatever goes wrong in here ends in leave(): nothing may return into importdrill's code.
    with contextlib.suppress(BaseException):
        gc.disable()  # no finalizer of importdrill's objects may run (and write) in this copy
        os.setsid()  # a process group of its own, which importdrill kills as a backstop
        _keep_only(fds)
        for signum in STOP_SIGNALS:
            signal.signal(signum, on_signal)
        signal.pthread_sigmask(signal.SIG_SETMASK, ())
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        prctl(PR_SET_CHILD_SUBREAPER, 1)
        if resource is not None:
            _cap(resource.RLIMIT_CORE, 0)
        if os.getppid() != parent:  # importdrill died before the parent-death signal was set
            leave(1)
        if _shield is not None and _shield.pids_root is not None:
            with contextlib.suppress(OSError):
                folder = f"{_shield.pids_root}/importdrill-{me}"
                os.mkdir(folder)
                box.append(folder)
                _write(f"{folder}/pids.max", str(shield.PROCESS_CAP))
        try:
            child = os.fork()
        except OSError as exc:  # too many processes, say: importdrill reports why
            os.write(fds[3], f"could not fork: {exc.strerror or exc}".encode())
            leave(1)
        if child == 0:
            os.close(orders)
            _exec_program(prctl, fds, box[0] if box else None, parent)
        for fd in fds:
            if fd != orders:
                os.close(fd)
        launch = _read_launch(orders)
        if launch is None:  # importdrill needs no program after all (Waiting.cancel)
            leave(0)
        run_dir.append(launch.run_dir)
        _watch(child, launch.timeout_s, parent, leave)
    leave(1)


def _keep_only(fds: tuple[int, ...]) -> None:  # pragma: no cover - runs in the fork
    """Close every descriptor the fork inherited but these, and put /dev/null on 0, 1 and 2:
    a copy of another run's pipe held here would keep that run from ever reading EOF."""
    keep = {fd for fd in fds if fd >= 0}
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        if fd != null:
            os.dup2(null, fd)
    try:
        inherited = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        inherited = list(range(3, max(keep | {null}) + 1))
        os.closerange(max(keep | {null}) + 1, os.sysconf("SC_OPEN_MAX"))
    for fd in inherited:
        if fd > 2 and fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)


def _write(path: str, text: str) -> None:  # pragma: no cover - runs in the fork
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _empty_box(folder: str) -> None:  # pragma: no cover - runs in the fork
    """Kill whatever is left in the program's pids cgroup, and remove it."""

    def members() -> list[int] | None:
        try:
            with open(f"{folder}/cgroup.procs", "rb") as handle:
                return [int(p) for p in handle.read().split()]
        except (OSError, ValueError):
            return None  # the group is gone, or unreadable: nothing more to do

    if _kill_until_none_left(members):
        with contextlib.suppress(OSError):
            os.rmdir(folder)


def _exec_program(
    prctl: Callable[[int, int], bool],
    fds: tuple[int, int, int, int, int, int],
    box: str | None,
    importdrill: int,
) -> NoReturn:  # pragma: no cover - runs in the fork's fork, until exec()
    stdin, stdout, stderr, failed, _orders, program = fds
    try:
        if box is not None:  # the process-count bound: every process it starts is counted
            _write(f"{box}/cgroup.procs", str(os.getpid()))
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_DFL)
        launch = _read_launch(program)
        if launch is None:  # no program after all: leave quietly
            os._exit(EXEC_FAILED)
        if launch.stdin:
            os.dup2(stdin, 0)
        os.dup2(stdout, 1)
        os.dup2(stderr, 2)
        if resource is not None:
            if launch.memory_bytes > 0:
                _cap(resource.RLIMIT_AS, launch.memory_bytes)
            _cap(resource.RLIMIT_FSIZE, launch.file_bytes)
            _cap(resource.RLIMIT_CORE, 0)
            with contextlib.suppress(ValueError, OSError):
                _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
                if hard == resource.RLIM_INFINITY or hard > launch.cpu_s:
                    resource.setrlimit(resource.RLIMIT_CPU, (launch.cpu_s, launch.cpu_s + 1))
            # Tasks (processes and threads) of this user: a fork bomb ends at a count.
            # Hard as well as soft: the program may not raise it again.
            with contextlib.suppress(ValueError, OSError):
                tasks = shield.tasks_now() + shield.PROCESS_CAP
                _soft, hard = resource.getrlimit(resource.RLIMIT_NPROC)
                if hard == resource.RLIM_INFINITY or hard > tasks:
                    resource.setrlimit(resource.RLIMIT_NPROC, (tasks, tasks))
        os.chdir(launch.cwd)
        if _shield is not None:  # last: no signal from here on reaches importdrill
            _shield.seal(shield.protected(importdrill, os.getppid()))
        os.execve(launch.argv[0], list(launch.argv), dict(launch.env))  # noqa: S606 - no shell wanted
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.write(failed, (exc.strerror or str(exc)).encode("utf-8", errors="replace"))
    except BaseException:
        with contextlib.suppress(OSError):
            os.write(failed, b"the program could not be started")
    os._exit(EXEC_FAILED)


def _cap(which: int, value: int) -> None:  # pragma: no cover - runs in the fork
    """Lower a resource limit to value, never above its hard limit."""
    with contextlib.suppress(ValueError, OSError):
        _soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, hard))


def _watch(
    child: int, timeout_s: float, parent: int, leave: Callable[[int], NoReturn]
) -> NoReturn:  # pragma: no cover - runs in the fork
    """Wait for the program to exit, importdrill to die, or the deadline; then leave."""
    waiter: int | None = None
    with contextlib.suppress(AttributeError, OSError):
        waiter = os.pidfd_open(child)
    deadline = time.monotonic() + timeout_s + 1.0
    tick = time.monotonic()
    while True:
        now = time.monotonic()
        if now - tick > 0.5:
            deadline += now - tick  # we were stopped (Ctrl-Z): that time is not run time
        tick = now
        try:
            pid, status = os.waitpid(child, os.WNOHANG)
        except ChildProcessError:
            leave(1)
        if pid == child:
            if os.WIFSIGNALED(status):
                # End the way the program ended, so that importdrill sees its signal.
                number = os.WTERMSIG(status)
                kill_descendants(os.getpid())
                with contextlib.suppress(OSError, ValueError):  # SIGKILL has no handler to reset
                    signal.signal(number, signal.SIG_DFL)
                with contextlib.suppress(OSError, ValueError):
                    os.kill(os.getpid(), number)
                os._exit(128 + number)
            leave(os.WEXITSTATUS(status))
        if now > deadline or os.getppid() != parent:
            leave(124)
        if waiter is not None:
            select.select([waiter], [], [], 0.25)
        else:
            time.sleep(0.02)


# ---------------------------------------------------------------------------------------
# The process table, as /proc shows it (empty where there is no /proc).


def stat_fields(pid: int | str) -> list[bytes] | None:
    """The fields of /proc/PID/stat after the command name (state, ppid, pgrp, ...), or None
    when the process is gone or there is no /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None


_children_lists: bool | None = None


def has_children_lists() -> bool:
    """Whether the kernel keeps a list of each thread's children (CONFIG_PROC_CHILDREN)."""
    global _children_lists  # noqa: PLW0603 - the kernel's answer does not change
    if _children_lists is None:
        _children_lists = os.path.exists(f"/proc/self/task/{os.getpid()}/children")
    return _children_lists


def children(pid: int) -> set[int]:
    """The child processes of pid, zombies included (none once pid is gone)."""
    if not has_children_lists():
        return {child for child, _state, ppid, _group in processes() if ppid == pid}
    found: set[int] = set()
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found  # the process is gone
    for thread in threads:
        # Each thread's own list: a child belongs to the thread that forked it.
        with (
            contextlib.suppress(OSError, ValueError),
            open(f"/proc/{pid}/task/{thread}/children", "rb") as handle,
        ):
            found.update(int(child) for child in handle.read().split())
    return found


def descendants(pid: int) -> set[int]:
    """Every process below pid."""
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for parent in frontier for child in children(parent)} - found
        found |= frontier
    return found


def processes() -> list[tuple[int, str, int, int]]:
    """(pid, state, parent pid, process group) of every process in /proc."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    table = []
    for entry in entries:
        fields = stat_fields(entry) if entry.isdigit() else None
        with contextlib.suppress(IndexError, ValueError):
            if fields:
                table.append((int(entry), fields[0].decode(), int(fields[1]), int(fields[2])))
    return table


def kill_descendants(pid: int) -> None:
    """Kill every process below pid (this process's own descendants) and reap them."""
    _kill_until_none_left(lambda: descendants(pid))


def _kill_until_none_left(listed: Callable[[], Collection[int] | None]) -> bool:
    """SIGKILL every process listed() names, reap them, and ask again, until it names none
    (a fork between two rounds is caught by the next), for at most 50 rounds; False when
    listed() could not tell (None)."""
    for _ in range(50):
        pids = listed()
        if pids is None:
            return False
        if not pids:
            return True
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        _reap()
        time.sleep(0.01)
    return True


def _reap() -> None:
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
