"""The order and which-file kinds: the trace and the probe, and the paths a learner takes."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from importdrill.core import interpreters, judge, problems, questions, runnable, runner
from importdrill.core.errors import ProblemFileError

from .helpers import real_interpreter

# --- trace parsing -------------------------------------------------------------------------


def importtime(*rows: tuple[int, str]) -> str:
    """-X importtime's stderr for (depth, name) rows, in the order they finished."""
    lines = ["import time: self [us] | cumulative | imported package\n"]
    for depth, name in rows:
        lines.append(f"import time:       120 |        340 | {'  ' * depth}{name}\n")
    return "".join(lines)


def test_parse_nests_by_indentation_and_keeps_other_stderr():
    stderr = importtime((2, "c"), (1, "b"), (0, "a"), (0, "d")) + "Traceback: boom\n"
    roots, rest = questions.parse_importtime(stderr)
    assert rest == "Traceback: boom\n"
    assert roots == [
        questions.Import("a", (questions.Import("b", (questions.Import("c"),)),)),
        questions.Import("d"),
    ]


def test_start_up_imports_end_with_site():
    roots, _ = questions.parse_importtime(
        importtime((1, "json"), (1, "sitecustomize"), (0, "site"), (0, "json"), (0, "a"))
    )
    assert [r.name for r in questions.after_startup(roots)] == ["json", "a"]


NAMES = frozenset({"pkg", "pkg.a", "b", "c", "d"})


def orders(stderr: str, names: frozenset[str] = NAMES) -> tuple[list[str], list[str], str]:
    roots, _ = questions.parse_importtime(stderr)
    forest = questions.bodies(roots, names)
    return (
        questions.order(forest, "start"),
        questions.order(forest, "finish"),
        questions.tree_text(forest),
    )


def test_a_parent_package_runs_before_the_submodule_it_is_reported_inside():
    # `import pkg.a` with pkg not imported yet: pkg's line is nested inside pkg.a's.
    start, finish, tree = orders(importtime((2, "b"), (1, "pkg"), (1, "c"), (0, "pkg.a")))
    assert start == ["pkg", "b", "pkg.a", "c"]
    assert finish == ["b", "pkg", "c", "pkg.a"]
    assert tree == "__main__\n  pkg\n    b\n  pkg.a\n    c"


def test_a_package_that_imports_its_submodule_and_a_body_that_fails():
    # pkg/__init__ does `from . import a`; a imports b, b imports c, c raises: every import
    # still prints its line. The outer pkg.a ran no body of its own.
    stderr = importtime((4, "c"), (3, "b"), (2, "pkg.a"), (1, "pkg"), (0, "pkg.a"), (0, "d"))
    start, finish, _ = orders(stderr)
    assert start == ["pkg", "pkg.a", "b", "c", "d"]
    assert finish == ["c", "b", "pkg.a", "pkg", "d"]


def test_foreign_modules_are_left_out_with_their_insides_kept():
    start, _, _ = orders(importtime((2, "b"), (1, "json"), (0, "d"), (0, "importlib")))
    assert start == ["d", "b"]


def test_module_names_of_a_problem():
    problem = make("order", files={"pkg/__init__.py": "", "pkg/sub/mod.py": "", "data.txt": ""})
    assert questions.module_names(problem) == {
        "main",
        "pkg",
        "pkg.sub.mod",
        "sub.mod",
        "mod",
    }


# --- problems of the new kinds -------------------------------------------------------------


def make(kind: str, *, code: str = "pass\n", files: dict[str, str] | None = None, **extra):
    data = {
        "slug": "q",
        "title": "q",
        "difficulty": "easy",
        "kind": kind,
        "tags": ["sys.modules"],
        "prompt": "p",
        "code": code,
        "expected_output": "",
        "hints": ["a", "b"],
        "explanation": "e",
        **({"order_of": "start"} if kind == "order" else {}),
        **({"names": ["json"]} if kind == "which-file" else {}),
        **({"files": files} if files else {}),
        **extra,
    }
    return problems.validate(data, Path("q.yaml"))


@pytest.mark.parametrize(
    ("kind", "extra", "message"),
    [
        ("order", {"order_of": "middle"}, "start or finish"),
        ("predict", {"order_of": "start"}, "only order problems"),
        ("predict", {"names": ["json"]}, "only which-file problems"),
        ("which-file", {"names": []}, "non-empty list"),
        ("which-file", {"names": ["not a name"]}, "dotted module names"),
    ],
)
def test_fields_of_the_new_kinds_are_validated(kind: str, extra: dict, message: str):
    with pytest.raises(ProblemFileError, match=message):
        make(kind, **extra)


