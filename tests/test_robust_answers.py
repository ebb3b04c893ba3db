"""Every built-in predict problem prints its stated answer wherever a learner runs it by hand
(and every order and which-file problem records its stated answer there).

A learner runs these programs in their own workspace, on their own machine, as `python main.py`
or `python -m name`. The answer must not depend on:

- the working folder (paths are printed relative to the script's folder, as POSIX);
- bytecode writing being off (`PYTHONDONTWRITEBYTECODE`, `-B`);
- what site-packages holds: a `.pth` file that imports common standard-library modules at
  start-up, a finder installed at `sys.meta_path[0]` (coverage tools and editable installs
  do both), or installed packages named like the problems' own modules (a learner may well
  have a `utils`, `plugins` or `config` installed).

Each case lays the problem's files into a temporary folder and runs this interpreter by hand,
the way a learner would, outside importdrill's runner. What cannot hold (`-P`/`PYTHONSAFEPATH`
takes the script's folder off `sys.path`) is said in the README.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from importdrill.core import judge, paths, problems, questions, runner
from importdrill.core.catalog import Pack, load_catalog
from importdrill.core.problems import Problem
from importdrill.core.runnable import program_for
from importdrill.core.summary import BUILTIN_PACK

# Every case here runs a built-in problem by hand (nox runs them on the oldest and the newest
# Python of the command line; see noxfile.py).
pytestmark = pytest.mark.every_problem

HERE = sys.version_info[:2]
# Modules a site-packages `.pth` commonly imports at start-up (the ones that change answers
# when a problem assumes they are not loaded yet).
PTH_IMPORTS = ("json", "csv", "logging", "random")
PTH_LINE = "import " + ", ".join(PTH_IMPORTS) + "\n"
# A finder that declines everything, put first on sys.meta_path at start-up, as coverage tools
# and editable installs put theirs.
NULL_FINDER = '''\
import sys


class NullFinder:
    """Declines every import, as a finder for names it does not own does."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        return None

    @classmethod
    def invalidate_caches(cls):
        pass


