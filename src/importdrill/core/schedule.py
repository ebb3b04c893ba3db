"""Reviews: when each problem comes back, derived from the log by the FSRS scheduler.

Nothing is stored but the log: the schedule is the log replayed, so it can never disagree with
what happened. The rating of each review is read from what the learner did, never asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum

from importdrill.core.progress import Confidence, Event, LogEntry, parse_time


class Rating(IntEnum):
    """How a review went, in FSRS's terms (its numbers too)."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


@dataclass(frozen=True)
class Review:
    """One problem in the schedule: when it is due, and how the last review went."""

    slug: str
    due: datetime
    state: str
    last_rating: Rating
    reviews: int

    def is_due(self, moment: datetime) -> bool:
        return self.due <= moment


@dataclass
class _Episode:
    """What happened since the problem last entered (or came back in) the schedule."""

    wrong: int = 0
    hints: bool = False
    sure_and_wrong: bool = False


def rating(episode: _Episode, *, passed: bool, confidence: int | None) -> Rating:
    """The rating of an episode that ended: a pass, a reveal, or a missed review."""
    if not passed or episode.sure_and_wrong:
        # A wrong answer given with certainty is the error most worth correcting: it comes
        # back as soon as a forgotten one.
        return Rating.AGAIN
    if episode.wrong or episode.hints:
        return Rating.HARD
    return Rating.EASY if confidence == Confidence.CERTAIN else Rating.GOOD


def schedule(log: Iterable[LogEntry]) -> dict[str, Review]:
    """Every problem solved or revealed at least once, with its next review."""
    by_slug: dict[str, list[LogEntry]] = {}
    for entry in log:
        by_slug.setdefault(entry.slug, []).append(entry)
    reviews = {}
    for slug, entries in by_slug.items():
        review = _replay(slug, entries)
        if review is not None:
            reviews[slug] = review
    return reviews


def _replay(slug: str, entries: list[LogEntry]) -> Review | None:
    # fsrs is imported only when some problem has something to schedule.
    ends = [e for e in entries if e.event in (Event.ATTEMPT, Event.REVEAL, Event.MIGRATED)]
    if not ends:
        return None
    import fsrs

    # No learning steps of minutes, as flash cards have: a problem comes back after days.
    scheduler = fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
    card: fsrs.Card | None = None
    last = Rating.GOOD
    count = 0
    episode = _Episode()
    for entry in entries:
        if entry.event is Event.RESET:
            card, episode, count = None, _Episode(), 0
            continue
        at = parse_time(entry.at)
        reviewing = card is not None
        if card is not None and at < card.due:
            continue  # practice between reviews: not a review
        ended: Rating | None = None
        if entry.event is Event.HINT:
            episode.hints = True
        elif entry.event is Event.REVEAL:
            ended = Rating.AGAIN
        elif entry.event is Event.MIGRATED:
            episode.hints = bool(entry.hints)
            ended = rating(episode, passed=entry.passed, confidence=None)
        elif entry.event is Event.ATTEMPT:
            if entry.passed:
                ended = rating(episode, passed=True, confidence=entry.confidence)
            else:
                episode.wrong += 1
                if entry.confidence == Confidence.CERTAIN:
                    episode.sure_and_wrong = True
                if reviewing and entry.kind == "predict":
                    # A missed prediction in a review shows the answer: the review is over.
                    ended = Rating.AGAIN
        if ended is None:
            continue
        card, _ = scheduler.review_card(
            card or fsrs.Card(card_id=1), fsrs.Rating(int(ended)), review_datetime=at
        )
        last, count, episode = ended, count + 1, _Episode()
    if card is None:
        return None
    return Review(
        slug=slug, due=card.due, state=card.state.name.lower(), last_rating=last, reviews=count
    )


def due(reviews: Iterable[Review], moment: datetime) -> list[Review]:
    """The reviews due at moment, soonest first."""
    return sorted((r for r in reviews if r.is_due(moment)), key=lambda r: (r.due, r.slug))


def end_of_day(moment: datetime) -> datetime:
    """The end of moment's UTC day."""
    return moment.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def streak(log: Iterable[LogEntry], moment: datetime) -> tuple[int, bool]:
    """Days practised in a row up to today (or up to yesterday, when today is still to come),
    and whether today was one of them."""
    days = {
        parse_time(e.at).date() for e in log if e.event in (Event.ATTEMPT, Event.HINT, Event.REVEAL)
    }
    today = moment.date()
    practised_today = today in days
    day = today if practised_today else today - timedelta(days=1)
    count = 0
    while day in days:
        count += 1
        day -= timedelta(days=1)
    return count, practised_today


def confidence_results(log: Iterable[LogEntry]) -> dict[Confidence, tuple[int, int]]:
    """For each confidence level: how many of the predictions given with it were right, of
    how many."""
    results = {level: (0, 0) for level in Confidence}
    for entry in log:
        if entry.event is Event.ATTEMPT and entry.confidence in results:
            level = Confidence(entry.confidence)
            right, total = results[level]
            results[level] = (right + entry.passed, total + 1)
    return results
