"""Print-shop files (`--print`), read back from the PDFs: a slug around the bleed with the
crop marks in it, marks, QR codes and text in black ink only (100 % K), total ink within
300 % (Ghostscript), and the PDF/X-4 identity (output intent, GTS_PDFXVersion, Trapped)."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from fichemetier.options import RenderOptions

from .conftest import ROOT, SEED_YAML

MM = 72 / 25.4
BLACK_INK = {("cmyk", (0.0, 0.0, 0.0, 1.0)), ("gray", (0.0,))}


@pytest.fixture(scope="module")
def rendered(renderer, seed_fiche):
    cache: dict[tuple[str, bool], bytes] = {}

    def get(format: str = "a4", pdfa: bool = False) -> bytes:
        if (format, pdfa) not in cache:
            options = RenderOptions(format=format, print=True, pdfa=pdfa)
            cache[format, pdfa] = renderer.pdf(seed_fiche, SEED_YAML.parent, options)
        return cache[format, pdfa]

    return get


@dataclass
class Paint:
    """One painted path or text run: its operator, colour and points (page space)."""

    op: str
    colour: tuple[str, tuple[float, ...]]
    #: One list of points per subpath (a rectangle is one, by two corners).
    subpaths: list[list[tuple[float, float]]] = field(default_factory=list)
    rects: int = 0
    artifact: bool = False


COLOUR_OPS = {"rg": "rgb", "RG": "rgb", "k": "cmyk", "K": "cmyk", "g": "gray", "G": "gray"}
SPACES = {"/DeviceRGB": "rgb", "/DeviceCMYK": "cmyk", "/DeviceGray": "gray"}


def paints(page: pikepdf.Page) -> list[Paint]:
    """What the page's content stream paints, with the colour each thing is painted in:
    a small interpreter of the graphics state (q/Q, cm, colours, marked content)."""
    state = {"fill": ("gray", (0.0,)), "stroke": ("gray", (0.0,)), "ctm": (1, 0, 0, 1, 0, 0)}
    state["fs"], state["ss"] = "gray", "gray"
    stack, marked, found = [], [], []
    path: list[list[tuple[float, float]]] = []
    rects = 0
    for operands, operator in pikepdf.parse_content_stream(page):
        op, args = str(operator), list(operands)
        nums = [float(a) for a in args if isinstance(a, int | float | Decimal)]
        if op == "q":
            stack.append(dict(state))
        elif op == "Q":
            state = stack.pop()
        elif op == "cm":
            state["ctm"] = _multiply(tuple(nums), state["ctm"])
        elif op in COLOUR_OPS:
            key = "fill" if op.islower() else "stroke"
            state[key] = (COLOUR_OPS[op], tuple(round(n, 4) for n in nums))
        elif op in ("cs", "CS"):
            state["fs" if op == "cs" else "ss"] = SPACES.get(str(args[0]), str(args[0]))
        elif op in ("sc", "scn", "SC", "SCN"):
            key, space = ("fill", "fs") if op.islower() else ("stroke", "ss")
            state[key] = (state[space], tuple(round(n, 4) for n in nums))
        elif op in ("BMC", "BDC"):
            marked.append(str(args[0]))
        elif op == "EMC":
            marked.pop()
        elif op == "m":
            path.append([_apply(state["ctm"], nums[0], nums[1])])
        elif op == "l":
            path[-1].append(_apply(state["ctm"], nums[0], nums[1]))
        elif op == "re":
            x, y, w, h = nums
            path.append([_apply(state["ctm"], x, y), _apply(state["ctm"], x + w, y + h)])
            rects += 1
        elif op in ("S", "s", "f", "F", "f*", "B", "B*", "b", "b*"):
            colour = state["stroke"] if op in ("S", "s") else state["fill"]
            found.append(Paint(op, colour, path, rects, "/Artifact" in marked))
            path, rects = [], 0
        elif op == "n":
            path, rects = [], 0
        elif op in ("Tj", "TJ", "'", '"'):
            found.append(Paint(op, state["fill"], [], 0, "/Artifact" in marked))
    return found


def _multiply(m, n):
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
        e * a2 + f * c2 + e2, e * b2 + f * d2 + f2,
    )  # fmt: skip


def _apply(m, x, y):
    a, b, c, d, e, f = m
    return (a * x + c * y + e, b * x + d * y + f)


def box(page: pikepdf.Page, name: str) -> list[float]:
    return [float(v) for v in page[f"/{name}"]]


def marks(page: pikepdf.Page) -> list[Paint]:
    """The stroked artifacts outside the trimmed page: the crop marks."""
    x0, y0, x1, y1 = box(page, "TrimBox")
    return [
        paint
        for paint in paints(page)
        if paint.op == "S"
        and paint.artifact
        and all(not (x0 < x < x1 and y0 < y < y1) for sub in paint.subpaths for x, y in sub)
    ]


@pytest.mark.parametrize("format", ["a4", "a5"])
def test_the_media_box_holds_a_slug_around_the_bleed(rendered, format):
    with pikepdf.open(io.BytesIO(rendered(format))) as pdf:
        for page in pdf.pages:
            media, bleed, trim = (box(page, n) for n in ("MediaBox", "BleedBox", "TrimBox"))
            for side in range(4):
                outward = -1 if side < 2 else 1
                bleed_mm = (bleed[side] - trim[side]) * outward / MM
                slug_mm = (media[side] - bleed[side]) * outward / MM
                assert bleed_mm == pytest.approx(3, abs=0.05)
                assert slug_mm >= 5 + 0.5, "no room for 5 mm marks outside the bleed"


@pytest.mark.parametrize("format", ["a4", "a5"])
def test_crop_marks_sit_in_the_slug_outside_the_bleed(rendered, format):
    with pikepdf.open(io.BytesIO(rendered(format))) as pdf:
        for page in pdf.pages:
            media, bleed, trim = (box(page, n) for n in ("MediaBox", "BleedBox", "TrimBox"))
            segments = [sub for mark in marks(page) for sub in mark.subpaths]
            assert len(segments) == 8, segments  # two per corner
            for (ax, ay), (bx, by) in segments:
                for x, y in ((ax, ay), (bx, by)):
                    assert media[0] <= x <= media[2] and media[1] <= y <= media[3]
                    inside_bleed = bleed[0] <= x <= bleed[2] and bleed[1] <= y <= bleed[3]
                    assert not inside_bleed, f"a mark reaches into the bleed at {x:.1f},{y:.1f}"
                if ax == bx:  # vertical: on a trim line, 3 mm or more above or below the trim
                    assert ax in (trim[0], trim[2]) or min(abs(ax - t) for t in trim[::2]) < 0.01
                    gap = min(abs(y - t) for y in (ay, by) for t in (trim[1], trim[3]))
                    length = abs(ay - by)
                else:
                    assert ay == by and min(abs(ay - t) for t in trim[1::2]) < 0.01
                    gap = min(abs(x - t) for x in (ax, bx) for t in (trim[0], trim[2]))
                    length = abs(ax - bx)
                assert gap >= 3 * MM
                assert length == pytest.approx(5 * MM, abs=0.5 * MM)


def test_marks_and_qr_codes_are_drawn_in_black_ink_only(rendered):
    with pikepdf.open(io.BytesIO(rendered("a4"))) as pdf:
        for page in pdf.pages:
            for mark in marks(page):
                assert mark.colour in BLACK_INK, mark.colour
        modules = [p for p in paints(pdf.pages[0]) if p.artifact and p.rects >= 20]
        assert len(modules) >= 2  # the page's QR codes
        for qr in modules:
            assert qr.colour in BLACK_INK, qr.colour


def test_a_print_file_for_an_archive_keeps_its_marks_in_gray_black(rendered):
    """With --pdfa the output intent is sRGB: DeviceCMYK would break PDF/A, DeviceGray 0
    is still 100 % K on the press."""
    with pikepdf.open(io.BytesIO(rendered("a4", pdfa=True))) as pdf:
        page = pdf.pages[0]
        assert {m.colour for m in marks(page)} == {("gray", (0.0,))}
        modules = [p for p in paints(page) if p.artifact and p.rects >= 20]
        assert modules and {qr.colour for qr in modules} == {("gray", (0.0,))}


def test_body_text_is_set_in_black_ink(rendered):
    with pikepdf.open(io.BytesIO(rendered("a4"))) as pdf:
        texts = [p.colour for p in paints(pdf.pages[0]) if p.op in ("Tj", "TJ")]
    body = max(set(texts), key=texts.count)
    assert body == ("cmyk", (0.0, 0.0, 0.0, 1.0)), body


def test_no_text_is_left_in_the_themes_rgb_black_or_grey(rendered):
    """Body text, grey text and the salary chart's labels (SVG): all in K, none in RGB."""
    from fichemetier.render import theme_colours

    theme = theme_colours()
    rgb = {
        ("rgb", tuple(round(int(theme[n][i : i + 2], 16) / 255, 4) for i in (1, 3, 5)))
        for n in ("texte", "discret")
    }
    with pikepdf.open(io.BytesIO(rendered("a4"))) as pdf:
        texts = {p.colour for page in pdf.pages for p in paints(page) if p.op in ("Tj", "TJ")}
    assert ("cmyk", (0.0, 0.0, 0.0, 0.75)) in texts
    assert not texts & rgb, texts & rgb