def test_the_new_fields_are_required():
    data = {
        "slug": "q",
        "title": "q",
        "difficulty": "easy",
        "kind": "order",
        "tags": ["x"],
        "prompt": "p",
        "code": "c",
        "expected_output": "",
        "hints": ["a", "b"],
        "explanation": "e",
    }
    with pytest.raises(ProblemFileError, match="'order_of' is missing"):
        problems.validate(data, Path("q.yaml"))
    with pytest.raises(ProblemFileError, match="'names' is missing"):
        problems.validate({**data, "kind": "which-file"}, Path("q.yaml"))


def pythons() -> list[str]:
    """This interpreter, and the oldest and newest supported ones when they are installed."""
    from importdrill.core.errors import InterpreterError

    found = [sys.executable]
    for name in ("python3.9", "python3.13"):
        path = real_interpreter(name)
        try:
            if path and interpreters.interpreter(path):
                found.append(path)
        except InterpreterError:
            continue  # it does not answer like a Python
    return found


def answer(problem: problems.Problem, python: str) -> runner.RunResult:
    return runnable.run_question(problem, problem.code, python=python, limits=runner.Limits())


ORDER_FILES = {
    "pkg/__init__.py": "from . import a\n",
    "pkg/a.py": "import b\n",
    "b.py": "import c\n",
    "c.py": "import b\nraise ValueError('c fails')\n",  # a cycle, then a failure
    "d.py": "print('d runs')\n",
}
ORDER_CODE = textwrap.dedent(
    """\
    import sys
    try:
        import pkg.a
    except ValueError:
        print("failed", sorted(m for m in ("pkg", "pkg.a", "b", "c") if m in sys.modules))
    import d
    import d
    print("err", file=sys.stderr)
    """
)


@pytest.mark.parametrize("python", pythons())
@pytest.mark.parametrize(
    ("which", "expected"),
    [("start", "pkg\npkg.a\nb\nc\nd"), ("finish", "c\nb\npkg.a\npkg\nd")],
)
def test_order_of_a_real_run(python: str, which: str, expected: str):
    problem = make("order", code=ORDER_CODE, files=ORDER_FILES, order_of=which)
    result = answer(problem, python)
    assert result.returncode == 0, result.stderr
    assert judge.normalise(result.stdout) == expected
    assert result.program_stdout is not None
    assert result.program_stdout == "failed []\nd runs\n"
    assert result.stderr == "err\n"  # the trace is taken out; the program's own stays
    assert result.tree == "__main__\n  pkg\n    pkg.a\n      b\n        c\n  d"


WHICH_FILES = {
    "pkg/__init__.py": "",
    "pkg/mod.py": "",
    "ns/part.py": "",
    "json.py": "",
}


@pytest.mark.parametrize("python", pythons())
def test_which_file_of_a_real_run(python: str):
    names = ["pkg", "pkg.mod", "ns", "json", "sys", "zipimport", "missing", "missing.sub"]
    names += ["email", "pkg.mod.deeper"]
    code = "import sys\nsys.path.remove(sys.path[0])\nprint('program')\n"  # json.py: unseen
    problem = make("which-file", code=code, files=WHICH_FILES, names=names)
    result = answer(problem, python)
    assert result.returncode == 0, result.stderr
    assert result.program_stdout is not None
    assert result.program_stdout == "program\n"
    assert judge.split_lines(result.stdout) == [
        "not found",  # sys.path[0] is gone, and nothing imported pkg
        "not found",
        "not found",
        "<stdlib>/json/__init__.py",
        "built-in",
        "frozen",
        "not found",
        "not found",
        "<stdlib>/email/__init__.py",
        "not found",
    ]
    problem = make("which-file", code="import pkg.mod\n", files=WHICH_FILES, names=names)
    assert judge.split_lines(answer(problem, python).stdout)[:4] == [
        "pkg/__init__.py",
        "pkg/mod.py",
        "namespace",
        "json.py",
    ]


def test_which_file_of_a_frozen_standard_module_depends_on_the_version():
    problem = make("which-file", code="import os\n", names=["os"])
    found = judge.normalise(answer(problem, sys.executable).stdout)
    assert found == ("frozen" if sys.version_info >= (3, 11) else "<stdlib>/os.py")


def test_which_file_from_a_program_in_a_subfolder_and_printed_paths_that_look_like_the_marker():
    problem = make(
        "which-file",
        code="print('importdrill-which-file 0')\nimport helper\n",
        files={"app/helper.py": ""},
        names=["helper"],
        main="app/main.py",
    )
    result = answer(problem, sys.executable)
    assert judge.normalise(result.stdout) == "app/helper.py"
    assert result.program_stdout == "importdrill-which-file 0\n"


