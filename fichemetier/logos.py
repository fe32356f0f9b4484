"""Logos of an edition: PNG, PDF or SVG files checked once, and embedded safely.

A logo comes from an event's organiser, often as a PDF or SVG from a designer: a PDF may
carry scripts and forms, an SVG may load other files or web addresses (`href`, `url(…)`,
`<image>`), run scripts or declare entities (a DTD). So a PNG goes through the photos'
strict decoder, a PDF's first page is rasterised by pdfium (no script, no form drawn;
bounded pixels), and an SVG is read with a closed list of drawing elements and refused,
with the reason, when it holds anything that reaches outside itself. The renderer's
fetcher asks here for the bytes to embed, with the same checks (as for photos).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import xml.parsers.expat
from pathlib import Path

from .photos import PhotoError
from .photos import check as check_png
from .photos import printable as printable_png

#: A logo is a few hundred KB; a PDF or SVG from a designer rarely passes 1 MB.
MAX_BYTES = 5_000_000
#: A rasterised PDF logo: its long side in pixels (300 dpi at 100 mm, more than printed).
RASTER_PX = 1200
MAX_ELEMENTS = 20_000

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
#: What a logo draws with; anything else (script, foreignObject, image, a, animate…) is refused.
SVG_ELEMENTS = frozenset((
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "style", "path",
    "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern", "filter",
    "feGaussianBlur", "feOffset", "feBlend", "feFlood", "feComposite", "feColorMatrix",
    "feMerge", "feMergeNode",
))  # fmt: skip
_EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)


class LogoError(ValueError):
    """A logo that cannot be printed safely; the message is for the organiser (French)."""


def check(path: Path, name: str) -> None:
    """Raise LogoError unless `path` is a logo we can embed safely."""
    printable(path, name)


def printable(path: Path, name: str | None = None) -> tuple[bytes, str]:
    """The logo as embedded: (bytes, MIME type)."""
    name = name or path.name
    suffix = path.suffix.lower()
    if path.stat().st_size > MAX_BYTES:
        raise LogoError(f"« {name} » est trop gros (au plus {MAX_BYTES // 1_000_000} Mo)")
    if suffix == ".png":
        try:
            check_png(path, name)
            return printable_png(path)
        except PhotoError as exc:
            raise LogoError(str(exc).replace("(JPEG ou PNG)", "(PNG)")) from None
    if suffix == ".pdf":
        return _rasterised(path, name), "image/png"
    return safe_svg(path.read_bytes(), name), "image/svg+xml"


def _rasterised(path: Path, name: str) -> bytes:
    """The PDF's single page as a PNG with transparency, RASTER_PX on its long side."""
    import pypdfium2 as pdfium

    unreadable = LogoError(f"« {name} » n'est pas un PDF lisible : exportez le logo de nouveau")
    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError:
        raise unreadable from None
    try:
        if len(document) != 1:
            raise LogoError(
                f"« {name} » a {len(document)} pages : un logo en PDF tient sur une seule page"
            )
        page = document[0]
        width, height = page.get_size()
        if min(width, height) <= 0:
            raise unreadable
        scale = RASTER_PX / max(width, height)
        bitmap = page.render(scale=scale, may_draw_forms=False, fill_color=(255, 255, 255, 0))
        image = bitmap.to_pil()
        out = io.BytesIO()
        image.save(out, "PNG", optimize=True)
        return out.getvalue()
    except pdfium.PdfiumError:
        raise unreadable from None
    finally:
        document.close()