def test_a_print_file_declares_pdf_x4_with_a_cmyk_output_intent(rendered):
    with pikepdf.open(io.BytesIO(rendered("a4"))) as pdf:
        [intent] = [i for i in pdf.Root.OutputIntents if i.S == "/GTS_PDFX"]
        assert str(intent.OutputConditionIdentifier) == "FOGRA39"
        assert str(intent.RegistryName) == "http://www.color.org"
        assert int(intent.DestOutputProfile.N) == 4
        assert intent.DestOutputProfile.read_bytes()[16:20] == b"CMYK"
        assert str(pdf.docinfo["/GTS_PDFXVersion"]) == "PDF/X-4"
        assert pdf.docinfo["/Trapped"] == pikepdf.Name("/False")
        xmp = pdf.open_metadata()
        assert xmp["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"
        assert xmp["pdf:Trapped"] == "False"


def ghostscript() -> str:
    found = shutil.which("gs")
    if found is None:
        message = "Ghostscript (gs) introuvable : apt-get install ghostscript"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def ink_peaks(pdf: bytes, folder: Path, dpi: int = 50) -> list[float]:
    """The most ink any point of each page takes (C+M+Y+K, in %), as Ghostscript separates
    it through the file's own output intent (-dUsePDFX3Profile)."""
    source = folder / "x.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [ghostscript(), "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dUsePDFX3Profile",
         "-sDEVICE=tiff32nc", f"-r{dpi}", "-o", str(folder / "p%d.tif"), str(source)],
        check=True, timeout=120,
    )  # fmt: skip
    peaks = []
    for tif in sorted(folder.glob("p*.tif"), key=lambda p: int(p.stem[1:])):
        with Image.open(tif) as image:
            bands = [band.get_flattened_data() for band in image.split()]
        peaks.append(max(map(sum, zip(*bands, strict=True))) * 100 / 255)
    return peaks


