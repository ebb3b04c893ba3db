from __future__ import annotations

from importdrill.core import judge
from importdrill.core.runner import RunResult


def run(stdout: str = "", stderr: str = "", returncode: int | None = 0, **kw) -> RunResult:
    return RunResult(stdout=stdout, stderr=stderr, returncode=returncode, duration_s=0.1, **kw)


def test_normalise_line_endings_and_trailing_space():
    assert judge.normalise("a  \r\nb\rc\t\n\n\n") == "a\nb\nc"


def test_pass_ignores_trailing_whitespace():
    v = judge.judge("True\nFalse\n", run("True   \nFalse\r\n\n"))
    assert v.passed and v.verdict == "pass" and v.diff == ""


def test_wrong_output_has_a_diff():
    v = judge.judge("True\nFalse\n", run("True\nTrue\n"))
    assert v.verdict == "wrong-output"
    assert "-False" in v.diff and "+True" in v.diff
    assert not v.whitespace_only


def test_whitespace_only_difference_is_called_out():
    v = judge.judge("a b\n", run("a  b\n"))
    assert v.verdict == "wrong-output"
    assert v.whitespace_only
    assert "whitespace" in v.detail


def test_right_output_but_non_zero_exit_is_an_error():
    v = judge.judge("ok\n", run("ok\n", returncode=1))
    assert v.verdict == "error"
    assert "status 1" in v.detail and "never a pass" in v.detail


def test_signal_named():
    v = judge.judge("ok\n", run("", returncode=-11))
    assert v.verdict == "error" and "SIGSEGV" in v.detail


def test_limits_take_precedence():
    assert judge.judge("x", run("x", returncode=None, timed_out=True)).verdict == "timeout"
    assert (
        judge.judge(
            "x", run("x", returncode=None, output_limit="stdout", output_cap=1 << 20)
        ).verdict
        == "output-limit"
    )
    assert (
        judge.judge("x", run("", "MemoryError\n", returncode=1, memory_limit=True)).verdict
        == "memory-limit"
    )


def test_output_limit_says_what_was_kept():
    v = judge.judge(
        "x", run("x" * 10, returncode=None, output_limit="stderr", output_cap=256 << 10)
    )
    assert v.verdict == "output-limit"
    assert "more than 256 KiB to stderr" in v.detail and "first 256 KiB are kept" in v.detail
