"""Implement problems judged by several runs, the solution as oracle, decoys and rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from importdrill.core import paths, problems, rules, runner
from importdrill.core.cache import CACHE_TAG
from importdrill.core.catalog import Catalog, Pack, load_catalog
from importdrill.core.errors import ProblemFileError
from importdrill.core.summary import BUILTIN_PACK

GREET = """\
slug: greet
title: Greet from anywhere
difficulty: easy
kind: implement
tags: [sys.path]
prompt: |
  Greet the name given as the first argument with $GREETING, echo standard input, and name
  the working folder.
files:
  sub/data.txt: |
    x
code: |
  import os
  import sys

  print("hello world")
solution: |
  import os
  import sys

  name = sys.argv[1] if len(sys.argv) > 1 else "world"
  print(os.environ.get("GREETING", "hello"), name)
  for line in sys.stdin:
      print("line:", line.strip())
  print("folder:", os.path.basename(os.getcwd()))
expected_output: |
  hello world
  folder: run
runs:
  - name: with nothing given
  - name: with an argument, a variable and input, from outside
    args: [Ada]
    env: {GREETING: hi}
    stdin: "one\\ntwo\\n"
    cwd: ../elsewhere
  - name: from a subfolder
    cwd: sub
    expected: |
      hello world
      folder: sub
  - name: driven
    driver: |
      import runpy
      import sys

      sys.argv = ["main.py", "driver"]
      runpy.run_path("main.py", run_name="__main__")
decoys:
  - code: |
      import os
      import sys

      print(os.environ.get("GREETING", "hello"), sys.argv[1] if len(sys.argv) > 1 else "world")
      print("folder:", os.path.basename(os.getcwd()))
    misconception: standard input can be ignored
rules:
  - must_not_modify: sys.path
    message: leave sys.path alone
hints:
  - one
  - two
explanation: |
  Because.
