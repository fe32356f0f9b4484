"""Step 3b, markup: the segments of a paragraph (inline.py) turned into safe HTML.

Fiche text is data, never markup: only **gras**, *italique* and links are understood;
raw HTML, images and everything else print literally (escaped). French typography is
applied to the words but never to URLs.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from markupsafe import Markup, escape

from .inline import Bold, Italic, Link, Paragraph, Text, parse_paragraph, texts, walk
from .linkcheck import printed_address
from .typography import french

_TAGS = {Bold: ("<strong>", "</strong>"), Italic: ("<em>", "</em>")}


def inline_html(text: str) -> Markup:
    """One paragraph of inline markdown → escaped HTML with French typography."""
    out: list[str] = []
    in_url = False
    paragraph = parse_paragraph(text)
    quotes = _guillemets(paragraph)
    for segment, entering in walk(paragraph):
        if isinstance(segment, Text):
            if in_url:  # a bare address: printed as typed, its host as the link's
                out.append(url_html(printed_address(segment.content)))
            else:
                out.append(_words(segment.content, quotes))
        elif isinstance(segment, Link):
            in_url = entering and segment.bare
            css = ' class="url"' if segment.bare else ""
            out.append(f'<a href="{escape(segment.url)}"{css}>' if entering else "</a>")
        else:
            out.append(_TAGS[type(segment)][0 if entering else 1])
    return Markup("".join(out))


def _words(content: str, quotes: Iterator[str]) -> str:
    return str(escape(french(re.sub('"', lambda _: next(quotes), content))))


def _guillemets(paragraph: Paragraph) -> Iterator[str]:
    """« and » for the straight quotes of a paragraph, in turn, even when a pair spans
    bold text or a link (french() alone sees one piece of text at a time); an odd count
    is left as typed."""
    count = sum(text.content.count('"') for text in texts(paragraph))
    return itertools.cycle("«»") if count % 2 == 0 else itertools.repeat('"')


def url_html(url: str) -> Markup:
    """A URL as printed: its exact characters, breaking after a slash or *before* a hyphen
    (never after it, where the hyphen would read as a word break)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    return Markup(escape(scheme + sep + rest.translate(_URL_BREAKS)))


# U+200B allows a line break, U+FEFF forbids one; both are invisible.
_URL_BREAKS = str.maketrans({"/": "/\u200b", "-": "\u200b-\ufeff"})
