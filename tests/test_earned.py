"""Issue 20, every pass earned: a way out of an implement problem (reveal), reviews that test
memory, answers checked for form. Through the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pexpect
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


# --- reviews test memory ------------------------------------------------------------------


def solve_predict(cli, monkeypatch) -> None:
    monkeypatch.setenv("IMPORTDRILL_NOW", DAY0)
    done = cli("check", "mini-predict", "--predict-file", "-", input="True\ndone\n")
    assert done.exit_code == 0, done.stdout


def test_a_review_prompt_has_no_history_of_earlier_predictions(cli, monkeypatch, home: Path):
    from .helpers import spawn, wait_for_cursor_query

    solve_predict(cli, monkeypatch)
    assert cli("config", "confidence", "off").exit_code == 0
    child = spawn(home, "review", IMPORTDRILL_NOW=LATER)
    child.expect("Review 1 of 1")
    wait_for_cursor_query(child)
    child.expect("Esc Enter")
    child.send("\x1b[A\x1b[A")  # the up arrow: earlier predictions, if there were any
    child.send("\x1b\r")
    # Nothing came back from the history: an empty answer, asked about.
    child.expect("You wrote 0 lines")
    child.send("y")
    child.expect("wrong prediction")
    child.expect(pexpect.EOF)
    child.close()
    attempt = Store(home / "progress.db").history()[-1]
    assert (attempt.verdict, attempt.served) == ("wrong-output", "review")


def test_attempts_outside_sessions_are_not_marked_served(cli, monkeypatch, home: Path):
    solve_predict(cli, monkeypatch)
    attempt = Store(home / "progress.db").history()[-1]
    assert attempt.served is None and attempt.variant is None


# --- the migration: version 1 to 2 --------------------------------------------------------

V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE problems (
    slug TEXT PRIMARY KEY, status TEXT NOT NULL, hints_revealed INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0, predictions TEXT NOT NULL DEFAULT '[]',
    solved_at TEXT, started_at TEXT
);
CREATE TABLE log (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, slug TEXT NOT NULL,
    event TEXT NOT NULL, kind TEXT, verdict TEXT, hints INTEGER, seconds REAL, python TEXT,
    confidence INTEGER, variant TEXT
);
CREATE INDEX log_slug ON log (slug, id);
CREATE VIEW attempts AS
    SELECT id, at, slug, kind, verdict, hints, seconds, python, confidence, variant
    FROM log WHERE event = 'attempt';
INSERT INTO problems VALUES
    ('mini-predict', 'solved', 1, 2, '["False\\ndone", "True\\ndone"]', '2026-03-01T09:00:00+00:00',
     '2026-03-01T08:50:00+00:00');
INSERT INTO log (at, slug, event, kind, verdict, hints, seconds, python, confidence, variant)
    VALUES
    ('2026-03-01T08:55:00+00:00', 'mini-predict', 'hint', NULL, NULL, 1, NULL, NULL, NULL, NULL),
    ('2026-03-01T08:58:00+00:00', 'mini-predict', 'attempt', 'predict', 'wrong-output', 1,
     480.0, '3.11.7', 3, NULL),
    ('2026-03-01T09:00:00+00:00', 'mini-predict', 'attempt', 'predict', 'pass', 1, 600.0,
     '3.11.7', 2, NULL);
INSERT INTO meta VALUES ('current', 'mini-predict');
PRAGMA user_version = 1;
"""


def test_a_version_1_database_migrates_on_first_use_losing_nothing(cli, monkeypatch, home):
    import sqlite3

    from importdrill.core.progress import SCHEMA_VERSION

    home.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(home / "progress.db")
    db.executescript(V1_SCHEMA)
    db.close()
    before = sqlite3.connect(home / "progress.db")
    old_rows = before.execute("SELECT * FROM log ORDER BY id").fetchall()
    old_problems = before.execute("SELECT * FROM problems").fetchall()
    before.close()
    monkeypatch.setenv("IMPORTDRILL_NOW", LATER)
    status = json.loads(cli("status", "--json").stdout)
    assert status["solved"] == 1 and status["current"] == "mini-predict"
    db = sqlite3.connect(home / "progress.db")
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    columns = [row[1] for row in db.execute("PRAGMA table_info(log)")]
    assert columns[-1] == "served"
    # Every row as it was, with the new column empty.
    assert [r[:-1] for r in db.execute("SELECT * FROM log ORDER BY id")] == old_rows
    assert db.execute("SELECT * FROM problems").fetchall() == old_problems
    assert db.execute("SELECT count(*), max(served) FROM attempts").fetchone() == (2, None)
    db.close()
    # The schedule replayed from the old log, and a new attempt recorded after it.
    reviews = json.loads(cli("review", "--list", "--json").stdout)["reviews"]
    assert [r["slug"] for r in reviews] == ["mini-predict"] and reviews[0]["reviews"] == 1
    assert cli("check", "mini-predict", "--predict-file", "-", input="True\ndone\n").exit_code == 0
    history = Store(home / "progress.db").history("mini-predict")
    assert [e.verdict for e in history] == [None, "wrong-output", "pass", "pass"]
    assert history[1].confidence == 3 and history[1].seconds == 480.0
    # Migrated once: a second use finds version 2 and changes nothing.
    assert cli("status", "--json").exit_code == 0


