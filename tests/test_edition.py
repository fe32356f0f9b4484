"""An edition (--edition): its file checked like a fiche (located errors), its logos
embedded safely, its colours kept readable, and its brand read back from real PDFs: the
catalogue's cover, the fiches' footer, the band's colour, the logos."""

from __future__ import annotations

import io
import re
import textwrap
from pathlib import Path

import pdfplumber
import pikepdf
import pypdfium2
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from fichemetier import contrast
from fichemetier.cli import main
from fichemetier.edition import Edition, load_edition
from fichemetier.errors import FicheError
from fichemetier.logos import LogoError, printable, safe_svg

from .conftest import MINIMAL, ROOT, SEED_YAML

EXEMPLE = ROOT / "editions" / "exemple.yaml"
SVG_OK = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#123456"/></svg>'  # noqa: E501


def problems(folder: Path, text: str, name: str = "salon.yaml") -> list[str]:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(FicheError) as caught:
        load_edition(path)
    return [str(p).replace(f"{folder}/", "") for p in caught.value.problems]


def png(path: Path, size=(60, 30), colour=(200, 30, 90, 255)) -> Path:
    Image.new("RGBA", size, colour).save(path)
    return path


# -- the file: located errors ---------------------------------------------------------


def test_a_misspelt_key_is_located_with_the_right_one(tmp_path):
    found = problems(tmp_path, "titre: Salon\norganisatuer: CIO\n")
    assert found == [
        "salon.yaml:2: organisatuer: champ inconnu « organisatuer » : vouliez-vous dire "
        "« organisateur » ? champs possibles : titre, sous_titre, date, lieu, organisateur, "
        "logos, lien, couleurs"
    ]


def test_a_bad_colour_an_unquoted_one_and_an_unknown_variable_are_located(tmp_path):
    found = problems(
        tmp_path,
        """\
        titre: Salon
        couleurs:
          accent: rouge
          titres: #0d4c6b
          bandeau-texte: "#FFF"
          fond-dou: "#ffffff"
        """,
    )
    assert found[0].startswith("salon.yaml:3: couleurs.accent: « rouge » n'est pas une couleur")
    assert found[1].startswith("salon.yaml:4: couleurs.titres: couleur manquante : en YAML « # »")
    assert found[2].startswith(
        "salon.yaml:6: couleurs.fond-dou: champ inconnu « fond-dou » : "
        "vouliez-vous dire « fond-doux » ?"
    )
    assert "champs possibles : texte, discret, bandeau, bandeau-texte" in found[2]
    assert len(found) == 3  # "#FFF" is a colour


def test_a_palette_under_wcag_contrast_is_an_error_naming_its_variables(tmp_path):
    found = problems(
        tmp_path, 'titre: Salon\ncouleurs:\n  bandeau: "#0d4c6b"\n  bandeau-texte: "#3b6f8a"\n'
    )
    assert found == [
        "salon.yaml:2: couleurs: contraste trop faible pour lire le texte (« bandeau-texte » "
        "sur « bandeau » : 1,6:1) ; il faut au moins 4,5:1 (WCAG) : foncez le texte ou "
        "éclaircissez le fond"
    ]


def test_the_theme_and_the_example_meet_the_contrast_the_check_asks():
    assert contrast.ratio("#ffffff", "#000000") == pytest.approx(21)
    assert contrast.ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast.weak_pairs(contrast.theme_colours()) == []
    edition = load_edition(EXEMPLE)
    assert contrast.weak_pairs({**contrast.theme_colours(), **edition.colours()}) == []
    names = {name for pair in contrast.PAIRS for name in pair} - {"papier"}
    assert names <= set(contrast.theme_colours())  # every pair names a theme colour


def test_logos_too_many_missing_or_outside_the_folder_are_located(tmp_path):
    png(tmp_path / "a.png")
    (tmp_path / "dehors").mkdir()
    inner = tmp_path / "dedans"
    inner.mkdir()
    png(tmp_path / "dehors" / "b.png")
    logos = "".join(f"  - fichier: a.png\n    nom: A{i}\n" for i in range(4))
    assert problems(tmp_path, f"titre: Salon\nlogos:\n{logos}") == [
        "salon.yaml:2: logos: trop de logos (4, au plus 3) : gardez ceux de l'organisateur "
        "et des principaux partenaires"
    ]
    found = problems(
        inner,
        """\
        titre: Salon
        logos:
          - fichier: absent.png
            nom: Absent
          - fichier: ../dehors/b.png
            nom: Dehors
          - fichier: /etc/passwd
            nom: Système
        """,
    )
    assert found[0].startswith("salon.yaml:3: logos[0].fichier: fichier « absent.png » introuvable")
    assert found[1:] == [
        "salon.yaml:5: logos[1].fichier: le logo doit être dans le dossier du fichier d'édition",
        "salon.yaml:7: logos[2].fichier: le logo doit être dans le dossier du fichier d'édition",
    ]


