"""QR codes: every link of a fiche is printed as a code that decodes to its exact URL,
next to a short readable form; the PDF keeps the full URL as the link's target."""

from __future__ import annotations

import io
import re

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from fichemetier.options import RenderOptions
from fichemetier.qrcodes import short_url

from .conftest import SEED_YAML

SEED_URLS = set(re.findall(r"https?://[\w-]+\.[^\s)]+", SEED_YAML.read_text(encoding="utf-8")))


def decoded(data_or_path, dpi: int = 400) -> list[str]:
    """Every QR code found on every page, rendered as a phone camera would see it."""
    texts = []
    for page in pypdfium2.PdfDocument(data_or_path):
        image = page.render(scale=dpi / 72).to_pil()
        texts += [code.text for code in zxingcpp.read_barcodes(image)]
    return texts


def test_the_seed_has_ten_links():
    assert len(SEED_URLS) == 10


@pytest.fixture(scope="module")
def seed_pdfs(renderer, seed_fiche) -> dict[str, bytes]:
    return {
        format: renderer.pdf(seed_fiche, SEED_YAML.parent, RenderOptions(format=format))
        for format in ("a4", "a5")
    }


@pytest.mark.parametrize("format", ["a4", "a5"])
def test_every_qr_code_decodes_to_a_url_of_the_fiche(seed_pdfs, format):
    texts = decoded(seed_pdfs[format])
    assert sorted(texts) == sorted(SEED_URLS)  # each link once, each code exact


@pytest.mark.parametrize("dpi", [150, 120])
@pytest.mark.parametrize("format", ["a4", "a5"])
def test_every_qr_code_decodes_from_the_page_seen_at_150_dpi(seed_pdfs, format, dpi):
    """A photocopy or a phone at arm's length sees ~150 dpi, not the 400 of a scanner;
    120 dpi for a margin (with 0.25 mm modules, 0 to 1 code of 10 decoded there)."""
    assert sorted(decoded(seed_pdfs[format], dpi=dpi)) == sorted(SEED_URLS)


MM_PER_PT = 25.4 / 72


def codes(data: bytes, dpi: int = 300) -> list[tuple[int, str, float, float, float]]:
    """Every code found: page index, text, and its symbol's left, top and side in mm
    (from the page's top-left corner), as the decoder located it."""
    found = []
    for index, page in enumerate(pypdfium2.PdfDocument(data)):
        for code in zxingcpp.read_barcodes(page.render(scale=dpi / 72).to_pil()):
            p = code.position
            xs = [c.x for c in (p.top_left, p.top_right, p.bottom_left, p.bottom_right)]
            ys = [c.y for c in (p.top_left, p.top_right, p.bottom_left, p.bottom_right)]
            mm = 25.4 / dpi
            found.append((index, code.text, min(xs) * mm, min(ys) * mm, (max(xs) - min(xs)) * mm))
    return found


def test_the_seed_links_are_of_many_lengths():
    assert min(map(len, SEED_URLS)) < 30 and max(map(len, SEED_URLS)) > 250


@pytest.mark.parametrize("format", ["a4", "a5"])
def test_every_code_has_one_printed_size_with_modules_of_at_least_a_third_mm(seed_pdfs, format):
    sides = [side for _, _, _, _, side in codes(seed_pdfs[format])]
    assert len(sides) == len(SEED_URLS)
    assert max(sides) - min(sides) < 0.2, sides  # one size, whatever the URL's length
    from fichemetier.qrcodes import MODULES

    assert min(sides) / MODULES >= 0.33, sides


