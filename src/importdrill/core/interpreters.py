"""The interpreters a problem can run under: asking one for its version (a missing or broken
one is an error naming it), and finding every `python3.N` on PATH."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from importdrill.core.errors import InterpreterError


@dataclass(frozen=True)
class Interpreter:
    """A Python to verify under, with its version."""

    command: str
    version: tuple[int, int]
    full_version: str = ""  # sys.version, for the record: builds of one 3.N differ

    @property
    def label(self) -> str:
        return f"{self.command} ({self.version[0]}.{self.version[1]})"


# A Python answers its version in a few hundredths of a second; one that takes longer than
# this is hung or is not a Python, and waiting longer helps nobody.
PROBE_TIMEOUT_S = 10.0
_PROBE_ANSWER = re.compile(r"importdrill-probe (\d+) (\d+) ?(.*)")
_PROBE = (
    "import sys; print('importdrill-probe %d %d' % sys.version_info[:2],"
    " ' '.join(sys.version.split()))"
)


def interpreter(command: str) -> Interpreter:
    """Ask an interpreter its version; a missing or broken one is a usage error naming it."""
    from importdrill.core import runner

    # Supervised like any run (a fork supervisor, its deadline, its limits): a fake interpreter
    # that backgrounds a process, or leaves with setsid, leaves nothing behind.
    probe = runner.Program(code=_PROBE + "\n")
    done = runner.run(probe, python=command, limits=runner.Limits(timeout_s=PROBE_TIMEOUT_S))
    if done.timed_out:
        raise InterpreterError(
            command, f"it did not answer its version within {PROBE_TIMEOUT_S:.0f} s"
        )
    if done.returncode is None and not done.output_limit:
        reason = done.stderr.removeprefix(f"could not start {command}: ")
        raise InterpreterError(command, f"cannot run it ({reason})")
    # The whole answer must be the probe's line: /bin/echo, say, prints its arguments back.
    answer = _PROBE_ANSWER.fullmatch(done.stdout.strip())
    if done.returncode != 0 or answer is None:
        raise InterpreterError(command, "it did not answer like a Python interpreter")
    major, minor = int(answer.group(1)), int(answer.group(2))
    if (major, minor) < (3, 9):
        raise InterpreterError(command, f"Python {major}.{minor} is older than 3.9")
    return Interpreter(command, (major, minor), answer.group(3))


SUPPORTED_MINORS = range(9, 20)


def found() -> list[Interpreter]:
    """This interpreter and every `python3.N` on PATH, one per version, oldest first."""
    return search()[0]


def search() -> tuple[list[Interpreter], list[tuple[str, str]]]:
    """found(), and the interpreters on PATH passed over, each with why."""
    import shutil
    import sys

    by_version: dict[tuple[int, int], Interpreter] = {}
    skipped: list[tuple[str, str]] = []
    for command in [sys.executable, *(f"python3.{minor}" for minor in SUPPORTED_MINORS)]:
        path = shutil.which(command)
        if path is None:
            continue
        try:
            python = interpreter(path)
        except InterpreterError as exc:
            # A pyenv shim of a version that is not active, say.
            skipped.append((path, str(exc).split(": ", 1)[-1]))
            continue
        if python.version in by_version:
            same = by_version[python.version].command
            if os.path.realpath(same) != os.path.realpath(path):
                skipped.append((path, f"the same version as {same}"))
            continue
        by_version[python.version] = python
    return [by_version[v] for v in sorted(by_version)], skipped
