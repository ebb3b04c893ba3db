"""The one module that knows where things live: state, workspace, built-in problems, packs."""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "IMPORTDRILL_HOME"
PACKS_ENV = "IMPORTDRILL_PATH"
NO_BUILTINS_ENV = "IMPORTDRILL_NO_BUILTINS"


def home() -> Path:
    """The folder holding all of a learner's state and workspace."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser()
    # platformdirs is imported here, not at the top, because most commands never need it
    # when IMPORTDRILL_HOME is set (tests, benchmarks) and start-up time matters.
    from platformdirs import user_data_path

    return user_data_path("importdrill", appauthor=False)


def progress_db() -> Path:
    """The progress database (SQLite)."""
    return home() / "progress.db"


def state_file() -> Path:
    """The progress file of importdrill before the database, migrated on first use."""
    return home() / "state.json"


def workspace() -> Path:
    """Where learners' implement files live, one per problem."""
    return home() / "workspace"


def trash() -> Path:
    """Where a reset keeps the learner's old workspace folders."""
    return workspace() / ".trash"


def cache_dir() -> Path:
    """Where the parsed-problem cache lives."""
    return home() / "cache"


def builtin_problems() -> Path:
    """The folder of built-in problem files, installed or in a source checkout."""
    package = Path(__file__).resolve().parent.parent
    # In a wheel they are data, named apart from every module (see pyproject.toml).
    installed = package / "data" / "problems"
    if installed.is_dir():
        return installed
    # An editable install or a plain source checkout: the problems sit at the repository's top.
    return package.parent.parent / "problems"


def pack_dirs_from_env() -> list[Path]:
    """Folders named in IMPORTDRILL_PATH, in order, like PYTHONPATH."""
    raw = os.environ.get(PACKS_ENV, "")
    return [Path(part).expanduser() for part in raw.split(os.pathsep) if part.strip()]


def builtins_hidden() -> bool:
    """Whether IMPORTDRILL_NO_BUILTINS asks to list only the packs (for pack authors)."""
    return os.environ.get(NO_BUILTINS_ENV, "") not in ("", "0")
