"""recent.py: what a warm process keeps stays within its bounds, the least used dropped."""

from __future__ import annotations

from fichemetier.recent import Recent


def test_the_least_recently_used_goes_first():
    kept = Recent(2)
    kept.keep("a", 1)
    kept.keep("b", 2)
    assert kept.recent("a") == 1  # a is now the latest used
    kept.keep("c", 3)
    assert dict(kept) == {"a": 1, "c": 3}
    assert kept.recent("b") is None


def test_a_weight_bounds_what_is_kept_in_all():
    kept = Recent(10, weight=len, budget=5)
    kept.keep("a", [0, 0, 0])
    kept.keep("b", [0, 0])
    kept.keep("c", [0])
    assert list(kept) == ["b", "c"]  # a's 3 + 2 + 1 passed the 5
    kept.keep("b", [0] * 5)  # kept again, heavier: c then goes
    assert list(kept) == ["b"] and sum(map(len, kept.values())) <= 5