def test_a_logo_that_is_not_what_its_name_says_is_located(tmp_path):
    (tmp_path / "faux.png").write_bytes(b"GIF89a not a png")
    (tmp_path / "faux.pdf").write_bytes(b"%PDF-1.4 truncated")
    found = problems(
        tmp_path,
        "titre: Salon\nlogos:\n  - fichier: faux.png\n    nom: A\n"
        "  - fichier: faux.pdf\n    nom: B\n  - fichier: logo.gif\n    nom: C\n",
    )
    assert found == [
        "salon.yaml:3: logos[0].fichier: « faux.png » n'est pas une image lisible (PNG)",
        "salon.yaml:5: logos[1].fichier: « faux.pdf » n'est pas un PDF lisible : exportez le "
        "logo de nouveau",
        "salon.yaml:7: logos[2].fichier: le logo doit être un fichier .png, .pdf ou .svg",
    ]


# -- logos: SVG and PDF made safe ------------------------------------------------------


@pytest.mark.parametrize(
    ("svg", "why"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "un script"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "un script (attribut onload)",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            b'<use x:href="https://pistage.example/a.svg#b"/></svg>',
            'une référence externe (href="https://pistage.example/a.svg#b")',
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
            "un élément <image>",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(http://x.fr/p)"/></svg>',
            "une référence externe (url(…) dans fill)",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import "http://x.fr/a.css";'
            b"</style></svg>",
            "une référence externe dans son <style>",
        ),
        (
            b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
            "une déclaration <!DOCTYPE> ou <!ENTITY>",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p xmlns="http://www.w3.'
            b'org/1999/xhtml">x</p></foreignObject></svg>',
            "un élément <foreignObject>",
        ),
    ],
)
def test_an_svg_logo_reaching_outside_itself_is_refused_with_the_reason(svg, why):
    with pytest.raises(LogoError, match=re.escape(f"contient {why}")):
        safe_svg(svg, "logo.svg")


def test_a_drawing_only_svg_is_kept_as_it_is_with_its_own_references():
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient>'
        b'<path id="p" d="M0 0h5"/></defs><rect fill="url(#g)" width="4" height="4"/>'
        b'<use xlink:href="#p"/></svg>'
    )
    assert safe_svg(svg, "logo.svg") == svg
    assert safe_svg(SVG_OK, "logo.svg") == SVG_OK


def test_a_pdf_logo_is_rasterised_with_transparency_and_a_multipage_one_refused(tmp_path):
    one = tmp_path / "logo.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(200, 100))
        pdf.pages[0].Contents = pdf.make_stream(b"0 0 1 rg 50 25 100 50 re f")
        pdf.save(one)
    data, kind = printable(one)
    image = Image.open(io.BytesIO(data))
    assert kind == "image/png" and image.size == (1200, 600)
    assert image.convert("RGBA").getpixel((5, 5))[3] == 0  # transparent around the drawing
    assert image.convert("RGBA").getpixel((600, 300)) == (0, 0, 255, 255)
    two = tmp_path / "deux.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.add_blank_page()
        pdf.save(two)
    with pytest.raises(LogoError, match="a 2 pages"):
        printable(two)


def test_the_edition_block_partial_shows_the_event_with_its_qr_code(renderer):
    edition = load_edition(EXEMPLE)
    html = renderer.env.from_string('{% include "edition.html.j2" %}').render(edition=edition)
    for text in ("Forum des métiers 2026", "12 mars 2026", "Villeurbanne"):
        assert text in html
    assert "Organisé par CIO de Villeurbanne" in html
    assert 'data-qr="https://www.onisep.fr/"' in html and html.count('class="logo"') == 2


# -- real PDFs -----------------------------------------------------------------------


