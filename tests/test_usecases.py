"""Predictions that teach instead of spoil; reveal, explain, run; the workspace run by hand."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from importdrill.app.drill import Drill
from importdrill.core import judge, problems, runner, workspace
from importdrill.core.catalog import load_catalog
from importdrill.core.kinds import Kind
from importdrill.core.problems import RunMode
from importdrill.core.runnable import program_for

from .helpers import snapshot

# Without the cache: at collection the test's own IMPORTDRILL_HOME is not set yet, and the
# cache would be written into the real one.
BUILTINS = load_catalog(use_cache=False)
PREDICT = [p for p in BUILTINS.problems if p.kind is Kind.PREDICT and not p.unavailable_reason()]
IMPLEMENT = [
    p for p in BUILTINS.problems if p.kind is Kind.IMPLEMENT and not p.unavailable_reason()
]
# The README's promise is for a file that runs: a learner's file that only a runner loads
# (a conftest.py) has that runner as its first run, and the prompt shows what it prints.
RUN_BY_HAND = [p for p in IMPLEMENT if not (p.runs and p.runs[0].driver)]


def real_output(problem: problems.Problem) -> list[str]:
    return judge.split_lines(runner.run(program_for(problem, problem.code)).stdout)


def half_wrong(lines: list[str]) -> list[str]:
    """Every other line kept; the others replaced by a line the program never prints."""
    return [line if i % 2 else "<<a wrong guess>>" for i, line in enumerate(lines)]


def assert_unspoiled(shown: str, real: list[str], prediction: list[str]) -> None:
    """No real line the learner did not write appears in what was shown."""
    withheld = [line for line in real if line not in prediction and line.strip()]
    shown_lines = {ln.strip().lstrip("✓✗").strip() for ln in shown.splitlines()}
    for line in withheld:
        assert line.strip() not in shown_lines, f"real line {line!r} was shown"
        if len(line.strip()) >= 8 and not any(line.strip() in mine for mine in prediction):
            assert line.strip() not in shown, f"real line {line!r} was shown"


@pytest.fixture
def runs_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Within one test, a program run again (same files, interpreter and limits) gives what
    its first run gave, without running it again. The tests that use this are about what is
    shown and where, over every built-in problem, and a built-in problem's program prints
    the same every time (verify holds it to its stated output); each program still runs once,
    through the real runner."""
    real = runner.run
    seen: dict[str, runner.RunResult] = {}

    def run(program, *, python=None, limits=None, meanwhile=None):
        key = repr((program, python or sys.executable, limits or runner.Limits()))
        if key not in seen:
            seen[key] = real(program, python=python, limits=limits, meanwhile=meanwhile)
        elif meanwhile is not None:
            meanwhile()
        return seen[key]

    monkeypatch.setattr(runner, "run", run)


@pytest.mark.slow
@pytest.mark.every_problem
@pytest.mark.parametrize("problem", PREDICT, ids=lambda p: p.slug)
@pytest.mark.usefixtures("runs_once", "shared_catalog_cache")
def test_a_wrong_prediction_never_shows_the_real_output(cli, problem, home: Path, console):
    real = real_output(problem)
    guess = half_wrong(real) or ["<<a wrong guess>>"]
    text = "\n".join(guess) + "\n"
    human = cli("check", problem.slug, "--predict-file", "-", input=text)
    assert human.exit_code == 1
    assert "wrong prediction" in human.stdout
    assert_unspoiled(human.stdout + human.stderr, real, guess)
    as_json = cli("check", problem.slug, "--predict-file", "-", "--json", input=text)
    assert as_json.exit_code == 1
    data = json.loads(as_json.stdout)
    assert data["output"] is None and data["prediction"] == text
    assert [line["text"] for line in data["lines"]] == guess
    assert data["missing"] == max(len(real) - len(guess), 0)
    assert_unspoiled(as_json.stdout, real, guess)
    # watch renders through the same use case; drive its screen in-process.
    from importdrill.watch import Session

    session = Session(Drill(), runner.Limits())
    session.switch(problem)
    session.watcher.stop()
    workspace.prediction_file(problem).write_text(text, encoding="utf-8")
    session.check()
    # The screen starts with the problem itself (its code holds string literals); what the
    # check showed comes after the "Watching" line.
    screen = console.export_text().split("Watching ", 1)[1]
    assert "wrong prediction" in screen and "v reveal" in screen
    assert_unspoiled(screen, real, guess)


def test_marks_line_up_a_forgotten_line():
    marks = judge.mark_prediction("a\nc\n", "a\nb\nc\n")
    assert [(m.text, m.right) for m in marks.lines] == [("a", True), ("c", True)]
    assert (marks.missing, marks.extra) == (1, 0)
    marks = judge.mark_prediction("a\nx\nc\nd\n", "a\nb\nc\n")
    assert [m.right for m in marks.lines] == [True, False, True, False]
    assert (marks.missing, marks.extra) == (0, 1)
    assert judge.mark_prediction("", "a\n").missing == 1


