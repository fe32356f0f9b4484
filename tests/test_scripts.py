"""Arabic, Hebrew and emoji print with the bundled fallback fonts: they neither vanish nor
take a font of the machine, and their text can be read back from the PDF."""

from __future__ import annotations

import io
import unicodedata

import pdfplumber
import pikepdf
import pytest
from pypdf import PdfReader

from fichemetier.load import load_fiche
from fichemetier.model import validate

FICHE = """\
metier: Traducteur مترجم 🌍
temoignage:
  citation: J'aime traduire « مرحبا بكم » et « שלום עולם » chaque jour 😀.
  auteur: Leïla حداد
le_metier: |
  Il passe de l'arabe (العربية لغة جميلة) à l'hébreu (עברית שפה יפה), avec **du gras عربي**
  et des émojis 👍🏽 👩‍💻 🇫🇷 ❤️ ✅.

  Une phrase mêlée : le mot « كتاب » veut dire livre, et « ספר » aussi.
partenaire: Fiche réalisée avec l'association مرحبا
"""
WORDS = ["مترجم", "مرحبا", "بكم", "שלום", "עולם", "حداد", "جميلة", "עברית", "كتاب", "ספר"]
EMOJI = ["🌍", "😀", "👍🏽", "👩\u200d💻", "🇫🇷", "❤", "✅"]
FAMILIES = {"Fiche-Inter", "Fiche-Arabic", "Fiche-Hebrew", "Fiche-Emoji"}


@pytest.fixture(scope="module")
def pdf(renderer, tmp_path_factory):
    folder = tmp_path_factory.mktemp("scripts")
    (folder / "fiche.yaml").write_text(FICHE, encoding="utf-8")
    path = folder / "fiche.pdf"
    path.write_bytes(renderer.pdf(validate(load_fiche(folder / "fiche.yaml")), folder))
    return path


def test_rtl_words_and_emoji_come_out_as_text(pdf):
    text = PdfReader(pdf).pages[0].extract_text()
    missing = [w for w in WORDS + EMOJI if w not in text]
    assert not missing, text
    # the French around them is intact and in order
    text = text.replace("\n", " ")  # a column may break the line anywhere in the sentence
    assert "le mot «\u202fكتاب\u202f» veut dire livre, et «\u202fספר\u202f» aussi." in text


def script_font(char: str) -> str:
    name = unicodedata.name(char, "")
    if name.startswith("ARABIC"):
        return "Fiche-Arabic"
    if name.startswith("HEBREW"):
        return "Fiche-Hebrew"
    return "Fiche-Emoji" if ord(char) >= 0x2600 else "Fiche-Inter"


def test_each_script_is_set_in_its_bundled_font(pdf):
    with pdfplumber.open(pdf) as document:
        chars = [c for c in document.pages[0].chars if c["text"].strip()]
    wrong = []
    for char in chars:
        family = char["fontname"].split("+")[1]
        expected = script_font(char["text"][0])
        if not family.startswith(expected):
            wrong.append((char["text"], family))
    assert not wrong, wrong[:10]
    used = {c["fontname"].split("+")[1] for c in chars}
    assert {"Fiche-Arabic", "Fiche-Hebrew", "Fiche-Emoji"} <= used


def test_only_bundled_fonts_are_embedded(pdf):
    with pikepdf.open(pdf) as document:
        names = {
            str(font.BaseFont).lstrip("/").partition("+")[2]
            for page in document.pages
            for font in page.Resources.Font.values()
        }
    strange = {n for n in names if not any(n.startswith(f) for f in FAMILIES)}
    assert not strange, names


@pytest.mark.xfail(
    strict=True,
    reason="WeasyPrint 70 maps each glyph to text once, at its first use: a letter first "
    "drawn inside a cluster with a combining mark (ğ + U+032B) maps to nothing, so the "
    "plain ğ printed later cannot be copied or read aloud (it prints fine)",
)
def test_a_letter_first_drawn_with_a_combining_mark_keeps_its_text(renderer, write_fiche):
    # found by test_fuzz.py; when this passes, WeasyPrint is fixed: remove the xfail and
    # put combining marks back in the fuzz alphabet
    path = write_fiche("metier: A\nle_metier: C\u011f\u032bt puis \u011f seul.\n")
    pdf = renderer.pdf(validate(load_fiche(path)), path.parent)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "puis \u011f seul" in text
