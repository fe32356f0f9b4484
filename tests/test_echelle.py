"""The salary scale's geometry, for pairs of amounts a fiche may hold."""

from __future__ import annotations

import pytest

from fichemetier.echelle import CLOSE_MM, echelle


def test_the_seed_scale():
    scale = echelle(2000, 5000, 150)
    assert scale.ceiling == 7000  # 5 000 × 1.25, rounded up to the thousand
    assert (scale.start, scale.end, scale.span) == (42.86, 107.14, 64.28)
    assert [m.label for m in scale.markers] == ["débutant", "expérimenté"]
    assert [m.text_x for m in scale.markers] == [44.16, 108.44]  # labels right of markers
    assert not any(m.left for m in scale.markers)


@pytest.mark.parametrize(("debutant", "experimente"), [(1800, 2400), (2000, 2100), (3000, 3000)])
def test_close_amounts_put_the_first_label_left_of_its_marker(debutant, experimente):
    scale = echelle(debutant, experimente, 106)
    assert (scale.end - scale.start < CLOSE_MM) == scale.markers[0].left
    first, second = scale.markers
    if first.left:
        assert first.text_x < first.x and second.text_x > second.x


@pytest.mark.parametrize("experimente", [1, 999, 1000, 4000, 100_000])
def test_the_experienced_salary_sits_in_the_scale_with_room_after_it(experimente):
    scale = echelle(1, experimente, 150)
    assert scale.ceiling % 1000 == 0
    assert scale.ceiling >= experimente * 1.25
    assert 0 < scale.end <= 150 / 1.25 + 0.01
