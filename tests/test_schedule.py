"""The review schedule, derived from scripted histories written through the progress store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from importdrill.core import schedule
from importdrill.core.progress import Store
from importdrill.core.schedule import Rating

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


class Script:
    """Writes a history as the use cases would, at times the test chooses."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.store = Store(tmp_path / "progress.db")
        self.monkeypatch = monkeypatch

    def at(self, moment: datetime) -> Script:
        self.monkeypatch.setenv("IMPORTDRILL_NOW", moment.isoformat())
        return self

    def attempt(
        self, slug: str, verdict: str, *, kind: str = "predict", confidence: int | None = None
    ) -> None:
        with self.store.change() as state:
            state.record_pass(slug) if verdict == "pass" else state.record_fail(slug)
            state.log_attempt(slug, verdict, kind=kind, confidence=confidence)

    def hint(self, slug: str) -> None:
        with self.store.change() as state:
            state.reveal_hint(slug, 3)

    def reveal(self, slug: str) -> None:
        with self.store.change() as state:
            state.record_reveal(slug)

    def reset(self, slug: str) -> None:
        with self.store.change() as state:
            state.forget(slug)

    def reviews(self) -> dict[str, schedule.Review]:
        return schedule.schedule(self.store.history())


@pytest.fixture
def script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Script:
    return Script(tmp_path, monkeypatch).at(T0)


def test_a_problem_failed_twice_comes_due_before_one_passed_first_time(script: Script):
    script.attempt("failed-twice", "wrong-output")
    script.attempt("failed-twice", "wrong-output")
    script.attempt("failed-twice", "pass")
    script.attempt("first-time", "pass")
    reviews = script.reviews()
    assert reviews["failed-twice"].last_rating is Rating.HARD
    assert reviews["first-time"].last_rating is Rating.GOOD
    assert reviews["failed-twice"].due < reviews["first-time"].due
    ordered = schedule.due(reviews.values(), T0 + timedelta(days=365))
    assert [r.slug for r in ordered] == ["failed-twice", "first-time"]


def test_only_solved_or_revealed_problems_are_scheduled(script: Script):
    script.attempt("wrong-only", "wrong-output")
    script.hint("hinted-only")
    script.reveal("revealed")
    reviews = script.reviews()
    assert set(reviews) == {"revealed"}
    assert reviews["revealed"].last_rating is Rating.AGAIN


def test_hints_make_it_hard_and_certainty_makes_it_easy(script: Script):
    script.hint("hinted")
    script.attempt("hinted", "pass")
    script.attempt("certain", "pass", confidence=3)
    reviews = script.reviews()
    assert reviews["hinted"].last_rating is Rating.HARD
    assert reviews["certain"].last_rating is Rating.EASY
    assert reviews["certain"].due > reviews["hinted"].due


def test_wrong_and_certain_is_rated_again_even_after_a_pass(script: Script):
    script.attempt("sure", "wrong-output", confidence=3)
    script.attempt("sure", "pass")
    script.attempt("unsure", "wrong-output", confidence=1)
    script.attempt("unsure", "pass")
    reviews = script.reviews()
    assert reviews["sure"].last_rating is Rating.AGAIN
    assert reviews["unsure"].last_rating is Rating.HARD
    assert reviews["sure"].due <= reviews["unsure"].due


def test_a_missed_review_comes_back_sooner_than_a_passed_one(script: Script):
    for slug in ("kept", "forgotten"):
        script.attempt(slug, "pass")
    first = script.reviews()
    # Practice before the review is due changes nothing.
    script.at(T0 + timedelta(hours=1)).attempt("forgotten", "wrong-output")
    assert script.reviews() == first
    due = max(r.due for r in first.values())
    script.at(due).attempt("kept", "pass")
    script.attempt("forgotten", "wrong-output")
    reviews = script.reviews()
    assert reviews["forgotten"].last_rating is Rating.AGAIN
    assert reviews["kept"].reviews == reviews["forgotten"].reviews == 2
    assert reviews["forgotten"].due < reviews["kept"].due


def test_a_reset_takes_a_problem_out_of_the_schedule(script: Script):
    script.attempt("p", "pass")
    script.reset("p")
    assert script.reviews() == {}
    script.attempt("p", "pass")
    assert script.reviews()["p"].reviews == 1


def test_streak_and_confidence(script: Script):
    for day in (0, 1, 2, 4, 5):
        script.at(T0 + timedelta(days=day)).attempt("p", "wrong-output", confidence=2)
    script.attempt("q", "pass", confidence=3)
    log = script.store.history()
    assert schedule.streak(log, T0 + timedelta(days=5)) == (2, True)
    assert schedule.streak(log, T0 + timedelta(days=6)) == (2, False)
    assert schedule.streak(log, T0 + timedelta(days=7)) == (0, False)
    assert schedule.confidence_results(log) == {1: (0, 0), 2: (0, 5), 3: (1, 1)}