@pytest.mark.parametrize("format", ["a4", "a5"])
def test_labels_start_level_with_their_code(seed_pdfs, format):
    """The first line beside a code (its label, or a school's name) has its capitals at
    the height of the code's top modules."""
    document = pypdfium2.PdfDocument(seed_pdfs[format])
    for index, url, left, top, side in codes(seed_pdfs[format]):
        page = document[index]
        height, text = page.get_height(), page.get_textpage()
        tops = []  # tops of the glyphs just right of the code, in mm from the page's top
        for k in range(text.count_chars()):
            x0, _, x1, y1 = text.get_charbox(k)
            glyph_top = (height - y1) * MM_PER_PT
            beside = left + side < x0 * MM_PER_PT < left + side + 30
            if beside and top - 2 < glyph_top < top + side and text.get_text_range(k, 1).strip():
                tops.append(glyph_top)
        assert tops, url
        assert abs(min(tops) - top) < 0.3, (url, min(tops) - top)


def test_the_longest_allowed_link_fits_the_one_code_size():
    from fichemetier.linkcheck import MAX_URL
    from fichemetier.qrcodes import MODULES, qr_runs

    for url in ("https://a.fr", "https://exemple.fr/" + "x" * (MAX_URL - 19)):
        assert qr_runs(url)[0] == MODULES


def test_links_keep_their_full_url_and_show_the_short_form(seed_pdf):
    reader = PdfReader(seed_pdf)
    targets = {
        annot.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annot in page.get("/Annots", [])
        if annot.get_object().get("/A", {}).get("/URI")
    }
    assert targets >= SEED_URLS
    text = "".join(page.extract_text() for page in reader.pages).replace("\u200b", "")
    text = re.sub(r"\s+", "", text)
    for url in SEED_URLS:
        assert re.sub(r"\s+", "", short_url(url)) in text, short_url(url)


@pytest.mark.parametrize(
    ("url", "short"),
    [
        ("https://www.epitech.eu/", "epitech.eu"),
        ("https://www.metz-numeric-school.fr/fr", "metz-numeric-school.fr/fr"),
        (
            "https://www.polytech-reseau.org/ingenieur-informatique/",
            "polytech-reseau.org/ingenieur-informatique",
        ),
        (
            "https://www.onisep.fr/ressources/univers-formation/formations/post-bac/"
            "bts-services-informatiques-aux-organisations-option-b",
            "onisep.fr/…/bts-services-informatiques-aux…",
        ),
        ("https://example.org/a%C3%A9roport?x=1#top", "example.org/aéroport"),
        ("mailto:cio@example.org", "cio@example.org"),
        ("https://EXAMPLE.org", "example.org"),
    ],
)
def test_short_form(url, short):
    assert short_url(url) == short


def test_short_form_is_short_even_for_one_endless_segment():
    url = "https://example.org/" + "x" * 300
    assert len(short_url(url)) <= 50
    assert short_url(url).endswith("…")


def test_a_link_with_accents_is_held_as_ascii_and_decodes_the_same_everywhere(
    renderer, write_fiche, tmp_path
):
    """Raw accents would let the encoder pick Latin-1 or Kanji mode, which readers decode
    differently: the code holds the percent-encoded URL, the same address."""
    from fichemetier.load import load_fiche
    from fichemetier.model import validate

    urls = ["https://exemple.fr/métiers/Développeur_web", "https://exemple.fr/caf" + "é" * 40]
    liens = "".join(f"          - {url}\n" for url in urls)
    path = write_fiche(
        "metier: A\nle_metier: b\nformations_privees:\n  - formations:\n"
        f"      - texte: t\n        liens:\n{liens}"
    )
    data = renderer.pdf(validate(load_fiche(path)), tmp_path)
    assert sorted(decoded(data)) == sorted(
        [
            "https://exemple.fr/m%C3%A9tiers/D%C3%A9veloppeur_web",
            "https://exemple.fr/caf" + "%C3%A9" * 40,
        ]
    )


def test_a_link_too_long_once_encoded_is_refused(write_fiche):
    from fichemetier.errors import FicheError
    from fichemetier.load import load_fiche
    from fichemetier.model import validate

    path = write_fiche(
        "metier: A\nle_metier: b\nformations_privees:\n  - formations:\n"
        "      - texte: t\n        liens:\n          - https://exemple.fr/caf" + "é" * 100 + "\n"
    )
    with pytest.raises(FicheError) as caught:
        validate(load_fiche(path))
    [problem] = caught.value.problems
    assert "fait 622 caractères (une fois encodé), au plus 300" in problem.message


