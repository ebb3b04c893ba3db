"""Answers per version: a problem states what each range of CPython prints, and says so."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from importdrill.core import problems
from importdrill.core.catalog import Pack, load_catalog
from importdrill.core.errors import ProblemFileError

from .helpers import PACK

BASE = (PACK / "mini-predict.yaml").read_text(encoding="utf-8")
HERE = sys.version_info[:2]


def problem_with(tmp_path: Path, extra: str) -> problems.Problem:
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "mini-predict.yaml").write_text(BASE + extra, encoding="utf-8")
    return load_catalog([Pack("test", folder)], use_cache=False).get("mini-predict")


def test_the_first_range_that_holds_wins(tmp_path: Path):
    problem = problem_with(
        tmp_path,
        'output_by_python:\n  "3.9": |\n    nine\n  ">=3.12": |\n    new\n  "<3.11": |\n    old\n',
    )
    assert problem.expected_for((3, 9)) == "nine\n"
    assert problem.expected_for((3, 10)) == "old\n"
    assert problem.expected_for((3, 11)) == problem.expected_output
    assert problem.expected_for((3, 13)) == "new\n"
    assert problem.differs_by_version


@pytest.mark.parametrize(
    "extra",
    [
        'output_by_python:\n  ">3.12": x\n',
        'output_by_python:\n  "2.7": x\n',
        "output_by_python: {}\n",
        'output_by_python:\n  ">=3.12": [x]\n',
    ],
)
def test_bad_ranges_are_named(tmp_path: Path, extra: str):
    with pytest.raises(ProblemFileError, match="output_by_python"):
        problem_with(tmp_path, extra)


def test_verify_judges_each_version_by_its_own_answer(cli, tmp_path: Path, monkeypatch):
    # This interpreter prints the real output; stating another for its version must fail.
    minor = f"3.{HERE[1]}"
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "mini-predict.yaml").write_text(
        BASE + f'output_by_python:\n  "{minor}": |\n    something else\n', encoding="utf-8"
    )
    monkeypatch.setenv("IMPORTDRILL_PATH", str(folder))
    monkeypatch.setenv("IMPORTDRILL_NO_BUILTINS", "1")
    failed = cli("verify")
    assert failed.exit_code == 1 and "its output for this version" in failed.stdout


def test_versions_needs_the_answer_seen_then_shows_each_interpreter(cli, mini_pack):
    refused = cli("versions", "mini-predict")
    assert refused.exit_code == 2 and "would show the answer" in refused.stderr
    cli("reveal", "mini-predict", "--yes")
    shown = cli("versions", "mini-predict", "--python", sys.executable)
    assert shown.exit_code == 0
    assert "one interpreter found" in shown.stdout  # not "every version"
    assert "│ True" in shown.stdout and "│ done" in shown.stdout
    data = json.loads(cli("versions", "mini-predict", "--python", sys.executable, "--json").stdout)
    assert [r["version"] for r in data["runs"]] == [f"3.{HERE[1]}"]
    assert data["runs"][0]["output"] == data["runs"][0]["stated"] == "True\ndone"


def test_a_version_dependent_problem_says_which_version_judges(cli):
    shown = cli("start", "type-checking-cycle")
    assert shown.exit_code == 0
    assert f"Python {HERE[0]}.{HERE[1]} (the one running importdrill)" in " ".join(
        shown.stdout.split()
    )
