"""The consoles every view prints to (stdout and stderr, guarded against control characters
and a closed pipe), and the one-line messages: error, notice, info."""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderableType, RenderHook
from rich.text import Text

if TYPE_CHECKING:
    from rich.segment import Segment


# Below this width, two texts are shown one above the other rather than side by side.
SIDE_BY_SIDE_MIN_WIDTH = 100

_out: Console | None = None
_err: Console | None = None

# Every control character but newline and tab: ESC starts the sequences that set a window's
# title, write the clipboard (OSC 52), clear the screen or switch to the alternate screen.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ␛ for ESC, ␇ for BEL
    return "␡" if code == 0x7F else "\ufffd"


def visible(text: str) -> str:
    """text with each control character shown as a visible placeholder, never sent."""
    return _CONTROL.sub(_picture, text)


def _pictures_not_deletions() -> None:
    """Rich deletes BEL, BS, VT, FF and CR from every Text it makes (they would move the
    cursor), before any view or render hook could see them: a program's `\r` or `\a`
    vanished and panel borders went out of line. Its table of what to delete becomes a
    table of what to show instead, the same pictures `visible` uses, so that every Text,
    in every view, shows them."""
    from rich import control

    table: Any = getattr(control, "_CONTROL_STRIP_TRANSLATE", None)
    if isinstance(table, dict):
        for code in list(table):
            table[code] = chr(0x2400 + code)


_pictures_not_deletions()


class _Shown:
    """A renderable whose text segments have their control characters made visible."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        from rich.segment import Segment

        for segment in console.render(self.renderable, options):
            if segment.control is None and _CONTROL.search(segment.text):
                yield Segment(visible(segment.text), segment.style)
            else:
                yield segment


class _ShowControls(RenderHook):
    """The last guard of the terminal: whatever text a program or a pack sends through a
    view, its escape sequences arrive as placeholders. (The views also clean their texts
    before laying them out, so that the placeholders' width is counted.)"""

    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_Shown(renderable) for renderable in renderables]


def _guarded(console: Console) -> Console:
    console.push_render_hook(_ShowControls())
    return console


class QuietPipe:
    """stdout that stops writing, rather than failing, once its reader has gone.

    `importdrill check | head -1` closes the pipe after one line; the check itself is over by
    then, and its exit status must still say whether it passed, not that printing failed.
    """

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._gone = False

    def write(self, text: str) -> int:
        if not self._gone:
            try:
                self._stream.write(text)
            except BrokenPipeError:
                self._reader_gone()
            except UnicodeEncodeError as exc:
                from importdrill.views import streams

                raise streams.encode_failure("output", exc) from None
            except (OSError, ValueError) as exc:
                from importdrill.views import streams

                raise streams.write_failure("output", exc) from None
        return len(text)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._reader_gone()

    def _reader_gone(self) -> None:
        self._gone = True
        # Whatever Python flushes at exit goes nowhere instead of failing again.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def out() -> Console:
    """The console for results (stdout). Rich honours NO_COLOR and a non-terminal by itself."""
    global _out  # noqa: PLW0603 - one console per process, made on first use
    if _out is None:
        _out = _guarded(Console(highlight=False, emoji=False, file=QuietPipe(sys.stdout)))  # type: ignore[arg-type]
    return _out


def err() -> Console:
    """The console for errors and notices (stderr)."""
    global _err  # noqa: PLW0603
    if _err is None:
        _err = _guarded(Console(stderr=True, highlight=False, emoji=False))
    return _err


@contextlib.contextmanager
def using(stdout: Console | None = None, stderr: Console | None = None) -> Iterator[None]:
    """Print to these consoles inside the block (None: a fresh one, made on first use, as a
    process starts with); the consoles before are back after it. Tests and the screenshots
    inject theirs here."""
    global _out, _err  # noqa: PLW0603 - the process's consoles, swapped for the block
    before = _out, _err
    _out = None if stdout is None else _guarded(stdout)
    _err = None if stderr is None else _guarded(stderr)
    try:
        yield
    finally:
        _out, _err = before


def markdown(text: str) -> RenderableType:
    from importdrill import prose

    return prose.render(text)


def _title(text: str | None) -> Text | None:
    """A panel's title as Text: Rich reads a str title as markup, so a file named `[x].py`
    would lose its brackets, and markup loads Rich's emoji table (1.5 ms) for `:name:`."""
    return None if text is None else Text(text)


CONTINUED = "↪"


class _Continued:
    """Code with its line numbers, where a line too long for the panel goes on below a
    continuation mark (in the number column) rather than looking like a line of its own."""

    def __init__(self, syntax: Any, digits: int) -> None:
        self.syntax = syntax
        # Rich pads a wrapped line's number column with this many spaces.
        self._pad = digits + 3

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        from rich.segment import Segment
        from rich.style import Style

        at_start = True
        for segment in console.render(self.syntax, options):
            if (
                at_start
                and segment.control is None
                and len(segment.text) == self._pad
                and not segment.text.strip()
            ):
                mark = CONTINUED.rjust(self._pad - 2) + "  "
                yield Segment(mark, Style.chain(segment.style or Style.null(), Style(dim=True)))
            else:
                yield segment
            at_start = segment.text.endswith("\n")


def code_view(code: str, *, title: str | None = None, lexer: str = "python") -> RenderableType:
    from rich.panel import Panel
    from rich.syntax import Syntax

    code = code.rstrip("\n")
    syntax = Syntax(code, lexer, line_numbers=True, word_wrap=True)
    digits = len(str(1 + code.count("\n")))
    return Panel(
        _Continued(syntax, digits), title=_title(title), title_align="left", border_style="dim"
    )


# --- messages -----------------------------------------------------------------------------


def say(console: Console, text: Text) -> None:
    """A message, wrapped at words on a terminal (a word longer than the line, a path, stays
    whole rather than folded); one line each in a pipe or a file, to be grepped."""
    if console.is_terminal:
        text.overflow = "ignore"
        console.print(text)
    else:
        console.print(text, soft_wrap=True)


def error(message: str) -> None:
    try:
        say(err(), Text.assemble(("error: ", "bold red"), message))
    except (OSError, ValueError, AttributeError):  # UnicodeEncodeError is a ValueError
        from importdrill.views import streams

        streams.last_word(visible(message))


def notice(message: str) -> None:
    try:
        say(err(), Text.assemble(("note: ", "bold yellow"), message))
    except (OSError, ValueError, AttributeError):
        from importdrill.views import streams

        streams.last_word("note: " + visible(message))


def info(message: str) -> None:
    say(out(), Text(message))


def plain(text: str) -> None:
    """Text exactly as given (paths, JSON): no wrapping, no markup, no colour."""
    out().print(text, markup=False, highlight=False, soft_wrap=True)


def raw(text: str) -> None:
    """Text written as it is, not through Rich: a JSON document carries a program's output
    as the program wrote it (json.dumps has escaped the control characters that matter)."""
    stream = out().file
    stream.write(text + "\n")
    stream.flush()


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")
