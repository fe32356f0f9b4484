"""The salary scale: its geometry for any pair of amounts a fiche may hold, and what the
rendered chart shows and copies."""

from __future__ import annotations

import io

import pypdfium2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fichemetier.echelle import BOUND_MM, HEIGHT, ROW_MM, SEPARATION, echelle, text_width
from fichemetier.options import FORMATS
from fichemetier.typography import NBSP, euros

WIDTHS = sorted({page.echelle_mm for page in FORMATS.values()} | {106, 150})  # and wider
#: Pairs at the edges of what the model allows (1 to 100 000 €, debutant <= experimente).
EDGES = [
    (1, 1), (1, 2), (1, 100_000), (99_999, 100_000), (100_000, 100_000), (2000, 2100),
    (1800, 2400), (3000, 3000), (9, 10), (799, 800), (1000, 1001), (1, 10), (50_000, 60_000),
]  # fmt: skip


def test_the_seed_scale():
    scale = echelle(2000, 5000, 150)
    assert (scale.ceiling, scale.step) == (7000, 1000)  # 5 000 × 1.25, up to a round amount
    assert (scale.start, scale.end, scale.span) == (42.86, 107.14, 64.28)
    assert [m.label for m in scale.markers] == ["débutant", "expérimenté"]
    assert [m.text_x for m in scale.markers] == [44.16, 108.44]  # labels right of markers
    assert not any(m.left for m in scale.markers)
    assert len(scale.ticks) == 8 and scale.ticks[0] == 0 and scale.ticks[-1] == 150


@pytest.mark.parametrize(("debutant", "experimente"), [(2400, 2600), (2000, 2100), (3000, 3000)])
def test_close_amounts_put_the_first_label_left_of_its_marker(debutant, experimente):
    first, second = echelle(debutant, experimente, 106).markers
    assert first.left and not second.left
    assert first.box[1] < first.x <= second.x < second.box[0]


@pytest.mark.parametrize(
    ("debutant", "experimente", "width", "upper"),
    [(1800, 2800, 53.5, "débutant"), (1800, 2400, 74, "débutant"), (9, 10, 53.5, "débutant")],
)
def test_labels_that_cannot_share_a_row_take_two(debutant, experimente, width, upper):
    """The electrician's 1 800 € and 2 800 € in A5: one label above the other, the upper
    one's marker line stopping above the lower label, the chart one row taller."""
    scale = echelle(debutant, experimente, width)
    assert sorted(m.row for m in scale.markers) == [0, 1]
    top, bottom = sorted(scale.markers, key=lambda m: m.row)
    assert top.label == upper
    assert scale.height == HEIGHT + ROW_MM and bottom.top == top.top + ROW_MM
    assert scale.line_end(top) < bottom.top and scale.line_end(bottom) == scale.height - 0.8
    assert echelle(debutant, experimente, 150).height == HEIGHT  # room enough for one row


@pytest.mark.parametrize("experimente", [1, 999, 1000, 4000, 12_345, 100_000])
def test_the_scale_ends_on_a_round_amount_with_room_after_the_experienced_salary(experimente):
    scale = echelle(1, experimente, 150)
    assert scale.ceiling % scale.step == 0 and 2 <= scale.ceiling // scale.step <= 10
    assert str(scale.step).strip("0") in {"1", "2", "5"}
    assert scale.ceiling >= experimente * 1.25
    assert 0 < scale.end <= 150 / 1.25 + 0.01


def check_labels_fit(debutant: int, experimente: int, width: float) -> None:
    """Every label inside the chart; on one row, the two apart and none across the other's
    marker line, the beginner's before the experienced one's (99 999 € printed right of
    100 000 € reads the wrong way round); on two rows, the upper one not across the lower
    one's line, which runs past it, and the upper one's line stopped above the lower label."""
    scale = echelle(debutant, experimente, width)
    first, second = scale.markers
    for marker in scale.markers:
        left, right = marker.box
        assert left >= 0 and right <= width, (marker, width)
    if first.row == second.row:
        (l1, r1), (l2, r2) = first.box, second.box
        assert r1 + SEPARATION <= l2, scale
        assert not l1 <= second.x <= r1 and not l2 <= first.x <= r2, scale
        assert scale.height == HEIGHT
    else:
        upper, lower = sorted(scale.markers, key=lambda m: m.row)
        assert not upper.box[0] <= lower.x <= upper.box[1], scale
        assert scale.line_end(upper) < lower.top == upper.top + ROW_MM < scale.line_end(lower)
        assert scale.height == HEIGHT + ROW_MM
    bounds = text_width(f"0{NBSP}€", BOUND_MM), text_width(euros(scale.ceiling), BOUND_MM)
    assert sum(bounds) + SEPARATION <= width


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("debutant", "experimente"), EDGES)
def test_labels_fit_at_the_edges(debutant, experimente, width):
    check_labels_fit(debutant, experimente, width)


