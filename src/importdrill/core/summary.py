"""A problem's summary: what listing it needs, without its prose or code (the catalogue holds
one per problem; the problem model builds one from a problem file)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple

from importdrill.core.kinds import Difficulty, Kind

BUILTIN_PACK = "built-in"


def unavailable_reason(
    floor: tuple[int, int] | None, version: tuple[int, int] | None = None
) -> str | None:
    """Why a problem needing Python `floor` can't run on that version (default: this one)."""
    if floor is None:
        return None
    have = version or (sys.version_info.major, sys.version_info.minor)
    if have < floor:
        need = ".".join(map(str, floor))
        return f"needs Python {need} or later (this is {have[0]}.{have[1]})"
    return None


# A named tuple, as the README's Performance section explains: a catalogue makes one Summary
# per problem on every start.


class Summary(NamedTuple):
    """What listing a problem needs, without its prose or code: cheap to hold for thousands.

    `list`, `status` and `next` work from summaries; a command that needs one problem asks
    the catalogue for it, and only that problem's full data is read.
    """

    slug: str
    title: str
    difficulty: Difficulty
    kind: Kind
    tags: tuple[str, ...]
    order: int
    hint_count: int
    requires_python: tuple[int, int] | None
    # The problem file, as text: a Path for each of a thousand summaries would cost `list`
    # more than a millisecond, and only reading the problem needs one (`source`).
    path: str
    pack: str

    @property
    def source(self) -> Path:
        """The problem file."""
        return Path(self.path)

    def unavailable_reason(self, version: tuple[int, int] | None = None) -> str | None:
        return unavailable_reason(self.requires_python, version)
