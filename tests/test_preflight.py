"""Preflight, through the command line as an editor meets it: page budget, text past the
margins, coarse photos, missing images; the same findings with --check."""

from __future__ import annotations

import re

import pytest
from PIL import Image
from pypdf import PdfReader

from fichemetier.cli import main
from fichemetier.weasyprint_internals import parse_loc

from .conftest import MINIMAL

PARAGRAPH = (
    "Il pétrit la pâte, surveille la fermentation et cuit le pain chaque nuit ; il "
    "conseille aussi les clients et gère les commandes des restaurants du quartier. "
) * 4


def overlong(paragraphs: int) -> str:
    """A fiche of `paragraphs` paragraphs: up to 8 in le_metier (a field holds at most
    6 000 characters), the others as trainings, 10 to a level."""
    metier = min(paragraphs, 8)
    body = "\n\n".join([PARAGRAPH] * metier)
    text = "metier: Boulanger\nle_metier: |\n" + "".join(f"  {x}\n" for x in body.splitlines())
    rest = paragraphs - metier
    if rest:
        text += "formations_publiques:\n"
    for start in range(0, rest, 10):
        text += "  - formations:\n"
        text += "".join(
            f"      - texte: {PARAGRAPH.strip()}\n" for _ in range(min(10, rest - start))
        )
    return text


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fiches").mkdir()
    (tmp_path / "fiches" / "court.yaml").write_text(MINIMAL, encoding="utf-8")
    return tmp_path


def test_an_overlong_fiche_is_an_error_naming_it_and_the_overflow(folder, capsys):
    (folder / "fiches" / "long.yaml").write_text(overlong(40), encoding="utf-8")
    assert main(["--jobs", "1"]) == 1
    err = capsys.readouterr().err
    [line] = {x.strip() for x in err.splitlines() if x.strip().startswith("fiches/long.yaml")}
    match = re.fullmatch(
        r"fiches/long\.yaml:\d+: formations_publiques\[\d\]\.formations\[\d\]: "
        r"la fiche fait (\d+) pages au format A4, qui en "
        r"permet 2 : elle dépasse de (\d+) pages \((\d+),\d\xa0mm de contenu en trop à partir "
        r"de ce champ\) ; raccourcissez des textes ou retirez des formations",
        line,
    )
    assert match, line
    pages, over, millimetres = map(int, match.groups())
    assert over == pages - 2 >= 1
    assert millimetres > 250 * (over - 1)  # the full extra pages, and part of the last one
    assert not (folder / "output" / "long.pdf").exists()  # not printed over budget
    assert (folder / "output" / "court.pdf").exists()  # the other fiche still is


def test_the_budget_depends_on_the_format(folder, capsys):
    """Text for two full A4 pages takes three A5 pages: within both budgets (2 and 4);
    twice as much fails in both."""
    (folder / "fiches" / "long.yaml").write_text(overlong(14), encoding="utf-8")
    for format, pages in (("a4", 2), ("a5", 3)):
        assert main(["--jobs", "1", "-q", "--format", format, "--out", format]) == 0
        assert len(PdfReader(folder / format / "long.pdf").pages) == pages
    (folder / "fiches" / "long.yaml").write_text(overlong(30), encoding="utf-8")
    assert main(["--jobs", "1", "-q", "--format", "a5"]) == 1
    assert "au format A5, qui en permet 4 : elle dépasse de " in capsys.readouterr().err


