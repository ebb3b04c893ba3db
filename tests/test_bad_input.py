"""Bad arguments, bad interpreters and odd surroundings: exit 2 with a message, nothing recorded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import mini_pack_env, snapshot


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["check", "mini-implement", "--timeout", "nan"], "--timeout nan"),
        (["check", "mini-implement", "--timeout", "inf"], "--timeout inf"),
        (["check", "mini-implement", "--timeout", "-1"], "--timeout -1"),
        (["check", "mini-implement", "--timeout", "1e9"], "--timeout"),
        (["check", "mini-implement", "--memory", "1"], "--memory 1"),
        (["check", "mini-implement", "--memory", "-5"], "--memory -5"),
        (["check", "mini-implement", "--memory", str(1 << 40)], "--memory"),
        (["run", "mini-implement", "--timeout", "nan"], "--timeout nan"),
        (["verify", "mini-predict", "--jobs", "0"], "--jobs 0"),
        (["verify", "mini-predict", "--timeout", "nan"], "--timeout nan"),
        (["watch", "--timeout", "nan"], "--timeout nan"),
    ],
)
def test_bad_limits_are_named_and_nothing_is_recorded(cli, mini_pack, home: Path, args, named):
    cli("start", "mini-implement", "--no-edit")
    before = sorted(p.name for p in home.rglob("*"))
    state = snapshot(home)
    result = cli(*args)
    assert result.exit_code == 2
    assert named in result.stderr and "Traceback" not in result.stderr
    assert snapshot(home) == state
    assert sorted(p.name for p in home.rglob("*")) == before


def fake_python(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-python"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return str(script)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ('echo "$@"', "did not answer like a Python"),
        ("echo 3 x", "did not answer like a Python"),
        ("echo importdrill-probe 3 x", "did not answer like a Python"),
        ("exit 3", "did not answer like a Python"),
    ],
    ids=["echo", "odd-answer", "odd-probe", "fails"],
)
def test_an_interpreter_that_is_not_python(cli, mini_pack, home, tmp_path, body, says):
    python = fake_python(tmp_path, body)
    result = cli("check", "mini-predict", "--predict-file", "-", "--python", python, input="x\n")
    assert result.exit_code == 2 and says in result.stderr and python in result.stderr
    assert not (home / "progress.db").exists()


def test_echo_as_the_interpreter(cli, mini_pack, home):
    result = cli(
        "check", "mini-predict", "--predict-file", "-", "--python", "/bin/echo", input="x\n"
    )
    assert result.exit_code == 2 and "--python /bin/echo" in result.stderr
    assert not (home / "progress.db").exists()


@pytest.mark.slow
def test_a_hung_interpreter_is_given_up_on(cli, mini_pack, tmp_path, monkeypatch):
    from importdrill import verify

    monkeypatch.setattr(verify, "PROBE_TIMEOUT_S", 1.0)
    python = fake_python(tmp_path, "sleep 30")
    result = cli("check", "mini-predict", "--predict-file", "-", "--python", python, input="x\n")
    assert result.exit_code == 2 and "did not answer its version" in result.stderr


def test_a_pass_piped_into_a_closed_reader_still_exits_0(home: Path):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written, as after `head -1`
    try:
        done = subprocess.run(
            [sys.executable, "-m", "importdrill", "check", "mini-predict", "--predict-file", "-"],
            env=mini_pack_env(home),
            input=b"True\ndone\n",
            stdout=write_end,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr and b"BrokenPipe" not in done.stderr


def test_watch_ends_when_its_input_ends(home: Path):
    env = mini_pack_env(home)
    subprocess.run(
        [sys.executable, "-m", "importdrill", "start", "mini-implement", "--no-edit"],
        env=env,
        capture_output=True,
        check=True,
    )
    done = subprocess.run(
        [sys.executable, "-m", "importdrill", "watch"],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and "Stopped watching" in done.stdout


def test_a_dangling_link_as_the_learners_file(cli, mini_pack, home: Path, tmp_path: Path):
    target = home / "workspace" / "mini-implement" / "main.py"
    target.parent.mkdir(parents=True)
    target.symlink_to(tmp_path / "gone.py")
    started = cli("start", "mini-implement", "--no-edit")
    assert started.exit_code == 0
    checked = cli("check", "mini-implement")
    assert checked.exit_code == 2
    assert "link to" in checked.stderr and "does not exist" in checked.stderr
    assert cli("reset", "mini-implement", "--yes").exit_code == 0
    assert cli("start", "mini-implement", "--no-edit").exit_code == 0
    assert target.is_file() and not target.is_symlink()
    assert json.loads(cli("check", "--json").stdout)["verdict"] == "error"