@settings(max_examples=500, deadline=None)
@given(
    st.tuples(st.integers(1, 100_000), st.integers(1, 100_000)).map(sorted),
    st.sampled_from(WIDTHS),
)
def test_labels_fit_for_any_pair_of_amounts(amounts, width):
    check_labels_fit(*amounts, width)


@pytest.mark.parametrize("bold", [False, True])
def test_the_copied_advance_widths_are_the_fonts(bold):
    from fontTools.ttLib import TTFont

    from fichemetier.echelle import ADVANCES, UNITS_PER_EM
    from fichemetier.paths import STYLES

    font = TTFont(STYLES / "fonts" / f"Inter-{'Bold' if bold else 'Regular'}.otf")
    names, metrics = font.getBestCmap(), font["hmtx"]
    assert font["head"].unitsPerEm == UNITS_PER_EM
    assert {c: metrics[names[ord(c)]][0] for c in ADVANCES[bold]} == ADVANCES[bold]
    assert (
        max(metrics[names[ord(c)]][0] for c in "abcdefghijklmnopqrstuvwxyz")
        == (ADVANCES[bold]["m"])
    )  # the widest letter, for one the table lacks


def test_label_widths_are_the_fonts():
    """The seed's "2 000 €" at 3 mm, bold, is 11.3 mm wide; a character the table lacks (none
    of the labels has one) counts as an "m"."""
    assert 11.2 < text_width(euros(2000), 3, bold=True) < 11.4
    assert text_width("W", 3) == text_width("m", 3)


@pytest.mark.parametrize("format", ["a4", "a5"])
@pytest.mark.parametrize(
    ("debutant", "experimente"),
    [(2000, 5000), (1, 1), (1, 100_000), (99_999, 100_000), (9, 10), (1800, 2800)],
)
def test_the_rendered_chart_shows_its_bounds_and_labels_inside_it(
    renderer, write_fiche, tmp_path, format, debutant, experimente
):
    from fichemetier.load import load_fiche
    from fichemetier.model import validate
    from fichemetier.options import RenderOptions

    path = write_fiche(
        "metier: A\nle_metier: b\nremuneration:\n  texte: c\n"
        f"  debutant: {debutant}\n  experimente: {experimente}\n"
    )
    data = renderer.pdf(validate(load_fiche(path)), tmp_path, RenderOptions(format=format))
    page = pypdfium2.PdfDocument(io.BytesIO(data))[0]
    text = page.get_textpage()
    chars = [(text.get_text_range(k, 1), text.get_charbox(k)) for k in range(text.count_chars())]
    drawn = "".join(c for c, _ in chars)
    scale = echelle(debutant, experimente, FORMATS[format].echelle_mm)
    labels = [f"0{NBSP}€", euros(scale.ceiling), euros(debutant), "débutant"]
    labels += [euros(experimente), "expérimenté"]
    boxes = []  # each label's left, bottom, right, top (points), as drawn, in this order
    at = drawn.find(f"0{NBSP}€")
    for label in labels:
        at = drawn.find(label, at)
        assert at >= 0, (label, drawn)  # the amounts copy with their French spaces
        glyphs = [box for c, box in chars[at : at + len(label)] if c.strip()]
        boxes.append(
            (min(b[0] for b in glyphs), min(b[1] for b in glyphs),
             max(b[2] for b in glyphs), max(b[3] for b in glyphs))
        )  # fmt: skip
        at += len(label)
    left, right = boxes[0][0], boxes[1][2]
    assert right - left == pytest.approx(scale.width * 72 / 25.4, abs=1)  # bounds at the ends
    for label, (x0, _, x1, _) in zip(labels[2:], boxes[2:], strict=True):
        assert left - 0.2 <= x0 and x1 <= right + 0.2, label  # never clipped
    first, second = _union(*boxes[2:4]), _union(*boxes[4:6])
    apart = first[2] < second[0] or second[2] < first[0]
    assert apart or first[3] < second[1] or second[3] < first[1]  # the labels apart


def _union(*boxes):
    return (
        min(b[0] for b in boxes), min(b[1] for b in boxes),
        max(b[2] for b in boxes), max(b[3] for b in boxes),
    )  # fmt: skip
