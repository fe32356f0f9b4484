"""Links on paper: a QR code (vector) and a short readable form of each URL.

A printed URL of 200 characters cannot be typed; the QR code carries the exact URL, the
short form (`onisep.fr/…/bts-services-informatiques…`) tells the reader where it goes,
and the PDF keeps the full URL as the link's target.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit

from markupsafe import Markup

from . import qrmask
from .linkcheck import ascii_url, printed_host

#: Every code has the same size, whatever its URL: the version that holds the longest link
#: a fiche may have (linkcheck.MAX_URL, 300 bytes, at error correction L). A short URL
#: gets a stronger error correction instead of a smaller code.
VERSION = 11
MODULES = 17 + 4 * VERSION
#: Modules of light margin around the code (the "quiet zone" a decoder needs; the
#: white space around the code in the layout adds to it).
QUIET = 2
#: Printed side of a code, quiet zone included, on every format: one module is then
#: 22 / 65 = 0.338 mm (0.33 mm at least), which decodes from a page seen at 150 dpi (a
#: photocopy, a phone at arm's length). styles/fiche.css places the labels beside it.
SIDE_MM = 22.0
MODULE_MM = SIDE_MM / (MODULES + 2 * QUIET)
SHORT_LIMIT = 46
_DARK = re.compile(rb"\x01+")  # a run of dark modules in a row of the matrix


def short_url(url: str, limit: int = SHORT_LIMIT) -> str:
    """Domain and enough of the path to recognise the page, at most about `limit` chars."""
    parts = urlsplit(url)
    if parts.scheme == "mailto":
        return parts.path
    host = printed_host(parts.netloc.lower()).removeprefix("www.")
    segments = [_readable(s) for s in parts.path.split("/") if s]
    if not segments:
        return host
    whole = "/".join([host, *segments])
    if len(whole) <= limit:
        return whole
    prefix = f"{host}/…/" if len(segments) > 1 else f"{host}/"
    return prefix + _cut(segments[-1], max(limit - len(prefix), 12))


def _readable(segment: str) -> str:
    """A path segment decoded (`a%C3%A9roport` → `aéroport`), except what decoding would
    hide or fake: a space, a separator or an invisible character stays percent-encoded."""
    return "".join(
        quote(c, safe="") if c in "/?#%" or c.isspace() or not c.isprintable() else c
        for c in unquote(segment)
    )


def _cut(segment: str, room: int) -> str:
    """The start of a path segment, cut after a word (at a hyphen) when there is one."""
    if len(segment) <= room:
        return segment
    head = segment[: room - 1]
    for separator in "-_.":
        if (cut := head.rfind(separator)) > room // 2:
            head = head[:cut]
            break
    return head + "…"


@lru_cache(maxsize=64)
def qr_runs(url: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The QR code of `url`: its size in modules and its dark runs (row, start, length).

    All codes are of VERSION; segno raises the error correction from "L" as far as the
    URL leaves room for (a short URL gets "H"). The code is segno's, its mask chosen faster
    (qrmask.py: ~3 ms instead of ~10). Few kept (~70 KB each as tuples): the links that
    recur across fiches are kept as drawn, by `finishing.qr_rects` (~12 KB each).
    """
    matrix = qrmask.make(ascii_url(url), VERSION, "l")
    runs = tuple(
        (y, dark.start(), dark.end() - dark.start())
        for y, row in enumerate(matrix)
        for dark in _DARK.finditer(row)
    )
    return len(matrix), runs


def qr_box(url: str) -> Markup:
    """The room the layout keeps for the QR code of `url` (finishing.py draws it there):
    its size in millimetres, quiet zone included, and the URL it holds."""
    side = f"{SIDE_MM}mm"
    return Markup('<span class="qr" data-qr="{}" style="width: {}; height: {}"></span>').format(
        url, side, side
    )
