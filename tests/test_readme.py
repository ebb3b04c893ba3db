"""What the README claims about commands, exit statuses, variables and limits is what the code does."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from importdrill import cli
from importdrill.cli import options
from importdrill.core import paths, runner
from importdrill.core.catalog import Pack, load_catalog
from importdrill.core.errors import Exit
from importdrill.core.summary import BUILTIN_PACK

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_two_setup_commands_are_there_and_ci_runs_the_test_one():
    install = "python3 -m venv .venv && . .venv/bin/activate && pip install . && importdrill list"
    test = "python3 -m venv .venv && . .venv/bin/activate && pip install nox && nox"
    assert install in README and test in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 -m venv .venv" in ci and ". .venv/bin/activate" in ci
    assert "pip install --quiet nox" in ci and re.search(r"^nox$", ci, re.M)


def test_the_tests_session_runs_as_the_readme_says():
    """Four workers, and the every_problem tests on 3.11 and 3.15 only; the marker exists."""
    nox = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    flat = " ".join(README.split())
    assert '"-n", "4"' in nox and "on four workers" in flat
    assert 'EVERY_PROBLEM_PYTHONS = {"3.11", "3.15"}' in nox
    assert "(marked `every_problem`) run on 3.11 and 3.15 only" in flat
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"every_problem:' in pyproject and "pytestmark = pytest.mark.every_problem" in (
        ROOT / "tests" / "test_robust_answers.py"
    ).read_text(encoding="utf-8")


def test_every_command_named_in_the_readme_exists():
    registered = {c.name or c.callback.__name__.rstrip("_") for c in cli.app.registered_commands}
    named = set(re.findall(r"`importdrill (\w+)", README)) | set(re.findall(r"/ `(\w+)", README))
    assert named - registered == set()
    assert registered - named == set()


def test_exit_statuses():
    assert "Exit status: 0 ok or pass; 1 the check or verify\nfailed; 2 bad input" in README
    assert "`run` exits with the program's own status" in README
    assert "130\ninterrupted" in README
    assert (Exit.OK, Exit.FAILED, Exit.USAGE, Exit.INTERRUPTED) == (0, 1, 2, 130)


def test_variables():
    for name in (paths.HOME_ENV, paths.PACKS_ENV, paths.NO_BUILTINS_ENV, "NO_COLOR"):
        assert f"`{name}" in README


def test_limits_table_matches_the_runner():
    assert runner.STDOUT_CAP_BYTES == 1 << 20 and "more than 1 MiB on stdout" in README
    assert runner.STDERR_CAP_BYTES == 256 << 10 and "256 KiB on stderr" in README
    assert runner.DEFAULT_TIMEOUT_S == 10 and "(default 10)" in README
    assert (
        runner.DEFAULT_MEMORY_BYTES == 1024 << 20 and "(default 1024; 0 means no limit)" in README
    )
    assert runner.FILE_SIZE_CAP_BYTES == 64 << 20 and said("capped at 64 MiB each")


def said(text: str) -> bool:
    """Whether the README says text, whatever its line breaks."""
    return " ".join(text.split()) in " ".join(README.split())


def test_bounds_of_views_and_input_match_the_code():
    from importdrill.app import drill
    from importdrill.core import judge, problems
    from importdrill.views.console import visible
    from importdrill.views.verdict import DIFF_LINES_SHOWN, LINE_CHARS_SHOWN

    assert DIFF_LINES_SHOWN == 200 and LINE_CHARS_SHOWN == 400
    assert said("Views show at most 200 lines of each output and 400 characters of a line")
    assert judge.DIFF_LINES_COMPARED == 2000 and said("a diff compares the first 2,000 lines")
    assert drill.PREDICTION_CAP_BYTES == 1 << 20
    assert said("a prediction longer than 1 MiB is refused")
    assert problems.MAX_PROBLEM_FILE_BYTES == 256 << 10 and problems.MAX_NESTING == 32
    assert said("a problem file larger than 256 KiB, nested more than 32 levels")
    assert said("`MALLOC_ARENA_MAX=2`") and said("exits 130 (SIGTERM 143, SIGHUP 129)")
    assert visible("\x1b") == "␛" and said("(`␛` for ESC)")


@pytest.mark.skipif(sys.platform != "linux", reason="the README names the Linux default")
def test_default_home_on_linux(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("IMPORTDRILL_HOME")
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert paths.home() == Path("~/.local/share/importdrill").expanduser()
    assert "`~/.local/share/importdrill` on Linux" in README


def test_memory_zero_means_no_limit():
    # The limit is on address space: 3 GiB mapped (one page of it touched) is over the default
    # 1 GiB, without the seconds that filling 3 GiB of fresh memory takes on a new machine.
    code = "import mmap\nblob = mmap.mmap(-1, 3 * 1024**3)\nblob[-1] = 1\nprint('ok')\n"
    limited = runner.run(runner.Program(code=code), limits=runner.Limits(memory_bytes=1 << 30))
    assert limited.memory_limit
    free = runner.run(runner.Program(code=code), limits=runner.Limits(memory_bytes=0))
    assert free.returncode == 0 and free.stdout == "ok\n"


def test_shell_completion_of_slugs(home: Path):
    env = dict(
        os.environ,
        _IMPORTDRILL_COMPLETE="complete_bash",
        COMP_WORDS="importdrill start sys-mod",
        COMP_CWORD="2",
        IMPORTDRILL_HOME=str(home),
    )
    script = Path(sys.executable).parent / "importdrill"  # completion goes by the program's name
    done = subprocess.run([script], env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["sys-modules-cache"], done.stderr
    assert (
        "--install-completion"
        in subprocess.run(
            [sys.executable, "-m", "importdrill", "--help"],
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
    )


def test_readme_figures_come_from_the_benchmark_script():
    bench = (ROOT / "benchmarks" / "startup.py").read_text(encoding="utf-8")
    for label in (
        "import floor (typer, rich.console, rich.table)",
        "list / import floor:",
        "check / (list + child start):",
    ):
        assert label in bench and label in README


def test_screenshots_are_made_from_real_runs(tmp_path: Path):
    script = ROOT / "docs" / "make_screenshots.py"
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    for name in ("list", "check-fail", "check-pass"):
        assert f"](docs/{name}.svg)" in README
        svg = (tmp_path / f"{name}.svg").read_text(encoding="utf-8")
        assert svg.startswith("<svg")
    assert "wrong&#160;prediction" in (tmp_path / "check-fail.svg").read_text(encoding="utf-8")
    assert "✓&#160;pass" in (tmp_path / "check-pass.svg").read_text(encoding="utf-8")
    # The docs' own problem, not one of the curriculum.
    for name in ("list", "check-fail", "check-pass"):
        svg = (tmp_path / f"{name}.svg").read_text(encoding="utf-8")
        assert "example-names-and-cache" in svg, name
    for name in ("check-fail", "check-pass"):  # the list shows titles only
        assert "sys-modules-cache" not in (tmp_path / f"{name}.svg").read_text(encoding="utf-8")


def test_the_docs_spoil_no_problem_of_the_curriculum(cli, monkeypatch):
    """The README's session uses the docs' own problem, which is no built-in, and is true."""
    import json

    session = README.split("## A short session", 1)[1].split("\n## ", 1)[0]
    builtins = load_catalog([Pack(BUILTIN_PACK, paths.builtin_problems())], use_cache=False)
    shown = set(re.findall(r"importdrill (?:start|check|hint|reveal) ([a-z0-9-]+)", session))
    assert shown == {"example-names-and-cache"}
    assert not any(p.slug in session for p in builtins)
    example = ROOT / "docs" / "example-pack"
    monkeypatch.setenv("IMPORTDRILL_PATH", str(example))
    monkeypatch.setenv("IMPORTDRILL_NO_BUILTINS", "1")
    done = cli("verify", "example-names-and-cache", "--json")
    assert done.exit_code == 0 and json.loads(done.stdout)["passed"]


def test_cli_option_defaults_match_the_runner():
    assert options.DEFAULT_TIMEOUT_S == runner.DEFAULT_TIMEOUT_S
    assert options.DEFAULT_MEMORY_MIB << 20 == runner.DEFAULT_MEMORY_BYTES


def test_the_number_and_kinds_of_problems_are_what_ships():

    catalog = load_catalog([Pack(BUILTIN_PACK, paths.builtin_problems())], use_cache=False)
    assert said(f"{len(catalog)} problems, easy to hard, of four kinds")
    assert {p.kind.value for p in catalog} == {"predict", "order", "which-file", "implement"}
