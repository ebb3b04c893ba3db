"""Issue 23, 'Nothing can hurt, round two': each case a tester reproduced, through the CLI,
with the promise as the assertion."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from importdrill import runner
from importdrill.errors import ProblemFileError

from .conftest import DATA, saved_state

VARIANTS = DATA / "variants"
SHADOW = yaml.safe_load((VARIANTS / "shadow-order.yaml").read_text(encoding="utf-8"))


def _pack(tmp_path: Path, *problems: dict, name: str = "pack") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for data in problems:
        (folder / f"{data['slug']}.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return folder


# --- 1. nothing reaches your data -----------------------------------------------------------


def _renaming(target: str) -> dict:
    """shadow-order with a variant whose replace renames a support file's path to target."""
    return {
        **SHADOW,
        "slug": "renames-a-path",
        "variants": [{"name": "away", "replace": {"second/tool.py": target}}],
    }


@pytest.mark.parametrize("how", ["absolute", "dotdot", "deep-dotdot"])
def test_a_variant_renaming_a_path_out_of_the_run_folder_never_reaches_progress(
    cli, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
):
    monkeypatch.setenv("IMPORTDRILL_PATH", str(DATA / "pack"))
    monkeypatch.setenv("IMPORTDRILL_NO_BUILTINS", "1")
    # Some progress first, so that there is a progress.db to lose.
    assert cli("check", "mini-predict", "--predict-file", "-", input="True\ndone\n").exit_code == 0
    db = home / "progress.db"
    assert db.is_file()
    target = {
        "absolute": str(db),
        "dotdot": "../../progress.db",
        "deep-dotdot": "second/" + "../" * 12 + str(db).lstrip("/"),
    }[how]
    pack = _pack(tmp_path, _renaming(target))
    monkeypatch.setenv("IMPORTDRILL_PATH", f"{DATA / 'pack'}:{pack}")
    for args in (["verify", "renames-a-path"], ["review"], ["list"], ["check", "renames-a-path"]):
        cli(*args, input="first\n")
    verified = cli("verify")
    assert verified.exit_code != 0
    assert "renames-a-path" in verified.stdout + verified.stderr
    assert "once replaced" in verified.stdout + verified.stderr
    assert b"WHERE = " not in db.read_bytes()  # never written by a variant
    status = cli("status")
    assert status.exit_code == 0 and "1" in status.stdout
    assert saved_state(home)["problems"]["mini-predict"]["solved_at"]


def test_a_run_never_lays_a_file_outside_its_folder(tmp_path: Path):
    victim = tmp_path / "victim.txt"
    victim.write_text("mine", encoding="utf-8")
    for rel in (str(victim), "../../victim.txt", "a/../../x.py"):
        program = runner.Program(code="print(1)", files={rel: "overwritten"})
        with pytest.raises(ProblemFileError):
            runner.run(program)
    assert victim.read_text(encoding="utf-8") == "mine"
