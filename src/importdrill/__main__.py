"""Lets `python -m importdrill` run the CLI."""

# `python -m` puts the current folder first on sys.path: a learner's workspace holding json.py
# (the very shadowing a problem teaches) would be imported in place of the standard library's
# by whatever importdrill imports next. That entry is dropped before anything else is imported.
# (A folder holding importdrill.py itself can't be helped: it is found before this file runs.)
import os
import sys

if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from importdrill.cli.entry import script  # after sys.path is made safe

script()
