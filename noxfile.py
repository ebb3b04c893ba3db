"""Sessions: tests on each Python >= 3.11 found, lint, verify on every CPython 3.9-3.15 found."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).parent / "tools"))
import debian_cpython

nox.options.sessions = ["tests", "lint", "verify"]
nox.options.reuse_existing_virtualenvs = True
# uv makes each session's virtualenv and installs into it in about a second where pip takes
# 15 to 30 (seven sessions in CI); virtualenv and pip are used where uv is not installed.
nox.options.default_venv_backend = "uv|virtualenv"
# uv does not compile bytecode unless asked, and with PYTHONDONTWRITEBYTECODE set (as on the
# CI machine) every importdrill a test starts would compile its modules again.
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")
# With CI set, a missing interpreter is an error rather than a skipped session.
nox.options.error_on_missing_interpreters = bool(os.environ.get("CI"))

CLI_PYTHONS = ["3.11", "3.12", "3.13", "3.14", "3.15"]
# The tests that go through every built-in problem (marked every_problem: its answer by hand
# from other folders and beside other site-packages, a wrong prediction never spoiling it,
# the workspace run by hand) check the problems' content, on the oldest and the newest Python
# of the command line; every problem's truth is verify's, on every CPython from 3.9. On all
# five they were half of CI's time (each session 125 to 142 s of a 14.5-minute run).
EVERY_PROBLEM_PYTHONS = {"3.11", "3.15"}
PROBLEM_PYTHONS = ["3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.15"]
# The tools and their versions, as pyproject.toml's dependency groups say: one set for all.
PYPROJECT = nox.project.load_toml("pyproject.toml")
TEST_DEPS = nox.project.dependency_groups(PYPROJECT, "test")
LINT_DEPS = nox.project.dependency_groups(PYPROJECT, "lint")


def _provide_new_pythons() -> str:
    """Put Debian sid's CPython 3.14 and 3.15 on PATH where they are missing (README,
    "Interpreters"): built once by tools/debian_cpython.py into the user's cache, then taken
    from there. Returns why they could not be provided, or ""."""
    missing = [v for v in debian_cpython.VERSIONS if shutil.which(f"python{v}") is None]
    if not missing or os.environ.get("IMPORTDRILL_NO_PROVISION"):
        return ""
    try:
        folder = debian_cpython.provision()
    except (debian_cpython.ProvisionError, OSError) as error:
        reason = f"cannot provide python{' and python'.join(missing)}: {error}"
        print(f"nox: {reason}", file=sys.stderr)
        return reason
    # Last on PATH: only the missing versions are taken from there.
    os.environ["PATH"] = os.pathsep.join([os.environ.get("PATH", ""), str(folder)])
    return ""


PROVISION_ERROR = _provide_new_pythons()


@nox.session(python=CLI_PYTHONS)
def tests(session: nox.Session) -> None:
    """The test suite against the installed wheel (so the packaged problems are tested), on
    four workers (pytest-xdist): more than this machine's two cores, as much of a test's time
    is spent waiting on a child process or a deadline (measured on 2 cores: the whole suite
    took 87 to 92 s on two workers, 70 to 86 s on four)."""
    session.install(".", *TEST_DEPS)
    args = ["-q", "-n", "4"]
    if session.python not in EVERY_PROBLEM_PYTHONS:
        args += ["-m", "not every_problem"]
    session.run("pytest", *(session.posargs or args))


@nox.session(python="3.11")
def lint(session: nox.Session) -> None:
    """ruff (lint and format), and mypy: --strict on src, lighter on the tests."""
    session.install(*LINT_DEPS, *TEST_DEPS, ".")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session(python="3.11")
def verify(session: nox.Session) -> None:
    """Every problem true on every CPython found (3.9 to 3.15 here), in parallel."""
    session.install(".")
    found: list[str] = []
    newest = ""
    for version in PROBLEM_PYTHONS:
        path = _real_interpreter(f"python{version}")
        if path is None:
            if os.environ.get("CI"):
                why = f" ({PROVISION_ERROR})" if PROVISION_ERROR else ""
                session.error(
                    f"python{version} not found: verify needs every CPython 3.9-3.15{why}"
                )
            session.warn(f"python{version} not found; skipped")
            continue
        found += ["--python", path]
        newest = path
    if found:
        # A learner's importdrill most often runs in a virtual environment (pip install into
        # one, pipx, uv tool), whose sys.prefix is not its interpreter's: the newest CPython
        # is verified in one too. (3.11's is one already where nox runs from a venv, as in the
        # README's command and .ci/run: that venv's python3.11 is first on PATH.)
        folder = Path(session.create_tmp()).resolve() / "newest-venv"
        session.run(newest, "-m", "venv", "--without-pip", "--clear", str(folder), external=True)
        found += ["--python", str(folder / "bin" / "python")]
    home = str(Path(session.create_tmp()).resolve() / "home")
    session.run("importdrill", "verify", *found, env={"IMPORTDRILL_HOME": home})


def _real_interpreter(name: str) -> str | None:
    """The interpreter that name on PATH starts (its sys.executable), or None. A pyenv shim
    is a shell script that finds the interpreter on every start: run once for each of
    verify's thousands of runs, it took 5 min 50 s where the interpreters themselves take
    3 min 9 s."""
    found = shutil.which(name)
    if found is None:
        return None
    try:
        done = subprocess.run(
            [found, "-c", "import sys; print(sys.executable)"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return found  # verify then says what is wrong with it
    return done.stdout.strip() or found


@nox.session(python="3.11", default=False)
def screenshots(session: nox.Session) -> None:
    """Regenerate the README's SVG screenshots from real runs (Rich's SVG export)."""
    session.install(".")
    session.run("python", "docs/make_screenshots.py")


@nox.session(python="3.11", default=False)
def bench(session: nox.Session) -> None:
    """Start-up and check timings, as ratios measured side by side."""
    session.install(".")
    session.run("python", "benchmarks/startup.py", *session.posargs)
