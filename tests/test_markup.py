"""Inline markdown: the few things editors may use, everything else printed literally."""

import pytest

from fichemetier.inline import links, paragraphs
from fichemetier.markup import inline_html
from fichemetier.typography import NBSP


def test_bold_italic_and_links():
    html = inline_html("un **gras**, un *italique* et [Onisep](https://www.onisep.fr)")
    assert html == (
        "un <strong>gras</strong>, un <em>italique</em> et "
        '<a href="https://www.onisep.fr">Onisep</a>'
    )


def test_raw_html_is_text_not_markup():
    html = inline_html('<b>gras</b> <script>alert(1)</script> <img src="file:///etc/passwd">')
    assert "<b>" not in html and "<script>" not in html and "<img" not in html
    assert "&lt;b&gt;gras&lt;/b&gt;" in html


def test_dangerous_links_are_not_links():
    html = inline_html("[x](javascript:alert(1)) [y](file:///etc/passwd)")
    assert "<a" not in html


def test_typography_applies_to_words_but_not_to_urls():
    html = inline_html("Voir : <https://x.fr/a:b/c>")
    assert f"Voir{NBSP}:" in html
    assert 'href="https://x.fr/a:b/c"' in html
    assert "https://x.fr/\u200ba:b/\u200bc" in html  # may break after a slash


def test_printed_urls_never_break_after_their_own_hyphens():
    html = inline_html("<https://a-b.fr/c-d>")
    assert ">https://a\u200b-\ufeffb.fr/\u200bc\u200b-\ufeffd</a>" in html


def test_links_and_paragraphs():
    text = "Par [Lyon 1](https://a.fr), <https://b.fr>\net www.c.fr.\n\nSuite."
    assert links(text) == [
        ("Lyon 1", "https://a.fr"),
        (None, "https://b.fr"),
        (None, "http://www.c.fr"),
    ]
    assert paragraphs(text) == [
        "Par [Lyon 1](https://a.fr), <https://b.fr>\net www.c.fr.",
        "Suite.",
    ]


def test_straight_quotes_pair_across_bold_text_and_links():
    html = str(inline_html('Il dit "**bonjour**" et "https://x.fr" puis "ok".'))
    assert html.count("«\u202f") == 3 and html.count("\u202f»") == 3
    assert '"' not in html.replace('href="https://x.fr" class="url"', "")
    assert str(inline_html('Un " seul.')) == "Un &#34; seul."  # odd: left as typed


DEEP = {
    "etoiles": "*" * 500 + "mot" + "*" * 500,
    "gras-dans-gras": "**a " * 300 + "b" + " a**" * 300,
    "italiques-melangees": "*a _" * 300 + "b" + "_ a*" * 300,
}


@pytest.mark.parametrize("text", list(DEEP.values()), ids=list(DEEP))
def test_deeply_nested_emphasis_is_a_located_error(write_fiche, text):
    """Each level is a nested box that WeasyPrint lays out recursively: 500 of them were a
    RecursionError at layout, after validation had said yes."""
    from fichemetier.errors import FicheError
    from fichemetier.load import load_fiche
    from fichemetier.model import validate

    path = write_fiche(f'metier: A\nle_metier: "{text}"\n')
    with pytest.raises(FicheError) as caught:
        validate(load_fiche(path))
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (2, "le_metier")
    assert problem.message.startswith("mise en forme imbriquée sur ")


def test_bold_in_italics_in_a_link_is_fine(write_fiche):
    from fichemetier.load import load_fiche
    from fichemetier.model import validate

    path = write_fiche('metier: A\nle_metier: "Voir [*le **beau** site*](https://x.fr)."\n')
    assert validate(load_fiche(path)).le_metier


def test_a_deeply_nested_fiche_is_left_out_of_the_catalogue(tmp_path, monkeypatch, capsys):
    from pypdf import PdfReader

    from fichemetier.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "fiches").mkdir()
    (tmp_path / "fiches" / "a.yaml").write_text("metier: Boulanger\nle_metier: Le pain.\n")
    (tmp_path / "fiches" / "b.yaml").write_text(f'metier: Potier\nle_metier: "{DEEP["etoiles"]}"\n')
    assert main(["--catalogue", "c.pdf", "--jobs", "1", "-q"]) == 1
    err = capsys.readouterr().err
    assert "fiches/b.yaml:2: le_metier: mise en forme imbriquée" in err
    assert "Traceback" not in err and "erreur inattendue" not in err
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "c.pdf").pages)
    assert "BOULANGER" in text and "POTIER" not in text
