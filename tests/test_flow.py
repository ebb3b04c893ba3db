"""A learner's session through the CLI, in a real pseudo-terminal where the terminal is the
point (issue 22): messages wrapped at words at any width, the keys that submit, `show`.

Nothing here depends on where a terminal wraps a line: each test asserts on words with the
whitespace normalised, and that no line the program wrote is wider than the terminal (so the
terminal itself never broke one, mid-word or not)."""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import pexpect
import pytest

from .helpers import mini_pack_env, saved_state, spawn, wait_for_cursor_query

WIDTHS = (40, 60, 100, 200)

# CSI and OSC sequences, and the single-character escapes prompt-toolkit sends.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]"
)


def spawn_at(
    home: Path, columns: int, *args: str, builtins: bool = False, **env: str
) -> pexpect.spawn:
    """helpers.spawn at a width, the width first: the tests here are about widths."""
    # env holds environment variables only; mypy cannot know it never names color.
    return spawn(home, *args, columns=columns, builtins=builtins, **env)  # type: ignore[arg-type]


def lines_written(raw: str) -> list[str]:
    """What the program wrote, line by line, its escape sequences taken out."""
    text = _ESCAPES.sub("", raw)
    return [line.split("\r")[-1] for line in re.split(r"\r?\n", text)]


def words(text: str) -> str:
    return " ".join(text.split())


def assert_fits(raw: str, columns: int) -> None:
    too_wide = [line for line in lines_written(raw) if len(line) > columns]
    assert not too_wide, f"lines wider than {columns} columns: {too_wide}"


@pytest.mark.parametrize("columns", WIDTHS)
def test_order_problem_says_what_to_write_once_wrapped_at_words(home: Path, columns: int):
    child = spawn_at(home, columns, "start", "order-circular-finish", builtins=True)
    child.expect(r"Type\s+them\s+below")
    before = child.before
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    shown = words(" ".join(lines_written(before)))
    # Stated once (the inline prompt does not repeat it), and whole.
    assert shown.count("one name a line") == 1
    assert "Answer: the problem's own modules, one name a line (dotted: pkg.mod)" in shown
    # The panel's title keeps the slug, whatever else gives way.
    assert "order-circular-finish" in shown
    assert_fits(before, columns)


@pytest.mark.parametrize("columns", WIDTHS)
def test_an_error_wraps_at_words(home: Path, columns: int):
    child = spawn_at(home, columns, "list", "--tag", "nonsense", builtins=True)
    child.expect(pexpect.EOF)
    child.close()
    raw = child.logfile_read.getvalue()
    assert child.exitstatus == 2
    assert "no problem has it; tags are:" in words(" ".join(lines_written(raw)))
    assert "sys.modules" in raw
    assert_fits(raw, columns)


@pytest.mark.parametrize("columns", WIDTHS)
def test_run_refusal_wraps_at_words(home: Path, columns: int):
    child = spawn_at(home, columns, "run", "mini-predict")
    child.expect(pexpect.EOF)
    raw = child.logfile_read.getvalue()
    assert "would show the answer you are asked to predict" in words(" ".join(lines_written(raw)))
    assert_fits(raw, columns)


def test_key_bar_fits_at_60_columns(home: Path):
    child = spawn_at(home, 60, "check", "mini-predict")
    wait_for_cursor_query(child)
    child.expect("Ctrl-C: cancel")
    shown = _ESCAPES.sub("", child.logfile_read.getvalue())
    assert "Esc Enter / Ctrl-D on empty line: submit" in shown
    assert "earl" not in shown  # never cut mid-word
    child.sendcontrol("c")
    child.expect(pexpect.EOF)


@pytest.mark.slow  # a pause of 1.5 s
def test_esc_then_enter_submits_however_long_the_pause(home: Path):
    child = spawn_at(
        home,
        100,
        "check",
        "mini-predict",
    )
    wait_for_cursor_query(child)
    child.send("True\r")
    child.send("done")
    child.send("\x1b")
    time.sleep(1.5)  # well past prompt-toolkit's half second for an Esc alone
    child.send("\r")
    _confidence_or_verdict(child)
    child.expect(pexpect.EOF)
    assert saved_state(home)["problems"]["mini-predict"]["predictions"] == ["True\ndone"]


