"""The authoring commands: verify, schema and new."""

# no `from __future__ import annotations` here: Typer would eval every annotation string at start-up

from pathlib import Path
from typing import Annotated

import typer

from importdrill.cli.group import app
from importdrill.cli.options import (
    DEFAULT_MEMORY_MIB,
    DEFAULT_TIMEOUT_S,
    JsonOpt,
    complete_slug,
    limits_from,
)
from importdrill.cli.reporting import command


@app.command("verify")
def verify_cmd(
    slugs: Annotated[
        list[str] | None,
        typer.Argument(
            help="Problems to verify (default: all).",
            metavar="SLUG...",
            autocompletion=complete_slug,
            show_default=False,
        ),
    ] = None,
    python: Annotated[
        list[str] | None,
        typer.Option(
            "--python",
            metavar="PATH",
            help="Interpreter to verify under; repeat for several (default: this one).",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", help="Runs at once (default: the number of cores)."),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", metavar="SECONDS", help="Time limit for each run.")
    ] = DEFAULT_TIMEOUT_S,
    as_json: JsonOpt = False,
) -> None:
    """For authors: prove problems true (programs print expected_output; no starter passes).

    Example: importdrill verify --python python3.9 --python python3.13
    """
    from importdrill.app import verify
    from importdrill.views.verdict import show_verified

    with command(as_json=as_json, store=False) as done:
        limits = limits_from(timeout, DEFAULT_MEMORY_MIB)
        verified = verify.verify_problems(slugs, python, limits=limits, jobs=jobs)
        done.status = done.show(verified, show_verified).exit_status


@app.command()
def schema() -> None:
    """Print the JSON Schema of a problem file (for editors and the YAML language server).

    Example: importdrill schema > problem.schema.json
    """
    from importdrill.core.problems import schema_text
    from importdrill.views.console import plain

    plain(schema_text().rstrip("\n"))


@app.command()
def new(
    slug: Annotated[
        str,
        typer.Argument(
            help="The new problem's slug (lowercase words joined by -).", metavar="SLUG"
        ),
    ],
    kind: Annotated[
        str, typer.Option("--kind", help="predict, implement, order or which-file.")
    ] = "predict",
    directory: Annotated[Path, typer.Option("--dir", help="Folder to write it in.")] = Path(),
) -> None:
    """Write a new problem file that validates, ready to fill in.

    Example: importdrill new my-first-problem --kind implement --dir my-pack
    """
    from importdrill.app import authoring
    from importdrill.views.console import info

    with command(store=False):
        target = authoring.write_new(slug, kind, directory)
        info(f"Wrote {target}. Fill it in, then: importdrill verify {slug}")
        info(
            f"(to list and check it, add its folder to IMPORTDRILL_PATH: {target.parent.resolve()})"
        )
