"""Make the README's screenshots from real runs, with Rich's SVG export (nox -s screenshots).

Each screenshot runs importdrill in-process against a throwaway IMPORTDRILL_HOME, with the
output console recording, and saves what it printed as docs/<name>.svg. The problem shown is
the docs' own (docs/example-pack/), so that no screenshot gives away a problem of the
curriculum.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

HERE = Path(__file__).parent
EXAMPLE_PACK = HERE / "example-pack"
EXAMPLE = "example-names-and-cache"
WIDTH = 100


def shoot(out: Path, name: str, title: str, *args: str, stdin: str | None = None) -> None:
    from importdrill.cli import app
    from importdrill.views.console import using

    console = Console(record=True, width=WIDTH, force_terminal=True, color_system="truecolor")
    with using(console, console):
        CliRunner().invoke(app, list(args), input=stdin, catch_exceptions=False)
    (out / f"{name}.svg").write_text(console.export_svg(title=title), encoding="utf-8")
    print(f"wrote {out / name}.svg")


def truth(slug: str) -> str:
    """What the problem's program really prints, so the screenshots never go stale."""
    from importdrill.core import catalog, runner
    from importdrill.core.runnable import program_for

    problem = catalog.load_catalog().get(slug)
    return runner.run(program_for(problem, problem.code)).stdout


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    with tempfile.TemporaryDirectory() as home:
        os.environ["IMPORTDRILL_HOME"] = home
        os.environ["IMPORTDRILL_PATH"] = str(EXAMPLE_PACK)
        # The checks see the docs' problem alone (a pass names what is next); the list all.
        os.environ["IMPORTDRILL_NO_BUILTINS"] = "1"
        os.environ.pop("NO_COLOR", None)
        # A learner who guesses first (every line True), then gets it right. The miss comes
        # first: once a problem is solved, a wrong prediction is shown beside the answer.
        shoot(
            out,
            "check-fail",
            "importdrill check",
            "check",
            EXAMPLE,
            "--predict-file",
            "-",
            stdin="\n".join("True" for _ in truth(EXAMPLE).splitlines()),
        )
        shoot(
            out,
            "check-pass",
            "importdrill check",
            "check",
            EXAMPLE,
            "--predict-file",
            "-",
            stdin=truth(EXAMPLE),
        )
        os.environ.pop("IMPORTDRILL_NO_BUILTINS")
        shoot(out, "list", "importdrill list", "list", "--difficulty", "easy")


if __name__ == "__main__":
    main()
