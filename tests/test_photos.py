"""Photos from phones and USB sticks: each is printed as it looks, or refused with a
located message; never a grey box, a black box or the alternative text with exit 0."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap

import pikepdf
import pytest
from pikepdf import PdfImage
from PIL import Image, ImageStat

from fichemetier import photos
from fichemetier.errors import FicheError
from fichemetier.load import load_fiche
from fichemetier.model import validate
from fichemetier.options import RenderOptions

from .conftest import ROOT

FICHE = """\
metier: Boulanger
le_metier: Il fabrique le pain.
temoignage:
  citation: J'aime le matin.
  auteur: Paul
  photo: {name}
"""


def gradient(size=(600, 800), mode="RGB") -> Image.Image:
    """A photo-like image: colours change across it, so a grey or black box shows."""
    image = Image.new("RGB", size)
    width, height = size
    image.putdata(
        [(x * 255 // width, y * 255 // height, 128) for y in range(height) for x in range(width)]
    )
    return image.convert(mode) if mode != "RGB" else image


def encoded(image: Image.Image, kind: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def fiche_with(tmp_path, name: str, data: bytes):
    (tmp_path / name).write_bytes(data)
    path = tmp_path / "fiche.yaml"
    path.write_text(FICHE.format(name=name), encoding="utf-8")
    return path


def problem_of(path) -> str:
    with pytest.raises(FicheError) as caught:
        validate(load_fiche(path))
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (6, "temoignage.photo")
    return problem.message


def embedded_photo(pdf: bytes) -> Image.Image:
    """The one raster image of the PDF, as embedded."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        images = [PdfImage(x) for p in doc.pages for x in p.get_images().values()]
        [image] = images
        return image.as_pil_image().convert("RGB")