def test_ctrl_d_on_an_empty_line_submits(home: Path):
    child = spawn_at(home, 100, "check", "mini-predict")
    wait_for_cursor_query(child)
    child.send("True\r")
    child.send("done\r")
    child.sendcontrol("d")
    _confidence_or_verdict(child)
    child.expect(pexpect.EOF)
    assert saved_state(home)["problems"]["mini-predict"]["predictions"] == ["True\ndone"]


def _confidence_or_verdict(child: pexpect.spawn) -> None:
    if child.expect(["How sure are you", "pass"]) == 0:
        child.send("\r")
        child.expect("pass")


def test_python_dash_m_works_from_a_folder_holding_json_py(home: Path, tmp_path: Path):
    import subprocess

    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "json.py").write_text("raise SystemExit('the local json.py was imported')\n")
    done = subprocess.run(
        [sys.executable, "-m", "importdrill", "list"],
        cwd=folder,
        env=mini_pack_env(home),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "mini-predict" in done.stdout
    assert os.path.exists(folder / "json.py")


def test_show_prints_the_problem_again_without_its_answer(home: Path, cli, mini_pack):
    result = cli("show", "mini-predict")
    assert result.exit_code == 0, result.stderr
    assert "What does this print?" in result.stdout
    assert 'print("json" in sys.modules)' in result.stdout
    assert "True" not in result.stdout  # the expected output is never shown
    # Without a slug: the current problem.
    cli("start", "mini-implement", "--no-edit")
    again = cli("show")
    assert again.exit_code == 0
    assert "mini-implement" in again.stdout
    assert "Your file:" in again.stdout


def test_show_without_a_current_problem_says_what_to_do(home: Path, cli, mini_pack):
    result = cli("show")
    assert result.exit_code == 2
    assert "no problem has been started yet" in result.stderr


def test_the_workspace_holds_the_prompt(home: Path, cli, mini_pack):
    cli("start", "mini-implement", "--no-edit")
    prompt = home / "workspace" / "mini-implement" / "PROMPT.md"
    assert "mini-implement" in prompt.read_text()
    cli("start", "mini-predict")  # not a terminal: the path to predict is printed
    text = (home / "workspace" / "mini-predict" / "PROMPT.md").read_text()
    assert "What does this print?" in text
    assert "True\ndone" not in text
    # A reset keeps nothing that only held the prompt.
    assert cli("reset", "mini-predict", "--yes").exit_code == 0
    assert not (home / "workspace" / "mini-predict").exists()


@pytest.mark.parametrize("columns", (40, 60))
def test_code_panels_wrap_with_a_continuation_mark(home: Path, columns: int):
    child = spawn_at(home, columns, "show", "order-circular-finish", builtins=True)
    child.expect(pexpect.EOF)
    raw = child.logfile_read.getvalue()
    assert "↪" in raw
    shown = " ".join(lines_written(raw))
    assert "models.validators.check" in shown  # a name is never split
    assert "order-circular-finish" in shown  # the title keeps the slug
    assert_fits(raw, columns)


def test_restarting_a_solved_problem_says_it_is_practice(home: Path, cli, mini_pack):
    from .helpers import SOLUTION

    cli("start", "mini-implement", "--no-edit")
    (home / "workspace" / "mini-implement").joinpath(
        *_main_of("mini-implement").split("/")
    ).write_text(SOLUTION)
    assert cli("check", "mini-implement").exit_code == 0
    again = cli("start", "mini-implement", "--no-edit")
    assert "this is practice" in again.stdout


def _main_of(slug: str) -> str:
    import yaml

    from .helpers import PACK

    return str(yaml.safe_load((PACK / f"{slug}.yaml").read_text()).get("main", "main.py"))


def test_check_json_in_a_terminal_says_exactly_how_to_give_the_prediction(home: Path):
    import json

    child = spawn_at(home, 100, "check", "mini-predict", "--json")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    document = json.loads(child.logfile_read.getvalue().replace("\r\n", "\n"))
    message = document["error"]["message"]
    assert "importdrill check mini-predict --json --predict-file -" in message
    assert "in a terminal" not in message


def test_an_order_answer_is_not_called_output(home: Path, cli):
    # The problem's own modules in a wrong order (other names are refused for their form).
    wrong = cli(
        "check", "order-circular-finish", "--predict-file", "-", input="models\nrules\nvalidators\n"
    )
    assert wrong.exit_code == 1
    assert "wrong answer" in wrong.stdout
    assert "the answer differs" in wrong.stdout
    assert "output differs" not in wrong.stdout
    assert (
        "The answer has 1 module more than you wrote"
        in cli(
            "check", "order-circular-finish", "--predict-file", "-", input="models\nrules\n"
        ).stdout
    )
    started = cli("start", "order-circular-finish")  # not a terminal
    assert "Write what it prints" not in started.stdout
    assert "your answer, as said above" in started.stdout


def test_run_refusal_after_a_wrong_try_says_get_it_right(home: Path, cli, mini_pack):
    before = cli("run", "mini-predict")
    assert "predict it first" in before.stderr
    cli("check", "mini-predict", "--predict-file", "-", input="nope\n")
    after = cli("run", "mini-predict")
    assert after.exit_code == 2
    assert "get it right first" in after.stderr
    assert "predict it first" not in after.stderr


def test_the_whitespace_legend_shows_what_it_promises(home: Path, cli, mini_pack):
    wrong = cli("check", "mini-predict", "--predict-file", "-", input="True\ndo ne\n")
    assert "Only whitespace differs (· is a space, → a tab)" in wrong.stdout
    assert "do·ne" in wrong.stdout


def test_check_after_reset_lays_out_the_starter_again(home: Path, cli, mini_pack):
    cli("start", "mini-implement", "--no-edit")
    assert cli("reset", "mini-implement", "--yes").exit_code == 0
    checked = cli("check", "mini-implement")
    assert "not started" not in checked.stderr
    assert checked.exit_code == 1  # the starter is checked, and fails
    assert (home / "workspace" / "mini-implement").is_dir()
    assert saved_state(home)["problems"]["mini-implement"]["status"] == "started"


def test_run_and_check_inside_a_workspace_folder_use_its_problem(
    home: Path, cli, mini_pack, monkeypatch: pytest.MonkeyPatch
):
    cli("start", "mini-implement", "--no-edit")
    cli("hint", "mini-predict")  # another problem, made current
    cli("start", "mini-predict")
    inside = home / "workspace" / "mini-implement"
    monkeypatch.chdir(inside)
    ran = cli("run")
    assert "mini-implement" in ran.stdout + ran.stderr
    checked = cli("check", "--json")
    import json

    assert json.loads(checked.stdout)["slug"] == "mini-implement"


# --- reviews and mix ----------------------------------------------------------------------

DAY0 = "2026-03-01T09:00:00+00:00"
LATER = "2026-03-20T09:00:00+00:00"  # every first review is due by then


def _solved_then_due(cli, monkeypatch, home: Path) -> Path:
    from .helpers import SOLUTION

    monkeypatch.setenv("IMPORTDRILL_NOW", DAY0)
    cli("start", "mini-implement", "--no-edit")
    learner = home / "workspace" / "mini-implement" / "main.py"
    learner.write_text(SOLUTION, encoding="utf-8")
    assert cli("check", "mini-implement").exit_code == 0
    assert cli("check", "mini-predict", "--predict-file", "-", input="True\ndone\n").exit_code == 0
    monkeypatch.delenv("IMPORTDRILL_NOW")
    return learner


def test_review_opens_the_editor_and_checks_when_it_closes(
    cli, mini_pack, monkeypatch, home: Path, tmp_path: Path
):
    from .helpers import SOLUTION

    learner = _solved_then_due(cli, monkeypatch, home)
    solution = tmp_path / "solution.py"
    solution.write_text(SOLUTION, encoding="utf-8")
    fake = tmp_path / "fake-editor"
    fake.write_text(f'#!/bin/sh\ncp {solution} "$1"\n')
    fake.chmod(0o755)
    assert cli("config", "confidence", "off").exit_code == 0
    child = spawn_at(home, 100, "review", IMPORTDRILL_NOW=LATER, EDITOR=str(fake))
    child.expect("Review 1 of 2")
    wait_for_cursor_query(child)
    child.expect("s: skip")
    child.send("\r")  # the editor opens (this one writes the solution), and it is checked
    child.expect("pass")
    child.expect("Review 2 of 2")
    child.expect(r"Type\s+them\s+below")
    wait_for_cursor_query(child)
    child.send("False\rdone\x1b\r")
    child.expect("wrong prediction")
    child.expect("Done: 1 of 2 problems right")
    child.expect(pexpect.EOF)
    shown = words(" ".join(lines_written(child.logfile_read.getvalue())))
    # Nothing in the session tells the learner to type a command.
    assert "importdrill next" not in shown
    assert "Try again: importdrill check" not in shown
    assert learner.read_text(encoding="utf-8") == SOLUTION


def test_a_skipped_review_records_no_attempt(cli, mini_pack, monkeypatch, home: Path):
    from .helpers import snapshot

    _solved_then_due(cli, monkeypatch, home)
    assert cli("config", "confidence", "off").exit_code == 0
    child = spawn_at(home, 100, "review", IMPORTDRILL_NOW=LATER)
    child.expect("Review 1 of 2")
    wait_for_cursor_query(child)
    child.expect("s: skip")
    before = snapshot(home)
    child.send("s")
    child.expect("Skipped: nothing recorded")
    after = snapshot(home)
    assert before is not None and after is not None
    assert [e.event for e in after[1]] == [e.event for e in before[1]]
    child.expect("Review 2 of 2")
    wait_for_cursor_query(child)
    child.send("True\rdone\x1b\r")
    child.expect("pass")
    child.expect(r"Done: 1 of 1 problem right \(1 skipped\)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_review_list_says_how_overdue_with_plain_column_names(cli, mini_pack, monkeypatch, home):
    _solved_then_due(cli, monkeypatch, home)
    monkeypatch.setenv("IMPORTDRILL_NOW", "2026-06-01T09:00:00+00:00")
    listed = cli("review", "--list")
    assert listed.exit_code == 0
    text = words(listed.stdout)
    assert "next review" in text and "times reviewed" in text
    assert re.search(r"due now \(overdue \d+ (weeks|months)\)", text), text


def test_versions_says_what_it_skipped_and_one_interpreter(
    cli, mini_pack, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # PATH: this Python as python3.N, and a python3.M that is not a Python at all.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    here = f"python3.{sys.version_info[1]}"
    (bin_dir / here).symlink_to(sys.executable)
    broken = "python3.9" if sys.version_info[1] != 9 else "python3.10"
    (bin_dir / broken).write_text("#!/bin/sh\necho nope\n")
    (bin_dir / broken).chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    cli("check", "mini-predict", "--predict-file", "-", input="True\ndone\n")
    shown = cli("versions", "mini-predict")
    assert shown.exit_code == 0, shown.stderr
    text = words(shown.stdout)
    assert f"Skipped {bin_dir / broken}: it did not answer like a Python interpreter" in text
    assert "one interpreter found" in text


@pytest.mark.parametrize("columns", (60, 160))
def test_solution_is_a_diff_of_yours_against_the_reference(
    home: Path, columns: int, cli, mini_pack
):
    from .helpers import SOLUTION

    cli("start", "mini-implement", "--no-edit")
    mine = SOLUTION.replace("def load(name):", "def load(name):  # mine")
    (home / "workspace" / "mini-implement" / "main.py").write_text(mine)
    assert cli("check").exit_code == 0
    child = spawn_at(home, columns, "solution")
    child.expect(pexpect.EOF)
    raw = child.logfile_read.getvalue()
    shown = words(" ".join(lines_written(raw)))
    assert "- def load(name): # mine" in shown
    assert "+ def load(name):" in shown
    # A shared line: once on each side, or once in a unified diff.
    assert shown.count("return importlib.import_module(name)") == (2 if columns >= 100 else 1)
    assert_fits(raw, columns)


# --- watch --------------------------------------------------------------------------------


def test_watch_keeps_the_hint_names_keys_and_starts_from_the_last_prediction(
    home: Path, tmp_path: Path
):
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("False\ndone\n")
    spawn_at(home, 100, "check", "mini-predict", "--predict-file", str(wrong)).expect(pexpect.EOF)
    child = spawn_at(home, 100, "watch")
    child.expect("holds your last prediction")
    prediction = home / "workspace" / "mini-predict" / "prediction.txt"
    assert prediction.read_text() == "False\ndone\n"
    child.send("h")
    child.expect("hint 1 of 2")
    child.send("e")  # refused, in the keys' words; the hint stays on screen below
    child.expect(r"e explains once this problem passes \(v reveals it\)")
    child.expect("hint 1 of 2")
    child.expect("q quit")  # the key bar again, last
    child.send("q")
    child.expect(pexpect.EOF)
    shown = words(" ".join(lines_written(child.logfile_read.getvalue())))
    assert "importdrill reveal" not in shown.split("watch", 1)[-1]


# --- the spinner --------------------------------------------------------------------------


def _mine(home: Path, code: str) -> None:
    spawn_at(home, 100, "start", "mini-implement", "--no-edit").expect(pexpect.EOF)
    (home / "workspace" / "mini-implement" / "main.py").write_text(code)


@pytest.mark.slow  # a program that runs 1.5 s
def test_a_long_check_shows_a_spinner_with_the_run_and_seconds(home: Path):
    _mine(home, "import time\ntime.sleep(1.5)\nprint('json')\n")
    child = spawn_at(home, 100, "check")
    child.expect(r"running main\.py\s+\d+\.\d s")
    child.expect("✗|✓")
    child.expect(pexpect.EOF)
    raw = child.logfile_read.getvalue()
    assert "\r\x1b[K" in raw  # wiped before the verdict


@pytest.mark.slow  # a program that runs 0.8 s
def test_a_quick_check_shows_no_spinner(home: Path, tmp_path: Path):
    from .helpers import SOLUTION

    _mine(home, SOLUTION)
    child = spawn_at(home, 100, "check")
    child.expect("pass")
    child.expect(pexpect.EOF)
    assert "running main.py" not in child.logfile_read.getvalue()
    # Nor outside a terminal, however long.
    import subprocess

    (home / "workspace" / "mini-implement" / "main.py").write_text(
        "import time\ntime.sleep(0.8)\nprint('json')\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "importdrill", "check"],
        env=mini_pack_env(home),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "running" not in done.stderr + done.stdout


def test_ctrl_s_skips_a_prediction_in_mix_and_nothing_is_started(cli, mini_pack, home: Path):
    assert cli("config", "confidence", "off").exit_code == 0
    child = spawn_at(home, 100, "mix", "--tag", "sys.modules", "--count", "1")
    child.expect("Problem 1 of 1")
    wait_for_cursor_query(child)
    child.expect("Ctrl-S: skip")
    child.sendcontrol("s")
    child.expect("Skipped: nothing recorded")
    child.expect(pexpect.EOF)
    shown = words(" ".join(lines_written(child.logfile_read.getvalue())))
    assert "A tiny predict problem" not in shown  # a skipped problem stays unnamed
    assert saved_state(home)["problems"].get("mini-predict") is None  # not started


# --- list ---------------------------------------------------------------------------------


def test_list_tag_twice_means_either_and_tags_can_be_seen(cli, mini_pack, home: Path):
    one = cli("list", "--tag", "importlib").stdout
    both = cli("list", "--tag", "importlib", "--tag", "sys.modules").stdout
    assert "mini-implement" in one and "mini-predict" not in one
    assert "mini-implement" in both and "mini-predict" in both
    tags = cli("list", "--tags").stdout
    assert "importlib  (1)" in tags and "sys.modules" in tags


@pytest.mark.parametrize("columns", (40, 60, 100, 200))
def test_list_below_100_columns_gives_a_legend_not_nothing(home: Path, columns: int):
    child = spawn_at(home, columns, "list")
    child.expect(pexpect.EOF)
    shown = words(" ".join(lines_written(child.logfile_read.getvalue())))
    if columns < 100:
        assert "○ unsolved" in shown and "p predict, i implement" in shown
    else:
        assert "status" in shown and "kind" in shown
    if columns >= 200:
        assert "A tiny implement problem" in shown  # not cut when the width allows
