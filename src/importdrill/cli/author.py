"""The authoring commands: verify, schema and new."""

# no `from __future__ import annotations` here: Typer would eval every annotation string at start-up

import sys
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
from importdrill.cli.reporting import emit_json, reporting
from importdrill.core.errors import Exit, UsageError


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
    from importdrill.core import interpreters
    from importdrill.core.catalog import load_catalog
    from importdrill.views.console import error, info, plural
    from importdrill.views.verdict import show_verify_failures

    with reporting(as_json=as_json):
        limits = limits_from(timeout, DEFAULT_MEMORY_MIB)
        if jobs is not None and jobs < 1:
            raise UsageError(f"--jobs {jobs}: must be 1 or more")
        catalog = load_catalog()
        problems = [catalog.get(s) for s in slugs] if slugs else catalog.problems
        pythons = [interpreters.interpreter(p) for p in (python or [sys.executable])]
        report = verify.verify(problems, pythons, limits=limits, jobs=jobs)
        if as_json:
            emit_json(
                {
                    "passed": not report.failures,
                    "problems": len(problems),
                    "runs": report.checked,
                    "interpreters": [
                        {"command": p.command, "version": ".".join(map(str, p.version))}
                        for p in pythons
                    ],
                    "failures": [
                        {"slug": f.slug, "python": f.python, "what": f.what, "detail": f.detail}
                        for f in report.failures
                    ],
                    "skipped": [
                        {"slug": slug_, "python": label, "reason": reason}
                        for slug_, label, reason in report.skipped
                    ],
                }
            )
            raise typer.Exit(Exit.FAILED if report.failures else Exit.OK)
        for slug_, label, reason in report.skipped:
            info(f"skipped {slug_} on {label}: it {reason}")
        if report.failures:
            show_verify_failures((f.slug, f.python, f.what, f.detail) for f in report.failures)
            bad = sorted({f.slug for f in report.failures})
            error(f"{len(bad)} of {len(problems)} problems failed: {', '.join(bad)}")
            raise typer.Exit(Exit.FAILED)
        labels = ", ".join(p.label for p in pythons)
        which = f"All {len(problems)} problems" if len(problems) > 1 else "The problem"
        pairs = plural(report.checked, "problem-interpreter pair")
        info(f"{which} verified ({pairs}) under {labels}.")


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
    from importdrill.core.kinds import KINDS
    from importdrill.views.console import info

    with reporting():
        if kind not in KINDS:
            raise UsageError(f"--kind {kind!r}: choose one of {', '.join(KINDS)}")
        target = authoring.write_new(slug, kind, directory)
        info(f"Wrote {target}. Fill it in, then: importdrill verify {slug}")
        info(
            f"(to list and check it, add its folder to IMPORTDRILL_PATH: {target.parent.resolve()})"
        )
