"""Every use of WeasyPrint's internals, in one place: re-check it at each WeasyPrint upgrade.

WeasyPrint's public API lays out and writes a document. What we need besides (where each
box landed and which field of which fiche it shows, the room kept for QR codes, the notes
the line breaker leaves for the tags) is read from its private layout tree or from two of
its functions, wrapped. No other module of the package touches these: the other modules
get plain data or pass the boxes back here unopened (tests/test_weasyprint_internals.py
checks it). At an upgrade (pinned `~=70.0`), re-check each name below, then run that test:
`missing()` lists the names gone or changed, and a probe lays out a small page through
every function of this module.

Touched, as of WeasyPrint 70:

- `Page._page_box`: a page's laid-out tree (the public `Page` has its size, anchors and
  links only);
- `weasyprint.formatting_structure.boxes`: `Box`, `MarginBox` (`at_keyword`),
  `BlockContainerBox`, `LineBox`, `InlineBox` (`is_leader`), `TextBox` (`text`),
  `ReplacedBox`; on a box, the attributes `children`, `element`, `element_tag`, `style`
  (`style["hyphenate_character"]`), `width`, `height`, `position_y`, and the methods
  `border_box_x()`, `border_box_y()`, `border_width()`, `border_height()`,
  `content_box_x()`, `content_box_y()`, `margin_height()`;
- `weasyprint.layout.inline.split_text_box(context, box, available_width, skip, ...)`,
  returning `(new_box, resume, line_break)`, and `remove_last_whitespace(context, line)`:
  wrapped (`install`) to mark a text box that lost a space at a line's end; the line
  breaker must call them through the module (`inline.split_text_box`);
- `weasyprint.pdf.stream.Stream.marked(self, box, tag)`, a context manager, and
  `Stream._tags[box]["mcid"]`: wrapped to note each text box's MCID;
- `weasyprint.text.ffi.harfbuzz_subset`: None without libharfbuzz-subset0 (the slow path);
- `weasyprint.text.line_break.Layout.setup(self, style)` and `FontConfiguration.font_features`
  (a dict that `setup` fills with `setdefault`): wrapped to plug a native leak (`install_fixes`),
  and again to share what it makes for each layout of one font (`_shared_setup`): the style
  values it reads (`setup_reads`, checked by `missing()`), the Layout attributes it sets
  (`style`, `first_line_direction`, `language`, `layout`, `ascent`, `underline_position`,
  `strikethrough_position`, `underline_thickness`, `strikethrough_thickness`), the names
  `line_break.font_features` and `line_break.get_font_description`, and
  `weasyprint.text.constants.PANGO_DIRECTION`;
- `tinyhtml5.inputstream.characters_until_regex`, the HTML parser's regex cache, replaced by
  one that hits (`install_fixes`);
- a laid-out box's `background` (None: nothing drawn), cleared on a level group's first
  fragment (`unpaint_covered_badges`);
- `weasyprint.pdf.fonts.Font._harfbuzz_subset(self, to_unicode, hinting)`, which sets
  `Font.file_content` from `hb_face`, `index`, `missing`: wrapped with a cache
  (`_subset_cached`);
- `weasyprint.draw.text.draw_first_line(stream, textbox, text_overflow, block_ellipsis,
  matrix)` (the name `draw_text` calls), replaced by a faster copy (`_draw_first_line`):
  it reads `PangoGlyphInfo` (`glyph`, `geometry.width`, `.x_offset`, `.y_offset`, `attr`)
  as bytes, and the `Font` attributes `svg png colr bitmap hash to_unicode widths`;
- `weasyprint.images.SVGImage.draw(self, stream, concrete_width, concrete_height, style)`,
  replaced by one that records and replays the drawing (`_svg_replayed`): it calls
  `self._svg.draw(stream, width, height, base_url, context)` as 70.0 does, and reads
  `self._svg.tree._etree_node`, `self._base_url`, `self._context`;
- `weasyprint.layout.block.columns_layout` (the name `block_level_layout_switch` calls),
  wrapped with a fast path for columns filled one after the other (`_columns_filled`),
  which uses `weasyprint.layout.column._create_column_box` and, from
  `weasyprint.layout.block`, `block_box_layout`, `block_level_width`, `collapse_margin`;
- `weasyprint.layout.inline.inline_block_box_layout(context, box, position_x, skip_stack,
  containing_block, absolute_boxes, fixed_boxes)` (the name `atomic_box` calls), wrapped to
  lay each inline block out once per document (`_inline_blocks_once`), with `Box.deepcopy`,
  `Box.translate`, `is_table_wrapper` and, on the layout context, `current_page`,
  `forced_break`, `in_column`, `broken_out_of_flow`, `current_page_footnotes`,
  `reported_footnotes`, `running_elements`.
- `weasyprint.layout.inline.handle_leader(context, line, containing_block)` (the name
  `iter_line_boxes` calls), wrapped to merge a leader's copies of its text into one box
  (`_leaders_merged`), with `weasyprint.layout.leader.leader_index`,
  `weasyprint.text.line_break.split_first_line` and a text box's `copy_with_text`,
  `pango_layout`, `position_x`, `justification_spacing`.

Our own marks on WeasyPrint's objects: the attributes `_fichemetier_mcid` and
`_fichemetier_space` on boxes, `_fichemetier_segments` on a PDF's fonts.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import logging
import math
import re
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple
from xml.etree import ElementTree

import tinyhtml5.inputstream
import weasyprint
from weasyprint import images, layout
from weasyprint.draw import text as draw_text
from weasyprint.formatting_structure import boxes
from weasyprint.layout import block, column, inline, leader
from weasyprint.layout.percent import percentage
from weasyprint.logger import LOGGER
from weasyprint.pdf import fonts
from weasyprint.pdf.stream import Stream
from weasyprint.text import line_break
from weasyprint.text.constants import PANGO_DIRECTION
from weasyprint.text.ffi import FROM_UNITS, ffi, gobject, harfbuzz_subset, pango

from .load import Loc
from .recent import Recent

PT_PER_PX = 0.75  # WeasyPrint's CSS pixels to PDF points
MCID = "_fichemetier_mcid"  # attribute names set on WeasyPrint's boxes
SPACE = "_fichemetier_space"

#: `columns_layout`'s parameters, in order (our fast path takes and passes them so).
COLUMNS_ARGS = (
    "context",
    "box",
    "bottom_space",
    "skip_stack",
    "containing_block",
    "page_is_empty",
    "absolute_boxes",
    "fixed_boxes",
    "adjoining_margins",
    "first_letter_style",
    "first_line_style",
)

#: `font_features`'s parameters: the style values of the same names.
FEATURE_VALUES = (
    "font_kerning",
    "font_variant_ligatures",
    "font_variant_position",
    "font_variant_caps",
    "font_variant_numeric",
    "font_variant_alternates",
    "font_variant_east_asian",
    "font_feature_settings",
)
#: Every style value WeasyPrint 70's `Layout.setup` reads (`get_font_description` and
#: `font_features` included), `text_decoration_line` aside: `_shared_setup`'s key.
SETUP_VALUES = (
    "direction",
    "font_language_override",
    "lang",
    "font_family",
    "font_style",
    "font_stretch",
    "font_weight",
    "font_size",
    "font_variation_settings",
    *FEATURE_VALUES,
)
#: What `setup_reads` finds in WeasyPrint 70.
SETUP_READS = {*SETUP_VALUES, "text_decoration_line"}
#: The key's values read at once (a generator read them one by one: ~1.5 ms a fiche).
_setup_values = itemgetter(*SETUP_VALUES)

#: What `missing()` checks on the code (the attributes set on each box are checked by the
#: probe in tests/test_weasyprint_internals.py, on a laid-out page).
NAMES = {
    "weasyprint.formatting_structure.boxes": (
        boxes,
        "Box MarginBox BlockContainerBox LineBox InlineBox TextBox ReplacedBox",
    ),
    "weasyprint.formatting_structure.boxes.Box": (
        boxes.Box,
        "border_box_x border_box_y border_width border_height content_box_x content_box_y "
        "margin_height is_leader deepcopy translate is_table_wrapper",
    ),
    "weasyprint.layout.inline": (
        inline,
        "split_text_box remove_last_whitespace inline_block_box_layout handle_leader",
    ),
    "weasyprint.pdf.stream.Stream": (Stream, "marked"),
    "weasyprint.text.line_break.Layout": (line_break.Layout, "setup"),
    "weasyprint.text.line_break": (
        line_break,
        "font_features get_font_description split_first_line",
    ),
    "weasyprint.text.ffi.pango": (
        pango,
        "pango_layout_get_attributes pango_attr_list_unref pango_attr_font_features_new "
        "pango_font_map_create_context pango_context_set_round_glyph_positions "
        "pango_context_set_base_dir pango_context_set_language pango_layout_new "
        "pango_layout_set_auto_dir pango_layout_set_font_description pango_attr_list_new "
        "pango_attr_list_insert pango_layout_set_attributes",
    ),
    "tinyhtml5.inputstream": (tinyhtml5.inputstream, "characters_until_regex"),
    "weasyprint.layout.block": (
        block,
        "columns_layout block_box_layout block_level_width collapse_margin",
    ),
    "weasyprint.layout.column": (column, "columns_layout _create_column_box"),
    "weasyprint.pdf.fonts.Font": (fonts.Font, "_harfbuzz_subset"),
    "weasyprint.draw.text": (draw_text, "draw_first_line"),
    "weasyprint.images.SVGImage": (images.SVGImage, "draw"),
    "weasyprint.layout.leader": (leader, "leader_index"),
    "weasyprint.formatting_structure.boxes.TextBox": (boxes.TextBox, "copy_with_text"),
}
#: The layout context's attributes `_inline_blocks_once` reads, set in its `__init__`.
CONTEXT_ATTRIBUTES = (
    "current_page forced_break in_column broken_out_of_flow current_page_footnotes "
    "reported_footnotes running_elements"
)
#: The wrapped functions' first parameters, as our wrappers pass them on.
SIGNATURES = {
    "weasyprint.layout.inline.split_text_box": (
        lambda: inline.split_text_box,
        ("context", "box", "available_width", "skip"),
    ),
    "weasyprint.layout.inline.remove_last_whitespace": (
        lambda: inline.remove_last_whitespace,
        ("context", "line"),
    ),
    "weasyprint.pdf.stream.Stream.marked": (lambda: Stream.marked, ("self", "box", "tag")),
    "weasyprint.text.line_break.Layout.setup": (lambda: line_break.Layout.setup, ("self", "style")),
    "weasyprint.text.line_break.font_features": (lambda: line_break.font_features, FEATURE_VALUES),
    "weasyprint.layout.column.columns_layout": (lambda: column.columns_layout, COLUMNS_ARGS),
    "weasyprint.layout.inline.inline_block_box_layout": (
        lambda: inline.inline_block_box_layout,
        ("context", "box", "position_x", "skip_stack", "containing_block", "absolute_boxes"),
    ),
    "weasyprint.layout.column._create_column_box": (
        lambda: column._create_column_box,
        ("box", "containing_block", "children", "width", "position_y"),
    ),
    "weasyprint.pdf.fonts.Font._harfbuzz_subset": (
        lambda: fonts.Font._harfbuzz_subset,
        ("self", "to_unicode", "hinting"),
    ),
    "weasyprint.images.SVGImage.draw": (
        lambda: getattr(images.SVGImage.draw, "__wrapped__", images.SVGImage.draw),
        ("self", "stream", "concrete_width", "concrete_height"),
    ),
    "weasyprint.draw.text.draw_first_line": (
        lambda: getattr(draw_text.draw_first_line, "__wrapped__", draw_text.draw_first_line),
        ("stream", "textbox", "text_overflow", "block_ellipsis", "matrix"),
    ),
    "weasyprint.layout.inline.handle_leader": (
        lambda: inline.handle_leader,
        ("context", "line", "containing_block"),
    ),
    "weasyprint.text.line_break.split_first_line": (
        lambda: line_break.split_first_line,
        ("text", "style", "context", "max_width", "justification_spacing", "is_line_start"),
    ),
}


def missing() -> list[str]:
    """The internals named above that this WeasyPrint lacks or calls differently."""
    gone = [
        f"{where}.{name}"
        for where, (owner, names) in NAMES.items()
        for name in names.split()
        if not hasattr(owner, name)
    ]
    made = inspect.getsource(layout.LayoutContext.__init__)
    gone += [
        f"weasyprint.layout.LayoutContext.{name}"
        for name in CONTEXT_ATTRIBUTES.split()
        if f"self.{name} =" not in made
    ]
    for where, (function, expected) in SIGNATURES.items():
        try:
            found = tuple(inspect.signature(function()).parameters)[: len(expected)]
        except (AttributeError, TypeError, ValueError):
            continue  # already listed as gone
        if found != expected:
            gone.append(f"{where}: parameters {found}, expected {expected}")
    if (read := setup_reads()) != SETUP_READS:
        gone.append(f"weasyprint.text.line_break.Layout.setup: reads {sorted(read)}")
    return gone


def setup_reads() -> set[str]:
    """The style values WeasyPrint's `Layout.setup` reads (with `get_font_description`):
    `_shared_setup`'s key must have them all."""
    try:
        code = inspect.getsource(inspect.unwrap(line_break.Layout.setup))
        code += inspect.getsource(line_break.get_font_description)
    except (AttributeError, OSError, TypeError):
        return set()
    return set(re.findall(r"style\[['\"](\w+)['\"]\]", code))


