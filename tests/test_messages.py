"""The mistakes editors make most, each with a message that says what to do (issue 12)."""

from __future__ import annotations

import contextlib
import io
import shutil

import pytest

from fichemetier.cli import main
from fichemetier.errors import FicheError
from fichemetier.load import load_fiche
from fichemetier.model import DIPLOMES, validate

from .conftest import ROOT


def problem(write_fiche, text: str):
    with pytest.raises(FicheError) as caught:
        validate(load_fiche(write_fiche(text)))
    [found] = caught.value.problems
    return found.line, found.field, found.message


@pytest.mark.parametrize(
    ("text", "line", "start"),
    [
        ("metier: 'Kevin, l'électricien'\nle_metier: b\n", 1, "une apostrophe ferme le texte"),
        (
            'metier: A\nle_metier: b\ntemoignage:\n  citation: "un "compagnon" :"\n  auteur: P\n',
            4,
            "un guillemet ferme le texte trop tôt",
        ),
        (
            "metier: A\nle_metier: b\nformations_publiques:\n  - formations:\n"
            "      - texte: 'l'eau et l'air'\n",
            5,
            "une apostrophe ferme le texte",
        ),
        ("metier: 2024-02-30\nle_metier: b\n", 1, "date impossible « 2024-02-30 » : si c'est"),
        ("metier: A\nle_metier: ***x***\n", 2, "« * » en début de texte se lit comme un alias"),
    ],
)
def test_yaml_mistakes_get_their_own_advice(write_fiche, text, line, start):
    found_line, _, message = problem(write_fiche, text)
    assert (found_line, message[: len(start)]) == (line, start)
    assert "indentation" not in message


@pytest.mark.parametrize(
    ("value", "shown"), [("42", "42"), ("2024-02-10", "2024-02-10"), ("3.5", "3.5")]
)
def test_a_number_or_date_where_text_is_expected_says_to_add_quotes(write_fiche, value, shown):
    assert problem(write_fiche, f"metier: {value}\nle_metier: b\n") == (
        1,
        "metier",
        f"un texte est attendu ici, et « {shown} » se lit comme un nombre ou une date : "
        f'mettez-le entre guillemets (metier: "{shown}")',
    )


def test_a_huge_amount_is_located(write_fiche):
    text = (
        "metier: A\nle_metier: b\nremuneration:\n  texte: t\n"
        "  debutant: 99999999999999999999999\n  experimente: 3000\n"
    )
    assert problem(write_fiche, text)[:2] == (5, "remuneration.debutant")


GROUP = "metier: A\nle_metier: b\nformations_publiques:\n  - niveau: {}\n    formations:\n"
GROUP += "      - texte: t\n"


@pytest.mark.parametrize(
    ("written", "niveau"),
    [
        ("licence", "bac+3"),
        ("Licence pro", "bac+3"),
        ("master", "bac+5"),
        ("Mastère", "bac+5"),
        ("doctorat", "bac+8"),
        ("BTS", "bac+2"),
        ("BUT", "bac+3"),
        ("DUT", "bac+2"),
        ("CAP", "CAP"),
        ("bachelor", "bac+3"),
        ("Diplôme d'ingénieur", "bac+5"),
        ("Bac pro", "bac"),
    ],
)
def test_a_diploma_as_level_is_understood(write_fiche, written, niveau):
    fiche = validate(load_fiche(write_fiche(GROUP.format(f'"{written}"'))))
    assert fiche.formations_publiques[0].niveau == niveau


def test_every_diploma_maps_to_a_level():
    from fichemetier.model import NIVEAUX

    assert set(DIPLOMES.values()) <= set(NIVEAUX)


@pytest.mark.parametrize(("written", "hint"), [("lisence", "bac + 3"), ("doctora", "bac + 8")])
def test_a_misspelt_level_gets_a_suggestion(write_fiche, written, hint):
    line, field, message = problem(write_fiche, GROUP.format(written))
    assert (line, field) == (4, "formations_publiques[0].niveau")
    assert message.endswith(f" : vouliez-vous dire {hint} ?")


