from __future__ import annotations

from importdrill.progress import State


def test_reveal_hint_counts_up_to_the_total_and_stops():
    state = State()
    assert [state.reveal_hint("p", 2) for _ in range(3)] == [1, 2, None]
    assert state.of("p").hints_revealed == 2
    assert not state.is_solved("p")
    state.record_pass("p")
    assert state.is_solved("p") and state.of("p").solved_at


def test_the_log_records_each_attempt_with_what_led_to_it(tmp_path, monkeypatch):
    from importdrill.progress import Event, Store

    monkeypatch.setenv("IMPORTDRILL_NOW", "2026-03-01T10:00:00+00:00")
    store = Store(tmp_path / "progress.db")
    with store.change() as state:
        state.touch("p")
        state.reveal_hint("p", 3)
    monkeypatch.setenv("IMPORTDRILL_NOW", "2026-03-01T10:01:30+00:00")
    with store.change() as state:
        state.record_fail("p")
        state.log_attempt("p", "wrong-output", kind="predict", python="3.11.7", confidence=3)
    with store.change() as state:
        state.record_reveal("p")
    with store.change() as state:
        state.forget("p")
    log = store.history()
    assert [e.event for e in log] == [Event.HINT, Event.ATTEMPT, Event.REVEAL, Event.RESET]
    attempt = log[1]
    assert attempt.at == "2026-03-01T10:01:30+00:00"
    assert (attempt.slug, attempt.verdict, attempt.hints) == ("p", "wrong-output", 1)
    assert (attempt.seconds, attempt.python, attempt.confidence) == (90.0, "3.11.7", 3)
    assert attempt.variant is None
    # Forgetting a problem drops its state, never its history.
    assert store.load().of("p") is None and len(store.history("p")) == 4


def test_a_failed_change_records_nothing(tmp_path):
    import pytest

    from importdrill.progress import Store

    store = Store(tmp_path / "progress.db")
    with store.change() as state:
        state.current = "a"
    with pytest.raises(RuntimeError), store.change() as state:
        state.current = "b"
        state.log_attempt("b", "pass", kind="predict")
        raise RuntimeError
    assert store.load().current == "a" and store.history() == []
