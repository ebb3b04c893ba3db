"""End to end in a real pseudo-terminal: the inline prediction editor, watch mode, colour."""

from __future__ import annotations

import queue
import sys
import threading
import time
from pathlib import Path

import pexpect
import pytest

from .helpers import SOLUTION, mini_pack_env, saved_state, spawn, wait_for_cursor_query


def skip_confidence(child: pexpect.spawn) -> None:
    """The optional "how sure?" question after a prediction: Enter skips it."""
    child.expect("How sure are you")
    child.send("\r")


def saved_until_seen(child: pexpect.spawn, save, text: str, seconds: float = 30) -> None:
    """Save, and save again, until text shows: the watcher may start a moment after the
    screen it draws, and a save made before that is not seen. Bounded by a deadline (generous,
    for a loaded machine) rather than a fixed sleep."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        save()
        if child.expect([text, pexpect.TIMEOUT], timeout=1) == 0:
            return
    raise AssertionError(f"{text!r} never showed after saving")


def state(home: Path) -> dict:
    return saved_state(home)


def test_multiline_prediction_at_the_inline_prompt_passes(home: Path):
    child = spawn(home, "start", "mini-predict")
    child.expect("What does it print")
    wait_for_cursor_query(child)
    child.expect("Ctrl-D on an empty line: submit")  # the bottom toolbar says how to submit
    child.send("True\r")
    child.send("done")
    child.send("\x1b\r")  # Esc then Enter submits
    skip_confidence(child)
    child.expect("pass")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    entry = state(home)["problems"]["mini-predict"]
    assert entry["status"] == "solved"
    assert entry["predictions"] == ["True\ndone"]


def test_wrong_prediction_shows_a_diff_and_is_remembered(home: Path):
    child = spawn(home, "check", "mini-predict")
    child.expect("It prints 2 lines")  # told up front
    wait_for_cursor_query(child)
    child.send("False\r")
    child.send("done\x1b\r")
    skip_confidence(child)
    child.expect("wrong prediction")
    child.expect("✗.*False")
    child.expect("✓.*done")
    child.expect(pexpect.EOF)
    child.close()
    # The real output's first line is never shown on a miss (only typed by the learner).
    shown = child.logfile_read.getvalue().split("wrong prediction", 1)[1]
    assert "True" not in shown
    assert child.exitstatus == 1
    # The earlier prediction is in the editor's history: Up brings it back.
    child = spawn(home, "check", "mini-predict")
    wait_for_cursor_query(child)
    child.send("\x1b[A")  # Up
    child.send("\x1b\r")
    skip_confidence(child)
    child.expect("wrong prediction")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert state(home)["problems"]["mini-predict"]["attempts"] == 2


def test_ctrl_c_at_the_prompt_exits_130_and_records_nothing(home: Path):
    child = spawn(home, "check", "mini-predict")
    wait_for_cursor_query(child)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert (
        "mini-predict" not in state(home).get("problems", {})
        if (home / "progress.db").exists()
        else True
    )


def test_watch_picks_up_a_rename_save_and_records_the_pass(home: Path):
    start = spawn(home, "start", "mini-implement", "--no-edit")
    start.expect(pexpect.EOF)
    start.close()
    target = home / "workspace" / "mini-implement" / "main.py"
    assert target.exists()
    child = spawn(home, "watch")
    child.expect("error")  # the starter is checked at once and fails
    child.expect("q quit")

    def rename_save() -> None:
        # Save as many editors do: write a new file, then rename it over the old one.
        tmp = target.with_name(".main.py.swp")
        tmp.write_text(SOLUTION, encoding="utf-8")
        tmp.replace(target)

    saved_until_seen(child, rename_save, "pass")
    child.expect("n next")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert state(home)["problems"]["mini-implement"]["status"] == "solved"


def test_watch_keys_hint_and_next(home: Path):
    spawn(home, "start", "mini-implement", "--no-edit").expect(pexpect.EOF)
    target = home / "workspace" / "mini-implement" / "main.py"
    target.write_text(SOLUTION, encoding="utf-8")
    child = spawn(home, "watch")
    child.expect("pass")
    child.send("h")
    child.expect("hint 1 of 3")
    child.send("n")
    child.expect("Relative import under|relative import under -m|mini-module")
    child.expect("your prediction")  # predict problems are watched through a prediction file
    prediction = home / "workspace" / "mini-module" / "prediction.txt"
    saved_until_seen(
        child,
        lambda: prediction.write_text("app init\n__main__ app util\n", encoding="utf-8"),
        "pass",
    )
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    problems = state(home)["problems"]
    assert problems["mini-implement"]["hints_revealed"] == 1
    assert problems["mini-module"]["status"] == "solved"


def test_watch_without_a_terminal_prints_plain_lines(home: Path, tmp_path: Path):
    import subprocess

    spawn(home, "start", "mini-implement", "--no-edit").expect(pexpect.EOF)
    env = mini_pack_env(home)
    del env["NO_COLOR"]  # even without it, a pipe gets no colour
    lines: queue.Queue[str] = queue.Queue()
    seen: list[str] = []
    with subprocess.Popen(
        [sys.executable, "-m", "importdrill", "watch"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as proc:
        assert proc.stdout is not None and proc.stdin is not None
        stdout = proc.stdout

        def read() -> None:
            for line in stdout:
                lines.put(line)

        threading.Thread(target=read, daemon=True).start()

        def wait_for(text: str, seconds: float) -> bool:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                try:
                    seen.append(lines.get(timeout=0.1))
                except queue.Empty:
                    continue
                if text in seen[-1]:
                    return True
            return False

        assert wait_for("q quit", 30)  # the first check is done and shown
        target = home / "workspace" / "mini-implement" / "main.py"
        # The watcher may start a moment after the screen: save until the pass shows.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            target.write_text(SOLUTION, encoding="utf-8")
            if wait_for("✓ pass", 1.0):
                break
        proc.stdin.write("q\n")
        proc.stdin.close()
        assert proc.wait(timeout=30) == 0
        while wait_for("\x00never", 0.2):
            pass
    out = "".join(seen)
    assert "\x1b[" not in out  # no colour and no cursor movement in a pipe
    assert "✗ error" in out and "✓ pass" in out
    assert out.count("A tiny implement problem") == 1  # the prompt is printed once, not per save


@pytest.mark.parametrize("no_color", [True, False])
def test_no_color(home: Path, no_color: bool):
    child = spawn(home, "list", color=not no_color)
    child.expect(pexpect.EOF)
    output = child.before
    child.close()
    assert child.exitstatus == 0
    assert "mini-predict" in output
    has_colour = "\x1b[3" in output or "\x1b[9" in output or "\x1b[1;3" in output
    assert has_colour is (not no_color)


def test_start_implement_waits_for_enter_before_the_editor(home: Path, tmp_path: Path):
    editor = tmp_path / "fake-editor"
    editor.write_text(
        f"#!{sys.executable}\nimport sys\nopen(sys.argv[-1], 'a').write('# edited\\n')\n"
    )
    editor.chmod(0o755)
    child = spawn(home, "start", "mini-implement", EDITOR=str(editor))
    child.expect("import a module by name")  # the problem's prompt is shown first
    wait_for_cursor_query(child)
    child.expect("not now")
    target = home / "workspace" / "mini-implement" / "main.py"
    assert not target.read_text().endswith("# edited\n")
    child.send("\r")
    child.expect("When it is ready")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert target.read_text().endswith("# edited\n")


def test_a_prediction_of_the_wrong_length_is_confirmed_first(home: Path):
    child = spawn(home, "check", "mini-predict")
    wait_for_cursor_query(child)
    child.send("True\x1b\r")  # one line, where the program prints two
    child.expect("You wrote 1 line; the program prints 2. Submit anyway")
    child.send("n")
    # Back in the editor with the text kept: add the missing line and submit.
    wait_for_cursor_query(child)
    child.send("\rdone\x1b\r")
    skip_confidence(child)
    child.expect("pass")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert state(home)["problems"]["mini-predict"]["attempts"] == 1


def test_reveal_asks_first_in_a_terminal(home: Path):
    child = spawn(home, "reveal", "mini-predict")
    child.expect("Show the answer")
    child.send("n")
    child.expect("Nothing was revealed")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    child = spawn(home, "reveal", "mini-predict")
    child.expect("Show the answer")
    child.send("y")
    child.expect("real output")
    child.expect("stores the module")  # the explanation
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert state(home)["problems"]["mini-predict"]["status"] == "revealed"


def test_watch_reveals_on_a_second_v_and_explains(home: Path):
    start = spawn(home, "start", "mini-module")
    wait_for_cursor_query(start)
    start.sendintr()  # leave the inline prompt: mini-module is current, nothing predicted
    start.expect(pexpect.EOF)
    child = spawn(home, "watch")
    child.expect("v reveal")
    child.send("v")
    child.expect("Press v again")
    child.send("v")
    child.expect("real output")
    child.expect("app init")
    child.send("e")
    child.expect("why")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert state(home)["problems"]["mini-module"]["status"] == "revealed"
