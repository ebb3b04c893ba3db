"""What keeps the learner's processes from reaching importdrill and its supervisor (Linux).

The supervisor's promises (it kills everything the program starts, at the deadline or when
importdrill dies) hold only while it lives, and a learner process runs as the same user: it
could signal the supervisor and importdrill, stop them, or read their /proc entries. So:

- importdrill and the supervisor are not dumpable (PR_SET_DUMPABLE 0): another process of
  the same user cannot open their /proc/PID/fd (importdrill's terminal), environ or mem, nor
  ptrace them (root, with CAP_SYS_PTRACE, still can);
- the program runs under a seccomp filter, inherited by every process it starts and never
  lifted, that refuses (EPERM) a signal to importdrill (any of its threads), its process group
  and the supervisor (and its group), to every process (-1) and to its own first group (0, the
  supervisor's); pidfd_send_signal and tkill are refused outright (a pidfd can come from
  /proc/PID, a thread id from anywhere). It needs no privilege, only no_new_privs (setuid
  programs gain nothing under it, which no problem needs);
- a process-count bound: the cgroup v1 `pids` controller where its hierarchy is writable (as
  root), else RLIMIT_NPROC set a fixed number of tasks above the machine's count now, so a
  fork bomb ends at a count.
Everything here is prepared in importdrill before the fork; the fork only calls it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import struct
import sys
from collections.abc import Callable, Sequence

PR_SET_DUMPABLE = 4
PR_SET_SECCOMP = 22
PR_SET_NO_NEW_PRIVS = 38
SECCOMP_MODE_FILTER = 2
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO = 0x00050000
EPERM = 1

# How many more tasks (processes and threads) than the machine runs now the program may make.
PROCESS_CAP = 256

# (audit arch, the signal-sending calls whose first argument names a target, refused outright)
_ARCHES = {
    "x86_64": (0xC000003E, (62, 234, 129, 297, 434), (200, 424)),
    "aarch64": (0xC00000B7, (129, 131, 138, 240, 434), (130, 424)),
}
_X32_BIT = 0x40000000


def _stmt(code: int, k: int) -> bytes:
    return struct.pack("HBBI", code, 0, 0, k & 0xFFFFFFFF)


def _jeq(k: int, true: int, false: int) -> bytes:
    return struct.pack("HBBI", 0x15, true, false, k & 0xFFFFFFFF)  # BPF_JMP|BPF_JEQ|BPF_K


def _filter(
    arch: int, guarded: Sequence[int], refused: Sequence[int], values: Sequence[int]
) -> bytes:
    """A seccomp BPF program: refuse `refused` calls, and `guarded` ones whose first argument
    (its low 32 bits, as the kernel reads a pid_t) is one of values; allow the rest."""
    values = list(dict.fromkeys(v & 0xFFFFFFFF for v in values))[:200]
    ld_w_abs = 0x20  # BPF_LD|BPF_W|BPF_ABS
    ret = 0x06
    code: list[bytes] = []
    # The last two instructions: DENY, then ALLOW. Jumps are counted from the next one.
    body_checks = len(refused) + len(guarded)
    # Layout: [0] ld arch, [1] jeq arch, [2] ld nr, [3] jge x32, then refused/guarded checks,
    # [+0] ja-allow (as ret allow), then ld arg0, value checks, ret allow, ret deny.
    n_values = len(values)
    total = 4 + body_checks + 1 + 1 + n_values + 1 + 1
    deny = total - 1
    allow_after_args = total - 2

    def to(target: int, here: int) -> int:
        return target - here - 1

    code.append(_stmt(ld_w_abs, 4))  # arch
    code.append(_jeq(arch, 0, to(allow_after_args, 1)))
    code.append(_stmt(ld_w_abs, 0))  # syscall number
    here = 3
    jge = 0x35  # BPF_JMP|BPF_JGE|BPF_K
    code.append(struct.pack("HBBI", jge, to(deny, here), 0, _X32_BIT))
    here += 1
    for nr in refused:
        code.append(_jeq(nr, to(deny, here), 0))
        here += 1
    args_at = 4 + body_checks + 1
    for nr in guarded:
        code.append(_jeq(nr, to(args_at, here), 0))
        here += 1
    code.append(_stmt(ret, SECCOMP_RET_ALLOW))  # none of them
    here += 1
    code.append(_stmt(ld_w_abs, 16))  # args[0], low 32 bits (little-endian)
    here += 1
    for value in values:
        code.append(_jeq(value, to(deny, here), 0))
        here += 1
    code.append(_stmt(ret, SECCOMP_RET_ALLOW))
    code.append(_stmt(ret, SECCOMP_RET_ERRNO | EPERM))
    assert len(code) == total
    return b"".join(code)


class Shield:
    """The calls a fork makes to shield importdrill, prepared beforehand (ctypes loaded)."""

    def __init__(self) -> None:
        self._prctl: Callable[..., int] | None = None
        # os.uname: platform.machine() asks the same, at the cost of importing platform.
        self._arch = _ARCHES.get(os.uname().machine) if sys.platform.startswith("linux") else None
        with contextlib.suppress(Exception):
            self._prctl = ctypes.CDLL(None, use_errno=True).prctl
        self.pids_root = _pids_hierarchy()
        if self.pids_root is not None:
            _sweep_boxes(self.pids_root)

    @property
    def filters(self) -> bool:
        return self._prctl is not None and self._arch is not None

    def not_dumpable(self) -> bool:
        """Make this process non-dumpable (its /proc entries closed to its user's others)."""
        if self._prctl is None:
            return False
        return bool(self._prctl(PR_SET_DUMPABLE, ctypes.c_ulong(0), 0, 0, 0) == 0)

    def seal(self, values: Sequence[int]) -> bool:
        """Install the signal filter on this process (and all it will start); whether it is."""
        if self._prctl is None or self._arch is None:
            return False
        arch, guarded, refused = self._arch
        program = _filter(arch, guarded, refused, values)
        buffer = ctypes.create_string_buffer(program, len(program))
        prog = struct.pack("HxxxxxxQ", len(program) // 8, ctypes.addressof(buffer))
        prog_buffer = ctypes.create_string_buffer(prog, len(prog))
        if self._prctl(PR_SET_NO_NEW_PRIVS, ctypes.c_ulong(1), 0, 0, 0) != 0:
            return False
        done = self._prctl(
            PR_SET_SECCOMP,
            ctypes.c_ulong(SECCOMP_MODE_FILTER),
            ctypes.c_void_p(ctypes.addressof(prog_buffer)),
            0,
            0,
        )
        return bool(done == 0)


def protected(importdrill: int, supervisor: int) -> list[int]:
    """The first arguments a signal from the program may not have: importdrill (each of its
    threads), its group, the supervisor and its group, every process, the program's group."""
    values = [importdrill, supervisor, -supervisor, -1, 0]
    with contextlib.suppress(OSError):
        values.append(-os.getpgid(importdrill))
    with contextlib.suppress(OSError, ValueError):
        values += [int(tid) for tid in os.listdir(f"/proc/{importdrill}/task")][:64]
    return values


def _pids_hierarchy() -> str | None:
    """The folder of this process's cgroup in a writable cgroup v1 `pids` hierarchy, or None."""
    try:
        with open("/proc/self/cgroup", encoding="ascii") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) == 3 and "pids" in parts[1].split(","):
            folder = "/sys/fs/cgroup/pids" + parts[2].rstrip("/")
            if os.access(folder, os.W_OK) and os.path.exists(folder + "/cgroup.procs"):
                return folder
    return None


def _sweep_boxes(root: str) -> None:
    """Remove the pids groups whose supervisor is gone (killed outright, by root or the
    out-of-memory killer): what is left in one is killed first."""
    import signal

    with contextlib.suppress(OSError):
        for name in os.listdir(root):
            if not name.startswith("importdrill-") or not name[12:].isdigit():
                continue
            if os.path.exists(f"/proc/{name[12:]}"):
                continue
            folder = f"{root}/{name}"
            with contextlib.suppress(OSError, ValueError):
                with open(f"{folder}/cgroup.procs", "rb") as handle:
                    for pid in handle.read().split():
                        with contextlib.suppress(OSError):
                            os.kill(int(pid), signal.SIGKILL)
                os.rmdir(folder)


def tasks_now() -> int:
    """How many tasks (processes and threads) the machine runs now (/proc/loadavg)."""
    try:
        with open("/proc/loadavg", "rb") as handle:
            return int(handle.read().split()[3].split(b"/")[1])
    except (OSError, IndexError, ValueError):
        return 0