@pytest.fixture
def project(tmp_path, monkeypatch):
    """Two fiches and a copy of the example edition, in a folder of their own."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fiches").mkdir()
    (tmp_path / "fiches" / "dev.yaml").write_text(SEED_YAML.read_text("utf-8"), "utf-8")
    (tmp_path / "fiches" / "boulanger.yaml").write_text(MINIMAL, "utf-8")
    (tmp_path / "editions").mkdir()
    for path in EXEMPLE.parent.iterdir():
        (tmp_path / "editions" / path.name).write_bytes(path.read_bytes())
    return tmp_path


def test_a_branded_catalogue_cover_and_metadata(project):
    edition = ["--edition", "editions/exemple.yaml"]
    assert main(["fiches", "--catalogue", "cat.pdf", *edition, "-j", "1", "-q"]) == 0
    reader = PdfReader("cat.pdf")
    cover = reader.pages[0].extract_text()
    for text in (
        "FORUM DES MÉTIERS",
        "Rencontrez celles et ceux qui font les métiers",
        "12 mars 2026 · Parc des expositions, Villeurbanne",
        "2 fiches métier",
        "Organisé par CIO de Villeurbanne",
        "onisep.fr",
    ):
        assert text in cover.replace("\u00a0", " ").replace("\u202f", " "), text
    assert reader.metadata.author == "CIO de Villeurbanne"  # not the fiches' Onisep
    assert reader.metadata.title == "Forum des métiers 2026"
    with pikepdf.open("cat.pdf") as pdf:
        cover = pdf.pages[0]
        images = [o for o in cover.Resources.XObject.values() if o.Subtype == "/Image"]
        assert [(o.Width, "/SMask" in o) for o in images] == [(480, True)]  # cio.png, clear
        drawn = b"".join(part.read_bytes() for part in cover.Contents)
        assert b"0.760784 0.254902 0.047059 rg" in drawn  # forum.svg's #c2410c, as vectors
    pixels = pypdfium2.PdfDocument("cat.pdf")[0].render(scale=0.5).to_pil().convert("RGB")
    assert pixels.getpixel((20, 20)) == (0x2D, 0x3A, 0x8C)  # the edition's band colour
    at_300_dpi = pypdfium2.PdfDocument("cat.pdf")[0].render(scale=300 / 72).to_pil()
    assert [code.text for code in zxingcpp.read_barcodes(at_300_dpi)] == ["https://www.onisep.fr/"]
    assert "sommaire" in reader.pages[1].extract_text()  # the cover holds on its page


def test_the_fiches_footer_names_the_event_and_without_edition_nothing_changes(project):
    assert main(["fiches/boulanger.yaml", "--edition", "editions/exemple.yaml", "-q"]) == 0
    branded = PdfReader("output/boulanger.pdf").pages[0].extract_text()
    assert "Forum des métiers 2026, 12 mars 2026" in branded.replace("\u00a0", " ")
    assert main(["fiches/boulanger.yaml", "--out", "plain", "-q"]) == 0
    plain = PdfReader("plain/boulanger.pdf").pages[0].extract_text()
    assert "Forum" not in plain
    band = pypdfium2.PdfDocument("plain/boulanger.pdf")[0].render(scale=0.5).to_pil()
    assert band.convert("RGB").getpixel((20, 20)) == (0x0D, 0x4C, 0x6B)  # theme.css's


def test_a_bad_edition_stops_the_run_with_located_messages_and_writes_nothing(project, capsys):
    (project / "salon.yaml").write_text('titre: Salon\ncouleurs:\n  accent: "#fff"\n', "utf-8")
    assert main(["fiches", "--edition", "salon.yaml", "-q"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("salon.yaml:2: couleurs: contraste trop faible")
    assert "« accent » sur « papier » : 1,0:1" in err
    assert "Aucun PDF écrit" in err and not (project / "output").exists()
    assert main(["fiches", "--edition", "absent.yaml"]) == 2
    assert "fichier d'édition introuvable : absent.yaml" in capsys.readouterr().err
    assert main(["fiches", "--edition", "fiches"]) == 2
    assert "fiches est un dossier : donnez le fichier de l'édition" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "salon.yaml:1: le fichier est vide : copiez editions/exemple.yaml pour commencer"),
        ("- Salon\n", "salon.yaml:1: un fichier d'édition doit être une suite de champs"),
    ],
)
def test_an_empty_or_shapeless_edition_is_named_as_an_edition(project, capsys, text, message):
    (project / "salon.yaml").write_text(text, "utf-8")
    assert main(["fiches", "--edition", "salon.yaml", "-q"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(message) and "fiche" not in err.splitlines()[0]


def test_an_edition_is_part_of_the_build_key():
    plain = Edition(titre="Salon")
    from fichemetier.options import RenderOptions

    assert RenderOptions().key() == {"format": "a4", "print": False, "pdfa": False, "livret": False}
    keys = {str(RenderOptions(edition=e).key()) for e in (plain, Edition(titre="Forum"))}
    assert len(keys) == 2


def test_the_edition_text_that_overflows_the_cover_is_located_in_the_edition_file(project, capsys):
    word = "a" * 90  # within a one-line field's limits, too long for the cover's line
    (project / "salon.yaml").write_text(f"titre: Forum\nsous_titre: {word}\n", "utf-8")
    edition = ["--edition", "salon.yaml"]
    assert main(["fiches", "--catalogue", "cat.pdf", *edition, "-j", "1", "-q"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("salon.yaml:2: sous_titre: le texte déborde de son cadre à droite")
    assert "Aucun catalogue écrit : voir l'erreur ci-dessus" in err
    assert "0 fiche en erreur" in err and not (project / "cat.pdf").exists()


def test_a_booklets_back_page_carries_the_event(project):
    """The seed's A5 booklet (3 pages + the back page): the back page, left half of the
    first side, shows the event's block; without an edition it does not."""
    edition = ["--edition", "editions/exemple.yaml"]
    assert main(["fiches/dev.yaml", "--format", "a5", "--livret", *edition, "-q"]) == 0
    with pdfplumber.open("output/livret/dev.pdf") as pdf:
        first = pdf.pages[0]
        back = first.within_bbox((0, 0, float(first.width) / 2, float(first.height)))
        text = (back.extract_text() or "").replace("\u00a0", " ").replace("\u202f", " ")
    assert "pour aller plus loin" in text
    assert "Forum des métiers 2026" in text and "Organisé par CIO de Villeurbanne" in text
    assert main(["fiches/dev.yaml", "--format", "a5", "--livret", "--out", "plain", "-q"]) == 0
    with pdfplumber.open("plain/dev.pdf") as pdf:
        assert "Forum" not in (pdf.pages[0].extract_text() or "")