def test_links_written_in_any_text_get_their_code_once(renderer, write_fiche, tmp_path):
    from fichemetier.load import load_fiche
    from fichemetier.model import validate

    path = write_fiche(
        "metier: A\n"
        "le_metier: Voir [le CIDJ](https://www.cidj.com/metiers) et https://www.onisep.fr/x,\n"
        "  puis encore [le CIDJ](https://www.cidj.com/metiers).\n"
        "remuneration:\n  texte: Grilles sur https://www.service-public.fr/salaires.\n"
        "formations_privees:\n  - formations:\n"
        "      - texte: Un bachelor, voir https://ecole.fr/bachelor.\n"
        "        liens:\n          - https://ecole.fr/admission\n"
    )
    data = renderer.pdf(validate(load_fiche(path)), tmp_path)
    assert sorted(decoded(data)) == [
        "https://ecole.fr/admission",
        "https://ecole.fr/bachelor",
        "https://www.cidj.com/metiers",
        "https://www.onisep.fr/x",
        "https://www.service-public.fr/salaires",
    ]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "le CIDJ" in text and "cidj.com/metiers" in text.replace("\u200b", "")


#: Links whose printed short form could show something other than where they go.
MISLEADING = {
    "https://exemple.fr/facture%E2%80%AEfdp.exe": "caractère invisible U+202E",
    "https://exemple.fr/a%E2%80%8Bb": "caractère invisible U+200B",
    "https://www.onisep.fr@pirate.example/x": "contient « @ » avant le nom du site : il mène "
    "à « pirate.example »",
    "https://оnisep.fr/x": "mélange des alphabets (cyrillic et latin)",
    "mailto:cio@exemple.fr?bcc=espion@pirate.example": "destinataires cachés",
    "mailto:cio@exemple.fr?cc=espion@pirate.example": "destinataires cachés",
}


@pytest.mark.parametrize("where", ["liens", "prose"])
@pytest.mark.parametrize("url", list(MISLEADING))
def test_a_link_that_would_print_a_lie_is_refused(write_fiche, url, where):
    from fichemetier.errors import FicheError
    from fichemetier.load import load_fiche
    from fichemetier.model import validate

    head = "metier: A\nle_metier: b\nformations_privees:\n  - formations:\n"
    if where == "liens":
        text, field = f"      - texte: t\n        liens:\n          - {url}\n", ".liens[0]"
    else:
        text, field = f"      - texte: Voir [le site]({url}).\n", ".texte"
    with pytest.raises(FicheError) as caught:
        validate(load_fiche(write_fiche(head + text)))
    [problem] = caught.value.problems
    assert problem.field == "formations_privees[0].formations[0]" + field
    assert problem.line == (7 if where == "liens" else 5)
    assert MISLEADING[url] in problem.message


@pytest.mark.parametrize(
    ("label", "url"),
    [
        ("https://www.onisep.fr", "https://pirate.example/"),
        ("www.onisep.fr/formations", "https://pirate.example/"),
        ("onisep.fr", "https://onisep.fr.pirate.example/"),
    ],
)
def test_a_link_text_that_is_another_address_is_refused(write_fiche, label, url):
    from fichemetier.errors import FicheError
    from fichemetier.load import load_fiche
    from fichemetier.model import validate

    with pytest.raises(FicheError) as caught:
        validate(load_fiche(write_fiche(f"metier: A\nle_metier: Voir [{label}]({url}).\n")))
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (2, "le_metier")
    assert f"le texte du lien « {label} » est une adresse, mais le lien mène à" in problem.message