def test_reveal_then_explain_then_a_right_prediction_solves(cli, mini_pack):
    before = cli("explain", "mini-predict")
    assert before.exit_code == 2
    assert "reveal" in before.stderr and "explanation" in before.stderr
    cli("check", "mini-predict", "--predict-file", "-", input="False\ndone\n")
    outside = cli("reveal", "mini-predict")
    assert outside.exit_code == 2 and "--yes" in outside.stderr
    shown = cli("reveal", "mini-predict", "--yes")
    assert shown.exit_code == 0
    assert "your last prediction" in shown.stdout and "real output" in shown.stdout
    assert "True" in shown.stdout and "stores the module" in shown.stdout
    rows = {r["slug"]: r for r in json.loads(cli("list", "--json").stdout)["problems"]}
    assert rows["mini-predict"]["status"] == "revealed"
    assert "revealed" in cli("list").stdout and "revealed" in cli("status").stdout
    assert "stores the module" in cli("explain", "mini-predict").stdout
    # Revealed is not solved: next still offers it, and a right prediction solves it.
    again = cli("check", "mini-predict", "--predict-file", "-", input="True\ndone\n")
    assert again.exit_code == 0
    rows = {r["slug"]: r for r in json.loads(cli("list", "--json").stdout)["problems"]}
    assert rows["mini-predict"]["status"] == "solved"


def test_explain_refuses_what_is_not_earned(cli, mini_pack):
    cli("start", "mini-implement", "--no-edit")
    early = cli("explain", "mini-implement")
    assert early.exit_code == 2 and "passes" in early.stderr


def test_run_refuses_an_unseen_prediction_then_runs_the_workspace(cli, mini_pack, home: Path):
    refused = cli("run", "mini-predict")
    assert refused.exit_code == 2 and "would show the answer" in refused.stderr
    assert not (home / "workspace" / "mini-predict" / "main.py").exists()
    cli("reveal", "mini-predict", "--yes")
    program = home / "workspace" / "mini-predict" / "main.py"
    assert program.exists()
    shown = cli("run", "mini-predict")
    assert shown.exit_code == 0 and "True\ndone" in shown.stdout and "exit status 0" in shown.stdout
    # The learner experiments: the workspace copy is what run runs; check keeps the original.
    program.write_text("import sys\nprint('changed')\nsys.exit(3)\n", encoding="utf-8")
    changed = cli("run", "mini-predict")
    assert changed.exit_code == 3 and "changed" in changed.stdout
    assert cli("check", "mini-predict", "--predict-file", "-", input="True\ndone\n").exit_code == 0
    attempts = json.loads(cli("list", "--json").stdout)["problems"]
    assert {r["slug"]: r["status"] for r in attempts}["mini-predict"] == "solved"


def test_run_an_implement_problem_records_nothing(cli, mini_pack, home: Path):
    cli("start", "mini-implement", "--no-edit")
    before = snapshot(home)
    done = cli("run", "mini-implement")
    assert done.exit_code == 1 and "NotImplementedError" in done.stderr
    assert snapshot(home) == before