@pytest.mark.parametrize("format", ["a4", "a5"])
def test_total_ink_stays_within_300_percent_on_every_page(rendered, format, tmp_path):
    peaks = ink_peaks(rendered(format), tmp_path)
    print(format, "ink peaks (%):", [round(peak) for peak in peaks])
    assert peaks and all(peak <= 300 for peak in peaks), peaks


@pytest.fixture(scope="module")
def photo_fiche(tmp_path_factory):
    """The seed with a dark, saturated portrait: deep shadows, the photo's worst case."""
    from fichemetier.load import load_fiche
    from fichemetier.model import validate

    folder = tmp_path_factory.mktemp("photo")
    ramp = Image.linear_gradient("L")  # 256 × 256, black at the top-left corner
    photo = Image.merge("RGB", (ramp, Image.new("L", ramp.size, 10), ramp.rotate(90)))
    photo.resize((400, 500)).save(folder / "ailin.jpg", quality=92)
    text = SEED_YAML.read_text(encoding="utf-8").replace(
        "  auteur: Ailin\n", "  auteur: Ailin\n  photo: ailin.jpg\n"
    )
    (folder / "fiche.yaml").write_text(text, encoding="utf-8")
    return validate(load_fiche(folder / "fiche.yaml")), folder


def image_spaces(pdf: bytes) -> set[str]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return {
            str(image.ColorSpace) for page in document.pages for image in page.get_images().values()
        }


