"""What the layout knows and the tagged PDF loses: notes for the finishing pass.

WeasyPrint 70 tags every piece of text it draws, but a screen reader (or a copy-paste)
gets the text as drawn: no space where a line broke at a space ("un" / "site" reads
"unsite"), the hyphen of a word broken by `hyphens: auto` kept ("archi‐" "tecte"), and
the dots of a `leader()` read one by one. The layout still knows all three; the PDF does
not. Two small hooks into WeasyPrint note them on the boxes, and `reading_notes` hands
them to `finishing` as (page, MCID) → text to read, and (page, MCID) to make artifacts:

- `split_text_box` (a text cut at a line's end) and `remove_last_whitespace` (a space
  dropped at a line's end) mark the text box that lost a space;
- `Stream.marked` (tagging a text box as marked content) records the box's MCID.

Both wrap the original function and change nothing it does; they are tied to WeasyPrint
70 (pinned `~=70.0`), and tests/test_verapdf.py reads the text back to catch a change.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from weasyprint.pdf.stream import Stream

MCID = "_fichemetier_mcid"  # attribute names set on WeasyPrint's boxes
SPACE = "_fichemetier_space"

Key = tuple[int, int]  # page index, MCID


@dataclass
class ReadingNotes:
    """For the finishing pass: text to read instead of the drawn one, and decoration."""

    actual_text: dict[Key, str] = field(default_factory=dict)
    artifacts: set[Key] = field(default_factory=set)


def install() -> None:
    """Wrap the two WeasyPrint functions, once per process."""
    if getattr(inline.remove_last_whitespace, "_fichemetier", False):
        return
    original_remove = inline.remove_last_whitespace
    original_split = inline.split_text_box
    original_marked = Stream.marked

    def split_text_box(context, box, available_width, skip, *args, **kwargs):
        new_box, resume, line_break = original_split(
            context, box, available_width, skip, *args, **kwargs
        )
        if new_box is not None:  # set either way: a copy must not inherit a stale mark
            taken = box.text.encode()[:resume][-1:] if resume is not None else b""
            setattr(new_box, SPACE, taken == b" " and not line_break)
        return new_box, resume, line_break

    def remove_last_whitespace(context, line):
        box = _last_descendant(line)
        before = box.text if isinstance(box, boxes.TextBox) else None
        original_remove(context, line)
        if before is not None and box.text != before:
            setattr(box, SPACE, True)

    @contextmanager
    def marked(self, box, tag):
        with original_marked(self, box, tag):
            if self._tags is not None and box in self._tags:
                setattr(box, MCID, self._tags[box]["mcid"])
            yield

    remove_last_whitespace._fichemetier = True
    inline.remove_last_whitespace = remove_last_whitespace
    inline.split_text_box = split_text_box
    Stream.marked = marked


def _last_descendant(line):
    """The box whose trailing space the line breaker removes (same walk as WeasyPrint)."""
    box = line
    while isinstance(box, (boxes.LineBox, boxes.InlineBox)) and box.children:
        box = box.children[-1]
    return box


def reading_notes(document) -> ReadingNotes:
    """After `write_pdf`: what each line's last text should read, and the leaders."""
    notes = ReadingNotes()
    for index, page in enumerate(document.pages):
        for line in _line_boxes(page._page_box):
            _note_line(index, line, notes)
    return notes


def _line_boxes(box):
    if isinstance(box, boxes.LineBox):
        yield box
    for child in getattr(box, "children", ()):
        yield from _line_boxes(child)


def _note_line(page: int, line, notes: ReadingNotes) -> None:
    texts: list[boxes.TextBox] = []
    _inline_texts(line, texts, notes, page)
    drawn = [box for box in texts if box.text.strip() and hasattr(box, MCID)]
    if not drawn:
        return
    last = drawn[-1]
    text = last.text
    hyphen = last.style["hyphenate_character"]
    if hyphen and text.endswith(hyphen) and hyphen not in _source_text(last):
        text = text[: -len(hyphen)]  # a word cut by the layout reads whole
    elif any(getattr(box, SPACE, False) for box in texts):
        text += " "  # the space the line break took
    if text != last.text:
        notes.actual_text[(page, getattr(last, MCID))] = text


def _inline_texts(box, texts: list, notes: ReadingNotes, page: int, leader=False) -> None:
    """The text boxes of one line in order (not inside inline blocks: own lines)."""
    for child in box.children:
        if isinstance(child, boxes.TextBox):
            if leader and hasattr(child, MCID):
                notes.artifacts.add((page, getattr(child, MCID)))
            else:
                texts.append(child)
        elif isinstance(child, boxes.InlineBox):
            _inline_texts(child, texts, notes, page, leader or child.is_leader)


def _source_text(box) -> str:
    element = box.element
    return "".join(element.itertext()) if element is not None else ""