def test_a_module_problem_lays_out_its_real_path(cli, tmp_path: Path, home: Path, monkeypatch):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "mod-impl.yaml").write_text(
        """slug: mod-impl
title: Run a package
difficulty: easy
kind: implement
tags: [-m]
prompt: Print the name.
code: |
  raise NotImplementedError
solution: |
  from . import util
  print(__name__, util.VALUE)
expected_output: |
  __main__ 42
hints: [one, two]
explanation: It runs as __main__.
main: todo/__main__.py
run: module
files:
  todo/__init__.py: ""
  todo/util.py: |
    VALUE = 42
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("IMPORTDRILL_PATH", str(pack))
    monkeypatch.setenv("IMPORTDRILL_NO_BUILTINS", "1")
    # An old workspace kept the file under its base name: it moves to its real path.
    old = home / "workspace" / "mod-impl" / "__main__.py"
    old.parent.mkdir(parents=True)
    old.write_text("from . import util\nprint(__name__, util.VALUE)\n", encoding="utf-8")
    assert cli("start", "mod-impl", "--no-edit").exit_code == 0
    folder = home / "workspace" / "mod-impl"
    assert (folder / "todo" / "__main__.py").exists() and not old.exists()
    assert (folder / "todo" / "util.py").read_text() == "VALUE = 42\n"
    by_hand = subprocess.run(
        [sys.executable, "-m", "todo"], cwd=folder, capture_output=True, text=True, check=False
    )
    assert by_hand.stdout == "__main__ 42\n"
    assert cli("check").exit_code == 0
    # A changed support file is the learner's to play with; checks say they ignore it.
    (folder / "todo" / "util.py").write_text("VALUE = 7\n", encoding="utf-8")
    checked = cli("check")
    assert checked.exit_code == 0 and "todo/util.py" in checked.stderr
    assert json.loads(cli("check", "--json").stdout)["changed_support"] == ["todo/util.py"]


def by_hand(problem: problems.Problem, folder: Path) -> str:
    command = [sys.executable, "-X", "utf8", "-E", "-s"]
    command += ["-m", problem.module_name] if problem.run is RunMode.MODULE else [problem.main]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    done = subprocess.run(
        command, cwd=folder, capture_output=True, text=True, check=False, env=env, timeout=60
    )
    return judge.normalise(done.stdout)


@pytest.mark.slow
@pytest.mark.every_problem
@pytest.mark.parametrize("problem", PREDICT + RUN_BY_HAND, ids=lambda p: p.slug)
@pytest.mark.usefixtures("runs_once", "shared_catalog_cache")
def test_the_workspace_run_by_hand_prints_what_check_sees(cli, problem, home: Path):
    assert len(RUN_BY_HAND) >= len(IMPLEMENT) - 1  # one exception, and it says so
    folder = home / "workspace" / problem.slug
    if problem.kind is Kind.PREDICT:
        revealed = cli("reveal", problem.slug, "--yes")
        assert revealed.exit_code == 0
        real = judge.normalise(runner.run(program_for(problem, problem.code)).stdout)
        assert by_hand(problem, folder) == real
    else:
        assert cli("start", problem.slug, "--no-edit").exit_code == 0
        workspace.file_for(problem).write_text(problem.solution or "", encoding="utf-8")
        checked = json.loads(cli("check", problem.slug, "--json").stdout)
        assert checked["passed"]
        assert by_hand(problem, folder) == checked["actual"]


def test_reset_keeps_the_old_file(cli, mini_pack, home: Path):
    cli("start", "mini-implement", "--no-edit")
    mine = home / "workspace" / "mini-implement" / "main.py"
    mine.write_text("# my work\n", encoding="utf-8")
    refused = cli("reset", "mini-implement")
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    done = cli("reset", "mini-implement", "--yes")
    assert done.exit_code == 0
    kept = list((home / "workspace" / ".trash").glob("mini-implement-*/main.py"))
    assert len(kept) == 1 and kept[0].read_text() == "# my work\n"
    assert str(kept[0].parent) in done.stdout.replace("\n", "")
    assert not mine.exists()
    assert "moved to workspace/.trash" in " ".join(cli("reset", "--help").stdout.split())


def test_path_says_when_it_creates_the_file(cli, mini_pack, home: Path):
    first = cli("path", "mini-implement")
    assert first.exit_code == 0 and "created" in first.stderr
    second = cli("path", "mini-implement")
    assert second.stdout == first.stdout and second.stderr == ""


def test_a_bad_interpreter_is_bad_input_and_records_nothing(cli, mini_pack, home: Path):
    cli("start", "mini-implement", "--no-edit")
    before = snapshot(home)
    for args in (["mini-implement"], ["mini-predict", "--predict-file", "-"]):
        done = cli("check", *args, "--python", "/nonexistent/python", input="x\n")
        assert done.exit_code == 2 and "--python /nonexistent/python" in done.stderr
    assert snapshot(home) == before


def test_a_notice_is_shown_whatever_the_exit_path(cli, mini_pack, home: Path):
    home.mkdir(parents=True, exist_ok=True)
    (home / "state.json").write_text("{not json", encoding="utf-8")
    # start leaves through typer.Exit (the path that used to drop the notice).
    done = cli("start", "mini-predict")
    assert done.exit_code == 0
    assert "damaged" in done.stderr


def test_version_and_difficulty_in_any_case(cli, mini_pack):
    from importdrill import __version__

    version = cli("--version")
    assert version.exit_code == 0 and version.stdout.strip() == f"importdrill {__version__}"
    listed = cli("list", "--difficulty", "EASY", "--json")
    assert listed.exit_code == 0 and json.loads(listed.stdout)["problems"]


def test_watch_reports_a_file_that_is_not_utf8(home: Path):
    from .helpers import mini_pack_env

    env = mini_pack_env(home)
    subprocess.run(
        [sys.executable, "-m", "importdrill", "start", "mini-implement", "--no-edit"],
        env=env,
        check=True,
        capture_output=True,
    )
    (home / "workspace" / "mini-implement" / "main.py").write_bytes(b"print('\xff')\n")
    done = subprocess.run(
        [sys.executable, "-m", "importdrill", "watch"],
        env=env,
        input="q\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    # Words, not lines: where a terminal would wrap must not decide the test.
    assert "not UTF-8 text" in " ".join(done.stdout.split())
    assert "Traceback" not in done.stdout + done.stderr
