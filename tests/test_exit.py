"""How a command ends: the console script leaves without tearing the interpreter down, and
nothing that should survive that is lost (output, exit status, other exit handlers)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .helpers import mini_pack_env

# A module-level object whose finalizer would print as the interpreter is torn down, and
# exit handlers registered before and after script() registers its own.
HARNESS = """
import atexit, os, sys

class Finalized:
    # os.write bound now: by the time a teardown finalizes this, sys.stdout may be gone
    # (3.12 and later), and os's own globals cleared.
    def __del__(self, write=os.write):
        write(1, b"torn down\\n")

keep = Finalized()
if sys.argv[1] == "earlier":
    atexit.register(lambda: print("earlier handler ran", flush=True))
import importdrill.cli.entry as cli
if sys.argv[1] == "raise":
    def broken():
        raise RuntimeError("a bug")
    cli.main = broken
else:
    real_main = cli.main
    def main():
        atexit.register(lambda: print("later handler ran", flush=True))
        real_main()
    cli.main = main
sys.argv = ["importdrill", *sys.argv[2:]]
cli.script()
"""


def run(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, env=mini_pack_env(home), capture_output=True, text=True, timeout=60, check=False
    )


def harness(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(home, sys.executable, "-c", HARNESS, *args)


def test_the_script_skips_the_teardown_but_runs_every_exit_handler(home: Path):
    done = harness(home, "main", "list")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "mini-predict" in done.stdout  # the command's own output, flushed
    assert lines[-1] == "later handler ran"
    assert "torn down" not in done.stdout


def test_a_handler_registered_before_the_script_still_runs(home: Path):
    # It would run after the quick exit's, so the process ends the usual way instead.
    done = harness(home, "earlier", "list")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-3:] == [
        "later handler ran",
        "earlier handler ran",
        "torn down",
    ]


def test_the_script_keeps_each_exit_status(home: Path):
    assert harness(home, "main", "check", "no-such-problem").returncode == 2
    wrong = harness(home, "main", "check", "mini-predict", "--predict-file", "/dev/null")
    assert wrong.returncode == 1, wrong.stderr
    assert "wrong" in wrong.stdout


def test_an_exception_that_escapes_ends_as_python_ends_it(home: Path):
    # Not the quick exit: the traceback, status 1, and the interpreter torn down as usual.
    done = harness(home, "raise", "list")
    assert done.returncode == 1
    assert "RuntimeError: a bug" in done.stderr
    assert "torn down" in done.stdout


def test_the_console_script_and_python_m_leave_complete_output(home: Path):
    script = Path(sys.executable).parent / "importdrill"
    assert script.exists(), "the tests run against an installed importdrill (see noxfile.py)"
    for command in ([str(script)], [sys.executable, "-m", "importdrill"]):
        done = run(home, *command, "list", "--json")
        assert done.returncode == 0, done.stderr
        slugs = {row["slug"] for row in json.loads(done.stdout)["problems"]}
        assert "mini-predict" in slugs
        missing = run(home, *command, "hint", "no-such-problem")
        assert missing.returncode == 2
        assert "no-such-problem" in missing.stderr