# --- variants of order and which-file problems --------------------------------------------

ORDER: dict[str, Any] = {
    "slug": "pair-order",
    "title": "Two modules",
    "difficulty": "easy",
    "kind": "order",
    "order_of": "start",
    "tags": ["packages"],
    "prompt": "`main.py` imports `alpha`, and `alpha` imports `beta`.",
    "code": "import alpha\n",
    "files": {"alpha.py": "import beta\n", "beta.py": "X = 1\n"},
    "expected_output": "alpha\nbeta\n",
    "hints": ["Bodies run when imported.", "Nested imports run inside."],
    "explanation": "An import runs the body at once.",
    "variants": [
        {
            "name": "beta-first",
            "replace": {
                "import alpha\n": "import beta\nimport alpha\n",
                "`main.py` imports": "`main.py` imports `beta`, then",
            },
        }
    ],
}
WHICH: dict[str, Any] = {
    "slug": "pair-which",
    "title": "Which tool",
    "difficulty": "easy",
    "kind": "which-file",
    "names": ["drill_tool"],
    "tags": ["sys.path"],
    "prompt": "Two folders hold `drill_tool`; `first` goes on `sys.path` before `second`.",
    "code": 'import sys\n\nsys.path[:0] = ["first", "second"]\n',
    "files": {"first/drill_tool.py": "", "second/drill_tool.py": ""},
    "expected_output": "first/drill_tool.py\n",
    "hints": ["sys.path is searched in order.", "The first folder wins."],
    "explanation": "The path finder walks sys.path in order.",
    "variants": [{"name": "no-first", "files": {"first/drill_tool.py": None}}],
}


