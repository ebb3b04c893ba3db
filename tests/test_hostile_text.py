"""Text from a program or a pack never drives the terminal, and input of any size is bounded.

The escape sequences used are the ones that did harm: a window title (OSC 0), the clipboard
(OSC 52), a cleared screen, the alternate screen and a hidden cursor.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from .helpers import mini_pack_env, snapshot

# Sequences that must never reach the terminal from a program or a pack.
HARMFUL = ["\x1b]0;", "\x1b]52;", "\x1b[2J", "\x1b[?1049h", "\x1b[?25l", "\x07"]
PRINTED = "\\x1b]0;pwned\\x07\\x1b]52;c;cHduZWQ=\\x07\\x1b[2J\\x1b[?1049h\\x1b[?25l"

HOSTILE_YAML = f"""\
slug: hostile-text
title: "Escapes \\e]0;pwned\\a in a title \\e[?1049h"
difficulty: easy
order: 1
kind: predict
tags: [sys.modules]
prompt: "What does it print? \\e[2J\\e]52;c;cHduZWQ=\\a"
code: |
  import sys
  print("ok {PRINTED}")
  print("err {PRINTED}", file=sys.stderr)
expected_output: |
  ok
hints:
  - "A hint \\e[?25l that hides the cursor"
  - "Another \\e]0;title\\a"
