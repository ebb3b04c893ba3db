"""Reviews, mixed sessions, confidence and settings: through the CLI and a real terminal."""

from __future__ import annotations

import json
from pathlib import Path

import pexpect
import pytest

from importdrill.app.drill import Drill
from importdrill.core.progress import Store

from .helpers import SOLUTION, spawn, wait_for_cursor_query

pytestmark = pytest.mark.usefixtures("mini_pack")

DAY0 = "2026-03-01T09:00:00+00:00"
LATER = "2026-03-20T09:00:00+00:00"  # every first review is due by then


def solve_predict(cli, monkeypatch, slug: str = "mini-predict") -> None:
    monkeypatch.setenv("IMPORTDRILL_NOW", DAY0)
    done = cli("check", slug, "--predict-file", "-", input="True\ndone\n")
    assert done.exit_code == 0, done.stdout


def solve_implement(cli, monkeypatch, home: Path) -> Path:
    monkeypatch.setenv("IMPORTDRILL_NOW", DAY0)
    cli("start", "mini-implement", "--no-edit")
    learner = home / "workspace" / "mini-implement" / "main.py"
    learner.write_text(SOLUTION, encoding="utf-8")
    assert cli("check", "mini-implement").exit_code == 0
    return learner


def test_review_list_json_soonest_first(cli, monkeypatch):
    monkeypatch.setenv("IMPORTDRILL_NOW", DAY0)
    cli("hint", "mini-module")
    assert cli("check", "mini-module", "--predict-file", "-", input="x\n").exit_code == 1
    assert cli("reveal", "mini-module", "--yes").exit_code == 0
    solve_predict(cli, monkeypatch)
    done = cli("review", "--list", "--json")
    assert done.exit_code == 0
    data = json.loads(done.stdout)
    assert data["version"] == 1
    slugs = [r["slug"] for r in data["reviews"]]
    assert slugs == ["mini-module", "mini-predict"]  # revealed comes back first
    first = data["reviews"][0]
    assert set(first) == {"slug", "due", "state", "due_now", "reviews"}
    assert first["due"].startswith("2026-03-02T") and first["due"].endswith("+00:00")
    assert first["due_now"] is False
    monkeypatch.setenv("IMPORTDRILL_NOW", LATER)
    data = json.loads(cli("review", "--list", "--json").stdout)
    assert all(r["due_now"] for r in data["reviews"])
    plain = cli("review", "--list")
    assert plain.exit_code == 0 and "mini-module" in plain.stdout and "due now" in plain.stdout


def test_nothing_to_review_yet(cli):
    done = cli("review", "--list", "--json")
    assert done.exit_code == 0 and json.loads(done.stdout)["reviews"] == []
    assert "Nothing to review yet" in cli("review", "--list").stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["review"], "in a terminal"),
        (["review", "--json"], "--json goes with --list"),
        (["review", "--list", "--timeout", "0"], "--timeout 0"),
        (["mix"], "in a terminal"),
        (["mix", "--count", "0"], "--count 0"),
        (["mix", "--tag", "nope"], "--tag 'nope'"),
        (["config", "colour"], "no setting is called 'colour'"),
        (["config", "confidence", "maybe"], "choose on or off"),
    ],
)
def test_bad_input_is_exit_2_and_records_nothing(cli, home: Path, args, says):
    result = cli(*args)
    assert result.exit_code == 2
    # With --json the error is a JSON document on stdout.
    assert says in result.stderr + result.stdout and "Traceback" not in result.stderr
    assert not (home / "progress.db").exists()


def test_status_shows_due_today_streak_and_confidence(cli, monkeypatch):
    solve_predict(cli, monkeypatch)
    monkeypatch.setenv("IMPORTDRILL_NOW", DAY0)
    data = json.loads(cli("status", "--json").stdout)
    assert data["reviews_due_today"] == []
    assert data["next_review"]["slug"] == "mini-predict"
    assert (data["streak_days"], data["practised_today"]) == (1, True)
    assert data["confidence"]["3"] == {"right": 0, "total": 0}
    monkeypatch.setenv("IMPORTDRILL_NOW", LATER)
    data = json.loads(cli("status", "--json").stdout)
    assert data["reviews_due_today"] == ["mini-predict"]
    assert (data["streak_days"], data["practised_today"]) == (0, False)
    shown = cli("status")
    assert shown.exit_code == 0 and "Due today 1: mini-predict" in shown.stdout


