"""Back and forward as a browser does them: a jump forgets what lay ahead."""

from __future__ import annotations

from explorer.views.history import History


def test_back_and_forward_retrace_the_jumps():
    h: History[str] = History()
    assert h.back("a") is None and h.forward("a") is None
    h.leave("a")          # a -> b
    h.leave("b")          # b -> c
    assert h.back("c") == "b"
    assert h.back("b") == "a"
    assert h.back("a") is None
    assert h.forward("a") == "b"
    assert h.forward("b") == "c"
    assert h.forward("c") is None


def test_where_back_was_pressed_from_is_where_forward_returns():
    """The cursor may have moved after a jump: back keeps that spot, not the jump's end."""
    h: History[str] = History()
    h.leave("a")
    assert h.back("c, moved on") == "a"
    assert h.forward("a") == "c, moved on"


def test_a_new_jump_forgets_forward_and_repeats_are_kept_once():
    h: History[str] = History()
    h.leave("a")
    h.leave("b")
    assert h.back("c") == "b"
    h.leave("b")          # b -> d: "c" ahead is forgotten, "b" is not kept twice
    assert h.forward("d") is None
    assert h.behind == ["a", "b"]


def test_only_the_last_positions_are_kept():
    h: History[int] = History(limit=3)
    for n in range(10):
        h.leave(n)
    assert h.behind == [7, 8, 9]


def test_a_place_that_cannot_be_stood_on_is_not_kept():
    """Back from a revlog that did not open returns, and forward has nothing to return to."""
    h: History[str] = History()
    h.leave("a")
    assert h.back(None) == "a"
    assert h.forward("a") is None and h.behind == []
