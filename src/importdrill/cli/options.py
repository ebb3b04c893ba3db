"""What the commands share in parsing: the arguments and options, slug completion, the limits
a learner may ask for, reading a prediction, and asking in a terminal."""

# no `from __future__ import annotations` here: Typer would eval every annotation string at start-up

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from importdrill.core.errors import DrillError, UsageError

if TYPE_CHECKING:
    from importdrill.core.runner import Limits

# The option defaults; runner.Limits has the same (a test keeps them in step). Not imported
# from runner, which would put subprocess and friends on every command's start-up path.
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MEMORY_MIB = 1024


def complete_slug(incomplete: str) -> list[str]:
    from importdrill.core.catalog import load_catalog

    try:
        return [p.slug for p in load_catalog(strict=False) if p.slug.startswith(incomplete)]
    except DrillError:
        return []


SlugArg = Annotated[
    str | None,
    typer.Argument(
        help="The problem (default: the current one).",
        metavar="SLUG",
        autocompletion=complete_slug,
        show_default=False,
    ),
]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Don't ask.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
TimeoutOpt = Annotated[
    float,
    typer.Option("--timeout", metavar="SECONDS", help="Stop the program after this long."),
]
MemoryOpt = Annotated[
    int,
    typer.Option("--memory", metavar="MIB", help="Memory the program may use (0: no limit)."),
]
PythonOpt = Annotated[
    str | None,
    typer.Option(
        "--python", metavar="PATH", help="Interpreter to run it with (default: this one)."
    ),
]


def interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def confirmed(question: str, refusal: str) -> bool:
    """Ask question in a terminal; outside one, refuse with a usage error (use --yes)."""
    if not interactive():
        raise UsageError(refusal)
    from importdrill import prompt

    try:
        return prompt.confirm(question)
    except EOFError:
        return False


# Whether standard input was closed at start (it reads as empty, /dev/null, since).
stdin_closed = False


def stdin_closed_at_start() -> None:
    """A standard input closed at start (Python makes it None) is given /dev/null, so that
    nothing fails on it; a prediction from it is refused (see read_prediction)."""
    global stdin_closed  # noqa: PLW0603 - once, at start
    if sys.stdin is None:
        stdin_closed = True
        with contextlib.suppress(OSError):
            sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - for the process


def read_prediction(source: str) -> str:
    from importdrill.app.drill import PREDICTION_CAP_BYTES

    # One byte past the cap tells that it is too long, without reading /dev/zero or a 30 MB
    # file to the end.
    read_bytes = PREDICTION_CAP_BYTES + 1
    name = "standard input" if source == "-" else source
    if source == "-" and (sys.stdin is None or stdin_closed):
        raise UsageError("--predict-file -: standard input is closed (nothing was recorded)")
    try:
        if source == "-":
            data = sys.stdin.buffer.read(read_bytes)
        else:
            with Path(source).open("rb") as handle:
                data = handle.read(read_bytes)
        if len(data) >= read_bytes:
            raise UsageError(
                f"--predict-file {name}: longer than {PREDICTION_CAP_BYTES >> 20} MiB; no "
                "problem's program prints that "
                "much (nothing was recorded)"
            )
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--predict-file {name}: cannot read it ({exc})") from None


# Bounds of the limits a learner may ask for: below MIN_MEMORY_MIB an interpreter cannot even
# start (its failure would look like the learner's error), and past the maxima a value is a
# typo, not a wish.
MIN_MEMORY_MIB = 32
MAX_MEMORY_MIB = 1 << 20
MAX_TIMEOUT_S = 86_400.0


def limits_from(timeout: float, memory: int) -> "Limits":
    import math

    from importdrill.core import runner

    if not math.isfinite(timeout) or timeout <= 0:
        raise UsageError(f"--timeout {timeout}: must be a number of seconds more than 0")
    if timeout > MAX_TIMEOUT_S:
        raise UsageError(f"--timeout {timeout}: at most {MAX_TIMEOUT_S:.0f} seconds (a day)")
    if memory < 0 or 0 < memory < MIN_MEMORY_MIB or memory > MAX_MEMORY_MIB:
        raise UsageError(
            f"--memory {memory}: must be 0 (no limit) or a number of MiB from "
            f"{MIN_MEMORY_MIB} to {MAX_MEMORY_MIB}"
        )
    return runner.Limits(timeout_s=timeout, memory_bytes=memory << 20)
