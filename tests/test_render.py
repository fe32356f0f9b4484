"""The seed fiche rendered to a real PDF, inspected as a reader and a PDF tool see it."""

from __future__ import annotations

import re
import unicodedata

import pdfplumber
import pikepdf
import pytest
from pypdf import PdfReader

from fichemetier.load import load_fiche
from fichemetier.model import validate

from .conftest import SEED_TEXT

URL = re.compile(r"https?://[^\s<>]+")
BUNDLED_FONTS = {
    "Fiche-Inter",
    "Fiche-Inter-Italic",
    "Fiche-Inter-Semi-Bold",
    "Fiche-Inter-Bold",
    "Fiche-Inter-Bold-Italic",
    "Fiche-Inter-Ultra-Bold",
}
MM = 72 / 25.4


def letters(text: str) -> str:
    """Text reduced to lowercase letters and digits without accents, so that hyphenation,
    spacing, capitals (DEVELOPPEUR/DÉVELOPPEUR) and quotes do not matter."""
    text = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in text if c.isalnum() and not unicodedata.combining(c))


def seed_words() -> list[str]:
    text = URL.sub(" ", SEED_TEXT.read_text(encoding="utf-8"))
    return [letters(w) for w in re.split(r"[\s'’\-–/]+", text) if letters(w)]


@pytest.fixture(scope="module")
def pdf_text(seed_pdf) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(seed_pdf).pages)


def test_every_word_of_the_seed_appears_in_order(pdf_text):
    stream = letters(pdf_text)
    position = 0
    missing = []
    for index, word in enumerate(seed_words()):
        found = stream.find(word, position)
        if found < 0:
            missing.append((index, word))
        else:
            position = found + len(word)
    assert not missing, f"words of the seed lost or out of order: {missing[:10]}"


def test_sentences_keep_their_order(pdf_text):
    """Distinctive phrases, in seed order, each found after the previous one."""
    phrases = [
        "problématiques différentes",
        "architecte doublé",
        "minutie à toute épreuve",
        "profils bac + 5",
        "2 000 € brut pour les débutants",
        "BTS services informatiques",
        "BUT MMI",
        "Université Paris-Saclay",
        "Université Le Havre Normandie",
        "14 villes en France",
        "IT Akademy",
        "de 10 800 à 17 200 €",
        "Supinfo",
        "Fiche réalisée en collaboration avec l'Onisep",
    ]
    stream = letters(pdf_text)
    position = 0
    for phrase in phrases:
        found = stream.find(letters(phrase), position)
        assert found >= 0, phrase
        position = found


def test_title_in_capitals_keeps_its_accents(pdf_text):
    assert "DÉVELOPPEUR BACK END" in pdf_text


def test_every_seed_url_is_a_clickable_link(seed_pdf):
    expected = set(URL.findall(SEED_TEXT.read_text(encoding="utf-8")))
    with pikepdf.open(seed_pdf) as pdf:
        uris = {
            str(annot.A.URI)
            for page in pdf.pages
            for annot in page.get("/Annots", [])
            if annot.get("/Subtype") == "/Link" and "/A" in annot
        }
    assert len(expected) == 10
    assert expected <= uris


def test_at_most_two_a4_pages(seed_pdf):
    reader = PdfReader(seed_pdf)
    assert len(reader.pages) <= 2
    for page in reader.pages:
        assert (round(page.mediabox.width / MM), round(page.mediabox.height / MM)) == (210, 297)


def test_only_bundled_fonts_all_embedded_and_subset(seed_pdf):
    with pikepdf.open(seed_pdf) as pdf:
        fonts = {str(f.BaseFont): f for page in pdf.pages for f in page.Resources.Font.values()}
        assert fonts
        for name, font in fonts.items():
            prefix, _, family = name.lstrip("/").partition("+")
            assert family in BUNDLED_FONTS, name
            assert len(prefix) == 6, f"{name} is not a subset"
            described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            files = ("/FontFile", "/FontFile2", "/FontFile3")
            assert any(key in described.FontDescriptor for key in files), name
            assert "/ToUnicode" in font, name


