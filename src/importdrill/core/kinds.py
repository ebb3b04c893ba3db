"""What a problem asks of the learner and how hard it is: the kinds a problem and its
summary share (its own module, so that listing needs no more of the problem model)."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """What the learner does: predict a program's output, implement a file, predict the order
    in which modules' bodies run, or predict which file an import resolves to."""

    PREDICT = "predict"
    IMPLEMENT = "implement"
    ORDER = "order"
    WHICH_FILE = "which-file"

    @property
    def learner_writes_code(self) -> bool:
        return self is Kind.IMPLEMENT


class Difficulty(StrEnum):
    """How hard a problem is; the order of the members is the order problems are listed in."""

    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"

    @property
    def rank(self) -> int:
        return list(Difficulty).index(self)

    @classmethod
    def parse(cls, text: str) -> Difficulty | None:
        """The difficulty named by text in any case, or None."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            return None


DIFFICULTIES = tuple(d.value for d in Difficulty)
KINDS = tuple(k.value for k in Kind)
