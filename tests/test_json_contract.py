"""The --json contract: every reporting command takes it, and its keys are the documented ones."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from importdrill import cli as cli_module
from importdrill.app import listing, results, verify, why

from .helpers import JSON_DOC as DOC
from .helpers import documented

# Commands that hand the terminal to the learner (an editor, a prompt, a watch screen) or write
# a file for an author; they report nothing a script would read.
INTERACTIVE = {"start", "next", "watch", "new", "schema", "mix"}


# Each use-case result that knows its JSON form, and the section of docs/json.md it follows.
DOCUMENT_OF = {
    listing.Listing: "importdrill list --json",
    results.Overview: "importdrill status --json",
    results.PredictionOutcome: "`importdrill check --json` (a predict, order or which-file problem)",
    results.FileOutcome: "`importdrill check --json` (an implement problem)",
    results.HintShown: "importdrill hint --json",
    results.Revealed: "`importdrill reveal --json --yes` (a predict, order or which-file problem)",
    results.SolutionRevealed: "`importdrill reveal --json --yes` (an implement problem)",
    results.Explanation: "importdrill explain --json",
    results.WorkspaceRun: "importdrill run --json",
    results.LearnerFile: "importdrill path --json",
    results.ProblemShown: "importdrill show --json",
    results.Solution: "importdrill solution --json",
    results.ResetDone: "importdrill reset --json --yes",
    verify.Verified: "importdrill verify --json",
    results.Versions: "importdrill versions --json",
    results.Reviews: "importdrill review --list --json",
    results.Settings: "importdrill config --json",
    why.WhyResult: "importdrill why --json",
}


def result_types() -> set[type]:
    """Every class of the use cases' results that has a JSON form."""
    return {
        value
        for module in (listing, results, verify, why)
        for value in vars(module).values()
        if isinstance(value, type)
        and value.__module__ == module.__name__
        and hasattr(value, "to_json")
    }


def test_every_result_type_follows_a_documented_section():
    assert result_types() == set(DOCUMENT_OF)
    headings = set(re.findall(r"^## (.*)$", DOC, re.M)) - {"Errors"}
    assert {h if h.startswith("`") else f"`{h}`" for h in DOCUMENT_OF.values()} == headings
    for heading in DOCUMENT_OF.values():
        assert documented(heading)


def run_json(cli, *args: str, input: str | None = None) -> tuple[int, dict]:
    result = cli(*args, "--json", input=input)
    return result.exit_code, json.loads(result.stdout)


def test_every_reporting_command_takes_json():
    for command in cli_module.app.registered_commands:
        name = command.name or command.callback.__name__.rstrip("_")
        if name in INTERACTIVE:
            continue
        assert "as_json" in command.callback.__code__.co_varnames, name
        assert f"importdrill {name} " in DOC, name


def test_documents_have_the_documented_keys(cli, mini_pack):
    cases = [
        ("importdrill list --json", ["list"], 0),
        ("importdrill status --json", ["status"], 0),
        ("importdrill hint --json", ["hint", "mini-predict"], 0),
        ("importdrill path --json", ["path", "mini-implement"], 0),
        ("importdrill show --json", ["show", "mini-predict"], 0),
        ("importdrill run --json", ["run", "mini-implement"], 1),
        (
            "`importdrill reveal --json --yes` (a predict, order or which-file problem)",
            ["reveal", "mini-predict", "--yes"],
            0,
        ),
        (
            "`importdrill reveal --json --yes` (an implement problem)",
            ["reveal", "mini-implement", "--yes"],
            0,
        ),
        ("importdrill explain --json", ["explain", "mini-predict"], 0),
        ("importdrill verify --json", ["verify", "mini-predict"], 0),
        ("importdrill versions --json", ["versions", "mini-predict"], 0),
        ("importdrill review --list --json", ["review", "--list"], 0),
        ("importdrill config --json", ["config"], 0),
    ]
    for heading, args, status in cases:
        code, data = run_json(cli, *args)
        assert code == status, heading
        assert set(data) == documented(heading), heading
        assert data["version"] == 1
    code, data = run_json(cli, "check", "mini-module", "--predict-file", "-", input="x\n")
    assert code == 1
    assert set(data) == documented(
        "`importdrill check --json` (a predict, order or which-file problem)"
    )
    code, data = run_json(cli, "check", "mini-implement")
    assert code == 1
    assert set(data) == documented("`importdrill check --json` (an implement problem)")
    listed = run_json(cli, "list")[1]["problems"][0]
    assert set(listed) == {
        "slug", "title", "difficulty", "kind", "tags", "status", "hints_revealed",
        "hints_total", "available",
    }  # fmt: skip
    code, data = run_json(cli, "reset", "mini-implement", "--yes")
    assert code == 0 and set(data) == documented("importdrill reset --json --yes")


def test_solution_document(cli, mini_pack, home: Path):
    import yaml

    from .helpers import PACK

    cli("start", "mini-implement", "--no-edit")
    solution = yaml.safe_load((PACK / "mini-implement.yaml").read_text())["solution"]
    (home / "workspace" / "mini-implement" / "main.py").write_text(solution)
    assert cli("check").exit_code == 0
    code, data = run_json(cli, "solution")
    assert code == 0 and set(data) == documented("importdrill solution --json")


@pytest.mark.parametrize(
    ("args", "kind"),
    [
        (["hint", "no-such-problem"], "unknown-problem"),
        (["explain", "mini-predict"], "not-earned"),
        (["run", "mini-predict"], "spoiler"),
        (["check", "mini-predict"], "usage"),
        (["check", "mini-implement", "--timeout", "abc"], "usage"),
        (["list", "--difficulty", "impossible"], "usage"),
        (["reveal", "mini-predict"], "usage"),
        (
            ["check", "mini-predict", "--predict-file", "-", "--python", "/no/such/python"],
            "interpreter",
        ),
    ],
)
def test_errors_are_json_on_stdout_and_nothing_else(cli, mini_pack, args, kind):
    result = cli(*args, "--json", input="x\n")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert set(data) == {"version", "error"}
    assert data["error"]["kind"] == kind and data["error"]["message"]
    assert result.stderr == ""


def test_an_unknown_slug_carries_its_suggestions(cli, mini_pack):
    data = json.loads(cli("hint", "mini-predic", "--json").stdout)
    assert data["error"]["slug"] == "mini-predic"
    assert "mini-predict" in data["error"]["suggestions"]


def test_a_prediction_is_never_under_a_key_named_expected(cli, mini_pack):
    data = run_json(cli, "check", "mini-predict", "--predict-file", "-", input="False\n")[1]
    assert "expected" not in data and data["prediction"] == "False\n"