def test_a_which_file_program_that_exits_early_has_no_answer():
    problem = make("which-file", code="import sys\nsys.exit(0)\n")
    result = answer(problem, sys.executable)
    verdict = judge.judge("<stdlib>/json/__init__.py", result)
    assert not verdict.passed and "ended before find_spec" in verdict.detail


# --- through the command line ---------------------------------------------------------------

ORDER_YAML = """\
slug: tiny-order
title: Which body first?
difficulty: easy
kind: order
order_of: start
tags: [circular-imports]
prompt: |
  In which order do the bodies start?
code: |
  import a
  print("done")
files:
  a.py: |
    import b
  b.py: |
    import a
    import c
  c.py: ""
expected_output: |
  a
  b
  c
hints: [one, two]
explanation: |
  Because.
"""


@pytest.fixture
def order_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "tiny-order.yaml").write_text(ORDER_YAML, encoding="utf-8")
    monkeypatch.setenv("IMPORTDRILL_PATH", str(pack))
    monkeypatch.setenv("IMPORTDRILL_NO_BUILTINS", "1")
    return pack


def test_a_wrong_order_shows_only_the_learners_lines(cli, order_pack):
    result = cli("check", "tiny-order", "--predict-file", "-", input="a\nc\nb\n")
    assert result.exit_code == 1
    marked = [line for line in result.stdout.splitlines() if line[:2] in ("✓ ", "✗ ")]
    assert marked == ["✗ wrong answer  " + marked[0].split("  ", 1)[1], "✓ a", "✗ c", "✗ b"]
    assert "import tree" not in result.stdout
    result = cli("check", "tiny-order", "--predict-file", "-", input="a\n")
    assert "The answer has 2 modules more than you wrote." in result.stdout
    data = json.loads(
        cli("check", "tiny-order", "--predict-file", "-", "--json", input="c\n").stdout
    )
    assert data["kind"] == "order"
    assert data["output"] is None and data["tree"] is None and data["stderr"] == ""
    assert "a\nb" not in json.dumps(data)


def test_reveal_and_a_pass_show_the_tree(cli, order_pack):
    result = cli("reveal", "tiny-order", "--yes")
    assert result.exit_code == 0
    assert "import tree" in result.stdout and "    b" in result.stdout
    data = json.loads(cli("reveal", "tiny-order", "--yes", "--json").stdout)
    assert data["output"] == "a\nb\nc"
    assert data["tree"] == "__main__\n  a\n    b\n      c"
    result = cli("check", "tiny-order", "--predict-file", "-", input="a\nb\nc\n")
    assert result.exit_code == 0 and "import tree" in result.stdout
    data = json.loads(cli("run", "tiny-order", "--json").stdout)
    assert data["stdout"] == "done\n" and data["answer"] == "a\nb\nc"
    assert "import time" not in data["stderr"]


def test_the_prompt_says_which_order_is_asked(cli, order_pack):
    result = cli("start", "tiny-order", "--no-edit")
    assert result.exit_code == 0
    assert "bodies start running" in " ".join(result.stdout.split())


@pytest.mark.parametrize("python", pythons())
def test_the_probe_does_not_import_the_problems_own_files(python: str):
    """Local files named like modules the probe itself imports (importlib.util, sysconfig and
    what they pull in) are found by find_spec, never run by the probe."""
    shadows = ["warnings", "types", "keyword", "contextlib", "threading", "re", "sysconfig"]
    files = {f"{name}.py": f"print('local {name} ran')\n" for name in shadows}
    # What the program has loaded when it ends decides each answer: a loaded module is the
    # standard library's, found in sys.modules; any other is the local file.
    code = f"import sys\nprint(*[n in sys.modules for n in {shadows!r}])\n"
    problem = make("which-file", code=code, files=files, names=shadows)
    result = answer(problem, python)
    assert result.returncode == 0, result.stderr
    assert result.program_stdout is not None
    assert "local" not in result.stdout + result.stderr + result.program_stdout
    loaded = [flag == "True" for flag in result.program_stdout.split()]
    answers = judge.split_lines(result.stdout)
    assert len(answers) == len(shadows)
    for name, was_loaded, found in zip(shadows, loaded, answers, strict=True):
        # re is a package from 3.11: <stdlib>/re/__init__.py
        assert found.startswith(f"<stdlib>/{name}") if was_loaded else found == f"{name}.py"