def test_config_turns_confidence_off_and_on(cli):
    assert json.loads(cli("config", "--json").stdout)["settings"] == {"confidence": "on"}
    assert cli("config", "confidence", "off").stdout.strip() == "confidence off"
    assert json.loads(cli("config", "confidence", "--json").stdout)["settings"] == {
        "confidence": "off"
    }
    assert cli("config", "confidence", "on").exit_code == 0


def test_mix_interleaves_topics(home: Path):
    drill = Drill(Store())
    for seed in range(5):
        mixed = drill.mix(3, seed=seed)
        assert len(mixed) == 3
        assert len({p.tags[0] for p in mixed}) == 3  # three problems, three topics
        assert "mini-future" not in [p.slug for p in mixed]  # not available here
    assert [p.slug for p in drill.mix(5, tag="sys.modules")] == ["mini-predict"]
    assert [p.slug for p in drill.mix(2, seed=7)] == [p.slug for p in drill.mix(2, seed=7)]


# --- in a real terminal ------------------------------------------------------------------------


def test_review_asks_a_prediction_again_and_reschedules(cli, monkeypatch, home: Path):
    solve_predict(cli, monkeypatch)
    child = spawn(home, "review", IMPORTDRILL_NOW=LATER)
    child.expect("Review 1 of 1")
    child.expect("It prints 2 lines")
    wait_for_cursor_query(child)
    child.send("True\rdone\x1b\r")
    child.expect("How sure are you")
    child.send("3")
    child.expect("pass")
    child.expect("Done: 1 of 1 problem right")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    attempt = Store(home / "progress.db").history()[-1]
    assert (attempt.slug, attempt.verdict, attempt.confidence) == ("mini-predict", "pass", 3)
    monkeypatch.setenv("IMPORTDRILL_NOW", LATER)
    review = json.loads(cli("review", "--list", "--json").stdout)["reviews"][0]
    assert review["reviews"] == 2 and review["due_now"] is False


def test_a_wrong_review_given_as_certain_is_called_out(cli, monkeypatch, home: Path):
    solve_predict(cli, monkeypatch)
    child = spawn(home, "review", IMPORTDRILL_NOW=LATER)
    child.expect("Review 1 of 1")
    wait_for_cursor_query(child)
    child.send("False\rdone\x1b\r")
    child.expect("How sure are you")
    child.send("3")
    child.expect("wrong prediction")
    child.expect("You were certain, and it was wrong")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    monkeypatch.setenv("IMPORTDRILL_NOW", LATER)
    review = json.loads(cli("review", "--list", "--json").stdout)["reviews"][0]
    assert review["due"].startswith("2026-03-21")  # Again: back the next day


