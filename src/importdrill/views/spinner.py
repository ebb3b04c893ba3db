"""The spinner a check shows on a terminal while its program runs longer than half a second:
the run's name and the seconds it has run. Drawn by the loop that waits for the run (see
core.runner.ticking), on stderr, and wiped before anything else is printed."""

from __future__ import annotations

from typing import IO

FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
# A check that ends sooner shows nothing: a flash of a spinner would only be noise.
SHOWN_AFTER_S = 0.5
REDRAW_EVERY_S = 0.1


class Spinner:
    def __init__(self, stream: IO[str], width: int) -> None:
        self._stream = stream
        self._width = width
        self._drawn_at = -1.0

    def __call__(self, name: str, elapsed: float) -> None:
        if elapsed < SHOWN_AFTER_S or elapsed - self._drawn_at < REDRAW_EVERY_S:
            return
        self._drawn_at = elapsed
        frame = FRAMES[int(elapsed / REDRAW_EVERY_S) % len(FRAMES)]
        line = f"{frame} running {name}  {elapsed:.1f} s"
        if len(line) >= self._width:  # one line always: \r goes back to its start
            line = line[: max(self._width - 2, 1)] + "…"
        self._stream.write(f"\r{line}\x1b[K")
        self._stream.flush()

    def close(self) -> None:
        """Wipe the spinner's line, if it was drawn."""
        if self._drawn_at >= 0:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._drawn_at = -1.0