def test_metadata_language_and_bookmarks(seed_pdf):
    reader = PdfReader(seed_pdf)
    meta = reader.metadata
    assert meta.title == "Développeur back end – Dans mon job"
    assert meta.author == "Onisep"
    assert meta.creator.startswith("fichemetier ")
    assert reader.trailer["/Root"]["/Lang"] == "fr"

    def titles(outline):
        for item in outline:
            yield from titles(item) if isinstance(item, list) else [item.title]

    found = list(titles(reader.outline))
    for section in [
        "DÉVELOPPEUR BACK END",
        "le métier",
        "rémunération",
        "exemples de formations publiques",
        "exemples de formations privées",
    ]:
        assert any(section.casefold() in t.casefold() for t in found), (section, found)


def test_urls_stay_inside_the_margins(seed_pdf):
    right_margin = 17 * MM
    with pdfplumber.open(seed_pdf) as pdf:
        for page in pdf.pages:
            limit = page.width - right_margin + 1
            overflow = [c["text"] for c in page.chars if c["x1"] > limit]
            assert not overflow, f"page {page.page_number}: {''.join(overflow)[:80]}"


def test_fiche_text_is_escaped_not_markup(renderer, write_fiche, tmp_path):
    path = write_fiche("""\
        metier: Test <b>gras</b>
        le_metier: Un <i>texte</i> avec <img src="file:///etc/passwd"> et **vrai gras**.
        """)
    html = renderer.html(validate(load_fiche(path)))
    assert "Test &lt;b&gt;gras&lt;/b&gt;" in html
    assert "<img" not in html and "<i>" not in html
    assert "<strong>vrai gras</strong>" in html
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(renderer.pdf(validate(load_fiche(path)), path.parent))
    text = PdfReader(pdf).pages[0].extract_text()
    assert "<b>gras</b>".upper() in text  # the title is set in capitals
    assert "<img src=" in text and "file:///etc/passwd" in text


def test_prose_is_hyphenated_in_french_but_urls_never(seed_pdf):
    hyphen = "\u2010"  # the hyphen WeasyPrint adds at a hyphenation point
    with pdfplumber.open(seed_pdf) as pdf:
        text = "".join(page.extract_text() for page in pdf.pages)
        assert hyphen in text, "no word was hyphenated"
        for page in pdf.pages:
            for link in page.hyperlinks:
                box = page.crop((link["x0"], link["top"], link["x1"], link["bottom"]), strict=False)
                chars = "".join(c["text"] for c in box.chars)
                if chars.replace(hyphen, "") in link["uri"]:  # the URL itself, not a label
                    assert hyphen not in chars, f"hyphen inside {link['uri']}"


@pytest.mark.parametrize(("low", "high"), [(2000, 2200), (3000, 3000)])
def test_close_salaries_do_not_overlap_on_the_scale(renderer, write_fiche, tmp_path, low, high):
    path = write_fiche(f"""\
        metier: Test
        le_metier: Texte.
        remuneration:
          texte: Salaires.
          debutant: {low}
          experimente: {high}
        """)
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(renderer.pdf(validate(load_fiche(path)), path.parent))
    with pdfplumber.open(pdf) as document:
        words = {w["text"]: w for w in document.pages[0].extract_words()}
    assert words["débutant"]["x1"] <= words["expérimenté"]["x0"]


def test_a_fiche_leaves_no_garbage_for_the_next(renderer, seed_fiche):
    """The cycles a document leaves (Pango layouts among them: native memory) are freed
    before the next fiche is laid out, not whenever the collector gets to them (+25 MB
    of RSS at times): with the collector off, each render leaves as many as the last."""
    import gc

    from .conftest import SEED_YAML

    def layouts() -> int:
        return sum(type(o).__name__ == "Layout" for o in gc.get_objects())

    gc.disable()
    try:
        counts = []
        for _ in range(3):
            renderer.pdf(seed_fiche, SEED_YAML.parent)
            counts.append(layouts())
    finally:
        gc.enable()
    assert counts[0] > 0  # the garbage counted is there after each render
    assert counts[1] == counts[2], counts
