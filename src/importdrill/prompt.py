"""Every prompt-toolkit interaction: the inline prediction editor and yes/no questions."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any

# The key bar, longest first: the first that fits the terminal's width is shown, so it is
# never cut mid-word ("↑↓: earl").
TOOLBARS = (
    " Enter: new line · Esc Enter, Alt+Enter or Ctrl-D on an empty line: submit"
    " · ↑↓: earlier predictions · Ctrl-C: cancel ",
    " Enter: new line · Esc Enter or Ctrl-D on an empty line: submit · ↑↓: history"
    " · Ctrl-C: cancel ",
    " Esc Enter or Ctrl-D on an empty line: submit · ↑↓: history · Ctrl-C: cancel ",
    " Esc Enter / Ctrl-D on empty line: submit · Ctrl-C: cancel ",
    " Esc Enter: submit · Ctrl-C: cancel ",
    " Esc Enter: submit ",
)
TOOLBAR = TOOLBARS[0]


def fitting(choices: Sequence[str], width: int) -> str:
    """The first (longest) of choices that fits width columns; the last one else."""
    from prompt_toolkit.utils import get_cwidth

    for choice in choices:
        if get_cwidth(choice) < width:  # the last column left free: no wrap, no scroll
            return choice
    return choices[-1]


SKIP = " · Ctrl-S: skip "


class Skipped(Exception):
    """The learner skipped the question (Ctrl-S, in a review or mix session)."""


def _toolbar(skippable: bool = False) -> Any:
    def shown() -> str:
        from prompt_toolkit.application import get_app

        choices: tuple[str, ...] = TOOLBARS
        if skippable:
            choices = tuple(t.rstrip() + SKIP for t in TOOLBARS)
        return fitting(choices, get_app().output.get_size().columns)

    return shown


def _answer_keys(skippable: bool = False) -> Any:
    """Esc then Enter submits however long the pause between them (after half a second
    prompt-toolkit takes the Esc as a key of its own, and Enter would make a new line); Ctrl-D
    on an empty line submits, as it ends the input of `cat`."""
    from prompt_toolkit.filters import in_paste_mode
    from prompt_toolkit.key_binding import KeyBindings
    from prompt_toolkit.keys import Keys as Key

    keys = KeyBindings()

    @keys.add("escape")
    def _escape(event: Any) -> None:
        pass  # remembered as the previous key: the Enter after it submits

    @keys.add("enter")
    def _enter(event: Any) -> None:
        before = event.previous_key_sequence
        if before and before[-1].key == Key.Escape:
            event.current_buffer.validate_and_handle()
        else:
            event.current_buffer.newline(copy_margin=not in_paste_mode())

    @keys.add("c-d")
    def _end(event: Any) -> None:
        buffer = event.current_buffer
        if buffer.document.current_line.strip():
            buffer.delete()  # as Emacs: delete the character under the cursor
            return
        if buffer.document.is_cursor_at_the_end and buffer.text.endswith("\n"):
            buffer.text = buffer.text[:-1]  # the empty line ended the answer; not part of it
        buffer.validate_and_handle()

    if skippable:

        @keys.add("c-s", eager=True)
        def _skip(event: Any) -> None:
            event.app.exit(exception=Skipped())

    return keys


@contextlib.contextmanager
def _ended_by_signals() -> Iterator[Callable[[], None]]:
    """While a prompt runs, SIGTERM and SIGHUP end it as Terminated (and the command after it,
    as Ctrl-C does), whatever prompt-toolkit is doing when they arrive.

    importdrill's own handler (cli.entry) raises Terminated wherever Python is. At a prompt
    that can be inside one of prompt-toolkit's background tasks (loading the history), which
    reports it as an unhandled error, with a traceback, and waits for Enter on a terminal that
    may be gone. Here the signal asks the prompt to exit, through its event loop, instead. The
    context gives the prompt's pre_run callback; a signal that comes before the prompt runs
    ends it as soon as it does, and one after it has returned is raised then.
    """
    import asyncio
    import signal

    from prompt_toolkit.application.current import get_app

    from importdrill.core.errors import Terminated

    received: list[int] = []
    running: list[tuple[Any, asyncio.AbstractEventLoop]] = []

    def end() -> None:
        app = running[0][0]
        if app.is_running and not app.is_done:
            app.exit(exception=Terminated(received[0]))

    def started() -> None:  # pre_run: in the prompt's event loop, before it reads a key
        running.append((get_app(), asyncio.get_running_loop()))
        if received:
            end()

    def on_signal(signum: int, _frame: object) -> None:
        received.append(signum)
        if running and not running[0][1].is_closed():  # closed: the prompt has returned
            running[0][1].call_soon_threadsafe(end)

    numbers = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    before = {number: signal.getsignal(number) for number in numbers}
    for number in numbers:
        signal.signal(number, on_signal)
    try:
        yield started
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)
    if received:
        raise Terminated(received[0])


def _prompt(session: Any, *args: Any, **kwargs: Any) -> Any:
    """session.prompt(...), ended by SIGTERM and SIGHUP (see _ended_by_signals)."""
    with _ended_by_signals() as started:
        return session.prompt(*args, pre_run=started, **kwargs)


def ask_prediction(
    history: Sequence[str] = (), default: str = "", *, skippable: bool = False
) -> str:
    """Ask for a multi-line prediction (starting from default, to edit one the learner chose
    not to submit); raise KeyboardInterrupt when cancelled, Skipped when skippable and
    skipped."""
    from prompt_toolkit import PromptSession  # heavy, only when prompting
    from prompt_toolkit.history import InMemoryHistory

    past = InMemoryHistory()
    for entry in history:
        past.append_string(entry)
    session: PromptSession[str] = PromptSession(
        multiline=True,
        history=past,
        bottom_toolbar=_toolbar(skippable),
        key_bindings=_answer_keys(skippable),
        prompt_continuation=lambda width, _line, _wrap: "... ".rjust(width),
    )
    return str(_prompt(session, ">>> ", default=default))


def wait_for_enter(message: str) -> None:
    """Wait until Enter is pressed; raise KeyboardInterrupt or EOFError when cancelled."""
    from prompt_toolkit import PromptSession

    _prompt(PromptSession(), message)


def choose(message: str, keys: Sequence[str]) -> str:
    """One key of keys ("enter" among them, or letters), without Enter after a letter; raise
    KeyboardInterrupt on Ctrl-C, EOFError on Ctrl-D."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()

    def bind(key: str) -> None:
        @bindings.add(key)
        def _(event: Any) -> None:
            event.app.exit(result=key)

    for key in keys:
        bind(key)

    @bindings.add("<any>")
    def _ignore(event: Any) -> None:
        pass  # any other key: the question stands

    session: PromptSession[str] = PromptSession(key_bindings=bindings)
    return str(_prompt(session, message))


