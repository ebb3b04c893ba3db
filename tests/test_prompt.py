"""The prompts under SIGTERM and SIGHUP: wherever prompt-toolkit is when one arrives (in a
background task of its own, say), the prompt ends as Terminated, with nothing printed."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import AsyncGenerator, Iterator
from typing import Any

import pytest
from prompt_toolkit import PromptSession
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from importdrill import prompt
from importdrill.core.errors import Terminated

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals")


class SlowHistory(InMemoryHistory):
    """A history that takes 0.3 s to load, in prompt-toolkit's own task (a file on a slow
    disk, say): a signal that comes meanwhile is handled in the middle of that task."""

    async def load(self) -> AsyncGenerator[str, None]:
        time.sleep(0.3)  # blocking, on purpose: the handler runs in here
        async for item in super().load():
            yield item


@contextlib.contextmanager
def session() -> Iterator[tuple[PromptSession[str], Any]]:
    """A prompt on a pipe, with a history to load."""
    history = SlowHistory()
    for entry in ("one", "two"):
        history.append_string(entry)
    with create_pipe_input() as keys:
        yield PromptSession(input=keys, output=DummyOutput(), history=history), keys


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
@pytest.mark.parametrize("at", [0.0, 0.1, 0.5])
def test_a_signal_while_the_prompt_runs_ends_it(signum: int, at: float):
    before = signal.getsignal(signum)
    with (
        session() as (asking, keys),
        pytest.raises(Terminated) as raised,
        prompt._ended_by_signals() as started,
    ):
        # From another thread, as a signal comes from outside: Python runs the handler
        # in the main thread, wherever the prompt is (at 0 s as it starts up, at 0.1 s
        # while it loads its history, at 0.5 s while it waits for a key).
        threading.Timer(at, os.kill, (os.getpid(), signum)).start()
        # Were the signal lost, or taken for an error (prompt-toolkit then waits for
        # Enter), this answers, and the test fails instead of hanging.
        unblock = threading.Timer(10, keys.send_text, ("\r\r",))
        unblock.start()
        try:
            asking.prompt(">>> ", pre_run=started)
        finally:
            unblock.cancel()
    assert raised.value.signum == signum
    assert signal.getsignal(signum) is before  # importdrill's own handler is back


def test_a_signal_before_the_prompt_runs_ends_it_at_once():
    with (
        session() as (asking, keys),
        pytest.raises(Terminated),
        prompt._ended_by_signals() as started,
    ):
        os.kill(os.getpid(), signal.SIGTERM)
        keys.send_text("never read\r")
        asking.prompt(">>> ", pre_run=started)


def test_a_signal_after_the_prompt_has_answered_is_not_lost():
    with (
        session() as (asking, keys),
        pytest.raises(Terminated),
        prompt._ended_by_signals() as started,
    ):
        keys.send_text("an answer\r")
        assert asking.prompt(">>> ", pre_run=started) == "an answer"
        os.kill(os.getpid(), signal.SIGHUP)


def test_an_answer_with_no_signal_is_the_answer():
    with session() as (asking, keys):
        keys.send_text("an answer\r")
        assert prompt._prompt(asking, ">>> ") == "an answer"