GOOD = gradient()
JPEG = encoded(GOOD, "JPEG", quality=95)
PNG = encoded(GOOD, "PNG")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("tronquee.jpg", JPEG[: len(JPEG) // 2], "est une image abîmée (tronquée ou corrompue)"),
        ("tronquee.png", PNG[: len(PNG) // 2], "est une image abîmée (tronquée ou corrompue)"),
        (
            "corrompue.png",
            PNG[:200] + bytes(b ^ 0x55 for b in PNG[200:400]) + PNG[400:],
            "est une image abîmée (tronquée ou corrompue)",
        ),
        ("eps.jpg", b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", "n'est pas une image"),
        ("gif.png", encoded(gradient((20, 20)), "GIF"), "n'est pas une image lisible"),
    ],
)
def test_broken_photo_is_refused_with_its_line(renderer, tmp_path, name, data, message):
    """`renderer` imports WeasyPrint first, which loosens Pillow (LOAD_TRUNCATED_IMAGES):
    the check must not depend on what was imported before."""
    assert f"« {name} » {message}" in problem_of(fiche_with(tmp_path, name, data))


def _photo_after_render(renderer, tmp_path, name, data, options=None):
    path = fiche_with(tmp_path, name, data)
    pdf = renderer.pdf(validate(load_fiche(path)), tmp_path, options or RenderOptions())
    return embedded_photo(pdf)


def pixels(image: Image.Image) -> list:
    """Every pixel, row by row (getdata() is deprecated in Pillow 12)."""
    return [image.getpixel((x, y)) for y in range(image.height) for x in range(image.width)]


def _looks_like(printed: Image.Image, original: Image.Image) -> None:
    """Same picture: each quarter has about the same mean colour (a grey box fails)."""
    printed = printed.resize((4, 4), Image.Resampling.BOX)
    original = original.convert("RGB").resize((4, 4), Image.Resampling.BOX)
    for a, b in zip(pixels(printed), pixels(original), strict=True):
        assert max(abs(x - y) for x, y in zip(a, b, strict=True)) < 24, (a, b)


def test_16_bit_grey_png_prints_its_greys(renderer, tmp_path):
    grey = gradient().convert("L")
    wide = Image.new("I;16", grey.size)
    wide.putdata([v * 257 for v in pixels(grey)])
    printed = _photo_after_render(renderer, tmp_path, "gris16.png", encoded(wide, "PNG"))
    assert ImageStat.Stat(printed.convert("L")).stddev[0] > 30  # not a flat white box
    _looks_like(printed, grey)


def test_cmyk_jpeg_prints_in_pdfa(renderer, tmp_path):
    """PDF/A forbids device CMYK without a CMYK output intent: the photo is made RGB."""
    cmyk = encoded(GOOD.convert("CMYK"), "JPEG", quality=95)
    path = fiche_with(tmp_path, "cmjn.jpg", cmyk)
    pdf = renderer.pdf(validate(load_fiche(path)), tmp_path, RenderOptions(pdfa=True))
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        spaces = {str(x.get("/ColorSpace")) for p in doc.pages for x in p.get_images().values()}
    assert spaces == {"/DeviceRGB"}
    printed = _photo_after_render(renderer, tmp_path, "cmjn.jpg", cmyk, RenderOptions(pdfa=True))
    _looks_like(printed, GOOD.convert("CMYK").convert("RGB"))


def test_camera_photo_is_embedded_at_300_dpi_not_full_size(renderer, tmp_path):
    camera = gradient((4000, 3000)).rotate(0)
    exif = Image.Exif()
    exif[0x0112] = 6  # taken with the phone turned: shown rotated 90° clockwise
    data = encoded(camera, "JPEG", quality=90, exif=exif)
    printed = _photo_after_render(renderer, tmp_path, "camera.jpg", data)
    upright = camera.transpose(Image.Transpose.ROTATE_270)
    assert printed.width < printed.height  # turned upright, as a viewer shows it
    # at least 300 dpi in the 24 × 30 mm frame (cover-fit), and not much more
    need = (24 / 25.4 * 300, 30 / 25.4 * 300)
    scale = max(need[0] / printed.width, need[1] / printed.height)
    assert 0.85 < scale <= 1.0, printed.size
    _looks_like(printed, upright)


def test_photo_of_too_many_pixels_is_refused_before_decoding(tmp_path):
    """The header alone says 60 megapixels: refused at once, in little memory."""
    big = encoded(Image.new("L", (10_000, 6_000)), "PNG")
    message = problem_of(fiche_with(tmp_path, "enorme.png", big))
    assert "« enorme.png » est une image trop grande (10000 × 6000 pixels, au plus 50" in message
    bomb = encoded(Image.new("1", (20_000, 10_000)), "PNG")  # Pillow's own bomb limit
    assert "est une image trop grande" in problem_of(fiche_with(tmp_path, "bombe.png", bomb))


WORST_PHOTO = r"""
import re, sys, time
from pathlib import Path
from fichemetier import render  # WeasyPrint imported, as in a worker
from fichemetier.photos import check, printable
path = Path(sys.argv[1])
start = time.perf_counter()
check(path, path.name)
data, kind = printable(path)
peak = re.search(r"VmHWM:\s+(\d+) kB", Path("/proc/self/status").read_text())[1]
print(time.perf_counter() - start, int(peak) // 1024)  # peak memory of this process
"""


@pytest.mark.parametrize(("kind", "mode"), [("PNG", "RGBA"), ("PNG", "P"), ("JPEG", "CMYK")])
def test_worst_photo_under_the_limit_is_fast_and_small(tmp_path, kind, mode):
    """A photo just under MAX_PIXELS (PNG: no reduced decoding) is checked and prepared in
    a fresh process in under 10 s and 500 MB (figures in the README)."""
    side = int(photos.MAX_PIXELS**0.5) - 1
    path = tmp_path / f"pire.{kind.lower()}"
    gradient((side // 50, side // 50), mode).resize((side, side)).save(path, kind)
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(WORST_PHOTO), str(path)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    seconds, megabytes = map(float, out.stdout.split())
    print(f"{kind} {mode} {side}×{side}: {seconds:.1f} s, {megabytes:.0f} MB")
    assert seconds < 10 and megabytes < 500