def test_review_of_an_implement_problem_starts_afresh_earlier_file_out_of_the_workspace(
    cli, monkeypatch, home: Path
):
    learner = solve_implement(cli, monkeypatch, home)
    child = spawn(home, "review", IMPORTDRILL_NOW=LATER)
    child.expect("Review 1 of 1")
    child.expect("set aside until this review's verdict")
    wait_for_cursor_query(child)
    child.expect("press Enter to check")
    # Nothing of the earlier solution is left in the workspace: the starter and the prompt.
    folder = learner.parent
    assert sorted(p.name for p in folder.rglob("*") if p.is_file()) == ["PROMPT.md", "main.py"]
    assert learner.read_text(encoding="utf-8") != SOLUTION  # the starter again
    kept = list((home / "workspace" / ".trash").rglob("main.py"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == SOLUTION
    before_verdict = child.logfile_read.getvalue()
    assert "import_module(name)" not in before_verdict
    learner.write_text(SOLUTION.replace("return", "return  "), encoding="utf-8")
    child.send("\r")
    child.expect("pass")
    # After the verdict: the earlier file beside the one written in the review.
    child.expect("your earlier file")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    # Where it is kept: a path the terminal may break anywhere, so looked for in the text
    # with the line breaks taken out.
    after = child.logfile_read.getvalue()[len(before_verdict) :]
    assert kept[0].parent.name in after.replace("\r\n", "")


def test_mix_hides_the_title_until_the_answer_is_in(cli, home: Path):
    assert cli("config", "confidence", "off").exit_code == 0
    child = spawn(home, "mix", "--tag", "sys.modules", "--count", "1")
    child.expect("Problem 1 of 1")
    wait_for_cursor_query(child)
    child.expect("Esc Enter")
    before = child.logfile_read.getvalue()  # all that was shown before the answer
    assert "print(" in before  # the program itself is shown
    assert "A tiny predict problem" not in before and "mini-predict" not in before
    assert "sys.modules" not in before.split("print(", 1)[0]  # no topic in the heading
    child.send("True\rdone\x1b\r")
    child.expect("pass")
    child.expect("That was")
    child.expect("A tiny predict problem")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_a_mixed_session_keeps_unsolved_work_in_progress(cli, home: Path):
    cli("start", "mini-implement", "--no-edit")
    learner = home / "workspace" / "mini-implement" / "main.py"
    learner.write_text("# my work so far\n", encoding="utf-8")
    started = Drill(Store()).begin_review(Drill(Store()).catalog.get("mini-implement"))
    assert started.earlier is None and started.learner_file == learner
    assert learner.read_text(encoding="utf-8") == "# my work so far\n"


def test_a_review_serves_a_variant_in_a_real_terminal(cli, monkeypatch, home: Path):
    from .helpers import DATA

    variants = str(DATA / "variants")
    monkeypatch.setenv("IMPORTDRILL_PATH", variants)
    monkeypatch.setenv("IMPORTDRILL_NOW", DAY0)
    assert cli("check", "shadow-order", "--predict-file", "-", input="first\n").exit_code == 0
    child = spawn(home, "review", IMPORTDRILL_NOW=LATER, IMPORTDRILL_PATH=variants)
    child.expect("Review 1 of 1")
    child.expect(r"second\S* is put on")  # the prompt, changed with the program
    child.expect(r'\["second", "first"\]')
    wait_for_cursor_query(child)
    child.send("second\x1b\r")
    child.expect("How sure are you")
    child.send("\r")
    child.expect("pass")
    # The explanation is the problem's own, and the pass says so.
    child.expect(r"You solved a variant \(second-first\)")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert [e.variant for e in Store(home / "progress.db").history()] == [None, "second-first"]


def test_ctrl_c_at_how_sure_records_nothing(home: Path):
    child = spawn(home, "check", "mini-predict")
    wait_for_cursor_query(child)
    child.send("True\rdone\x1b\r")
    child.expect("How sure are you")
    child.send("x")  # any other key: the question stands
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert not (home / "progress.db").exists() or Store(home / "progress.db").history() == []


def test_a_hint_asked_after_a_pass_does_not_count_against_it(cli, monkeypatch):
    """Issue 22: reading a hint once the problem passed (in watch, say) is curiosity, not
    help: the pass keeps its rating, so the review comes back when it would have."""
    solve_predict(cli, monkeypatch)
    without = json.loads(cli("review", "--list", "--json").stdout)["reviews"]
    assert cli("hint", "mini-predict").exit_code == 0
    after = json.loads(cli("review", "--list", "--json").stdout)["reviews"]
    assert after == without
    # A hint before the pass does count: that pass is Hard, and comes back sooner.
    cli("hint", "mini-module")
    done = cli("check", "mini-module", "--predict-file", "-", input="app init\n__main__ app util\n")
    assert done.exit_code == 0, done.stdout
    due = {
        r["slug"]: r["due"] for r in json.loads(cli("review", "--list", "--json").stdout)["reviews"]
    }
    assert due["mini-module"] < due["mini-predict"]
