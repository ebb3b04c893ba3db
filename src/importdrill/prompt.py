"""Every prompt-toolkit interaction: the inline prediction editor and yes/no questions."""

from __future__ import annotations

from collections.abc import Sequence

TOOLBAR = " Enter: new line   Esc then Enter, or Alt+Enter: submit   Up/Down: earlier predictions   Ctrl-C: cancel "


def ask_prediction(history: Sequence[str] = ()) -> str:
    """Ask for a multi-line prediction; raise KeyboardInterrupt or EOFError when cancelled."""
    from prompt_toolkit import PromptSession  # noqa: PLC0415 - heavy, only when prompting
    from prompt_toolkit.history import InMemoryHistory  # noqa: PLC0415

    past = InMemoryHistory()
    for entry in history:
        past.append_string(entry)
    session: PromptSession[str] = PromptSession(
        multiline=True,
        history=past,
        bottom_toolbar=TOOLBAR,
        prompt_continuation=lambda width, _line, _wrap: "... ".rjust(width),
    )
    return session.prompt(">>> ")


def confirm(question: str) -> bool:
    """A yes/no question, defaulting to no."""
    from prompt_toolkit.shortcuts import confirm as pt_confirm  # noqa: PLC0415

    return bool(pt_confirm(question))