def fast_font_subsetting() -> bool:
    """Whether WeasyPrint found libharfbuzz-subset0 (else it subsets with fontTools)."""
    return harfbuzz_subset is not None


# --- Boxes placed on a page, and the field of the fiche each one shows -------------------


class Rect(NamedTuple):
    x0: float
    y0: float
    x1: float
    y1: float


class Placed(NamedTuple):
    """A box (opaque outside this module: hand it back to the functions below)."""

    box: boxes.Box
    fiche: int | None  # which fiche of a catalogue; None on its cover and contents
    champ: Loc  # the field the box shows
    frame: boxes.Box  # the nearest block that holds it (its content box is the limit)


def placed_boxes(page) -> Iterator[Placed]:
    """Every box of the page's content (not its margin boxes), placed in the fiche:
    templates tag elements with `data-champ`, and each fiche of a catalogue `data-fiche`."""
    for child in page._page_box.children:
        if not isinstance(child, boxes.MarginBox):
            yield from _walk(child, None, (), child)


def _walk(box: boxes.Box, fiche: int | None, champ: Loc, frame: boxes.Box) -> Iterator[Placed]:
    element = getattr(box, "element", None)
    if element is not None:
        if (number := element.get("data-fiche")) is not None:
            fiche = int(number)
        if value := element.get("data-champ"):
            champ = parse_loc(value)
    yield Placed(box, fiche, champ, frame)
    if isinstance(box, boxes.BlockContainerBox):
        frame = box
    for child in getattr(box, "children", ()):
        yield from _walk(child, fiche, champ, frame)


