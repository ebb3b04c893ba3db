"""Lets `python -m importdrill` run the CLI."""

from __future__ import annotations

from importdrill.cli.entry import script

script()
