"""Listing the problems with the learner's progress: the use case `list` runs, kept apart from
the other use cases so that listing loads no more than the catalogue's summaries."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from importdrill.app import versioned
from importdrill.core.errors import UsageError
from importdrill.core.kinds import Difficulty

if TYPE_CHECKING:
    from importdrill.core.progress import State, Store
    from importdrill.core.summary import Summary


class Listing(NamedTuple):
    """The problems asked for, in the catalogue's order, the learner's state, and why each
    problem that cannot run here cannot (by slug)."""

    problems: list[Summary]
    state: State
    unavailable: dict[str, str]

    def to_json(self) -> dict[str, object]:
        state = self.state
        return versioned(
            {
                "problems": [
                    {
                        "slug": p.slug,
                        "title": p.title,
                        "difficulty": p.difficulty.value,
                        "kind": p.kind.value,
                        "tags": list(p.tags),
                        "status": state.status(p.slug).value,
                        "hints_revealed": (s.hints_revealed if (s := state.of(p.slug)) else 0),
                        "hints_total": p.hint_count,
                        "available": p.slug not in self.unavailable,
                    }
                    for p in self.problems
                ]
            }
        )


def listing(store: Store, *, tag: str | None = None, difficulty: str | None = None) -> Listing:
    """The problems with tag and of difficulty (each: any), with the learner's progress."""
    from importdrill.core.catalog import load_catalog

    wanted = Difficulty.parse(difficulty) if difficulty is not None else None
    if difficulty is not None and wanted is None:
        raise UsageError(f"--difficulty {difficulty!r}: choose one of {', '.join(Difficulty)}")
    catalog = load_catalog(strict=False)
    state = store.load(predictions=False)
    problems = [
        p
        for p in catalog
        if (tag is None or tag in p.tags) and (wanted is None or p.difficulty is wanted)
    ]
    if tag is not None and not problems:
        tags = sorted({t for p in catalog for t in p.tags})
        raise UsageError(f"--tag {tag!r}: no problem has it; tags are: {', '.join(tags)}")
    unavailable = {p.slug: r for p in problems if (r := p.unavailable_reason())}
    return Listing(problems, state, unavailable)
