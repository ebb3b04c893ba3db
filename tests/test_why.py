"""`importdrill why NAME`, through the CLI, on folders laid out for each case of issue 25."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from importdrill.core import why

from .helpers import Terminal, documented, newest_interpreter

PROBLEMS = Path(__file__).resolve().parent.parent / "problems"
PYENV_VERSIONS = "3.11.7:3.12.1:3.13.0:3.10.13:3.9.18"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder to stand in, with no PYTHONPATH of the test run's own."""
    folder = tmp_path / "project"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.delenv("PYTHONPATH", raising=False)
    monkeypatch.delenv("PYTHONSAFEPATH", raising=False)
    return folder


def lay_out(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))


def ask(cli, *args: str, python: str | None = sys.executable) -> tuple[int, dict]:
    extra = ["--python", python] if python else []
    result = cli("why", *args, *extra, "--json")
    assert result.stderr == "", result.stderr
    return result.exit_code, json.loads(result.stdout)


def winner(level: dict) -> dict:
    entry: dict = level["entries"][level["path_winner"]]
    return entry


def venv(path: Path, base: str = sys.executable) -> tuple[str, Path]:
    """A fresh virtual environment of base (no pip): its python and its site-packages."""
    subprocess.run([base, "-m", "venv", "--without-pip", str(path)], check=True)
    python = path / "bin" / "python"
    asked = [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
    site = Path(subprocess.run(asked, check=True, capture_output=True, text=True).stdout.strip())
    assert site.is_dir()
    return str(python), site


def own_and_newest() -> list[str]:
    """importdrill's own interpreter and the newest one found: start-up's .pth handling
    changed in 3.15 (PEP 829: every file's paths first, then the import lines), and the
    probe must see what each file did on both sides of that change."""
    return sorted({sys.executable, newest_interpreter() or sys.executable})


def test_every_problem_named_exists():
    for kind, slugs in why.DRILLED_IN.items():
        for slug in slugs:
            assert (PROBLEMS / f"{slug}.yaml").is_file(), (kind, slug)
    assert set(why.Step) | set(why.TrapKind) | set(why.NearKind) <= set(why.DRILLED_IN)


def test_a_local_file_shadows_the_standard_library(cli, here: Path):
    lay_out(here, {"json.py": "x = 1\n"})
    code, data = ask(cli, "json")
    assert code == 0
    assert set(data) == documented("importdrill why --json")
    assert data["version"] == 1 and data["found"] is True
    assert data["spec"]["origin"] == str(here / "json.py")
    top = data["levels"][0]
    assert winner(top)["origin"] == "cwd" and winner(top)["verdict"] == "wins"
    stdlib = [e for e in top["entries"] if any(h["kind"] == "package" for h in e["holds"])]
    assert stdlib and stdlib[0]["origin"] == "stdlib" and stdlib[0]["verdict"] == "not-reached"
    (trap,) = [t for t in data["traps"] if t["kind"] == "shadows"]
    assert (
        "standard library" in trap["message"] and "local-json-shadows-stdlib" in trap["drilled_in"]
    )
    # The text view tells the same, and names the problem.
    result = cli("why", "json", "--python", sys.executable)
    assert result.exit_code == 0
    assert "shadows the standard library's json" in result.stdout
    assert "drilled in `local-json-shadows-stdlib`" in result.stdout


def test_a_package_beats_a_module_beats_a_namespace_portion(
    cli, here: Path, tmp_path: Path, monkeypatch
):
    other = tmp_path / "other"
    lay_out(
        here,
        {
            "both/__init__.py": "",
            "both.py": "",
            "nsfirst/data.txt": "",  # a folder without __init__.py, first on the path
            "twice/a.py": "",
        },
    )
    lay_out(other, {"nsfirst.py": "", "twice/b.py": ""})
    monkeypatch.setenv("PYTHONPATH", str(other))

    code, data = ask(cli, "both")
    assert code == 0
    entry = winner(data["levels"][0])
    assert [h["kind"] for h in entry["holds"]] == ["package", "module"]
    assert "package wins" in entry["reason"]
    assert data["spec"]["origin"] == str(here / "both" / "__init__.py")

    code, data = ask(cli, "nsfirst")
    assert code == 0
    entries = data["levels"][0]["entries"]
    assert entries[0]["verdict"] == "passed-over" and entries[0]["holds"][0]["kind"] == "namespace"
    assert entries[1]["origin"] == "pythonpath" and entries[1]["verdict"] == "wins"
    assert data["spec"]["origin"] == str(other / "nsfirst.py")

    code, data = ask(cli, "twice")
    assert code == 0
    assert data["spec"]["namespace"] is True
    assert data["spec"]["submodule_search_locations"] == [str(here / "twice"), str(other / "twice")]
    assert [e["verdict"] for e in data["levels"][0]["entries"][:2]] == ["portion", "portion"]
    assert any(t["kind"] == "accidental-namespace" for t in data["traps"])


@pytest.mark.parametrize("base", own_and_newest())
def test_a_name_found_only_through_a_pth_file(cli, here: Path, tmp_path: Path, base: str):
    python, site = venv(tmp_path / "venv", base)
    extra = tmp_path / "extra"
    lay_out(extra, {"pthonly.py": ""})
    (site / "extra.pth").write_text(f"{extra}\n")
    code, data = ask(cli, "pthonly", python=python)
    assert code == 0
    entry = winner(data["levels"][0])
    assert entry["entry"] == str(extra)
    assert entry["origin"] == "pth" and entry["detail"] == str(site / "extra.pth")
    (pth,) = [p for p in data["startup"]["pth"] if p["file"] == str(site / "extra.pth")]
    assert pth["paths"] == [str(extra)]
    assert data["python"]["executable"] == python


@pytest.mark.parametrize("base", own_and_newest())
def test_a_custom_finder_installed_by_a_pth_file_is_asked(
    cli, here: Path, tmp_path: Path, base: str
):
    python, site = venv(tmp_path / "venv", base)
    lay_out(
        site,
        {
            "magicfinder.py": """\
                import importlib.abc, importlib.util, sys

                class MagicFinder(importlib.abc.MetaPathFinder):
                    def find_spec(self, name, path, target=None):
                        if name == "magic":
                            return importlib.util.spec_from_loader(name, None, origin="made-up")
                        if name == "boom":
                            raise RuntimeError("the finder broke")
                        return None

                def install():
                    sys.meta_path.insert(0, MagicFinder())
            """,
            "magic.pth": "import magicfinder; magicfinder.install()\n",
        },
    )
    lay_out(here, {"magic.py": ""})  # PathFinder would find this one
    code, data = ask(cli, "magic", python=python)
    assert code == 0
    top = data["levels"][0]
    first = top["finders"][0]
    assert first["class"] == "magicfinder.MagicFinder"
    assert first["installed_by"] == str(site / "magic.pth")
    assert first["asked"] is True and first["answer"]["origin"] == "made-up"
    assert top["winner"] == 0
    assert all(not f["asked"] for f in top["finders"][1:])
    assert data["spec"]["origin"] == "made-up"
    (pth,) = [p for p in data["startup"]["pth"] if p["file"].endswith("magic.pth")]
    assert "magicfinder" in pth["modules"] and pth["finders"]
    # PathFinder is not asked, but what it would find is shown.
    assert winner(top)["entry"] == "" and winner(top)["holds"][0]["path"] == str(here / "magic.py")
    # A finder that raises ends the import with its exception: reported, and no one after it asked.
    code, data = ask(cli, "boom", python=python)
    assert code == 1
    first = data["levels"][0]["finders"][0]
    assert first["error"] == "RuntimeError: the finder broke"
    assert all(not f["asked"] for f in data["levels"][0]["finders"][1:])
    result = cli("why", "boom", "--python", python)
    assert result.exit_code == 1 and "raises RuntimeError: the finder broke" in result.stdout


def test_bytecode_without_source(cli, here: Path):
    import py_compile

    lay_out(here, {"legacy.py": "x = 1\n"})
    py_compile.compile(str(here / "legacy.py"), cfile=str(here / "legacy.pyc"), doraise=True)
    (here / "legacy.py").unlink()
    code, data = ask(cli, "legacy")
    assert code == 0
    assert data["spec"]["origin"] == str(here / "legacy.pyc")
    assert data["spec"]["loader"].endswith("SourcelessFileLoader")
    assert winner(data["levels"][0])["holds"][0]["kind"] == "bytecode"
    assert [t["kind"] for t in data["traps"]] == ["bytecode-only"]
    assert "bytecode" in data["drilled_in"]


def test_a_missing_name_says_where_it_looked_and_what_is_close(cli, here: Path):
    lay_out(here, {"colours.py": "", "src/widgets/__init__.py": ""})
    code, data = ask(cli, "colors")
    assert code == 1
    assert data["found"] is False and data["spec"] is None
    assert all(e["verdict"] in ("nothing", "missing") for e in data["levels"][0]["entries"])
    close = [n for n in data["near_misses"] if n["kind"] == "close-name"]
    assert close and "colours" in close[0]["message"]

    code, data = ask(cli, "widgets")
    assert code == 1
    (nested,) = [n for n in data["near_misses"] if n["kind"] == "not-on-path"]
    assert str(here / "src" / "widgets") in nested["message"]
    assert "test-runs-from-shell" in nested["drilled_in"]

    result = cli("why", "colors", "--python", sys.executable)
    assert result.exit_code == 1
    assert "colors was not found" in result.stdout and "ModuleNotFoundError" in result.stdout


def test_script_and_dash_m_put_different_folders_first(cli, here: Path):
    lay_out(here, {"app/run.py": "import helper\n", "app/helper.py": "", "helper.py": ""})
    code, by_script = ask(cli, "helper", "--script", "app/run.py")
    assert code == 0
    assert by_script["mode"] == "script" and by_script["first_entry"] == str(here / "app")
    assert by_script["sys_path"][0]["origin"] == "script"
    assert by_script["spec"]["origin"] == str(here / "app" / "helper.py")

    code, by_module = ask(cli, "helper", "-m", "app.run")
    assert code == 0
    assert by_module["mode"] == "module" and by_module["first_entry"] == str(here)
    assert by_module["sys_path"][0]["origin"] == "cwd"
    assert by_module["spec"]["origin"] == str(here / "helper.py")


def test_the_emulated_sys_path_is_the_real_one(cli, here: Path):
    lay_out(here, {"app/run.py": "import sys, json\nprint(json.dumps(sys.path))\n"})
    real = json.loads(
        subprocess.run(
            [sys.executable, "app/run.py"], capture_output=True, text=True, check=True
        ).stdout
    )
    code, data = ask(cli, "json", "--script", "app/run.py")
    assert code == 0
    assert [e["entry"] for e in data["sys_path"]] == real
    plain = json.loads(
        subprocess.run(
            [sys.executable, "-c", "import sys, json; print(json.dumps(sys.path))"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    code, data = ask(cli, "json")
    assert code == 0
    assert [e["entry"] for e in data["sys_path"]] == plain


def test_a_submodule_whose_parent_would_run_is_asked_first(cli, here: Path):
    lay_out(
        here,
        {
            "pkg/__init__.py": "print('the package ran')\nopen('ran.txt', 'w').close()\n",
            "pkg/sub.py": "",
        },
    )
    code, data = ask(cli, "pkg.sub")
    assert code == 1
    assert data["found"] is False
    assert data["stopped"]["reason"] == "parent-would-run"
    assert data["stopped"]["parent"] == "pkg"
    assert data["stopped"]["origin"] == str(here / "pkg" / "__init__.py")
    assert "--yes" in data["stopped"]["message"]
    assert [level["name"] for level in data["levels"]] == ["pkg"]
    assert not (here / "ran.txt").exists()

    # Outside a terminal, without --json, it stops the same way and says how to go on.
    result = cli("why", "pkg.sub", "--python", sys.executable)
    assert result.exit_code == 1 and "--yes" in result.stdout
    assert not (here / "ran.txt").exists()

    result = cli("why", "pkg.sub", "--python", sys.executable, "--yes", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)  # what the package printed did not get in the way
    assert data["spec"]["origin"] == str(here / "pkg" / "sub.py")
    assert [level["name"] for level in data["levels"]] == ["pkg", "pkg.sub"]
    assert data["levels"][1]["searched"] == "__path__"
    assert winner(data["levels"][1])["origin"] == "package"
    assert (here / "ran.txt").exists()


def test_a_namespace_parent_runs_nothing_and_is_not_asked_about(cli, here: Path):
    lay_out(here, {"space/inner.py": ""})
    code, data = ask(cli, "space.inner")
    assert code == 0 and data["stopped"] is None
    assert data["spec"]["origin"] == str(here / "space" / "inner.py")


def test_an_interpreter_of_another_version(cli, here: Path, monkeypatch):
    monkeypatch.setenv("PYENV_VERSION", PYENV_VERSIONS)
    other = next(
        (
            found
            for minor in (9, 10, 12, 13)
            if minor != sys.version_info[1] and (found := shutil.which(f"python3.{minor}"))
        ),
        None,
    )
    if other is None:
        pytest.skip("no python3.N of another version on PATH")
    lay_out(here, {"json.py": ""})
    code, data = ask(cli, "email.message", python=other)
    assert code == 0
    version = data["python"]["version"]
    assert not version.startswith(f"{sys.version_info[0]}.{sys.version_info[1]}.")
    assert f"python{version.rsplit('.', 1)[0]}" in data["spec"]["origin"]
    assert [level["name"] for level in data["levels"]] == ["email", "email.message"]
    code, data = ask(cli, "json", python=other)
    assert code == 0 and data["spec"]["origin"] == str(here / "json.py")


def test_pip_on_path_installing_for_another_interpreter(
    cli, here: Path, tmp_path: Path, monkeypatch
):
    asked, _ = venv(tmp_path / "asked")
    pips, site = venv(tmp_path / "pips")
    lay_out(site, {"onlythere.py": ""})
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    pip = bin_dir / "pip"
    pip.write_text(f"#!{pips}\nimport sys\n")
    pip.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    code, data = ask(cli, "onlythere", python=asked)
    assert code == 1
    (trap,) = [t for t in data["traps"] if t["kind"] == "other-interpreter"]
    assert str(site / "onlythere.py") in trap["message"]
    assert any(n["kind"] == "elsewhere" for n in data["near_misses"])


@pytest.mark.parametrize(
    ("args", "kind"),
    [
        (["3abc"], "why-name"),
        ([".rel"], "why-name"),
        (["pkg.class"], "why-name"),
        (["json", "--python", "/no/such/python"], "interpreter"),
        (["json", "--script", "missing.py"], "usage"),
        (["json", "--script", "a.py", "-m", "b"], "usage"),
    ],
)
def test_bad_input_is_exit_2(cli, here: Path, args, kind):
    lay_out(here, {"a.py": ""})
    result = cli("why", *args, "--json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["error"]["kind"] == kind and data["error"]["message"]
    text = cli("why", *args)
    assert text.exit_code == 2 and "error:" in text.stderr


def test_a_terminal_is_asked_before_the_parent_runs(here: Path, home: Path):
    import io

    import pexpect

    lay_out(here, {"pkg/__init__.py": "open('ran.txt', 'w').close()\n", "pkg/sub.py": ""})

    def spawn() -> pexpect.spawn:
        env = dict(os.environ, IMPORTDRILL_HOME=str(home), NO_COLOR="1", TERM="xterm-256color")
        child = Terminal(
            sys.executable,
            ["-m", "importdrill", "why", "pkg.sub", "--python", sys.executable],
            env=env,
            cwd=str(here),
            encoding="utf-8",
            timeout=30,
            dimensions=(40, 200),
        )
        child.logfile_read = io.StringIO()
        return child

    child = spawn()
    child.expect("Import pkg")
    child.send("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert not (here / "ran.txt").exists()

    child = spawn()
    child.expect("Import pkg")
    child.send("y")
    child.expect(r"gets .*pkg/sub\.py")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert (here / "ran.txt").exists()


def test_a_local_file_that_can_never_shadow(cli, here: Path):
    lay_out(here, {"os.py": "", "sys.py": ""})
    code, data = ask(cli, "os")
    assert code == 0
    assert data["levels"][0]["in_sys_modules"] in ("site", "interpreter")
    assert data["spec"]["origin"] != str(here / "os.py")
    assert [t["kind"] for t in data["traps"]] == ["ignored-local"]
    code, data = ask(cli, "sys")
    assert code == 0
    (trap,) = data["traps"]
    assert trap["kind"] == "ignored-local" and str(here / "sys.py") in trap["message"]


def test_the_distribution_and_its_other_name(cli, here: Path):
    code, data = ask(cli, "yaml")  # importdrill's own environment has PyYAML
    assert code == 0
    (dist,) = data["distributions"]
    assert dist["name"] == "PyYAML" and "yaml" in dist["import_names"]
    assert dist["owns_file"] is True
    assert "distribution" in data["drilled_in"]
    code, data = ask(cli, "PyYAML")
    assert code == 1
    (near,) = [n for n in data["near_misses"] if n["kind"] == "distribution-name"]
    assert "PyYAML" in near["message"] and "yaml" in near["message"]


def test_the_same_file_under_two_names(cli, here: Path, monkeypatch):
    lay_out(here, {"src/tool/__init__.py": ""})
    monkeypatch.setenv("PYTHONPATH", str(here / "src"))
    code, data = ask(cli, "tool")
    assert code == 0
    (trap,) = [t for t in data["traps"] if t["kind"] == "two-names"]
    assert "src.tool" in trap["message"]


def test_safe_path_puts_nothing_first(cli, here: Path, monkeypatch):
    lay_out(here, {"json.py": ""})
    monkeypatch.setenv("PYTHONSAFEPATH", "1")
    code, data = ask(cli, "json")
    assert code == 0
    assert data["first_entry"] is None and data["sys_path"][0]["origin"] != "cwd"
    assert data["spec"]["origin"] != str(here / "json.py") and data["traps"] == []


def test_a_copy_one_folder_down_that_is_not_the_one_imported(
    cli, here: Path, tmp_path: Path, monkeypatch
):
    installed = tmp_path / "installed"
    lay_out(installed, {"tool/__init__.py": ""})
    lay_out(here, {"src/tool/__init__.py": ""})
    monkeypatch.setenv("PYTHONPATH", str(installed))
    code, data = ask(cli, "tool")
    assert code == 0
    assert data["spec"]["origin"] == str(installed / "tool" / "__init__.py")
    (trap,) = [t for t in data["traps"] if t["kind"] == "local-copy-unused"]
    assert str(here / "src" / "tool") in trap["message"] and "PYTHONPATH" in trap["message"]


@pytest.mark.slow  # waits out the probe's timeout
def test_a_parent_that_hangs_is_stopped_with_everything_it_started(here: Path):
    from importdrill.app import why as whycase
    from importdrill.core import runner, supervisor

    lay_out(
        here,
        {
            "slow/__init__.py": """\
                import subprocess, time
                child = subprocess.Popen(["sleep", "60"])
                open("child.pid", "w").write(str(child.pid))
                time.sleep(60)
            """,
            "slow/sub.py": "",
        },
    )
    with pytest.raises(why.WhyProbeError, match="did not finish within 2 s"):
        whycase.explain_import(
            "slow.sub", python=sys.executable, allow=True, limits=runner.Limits(timeout_s=2)
        )
    pid = int((here / "child.pid").read_text())
    fields = supervisor.stat_fields(pid)
    assert fields is None or fields[0] == b"Z"  # gone, or killed and not yet reaped
