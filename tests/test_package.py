"""The package as a user or a packager gets it: one version, a licence, type information."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_version_is_written_once_and_the_cache_key_follows_it():
    from importdrill import __version__
    from importdrill.core.cache import CACHE_VERSION

    project = PYPROJECT["project"]
    assert "version" not in project and "version" in project["dynamic"]
    assert PYPROJECT["tool"]["hatch"]["version"]["path"] == "src/importdrill/__init__.py"
    assert CACHE_VERSION.endswith(f"/{__version__}")


def test_licence_and_type_information():
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert PYPROJECT["project"]["license"] == "MIT"
    assert (ROOT / "src" / "importdrill" / "py.typed").is_file()
    classifiers = PYPROJECT["project"]["classifiers"]
    assert "Typing :: Typed" in classifiers
    for minor in range(11, 16):
        assert f"Programming Language :: Python :: 3.{minor}" in classifiers


def test_the_sdist_carries_what_its_tests_read():
    included = PYPROJECT["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
    assert {"docs", "tests", "problems", "LICENSE", "tools", "noxfile.py"} <= set(included)


def test_one_set_of_tool_versions():
    groups = PYPROJECT["dependency-groups"]
    assert any(r.startswith("pytest-xdist") for r in groups["test"])
    assert "optional-dependencies" not in PYPROJECT["project"]
    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    assert 'dependency_groups(PYPROJECT, "test")' in noxfile
    assert 'dependency_groups(PYPROJECT, "lint")' in noxfile