def parse_loc(text: str) -> Loc:
    """'formations_publiques[0].formations[1]' → ('formations_publiques', 0, 'formations', 1)."""
    return tuple(int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", text))


def painted(box: boxes.Box) -> bool:
    """Text and images: what a reader sees, as opposed to the boxes that hold them."""
    return isinstance(box, boxes.TextBox | boxes.ReplacedBox)


def is_image(box: boxes.Box) -> bool:
    return isinstance(box, boxes.ReplacedBox)


def unpaint_covered_badges(document) -> None:
    """A level group's background is its « (suite) » badge (fiche.css), repeated on each
    fragment; on the group's first fragment the real badge covers it. Not drawn there: an
    SVG parsed again at every draw (~4 ms each) for nothing visible."""
    for page in document.pages:
        stack = list(page._page_box.children)
        while stack:
            box = stack.pop()
            children = getattr(box, "children", None) or []
            if (
                getattr(box, "background", None) is not None
                and "groupe" in classes(box)
                and any("niveau" in classes(child) for child in children)
            ):
                box.background = None
            stack.extend(children)


def classes(box: boxes.Box) -> list[str]:
    """The HTML classes of the box's element."""
    element = getattr(box, "element", None)
    return (element.get("class") or "").split() if element is not None else []


def size(box: boxes.Box) -> tuple[float, float]:
    """Width and height of the content box (an image: as printed), in CSS pixels."""
    return box.width, box.height


def border_rect(box: boxes.Box) -> Rect:
    """What is painted of the box (its border box, not its margins), in CSS pixels."""
    x0, y0 = box.border_box_x(), box.border_box_y()
    return Rect(x0, y0, x0 + box.border_width(), y0 + box.border_height())


def content_right(box: boxes.Box) -> float:
    """Where the box's content ends on the right: a frame's limit."""
    return box.content_box_x() + box.width


def margin_bottom(box: boxes.Box) -> float:
    return box.position_y + box.margin_height()


def content_area(page) -> Rect:
    """The page's content area (inside its margins), in CSS pixels."""
    box = page._page_box
    x, y = box.content_box_x(), box.content_box_y()
    return Rect(x, y, x + box.width, y + box.height)


@dataclass(frozen=True)
class Margin:
    """A margin box of the page (`@bottom-left`…): where it starts, and its texts."""

    keyword: str  # its at-rule: "@bottom-left"
    x: float  # its border box's left edge
    texts: list[Rect]


def margin_boxes(page) -> list[Margin]:
    return [
        Margin(box.at_keyword, box.border_box_x(), [border_rect(t) for t in _texts(box)])
        for box in page._page_box.children
        if isinstance(box, boxes.MarginBox)
    ]


def _texts(box: boxes.Box) -> list[boxes.TextBox]:
    if isinstance(box, boxes.TextBox):
        return [box]
    return [text for child in getattr(box, "children", ()) for text in _texts(child)]


# --- What the layout kept room for, and what links say ------------------------------------


class QRSlot(NamedTuple):
    """Room kept for a QR code (`<span data-qr>`): page index, top-left corner and width,
    in PDF points (y upwards, from the page's bottom)."""

    page: int
    x: float
    y: float
    width: float
    url: str


def _content_boxes(page) -> Iterator[boxes.Box]:
    """The boxes `placed_boxes` gives, in the same order, without what it notes of each
    (the fields they show): for what only needs the boxes, ~5 times faster."""
    todo = [
        box for box in reversed(page._page_box.children) if not isinstance(box, boxes.MarginBox)
    ]
    while todo:
        box = todo.pop()
        yield box
        children = getattr(box, "children", None)
        if children:
            todo += reversed(children)


def qr_slots(document) -> list[QRSlot]:
    found = []
    for index, page in enumerate(document.pages):
        for box in _content_boxes(page):
            element = getattr(box, "element", None)
            url = element.get("data-qr") if element is not None else None
            if url and getattr(box, "element_tag", "") == "span":
                # WeasyPrint draws from the top-left: y grows downwards, in CSS pixels
                x = box.content_box_x() * PT_PER_PX
                y = (page.height - box.content_box_y()) * PT_PER_PX
                found.append(QRSlot(index, x, y, box.width * PT_PER_PX, url))
    return found


def internal_link_texts(document) -> dict[str, str]:
    """What an internal link (the catalogue's contents) says, for its annotation:
    its text and the page it leads to, "Développeur back end, page 3"."""
    pages: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            pages.setdefault(anchor, index + 1)
    if not pages:  # no anchor, no internal link to describe (a fiche): no walk
        return {}
    texts = {}
    for page in document.pages:
        for box in _content_boxes(page):
            element = getattr(box, "element", None)
            href = element.get("href", "") if element is not None else ""
            if element is not None and getattr(box, "element_tag", "") == "a" and href[1:] in pages:
                text = " ".join("".join(element.itertext()).split())
                texts[href[1:]] = f"{text} {pages[href[1:]]}"
    return texts


# --- The line breaker's notes for the tags (tagging.py reads them) ------------------------


def install() -> None:
    """Wrap the line breaker's two functions and `Stream.marked`, once per process: they
    note on the boxes a space lost at a line's end and each text's MCID, and change
    nothing they do."""
    install_fixes()
    if getattr(inline.remove_last_whitespace, "_fichemetier", False):
        return
    original_remove = inline.remove_last_whitespace
    original_split = inline.split_text_box
    original_marked = Stream.marked

    @functools.wraps(original_split)
    def split_text_box(context, box, available_width, skip, *args, **kwargs):
        new_box, resume, line_break = original_split(
            context, box, available_width, skip, *args, **kwargs
        )
        if new_box is not None:  # set either way: a copy must not inherit a stale mark
            taken = box.text.encode()[:resume][-1:] if resume is not None else b""
            setattr(new_box, SPACE, taken == b" " and not line_break)
        return new_box, resume, line_break

    @functools.wraps(original_remove)
    def remove_last_whitespace(context, line):
        box = _last_descendant(line)
        before = box.text if isinstance(box, boxes.TextBox) else None
        original_remove(context, line)
        if before is not None and box.text != before:
            setattr(box, SPACE, True)

    @functools.wraps(original_marked)
    @contextmanager
    def marked(self, box, tag):
        with original_marked(self, box, tag):
            if self._tags is not None and box in self._tags:
                setattr(box, MCID, self._tags[box]["mcid"])
            yield

    remove_last_whitespace._fichemetier = True  # type: ignore[attr-defined]
    inline.remove_last_whitespace = remove_last_whitespace
    inline.split_text_box = split_text_box
    Stream.marked = marked


def _last_descendant(line):
    """The box whose trailing space the line breaker removes (same walk as WeasyPrint)."""
    box = line
    while isinstance(box, (boxes.LineBox, boxes.InlineBox)) and box.children:
        box = box.children[-1]
    return box


@dataclass(frozen=True)
class LineText:
    """A text box of a line, as drawn and tagged, with what the layout noted on it."""

    box: boxes.TextBox
    leader: bool  # inside a `leader()`: dots

    @property
    def text(self) -> str:
        return self.box.text

    @property
    def mcid(self) -> int | None:
        """Its marked content's id on the page (None: not tagged)."""
        return getattr(self.box, MCID, None)

    @property
    def lost_space(self) -> bool:
        """The line broke at a space after it."""
        return getattr(self.box, SPACE, False)

    @property
    def hyphen(self) -> str:
        """The character `hyphens: auto` adds where it cuts a word."""
        return self.box.style["hyphenate_character"]

    def source(self) -> str:
        """The text of its element in the HTML (before the layout cut it)."""
        element = self.box.element
        return "".join(element.itertext()) if element is not None else ""


def lines(document) -> Iterator[tuple[int, list[LineText]]]:
    """After `write_pdf`, each line of each page (index) as its text boxes in order
    (not those inside inline blocks: they have lines of their own)."""
    for index, page in enumerate(document.pages):
        for line in _line_boxes(page._page_box):
            texts: list[LineText] = []
            _inline_texts(line, texts)
            yield index, texts


def _line_boxes(box):
    if isinstance(box, boxes.LineBox):
        yield box
    for child in getattr(box, "children", ()):
        yield from _line_boxes(child)


def _inline_texts(box, texts: list[LineText], leader: bool = False) -> None:
    for child in box.children:
        if isinstance(child, boxes.TextBox):
            texts.append(LineText(child, leader))
        elif isinstance(child, boxes.InlineBox):
            _inline_texts(child, texts, leader or child.is_leader)


# --- Two fixes to WeasyPrint 70 and its HTML parser, for a long-lived process ---------------


class _OwnFeatures(dict):
    """`FontConfiguration.font_features` that shares nothing: each layout gets the font
    features attribute `Layout.setup` has just made (it makes one on every call anyway)."""

    def setdefault(self, key, default=None):
        return default


def _layout_setup(original):
    """WeasyPrint 70's `Layout.setup` shares one Pango font-features attribute between the
    attribute lists of all the layouts (cached in `font_config.font_features`), so it never
    releases a list (that would free the shared attribute): with `font-variant-numeric` on
    `html`, every text box leaked a list, its attributes and the new attribute
    `setdefault` built for nothing (~+60 MB over 1 000 renders). With the attribute its own
    (`_OwnFeatures`), the list is released with its layout."""

    @functools.wraps(original)
    def setup(self, style):
        fonts = style.font_config
        if type(fonts.font_features) is dict and not fonts.font_features:
            fonts.font_features = _OwnFeatures()  # nothing shared yet: safe to switch
        original(self, style)
        if isinstance(fonts.font_features, _OwnFeatures):
            attributes = pango.pango_layout_get_attributes(self.layout)
            if attributes != ffi.NULL:  # made by setup for this new layout, which holds it
                pango.pango_attr_list_unref(attributes)

    setup._fichemetier = True
    return setup


#: Where `_shared_setup` keeps, on a `FontConfiguration`, what layouts of one font share,
#: and how many fonts it keeps (a fiche uses ~50; past this, it starts again).
SETUPS = "_fichemetier_setups"
SETUPS_KEPT = 512


class _Shared(NamedTuple):
    """What `Layout.setup` makes again for every layout of a font, made once."""

    context: object  # PangoContext: font map, base direction, language; never changed after
    description: object  # PangoFontDescription (a layout copies it)
    language: object  # PangoLanguage (interned by Pango)
    metrics: tuple  # ascent, underline and strikethrough positions and thicknesses, or ()
    features: bytes | None  # the OpenType features string, or None


def _shared_setup(original):
    """WeasyPrint 70's `Layout.setup` makes, for each of the ~470 layouts of a fiche (each
    line tried, each text box drawn), a new Pango context, font description and features
    string, always the same for one font: ~10 µs a layout. The fast path makes them once
    per font (the style values `setup` reads, `SETUP_VALUES`, are the key) and gives each
    layout its own Pango layout and attribute list on the shared context, as `setup` does
    (the seed's 465 setups a warm A4 render: 11.3 → 5.9 ms CPU, A5 13 → 7 ms; the same PDF
    bytes: tests/test_speedpaths.py, tests/test_weasyprint_internals.py, and 56 PDFs of
    fuzzed fiches A4 and A5 compared by hand). A Pango context is shared by
    design (`pango_layout_new` takes a reference); WeasyPrint only sets one up in `setup`,
    before any layout uses it. Where the font features are shared (`_layout_setup` not
    switched yet) or a value cannot be a key, the original runs."""

    @functools.wraps(original)
    def setup(self, style):
        fonts = style.font_config
        try:
            key = (*_setup_values(style), style["text_decoration_line"] != "none")
            kept = fonts.__dict__.get(SETUPS, {}).get(key)
        except TypeError:  # a value that cannot be hashed
            return original(self, style)
        if not isinstance(fonts.font_features, _OwnFeatures):
            return original(self, style)
        if kept is None:
            original(self, style)
            kept = _shared(self, style)
            shared = fonts.__dict__.setdefault(SETUPS, {})
            if len(shared) >= SETUPS_KEPT:
                shared.clear()
            shared[key] = kept
            return
        self.style = style
        self.first_line_direction = 0
        self.language = kept.language
        self.layout = ffi.gc(pango.pango_layout_new(kept.context), gobject.g_object_unref)
        pango.pango_layout_set_auto_dir(self.layout, False)
        pango.pango_layout_set_font_description(self.layout, kept.description)
        if kept.metrics:
            (
                self.ascent,
                self.underline_position,
                self.strikethrough_position,
                self.underline_thickness,
                self.strikethrough_thickness,
            ) = kept.metrics
        else:  # as `setup` does: the thicknesses are left as they were
            self.ascent = self.underline_position = self.strikethrough_position = None
        if kept.features:
            attributes = pango.pango_attr_list_new()
            pango.pango_attr_list_insert(
                attributes, pango.pango_attr_font_features_new(kept.features)
            )
            pango.pango_layout_set_attributes(self.layout, attributes)
            pango.pango_attr_list_unref(attributes)  # the layout holds it (`_layout_setup`)

    setup._fichemetier = True
    return setup


def _shared(layout, style) -> _Shared:
    """The shared parts, made as WeasyPrint 70's `Layout.setup` makes them (the language
    and the metrics: as it has just set them on `layout`)."""
    context = ffi.gc(
        pango.pango_font_map_create_context(style.font_config.font_map), gobject.g_object_unref
    )
    pango.pango_context_set_round_glyph_positions(context, False)
    pango.pango_context_set_base_dir(context, PANGO_DIRECTION[style["direction"]])
    if style["font_language_override"] != "normal" or style["lang"]:
        pango.pango_context_set_language(context, layout.language)
    metrics: tuple = ()
    if style["text_decoration_line"] != "none":
        metrics = (
            layout.ascent,
            layout.underline_position,
            layout.strikethrough_position,
            layout.underline_thickness,
            layout.strikethrough_thickness,
        )
    features = line_break.font_features(**{name: style[name] for name in FEATURE_VALUES})
    text = ",".join(f"{key} {value}" for key, value in features.items()).encode()
    description = line_break.get_font_description(style)
    return _Shared(context, description, layout.language, metrics, text or None)


class _RegexCache(dict):
    """tinyhtml5 2.1's `chars_until` stores each regex under the regex itself
    (`characters = cache[(characters, opposite)] = regex` binds `characters` first), so
    its cache never hits and ~700 regexes are built again per fiche. This one builds each
    on the first lookup, as the parser means to, and answers every later one."""

    def __missing__(self, key):
        characters, opposite = key
        regex = "".join(f"\\x{ord(character):02x}" for character in characters)
        compiled = self[key] = re.compile(f"[{'' if opposite else '^'}{regex}]+")
        return compiled


def _columns_filled(original):
    """WeasyPrint 70's `columns_layout` first measures: it lays the columns out at the
    page's height, and for each column the whole rest of the content at an infinite
    height (to find the next box's height, which only balancing uses), then lays the
    columns out again for real. With `column-fill: auto`, no height, no spanning block and
    no footnote, the measure cannot change the result (the height is the page's either
    way): the fast path lays the columns out once, as the original's last pass does
    (the fiche's body: its layout 230 → 145 ms, the same PDF bytes). Anything else goes
    to the original."""

    @functools.wraps(original)
    def columns_layout(*args):
        context, box, bottom_space, skip_stack, containing_block, page_is_empty = args[:6]
        absolute_boxes, fixed_boxes, _, first_letter, first_line = args[6:]
        if not _fills_in_order(context, box):
            return original(*args)
        context.in_column = True
        box = box.copy_with_children(box.children)
        box.position_y += block.collapse_margin(args[8])
        block.block_level_width(box, containing_block)
        count, width, gap = _columns(box)
        skip = next(iter(skip_stack)) if skip_stack else 0
        children = [child.copy() for child in box.children[skip:]]
        resume = {0: skip_stack[skip]} if skip_stack else None
        top = box.content_box_y()
        columns, next_page = [], {"break": "any", "page": None}
        for index in range(count):
            column_box = column._create_column_box(box, containing_block, children, width, top)
            column_box.position_x += index * (width + gap)
            laid, resume, next_page, *_ = block.block_box_layout(
                context, column_box, bottom_space, resume, containing_block, page_is_empty,
                absolute_boxes, fixed_boxes, None, first_letter, first_line,
                discard=False, max_lines=None,
            )  # fmt: skip
            if laid is None:
                context.in_column = False
                return None, (0, None), {"break": "any", "page": None}, [], False
            columns.append(laid)
            if resume is None:
                break
        tallest = max(laid.margin_height() for laid in columns)
        for laid in columns:
            laid.height = tallest
        box.children = columns
        box.height = min(context.page_bottom - top - bottom_space, tallest)
        if box.min_height != "auto" and box.min_height > box.height:
            for laid in columns:
                laid.height += box.min_height - box.height
            box.height = box.min_height
        context.in_column = False
        after = {skip + key: value for key, value in resume.items()} if resume else None
        return box, after, next_page, [], False

    columns_layout._fichemetier = True
    return columns_layout


def _fills_in_order(context, box) -> bool:
    """Whether the fast path gives what the original would (see `_columns_filled`)."""
    style = box.style
    return (
        bool(box.children)
        and style["column_fill"] == "auto"
        and style["height"] == "auto"
        and style["position"] != "relative"
        and style["direction"] == "ltr"
        and context.current_footnote_area.height == "auto"
        and not context.current_page_footnotes
        and all(child.style["column_span"] != "all" for child in box.children)
    )


def _columns(box) -> tuple[int, float, float]:
    """The number of columns, their width and the gap, as WeasyPrint 70 works them out."""
    style = box.style
    count, width = style["column_count"], style["column_width"]
    gap = style["font_size"] if style["column_gap"] == "normal" else None
    gap = gap if gap is not None else percentage(style["column_gap"], style, box.width)
    if width == "auto" and count != "auto":
        return count, max(0, box.width - (count - 1) * gap) / count, gap
    if width != "auto" and count == "auto":
        count = max(1, math.floor((box.width + gap) / (width + gap)))
    else:
        count = max(1, min(count, math.floor((box.width + gap) / (width + gap))))
    return count, (box.width + gap) / count - gap, gap


#: Where `_inline_blocks_once` keeps a document's inline blocks as laid out.
INLINE_BLOCKS = "_fichemetier_inline_blocks"


def _inline_blocks_once(original):
    """WeasyPrint 70's line breaker lays an inline block out again each time it tries it
    on a line: a link's QR code and text (`.lien`, the column's width) is laid out after
    the one before it on the same line, refused there, laid out again on the next line,
    and again on the next page when the list moves there (13 layouts for 6 links in the
    seed, ~1 ms each). Its layout does not depend on where it starts (it is a formatting
    context of its own, laid out at the top of a boundless page): the same box, with the
    same containing block width and height, page state (`_page_state`) and column state,
    is the same layout moved sideways. So this
    keeps a copy of each as it was laid out, for the document's layout context, and
    hands out copies moved to the new start (equal to the PDF's precision: a width measured
    at another place may differ in its last bit, not in its six decimals). An inline block
    whose layout touched anything outside itself (absolutely positioned or fixed boxes,
    footnotes, running elements, boxes broken out of flow) or a table is always laid out
    again."""

    @functools.wraps(original)
    def inline_block_box_layout(context, box, position_x, skip_stack, containing_block, *rest):
        absolute_boxes, fixed_boxes = rest
        key = (
            id(box),
            repr(skip_stack),
            containing_block.width,
            containing_block.height,
            _page_state(context, box),
            context.in_column,
        )
        memo = context.__dict__.setdefault(INLINE_BLOCKS, {})
        if (kept := memo.get(key)) is not None and kept[0] is box:
            box.position_x, box.position_y = position_x, 0  # as the original sets them
            laid = kept[1].deepcopy()
            laid.translate(position_x - laid.position_x, 0)
            return laid
        before = _outside(context, absolute_boxes, fixed_boxes)
        laid = original(context, box, position_x, skip_stack, containing_block, *rest)
        if not box.is_table_wrapper and _outside(context, absolute_boxes, fixed_boxes) == before:
            memo[key] = (box, laid.deepcopy())
        return laid

    inline_block_box_layout._fichemetier = True
    return inline_block_box_layout


def _page_state(context, box) -> tuple[bool, bool] | None:
    """What of the page an inline block's layout reads: on a page after the first, the
    top margins of the blocks it starts with are truncated (unless the break was forced),
    as `block_level_layout` and `_in_flow_layout` do; nothing, where they are all zero."""
    stack = [box]
    while stack:
        child = stack.pop()
        top = child.style["margin_top"]
        if top != "auto" and getattr(top, "value", None) != 0:
            return context.current_page > 1, context.forced_break
        stack.extend(getattr(child, "children", ()))
    return None


def _outside(context, absolute_boxes, fixed_boxes) -> tuple:
    """What a layout may add outside its box (`_inline_blocks_once`)."""
    return (
        len(absolute_boxes),
        len(fixed_boxes),
        len(context.broken_out_of_flow),
        len(context.current_page_footnotes),
        len(context.reported_footnotes),
        sum(len(boxes) for pages in context.running_elements.values() for boxes in pages.values()),
        context.forced_break,
    )


#: Fonts subset by `_subset_cached`, most recently used last: ~30 KB each.
SUBSETS = Recent(64)


def _subset_cached(original):
    """WeasyPrint 70 subsets each font again for each PDF (HarfBuzz, ~4 ms a fiche of
    four fonts), and a warm process mostly writes the same fiche again (the studio, a
    rebuild). The subset depends only on the font file (its bytes' digest, and its index
    in a collection), the glyphs kept, whether a missing glyph needs a .notdef outline,
    and hinting: the cache's key. A subset that failed (WeasyPrint warns and keeps the
    whole font) is not kept, so it warns again."""

    @functools.wraps(original)
    def subset(self, to_unicode, hinting):
        digest = hashlib.sha256(self.file_content).digest()
        key = (digest, self.index, tuple(sorted(to_unicode)), bool(self.missing), hinting)
        if (kept := SUBSETS.recent(key)) is not None:
            self.file_content = kept
            return
        whole = self.file_content
        original(self, to_unicode, hinting)
        if self.file_content is not whole:
            SUBSETS.keep(key, self.file_content)

    subset._fichemetier = True
    return subset


#: A `PangoGlyphInfo` as bytes: glyph, geometry (width, x_offset, y_offset), attr.
GLYPH_INFO = struct.Struct("=IiiiI")


def _glyph_info_layout() -> bool:
    """Whether `GLYPH_INFO` reads Pango's struct as cffi declares it."""
    offsets = [ffi.offsetof("PangoGlyphInfo", name) for name in ("geometry", "attr")]
    return ffi.sizeof("PangoGlyphInfo") == GLYPH_INFO.size and offsets == [4, 16]


def _draw_first_line(original):
    """WeasyPrint 70 draws a line's glyphs one by one in Python, reading each field of
    each glyph through cffi and formatting its hex code, offset and kerning again
    (~7 ms of a fiche's ~45 ms of PDF writing). This copy of its loop (70.0's
    `draw_first_line`, same operators in the same order) reads a run's glyphs as bytes at
    once, and keeps each glyph's piece of the TJ string by (font size, glyph, advance,
    x offset) on the font (`_fichemetier_segments`): a piece depends on nothing else
    (the font's width of a glyph is set once). Everything it does not handle goes to the
    original: an ellipsis, an empty line, a colour or bitmap emoji font (found before
    anything is written: the operators are kept until the end). The same bytes:
    tests/test_speedpaths.py compares them on tricky text, and the pages of random fiches
    with WeasyPrint's own path."""
    empty, unknown = pango.PANGO_GLYPH_EMPTY, pango.PANGO_GLYPH_UNKNOWN_FLAG

    @functools.wraps(original)
    def draw_first_line(stream, textbox, text_overflow, block_ellipsis, matrix):
        style = textbox.style
        if (
            text_overflow == "ellipsis"
            or block_ellipsis != "none"
            or not textbox.text.strip()
            or style["font_size"] < 1e-6
        ):
            return original(stream, textbox, text_overflow, block_ellipsis, matrix)
        layout = textbox.pango_layout
        pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
        first_line, _ = layout.get_first_line()
        old_pango = pango.pango_version() < 14802
        operators = []
        previous_pango_font, string, run = None, "", first_line.runs[0]
        while run != ffi.NULL:
            glyph_item, run = run.data, run.next
            glyphs, item = glyph_item.glyphs, glyph_item.item
            count, utf8_text, clusters = glyphs.num_glyphs, None, None
            pango_font = item.analysis.font
            if pango_font != previous_pango_font:
                previous_pango_font = pango_font
                font, font_size = stream.add_font(pango_font)
                if font.svg or font.png or font.colr:
                    return original(stream, textbox, text_overflow, block_ellipsis, matrix)
                if old_pango:
                    font_size = style["font_size"]
                if string:
                    operators.append((stream.show_text, string))
                string = ""
                operators.append((stream.set_font_size, font.hash, 1 if font.bitmap else font_size))
                to_unicode, widths = font.to_unicode, font.widths
                digits = "02x" if font.bitmap else "04x"
                segments = font.__dict__.setdefault("_fichemetier_segments", {})
            string += "<"
            data = ffi.buffer(glyphs.glyphs, count * GLYPH_INFO.size)
            for i, (glyph_id, width, x_offset, y_offset, _) in enumerate(
                GLYPH_INFO.iter_unpack(data)
            ):
                if not y_offset:
                    segment = segments.get((font_size, glyph_id, width, x_offset))
                    if segment is not None:
                        string += segment
                        continue
                if glyph_id == empty:
                    string += f">{-width / font_size}<"
                    continue
                known = True
                if glyph_id & unknown:
                    known = False
                    codepoint = glyph_id - unknown
                    LOGGER.warning(
                        '.notdef glyph rendered for Unicode string unsupported by fonts: '
                        '"%s" (U+%04X)', chr(codepoint), codepoint)  # fmt: skip
                    glyph_id = font.get_unused_glyph_id(codepoint)
                    widths[glyph_id] = round(width * 1000 * FROM_UNITS / font_size)
                    if 0 not in widths:
                        widths[0] = widths[glyph_id]
                if glyph_id not in to_unicode:
                    if clusters is None:
                        clusters = ffi.unpack(glyphs.log_clusters, count)
                    offset, t1 = item.offset, clusters[i]
                    if item.analysis.level % 2:  # rtl
                        t2 = item.length if i == 0 else clusters[i - 1]
                    else:
                        t2 = item.length if i == count - 1 else clusters[i + 1]
                    utf8_text = utf8_text or layout.text.encode()
                    to_unicode[glyph_id] = utf8_text[offset + t1 : offset + t2].decode()
                offset = x_offset / font_size
                rise = y_offset / 1000
                start = len(string)
                if rise:
                    string = string[:-1] if string[-1] == "<" else string + ">"
                    if string:
                        operators.append((stream.show_text, string))
                    operators.append((stream.set_text_rise, -rise))
                    string = f"{-offset}" if offset else ""
                    string += f"<{glyph_id:{digits}}>"
                    operators.append((stream.show_text, string))
                    operators.append((stream.set_text_rise, 0))
                    string = "<"
                else:
                    if offset:
                        string += f">{-offset}<"
                    string += f"{glyph_id:{digits}}"
                if glyph_id in widths:
                    logical_width = widths[glyph_id]
                else:
                    pango.pango_font_get_glyph_extents(
                        pango_font, glyph_id, stream.ink_rect, stream.logical_rect
                    )
                    logical_width = widths[glyph_id] = round(
                        stream.logical_rect.width * 1000 * FROM_UNITS / font_size
                    )
                kerning = logical_width + offset - width * 1000 * FROM_UNITS / font_size
                if kerning:
                    string += f">{int(kerning)}<"
                if known and not rise:
                    segments[font_size, glyph_id, width, x_offset] = string[start:]
            string = string[:-1] if string[-1] == "<" else string + ">"
        stream.set_text_matrix(*matrix.values)
        for operator, *operands in operators:
            operator(*operands)
        stream.show_text(string)
        return []

    draw_first_line._fichemetier = True
    return draw_first_line


#: The stream operations an SVG may be replayed with: each only writes to the stream,
#: returns nothing, and takes its arguments from the SVG alone.
REPLAYABLE_NAMES = (
    "push_state pop_state transform set_color set_alpha set_dash set_line_cap set_line_join "
    "set_miter_limit set_line_width move_to line_to curve_to close fill stroke "
    "fill_and_stroke rectangle end clip"
)
REPLAYABLE = frozenset(REPLAYABLE_NAMES.split())
#: What an SVG that depends on something besides its own text contains: a link to another
#: file or element, a stylesheet.
REFERENCES = re.compile(rb"href|url\(|@import|xml-stylesheet", re.IGNORECASE)
#: The calls all kept drawings hold at most (~0.5 KB each): a badge or the salary chart is
#: ~200; an edition's logo may be 140 000 (~75 MB): drawn each time, never kept.
SVG_CALLS_KEPT = 10_000
#: SVG drawings recorded by `_svg_replayed`: 64 at most, within SVG_CALLS_KEPT calls.
SVG_DRAWINGS = Recent(64, weight=len, budget=SVG_CALLS_KEPT)


class _Recorder:
    """Stands for the stream an SVG draws on: passes every call on, notes the calls, and
    whether the SVG did anything else (then its drawing is not kept)."""

    def __init__(self, stream):
        self.__dict__.update(stream=stream, calls=[], replayable=True)

    def __getattr__(self, name):
        value = getattr(self.stream, name)
        if name not in REPLAYABLE:
            self.replayable = False
            return value

        def call(*args, **kwargs):
            self.calls.append((name, args, kwargs))
            result = value(*args, **kwargs)
            self.replayable = self.replayable and result is None
            return result

        return call

    def __setattr__(self, name, value):
        if name != "replayable":
            self.__dict__["replayable"] = False
            setattr(self.stream, name, value)
        else:
            self.__dict__[name] = value


class _Noted(logging.Filter):
    def __init__(self):
        super().__init__()
        self.records = 0

    def filter(self, record):
        self.records += 1
        return True


def _svg_replayed(original):
    """WeasyPrint 70 parses an SVG's paths again at each draw, in Python: a « (suite) »
    badge (its text as paths) and the salary chart cost ~3 ms a fiche, the same each time.
    A drawing made only of plain stream operations (`REPLAYABLE`), from an SVG that reads
    nothing else (`REFERENCES`), without a warning, is kept by the SVG's text and its
    size, and replayed: the same calls on the stream, so the same bytes
    (tests/test_speedpaths.py). Anything else is drawn as WeasyPrint does. Kept by the
    text's digest (a logo's text may be MBs), and within SVG_CALLS_KEPT calls in all."""

    @functools.wraps(original)
    def draw(self, stream, concrete_width, concrete_height, style):
        try:
            text = ElementTree.tostring(self._svg.tree._etree_node)
        except (AttributeError, TypeError):  # not an ElementTree element: not kept
            text = b"href"
        if REFERENCES.search(text):
            return original(self, stream, concrete_width, concrete_height, style)
        key = (hashlib.sha256(text).digest(), concrete_width, concrete_height)
        if (calls := SVG_DRAWINGS.recent(key)) is not None:
            for name, args, kwargs in calls:
                getattr(stream, name)(*args, **kwargs)
            return None
        recorder, noted = _Recorder(stream), _Noted()
        LOGGER.addFilter(noted)
        try:
            self._svg.draw(recorder, concrete_width, concrete_height, self._base_url, self._context)
        except BaseException as exception:  # as WeasyPrint 70's SVGImage.draw
            LOGGER.error("Failed to render SVG image %s", self._base_url)
            LOGGER.debug("Error while rendering SVG image:", exc_info=exception)
            return None
        finally:
            LOGGER.removeFilter(noted)
        if recorder.replayable and not noted.records and len(recorder.calls) <= SVG_CALLS_KEPT:
            SVG_DRAWINGS.keep(key, recorder.calls)
        return None

    draw._fichemetier = True
    return draw


def _leaders_merged(original):
    """WeasyPrint 70's `handle_leader` fills a leader with one copy of its text box per
    repeat of its text (`. ` for `leader(dotted)`): a catalogue's contents line had ~130
    boxes, each drawn, tagged (then made an artifact) and kept on its own, ~0.6 MB and
    ~30 ms a fiche in the skeleton. The copies stand side by side, each one text's width
    from the next, so one box with the text repeated draws the same glyphs at the same
    places, but for WeasyPrint's writing a text's advances in whole thousandths of an em
    (dots ~0.004 pt further apart each): so runs of LEADER_RUN copies, each at its first
    copy's place, the dots within 0.07 pt of where they were. Copies are kept as they are
    when the repeated text would not be exactly as wide (kerning across copies)."""

    @functools.wraps(original)
    def handle_leader(context, line, containing_block):
        _, box = leader.leader_index(line)
        if box is None:  # most lines: the original would only look for it (one walk)
            return
        original(context, line, containing_block)
        if len(box.children) > 1:
            box.children = _runs(context, box.children)

    handle_leader._fichemetier = True
    return handle_leader


#: Copies of a leader's text merged into one text box (see `_leaders_merged`).
LEADER_RUN = 16


def _runs(context, copies: tuple) -> tuple:
    first = copies[0]
    if not all(isinstance(copy, boxes.TextBox) and copy.text == first.text for copy in copies):
        return copies
    ordered = sorted(copies, key=lambda copy: copy.position_x)
    merged, layouts = [], {}
    for start in range(0, len(ordered), LEADER_RUN):
        run = ordered[start : start + LEADER_RUN]
        if len(run) not in layouts:
            layouts[len(run)] = _layout_of(context, first, len(run))
        if layouts[len(run)] is None:
            return copies
        box = run[0].copy_with_text(first.text * len(run))
        box.pango_layout, box.width = layouts[len(run)]
        merged.append(box)
    return tuple(merged)


def _layout_of(context, box, count: int):
    """The Pango layout and width of `box`'s text `count` times, None if that is not
    exactly `count` times as wide."""
    text = box.text * count
    layout, length, _, width, _, _ = line_break.split_first_line(
        text, box.style, context, math.inf, box.justification_spacing, False
    )
    if length != len(text.encode()) or not math.isclose(width, box.width * count):
        return None
    return layout, width


def install_fixes() -> None:
    """Install the fixes, once per process; they change nothing that is laid out."""
    if not getattr(images.SVGImage.draw, "_fichemetier", False):
        images.SVGImage.draw = _svg_replayed(images.SVGImage.draw)
    if (
        not getattr(draw_text.draw_first_line, "_fichemetier", False)
        and weasyprint.__version__.split(".")[0] == "70"  # a copy of 70's loop
        and _glyph_info_layout()
    ):
        draw_text.draw_first_line = _draw_first_line(draw_text.draw_first_line)
    if not getattr(fonts.Font._harfbuzz_subset, "_fichemetier", False):
        fonts.Font._harfbuzz_subset = _subset_cached(fonts.Font._harfbuzz_subset)
    if not getattr(block.columns_layout, "_fichemetier", False):
        block.columns_layout = _columns_filled(block.columns_layout)
    if not getattr(inline.inline_block_box_layout, "_fichemetier", False):
        inline.inline_block_box_layout = _inline_blocks_once(inline.inline_block_box_layout)
    if not getattr(line_break.Layout.setup, "_fichemetier", False):
        setup = _layout_setup(line_break.Layout.setup)
        shared = setup_reads() == SETUP_READS  # else a key would miss a value it reads
        line_break.Layout.setup = _shared_setup(setup) if shared else setup
    if not getattr(inline.handle_leader, "_fichemetier", False):
        inline.handle_leader = _leaders_merged(inline.handle_leader)
    if not isinstance(tinyhtml5.inputstream.characters_until_regex, _RegexCache):
        tinyhtml5.inputstream.characters_until_regex = _RegexCache()
