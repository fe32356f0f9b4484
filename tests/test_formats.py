"""Formats and print-shop output, read from the PDFs: page boxes, budget, bleed, marks."""

from __future__ import annotations

import io

import pikepdf
import pypdfium2
import pytest

from fichemetier.options import FORMATS, RenderOptions
from fichemetier.render import theme_colours

from .conftest import SEED_YAML

MM = 72 / 25.4
SIZES = {  # (format, print) → MediaBox size in mm: the page, + 3 mm bleed + 7 mm slug a side
    ("a4", False): (210, 297),
    ("a5", False): (148, 210),
    ("a4", True): (230, 317),
    ("a5", True): (168, 230),
}
BLEED, SLUG = 3.0, 7.0  # mm, each side (impression.css, finishing.SLUG)


@pytest.fixture(scope="module")
def rendered(renderer, seed_fiche):
    cache: dict[tuple[str, bool], bytes] = {}

    def get(format: str, bleed: bool) -> bytes:
        if (format, bleed) not in cache:
            options = RenderOptions(format=format, print=bleed)
            cache[format, bleed] = renderer.pdf(seed_fiche, SEED_YAML.parent, options)
        return cache[format, bleed]

    return get


def boxes_mm(page: pikepdf.Page) -> dict[str, list[float]]:
    return {
        name: [round(float(v) / MM, 1) for v in page[f"/{name}"]]
        for name in ("MediaBox", "TrimBox", "BleedBox")
    }


@pytest.mark.parametrize(("format", "bleed"), list(SIZES))
def test_page_size_and_boxes(rendered, format, bleed):
    width, height = SIZES[format, bleed]
    with pikepdf.open(io.BytesIO(rendered(format, bleed))) as pdf:
        for page in pdf.pages:
            boxes = boxes_mm(page)
            x0, y0, x1, y1 = boxes["MediaBox"]
            assert (round(x1 - x0), round(y1 - y0)) == (width, height)
            trim, bleed_box = boxes["TrimBox"], boxes["BleedBox"]
            trim_size = SIZES[format, False]
            assert (round(trim[2] - trim[0]), round(trim[3] - trim[1])) == trim_size
            slug = SLUG if bleed else 0.0
            assert bleed_box[0] - x0 == pytest.approx(slug, abs=0.1)
            assert y1 - bleed_box[3] == pytest.approx(slug, abs=0.1)
            inset = BLEED if bleed else 0.0
            assert trim[0] - bleed_box[0] == pytest.approx(inset, abs=0.1)
            assert bleed_box[3] - trim[3] == pytest.approx(inset, abs=0.1)


@pytest.mark.parametrize("format", sorted(FORMATS))
def test_the_seed_fits_the_page_budget(rendered, format):
    with pikepdf.open(io.BytesIO(rendered(format, False))) as pdf:
        assert 1 <= len(pdf.pages) <= FORMATS[format].page_budget


def first_page_pixels(data: bytes, dpi: int = 150):
    page = pypdfium2.PdfDocument(data)[0]
    return page.render(scale=dpi / 72).to_pil().convert("RGB")