#: Odd but honest links: printed short form (what the reader sees) for each.
HONEST = {
    "https://exemple.fr/guide%20des%20m%C3%A9tiers.pdf": "exemple.fr/guide%20des%20métiers.pdf",
    "https://exemple.fr/a%2Fb": "exemple.fr/a%2Fb",
    "https://срр.example/": "xn--p1aab.example",
    "https://métiers.example/": "métiers.example",
    "mailto:cio@exemple.fr,cio2@exemple.fr": "cio@exemple.fr,cio2@exemple.fr",
}


def test_printed_form_qr_code_and_pdf_link_agree(renderer, write_fiche, tmp_path):
    """For links that are refused nowhere, the three things on paper say the same: the QR
    code holds the URL, the PDF link goes to the URL, the text shows its short form."""
    from fichemetier.linkcheck import ascii_url
    from fichemetier.load import load_fiche
    from fichemetier.model import validate

    liens = "".join(f"          - {url}\n" for url in HONEST)
    path = write_fiche(
        "metier: A\nle_metier: Voir [onisep.fr](https://www.onisep.fr/x).\n"
        "formations_privees:\n  - formations:\n"
        f"      - texte: t\n        liens:\n{liens}"
    )
    data = renderer.pdf(validate(load_fiche(path)), tmp_path)
    urls = [*HONEST, "https://www.onisep.fr/x"]
    assert sorted(decoded(data)) == sorted(ascii_url(url) for url in urls)
    reader = PdfReader(io.BytesIO(data))
    targets = {
        str(annot.get_object()["/A"]["/URI"])
        for page in reader.pages
        for annot in page.get("/Annots", [])
        if annot.get_object().get("/A", {}).get("/URI")
    }
    assert {_place(t) for t in targets} == {_place(url) for url in urls}
    text = "".join(page.extract_text() for page in reader.pages).replace("\u200b", "")
    text = re.sub(r"\s+", "", text)
    for url, short in HONEST.items():
        assert short_url(url) == short
        assert re.sub(r"\s+", "", short) in text, short


def _place(url: str) -> str:
    """Where a URL goes, written one way: WeasyPrint writes a link's host percent-encoded
    (`%D1%81…`), the QR code holds its punycode (`xn--…`); browsers read both alike."""
    from urllib.parse import unquote, urlsplit, urlunsplit

    from fichemetier.linkcheck import ascii_url

    parts = urlsplit(url)
    return ascii_url(urlunsplit(parts._replace(netloc=unquote(parts.netloc))))


def test_links_are_bounded_per_text_and_per_fiche(write_fiche):
    from fichemetier.errors import FicheError
    from fichemetier.load import load_fiche
    from fichemetier.model import MAX_LINKS, MAX_LINKS_PER_TEXT, validate

    many = " ".join(f"https://exemple.fr/{i}" for i in range(MAX_LINKS_PER_TEXT + 1))
    with pytest.raises(FicheError) as caught:
        validate(load_fiche(write_fiche(f"metier: A\nle_metier: {many}\n")))
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (2, "le_metier")
    assert problem.message.startswith(
        f"trop de liens dans ce texte (11, au plus {MAX_LINKS_PER_TEXT})"
    )
    ten = " ".join(f"https://exemple.fr/{i}" for i in range(MAX_LINKS_PER_TEXT))
    groups = "".join(f"      - texte: {ten}\n" for _ in range(MAX_LINKS // MAX_LINKS_PER_TEXT + 1))
    with pytest.raises(FicheError) as caught:
        validate(
            load_fiche(
                write_fiche(
                    f"metier: A\nle_metier: b\nformations_privees:\n  - formations:\n{groups}"
                )
            )
        )
    [problem] = caught.value.problems
    last = MAX_LINKS // MAX_LINKS_PER_TEXT
    assert (problem.line, problem.field) == (
        5 + last,
        f"formations_privees[0].formations[{last}].texte",
    )
    assert problem.message.startswith(
        f"trop de liens dans la fiche, arrivée à ce champ, ({MAX_LINKS + 1}"
    )
