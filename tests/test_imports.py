"""Start-up kept fast by test: what each common command imports beyond the floor is pinned.

The floor is what importdrill cannot avoid: `import typer, rich.console, rich.table`. A module
added to a command's start-up path fails this test, so that the cost is a decision (update
the pin, and the README's figures) rather than an accident. As click's test_imports.py does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import mini_pack_env

HARNESS = """
import atexit, sys
out = sys.argv[1]
def dump():
    loaded = sorted(sys.modules)  # before json, which the harness alone imports here
    import json
    with open(out, "w") as handle:
        json.dump(loaded, handle)
atexit.register(dump)
from importdrill.cli import main
sys.argv = ["importdrill", *sys.argv[2:]]
main()
"""
FLOOR = "import json, sys; import typer, rich.console, rich.table; print(json.dumps(sorted(sys.modules)))"

# --help needs no more than the command line itself: no core module but errors, no Rich view.
HELP = {
    "importdrill",
    "importdrill.cli",
    "importdrill.cli.author",
    "importdrill.cli.flows",
    "importdrill.cli.group",
    "importdrill.cli.learn",
    "importdrill.cli.options",
    "importdrill.cli.practice",
    "importdrill.cli.reporting",
    "importdrill.cli.entry",
    "importdrill.core",
    "importdrill.core.errors",
}
# Listing works from the catalogue's summaries: the problem model (problems) is not loaded.
BASE = HELP | {
    "importdrill.core.cache",
    "importdrill.core.catalog",
    "importdrill.core.kinds",
    "importdrill.core.paths",
    "importdrill.core.progress",
    "importdrill.core.summary",
    "importdrill.views",
    "importdrill.views.console",
}
# The list and status screens.
SCREENS = {"importdrill.views.listing", "importdrill.views.problem"}
# list asks its own small use case (app.listing), not the rest of the use cases.
LIST = BASE | SCREENS | {"importdrill.app", "importdrill.app.listing"}
CHECK = BASE | {
    "importdrill.app",
    "importdrill.app.drill",
    "importdrill.app.results",
    "importdrill.core.judge",
    "importdrill.core.problems",  # the one problem checked, whole
    "importdrill.core.runnable",
    "importdrill.core.fsclean",  # a run folder removed however deep it is (issue 23)
    "importdrill.core.runner",
    "importdrill.core.safepaths",  # every path checked where the run is laid out (issue 23)
    "importdrill.core.shield",  # the seccomp filter and the process-count bound (issue 23)
    "importdrill.core.supervisor",  # a fork of importdrill runs the program
    "importdrill.core.workspace",
    "importdrill.prose",  # a pass shows the explanation
    "importdrill.views.verdict",
}
# status shows reviews due and the streak, which come from the log through a use case.
STATUS = (
    BASE
    | SCREENS
    | {
        "importdrill.app.results",
        "importdrill.app",
        "importdrill.app.drill",
        "importdrill.core.schedule",
        "importdrill.core.workspace",
        "importdrill.views.practice",
    }
)
# Heavy modules no command below may import: a YAML parser (the cache spares it), the
# prompt and file-watching libraries, the Markdown parser (prose renders our subset), Pygments
# (only code panels need it), and the authoring tools.
FORBIDDEN = {
    "yaml",
    "prompt_toolkit",
    "watchfiles",
    "markdown_it",
    "rich.markdown",
    "rich.syntax",
    "pygments",
    "concurrent.futures",
    "importdrill.app.verify",
    "importdrill.app.authoring",
    "importdrill.watch",
}


def harnessed(
    harness: str, out: Path, *command: str, home: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`importdrill COMMAND` run by a harness that writes what it saw to out."""
    done = subprocess.run(
        [sys.executable, "-c", harness, str(out), *command],
        env=mini_pack_env(home),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    return done


def modules(*command: str, home: Path, tmp_path: Path, stdin: str | None = None) -> set[str]:
    out = tmp_path / "modules.json"
    harnessed(HARNESS, out, *command, home=home, stdin=stdin)
    return set(json.loads(out.read_text(encoding="utf-8")))


def floor() -> set[str]:
    done = subprocess.run([sys.executable, "-c", FLOOR], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout))


