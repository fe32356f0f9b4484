"""finishing: what is drawn on a PDF after WeasyPrint (QR codes, crop marks), on a small
PDF made here, so that each drawing is checked alone."""

from __future__ import annotations

import io
import re
import sys

import pikepdf

from fichemetier.finishing import Finishing, QRPlacement, finish
from fichemetier.qrcodes import QUIET, qr_runs

URL = "https://www.onisep.fr/metier/boulanger"
MEDIA, TRIM = [0, 0, 612, 858], [8.5, 8.5, 603.5, 849.5]  # A4 + 3 mm bleed, in points


def blank_pdf(trim: list[float] = TRIM) -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(MEDIA[2], MEDIA[3]))
    pdf.pages[0].TrimBox = pikepdf.Array(trim)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def drawn(pdf: bytes) -> str:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        page.contents_coalesce()
        return page.Contents.read_bytes().decode()


def test_a_qr_code_is_drawn_as_an_artifact_one_rectangle_per_dark_run():
    code = QRPlacement(page=0, x=100, y=700, module=0.75, url=URL)
    content = drawn(finish(blank_pdf(), [code], "#123456", Finishing()))
    [artifact] = re.findall(r"/Artifact BMC(.*?)EMC", content, re.S)
    size, runs = qr_runs(URL)
    assert artifact.count(" 1 re") == len(runs)  # modules: one unit-high rectangle per run
    side = (size + 2 * QUIET) * 0.75
    assert f"100.000 {700 - side:.3f} {side:.3f} {side:.3f} re f" in artifact  # white ground
    assert "0.071 0.204 0.337 rg" in artifact  # the theme colour #123456


def test_no_crop_marks_unless_asked():
    assert " m " not in drawn(finish(blank_pdf(), [], "#000000", Finishing()))


def test_crop_marks_sit_in_a_slug_outside_the_bleed_on_the_trim_lines():
    pdf = finish(blank_pdf(), [], "#000000", Finishing(crop_marks=True))
    content = drawn(pdf)
    segments = re.findall(r"(-?[\d.]+) (-?[\d.]+) m (-?[\d.]+) (-?[\d.]+) l", content)
    assert len(segments) == 8  # 2 per corner, drawn once: on white paper, no halo
    with pikepdf.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        media, bleed = ([float(v) for v in page[name]] for name in ("/MediaBox", "/BleedBox"))
    assert bleed == MEDIA  # the bleed WeasyPrint made, now inside a larger media box
    assert [round(m - b) for m, b in zip(media, bleed, strict=True)] == [-20, -20, 20, 20]
    x0, y0, x1, y1 = TRIM
    for segment in segments:
        ax, ay, bx, by = map(float, segment)
        for x, y in ((ax, ay), (bx, by)):
            assert not (MEDIA[0] <= x <= MEDIA[2] and MEDIA[1] <= y <= MEDIA[3]), "in the bleed"
        assert ax == bx and {ax} <= {x0, x1} or ay == by and {ay} <= {y0, y1}


def test_a_pdf_without_structure_tree_keeps_its_pages():
    with pikepdf.open(io.BytesIO(finish(blank_pdf(), [], "#000000", Finishing()))) as pdf:
        assert len(pdf.pages) == 1 and "/StructTreeRoot" not in pdf.Root


def test_the_qr_caches_stay_small_once_full():
    """A warm process (the studio, a catalogue's worker) meets thousands of distinct links:
    full, the QR caches must hold a few MB, not hundreds (a code's runs as Python tuples
    are ~70 KB; 4 096 of them and their rectangles took ~330 MB)."""
    from fichemetier.finishing import qr_rects

    def size(value) -> int:  # what a cache entry holds (small ints are shared)
        if isinstance(value, tuple):
            return sys.getsizeof(value) + sum(size(item) for item in value)
        return 0 if isinstance(value, int) and -5 <= value <= 256 else sys.getsizeof(value)

    url = URL + "/cache"
    full = qr_runs.cache_info().maxsize * size(qr_runs.__wrapped__(url))
    full += qr_rects.cache_info().maxsize * size(qr_rects.__wrapped__(url))
    assert full < 32 * 2**20, f"{full / 2**20:.0f} MB"
