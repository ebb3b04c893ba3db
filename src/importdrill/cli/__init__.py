"""The command line (Typer): one module per group of commands, each command parsing its
arguments, calling one use case and rendering its result."""

# The command modules register their commands on the app as they are imported, in the order
# `--help` lists them; each imports nothing heavier than Typer at its top.
from importdrill.cli import learn, author, practice  # noqa: I001, F401 - in --help's order
from importdrill.cli.group import app, group
from importdrill.cli.entry import main, script

__all__ = ["app", "group", "main", "script"]
