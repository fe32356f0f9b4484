"""Inspect a PDF's accessibility, as a screen reader and an archive would see it.

    .venv/bin/python -m fichemetier.inspect_pdf output/developpeur-back-end.pdf

Prints the tag tree (depth and tags), the language, whether viewers show the title,
each font with its embedding and ToUnicode map, links and their structure elements, and
the PDF/UA or PDF/A identification. Tests use the same functions.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf

from .arguments import FrenchArgumentParser
from .errors import visible


@dataclass
class Node:
    tag: str
    depth: int
    alt: str | None = None
    annotations: list[pikepdf.Object] = field(default_factory=list)


def _kids(element: pikepdf.Object) -> list[Any]:
    """An element's /K as a list: absent, one kid, or an array of them."""
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def struct_nodes(pdf: pikepdf.Pdf) -> Iterator[Node]:
    """Every structure element, depth first, in reading order."""

    def walk(element: pikepdf.Object, depth: int) -> Iterator[Node]:
        kids = _kids(element)
        node = Node(str(element.S)[1:], depth, str(element.Alt) if "/Alt" in element else None)
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                node.annotations.append(kid.Obj)
        yield node
        for kid in kids:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                yield from walk(kid, depth + 1)

    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return
    kids = root.K if isinstance(root.K, pikepdf.Array) else [root.K]
    for kid in kids:
        yield from walk(kid, 0)


def marked_texts(path: Path) -> dict[tuple[int, int], str]:
    """(page index, MCID) → the text drawn in that marked content (needs pdfplumber, in
    the test extras: it maps each glyph back to Unicode and to its MCID)."""
    import pdfplumber

    texts: dict[tuple[int, int], str] = {}
    with pdfplumber.open(path) as document:
        for index, page in enumerate(document.pages):
            for char in page.chars:
                if char.get("mcid") is not None:
                    key = (index, char["mcid"])
                    texts[key] = texts.get(key, "") + char["text"]
    return texts


def read_aloud(path: Path, tags: tuple[str, ...] = ("P", "H1", "H2", "H3", "LBody", "Link")):
    """(tag, text) of each element of these tags, in reading order, as a screen reader
    gets it from the structure tree: an element's ActualText stands for its content."""
    texts = marked_texts(path)
    found: list[tuple[str, str]] = []
    with pikepdf.open(path) as pdf:
        pages: dict[Any, int] = {page.objgen: index for index, page in enumerate(pdf.pages)}

        def text(element: pikepdf.Object, page: int) -> str:
            if "/ActualText" in element:
                return str(element.ActualText)
            if "/Pg" in element:
                page = pages.get(element.Pg.objgen, page)
            parts = []
            for kid in _kids(element):
                if isinstance(kid, int):
                    parts.append(texts.get((page, kid), ""))
                elif kid.get("/Type") == "/MCR":
                    parts.append(texts.get((pages[kid.Pg.objgen], int(kid.MCID)), ""))
                elif "/S" in kid:
                    parts.append(text(kid, page))
            whole = "".join(parts)
            if str(element.S)[1:] in tags:
                found.append((str(element.S)[1:], whole))
            return whole

        for kid in _kids(pdf.Root.StructTreeRoot):
            text(kid, 0)  # the first page until an element names its own
    return found


def link_annotations(pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
    return [
        annot
        for page in pdf.pages
        for annot in page.get("/Annots", [])
        if annot.get("/Subtype") == "/Link"
    ]


def fonts(pdf: pikepdf.Pdf) -> dict[str, dict[str, bool]]:
    """Font name → embedded?, has a ToUnicode map?"""
    found = {}
    for page in pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor: Any = described.get("/FontDescriptor", {})
            found[str(font.BaseFont)[1:]] = {
                "embedded": any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")),
                "tounicode": "/ToUnicode" in font,
            }
    return found


def xmp_identification(pdf: pikepdf.Pdf) -> dict[str, str]:
    """pdfuaid:part, pdfaid:part and pdfaid:conformance from the XMP metadata."""
    meta = pdf.open_metadata()
    keys = ("pdfuaid:part", "pdfaid:part", "pdfaid:conformance")
    return {key: str(meta[key]) for key in keys if key in meta}


def _get(dictionary: Any, *keys: str) -> Any:
    """dictionary[k1][k2]…, or None where one is missing."""
    for key in keys:
        if dictionary is None:
            return None
        dictionary = dictionary.get(key)
    return dictionary


def report(path: Path) -> str:
    with pikepdf.open(path) as pdf:
        nodes = list(struct_nodes(pdf))
        tagged = {a.objgen for n in nodes for a in n.annotations}
        links = link_annotations(pdf)
        tags = Counter(n.tag for n in nodes).most_common()
        figures = [f"« {n.alt} »" for n in nodes if n.tag == "Figure"]
        lines = [
            f"{path}",
            f"  tagged: {bool(_get(pdf.Root, '/MarkInfo', '/Marked'))}, "
            f"language: {pdf.Root.get('/Lang', '(none)')}, "
            f"title shown: {bool(_get(pdf.Root, '/ViewerPreferences', '/DisplayDocTitle'))}",
            f"  identification: {xmp_identification(pdf) or '(none)'}",
            f"  structure: {len(nodes)} elements, depth {max((n.depth for n in nodes), default=0)}",
            "  tags: " + ", ".join(f"{tag}×{count}" for tag, count in tags),
            "  headings: " + " › ".join(n.tag for n in nodes if n.tag in ("H1", "H2", "H3")),
            f"  links: {len(links)} annotations, "
            f"{sum(a.objgen in tagged for a in links)} inside a Link element",
            "  figures: " + (", ".join(figures) or "none"),
            "  fonts:",
        ]
        for name, flags in fonts(pdf).items():
            shown = ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in flags.items())
            lines.append(f"    {name}: {shown}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = FrenchArgumentParser(
        prog="python -m fichemetier.inspect_pdf",
        description="Ce qu'un lecteur d'écran et un outil d'archivage voient d'un PDF : "
        "balises, langue, titre, polices, liens, identification PDF/UA et PDF/A.",
    )
    parser.add_argument(
        "pdfs",
        nargs="*",
        type=Path,
        metavar="FICHIER.pdf",
        default=[Path("output/developpeur-back-end.pdf")],
        help="les PDF à inspecter (par défaut : output/developpeur-back-end.pdf)",
    )
    status = 0
    for path in parser.parse_args(argv).pdfs:
        try:
            text = report(path)
        except Exception as exc:  # a damaged or odd PDF (loops, missing keys): said, not raised
            print(visible(f"{path}: illisible ({exc!r})"), file=sys.stderr)
            status = 1
            continue
        print(visible(text))  # a PDF's own strings (Alt, fonts) may hold escape sequences
    return status


if __name__ == "__main__":
    sys.exit(main())