def hex_colour(rgb: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{c:02x}" for c in rgb)


def close(a: tuple[int, int, int], b: str) -> bool:
    b_rgb = tuple(int(b[i : i + 2], 16) for i in (1, 3, 5))
    return all(abs(x - y) <= 6 for x, y in zip(a, b_rgb, strict=True))


@pytest.mark.parametrize("format", sorted(FORMATS))
def test_the_header_band_runs_into_the_bleed_and_stops_there(rendered, format):
    band, dpi = theme_colours()["bandeau"], 150
    px = dpi / 25.4  # pixels per mm
    image = first_page_pixels(rendered(format, True), dpi)
    width, _ = image.size
    edge = round((SLUG + 0.3) * px)  # just inside the bleed's outer edge
    for x in (width // 4, width // 2, 3 * width // 4):
        assert close(image.getpixel((x, edge)), band), hex_colour(image.getpixel((x, edge)))
        assert image.getpixel((x, round(3 * px))) == (255, 255, 255)  # the slug: paper
    assert close(image.getpixel((edge, 60 + edge)), band)
    assert close(image.getpixel((width - 1 - edge, 60 + edge)), band)


def test_crop_marks_show_in_the_slug_only_with_print(rendered):
    dpi = 300
    px = dpi / 25.4  # pixels per mm
    image = first_page_pixels(rendered("a4", True), dpi)
    # the vertical mark of the top-left corner: on the trim line x = 10 mm, from 1.5 mm
    # to 6.5 mm down, on white paper, clear of the bleed (7 mm to 10 mm, the band)
    x = round((SLUG + BLEED) * px)
    column = [image.getpixel((x, round(y * px))) for y in (2.0, 3.0, 4.0, 5.0, 6.0)]
    assert all(max(rgb) < 90 for rgb in column), column
    assert image.getpixel((x + round(0.5 * px), round(4 * px))) == (255, 255, 255)
    assert max(image.getpixel((x, round(6.8 * px)))) > 200  # the gap before the bleed
    plain = first_page_pixels(rendered("a4", False), dpi)
    assert close(plain.getpixel((1, 1)), theme_colours()["bandeau"])


def test_a5_is_designed_not_shrunk(rendered):
    """The leaflet's text is not the A4 scaled down: body text stays readable (≥ 8 pt)."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(rendered("a5", False))) as pdf:
        sizes = [round(c["size"], 1) for c in pdf.pages[0].chars if c["text"].isalpha()]
    body = max(set(sizes), key=sizes.count)
    assert body >= 8.0
    with pdfplumber.open(io.BytesIO(rendered("a4", False))) as pdf:
        sizes4 = [round(c["size"], 1) for c in pdf.pages[0].chars if c["text"].isalpha()]
    assert body / max(set(sizes4), key=sizes4.count) > 148 / 210 + 0.15


@pytest.mark.parametrize(("format", "frame"), [("a4", (24, 30)), ("a5", (19, 23.75))])
def test_portrait_is_framed_beside_the_quote_in_both_formats(renderer, tmp_path, format, frame):
    """The photo keeps a 4:5 frame sized for the format, left of the quote, inside the
    testimony box, whatever the shape of the picture (object-fit: cover)."""
    from PIL import Image

    from fichemetier.load import load_fiche
    from fichemetier.model import validate
    from fichemetier.weasyprint_internals import placed_boxes

    Image.new("RGB", (1200, 800), (40, 70, 120)).save(tmp_path / "ailin.jpg")
    text = SEED_YAML.read_text(encoding="utf-8").replace(
        "  auteur: Ailin\n", "  auteur: Ailin\n  photo: ailin.jpg\n"
    )
    (tmp_path / "fiche.yaml").write_text(text, encoding="utf-8")
    fiche = validate(load_fiche(tmp_path / "fiche.yaml"))
    document = renderer.layout(fiche, tmp_path, RenderOptions(format=format))
    found = {}
    for box, _, _, _ in placed_boxes(document.pages[0]):
        classes = (box.element.get("class") or "") if box.element is not None else ""
        for name in ("portrait", "temoignage"):
            if name in classes.split() and name not in found:
                found[name] = box
        if getattr(box, "text", "").startswith("«") and "quote" not in found:
            found["quote"] = box  # the first line of the quote, wrapped beside the photo
    photo, quote, figure = found["portrait"], found["quote"], found["temoignage"]
    px = 96 / 25.4
    assert (photo.width / px, photo.height / px) == pytest.approx(frame, abs=0.05)
    assert photo.border_box_x() + photo.border_width() < quote.position_x
    assert figure.content_box_y() <= photo.position_y
    assert photo.position_y + photo.margin_height() <= figure.position_y + figure.height + 40