def confirm(question: str) -> bool:
    """A yes/no question, defaulting to no."""
    from prompt_toolkit.shortcuts import create_confirm_session

    return bool(_prompt(create_confirm_session(question)))


class Keys:
    """Single key presses from the terminal, without echo, for watch mode."""

    def __init__(self) -> None:
        from prompt_toolkit.input import create_input

        self._input = create_input()
        self._raw: Any = None

    def __enter__(self) -> Keys:
        # Raw mode also turns Ctrl-C into a key press rather than a signal: it arrives as "c-c".
        self._raw = self._input.raw_mode()
        self._raw.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._raw.__exit__(*exc)
        self._input.close()

    def fileno(self) -> int:
        return self._input.fileno()

    def read(self) -> list[str]:
        """The keys pressed since the last call: letters as themselves, Ctrl-C as "c-c"."""
        # Special keys are members of a str Enum: their value is the name ("c-c"), not str().
        return [str(getattr(press.key, "value", press.key)) for press in self._input.read_keys()]


def ask_confidence(question: str) -> int | None:
    """One key: 1, 2 or 3 (how sure), Enter to skip; raise KeyboardInterrupt when cancelled."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.key_binding import KeyBindings

    keys = KeyBindings()

    def choose(value: str) -> None:
        @keys.add(value)
        def _(event: Any) -> None:
            event.app.exit(result=value)

    for value in ("1", "2", "3"):
        choose(value)

    @keys.add("enter")
    def _skip(event: Any) -> None:
        event.app.exit(result="")

    @keys.add("<any>")
    def _ignore(event: Any) -> None:
        pass  # any other key: the question stands

    session: PromptSession[str] = PromptSession(key_bindings=keys)
    try:
        answer = _prompt(session, question)
    except EOFError:
        return None
    return int(answer) if answer in ("1", "2", "3") else None
