"""Photos: the one place where a fiche's image bytes are decoded.

A photo comes from a phone or a USB stick: it may be truncated, another format under a
.jpg name, 16-bit, CMYK, or 100 megapixels. WeasyPrint would print a truncated photo
half grey (it sets Pillow's `LOAD_TRUNCATED_IMAGES` on import), show the alternative
text for one it cannot read, and embed a camera JPEG at full size. So validation checks
a photo here (header first: a pixel limit before any decoding, then one strict full
decode), and the renderer's fetcher asks here for the image to embed: decoded the same
strict way, turned upright, in RGB or grey, and downsampled to what 300 dpi needs at the
largest printed size. WeasyPrint never decodes the user's bytes, so there is one decoder
policy, the same in a batch and alone.
"""

from __future__ import annotations

import io
import math
import warnings
from pathlib import Path
from typing import IO

from PIL import Image, ImageFile, UnidentifiedImageError

#: Above this, a photo is refused before decoding: 50 megapixels already decode to
#: 150 MB (RGB) and no printed photo of 24 × 30 mm needs a thousandth of that.
MAX_PIXELS = 50_000_000
FORMATS = ("JPEG", "PNG")
#: The largest printed photo frame (A4: 24 × 30 mm, see styles/fiche.css) at 300 dpi,
#: with 5 % to spare so rounding never leaves it below 300 dpi.
PRINT_DPI = 300
FRAME_MM = (24.0, 30.0)
TARGET_PX = tuple(math.ceil(mm / 25.4 * PRINT_DPI * 1.05) for mm in FRAME_MM)
JPEG_QUALITY = 90


class PhotoError(ValueError):
    """A photo that cannot be printed as it is; the message is for the editor (French)."""


def check(path: Path, name: str) -> None:
    """Raise PhotoError unless `path` is a JPEG or PNG that decodes completely."""
    _decoded(path, name)


def suffix_of(raw: bytes, name: str) -> str:
    """`.jpg` or `.png` for an uploaded photo (the studio) that passes the same checks as a
    photo named in a fiche; PhotoError otherwise (SVG, HEIC, a PDF, a truncated file…)."""
    with _decoded(io.BytesIO(raw), name) as image:
        return ".jpg" if image.format == "JPEG" else ".png"


def printable(path: Path) -> tuple[bytes, str]:
    """The photo as it is embedded: (bytes, MIME type). Small upright RGB or grey photos
    are passed through untouched; anything else is decoded, downsampled to TARGET_PX
    (cover-fit, as the frame crops) *before* any conversion, so that memory stays that
    of one decoded photo, then made RGB or grey and turned upright."""
    image = _decoded(path, path.name)
    turn = _TURNS.get(image.getexif().get(0x0112, 1))
    plain = image.mode in ("RGB", "L") and "icc_profile" not in image.info
    if turn is None and plain and _fits(image):
        return path.read_bytes(), Image.MIME[str(image.format)]
    if image.mode in ("P", "PA", "1"):
        image = _printable_mode(image)
    width, height = TARGET_PX[::-1] if turn in _SIDEWAYS else TARGET_PX
    scale = max(width / image.width, height / image.height)
    if scale < 1:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = _resized(image, size)
    image = _printable_mode(image)
    if turn is not None:
        image = image.transpose(turn)
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA"):
        image.save(out, "PNG")
        return out.getvalue(), "image/png"
    image.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue(), "image/jpeg"


#: EXIF orientation → the turn that shows the photo upright (as ImageOps.exif_transpose).
_TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SIDEWAYS = (Image.Transpose.TRANSPOSE, Image.Transpose.ROTATE_270,
             Image.Transpose.TRANSVERSE, Image.Transpose.ROTATE_90)  # fmt: skip


def _decoded(path: Path | IO[bytes], name: str) -> Image.Image:
    """Open with the pixel limit checked on the header, then decode strictly."""
    ImageFile.LOAD_TRUNCATED_IMAGES = False  # WeasyPrint turns it on when imported
    unreadable = PhotoError(f"« {name} » n'est pas une image lisible (JPEG ou PNG)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path, formats=FORMATS)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _too_big(name, None) from None
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError):
        raise unreadable from None
    with image:
        if image.width * image.height > MAX_PIXELS:
            raise _too_big(name, image.size)
        if image.format == "JPEG":
            # Decode at a reduced scale (JPEG's own 1/2…1/8) when that still covers the
            # frame: a 12-megapixel photo then costs a sixteenth of the memory.
            image.draft("RGB" if image.mode == "RGB" else image.mode, _draft_size(image))
        try:
            image.load()
        except (OSError, SyntaxError, ValueError, EOFError):
            raise PhotoError(
                f"« {name} » est une image abîmée (tronquée ou corrompue) : "
                "copiez-la de nouveau depuis l'original"
            ) from None
        return image


def _draft_size(image: Image.Image) -> tuple[int, int]:
    """The smallest size still covering the frame, whichever way the photo is turned."""
    side = max(TARGET_PX)
    return (side, side)


def _resized(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Pillow resizes an image with alpha through a premultiplied full-size copy (+200 MB
    at 50 megapixels): bands one at a time cost a quarter of that."""
    if image.mode not in ("RGBA", "LA"):
        return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    bands = [
        image.getchannel(band).resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
        for band in image.getbands()
    ]
    return Image.merge(image.mode, bands)


def _fits(image: Image.Image) -> bool:
    return image.width <= TARGET_PX[0] * 2 and image.height <= TARGET_PX[1] * 2


def _printable_mode(image: Image.Image) -> Image.Image:
    """RGB, grey, or with alpha: what a PDF (and PDF/A) embeds without surprise. 16-bit
    grey is scaled to 8 bits (a plain convert would clip it to white); CMYK becomes RGB."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        maximum = 65535 if image.mode.startswith("I;16") else max(int(image.getextrema()[1]), 1)  # type: ignore[arg-type]
        image = image.convert("I").point(lambda v: v * (255 / maximum)).convert("L")
    if image.mode in ("RGB", "L", "RGBA", "LA"):
        return image
    if image.mode == "P" and "transparency" in image.info or image.mode == "PA":
        return image.convert("RGBA")
    return image.convert("RGB")


def _too_big(name: str, size: tuple[int, int] | None) -> PhotoError:
    pixels = f"{size[0]} × {size[1]} pixels, " if size else ""
    return PhotoError(
        f"« {name} » est une image trop grande ({pixels}au plus "
        f"{MAX_PIXELS // 1_000_000} mégapixels) : réduisez-la (une photo de 2 000 pixels "
        "de côté suffit largement)"
    )
