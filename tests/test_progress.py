from __future__ import annotations

from importdrill.progress import State


def test_reveal_hint_counts_up_to_the_total_and_stops():
    state = State()
    assert [state.reveal_hint("p", 2) for _ in range(3)] == [1, 2, None]
    assert state.of("p").hints_revealed == 2
    assert not state.is_solved("p")
    state.record_pass("p")
    assert state.is_solved("p") and state.of("p").solved_at
