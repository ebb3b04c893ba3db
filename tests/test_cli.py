"""Every command through the CLI, against the mini pack and a temporary IMPORTDRILL_HOME."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest
import yaml
from typer.core import TyperGroup

from importdrill.cli import app

from .helpers import PACK, snapshot

pytestmark = pytest.mark.usefixtures("mini_pack")

SOLUTION = yaml.safe_load((PACK / "mini-implement.yaml").read_text())["solution"]


def learner_file(home: Path, slug: str = "mini-implement") -> Path:
    return home / "workspace" / slug / "main.py"


def test_every_command_has_help_with_an_example(cli):
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert {
        "list",
        "start",
        "hint",
        "check",
        "path",
        "next",
        "status",
        "reset",
        "verify",
        "solution",
        "schema",
        "new",
        "watch",
    } <= set(names)
    for name in names:
        result = cli(name, "--help")
        assert result.exit_code == 0
        assert "Example: importdrill" in result.stdout, name


def test_the_lazy_group_shows_what_typer_builds(capsys):
    """main() runs a group whose commands are built when asked for; its help, the group's
    and every command's, is Typer's own, and an unknown command gets the same suggestion."""
    from typer.main import get_command

    from importdrill.cli import group

    eager, lazy = get_command(app), group()
    assert isinstance(eager, TyperGroup)
    assert list(lazy.commands) == list(eager.commands)
    for args in [["--help"], ["lst"], *([name, "--help"] for name in eager.commands)]:
        shown = []
        for made in (eager, lazy):
            with pytest.raises(SystemExit) as exit_:
                made.main(args, prog_name="importdrill")
            out, err = capsys.readouterr()
            shown.append((exit_.value.code, out, err))
        assert shown[0] == shown[1], args
        assert "Usage: importdrill" in shown[1][1] + shown[1][2]


def test_list_groups_by_difficulty(cli):
    result = cli("list")
    assert result.exit_code == 0
    out = result.stdout
    assert (
        out.index("Easy")
        < out.index("mini-predict")
        < out.index("Medium")
        < out.index("mini-implement")
        < out.index("Hard")
    )
    assert "unavailable: needs Python 3.99" in out


def test_list_json_keys_are_pinned(cli):
    result = cli("list", "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)["problems"]
    assert [r["slug"] for r in rows] == [
        "mini-predict",
        "mini-implement",
        "mini-future",
        "mini-module",
    ]
    assert set(rows[0]) == {
        "slug",
        "title",
        "difficulty",
        "kind",
        "tags",
        "status",
        "hints_revealed",
        "hints_total",
        "available",
    }
    assert rows[0]["status"] == "unsolved" and rows[0]["hints_total"] == 2


def test_list_filters(cli):
    rows = json.loads(cli("list", "--json", "--tag", "-m").stdout)["problems"]
    assert [r["slug"] for r in rows] == ["mini-module"]
    rows = json.loads(cli("list", "--json", "-d", "medium").stdout)["problems"]
    assert [r["slug"] for r in rows] == ["mini-implement"]
    bad = cli("list", "--tag", "nope")
    assert bad.exit_code == 2 and "--tag 'nope'" in bad.stderr and "sys.modules" in bad.stderr
    bad = cli("list", "-d", "trivial")
    assert bad.exit_code == 2 and "easy, medium, hard" in bad.stderr


def test_start_implement_creates_the_file_once(cli, home: Path):
    result = cli("start", "mini-implement", "--no-edit")
    assert result.exit_code == 0
    target = learner_file(home)
    assert str(target) in result.stdout.replace("\n", "")
    assert "NotImplementedError" in target.read_text()
    target.write_text("# my own work\n")
    again = cli("start", "mini-implement", "--no-edit")
    assert again.exit_code == 0 and "earlier work is kept" in again.stdout
    assert target.read_text() == "# my own work\n"
    assert cli("path").stdout.strip() == str(target)


def test_start_predict_outside_a_terminal_says_how_to_answer(cli):
    result = cli("start", "mini-predict")
    assert result.exit_code == 0
    assert "What does this print?" in result.stdout
    assert '"json" in sys.modules' in result.stdout
    assert "--predict-file" in result.stdout


def test_start_shows_tree_and_command_for_multi_file(cli):
    result = cli("start", "mini-module")
    assert result.exit_code == 0
    assert "python -m app.cli" in result.stdout
    assert (
        "util.py" in result.stdout
        and "cli.py" in result.stdout
        and "← the program" in result.stdout
    )


def test_start_unavailable_problem(cli):
    result = cli("start", "mini-future")
    assert result.exit_code == 2 and "needs Python 3.99" in result.stderr


def test_unknown_slug_is_a_usage_error(cli):
    result = cli("start", "mini-predikt")
    assert result.exit_code == 2
    assert "unknown problem 'mini-predikt'" in result.stderr and "mini-predict" in result.stderr


def test_no_current_problem(cli):
    for command in ("hint", "check", "path", "solution"):
        result = cli(command)
        assert result.exit_code == 2, command
        assert "no problem has been started" in result.stderr


def test_hints_one_at_a_time_and_remembered(cli):
    cli("start", "mini-implement", "--no-edit")
    first = cli("hint")
    assert (
        first.exit_code == 0
        and "hint 1 of 3" in first.stdout
        and "importlib has a function" in first.stdout
    )
    assert "hint 2 of 3" in cli("hint").stdout
    assert "hint 3 of 3" in cli("hint", "mini-implement").stdout
    done = cli("hint")
    assert done.exit_code == 0 and "All 3 hints" in done.stdout
    rows = json.loads(cli("list", "--json").stdout)["problems"]
    assert next(r for r in rows if r["slug"] == "mini-implement")["hints_revealed"] == 3


def test_check_predict_from_file_and_stdin(cli, tmp_path: Path):
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("False\ndone\n")
    result = cli("check", "mini-predict", "--predict-file", str(wrong))
    assert result.exit_code == 1
    # The learner's own lines, marked; the real first line ("True") is never shown.
    assert "wrong prediction" in result.stdout
    assert "✗ False" in result.stdout and "✓ done" in result.stdout
    assert "True" not in result.stdout
    result = cli("check", "mini-predict", "--predict-file", "-", input="True\ndone\n")
    assert result.exit_code == 0
    assert "✓ pass" in result.stdout and "stores the module" in result.stdout
    status = {r["slug"]: r["status"] for r in json.loads(cli("list", "--json").stdout)["problems"]}
    assert status["mini-predict"] == "solved"


def test_check_predict_without_prediction_outside_terminal(cli):
    result = cli("check", "mini-predict")
    assert result.exit_code == 2
    assert "--predict-file" in result.stderr


def test_check_json_keys_are_pinned(cli):
    result = cli(
        "check",
        "mini-module",
        "--predict-file",
        "-",
        "--json",
        input="app init\n__main__ app util\n",
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {
        "version",
        "slug",
        "kind",
        "passed",
        "verdict",
        "detail",
        "prediction",
        "lines",
        "missing",
        "extra",
        "output",
        "tree",
        "stderr",
        "duration_s",
    }
    assert data["passed"] is True and data["verdict"] == "pass"
    assert data["output"] == "app init\n__main__ app util"


def test_check_json_keys_of_an_implement_problem(cli):
    cli("start", "mini-implement", "--no-edit")
    data = json.loads(cli("check", "--json").stdout)
    assert set(data) == {
        "version",
        "slug",
        "kind",
        "passed",
        "verdict",
        "detail",
        "expected",
        "actual",
        "diff",
        "stderr",
        "duration_s",
        "changed_support",
        "runs",
        "rules",
    }
    assert data["kind"] == "implement" and data["version"] == 1
    assert [run["name"] for run in data["runs"]] == [
        "python main.py",
        "with a module name only the driver knows",
    ]
    assert set(data["runs"][0]) == {
        "name",
        "passed",
        "verdict",
        "detail",
        "expected",
        "actual",
        "diff",
        "stderr",
        "duration_s",
    }
    assert data["rules"] == []


def test_check_implement_starter_fails_then_solution_passes(cli, home: Path):
    cli("start", "mini-implement", "--no-edit")
    result = cli("check", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["verdict"] == "error" and "NotImplementedError" in data["stderr"]
    shown = cli("check")
    assert "stderr" in shown.stdout and "NotImplementedError" in shown.stdout
    assert cli("solution").exit_code == 2  # not before a pass
    learner_file(home).write_text(SOLUTION)
    passed = cli("check")
    assert (
        passed.exit_code == 0
        and "✓ pass" in passed.stdout
        and "importdrill solution" in passed.stdout
    )
    sol = cli("solution")
    assert (
        sol.exit_code == 0 and "reference solution" in sol.stdout and "your solution" in sol.stdout
    )


def test_check_implement_not_started_lays_out_the_starter(cli, home: Path):
    # As run and path: the starter is laid out (and said so), checked, and fails.
    result = cli("check", "mini-implement")
    assert result.exit_code == 1 and "from the problem's starter" in result.stderr
    assert learner_file(home).exists()


def test_check_timeout_and_bad_options(cli, home: Path):
    cli("start", "mini-implement", "--no-edit")
    learner_file(home).write_text("while True:\n    pass\n")
    result = cli("check", "--timeout", "0.5", "--json")
    assert result.exit_code == 1 and json.loads(result.stdout)["verdict"] == "timeout"
    assert cli("check", "--timeout", "0").exit_code == 2
    assert cli("check", "--memory", "-1").exit_code == 2
    wrong = cli("check", "--predict-file", "x")
    assert wrong.exit_code == 2 and "implement problem" in wrong.stderr
    missing = cli("check", "mini-predict", "--predict-file", str(home / "missing.txt"))
    assert missing.exit_code == 2 and "missing.txt" in missing.stderr


def test_check_whitespace_only_difference(cli):
    result = cli("check", "mini-predict", "--predict-file", "-", input="True\n done\n")
    assert result.exit_code == 1
    # Said without showing the real line: the learner's own line is marked wrong, its
    # whitespace shown as the legend says (· a space).
    assert "Only whitespace differs" in result.stdout and "✗ ·done" in result.stdout


def test_next_skips_solved_and_unavailable(cli):
    cli("check", "mini-predict", "--predict-file", "-", input="True\ndone\n")
    result = cli("next", "--no-edit")
    assert result.exit_code == 0 and "A tiny implement problem" in result.stdout
    cli("start", "mini-module")
    # after mini-module comes nothing new; next wraps round to the first unsolved one
    assert "A tiny implement problem" in cli("next", "--no-edit").stdout


def test_status(cli):
    cli("check", "mini-predict", "--predict-file", "-", input="True\ndone\n")
    result = cli("status")
    assert result.exit_code == 0
    assert "1/4" in result.stdout and "Current" in result.stdout and "mini-predict" in result.stdout


def test_reset_asks_and_restores_the_starter(cli, home: Path):
    cli("start", "mini-implement", "--no-edit")
    learner_file(home).write_text(SOLUTION)
    assert cli("check").exit_code == 0
    refused = cli("reset", "mini-implement")
    assert refused.exit_code == 2 and "--yes" in refused.stderr
    assert learner_file(home).read_text() == SOLUTION
    done = cli("reset", "mini-implement", "--yes")
    assert done.exit_code == 0 and not learner_file(home).exists()
    status = {r["slug"]: r["status"] for r in json.loads(cli("list", "--json").stdout)["problems"]}
    assert status["mini-implement"] == "unsolved"
    cli("start", "mini-implement", "--no-edit")
    assert "NotImplementedError" in learner_file(home).read_text()


def write_editor(tmp_path: Path) -> Path:
    script = tmp_path / "fake-editor"
    script.write_text(
        f"#!{sys.executable}\nimport sys\nopen(sys.argv[-1], 'a').write('# edited by ' + ' '.join(sys.argv[1:-1]) + '\\n')\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_editor_with_arguments_is_opened(
    cli, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    editor = write_editor(tmp_path)
    monkeypatch.setenv("EDITOR", "vi")
    monkeypatch.setenv("VISUAL", f"{editor} --wait")  # VISUAL wins over EDITOR
    as_if_in_a_terminal(monkeypatch)
    result = cli("start", "mini-implement")
    assert result.exit_code == 0
    assert learner_file(home).read_text().endswith("# edited by --wait\n")


def as_if_in_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from importdrill import prompt
    from importdrill.cli import options

    monkeypatch.setattr(options, "interactive", lambda: True)
    monkeypatch.setattr(prompt, "wait_for_enter", lambda message: None)


def test_no_editor_is_opened_outside_a_terminal(
    cli, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    editor = write_editor(tmp_path)
    monkeypatch.setenv("VISUAL", f"{editor} --wait")
    result = cli("start", "mini-implement")
    assert result.exit_code == 0
    assert "edited by" not in learner_file(home).read_text()


def test_editor_that_cannot_start(cli, home: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("EDITOR", "no-such-editor-xyz --flag")
    as_if_in_a_terminal(monkeypatch)
    result = cli("start", "mini-implement")
    assert result.exit_code == 2
    assert "no-such-editor-xyz" in result.stderr and str(learner_file(home)) in result.stderr


def test_schema_prints_json(cli):
    result = cli("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "importdrill problem"


@pytest.mark.parametrize("kind", ["predict", "implement", "order", "which-file"])
def test_new_writes_a_valid_problem_that_verifies(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
):
    folder = tmp_path / "my-pack"
    result = cli("new", f"my-{kind}", "--kind", kind, "--dir", str(folder))
    assert result.exit_code == 0
    assert (folder / f"my-{kind}.yaml").is_file()
    again = cli("new", f"my-{kind}", "--dir", str(folder))
    assert again.exit_code == 2 and "already exists" in again.stderr
    monkeypatch.setenv("IMPORTDRILL_PATH", str(folder))
    verified = cli("verify", f"my-{kind}")
    assert verified.exit_code == 0, verified.stdout + verified.stderr


def test_new_rejects_bad_input(cli, tmp_path: Path):
    assert cli("new", "Bad Slug", "--dir", str(tmp_path)).exit_code == 2
    assert cli("new", "ok-slug", "--kind", "guess", "--dir", str(tmp_path)).exit_code == 2


def test_verify_pack_passes_and_skips_unavailable(cli):
    result = cli("verify")
    assert result.exit_code == 0, result.stdout
    assert "skipped mini-future" in result.stdout and "All 4 problems verified" in result.stdout


def test_verify_catches_false_output_and_passing_starter(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    false = (
        (PACK / "mini-predict.yaml")
        .read_text()
        .replace("slug: mini-predict", "slug: false-output")
        .replace("  True\n  done\n", "  False\n  done\n")
    )
    (tmp_path / "false-output.yaml").write_text(false)
    lazy = (
        (PACK / "mini-implement.yaml")
        .read_text()
        .replace("slug: mini-implement", "slug: lazy-starter")
    )
    lazy = lazy.replace(
        '    raise NotImplementedError("your code here")',
        "    return importlib.import_module(name)",
    )
    (tmp_path / "lazy-starter.yaml").write_text(lazy)
    monkeypatch.setenv("IMPORTDRILL_PATH", str(tmp_path))
    result = cli("verify")
    assert result.exit_code == 1
    assert "false-output" in result.stdout and "does not print expected_output" in result.stdout
    assert "-False" in result.stdout and "+True" in result.stdout
    assert "lazy-starter" in result.stdout and "the starter already passes" in result.stdout
    assert "2 of 2 problems failed" in result.stderr


def test_verify_bad_python(cli):
    result = cli("verify", "--python", "/no/such/python")
    assert result.exit_code == 2 and "/no/such/python" in result.stderr


def test_broken_problem_file_is_exit_2_and_touches_nothing(
    cli, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    cli("hint", "mini-predict")
    before = snapshot(home)
    (tmp_path / "broken.yaml").write_text("slug: broken\ntitle: [oops\n")
    monkeypatch.setenv("IMPORTDRILL_PATH", os.pathsep.join([str(PACK), str(tmp_path)]))
    # Only the broken file's pack is unavailable (issue 23): every command names it, and the
    # other packs' problems work as before.
    for args in (
        ("list",),
        ("check", "mini-predict", "--predict-file", "-"),
    ):
        result = cli(*args, input="x\n")
        assert result.exit_code in (0, 1)
        assert (
            "broken.yaml:3:1: YAML syntax error" in result.stderr
            and "Traceback" not in result.stderr
        )
    assert cli("verify").exit_code == 1
    assert snapshot(home) != before


def test_unreadable_state_is_exit_2(cli, home: Path):
    # A folder where the database should be: nobody, root included, can open it as one.
    (home / "progress.db").mkdir(parents=True)
    result = cli("status")
    assert result.exit_code == 2 and "progress.db" in result.stderr
    assert "Traceback" not in result.stderr


def test_narrow_terminal_and_pipe(cli, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COLUMNS", "60")
    listed = cli("list")
    assert listed.exit_code == 0
    assert max(len(line) for line in listed.stdout.splitlines()) <= 60
    assert "\x1b[" not in listed.stdout  # a pipe gets plain text
    failed = cli("check", "mini-predict", "--predict-file", "-", input="False\ndone\n")
    assert failed.exit_code == 1
    assert max(len(line) for line in failed.stdout.splitlines()) <= 60
    # Once revealed, a wrong prediction is compared with the real output: a unified diff
    # on a narrow terminal, side by side on a wide one.
    assert cli("reveal", "mini-predict", "--yes").exit_code == 0
    failed = cli("check", "mini-predict", "--predict-file", "-", input="False\ndone\n")
    assert "--- your prediction" in failed.stdout and "+++ real output" in failed.stdout
    assert "-False" in failed.stdout and "+True" in failed.stdout
    monkeypatch.setenv("COLUMNS", "120")
    wide = cli("check", "mini-predict", "--predict-file", "-", input="False\ndone\n")
    assert "your prediction" in wide.stdout and "---" not in wide.stdout
    assert "≠" in wide.stdout


def test_check_with_another_python_respects_requires_python(cli, tmp_path: Path):
    old = Path("/root/.pyenv/versions/3.9.18/bin/python")
    future = cli(
        "check", "mini-future", "--python", sys.executable, "--predict-file", "-", input="future\n"
    )
    assert future.exit_code == 2 and "needs Python 3.99" in future.stderr
    bad = cli(
        "check",
        "mini-future",
        "--python",
        str(tmp_path / "nope"),
        "--predict-file",
        "-",
        input="x\n",
    )
    assert bad.exit_code == 2 and "nope" in bad.stderr
    if old.exists():  # an older interpreter runs problems without a floor
        ok = cli(
            "check",
            "mini-predict",
            "--python",
            str(old),
            "--predict-file",
            "-",
            input="True\ndone\n",
        )
        assert ok.exit_code == 0
