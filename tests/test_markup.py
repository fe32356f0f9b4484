"""Inline markdown: the few things editors may use, everything else printed literally."""

from fichemetier.markup import inline_html, links, paragraphs
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
