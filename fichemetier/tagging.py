"""What the layout knows and the tagged PDF loses: notes for the finishing pass.

WeasyPrint 70 tags every piece of text it draws, but a screen reader (or a copy-paste)
gets the text as drawn: no space where a line broke at a space ("un" / "site" reads
"unsite"), the hyphen of a word broken by `hyphens: auto` kept ("archi‐" "tecte"), and
the dots of a `leader()` read one by one. The layout still knows all three; the PDF does
not. Hooks into WeasyPrint's line breaker and tagging (`weasyprint_internals.install`,
installed by `render`) note on each text box its MCID and whether the line broke at a
space after it; `reading_notes` reads them line by line and hands them to `finishing` as
(page, MCID) → text to read, and (page, MCID) to make artifacts. tests/test_verapdf.py
and tests/test_accessibility.py read the text back to catch a change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .weasyprint_internals import LineText, lines

Key = tuple[int, int]  # page index, MCID


@dataclass
class ReadingNotes:
    """For the finishing pass: text to read instead of the drawn one, and decoration."""

    actual_text: dict[Key, str] = field(default_factory=dict)
    artifacts: set[Key] = field(default_factory=set)


def reading_notes(document) -> ReadingNotes:
    """After `write_pdf`: what each line's last text should read, and the leaders."""
    notes = ReadingNotes()
    for page, texts in lines(document):
        for text in texts:
            if text.leader and text.mcid is not None:
                notes.artifacts.add((page, text.mcid))
        _note_line(page, [text for text in texts if not text.leader], notes)
    return notes


def _note_line(page: int, texts: list[LineText], notes: ReadingNotes) -> None:
    drawn = [box for box in texts if box.text.strip() and box.mcid is not None]
    if not drawn:
        return
    last = drawn[-1]
    assert last.mcid is not None  # drawn holds marked text only
    text = last.text
    hyphen = last.hyphen
    if hyphen and text.endswith(hyphen) and hyphen not in last.source():
        text = text[: -len(hyphen)]  # a word cut by the layout reads whole
    elif any(box.lost_space for box in texts):
        text += " "  # the space the line break took
    if text != last.text:
        notes.actual_text[(page, last.mcid)] = text
