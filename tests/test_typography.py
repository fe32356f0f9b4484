"""French print rules, one by one."""

import pytest

from fichemetier.typography import NBSP, NNBSP, euros, french, niveau_label

RULES = [
    # narrow no-break space before ; ! ? (replacing a space, or added when missing)
    ("ce n'est pas drôle !", f"ce n’est pas drôle{NNBSP}!"),
    ("drôle!", f"drôle{NNBSP}!"),
    ("vraiment ?", f"vraiment{NNBSP}?"),
    ("un ; deux", f"un{NNBSP}; deux"),
    ("quoi ?!", f"quoi{NNBSP}?!"),
    # no-break space before the colon
    ("Dispensés par :", f"Dispensés par{NBSP}:"),
    ("Note: oui", f"Note{NBSP}: oui"),
    # guillemets hug their text
    ("« Bonjour »", f"«{NNBSP}Bonjour{NNBSP}»"),
    ("«Bonjour»", f"«{NNBSP}Bonjour{NNBSP}»"),
    ('il dit "salut"', f"il dit «{NNBSP}salut{NNBSP}»"),
    # thousands grouped with a narrow no-break space, no-break space before €
    ("10 800", f"10{NNBSP}800"),
    ("2 000 € brut", f"2{NNBSP}000{NBSP}€ brut"),
    ("6000 €", f"6{NNBSP}000{NBSP}€"),
    ("2000€", f"2{NNBSP}000{NBSP}€"),
    ("en 2024.", "en 2024."),  # a year is never grouped
    ("69100 Villeurbanne", "69100 Villeurbanne"),  # nor a postcode
    ("entre 8000 et 10 000 €", f"entre 8{NNBSP}000 et 10{NNBSP}000{NBSP}€"),  # a range
    # a spaced hyphen is a dash
    ("Université Lumière - Lyon 2", f"Université Lumière{NBSP}– Lyon 2"),
    ("Paris-Saclay", "Paris-Saclay"),
    ("50 %", f"50{NBSP}%"),
    # bac + 2 never split across lines
    ("bac + 2", f"bac{NBSP}+{NBSP}2"),
    ("Bac+5", f"Bac{NBSP}+{NBSP}5"),
    # apostrophe and ellipsis
    ("l'Université d'Orsay", "l’Université d’Orsay"),
    ("et puis...", "et puis…"),
]


@pytest.mark.parametrize(("text", "expected"), RULES)
def test_rule(text, expected):
    assert french(text) == expected


@pytest.mark.parametrize(
    "protected",
    [
        "https://www.onisep.fr/a?b=1&c=d:e;f=g!h",
        "http://exemple.fr:8080/l'ecole",
        "www.metz-numeric-school.fr/fr",
        "contact@ecole-d-art.fr",
    ],
)
def test_urls_and_emails_are_left_exactly_as_written(protected):
    assert protected in french(f"voir {protected} ou rien")


def test_punctuation_after_a_protected_address_still_gets_its_space():
    assert french("écrire à a.b@x.fr!") == f"écrire à a.b@x.fr{NNBSP}!"


def test_french_is_idempotent():
    once = french("« Oui ! » : 2 000 € à bac + 2, l'école")
    assert french(once) == once


def test_euros_and_niveau_labels():
    assert euros(2000) == f"2{NNBSP}000{NBSP}€"
    assert euros(950) == f"950{NBSP}€"
    assert niveau_label("bac+2") == f"bac{NBSP}+{NBSP}2"


def test_a_quoted_url_keeps_its_quotes_out():
    # a URL used to swallow its closing quote, and the quotes then paired across the text
    assert french('voir "https://x.fr/a" et "ici"') == (
        f"voir «{NNBSP}https://x.fr/a{NNBSP}» et «{NNBSP}ici{NNBSP}»"
    )


def test_an_html_entity_prints_as_typed():
    assert french("Entité &amp; ici ; et &#233;") == "Entité &amp; ici\u202f; et &#233;"
