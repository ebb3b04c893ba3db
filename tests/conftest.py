"""Fixtures only: a throwaway IMPORTDRILL_HOME and TMPDIR per test, the mini pack, a CLI\nrunner and an injected console. What the tests share besides fixtures is in helpers.py."""

from __future__ import annotations

import io
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from rich.console import Console
from typer.testing import CliRunner

from .helpers import PACK

if TYPE_CHECKING:
    pass


# Started as a background job of a non-interactive shell (`nox &` in a script), pytest
# inherits SIGINT ignored, and so would every importdrill it starts: Python raises no
# KeyboardInterrupt in a process that begins with SIGINT ignored. The tests that press
# Ctrl-C need the default, whatever started them; a handler here becomes the default
# disposition in every child.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def home(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own state folder and temp folder, and never touches the real ones.

    Its own TMPDIR matters on a shared machine: run folders, and anything a test looks for
    among them, stay apart from other test runs and other importdrill processes.
    """
    import tempfile

    folder = tmp_path / "home"
    # Beside tmp_path, not in it: tests assert that nothing lands where the learner stands.
    temp = tmp_path_factory.mktemp("tmpdir")
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # gettempdir() caches its answer
    monkeypatch.setenv("IMPORTDRILL_HOME", str(folder))
    monkeypatch.delenv("IMPORTDRILL_PATH", raising=False)
    monkeypatch.delenv("IMPORTDRILL_NO_BUILTINS", raising=False)
    for name in ("VISUAL", "EDITOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    return folder


@pytest.fixture(scope="session")
def _shared_catalog_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("catalog-cache")


@pytest.fixture
def shared_catalog_cache(home: Path, _shared_catalog_cache: Path) -> Path:
    """The catalogue's cache (home/cache) shared by every test of this worker that asks for
    it: with a fresh home each, every such test parsed the 126 built-in problems anew (90 ms
    of CPU a command). The cache is keyed by each file's path, size and time, so what a test
    reads from it is what it would have parsed; the tests that exercise the cache itself use
    their own."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "cache").symlink_to(_shared_catalog_cache, target_is_directory=True)
    return _shared_catalog_cache


@pytest.fixture
def mini_pack(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Only the four mini problems are listed (no built-ins)."""
    monkeypatch.setenv("IMPORTDRILL_PATH", str(PACK))
    monkeypatch.setenv("IMPORTDRILL_NO_BUILTINS", "1")
    return PACK


class Result:
    def __init__(self, exit_code: int, stdout: str, stderr: str) -> None:
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr


@pytest.fixture
def cli():
    """Run `importdrill ARGS` in-process; returns exit code, stdout and stderr apart."""
    from importdrill.cli import app
    from importdrill.views.console import using

    def invoke(*args: str, input: str | None = None) -> Result:
        runner = CliRunner()
        # Fresh consoles for each invocation: made on first use, on CliRunner's streams.
        with using():
            result = runner.invoke(app, list(args), input=input, catch_exceptions=False)
        return Result(result.exit_code, result.stdout, result.stderr)

    return invoke


@pytest.fixture
def console() -> Iterator[Console]:
    """A recording console (120 columns, no colour) that every view prints to in the test."""
    from importdrill.views.console import using

    recording = Console(record=True, width=120, color_system=None, file=io.StringIO())
    with using(recording, recording):
        yield recording


@pytest.fixture
def reap():
    """Register a started process; if a failing test leaves it running, it is killed and its
    pipes closed, so that it neither outlives the test nor warns in a later one."""
    import subprocess

    started: list[subprocess.Popen[str]] = []
    yield started.append
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
