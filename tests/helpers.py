"""What the tests share: the data folders, the environment of an importdrill child process,
the recorded progress, and a pseudo-terminal to drive importdrill in. Test modules import
from here, never from one another (conftest.py holds only fixtures)."""

from __future__ import annotations

import io
import os
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pexpect
import yaml

if TYPE_CHECKING:
    from importdrill.core.progress import LogEntry, State

DATA = Path(__file__).parent / "data"
PACK = DATA / "pack"
BROKEN = DATA / "broken"
HOSTILE = DATA / "hostile"
JSON_DOC = (Path(__file__).resolve().parent.parent / "docs" / "json.md").read_text(encoding="utf-8")


def documented(heading: str) -> set[str]:
    """The keys docs/json.md lists for the document under heading (backquotes optional)."""
    if not heading.startswith("`"):
        heading = f"`{heading}`"
    section = JSON_DOC.split(f"## {heading}", 1)[1]
    keys = re.search(r"^keys: (.*)$", section, re.M)
    assert keys, heading
    return {k.strip() for k in keys.group(1).split(",")}


def mini_pack_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of an importdrill child process that sees only the mini pack."""
    env = dict(os.environ)
    env.update(
        IMPORTDRILL_HOME=str(home),
        IMPORTDRILL_PATH=str(PACK),
        IMPORTDRILL_NO_BUILTINS="1",
        NO_COLOR="1",
    )
    env.update(extra)
    return env


def saved_state(home: Path) -> dict[str, Any]:
    """The recorded progress, in the shape state.json had: {"current", "problems": {...}}."""
    from importdrill.core.progress import Store

    state = Store(home / "progress.db").load()
    return {
        "current": state.current,
        "problems": {slug: ps.to_json() for slug, ps in state.problems.items()},
    }


def snapshot(home: Path) -> tuple[State, list[LogEntry]] | None:
    """Everything recorded (state and log), to compare before and after a command; None if
    nothing was ever recorded."""
    from importdrill.core.progress import Store

    if not (home / "progress.db").exists():
        return None
    store = Store(home / "progress.db")
    return store.load(), store.history()


SOLUTION = yaml.safe_load((PACK / "mini-implement.yaml").read_text())["solution"]


def spawn(
    home: Path,
    *args: str,
    color: bool = False,
    columns: int = 100,
    builtins: bool = False,
    **env: str,
) -> pexpect.spawn:
    """importdrill in a real terminal of columns x 40 (the mini pack only, unless builtins)."""
    full = mini_pack_env(home, TERM="xterm-256color", COLUMNS=str(columns), LINES="40", **env)
    if color:
        del full["NO_COLOR"]
    if builtins:
        del full["IMPORTDRILL_NO_BUILTINS"]
    child = Terminal(
        sys.executable,
        ["-m", "importdrill", *args],
        env=full,
        encoding="utf-8",
        timeout=20,
        dimensions=(40, columns),
    )
    child.logfile_read = io.StringIO()  # everything the terminal was sent, to assert on
    return child


CURSOR_QUERY = "\x1b[6n"


class Terminal(pexpect.spawn):  # type: ignore[misc]  # pexpect ships no types
    """A pseudo-terminal that behaves as a real terminal does where the tests would notice:

    - it answers every cursor position query (prompt-toolkit asks one on each prompt it
      draws, and at the end of a prompt waits a whole second for an answer that is missing);
    - closed after the program has closed it (EOF), it waits for the program to exit, with a
      deadline, where pexpect sleeps a fixed tenth of a second and then hangs the program up.
    """

    _tail = ""  # the end of the last read, in case a query is split between two reads

    def read_nonblocking(self, size: int = 1, timeout: float | None = -1) -> Any:
        data = super().read_nonblocking(size, timeout)
        seen = self._tail + data
        for _ in range(seen.count(CURSOR_QUERY)):
            self.send("\x1b[20;1R")  # row 20, column 1: the row the tests always answered
        self._tail = "" if seen.endswith(CURSOR_QUERY) else seen[-(len(CURSOR_QUERY) - 1) :]
        return data

    def close(self, force: bool = True) -> None:
        if self.flag_eof and not self.closed:
            wait_for(lambda: not self.isalive(), 30)  # generous: a loaded machine
            self.delayafterclose = 0
        super().close(force)


def wait_for_cursor_query(child: pexpect.spawn) -> None:
    """Wait until prompt-toolkit has asked where the cursor is (drawn its prompt, and ready
    for keys); the Terminal has answered it, as real terminals do."""
    child.expect_exact(CURSOR_QUERY)


def real_interpreter(name: str) -> str | None:
    """The interpreter that name on PATH starts, by its own path (its sys.executable), or None
    where there is none or it does not start. A pyenv shim is a shell script that finds its
    interpreter anew on every start: asked once here, at collection, rather than on each run."""
    import shutil
    import subprocess

    found = shutil.which(name)
    if found is None:
        return None
    try:
        done = subprocess.run(
            [found, "-c", "import sys; print(sys.executable)"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None  # a shim of a version that is not active, say
    return done.stdout.strip() or None


def newest_interpreter() -> str | None:
    """The newest python3.N on PATH that starts, by its own path."""
    from importdrill.core.interpreters import SUPPORTED_MINORS

    for minor in reversed(SUPPORTED_MINORS):
        found = real_interpreter(f"python3.{minor}")
        if found is not None:
            return found
    return None


def wait_for(condition: Any, seconds: float) -> bool:
    """Whether condition() comes true within seconds, asked every 20 ms: a deadline, not a
    fixed sleep (each caller's bound is generous, for a loaded machine)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return bool(condition())