@pytest.mark.parametrize("link", ["https://x.fr et aussi", "https://x.fr\u00a0(site officiel)"])
def test_a_link_followed_by_text_says_so(write_fiche, link):
    text = GROUP.format("CAP") + f"        liens:\n          - {link}\n"
    line, field, message = problem(write_fiche, text)
    assert (line, field) == (8, "formations_publiques[0].formations[0].liens[0]")
    assert message.startswith("le lien « https://x.fr » est suivi de texte")


@pytest.mark.parametrize("written", ["helene.jpg", "HELENE.png", "Hélène.jpeg"])
def test_a_photo_name_off_by_accents_case_or_extension_gets_a_suggestion(tmp_path, written):
    shutil.copy(ROOT / "docs" / "page-1.png", tmp_path / "Hélène.png")
    path = tmp_path / "fiche.yaml"
    path.write_text(
        f"metier: A\nle_metier: b\ntemoignage:\n  citation: c\n  auteur: H\n  photo: {written}\n",
        encoding="utf-8",
    )
    with pytest.raises(FicheError) as caught:
        validate(load_fiche(path))
    [found] = caught.value.problems
    assert (found.line, found.field) == (6, "temoignage.photo")
    assert (
        found.message == f"fichier « {written} » introuvable : vouliez-vous dire « Hélène.png » ?"
    )


def run(folder) -> tuple[int, str]:
    err = io.StringIO()
    quiet = io.StringIO()
    with (
        contextlib.chdir(folder),
        contextlib.redirect_stderr(err),
        contextlib.redirect_stdout(quiet),
    ):
        code = main(["--jobs", "1"])
    return code, err.getvalue()


def test_a_yearly_salary_is_a_warning_and_the_pdf_is_written_and_warned_again(tmp_path):
    (tmp_path / "fiches").mkdir()
    (tmp_path / "fiches" / "a.yaml").write_text(
        "metier: A\nle_metier: b\nremuneration:\n  texte: t\n  debutant: 24000\n"
        "  experimente: 36000\n",
        encoding="utf-8",
    )
    for _ in range(2):  # the second run finds the PDF up to date: the warning is replayed
        code, err = run(tmp_path)
        assert code == 0
        assert "fiches/a.yaml:5: remuneration.debutant: attention : 24000 € brut par mois " in err
        assert "est-ce un salaire annuel ?" in err
        assert "fiches/a.yaml:6: remuneration.experimente: attention : 36000 €" in err
        assert (tmp_path / "output" / "a.pdf").is_file()


def test_a_plausible_salary_gets_no_warning(tmp_path):
    (tmp_path / "fiches").mkdir()
    (tmp_path / "fiches" / "a.yaml").write_text(
        "metier: A\nle_metier: b\nremuneration:\n  texte: t\n  debutant: 1800\n"
        "  experimente: 3000\n",
        encoding="utf-8",
    )
    code, err = run(tmp_path)
    assert code == 0 and "attention" not in err


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ('le_metier: "aaaaa[//c.s://"', "texte illisible autour d'un « [ » : un lien s'écrit"),
        ('le_metier: "voir ](http://]"', "le lien « http://] » est mal écrit (nom de site"),
        ('le_metier: "[a](https://a.fr:99999/)"', "le lien « https://a.fr:99999/ » est mal écrit"),
        (
            "le_metier: b\nformations_publiques:\n  - formations:\n      - texte: t\n"
            "        liens: ['http://]']",
            "le lien « http://] » est mal écrit",
        ),
    ],
)
def test_text_the_markdown_parser_or_urllib_cannot_read_is_a_located_message(
    write_fiche, text, start
):
    """Found by the fuzzing of issue 16: markdown-it-py stops on an unclosed label, urllib
    on a broken IPv6 host; both used to end as « erreur inattendue » or in English."""
    line, field, message = problem(write_fiche, f"metier: A\n{text}\n")
    assert field in ("le_metier", "formations_publiques[0].formations[0].liens[0]")
    assert line >= 2
    assert message.startswith(start), message
