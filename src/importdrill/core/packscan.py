"""Finding an installed pack's folder without running its code in importdrill.

An entry point names a package (`my_pack.problems`); finding its folder imports its parent
packages, which runs their code: it may print (escape sequences included), raise anything,
KeyboardInterrupt and SystemExit too, call `os._exit`, or hang. So the lookup is done in a
child interpreter of the same environment, bounded in time, with its output captured: the
answer comes back on a pipe of its own, and whatever the pack printed is reported in the
note that names it (shown with its control characters made visible, as every note is).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time

# How long finding one pack may take: an interpreter start and a package's import.
LOOKUP_TIMEOUT_S = 10.0
# How much of what a pack printed at import is quoted in its note.
PRINTED_SHOWN_CHARS = 400

_CHILD = """\
import importlib.util, json, os, sys
value, out = sys.argv[1], int(sys.argv[2])
try:
    spec = importlib.util.find_spec(value)
    found = {"locations": list(spec.submodule_search_locations or []) if spec else []}
except BaseException as exc:
    found = {"error": f"{type(exc).__name__}: {exc}"}
os.write(out, json.dumps(found).encode())
os._exit(0)
"""


class Found:
    """What looking up one entry point's package found: its folders or why not, and what
    importing it printed."""

    def __init__(self, locations: list[str], error: str | None, printed: str) -> None:
        self.locations = locations
        self.error = error
        self.printed = printed


def locate(value: str) -> Found:
    """The folders of the package an entry point names, found in a child interpreter."""
    read_end, write_end = os.pipe()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, value, str(write_end)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(write_end,),
            start_new_session=True,  # killed as a group if it hangs; no signal of ours reaches it
        )
    except OSError as exc:
        os.close(read_end)
        os.close(write_end)
        return Found([], f"it could not be looked up ({exc.strerror or exc})", "")
    os.close(write_end)
    try:
        printed_bytes, answer = _collect(proc, read_end)
    finally:
        os.close(read_end)
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=1)
    printed = printed_bytes.decode("utf-8", errors="replace").strip()
    if len(printed) > PRINTED_SHOWN_CHARS:
        printed = printed[:PRINTED_SHOWN_CHARS] + "…"
    if answer is None:
        status = proc.returncode
        if status is None:
            why = f"importing it took longer than {LOOKUP_TIMEOUT_S:g} s"
        elif status < 0:
            why = f"importing it ended the process (signal {-status})"
        else:
            why = f"importing it ended the process (exit status {status}, os._exit)"
        return Found([], why, printed)
    try:
        data = json.loads(answer)
        locations = [str(p) for p in data.get("locations", [])]
        error = data.get("error")
    except (ValueError, AttributeError, TypeError):
        return Found([], "it could not be looked up", printed)
    return Found(locations, None if error is None else f"importing it failed ({error})", printed)


def _collect(proc: subprocess.Popen[bytes], answer_fd: int) -> tuple[bytes, bytes | None]:
    """What the child printed and the answer it sent (None if none came), within the bound."""
    import selectors

    assert proc.stdout is not None
    printed = bytearray()
    answer = bytearray()
    streams = {proc.stdout.fileno(): printed, answer_fd: answer}
    deadline = time.monotonic() + LOOKUP_TIMEOUT_S
    with selectors.DefaultSelector() as selector:
        for fd in streams:
            selector.register(fd, selectors.EVENT_READ)
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                return bytes(printed), None
            for key, _ in selector.select(timeout=left):
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fd)
                elif len(streams[key.fd]) < (1 << 20):
                    streams[key.fd] += chunk
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=max(deadline - time.monotonic(), 0.1))
    return bytes(printed), bytes(answer) if answer else None
