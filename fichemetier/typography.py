"""Step 3a, typography: the French print code applied to plain text.

Editors type ordinary spaces and straight quotes; a printed fiche needs the
no-break spaces that keep « : ; ! ? € » on the line of their word, grouped
thousands, and typographic apostrophes. URLs and e-mail addresses are left exactly
as written, since a changed character would break them.
"""

from __future__ import annotations

import re

NNBSP = "\u202f"  # narrow no-break space: before ; ! ?, inside « », in 10 800
NBSP = "\u00a0"  # no-break space: before : and €, inside bac + 2

PROTECTED = re.compile(
    r'(?:https?://|www\.)[^\s<>«»"]*[^\s<>«»".,;:!?)]'  # URLs, without trailing punctuation
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|&#?\w+;"  # an HTML entity typed as such (&amp;): printed as typed, not « &amp ; »
)
# Protected text is swapped for private-use placeholders while the rules run; the two
# placeholder characters themselves are protected too, so that a text that already holds
# them cannot be mistaken for a placeholder.
_KEPT = re.compile(f"{PROTECTED.pattern}|[\ue000\ue001]")
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
_SPACES = f"[ \t{NBSP}{NNBSP}]"

#: Unit symbols that take a no-break space after a number; only after a number, so that
#: « 3 h » is joined and « 3 heures », « les 3 m’ont dit » are not.
UNITS = "|".join(
    ["kg", "mg", "g", "km", "cm", "mm", "m²", "m³", "m", "h", "min", "s", "ml", "cl", "l", "L"]
    + ["°C", "°", "ko", "Mo", "Go", "To", "kW", "W", "V", "k€", "M€"]
)

_AMOUNT_END = f"{_SPACES}?€|{_SPACES}+(?:et|à|ou){_SPACES}+\\d[\\d{NNBSP} ]*{_SPACES}?€"

_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\.\.\."), "…"),
    (re.compile(r"(?<=\w)'|'(?=\w)"), "’"),
    # Guillemets: « and » hug their text with a narrow no-break space.
    (re.compile(f"«{_SPACES}*"), f"«{NNBSP}"),
    (re.compile(f"{_SPACES}*»"), f"{NNBSP}»"),
    # …and quotes inside them, “ ”, hug their text without a space.
    (re.compile(f"“{_SPACES}+"), "“"),
    (re.compile(f"{_SPACES}+”"), "”"),
    # High punctuation: ; ! ? take a narrow no-break space, : a full one.
    (re.compile(f"{_SPACES}+([;!?]+)"), f"{NNBSP}\\1"),
    (re.compile(f"(?<=[^\\s;!?{NBSP}{NNBSP}])([;!?]+)"), f"{NNBSP}\\1"),
    (re.compile(f"{_SPACES}+:"), f"{NBSP}:"),
    (re.compile(r"(?<=[^\W\d_]):(?=\s)"), f"{NBSP}:"),
    # Numbers: groups of thousands joined by a narrow no-break space (2 000, 10 800).
    (re.compile(r"(?<=\d) (?=\d{3}\b)"), NNBSP),
    # …and amounts in euros of 4 digits or more, also the first of a range (8000 et 10 000 €),
    # but never a year or a postcode.
    (re.compile(f"\\b(\\d{{1,3}})(\\d{{3}})\\b(?={_AMOUNT_END})"), f"\\1{NNBSP}\\2"),
    # A no-break space before € and %, and before a unit after a number (35 h, 12 kg).
    (re.compile(f"(?<=\\d){_SPACES}*(€|%)"), f"{NBSP}\\1"),
    (re.compile(f"(?<=\\d){_SPACES}+(?=(?:{UNITS})(?![\\w²³’']))"), NBSP),
    # Ordinals as printed: 1er, 1re, 2e (not 2ème, 2è, 1ère); markup.py raises them.
    (re.compile(r"(?<![\w])(\d+)(?:ème|eme|è)(s?)\b"), "\\1e\\2"),
    (re.compile(r"(?<![\w])(\d+)ère(s?)\b"), "\\1re\\2"),
    # « n° 3 », « N° 12 »: the sign stays with its number.
    (re.compile(f"(?<![\\w])([Nn]°){_SPACES}*(?=\\d)"), f"\\1{NBSP}"),
    (re.compile(f"\\b([Bb]ac|BAC){_SPACES}*\\+{_SPACES}*(\\d)"), f"\\1{NBSP}+{NBSP}\\2"),
    # A hyphen between spaces is a dash (Lumière – Lyon 2), kept with the word before it.
    (re.compile(f"{_SPACES}+[-–]{_SPACES}+"), f"{NBSP}– "),
]


def french(text: str) -> str:
    """Apply French typography to `text`, leaving URLs and e-mail addresses untouched."""
    kept: list[str] = []

    def keep(match: re.Match[str]) -> str:
        kept.append(match.group())
        return f"\ue000{len(kept) - 1}\ue001"

    text = nested_quotes(_KEPT.sub(keep, text))
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return _PLACEHOLDER.sub(lambda m: kept[int(m.group(1))], text)


def nested_quotes(text: str, depth: int = 0) -> str:
    """Straight quotes paired as « », and quotes inside « » as “ ” (French usage), one
    character for one, so that a caller may cut the result where it cut `text`. An odd
    count of straight quotes is left as typed. `depth` 1: `text` is already inside « »."""
    if '"' not in text and "«" not in text and "»" not in text:
        return text  # most texts: nothing to pair (the loop below costs ~1.5 ms a fiche)
    pair_straight = text.count('"') % 2 == 0
    open_quotes: list[tuple[bool, str]] = []  # (typed straight, its closing mark)
    out = []
    for c in text:
        inner = depth + len(open_quotes) > 0
        if c == '"' and pair_straight and open_quotes and open_quotes[-1][0]:
            c = open_quotes.pop()[1]
        elif (c == '"' and pair_straight) or c == "«":
            open_quotes.append((c == '"', "”" if inner else "»"))
            c = "“" if inner else "«"
        elif c == "»" and open_quotes and not open_quotes[-1][0]:
            c = open_quotes.pop()[1]
        out.append(c)
    return "".join(out)


def euros(amount: int) -> str:
    """`2000` → `2 000 €` with the right no-break spaces, for the salary scale."""
    return f"{amount:,}".replace(",", NNBSP) + f"{NBSP}€"


def niveau_label(niveau: str) -> str:
    """`bac+2` → `bac + 2` kept on one line, as printed on the level badges."""
    return niveau.replace("+", f"{NBSP}+{NBSP}")
