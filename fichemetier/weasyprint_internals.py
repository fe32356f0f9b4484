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
  (a dict that `setup` fills with `setdefault`): wrapped to plug a native leak (`install_fixes`);
- `tinyhtml5.inputstream.characters_until_regex`, the HTML parser's regex cache, replaced by
  one that hits (`install_fixes`);
- a laid-out box's `background` (None: nothing drawn), cleared on a level group's first
  fragment (`unpaint_covered_badges`);
- `weasyprint.layout.block.columns_layout` (the name `block_level_layout_switch` calls),
  wrapped with a fast path for columns filled one after the other (`_columns_filled`),
  which uses `weasyprint.layout.column._create_column_box` and, from
  `weasyprint.layout.block`, `block_box_layout`, `block_level_width`, `collapse_margin`;
- `weasyprint.layout.inline.handle_leader(context, line, containing_block)` (the name
  `iter_line_boxes` calls), wrapped to merge a leader's copies of its text into one box
  (`_leaders_merged`), with `weasyprint.layout.leader.leader_index`,
  `weasyprint.text.line_break.split_first_line` and a text box's `copy_with_text`,
  `pango_layout`, `position_x`, `justification_spacing`.

Our own marks on WeasyPrint's boxes: the attributes `_fichemetier_mcid` and
`_fichemetier_space`.
"""

from __future__ import annotations

import functools
import inspect
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

import tinyhtml5.inputstream
from weasyprint.formatting_structure import boxes
from weasyprint.layout import block, column, inline, leader
from weasyprint.layout.percent import percentage
from weasyprint.pdf.stream import Stream
from weasyprint.text import line_break
from weasyprint.text.ffi import ffi, harfbuzz_subset, pango

from .load import Loc

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
        "margin_height is_leader",
    ),
    "weasyprint.layout.inline": (inline, "split_text_box remove_last_whitespace handle_leader"),
    "weasyprint.pdf.stream.Stream": (Stream, "marked"),
    "weasyprint.text.line_break.Layout": (line_break.Layout, "setup"),
    "weasyprint.text.ffi.pango": (
        pango,
        "pango_layout_get_attributes pango_attr_list_unref pango_attr_font_features_new",
    ),
    "tinyhtml5.inputstream": (tinyhtml5.inputstream, "characters_until_regex"),
    "weasyprint.layout.block": (
        block,
        "columns_layout block_box_layout block_level_width collapse_margin",
    ),
    "weasyprint.layout.column": (column, "columns_layout _create_column_box"),
    "weasyprint.layout.leader": (leader, "leader_index"),
    "weasyprint.text.line_break": (line_break, "split_first_line"),
    "weasyprint.formatting_structure.boxes.TextBox": (boxes.TextBox, "copy_with_text"),
}
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
    "weasyprint.layout.column.columns_layout": (lambda: column.columns_layout, COLUMNS_ARGS),
    "weasyprint.layout.column._create_column_box": (
        lambda: column._create_column_box,
        ("box", "containing_block", "children", "width", "position_y"),
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
    for where, (function, expected) in SIGNATURES.items():
        try:
            found = tuple(inspect.signature(function()).parameters)[: len(expected)]
        except (AttributeError, TypeError, ValueError):
            continue  # already listed as gone
        if found != expected:
            gone.append(f"{where}: parameters {found}, expected {expected}")
    return gone


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


def qr_slots(document) -> list[QRSlot]:
    found = []
    for index, page in enumerate(document.pages):
        for box, _, _, _ in placed_boxes(page):
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
    texts = {}
    for page in document.pages:
        for box, _, _, _ in placed_boxes(page):
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
    if not getattr(block.columns_layout, "_fichemetier", False):
        block.columns_layout = _columns_filled(block.columns_layout)
    if not getattr(line_break.Layout.setup, "_fichemetier", False):
        line_break.Layout.setup = _layout_setup(line_break.Layout.setup)
    if not getattr(inline.handle_leader, "_fichemetier", False):
        inline.handle_leader = _leaders_merged(inline.handle_leader)
    if not isinstance(tinyhtml5.inputstream.characters_until_regex, _RegexCache):
        tinyhtml5.inputstream.characters_until_regex = _RegexCache()