def safe_svg(raw: bytes, name: str) -> bytes:
    """`raw` if it is an SVG that draws only itself; LogoError naming what it reaches for.

    No DTD (entities can expand without end or read files), only drawing elements of
    the SVG namespace, no event attribute (`onload`), no link but to itself (`#id`), no
    `url(…)` or `@import` but to itself.
    """
    if b"<!doctype" in raw.lower() or b"<!entity" in raw.lower():
        raise _unsafe(name, "une déclaration <!DOCTYPE> ou <!ENTITY>")
    unreadable = LogoError(f"« {name} » n'est pas un SVG lisible : exportez le logo de nouveau")
    _check_prolog(raw, name, unreadable)
    try:
        root = ET.fromstring(raw)
    except ET.ParseError:
        raise unreadable from None
    if root.tag != f"{{{SVG}}}svg":
        raise LogoError(f"« {name} » n'est pas un dessin SVG (<svg> attendu)")
    too_complex = LogoError(f"« {name} » est trop complexe (plus de {MAX_ELEMENTS} éléments)")
    for count, element in enumerate(root.iter(), 1):
        if count > MAX_ELEMENTS:
            raise too_complex
        _check_element(element, name)
    if _drawn(root) > MAX_ELEMENTS:
        raise too_complex
    return raw


def _check_prolog(raw: bytes, name: str, unreadable: LogoError) -> None:
    """What the bytes test misses in another encoding (UTF-16) or past the file's head:
    a DTD, an entity, a style sheet processing instruction, as the XML parser reads them."""

    def doctype(*_: object) -> None:
        raise _unsafe(name, "une déclaration <!DOCTYPE> ou <!ENTITY>")

    def instruction(target: str, _data: str) -> None:
        if target.lower() == "xml-stylesheet":
            raise _unsafe(name, "une feuille de style externe (<?xml-stylesheet?>)")

    parser = xml.parsers.expat.ParserCreate()
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.ProcessingInstructionHandler = instruction
    try:
        parser.Parse(raw, True)
    except xml.parsers.expat.ExpatError:
        raise unreadable from None


def _drawn(root: ET.Element) -> int:
    """How many elements the SVG draws once each `<use>` is replaced by what it uses: ten
    groups each using the one before ten times draw 10**10 shapes from a 1 KB file (and a
    group that uses itself, without end). Depth first without recursion; capped counts."""
    ids = {element.get("id"): element for element in root.iter() if element.get("id")}

    def parts(element: ET.Element) -> list[ET.Element]:
        href = element.get("href") or element.get(f"{{{XLINK}}}href") or ""
        used = ids.get(href.strip()[1:]) if element.tag == f"{{{SVG}}}use" else None
        return [*element, *([used] if used is not None else [])]

    weight: dict[int, int] = {}
    path: set[int] = set()
    stack: list[tuple[ET.Element, bool]] = [(root, False)]
    while stack:
        element, done = stack.pop()
        key = id(element)
        if done:
            total = 1 + sum(weight[id(part)] for part in parts(element))
            weight[key] = min(total, MAX_ELEMENTS + 1)
            path.discard(key)
        elif key not in weight:
            path.add(key)
            stack.append((element, True))
            for part in parts(element):
                if id(part) in path:
                    return MAX_ELEMENTS + 1  # a use inside what it uses: without end
                if id(part) not in weight:
                    stack.append((part, False))
    return weight[id(root)]


def _check_element(element: ET.Element, name: str) -> None:
    namespace, _, tag = element.tag.rpartition("}")
    if namespace.lstrip("{") != SVG or tag not in SVG_ELEMENTS:
        what = "un script" if tag == "script" else f"un élément <{tag}>"
        raise _unsafe(name, f"{what}, qui n'est pas un dessin")
    for key, value in element.attrib.items():
        attribute = key.rpartition("}")[2]
        if attribute.lower().startswith("on"):
            raise _unsafe(name, f"un script (attribut {attribute})")
        if attribute == "href" and not value.strip().startswith("#"):
            raise _unsafe(name, f'une référence externe ({attribute}="{value[:60]}")')
        if _EXTERNAL_URL.search(value) or "\\" in value:  # CSS escape: \75 rl( is url(
            raise _unsafe(name, f"une référence externe (url(…) dans {attribute})")
    style = (element.text or "") if tag == "style" else ""
    if _EXTERNAL_URL.search(style) or "@import" in style or "\\" in style:
        raise _unsafe(name, "une référence externe dans son <style>")


def _unsafe(name: str, what: str) -> LogoError:
    return LogoError(
        f"le logo SVG « {name} » contient {what} : il pourrait lire d'autres fichiers ou "
        "le réseau ; exportez-le en PNG ou en PDF, ou retirez cet élément"
    )