def beyond_floor(loaded: set[str]) -> tuple[set[str], set[str]]:
    """importdrill's own modules, and other top-level packages that are not the stdlib's."""
    below = floor()
    extra = loaded - below
    floor_packages = {m.split(".")[0] for m in below}
    ours = {m for m in extra if m.split(".")[0] == "importdrill"}
    third_party = {
        m.split(".")[0]
        for m in extra
        if m.split(".")[0] not in sys.stdlib_module_names
        and not m.startswith("_")
        and m.split(".")[0] not in floor_packages | {"importdrill"}
    }
    return ours, third_party


# Standard modules that cost a millisecond or more and a command has no use for: Rich (--help
# is plain text), json (only --json output and stored predictions need it), sqlite3 with
# nothing recorded, hashlib (only the oracle of an implement check), Rich's emoji table
# (panel titles are Text, never markup).
LIGHT_HELP = {"rich.console", "json", "sqlite3", "hashlib"}
LIGHT_LIST = {"json", "sqlite3", "hashlib", "rich._emoji_codes"}
LIGHT_CHECK = {"hashlib", "rich._emoji_codes"}


@pytest.mark.parametrize(
    ("command", "pinned", "stdin", "history", "third", "absent"),
    [
        (["list"], LIST, None, False, set(), LIGHT_LIST),
        (["--help"], HELP, None, False, set(), LIGHT_HELP),
        (["status"], STATUS, None, False, set(), LIGHT_LIST),
        # With something scheduled, status asks the FSRS scheduler when it is due.
        (["status"], STATUS, None, True, {"fsrs", "typing_extensions"}, {"hashlib"}),
        (["list"], LIST, None, True, set(), LIGHT_LIST - {"sqlite3"}),
        (
            ["check", "mini-predict", "--predict-file", "-"],
            CHECK,
            "True\ndone\n",
            True,
            set(),
            LIGHT_CHECK,
        ),
    ],
    ids=["list", "help", "status", "status-with-reviews", "list-with-history", "check"],
)
def test_start_up_imports_are_pinned(
    command, pinned, stdin, history, third, absent, home: Path, tmp_path: Path
):
    # Warm the problem cache first, as every command after the first finds it.
    subprocess.run(
        [sys.executable, "-m", "importdrill", "list"],
        env=mini_pack_env(home),
        capture_output=True,
        check=True,
    )
    if history:  # a solved problem: a database with a log and something scheduled
        subprocess.run(
            [sys.executable, "-m", "importdrill", "check", "mini-predict", "--predict-file", "-"],
            env=mini_pack_env(home),
            input="True\ndone\n",
            text=True,
            capture_output=True,
            check=True,
        )
    loaded = modules(*command, home=home, tmp_path=tmp_path, stdin=stdin)
    ours, third_party = beyond_floor(loaded)
    assert ours == pinned
    assert third_party == third
    assert loaded & FORBIDDEN == set()
    assert loaded & absent == set()


# Records, as each run's launch goes to its supervisor, whether Rich is loaded yet.
LAUNCH_HARNESS = """
import sys
from importdrill.core import supervisor
out = open(sys.argv[1], "w")
launch = supervisor.Waiting.launch
def recorded(self, *args):
    out.write("rich " + str("rich" in sys.modules) + "\\n")
    out.flush()
    return launch(self, *args)
supervisor.Waiting.launch = recorded
from importdrill.cli import main
sys.argv = ["importdrill", *sys.argv[2:]]
main()
"""


@pytest.mark.parametrize(
    ("command", "stdin"),
    [(["mini-predict", "--predict-file", "-"], "True\ndone\n"), (["mini-implement"], None)],
    ids=["predict", "implement"],
)
def test_a_check_starts_its_program_before_it_loads_the_views(
    command: list[str], stdin: str | None, home: Path, tmp_path: Path
):
    """The views (Rich, 25 ms of imports) load while the program runs, not before it starts:
    the README's check figure depends on it."""
    subprocess.run(
        [sys.executable, "-m", "importdrill", "start", "mini-implement", "--no-edit"],
        env=mini_pack_env(home),
        capture_output=True,
        check=True,
    )
    out = tmp_path / "launches.txt"
    done = harnessed(LAUNCH_HARNESS, out, "check", *command, home=home, stdin=stdin)
    assert "pass" in done.stdout or "fail" in done.stdout or "error" in done.stdout, done.stdout
    launches = out.read_text(encoding="utf-8").splitlines()
    assert launches and launches[0] == "rich False", launches