def test_a_photo_goes_to_the_press_in_cmyk_within_300_percent(renderer, photo_fiche, tmp_path):
    """Photos are converted through the output intent's profile (its 300 % ink limit): an
    RGB photo would be converted by the RIP with a profile of its choosing."""
    fiche, folder = photo_fiche
    plain = renderer.pdf(fiche, folder, RenderOptions())
    assert image_spaces(plain) == {"/DeviceRGB"}  # screen and office printer: untouched
    pdf = renderer.pdf(fiche, folder, RenderOptions(print=True))
    assert image_spaces(pdf) == {"/DeviceCMYK"}
    peaks = ink_peaks(pdf, tmp_path)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        [image] = document.pages[0].get_images().values()
        bands = pikepdf.PdfImage(image).as_pil_image().split()  # every pixel, as embedded
    peaks.append(
        max(map(sum, zip(*(b.get_flattened_data() for b in bands), strict=True))) * 100 / 255
    )
    print("photo ink peaks (%):", [round(peak) for peak in peaks])
    assert all(peak <= 300 for peak in peaks), peaks


def test_an_editions_text_colour_still_goes_to_the_press_in_black_ink(renderer, seed_fiche):
    """An edition may set its own text colour; a print file still sets the body in K."""
    from fichemetier.edition import Edition

    edition = Edition(titre="Salon", couleurs={"texte": "#1a1a40"})
    options = RenderOptions(print=True, edition=edition)
    pdf = renderer.pdf(seed_fiche, SEED_YAML.parent, options)
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        texts = [p.colour for p in paints(opened.pages[0]) if p.op in ("Tj", "TJ")]
    assert max(set(texts), key=texts.count) == ("cmyk", (0.0, 0.0, 0.0, 1.0))


def test_a_bound_catalogues_blank_page_keeps_its_marks_in_black_ink(tmp_path):
    """A one-page fiche is given two pages in a catalogue: the second, blank, is drawn by
    the binding (assembly.py), its crop marks in 100 % K like every other page's."""
    from fichemetier.cli import main

    short = ROOT / "tests" / "data" / "electricienne.yaml"
    last = tmp_path / "menuisiere.yaml"
    last.write_text("metier: Menuisière\nle_metier: Elle fabrique des meubles.\n", "utf-8")
    out = tmp_path / "catalogue.pdf"
    assert main([str(short), str(last), "--catalogue", str(out), "--print", "-q", "-j", "1"]) == 0
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 5  # cover, contents, Électricienne and a blank, Menuisière
        blank = pdf.pages[3]
        assert not [p for p in paints(blank) if p.op in ("Tj", "TJ")]  # the blank page
        assert sum(len(m.subpaths) for m in marks(blank)) == 8
        assert {m.colour for m in marks(blank)} == {("cmyk", (0.0, 0.0, 0.0, 1.0))}