explanation: "It prints escapes \\e[?1049h."
"""


def hostile_env(tmp_path: Path) -> dict[str, str]:
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "hostile-text.yaml").write_text(HOSTILE_YAML, encoding="utf-8")
    return mini_pack_env(tmp_path / "home", IMPORTDRILL_PATH=str(pack))


def importdrill(env: dict[str, str], *args: str, stdin: str | None = None):
    return subprocess.run(
        [sys.executable, "-m", "importdrill", *args],
        env=env,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )


def assert_harmless(text: str) -> None:
    for sequence in HARMFUL:
        assert sequence not in text, (sequence, text[:2000])


def test_every_view_shows_escapes_as_placeholders(tmp_path: Path):
    env = hostile_env(tmp_path)
    prediction = tmp_path / "prediction.txt"
    prediction.write_text("mine \x1b]0;learner\x07\n", encoding="utf-8")
    seen = []
    for args in (
        ["list"],
        ["start", "hostile-text", "--no-edit"],
        ["hint"],
        ["hint"],
        ["check", "--predict-file", str(prediction)],
        ["reveal", "--yes"],
        ["explain"],
        ["run"],
        ["status"],
    ):
        done = importdrill(env, *args)
        assert "Traceback" not in done.stderr, (args, done.stderr)
        assert_harmless(done.stdout + done.stderr)
        seen.append(done.stdout + done.stderr)
    everything = "".join(seen)
    assert "␛]0;pwned␇" in everything  # the program's output, shown for what it is
    assert "Escapes ␛]0;pwned␇ in a title" in everything  # the pack's title
    assert "␛[?25l" in everything  # a hint


def test_json_carries_the_text_as_it_was(tmp_path: Path):
    env = hostile_env(tmp_path)
    assert importdrill(env, "reveal", "hostile-text", "--yes").returncode == 0
    done = importdrill(env, "check", "hostile-text", "--predict-file", "-", "--json", stdin="x\n")
    document = json.loads(done.stdout)
    assert "\x1b]0;pwned\x07" in document["output"]
    assert "\x1b]52;" in document["stderr"]
    listing = json.loads(importdrill(env, "list", "--json").stdout)
    assert "\x1b]0;pwned\x07" in listing["problems"][0]["title"]


def test_a_real_terminal_keeps_its_modes(tmp_path: Path):
    """With colours on, in a pseudo-terminal: Rich's own styling, and nothing of the pack's."""
    env = hostile_env(tmp_path)
    env.pop("NO_COLOR", None)
    env["TERM"] = "xterm-256color"
    output = []
    for args in (["list"], ["reveal", "hostile-text", "--yes"]):
        child = pexpect.spawn(
            sys.executable, ["-m", "importdrill", *args], env=env, encoding="utf-8", timeout=60
        )
        child.expect(pexpect.EOF)
        child.close()
        output.append(child.before)
    text = "".join(output)
    assert "\x1b[" in text  # colours did reach the terminal: it is a real one
    assert_harmless(text)


# --- input of any size -----------------------------------------------------------------------


def test_a_prediction_over_the_cap_is_refused_and_nothing_recorded(tmp_path: Path, home: Path):
    env = mini_pack_env(home)
    big = tmp_path / "big.txt"
    big.write_bytes(b"x\n" * ((1 << 19) + 1))  # one line past 1 MiB
    before = sorted(p.name for p in home.rglob("*")) if home.exists() else []
    for args, stdin in (
        (["check", "mini-predict", "--predict-file", str(big)], None),
        (["check", "mini-predict", "--predict-file", "/dev/zero"], None),
        (["check", "mini-predict", "--predict-file", "-"], "y\n" * (15 << 20)),  # 30 MB
    ):
        start = time.monotonic()
        done = importdrill(env, *args, stdin=stdin)
        # Generous for a loaded machine: reading 30 MB of it used to take 20 minutes.
        assert time.monotonic() - start < 30
        assert done.returncode == 2, done.stderr
        assert "1 MiB" in done.stderr and "Traceback" not in done.stderr
    after = sorted(p.name for p in home.rglob("*")) if home.exists() else []
    assert "progress.db" not in after or before == after
    recorded = snapshot(home)
    assert recorded is None or all(
        len(p) < 10_000 for ps in recorded[0].problems.values() for p in ps.predictions
    )


def test_a_prediction_at_the_cap_is_judged(tmp_path: Path, home: Path):
    env = mini_pack_env(home)
    exact = tmp_path / "exact.txt"
    exact.write_bytes(b"x\n" * (1 << 19))  # exactly 1 MiB
    done = importdrill(env, "check", "mini-predict", "--predict-file", str(exact))
    assert done.returncode == 1, done.stderr
    assert "more lines of yours not shown" in done.stdout
    assert len(done.stdout) < 100_000


@pytest.mark.slow
def test_a_huge_output_renders_in_bounded_time(tmp_path: Path, home: Path):
    """200,000 short lines (under the 1 MiB cap) used to take 92 s of CPU to render."""
    env = mini_pack_env(home)
    assert importdrill(env, "start", "mini-implement", "--no-edit").returncode == 0
    learner = home / "workspace" / "mini-implement" / "main.py"
    learner.write_text("for i in range(200_000):\n    print(i % 10)\n", encoding="utf-8")
    start = time.monotonic()
    done = importdrill(env, "check", "--timeout", "60")
    elapsed = time.monotonic() - start
    assert done.returncode == 1
    assert "not shown" in done.stdout
    assert len(done.stdout) < 200_000
    assert elapsed < 30, elapsed  # generous on a loaded machine; it was minutes
    wide = dict(env, COLUMNS="200")
    start = time.monotonic()
    done = importdrill(wide, "check", "--timeout", "60")
    assert done.returncode == 1 and "not shown" in done.stdout
    assert time.monotonic() - start < 30


def test_a_program_cannot_find_the_learners_state_or_workspace(tmp_path: Path):
    """The child's environment leads nowhere near importdrill's data: a pack's program that
    looks for it (to forge a solved entry, say) finds nothing to write to."""
    pack = tmp_path / "pack"
    pack.mkdir()
    code = (
        "  import os\n"
        "  from pathlib import Path\n"
        "  names = [k for k in os.environ if k.startswith('IMPORTDRILL_')]\n"
        "  home = Path(os.environ['HOME'])\n"
        "  print(names, sorted(p.name for p in home.iterdir()))\n"
        "  (home / 'forged').write_text('solved')\n"
    )
    (pack / "snoop.yaml").write_text(
        "slug: snoop\ntitle: A program that snoops\ndifficulty: easy\norder: 1\n"
        "kind: predict\ntags: [sys.modules]\nprompt: |\n  What does it print?\n"
        f"code: |\n{code}expected_output: |\n  [] []\nhints: [One., Two.]\n"
        "explanation: |\n  Nothing to find.\n",
        encoding="utf-8",
    )
    home = tmp_path / "home"
    env = mini_pack_env(home, IMPORTDRILL_PATH=str(pack), HOME=str(tmp_path / "real-home"))
    prediction = tmp_path / "prediction.txt"
    prediction.write_text("[] []\n", encoding="utf-8")
    done = importdrill(env, "check", "snoop", "--predict-file", str(prediction))
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (tmp_path / "real-home").exists()
    assert not list(home.rglob("forged"))
