"""How the process runs and ends: main() runs the command group; script() (the console script
and `python -m importdrill`) ends the process without tearing the interpreter down."""

# no `from __future__ import annotations` here: Typer would eval every annotation string at start-up

import atexit
import os
import signal
import sys

from importdrill.cli.group import group
from importdrill.cli.options import stdin_closed_at_start
from importdrill.core.errors import DrillError, Exit, Terminated


def _terminate(signum: int, frame: object) -> None:
    raise Terminated(signum)


def main() -> None:
    """The command line, run in this process: what the console script runs (see script())."""
    # A closed terminal (SIGHUP) or a polite kill (SIGTERM) unwinds like Ctrl-C, so that a
    # run under way is stopped and its folder removed before importdrill leaves.
    for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is not None:
            signal.signal(signum, _terminate)
    stdin_closed_at_start()
    if sys.stdout is None or sys.stderr is None:  # closed at start
        from importdrill.views import streams

        closed = streams.closed_at_start()
        if closed is not None:
            streams.last_word(f"standard {closed} is closed; importdrill has nowhere to write")
            sys.exit(Exit.USAGE)
    try:
        group()()
    except DrillError as exc:  # output that failed outside a command's reporting
        from importdrill.views import streams

        if not isinstance(exc, streams.OutputError):
            raise
        streams.last_word(str(exc))
        sys.exit(Exit.USAGE)
    except Terminated as exc:  # pragma: no cover - between commands, e.g. while Typer parses
        sys.exit(128 + exc.signum)
    except KeyboardInterrupt:  # pragma: no cover - between commands, e.g. while Typer parses
        sys.exit(Exit.INTERRUPTED)


# How script() ends the process; None until main() has returned or exited.
_script_status: int | None = None


def script() -> None:
    """The console script and `python -m importdrill`: main(), then an exit that leaves the
    interpreter standing.

    Tearing the interpreter down (freeing every module and object, one at a time) costs a
    command 20 ms and more, as much as some commands' own work, and gives back nothing that
    the end of the process does not. As Instagram's servers do (`atexit.register(os._exit,
    0)`), the last exit handler ends the process at once: it is registered first, so every
    other handler has run by then, and Python has joined the threads that are not daemons.
    Output is flushed first; open files and database connections are closed by the commands
    themselves, never left to the teardown.
    """
    global _script_status  # noqa: PLW0603 - read by the exit handler, once
    # A handler registered before this one (a .pth file's, coverage's say) would run after
    # it, that is never: then the process ends the usual way.
    if getattr(atexit, "_ncallbacks", lambda: 1)() == 0:
        atexit.register(_exit_without_teardown)
    try:
        main()
    except SystemExit as exc:
        # As Python reads it: None is 0, a number is the status, anything else (a message,
        # which Python prints) is 1.
        code = exc.code
        _script_status = 0 if code is None else code if isinstance(code, int) else 1
        raise
    _script_status = Exit.OK


def _exit_without_teardown() -> None:
    if _script_status is None:
        return  # an exception escaped main(): the usual exit, with Python's own status
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return  # a stream that cannot be written: Python reports it, and the status, as usual
    os._exit(_script_status)
