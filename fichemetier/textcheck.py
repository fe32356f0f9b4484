"""Step 2a, text checks: what any text of a fiche may hold, beyond being a string.

A fiche is printed, so a text must print what it says:
- a control character, a lone surrogate (half of a UTF-16 pair, only reachable through a
  YAML escape such as "\\ud800") or a private-use code point prints nothing or a box,
  and a lone surrogate cannot even be written to the PDF;
- a bidi override (U+202A–U+202E) prints the following words backwards, which hides
  what the text really says ("Trojan source"). Arabic and Hebrew need none of them:
  the Unicode bidi algorithm orders them, and the marks and isolates (U+200E, U+200F,
  U+061C, U+2066–U+2069) stay allowed for the rare mixed case;
- sizes are bounded so that no fiche makes the layout engine crawl: hyphenating one
  word without spaces costs more than quadratic time (measured with WeasyPrint 70: 1 000
  letters 0.7 s, 2 000 letters 5 s, 4 000 letters 28 s), while a long text with spaces
  is linear (100 000 characters: 1.7 s, 17 pages). A fiche is two pages, so the limits
  below are far above any real text and far below any slow layout.

Each check returns the French message for the editor, or None when the text is fine.
"""

from __future__ import annotations

import re
import unicodedata

#: At most this many characters in a prose field (`le_metier`, a training's text…):
#: about one printed page; the longest field of the seed fiche has ~1 100.
MAX_PROSE = 6_000
#: …and in a one-line field (`metier`, `auteur`, `partenaire`…).
MAX_LINE = 300
#: At most this many letters without a space (the longest French words have ~25).
MAX_WORD = 100
#: At most this many items in a list (trainings, establishments, links): a fiche shows
#: a selection, and 30 trainings already fill three pages.
MAX_ITEMS = 30
#: Bold in italics in a link is 3 levels; `*` × 500 would be 250 nested boxes.
MAX_NESTING = 4

ALLOWED_CONTROLS = "\t\n\r"
BIDI_OVERRIDES = {
    0x202A: "LRE",
    0x202B: "RLE",
    0x202C: "PDF",
    0x202D: "LRO",
    0x202E: "RLO",
}
#: Spaces that do not allow a line break: they glue two words into one.
_BREAKING_SPACE = re.compile(r"(?:(?![\u00a0\u2007\u202f])\s)+")


def code_point(char: str) -> str:
    return f"U+{ord(char):04X}"


def bad_character(text: str) -> str | None:
    """Why `text` holds a character that cannot be printed as written, or None."""
    for char in text:
        if char in ALLOWED_CONTROLS or (" " <= char <= "~"):
            continue
        message = character_problem(char)
        if message:
            return message
    return None


def character_problem(char: str) -> str | None:
    """The message for one character, or None when it prints (used by the loader too)."""
    point = ord(char)
    category = unicodedata.category(char)
    if category == "Cc" and char not in ALLOWED_CONTROLS or _noncharacter(point):
        return f"caractère de contrôle {code_point(char)} invisible : supprimez-le"
    if category == "Cs":
        return (
            f"caractère {code_point(char)} invalide (moitié de paire UTF-16) : "
            "supprimez l'échappement « \\u… » qui l'écrit"
        )
    if category == "Co":
        return (
            f"caractère à usage privé {code_point(char)} : aucune police ne l'imprime, supprimez-le"
        )
    if point in BIDI_OVERRIDES:
        return (
            f"caractère de direction {code_point(char)} ({BIDI_OVERRIDES[point]}) invisible : "
            "il imprime le texte à l'envers, supprimez-le (l'arabe et l'hébreu s'écrivent "
            "tels quels)"
        )
    return None


def _noncharacter(point: int) -> bool:
    return 0xFDD0 <= point <= 0xFDEF or (point & 0xFFFE) == 0xFFFE


def too_long(text: str, limit: int) -> str | None:
    if len(text) <= limit:
        return None
    return (
        f"texte trop long ({_number(len(text))} caractères, au plus {_number(limit)}) : "
        "une fiche tient en deux pages, raccourcissez-le"
    )


def long_word(words: str) -> str | None:
    """`words` is the text as it will be laid out, URLs left out (they break anywhere)."""
    longest = max(_BREAKING_SPACE.split(words), key=len, default="")
    if len(longest) <= MAX_WORD:
        return None
    return (
        f"mot de {_number(len(longest))} caractères sans espace (« {longest[:20]}… ») : "
        f"la mise en page ne sait pas le couper, ajoutez des espaces (au plus {MAX_WORD} "
        "caractères par mot)"
    )


def invisible_in_url(url: str) -> str | None:
    """An invisible character makes a link differ from the address printed under it."""
    for char in url:
        if unicodedata.category(char) in ("Cf", "Zs", "Zl", "Zp"):
            return f"le lien contient un caractère invisible {code_point(char)} : retapez l'adresse"
    return None


def _number(count: int) -> str:
    return f"{count:,}".replace(",", "\u202f")
