"""Variants: validated, applied, verified (each must change the answer, the same everywhere),
and served in reviews one after another."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from importdrill.app import verify
from importdrill.app.drill import Drill
from importdrill.core import interpreters, paths, problems, runner
from importdrill.core.catalog import Pack, load_catalog
from importdrill.core.errors import ProblemFileError
from importdrill.core.kinds import Kind
from importdrill.core.progress import Store
from importdrill.core.runnable import program_for

from .helpers import DATA

VARIANTS = DATA / "variants"
SHADOW = yaml.safe_load((VARIANTS / "shadow-order.yaml").read_text(encoding="utf-8"))


def load(data: dict, tmp_path: Path) -> problems.Problem:
    target = tmp_path / f"{data['slug']}.yaml"
    target.write_text(yaml.safe_dump(data), encoding="utf-8")
    return problems.validate(problems.parse_yaml(target), target)


def output(problem: problems.Problem) -> str:
    return runner.run(program_for(problem, problem.code)).stdout


def test_a_variant_replaces_text_and_removes_files(tmp_path: Path):
    problem = load(SHADOW, tmp_path)
    assert problem.variant_names == ("second-first", "only-second")
    swapped = problem.with_variant("second-first")
    assert '["second", "first"]' in swapped.code and swapped.variant == "second-first"
    assert "`second` is put on `sys.path` before `first`" in swapped.prompt
    assert output(problem) == "first\n" and output(swapped) == "second\n"
    only = problem.with_variant("only-second")
    assert "first/tool.py" not in only.files and output(only) == "second\n"
    assert problem.with_variant(None) is problem
    with pytest.raises(KeyError):
        problem.with_variant("nope")


@pytest.mark.parametrize(
    ("variants", "message"),
    [
        ("not a list", "non-empty list"),
        ([{"name": "Bad Name", "replace": {"first": "x"}}], "lowercase words"),
        ([{"name": "a", "replace": {"nowhere": "x"}}], "'nowhere' is not in the program"),
        ([{"name": "a"}], "changes nothing"),
        (
            [{"name": "a", "replace": {"first": "x"}}, {"name": "a", "replace": {"first": "y"}}],
            "used twice",
        ),
        ([{"name": "a", "oops": 1}], "unknown key 'oops'"),
        ([{"name": "a", "files": {"../x.py": "1"}}], "variants"),
        ([{"name": "a", "files": {"main.py": "1"}}], "through replace"),
    ],
)
def test_bad_variants_are_named(variants, message, tmp_path: Path):
    with pytest.raises(ProblemFileError, match="variants") as caught:
        load({**SHADOW, "variants": variants}, tmp_path)
    assert message in str(caught.value)


def test_implement_problems_have_no_variants(tmp_path: Path):
    data = {**SHADOW, "kind": "implement", "solution": SHADOW["code"]}
    with pytest.raises(ProblemFileError, match="only predict, order and which-file problems"):
        load(data, tmp_path)


def here() -> interpreters.Interpreter:
    return interpreters.Interpreter(sys.executable, sys.version_info[:2])


def test_verify_runs_every_variant(tmp_path: Path):
    report = verify.verify([load(SHADOW, tmp_path)], [here()])
    assert report.failures == []


@pytest.mark.parametrize(
    ("replace", "what"),
    [
        ({'"second"]': '"second"] ', "print(tool.WHERE)": "print(tool.WHERE) "}, "must change"),
        ({"print(tool.WHERE)": "import os; print(os.getpid())"}, "from one run to the next"),
        ({"print(tool.WHERE)": "raise SystemExit(3)"}, "does not run cleanly"),
    ],
    ids=["same-answer", "nondeterministic", "fails"],
)
def test_verify_fails_a_bad_variant(replace, what, tmp_path: Path):
    data = {**SHADOW, "variants": [{"name": "bad", "replace": replace}]}
    report = verify.verify([load(data, tmp_path)], [here()])
    assert [f.what for f in report.failures if what in f.what], report.failures


def test_verify_fails_a_variant_that_differs_between_interpreters(tmp_path: Path):
    data = {
        **SHADOW,
        "variants": [
            {"name": "v", "replace": {"print(tool.WHERE)": "print(sys.version_info[:2])"}}
        ],
    }
    problem = load(data, tmp_path)
    outputs = {"python-a": {"v": "(3, 9)"}, "python-b": {"v": "(3, 13)"}}
    failures = verify._variants_agree(problem, outputs)
    assert len(failures) == 1 and "different interpreters" in failures[0].what
    assert failures[0].python == "python-a, python-b"


def test_a_review_serves_the_variant_after_the_one_last_seen(
    monkeypatch: pytest.MonkeyPatch, home: Path
):
    monkeypatch.setenv("IMPORTDRILL_PATH", str(VARIANTS))
    monkeypatch.setenv("IMPORTDRILL_NO_BUILTINS", "1")
    drill = Drill(Store())
    problem = drill.catalog.get("shadow-order")
    limits = runner.Limits()
    served = []
    for answer in ("first\n", "second\n", "second\n", "first\n"):
        shown = drill.next_variant(problem)
        served.append(shown.variant)
        outcome = drill.attempt_prediction(shown, answer, limits=limits)
        assert outcome.passed, (shown.variant, outcome.output)
    assert served == [None, "second-first", "only-second", None]
    assert [e.variant for e in Store().history("shadow-order")] == served


def test_at_least_fifteen_built_in_predict_problems_have_variants(monkeypatch, home: Path):
    catalog = load_catalog([Pack("built-in", paths.builtin_problems())])
    varied = [p for p in catalog.problems if p.variants]
    assert len(varied) >= 15
    assert all(p.kind is not Kind.IMPLEMENT for p in varied)