def test_logos_written_as_one_name_instead_of_a_list_is_a_french_message(tmp_path):
    png(tmp_path / "logo.png")
    assert problems(tmp_path, "titre: Salon\nlogos: logo.png\n") == [
        "salon.yaml:2: logos: une liste est attendue : une ligne par élément, commençant par « - »"
    ]


def _use_bomb(levels: int) -> bytes:
    """Each level uses the one below ten times: 10**levels rectangles from a 1 KB file."""
    groups = "".join(
        f'<g id="a{i}">' + f'<use xlink:href="#a{i - 1}"/>' * 10 + "</g>" for i in range(1, levels)
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        f'<defs><rect id="a0" width="1" height="1"/>{groups}</defs>'
        f'<use xlink:href="#a{levels - 1}"/></svg>'
    ).encode()


def test_an_svg_logo_whose_uses_multiply_without_end_is_refused():
    with pytest.raises(LogoError, match="trop complexe"):
        safe_svg(_use_bomb(12), "logo.svg")
    looped = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<g id="a"><use xlink:href="#a"/></g></svg>'
    )
    with pytest.raises(LogoError, match="trop complexe"):
        safe_svg(looped, "logo.svg")
    assert safe_svg(_use_bomb(3), "logo.svg") == _use_bomb(3)  # 100 rectangles: a logo


@pytest.mark.parametrize(
    ("svg", "why"),
    [
        (
            '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE svg [<!ENTITY a "aa">]>'
            '<svg xmlns="http://www.w3.org/2000/svg"><text>&a;</text></svg>'.encode("utf-16"),
            "une déclaration <!DOCTYPE> ou <!ENTITY>",
        ),
        (
            b" " * 5000 + b'<?xml-stylesheet href="https://e.fr/x.css"?>'
            b'<svg xmlns="http://www.w3.org/2000/svg"/>',
            "une feuille de style externe",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><style>rect{fill:u\\rl(https://e.fr/x)}'
            b"</style></svg>",
            "une référence externe",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:\\75 rl(https://e.fr/x)"/>'
            b"</svg>",
            "une référence externe",
        ),
    ],
)
def test_an_svg_logo_hiding_what_it_reaches_for_is_refused(svg, why):
    with pytest.raises(LogoError, match=re.escape(f"contient {why}")):
        safe_svg(svg, "logo.svg")


def test_an_edition_link_followed_by_text_points_at_no_training(tmp_path):
    found = problems(tmp_path, 'titre: Salon\nlien: "https://exemple.fr/salon 2026"\n')
    assert found == [
        "salon.yaml:2: lien: le lien « https://exemple.fr/salon » est suivi de texte (« 2026 ») "
        ": un lien seul, sans texte après (une espace s'écrit %20 dans une adresse)"
    ]
