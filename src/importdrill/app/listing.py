"""Listing the problems with the learner's progress: the use case `list` runs, kept apart from
the other use cases so that listing loads no more than the catalogue's summaries."""

from __future__ import annotations

from collections.abc import Sequence
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


def listing(
    store: Store,
    *,
    tag: str | None = None,
    difficulty: str | None = None,
    tags: Sequence[str] = (),
) -> Listing:
    """The problems with any of the tags (tag, and each of tags) and of difficulty (each:
    any, when none is given), with the learner's progress."""
    from importdrill.core.catalog import load_catalog

    wanted = Difficulty.parse(difficulty) if difficulty is not None else None
    if difficulty is not None and wanted is None:
        raise UsageError(f"--difficulty {difficulty!r}: choose one of {', '.join(Difficulty)}")
    chosen = [*([tag] if tag is not None else []), *tags]
    catalog = load_catalog(strict=False)
    state = store.load(predictions=False)
    known = {t for p in catalog for t in p.tags}
    for name in chosen:
        if name not in known:
            raise UsageError(
                f"--tag {name!r}: no problem has it; tags are: {', '.join(sorted(known))}"
            )
    problems = [
        p
        for p in catalog
        if (not chosen or any(t in p.tags for t in chosen))
        and (wanted is None or p.difficulty is wanted)
    ]
    unavailable = {p.slug: r for p in problems if (r := p.unavailable_reason())}
    return Listing(problems, state, unavailable)
