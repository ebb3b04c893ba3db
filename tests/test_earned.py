"""Issue 20, every pass earned: a way out of an implement problem (reveal), reviews that test
memory, answers checked for form. Through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from importdrill.core.progress import Event, Store

from .helpers import SOLUTION, saved_state

pytestmark = pytest.mark.usefixtures("mini_pack")

DAY0 = "2026-03-01T09:00:00+00:00"
LATER = "2026-03-20T09:00:00+00:00"


# --- reveal for implement problems --------------------------------------------------------


def test_reveal_an_implement_problem_shows_the_solution_beside_yours(cli, home: Path):
    cli("start", "mini-implement", "--no-edit")
    learner = home / "workspace" / "mini-implement" / "main.py"
    learner.write_text("print('mine, half done')\n", encoding="utf-8")
    done = cli("reveal", "mini-implement", "--yes")
    assert done.exit_code == 0, done.stdout
    assert "reference solution" in done.stdout and "your solution" in done.stdout
    assert "importlib.import_module(name)" in done.stdout
    assert "mine, half done" in done.stdout
    assert "revealed, not solved" in done.stdout
    assert saved_state(home)["problems"]["mini-implement"]["status"] == "revealed"
    # The learner's file is left as it was.
    assert learner.read_text(encoding="utf-8") == "print('mine, half done')\n"
    # Scheduled like any reveal: it comes back soonest.
    reviews = json.loads(cli("review", "--list", "--json").stdout)["reviews"]
    assert [r["slug"] for r in reviews] == ["mini-implement"]
    # The explanation is earned by the reveal; the solution command still needs a pass.
    assert cli("explain", "mini-implement").exit_code == 0
    # A pass later still solves it.
    learner.write_text(SOLUTION, encoding="utf-8")
    assert cli("check", "mini-implement").exit_code == 0
    assert saved_state(home)["problems"]["mini-implement"]["status"] == "solved"


def test_reveal_of_an_implement_problem_asks_first(cli, home: Path):
    cli("start", "mini-implement", "--no-edit")
    refused = cli("reveal", "mini-implement", "--json")
    assert refused.exit_code == 2
    assert "--yes" in json.loads(refused.stdout)["error"]["message"]
    assert saved_state(home)["problems"]["mini-implement"]["status"] == "started"
    events = [e.event for e in Store(home / "progress.db").history("mini-implement")]
    assert Event.REVEAL not in events
    done = cli("reveal", "mini-implement", "--json", "--yes")
    data = json.loads(done.stdout)
    assert data["status"] == "revealed" and "import_module" in data["solution"]
    assert data["yours"] is not None and "NotImplementedError" in data["yours"]


def test_a_solved_implement_problem_stays_solved_when_revealed(cli, home: Path):
    cli("start", "mini-implement", "--no-edit")
    (home / "workspace" / "mini-implement" / "main.py").write_text(SOLUTION, encoding="utf-8")
    assert cli("check").exit_code == 0
    assert cli("reveal", "mini-implement", "--yes").exit_code == 0
    assert saved_state(home)["problems"]["mini-implement"]["status"] == "solved"


def test_the_last_hint_offers_the_reveal(cli):
    cli("start", "mini-implement", "--no-edit")
    shown = [cli("hint", "mini-implement").stdout for _ in range(3)]
    assert all("importdrill reveal" not in s for s in shown[:-1])
    assert "importdrill reveal mini-implement" in shown[-1]
    # Again, once every hint is used.
    assert "importdrill reveal mini-implement" in cli("hint", "mini-implement").stdout
    # A predict problem's last hint says nothing of the kind.
    predict = [cli("hint", "mini-predict").stdout for _ in range(3)]
    assert all("reference solution" not in s for s in predict)
