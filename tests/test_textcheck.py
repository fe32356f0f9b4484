"""What a text may hold: the characters and sizes refused, and the ordinary ones kept."""

import pytest

from fichemetier.errors import FicheError, FicheProblem, shown, visible
from fichemetier.load import load_fiche
from fichemetier.model import validate
from fichemetier.textcheck import MAX_ITEMS, MAX_WORD, bad_character, long_word
from fichemetier.typography import french


@pytest.mark.parametrize(
    "text",
    [
        "Tabulation\tet retours\r\n",
        "Arabe : مرحبا بكم, hébreu : שלום",
        "marques de direction \u200e\u200f\u061c et isolats \u2067שלום\u2069",
        "émoji 👍🏽 et séquence 👩\u200d💻, drapeau 🇫🇷, variante ❤\ufe0f",
        "espaces insécables\u00a0: 2\u202f000 €, césure\u00adconditionnelle, zéro\u200blargeur",
    ],
)
def test_ordinary_text_is_kept(text):
    assert bad_character(text) is None


@pytest.mark.parametrize(
    ("char", "words"),
    [
        ("\x00", "caractère de contrôle U+0000"),
        ("\x1b", "caractère de contrôle U+001B"),
        ("\x7f", "caractère de contrôle U+007F"),
        ("\x85", "caractère de contrôle U+0085"),
        ("\ufffe", "caractère de contrôle U+FFFE"),
        ("\U0001ffff", "caractère de contrôle U+1FFFF"),
        ("\udc80", "caractère U+DC80 invalide"),
        ("\U000f0000", "usage privé U+F0000"),
        ("\u202d", "U+202D (LRO)"),
        ("\u202b", "U+202B (RLE)"),
    ],
)
def test_unprintable_characters_are_named_by_code_point(char, words):
    assert words in bad_character(f"avant{char}après")


def test_long_words_count_letters_not_urls():
    assert long_word("a" * MAX_WORD) is None
    assert "mot de 101 caractères" in long_word("x " + "a" * (MAX_WORD + 1))
    # no-break spaces glue words together: the layout sees one word
    assert long_word("\u00a0".join(["mot"] * 30))


def test_a_long_url_in_prose_is_no_long_word_but_a_long_link_label_is(write_fiche):
    """A URL is not a word (it breaks after its slashes), up to the 300 characters a QR
    code from paper can hold; a link's label is words."""
    url = "https://www.onisep.fr/" + "a/" * 130
    fiche = validate(load_fiche(write_fiche(f"metier: A\nle_metier: Voir {url} ou <{url}>.\n")))
    assert url in fiche.le_metier
    label = "b" * 150
    path = write_fiche(f"metier: A\nle_metier: Voir [{label}](https://x.fr).\n")
    with pytest.raises(Exception, match="mot de 150 caractères"):
        validate(load_fiche(path))


def test_every_list_is_bounded(write_fiche):
    from fichemetier.model import MAX_LINKS_PER_TEXT  # a list of links: each prints a QR code

    links = "".join(f"          - https://x.fr/{i}\n" for i in range(MAX_ITEMS + 1))
    path = write_fiche(
        "metier: A\nle_metier: b\nformations_privees:\n  - formations:\n"
        f"      - texte: t\n        liens:\n{links}"
    )
    with pytest.raises(FicheError) as caught:
        validate(load_fiche(path))
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (6, "formations_privees[0].formations[0].liens")
    expected = f"trop d'éléments ({MAX_ITEMS + 1}, au plus {MAX_LINKS_PER_TEXT})"
    assert problem.message.startswith(expected)


def test_messages_show_invisible_characters_and_cut_long_values():
    problem = FicheProblem("x.yaml", 3, "ab\x1b[31m", "« \u202eabc » \ud800")
    assert str(problem) == "x.yaml:3: ab<U+001B>[31m: « <U+202E>abc » <U+D800>"
    assert visible("déjà vu 👍") == "déjà vu 👍"
    assert shown("x" * 100) == "x" * 59 + "…"


def test_typography_placeholders_typed_in_a_text_stay_as_typed():
    # the rules swap URLs for U+E000 n U+E001 while they run: the same characters typed
    # by hand were taken for a placeholder (IndexError, or another URL printed instead)
    assert french("a \ue0000\ue001 b") == "a \ue0000\ue001 b"
    assert french("\ue0000\ue001 https://x.fr") == "\ue0000\ue001 https://x.fr"
