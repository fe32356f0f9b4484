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
    # a no-break space before a unit, only after a number
    ("35 h par semaine", f"35{NBSP}h par semaine"),
    ("de 8 h à 17 h 30", f"de 8{NBSP}h à 17{NBSP}h 30"),
    ("25 kg, 12 km, 3 m², 20 °C", f"25{NBSP}kg, 12{NBSP}km, 3{NBSP}m², 20{NBSP}°C"),
    ("3 heures, 2 mois, 3 gammes, 5 salles", "3 heures, 2 mois, 3 gammes, 5 salles"),
    ("les 3 m'ont dit", "les 3 m’ont dit"),  # an elided word is no unit
    ("h 3 kg", f"h 3{NBSP}kg"),
    ("bac + 2 h", f"bac{NBSP}+{NBSP}2{NBSP}h"),
    # n° keeps its number
    ("n° 3", f"n°{NBSP}3"),
    ("N°12", f"N°{NBSP}12"),
    ("un n°", "un n°"),
    # ordinals as printed (markup.py raises them)
    ("1ère année, 2ème année, 3è, 1er", "1re année, 2e année, 3e, 1er"),
    ("les 2èmes", "les 2es"),
    # quotes inside « » are “ ”, hugging their text
    ('« le "vrai" métier »', f"«{NNBSP}le “vrai” métier{NNBSP}»"),
    ("« un « deux » trois »", f"«{NNBSP}un “deux” trois{NNBSP}»"),
    ('"a" et "b"', f"«{NNBSP}a{NNBSP}» et «{NNBSP}b{NNBSP}»"),
    ('un "seul', 'un "seul'),  # an odd count is left as typed
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


def test_nested_quotes_keeps_one_character_for_one():
    from fichemetier.typography import nested_quotes

    text = 'a "b « c » d" « e "f" »'
    assert nested_quotes(text) == "a «b “ c ” d» « e “f” »"
    assert len(nested_quotes(text)) == len(text)
    assert nested_quotes('il dit "oui"', depth=1) == "il dit “oui”"


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("le 1er, la 1ère, le 2ème, 3e", "le 1<sup>er</sup>, la 1<sup>re</sup>, le 2<sup>e</sup>, "
         "3<sup>e</sup>"),
        ("les 2es, la 2nde", "les 2<sup>es</sup>, la 2<sup>nde</sup>"),
        ("H2e, 1e10, a2e, v1.2e", "H2e, 1e10, a2e, v1.2e"),  # no number of its own
        ("en 3d, 4d, 2er", "en 3d, 4d, 2er"),  # not ordinals
        ("<b>1er</b>", "&lt;b&gt;1<sup>er</sup>&lt;/b&gt;"),  # the text stays data
        ("[le 1er](https://x.fr/1er)", '<a href="https://x.fr/1er">le 1<sup>er</sup></a>'),
    ],
)  # fmt: skip
def test_ordinals_are_superscripts_in_the_markup(text, html):
    from fichemetier.markup import inline_html

    assert str(inline_html(text)) == html


def test_quotes_in_the_quote_are_english_style_and_span_bold_text():
    from fichemetier.markup import inline_html

    assert str(inline_html('il dit "**oui**"', 1)) == "il dit “<strong>oui</strong>”"
    assert str(inline_html('il dit "**oui**"')) == (f"il dit «{NNBSP}<strong>oui</strong>{NNBSP}»")


def test_the_seed_pdf_joins_the_attribution_and_its_dash(seed_pdf):
    import pypdfium2

    text = "".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(seed_pdf))
    assert f"—{NBSP}Ailin" in text
