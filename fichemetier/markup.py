"""Step 3b, markup: the segments of a paragraph (inline.py) turned into safe HTML.

Fiche text is data, never markup: only **gras**, *italique* and links are understood;
raw HTML, images and everything else print literally (escaped). French typography is
applied to the words but never to URLs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from markupsafe import Markup, escape

from .inline import Bold, Italic, Link, Paragraph, Text, parse_paragraph, texts, walk
from .linkcheck import printed_address
from .typography import french, nested_quotes

_TAGS = {Bold: ("<strong>", "</strong>"), Italic: ("<em>", "</em>")}


def inline_html(text: str, depth: int = 0) -> Markup:
    """One paragraph of inline markdown → escaped HTML with French typography; `depth` 1
    for a text the page already puts inside « » (the quote), whose quotes become “ ”."""
    out: list[str] = []
    in_url = False
    paragraph = parse_paragraph(text)
    quoted = _quoted(paragraph, depth)
    for segment, entering in walk(paragraph):
        if isinstance(segment, Text):
            content = next(quoted)
            if in_url:  # a bare address: printed as typed, its host as the link's
                out.append(url_html(printed_address(segment.content)))
            else:
                out.append(_words(content))
        elif isinstance(segment, Link):
            in_url = entering and segment.bare
            css = ' class="url"' if segment.bare else ""
            out.append(f'<a href="{escape(segment.url)}"{css}>' if entering else "</a>")
        else:
            out.append(_TAGS[type(segment)][0 if entering else 1])
    return Markup("".join(out))


def _words(content: str) -> str:
    return _ORDINAL.sub(_superior, str(escape(french(content))))


def _quoted(paragraph: Paragraph, depth: int) -> Iterator[str]:
    """The paragraph's texts in turn with their quotes paired (typography.nested_quotes),
    even when a pair spans bold text or a link (french() alone sees one piece at a time)."""
    contents = [text.content for text in texts(paragraph)]
    whole = nested_quotes("".join(contents), depth)
    start = 0
    for content in contents:
        yield whole[start : start + len(content)]
        start += len(content)


#: An ordinal after its number, set as a superscript (1<sup>er</sup>, 2<sup>e</sup>): the
#: text stays « 1er », which a screen reader says « premier » and a copy keeps. Only on
#: escaped text, after a number that no word, address or entity runs into.
_ORDINAL = re.compile(
    r"(?<![\w#&/.@-])(?:(1)(ers?|res?)|(\d{1,4})(es?)|(2)(nde?s?|de?s?))\b"  # 1er 1re 2e 2nd 2d
)


def _superior(match: re.Match[str]) -> str:
    number, suffix = (group for group in match.groups() if group)
    return f"{number}<sup>{suffix}</sup>"


def url_html(url: str) -> Markup:
    """A URL as printed: its exact characters, breaking after a slash or *before* a hyphen
    (never after it, where the hyphen would read as a word break)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    return Markup(escape(scheme + sep + rest.translate(_URL_BREAKS)))


# U+200B allows a line break, U+FEFF forbids one; both are invisible.
_URL_BREAKS = str.maketrans({"/": "/\u200b", "-": "\u200b-\ufeff"})