"""

SOLUTION_LINES = (
    "import os\nimport sys\n\n"
    'name = sys.argv[1] if len(sys.argv) > 1 else "world"\n'
    'print(os.environ.get("GREETING", "hello"), name)\n'
    "for line in sys.stdin:\n"
    '    print("line:", line.strip())\n'
    'print("folder:", os.path.basename(os.getcwd()))\n'
)


@pytest.fixture
def greet_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "greet.yaml").write_text(GREET, encoding="utf-8")
    monkeypatch.setenv("IMPORTDRILL_PATH", str(pack))
    monkeypatch.setenv("IMPORTDRILL_NO_BUILTINS", "1")
    return pack


def write_mine(cli, home: Path, code: str) -> None:
    assert cli("start", "greet", "--no-edit").exit_code == 0
    (home / "workspace" / "greet" / "main.py").write_text(code, encoding="utf-8")


def test_the_solution_passes_every_run(cli, home: Path, greet_pack: Path):
    write_mine(cli, home, SOLUTION_LINES)
    result = cli("check", "--json")
    assert result.exit_code == 0, result.stdout
    data = json.loads(result.stdout)
    assert data["passed"] is True and data["detail"] == "all 4 runs pass"
    assert [run["passed"] for run in data["runs"]] == [True] * 4
    assert data["rules"] == [{"message": "leave sys.path alone", "kept": True, "line": None}]


def test_a_failed_run_is_named_with_its_diff(cli, home: Path, greet_pack: Path):
    write_mine(cli, home, 'print("hello world")\nprint("folder: run")\n')
    result = cli("check")
    assert result.exit_code == 1
    out = result.stdout
    assert "run 2 of 4 (with an argument, a variable and input, from outside)" in out
    assert "✓ run 1  with nothing given" in out
    assert "✗ run 2  with an argument, a variable and input, from outside" in out
    assert "✗ run 3  from a subfolder" in out and "✗ run 4  driven" in out
    assert "folder: elsewhere" in out  # the expected side of run 2's diff


def test_a_run_without_expected_is_judged_by_the_solution(cli, home: Path, greet_pack: Path):
    write_mine(cli, home, 'print("hello world")\nprint("folder: run")\n')
    data = json.loads(cli("check", "--json").stdout)
    assert data["verdict"] == "wrong-output"
    runs = data["runs"]
    # Nobody wrote these down: the reference solution printed them in the same run.
    assert runs[1]["expected"] == "hi Ada\nline: one\nline: two\nfolder: elsewhere"
    assert runs[3]["expected"] == "hello driver\nfolder: run"
    assert runs[2]["expected"] == "hello world\nfolder: sub"  # stated in the file
    assert runs[1]["diff"].startswith("--- expected")
    assert "def " not in json.dumps(data) and "sys.stdin" not in json.dumps(data)
    # ...and cached per interpreter, so the next check does not run the solution again.
    cached = list((paths.cache_dir() / f"oracle.{CACHE_TAG}").glob("*.marshal"))
    assert len(cached) == 2


def test_a_failed_run_shows_its_traceback(cli, home: Path, greet_pack: Path):
    write_mine(
        cli,
        home,
        SOLUTION_LINES.replace("import os\n", "import os\nimport sys\n", 1)
        + 'if len(sys.argv) > 1:\n    raise SystemExit("no " + sys.argv[1])\n',
    )
    result = cli("check")
    assert result.exit_code == 1
    assert "✗ run 2" in result.stdout and "no Ada" in result.stdout
    assert "✓ run 1" in result.stdout and "✓ run 3" in result.stdout


def test_a_broken_rule_fails_with_its_line(cli, home: Path, greet_pack: Path):
    mine = "import sys\n\nsys.path.append('/nowhere')\n" + SOLUTION_LINES
    write_mine(cli, home, mine)
    result = cli("check", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [run["passed"] for run in data["runs"]] == [True] * 4
    assert data["verdict"] == "broken-rule" and data["passed"] is False
    assert data["rules"] == [{"message": "leave sys.path alone", "kept": False, "line": 3}]
    shown = cli("check")
    assert shown.exit_code == 1
    assert "broken rule" in shown.stdout and "line 3: leave sys.path alone" in shown.stdout


def test_a_broken_solution_is_the_problem_s_fault(cli, home: Path, greet_pack: Path):
    broken = GREET.replace('  print("folder:", os.path.basename(os.getcwd()))\n', "  1 / 0\n", 1)
    (greet_pack / "greet.yaml").write_text(broken, encoding="utf-8")
    write_mine(cli, home, 'print("hello world")\n')
    result = cli("check")
    assert result.exit_code == 2
    assert "reference solution" in result.stderr and "ZeroDivisionError" in result.stderr


def verify_pack(cli, tmp_path: Path, monkeypatch, text: str):
    pack = tmp_path / "vpack"
    pack.mkdir(exist_ok=True)
    (pack / "greet.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("IMPORTDRILL_PATH", str(pack))
    monkeypatch.setenv("IMPORTDRILL_NO_BUILTINS", "1")
    return cli("verify")


def test_verify_passes_a_good_problem(cli, tmp_path: Path, monkeypatch):
    result = verify_pack(cli, tmp_path, monkeypatch, GREET)
    assert result.exit_code == 0, result.stdout + result.stderr


def test_verify_fails_a_problem_whose_decoy_passes(cli, tmp_path: Path, monkeypatch):
    passing = GREET.replace(
        '      print("folder:", os.path.basename',
        '      for line in sys.stdin:\n          print("line:", line.strip())\n      print("folder:", os.path.basename',
        1,
    )
    result = verify_pack(cli, tmp_path, monkeypatch, passing)
    assert result.exit_code == 1
    assert "decoy 1 passes, though it stands for: standard input can be ignored" in result.stdout


def test_verify_fails_a_problem_a_print_only_file_passes(cli, tmp_path: Path, monkeypatch):
    start, end = GREET.index("runs:\n"), GREET.index("decoys:\n")
    one_run = GREET[:start] + GREET[end:]
    result = verify_pack(cli, tmp_path, monkeypatch, one_run)
    assert result.exit_code == 1
    assert "only prints the first run's output passes" in result.stdout


def test_verify_fails_a_solution_that_prints_differently_each_time(
    cli, tmp_path: Path, monkeypatch
):
    shaky = GREET.replace(
        '  print("folder:", os.path.basename(os.getcwd()))\n',
        '  print("folder:", os.path.basename(os.getcwd()))\n  print(id(object()) % 997, os.getpid())\n',
        1,
    ).replace("    expected: |\n      hello world\n      folder: sub\n", "")
    result = verify_pack(cli, tmp_path, monkeypatch, shaky)
    assert result.exit_code == 1
    assert "not the same on a second run" in result.stdout or "expected_output" in result.stdout


def test_runner_starts_a_run_as_told(tmp_path: Path):
    program = runner.Program(
        code="import os, sys\nprint(sys.argv[1:], os.environ['X'], sys.stdin.read().split())\n"
        "print(os.path.basename(os.getcwd()))\n",
        files={"a/b.txt": ""},
        cwd="../outside",
        args=("1", "two"),
        env={"X": "ex"},
        stdin="3\n4\n",
    )
    result = runner.run(program)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["['1', 'two'] ex ['3', '4']", "outside"]
    inside = runner.run(runner.Program(code="import os\nprint(os.getcwd())\n", cwd="a"))
    assert inside.stdout.strip().endswith("/run/a")


# --- the problem file -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    cwd: sub\n",
            "    cwd: nowhere\n",
            "run 3: 'cwd' 'nowhere' is not a folder of the run tree",
        ),
        (
            "    cwd: ../elsewhere\n",
            "    cwd: ../home\n",
            "a folder outside the run tree is written",
        ),
        ("    args: [Ada]\n", "    args: Ada\n", "run 2: 'args' must be a list of strings"),
        ("    env: {GREETING: hi}\n", "    env: {IMPORTDRILL_HOME: x}\n", "importdrill's own"),
        ("  - name: driven\n", "  - name: from a subfolder\n", "is used by an earlier run"),
        ("  - name: driven\n", "  - nme: driven\n", "unknown field 'nme'"),
        (
            "    misconception: standard input can be ignored\n",
            "",
            "'misconception' must be a non-empty",
        ),
        (
            "  - must_not_modify: sys.path\n",
            "  - must_not_modify: sys.path\n    must_call: x\n",
            "needs exactly one of",
        ),
        (
            "  - must_not_modify: sys.path\n",
            "  - must_not_modify: sys..path\n",
            "is not a dotted name",
        ),
        (
            "    message: leave sys.path alone\n",
            "",
            "'message' (what the learner reads) is missing",
        ),
    ],
)
def test_bad_runs_decoys_and_rules_are_named(tmp_path: Path, old: str, new: str, message: str):
    assert old in GREET
    target = tmp_path / "greet.yaml"
    target.write_text(GREET.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ProblemFileError) as caught:
        problems.validate(problems.parse_yaml(target), target)
    text = str(caught.value)
    assert str(target) in text and message in text
    key = (
        "rules"
        if "must" in old or "message:" in old
        else "decoys"
        if "misconception" in old
        else "runs"
    )
    assert f"field '{key}'" in text


def test_only_implement_problems_have_runs(tmp_path: Path):
    predict = (Path(__file__).parent / "data" / "pack" / "mini-predict.yaml").read_text()
    target = tmp_path / "mini-predict.yaml"
    target.write_text(predict + "runs:\n  - name: one\n", encoding="utf-8")
    with pytest.raises(ProblemFileError, match="field 'runs': only implement problems have it"):
        problems.validate(problems.parse_yaml(target), target)


# --- rules ----------------------------------------------------------------------------------


def rule(kind: str, name: str, within: str | None = None) -> problems.Rule:
    return problems.Rule(problems.RuleKind(kind), name, "msg", within)


@pytest.mark.parametrize(
    ("source", "held"),
    [
        ("import importlib.util\nimportlib.util.spec_from_file_location('a', 'b')\n", True),
        ("from importlib import util\nutil.spec_from_file_location('a', 'b')\n", True),
        ("from importlib.util import spec_from_file_location as s\ns('a', 'b')\n", True),
        ("import importlib.util as iu\niu.spec_from_file_location('a', 'b')\n", True),
        ("import importlib\n# importlib.util.spec_from_file_location\n", False),
        ("def spec_from_file_location(a, b): pass\nspec_from_file_location('a', 'b')\n", False),
        ("import importlib.util\nf = importlib.util.spec_from_file_location\n", False),
    ],
)
def test_must_call_follows_the_file_s_imports(source: str, held: bool):
    broken = rules.check([rule("must_call", "importlib.util.spec_from_file_location")], source)
    assert (broken == []) is held


def test_must_call_within_a_function_points_at_it():
    source = "import importlib.util\n\n\ndef load():\n    pass\n\n\nimportlib.util.LazyLoader(1)\n"
    (breach,) = rules.check([rule("must_call", "importlib.util.LazyLoader", "load")], source)
    assert breach.line == 4 and breach.message == "msg"


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("import sys\nsys.path.insert(0, '.')\n", 2),
        ("import sys\nx = 1\nsys.path = []\n", 3),
        ("import sys\nsys.path[:] = []\n", 2),
        ("import sys\nsys.path += ['x']\n", 2),
        ("from sys import path\npath.append('x')\n", 2),
        ("import sys as s\ndel s.path[0]\n", 2),
        ("import sys\nprint(sys.path[0], list(sys.path))\n", None),
    ],
)
def test_must_not_modify_finds_the_first_line(source: str, line: int | None):
    broken = rules.check([rule("must_not_modify", "sys.path")], source)
    assert (broken[0].line if broken else None) == line


def test_must_import_and_an_unparsable_file():
    assert (
        rules.check(
            [rule("must_import", "importlib.resources")], "from importlib import resources\n"
        )
        == []
    )
    assert (
        rules.check(
            [rule("must_import", "importlib.resources")], "from importlib.resources import files\n"
        )
        == []
    )
    assert rules.check([rule("must_import", "importlib.resources")], "import importlib\n") != []
    assert rules.check([rule("must_import", "importlib.resources")], "def (:\n") == []


# --- the built-in implement problems ---------------------------------------------------------


@pytest.fixture(scope="module")
def builtin() -> Catalog:
    return load_catalog([Pack(BUILTIN_PACK, paths.builtin_problems())], use_cache=False)


IMPLEMENT = sorted(
    p.stem for p in paths.builtin_problems().glob("*.yaml") if "kind: implement" in p.read_text()
)


def test_every_builtin_implement_problem_has_decoys_and_runs(builtin: Catalog):
    assert len(IMPLEMENT) >= 24
    for slug in IMPLEMENT:
        problem = builtin.get(slug)
        # Issue 20: a threat model of at least four plausible wrong solutions per problem.
        assert len(problem.decoys) >= 4, slug
        assert all(len(d.misconception) > 20 for d in problem.decoys), slug
    shell = builtin.get("test-runs-from-shell")
    folders = {run.cwd for run in shell.runs}
    assert len(folders) >= 3 and any(f.startswith("../") for f in folders)
    assert any('sys.path.insert(0, ".")' in d.code for d in shell.decoys)
    mechanisms = {
        "load-from-file": "importlib.util.spec_from_file_location",
        "lazy-import-helper": "importlib.util.LazyLoader",
    }
    for slug, name in mechanisms.items():
        assert any(r.name == name for r in builtin.get(slug).rules), slug


# That each built-in implement problem's solution passes every run, and its starter, every
# decoy and a file that only prints the output fail, is what `verify` checks
# (app/verify.py's _check_implement): the nox session `verify` runs it on every CPython (the
# newest in a venv too), and test_verify_fails_a_problem_whose_decoy_passes above shows that
# it catches a decoy that passes.
