"""Packs: folders on IMPORTDRILL_PATH, and distributions with an importdrill.packs entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from .helpers import PACK

PACK_PYPROJECT = """\
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "importdrill-demo-pack"
version = "1.0"

[project.entry-points."importdrill.packs"]
demo = "demo_pack.problems"

[tool.setuptools]
packages = ["demo_pack", "demo_pack.problems"]

[tool.setuptools.package-data]
"demo_pack.problems" = ["*.yaml"]
"""


def make_pack_project(root: Path) -> Path:
    project = root / "demo-pack"
    problems = project / "demo_pack" / "problems"
    problems.mkdir(parents=True)
    (project / "pyproject.toml").write_text(PACK_PYPROJECT)
    (project / "demo_pack" / "__init__.py").write_text("")
    (problems / "__init__.py").write_text("")
    text = (PACK / "mini-module.yaml").read_text().replace("slug: mini-module", "slug: demo-module")
    (problems / "demo-module.yaml").write_text(text)
    return project


@pytest.fixture(scope="module")
def pack_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary venv that sees this importdrill and has the demo pack pip-installed."""
    root = tmp_path_factory.mktemp("packs")
    env_dir = root / "venv"
    # Without a pip of its own: the tests' pip installs into it (--python), which spares the
    # 3 s that ensurepip takes.
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # importdrill and its dependencies come from the environment running the tests (addsitedir,
    # so that an editable install's own .pth file there is processed too).
    outer = sysconfig.get_paths()["purelib"]
    (Path(site) / "outer.pth").write_text(f"import site; site.addsitedir({outer!r})\n")
    project = make_pack_project(root)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--disable-pip-version-check",
            str(project),
        ],
        check=True,
        timeout=600,
    )
    return python


def run_in(
    python: Path, home: Path, *args: str, input: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ, IMPORTDRILL_HOME=str(home), NO_COLOR="1")
    full.pop("IMPORTDRILL_PATH", None)
    full.update(env)
    return subprocess.run(
        [python, "-m", "importdrill", *args],
        env=full,
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow  # pip-installs a pack into a fresh venv
def test_installed_pack_is_listed_and_checked(pack_venv: Path, home: Path):
    listed = run_in(pack_venv, home, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    slugs = [p["slug"] for p in json.loads(listed.stdout)["problems"]]
    assert "demo-module" in slugs and "sys-modules-cache" in slugs
    checked = run_in(
        pack_venv,
        home,
        "check",
        "demo-module",
        "--predict-file",
        "-",
        input="app init\n__main__ app util\n",
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "pass" in checked.stdout
    verified = run_in(pack_venv, home, "verify", "demo-module")
    assert verified.returncode == 0, verified.stdout


@pytest.mark.slow  # pip-installs a pack into a fresh venv
def test_installed_pack_clashing_with_a_folder_pack(pack_venv: Path, home: Path, tmp_path: Path):
    clash = tmp_path / "clash"
    clash.mkdir()
    (clash / "demo-module.yaml").write_text(
        (PACK / "mini-module.yaml").read_text().replace("slug: mini-module", "slug: demo-module")
    )
    result = run_in(pack_venv, home, "list", IMPORTDRILL_PATH=str(clash))
    assert result.returncode == 2
    assert "slug 'demo-module' is declared twice" in result.stderr
    assert (
        "clash/demo-module.yaml" in result.stderr
        and "demo_pack/problems/demo-module.yaml" in result.stderr
    )


def test_folder_pack_in_both_run_modes(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "my-pack"
    folder.mkdir()
    module_mode = (PACK / "mini-module.yaml").read_text()
    (folder / "mini-module.yaml").write_text(module_mode)
    script_mode = module_mode.replace("slug: mini-module", "slug: by-path").replace(
        "run: module\n", ""
    )
    script_mode = script_mode.replace("  app init\n  __main__ app util\n", "  ImportError\n")
    script_mode = script_mode.replace(
        "code: |\n  from .util import NAME\n  print(__name__, __package__, NAME)\n",
        "code: |\n  try:\n      from .util import NAME\n  except ImportError as e:\n      print(type(e).__name__)\n",
    )
    (folder / "by-path.yaml").write_text(script_mode)
    monkeypatch.setenv("IMPORTDRILL_PATH", str(folder))
    monkeypatch.setenv("IMPORTDRILL_NO_BUILTINS", "1")
    listed = json.loads(cli("list", "--json").stdout)["problems"]
    assert {p["slug"] for p in listed} == {"mini-module", "by-path"}
    shown = cli("start", "by-path")
    assert "python app/cli.py" in shown.stdout
    assert cli("check", "by-path", "--predict-file", "-", input="ImportError\n").exit_code == 0
    assert (
        cli(
            "check", "mini-module", "--predict-file", "-", input="app init\n__main__ app util\n"
        ).exit_code
        == 0
    )
    assert cli("verify").exit_code == 0


@pytest.mark.parametrize(
    ("package", "init", "said"),
    [
        ("no_such_pack_pkg", None, "ModuleNotFoundError"),
        ("raising_pack_pkg", "raise RuntimeError('pack broke')\n", "RuntimeError: pack broke"),
        ("exiting_pack_pkg", "raise SystemExit(0)\n", "SystemExit"),
    ],
)
def test_a_broken_installed_pack_is_named_and_the_rest_works(
    tmp_path: Path, home: Path, package: str, init: str | None, said: str
):
    site = tmp_path / "site"
    dist = site / "broken_pack-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-pack\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(f"[importdrill.packs]\nbroken = {package}.problems\n")
    if init is not None:
        (site / package / "problems").mkdir(parents=True)
        (site / package / "__init__.py").write_text(init)
    env = dict(os.environ, IMPORTDRILL_HOME=str(home), PYTHONPATH=str(site))
    env.pop("IMPORTDRILL_PATH", None)

    def importdrill(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "importdrill", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    for _ in range(2):  # the second time from the cache of installed packs
        listed = importdrill("list")
        assert listed.returncode == 0, listed.stderr
        assert "import-module" in listed.stdout  # the built-in problems are all there
        assert "'broken'" in listed.stderr and said in listed.stderr
        assert "Traceback" not in listed.stderr
    prediction = tmp_path / "prediction.txt"
    prediction.write_text("nothing\n")
    checked = importdrill("check", "import-module", "--predict-file", str(prediction))
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