def test_check_runs_the_same_preflight_and_writes_nothing(folder, capsys):
    (folder / "fiches" / "long.yaml").write_text(overlong(40), encoding="utf-8")
    assert main(["--check", "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert re.search(r"fiches/long\.yaml:\d+: formations_publiques\S+: la fiche fait", err)
    assert err.strip().splitlines()[-1].startswith("1 fiche valide, 1 fiche en erreur")
    assert not (folder / "output").exists()


def test_a_word_too_long_for_its_line_is_reported_with_the_distance(folder, capsys):
    """A title is never hyphenated: one long word in capitals runs past the margin."""
    text = MINIMAL.replace("metier: Boulanger", "metier: Oto" + "rhinolaryngologiste" * 2)
    (folder / "fiches" / "large.yaml").write_text(text, encoding="utf-8")
    assert main(["--jobs", "1", "-q"]) == 1
    err = capsys.readouterr().err
    match = re.search(
        r"fiches/large\.yaml:1: metier: le texte déborde de (la marge droite|son cadre à "
        r"droite) de (\d+),\d\xa0mm \(page 1\) : un mot ou une adresse trop long pour la ligne",
        err,
    )
    assert match, err
    assert 50 < int(match[2]) < 200  # 41 capitals at 25 pt: ~270 mm, the column 176 mm
    assert not (folder / "output" / "large.pdf").exists()


def photo_fiche(folder, size: tuple[int, int]) -> None:
    Image.new("RGB", size, (120, 90, 60)).save(folder / "fiches" / "paul.jpg")
    text = MINIMAL + "temoignage:\n  citation: J'aime ça.\n  auteur: Paul\n  photo: paul.jpg\n"
    (folder / "fiches" / "photo.yaml").write_text(text, encoding="utf-8")


def test_a_coarse_photo_is_a_warning_and_the_pdf_is_still_written(folder, capsys):
    photo_fiche(folder, (90, 110))
    assert main(["--jobs", "1", "-q"]) == 0
    err = capsys.readouterr().err
    match = re.search(
        r"fiches/photo\.yaml:6: temoignage\.photo: attention : photo à (\d+) dpi à sa taille "
        r"imprimée \(24,0 × 30,0\xa0mm\), 300 dpi conseillés pour l'impression : fournissez "
        r"une image d'au moins 283 × 354 pixels \(elle fait 90 × 110\)",
        err,
    )
    assert match, err
    assert 90 <= int(match[1]) <= 96  # 90 px over 24 mm (cover: the width decides)
    assert "2 PDF écrits, 0 fiche en erreur, 1 avertissement" in err
    assert (folder / "output" / "photo.pdf").exists()
    # still shown on the next run, while the PDF is up to date
    assert main(["--jobs", "1", "-q"]) == 0
    assert "attention : photo à" in capsys.readouterr().err


def test_a_sharp_photo_gives_no_warning(folder, capsys):
    photo_fiche(folder, (300, 400))
    assert main(["--jobs", "1", "-q"]) == 0
    assert "attention" not in capsys.readouterr().err


def test_check_reports_a_missing_image(folder, capsys):
    photo_fiche(folder, (300, 400))
    (folder / "fiches" / "paul.jpg").unlink()
    assert main(["--check", "--jobs", "1"]) == 1
    assert "fiches/photo.yaml:6: temoignage.photo: fichier « paul.jpg » introuvable" in (
        capsys.readouterr().err
    )


def test_field_paths_read_back():
    assert parse_loc("formations_publiques[0].formations[12].liens[1]") == (
        "formations_publiques",
        0,
        "formations",
        12,
        "liens",
        1,
    )


def test_a_phone_photo_turned_on_its_side_is_measured_as_printed(folder, capsys):
    """EXIF orientation 6: stored 360 × 290, shown (and printed) 290 × 360, ~307 dpi."""
    image = Image.new("RGB", (360, 290), (120, 90, 60))
    exif = image.getexif()
    exif[0x0112] = 6
    image.save(folder / "fiches" / "paul.jpg", exif=exif)
    text = MINIMAL + "temoignage:\n  citation: J'aime ça.\n  auteur: Paul\n  photo: paul.jpg\n"
    (folder / "fiches" / "photo.yaml").write_text(text, encoding="utf-8")
    assert main(["--jobs", "1", "-q"]) == 0
    assert "attention" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("partenaire", "side"),
    [
        ("Avec " + "x" * 100, "à droite de "),  # onto the page number
        (" ".join(["Fiche réalisée en collaboration avec"] * 8), "du bas de la page de "),
    ],
)
def test_a_footer_past_its_box_or_the_page_names_the_partenaire_field(
    folder, capsys, partenaire, side
):
    """The footer (`partenaire`, in the page's margin) is checked like the body: on A5,
    a long word runs onto the page number, many words past the trim."""
    (folder / "fiches" / "pied.yaml").write_text(
        MINIMAL + f"partenaire: {partenaire}\n", encoding="utf-8"
    )
    assert main(["--jobs", "1", "--format", "a5"]) == 1
    err = capsys.readouterr().err
    assert f"fiches/pied.yaml:3: partenaire: le pied de page déborde {side}" in err
    assert not (folder / "output" / "a5" / "pied.pdf").exists()
    assert (folder / "output" / "a5" / "court.pdf").exists()
