"""Every prompt-toolkit interaction: the inline prediction editor and yes/no questions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

TOOLBAR = (
    " Enter: new line · Esc Enter or Alt+Enter: submit · ↑↓: earlier predictions · Ctrl-C: cancel "
)


def ask_prediction(history: Sequence[str] = (), default: str = "") -> str:
    """Ask for a multi-line prediction (starting from default, to edit one the learner chose
    not to submit); raise KeyboardInterrupt or EOFError when cancelled."""
    from prompt_toolkit import PromptSession  # heavy, only when prompting
    from prompt_toolkit.history import InMemoryHistory

    past = InMemoryHistory()
    for entry in history:
        past.append_string(entry)
    session: PromptSession[str] = PromptSession(
        multiline=True,
        history=past,
        bottom_toolbar=TOOLBAR,
        prompt_continuation=lambda width, _line, _wrap: "... ".rjust(width),
    )
    return session.prompt(">>> ", default=default)


def wait_for_enter(message: str) -> None:
    """Wait until Enter is pressed; raise KeyboardInterrupt or EOFError when cancelled."""
    from prompt_toolkit import prompt

    prompt(message)


def confirm(question: str) -> bool:
    """A yes/no question, defaulting to no."""
    from prompt_toolkit.shortcuts import confirm as pt_confirm

    return bool(pt_confirm(question))


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
        answer = session.prompt(question)
    except EOFError:
        return None
    return int(answer) if answer in ("1", "2", "3") else None