sys.meta_path.insert(0, NullFinder)
'''


def _predict_problems() -> list[Problem]:
    catalog = load_catalog([Pack(BUILTIN_PACK, paths.builtin_problems())], use_cache=False)
    return [
        p
        for p in catalog.problems
        if not p.kind.learner_writes_code and p.unavailable_reason() is None
    ]


PREDICT = _predict_problems()


# Names that begin so are this project's own: no installed package is assumed to have one. A
# problem whose answer depends on a module being missing, or on an installed package not
# beating its own (a namespace portion, a folder appended to sys.path), names it so.
OWN_PREFIX = "drill_"


def _top_level_names(problem: Problem) -> set[str]:
    """Every top-level module name a problem's files define, its code imports by name (in a
    `.py` file, or on an `import` line of a `.pth` file, which `site` runs), or its
    which-file question asks about."""
    program = _program(problem)
    names = {name.split(".")[0] for name in problem.names}
    sources = {program.main: program.code, **(program.files or {})}
    for rel, text in sources.items():
        first = PurePosixPath(rel).parts[0]
        names.add(first.removesuffix(".py"))
        if rel.endswith(".pth"):
            text = "\n".join(
                line for line in text.splitlines() if line.startswith(("import ", "import\t"))
            )
        elif not rel.endswith(".py"):
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:  # a problem's deliberately broken module
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return {
        name
        for name in names
        if name.isidentifier()
        and name not in sys.stdlib_module_names
        and name != "__future__"
        and not name.startswith(OWN_PREFIX)
    }


# The which-file probe's marker in these runs by hand (a check makes a fresh one each run).
MARKER = "importdrill-which-file robust"


def _program(problem: Problem) -> runner.Program:
    """The problem's program as a check runs it: for order, with -X importtime; for
    which-file, with the find_spec probe after its last line."""
    program = program_for(problem, problem.code)
    if problem.kind == "which-file":
        return program._replace(code=questions.with_probe(program.code, problem, MARKER))
    return questions.instrumented(problem, program)[0]


def _lay_out(problem: Problem, root: Path) -> Path:
    """Write the problem's files and its program into root, as importdrill's runner would."""
    runner._write_tree(root, _program(problem))
    return root


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONUTF8"] = "1"
    env.update(extra)
    return env


def _run(
    problem: Problem,
    tmp_path: Path,
    *,
    python: str = sys.executable,
    elsewhere: bool = False,
    env: dict[str, str] | None = None,
    keep: bool = False,
) -> str:
    root = tmp_path / "run" if keep else _lay_out(problem, tmp_path / "run")
    env = dict(env or _clean_env())
    options = list(_program(problem).options)
    if problem.run is problems.RunMode.MODULE:
        command = [python, *options, "-m", problem.module_name]
        if elsewhere:
            env["PYTHONPATH"] = str(root)
    else:
        command = [python, *options, str(root / PurePosixPath(problem.main))]
    cwd = root
    if elsewhere:
        cwd = tmp_path / "elsewhere" / "deeper"
        cwd.mkdir(parents=True)
    done = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert done.returncode == 0, f"{problem.slug} exited {done.returncode}:\n{done.stderr}"
    result = runner.RunResult(done.stdout, done.stderr, done.returncode, 0.0)
    return judge.normalise(questions.answer_of(problem, result, MARKER).stdout)


def _expected(problem: Problem) -> str:
    return judge.normalise(problem.expected_for(HERE))


# Installed packages named like every module the problems define or import (the standard
# library's aside). Each announces itself when imported, so any import that reaches one instead
# of the problem's own module changes the output.
SAME_NAMES = sorted(set().union(*(_top_level_names(p) for p in PREDICT)))
INSTALLED_COPY = 'print("an installed package named", __name__)\n'


@pytest.fixture(scope="session")
def site_pythons(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Two throwaway venvs of this interpreter: one whose site-packages holds a `.pth` that
    imports json, csv, logging and random, one whose `.pth` installs a finder at
    sys.meta_path[0]."""
    base = tmp_path_factory.mktemp("site-venvs")
    made = {}
    for name in ("pth-imports", "meta-path-finder", "same-names"):
        venv = base / name
        subprocess.run(
            [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120
        )
        python = venv / "bin" / "python"
        if not python.exists():  # pragma: no cover - Windows layout
            python = venv / "Scripts" / "python.exe"
        purelib = subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.strip()
        site_packages = Path(purelib)
        if name == "pth-imports":
            (site_packages / "zz_startup_imports.pth").write_text(PTH_LINE, encoding="utf-8")
        elif name == "meta-path-finder":
            (site_packages / "importdrill_null_finder.py").write_text(NULL_FINDER, encoding="utf-8")
            (site_packages / "aa_null_finder.pth").write_text(
                "import importdrill_null_finder\n", encoding="utf-8"
            )
        else:
            for module in SAME_NAMES:
                package = site_packages / module
                package.mkdir()
                (package / "__init__.py").write_text(INSTALLED_COPY, encoding="utf-8")
        made[name] = str(python)
    return made


def _probe(python: str, code: str) -> str:
    return subprocess.run(
        [python, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=_clean_env(),
        timeout=60,
    ).stdout.strip()


@pytest.mark.slow
def test_the_site_setups_are_real(site_pythons: dict[str, str]):
    """The venvs really do what the cases below rely on, or those cases prove nothing."""
    probe = f"import sys; print(sorted(m for m in {PTH_IMPORTS!r} if m in sys.modules))"
    assert _probe(site_pythons["pth-imports"], probe) == str(sorted(PTH_IMPORTS))
    probe = "import sys; print(sys.meta_path[0].__name__)"
    assert _probe(site_pythons["meta-path-finder"], probe) == "NullFinder"
    assert len(SAME_NAMES) >= 20, SAME_NAMES
    assert _probe(site_pythons["same-names"], f"import {SAME_NAMES[0]}") == (
        f"an installed package named {SAME_NAMES[0]}"
    )


def test_there_are_predict_problems_to_check():
    assert len(PREDICT) >= 30
    kinds = {p.kind for p in PREDICT}
    assert {"predict", "order", "which-file"} <= kinds


@pytest.mark.slow
@pytest.mark.parametrize("problem", PREDICT, ids=lambda p: p.slug)
def test_from_another_working_folder(problem: Problem, tmp_path: Path):
    assert _run(problem, tmp_path, elsewhere=True) == _expected(problem)


@pytest.mark.slow
@pytest.mark.parametrize("problem", PREDICT, ids=lambda p: p.slug)
def test_with_bytecode_writing_off(problem: Problem, tmp_path: Path):
    env = _clean_env(PYTHONDONTWRITEBYTECODE="1")
    assert _run(problem, tmp_path, env=env) == _expected(problem)


@pytest.mark.slow
@pytest.mark.parametrize("problem", PREDICT, ids=lambda p: p.slug)
@pytest.mark.parametrize("setup", ["pth-imports", "meta-path-finder", "same-names"])
def test_with_what_site_packages_holds(
    problem: Problem, setup: str, tmp_path: Path, site_pythons: dict[str, str]
):
    """A .pth that imports common modules, a finder first on sys.meta_path, or packages named
    like the problems' own modules: the answer is the same."""
    assert _run(problem, tmp_path, python=site_pythons[setup]) == _expected(problem)


@pytest.mark.slow
@pytest.mark.parametrize("problem", PREDICT, ids=lambda p: p.slug)
def test_a_second_run_in_the_same_folder(problem: Problem, tmp_path: Path):
    """A learner runs the program again in the folder the first run left behind."""
    _run(problem, tmp_path)
    assert _run(problem, tmp_path, keep=True) == _expected(problem)