def write_pack(folder: Path, *problems: dict) -> Path:
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    for data in problems:
        (folder / f"{data['slug']}.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return folder


def test_verify_runs_variants_of_order_and_which_file_problems(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("IMPORTDRILL_PATH", str(write_pack(tmp_path / "pack", ORDER, WHICH)))
    done = cli("verify", "pair-order", "pair-which", "--json")
    data = json.loads(done.stdout)
    assert done.exit_code == 0, data["failures"]
    from importdrill.app.drill import Drill

    drill = Drill()
    order = drill.catalog.get("pair-order").with_variant("beta-first")
    assert "imports `beta`, then `alpha`" in order.prompt
    which = drill.catalog.get("pair-which").with_variant("no-first")
    assert "first/drill_tool.py" not in which.files


def test_verify_refuses_a_variant_that_only_renames(cli, monkeypatch, tmp_path):
    renamed = {
        **ORDER,
        "variants": [{"name": "renamed", "replace": {"alpha": "gamma"}}],
    }
    which_renamed = {
        **WHICH,
        "variants": [{"name": "renamed", "replace": {"first": "primary"}}],
    }
    monkeypatch.setenv("IMPORTDRILL_PATH", str(write_pack(tmp_path / "p", renamed, which_renamed)))
    done = cli("verify", "pair-order", "pair-which", "--json")
    assert done.exit_code == 1
    failures = json.loads(done.stdout)["failures"]
    assert {f["slug"] for f in failures} == {"pair-order", "pair-which"}
    assert all("a rename tests nothing" in f["what"] for f in failures)


def test_which_file_names_change_with_a_variant(tmp_path):
    from importdrill.core import problems

    data = {**WHICH, "variants": [{"name": "other", "replace": {"drill_tool": "drill_kit"}}]}
    target = write_pack(tmp_path / "q", data) / "pair-which.yaml"
    problem = problems.validate(problems.parse_yaml(target), target)
    assert problem.with_variant("other").names == ("drill_kit",)


def test_a_review_serves_a_variant_not_answered_yet(cli, monkeypatch, home, tmp_path):
    from importdrill.app.drill import Drill
    from importdrill.core import runner

    monkeypatch.setenv("IMPORTDRILL_PATH", str(write_pack(tmp_path / "pack", ORDER)))
    problem = {
        **ORDER,
        "variants": [
            *ORDER["variants"],
            {"name": "no-beta-import", "files": {"alpha.py": "Y = 2\n"}},
        ],
    }
    write_pack(tmp_path / "pack", problem)
    assert cli("check", "pair-order", "--predict-file", "-", input="alpha\nbeta\n").exit_code == 0
    drill = Drill()
    pair = drill.catalog.get("pair-order")
    limits = runner.Limits()
    # Answered: as written, then the last variant (say, in a mixed session).
    outcome = drill.attempt_prediction(
        pair.with_variant("no-beta-import"), "alpha\n", limits=limits
    )
    assert outcome.passed
    # Not the one after the last (the problem as written again): the one not answered yet.
    assert drill.next_variant(pair).variant == "beta-first"
    assert drill.attempt_prediction(
        pair.with_variant("beta-first"), "beta\nalpha\n", limits=limits, served="review"
    ).passed
    # All answered: in turn again, the one after the last attempted.
    assert drill.next_variant(pair).variant == "no-beta-import"
    log = Store(home / "progress.db").history("pair-order")
    assert [(e.variant, e.served) for e in log if e.event is Event.ATTEMPT] == [
        (None, None),
        ("no-beta-import", None),
        ("beta-first", "review"),
    ]


# --- answers checked for form -------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "answer", "says"),
    [
        ("pair-which", "builtin\n", "did you mean built-in?"),
        ("pair-which", "./first/drill_tool.py\n", "without ./"),
        ("pair-which", "first\n", "a folder is not an answer"),
        ("pair-which", "Not Found\n", "did you mean not found?"),
        ("pair-order", "alpha\nshop/__init__.py\n", "line 2: `shop/__init__.py`"),
        ("pair-order", "alpha.py\nbeta\n", "not its file: alpha"),
        ("pair-order", "alpha\njson\n", "`json`: it is none of this problem's modules"),
        ("pair-order", "__main__\nalpha\n", "__main__ is never written"),
    ],
)
def test_an_answer_of_no_possible_form_is_refused_and_not_recorded(
    cli, monkeypatch, home, tmp_path, slug, answer, says
):
    from .helpers import snapshot

    monkeypatch.setenv("IMPORTDRILL_PATH", str(write_pack(tmp_path / "pack", ORDER, WHICH)))
    cli("list")
    before = snapshot(home)
    done = cli("check", slug, "--predict-file", "-", input=answer)
    assert done.exit_code == 2
    assert says in done.stderr and "nothing was marked or recorded" in done.stderr
    assert "Each line is" in done.stderr  # the forms allowed
    assert snapshot(home) == before
    # Nothing of the real answer is in the message.
    real = {"pair-which": "first/drill_tool.py", "pair-order": "alpha\nbeta"}[slug]
    assert real not in done.stderr.replace("./first/drill_tool.py", "")
    data = json.loads(cli("check", slug, "--predict-file", "-", "--json", input=answer).stdout)
    assert data["error"]["kind"] == "usage" and says in data["error"]["message"]


def test_an_answer_of_a_possible_form_is_judged(cli, monkeypatch, tmp_path):
    monkeypatch.setenv("IMPORTDRILL_PATH", str(write_pack(tmp_path / "pack", ORDER, WHICH)))
    for slug, answer in [
        ("pair-which", "second/drill_tool.py\n"),
        ("pair-which", "<stdlib>/json/__init__.py\n"),
        ("pair-which", "error: ImportError\n"),
        ("pair-order", "beta\nalpha\n"),
    ]:
        assert cli("check", slug, "--predict-file", "-", input=answer).exit_code == 1, answer


def test_an_origin_the_prompt_names_is_allowed(cli, monkeypatch, tmp_path):
    custom = {
        **WHICH,
        "prompt": WHICH["prompt"] + " A finder may set the origin `drill-bundle`.",
    }
    monkeypatch.setenv("IMPORTDRILL_PATH", str(write_pack(tmp_path / "pack", custom)))
    done = cli("check", "pair-which", "--predict-file", "-", input="drill-bundle\n")
    assert done.exit_code == 1  # judged (wrong), not refused
    refused = cli("check", "pair-which", "--predict-file", "-", input="drill-other\n")
    assert refused.exit_code == 2


def test_every_built_in_answer_has_a_possible_form(monkeypatch):
    from importdrill.app.drill import Drill
    from importdrill.core.catalog import load_catalog
    from importdrill.core.kinds import Kind

    monkeypatch.delenv("IMPORTDRILL_PATH", raising=False)
    monkeypatch.delenv("IMPORTDRILL_NO_BUILTINS", raising=False)
    catalog = load_catalog()
    checked = 0
    for summary in catalog.summaries:
        problem = catalog.get(summary.slug)
        if problem.kind not in (Kind.ORDER, Kind.WHICH_FILE):
            continue
        for answer in [problem.expected_output, *(o for _, _, o in problem.output_by_python)]:
            assert Drill.answer_form(problem, answer) is None, problem.slug
            checked += 1
    assert checked >= 20


def test_at_the_prompt_a_refused_answer_goes_back_to_the_editor(monkeypatch, home, tmp_path):
    from .helpers import spawn, wait_for_cursor_query

    pack = write_pack(tmp_path / "pack", ORDER)
    child = spawn(home, "start", "pair-order", IMPORTDRILL_PATH=str(pack))
    wait_for_cursor_query(child)
    child.expect("Esc Enter")
    child.send("alpha\rbeta.py\x1b\r")
    child.expect("not its file: beta")
    child.expect("Each line is")
    wait_for_cursor_query(child)
    # Back in the editor with the lines kept: fix the second line and submit.
    child.send("\x7f\x7f\x7f\x1b\r")
    child.expect("How sure are you")
    child.send("\r")
    child.expect("pass")
    child.expect(pexpect.EOF)
    child.close()
    history = Store(home / "progress.db").history("pair-order")
    assert [e.verdict for e in history if e.event is Event.ATTEMPT] == ["pass"]


# --- rules proven at run time ---------------------------------------------------------------

RECORDER_DRIVER = """\
import importlib

calls = []
real = importlib.import_module


def recorder(name, package=None):
    calls.append(name)
    return real(name, package)


importlib.import_module = recorder  # installed before the learner's file is imported

from main import load

print(load("email.mime").__name__)
print("import_module called:", "email.mime" in calls)
"""

PROVEN: dict[str, Any] = {
    "slug": "proven-call",
    "title": "Import by name, proven",
    "difficulty": "easy",
    "kind": "implement",
    "tags": ["importlib"],
    "prompt": "Make `load(name)` import a module by name with `importlib.import_module`.",
    "code": 'def load(name):\n    raise NotImplementedError\n\n\nprint(load("json").__name__)\n',
    "solution": (
        "import importlib\n\n\ndef load(name):\n    return importlib.import_module(name)\n\n\n"
        'if __name__ == "__main__":\n    print(load("json").__name__)\n'
    ),
    "expected_output": "json\n",
    "runs": [
        {"name": "python main.py"},
        {"name": "with a name only the driver knows, watching the call", "driver": RECORDER_DRIVER},
    ],
    "rules": [
        {
            "must_call": "importlib.import_module",
            "message": "import the module with importlib.import_module",
        }
    ],
    "decoys": [
        {
            # The call is in the file (the static rule holds) but never happens.
            "code": (
                "import importlib\nimport sys\n\n\ndef load(name):\n    if False:\n"
                "        importlib.import_module(name)\n    __import__(name)\n"
                "    return sys.modules[name]\n\n\n"
                'if __name__ == "__main__":\n    print(load("json").__name__)\n'
            ),
            "misconception": "the rule is met by naming the call, whether or not it runs",
        }
    ],
    "hints": ["importlib has a function for this.", "It is called import_module."],
    "explanation": "`importlib.import_module` imports by dotted name and returns the module.",
}


def test_a_must_call_rule_is_proven_at_run_time_by_a_driver_with_a_recorder(
    cli, monkeypatch, home, tmp_path
):
    monkeypatch.setenv("IMPORTDRILL_PATH", str(write_pack(tmp_path / "pack", PROVEN)))
    # verify: the solution passes, and the decoy that names the call without making it fails.
    done = cli("verify", "proven-call", "--json")
    assert done.exit_code == 0, json.loads(done.stdout)["failures"]
    # Through check: the decoy keeps the static rule but fails the recorded run.
    cli("start", "proven-call", "--no-edit")
    learner = home / "workspace" / "proven-call" / "main.py"
    learner.write_text(PROVEN["decoys"][0]["code"], encoding="utf-8")
    data = json.loads(cli("check", "--json").stdout)
    assert not data["passed"]
    assert [r["kept"] for r in data["rules"]] == [True]
    assert [r["passed"] for r in data["runs"]] == [True, False]
    assert "import_module called: True" in data["runs"][1]["expected"]
    assert "import_module called: False" in data["runs"][1]["actual"]
