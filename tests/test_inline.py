"""Inline markdown parsed once: the segments that validation, QR codes and HTML share."""

import re

import pytest

from fichemetier.inline import (
    Bold,
    Italic,
    Link,
    Text,
    depth,
    has_image,
    links,
    parse,
    parse_paragraph,
    printed_words,
    unread_link,
    walk,
)
from fichemetier.markup import inline_html


def test_a_paragraph_is_a_tree_of_typed_segments():
    assert parse_paragraph("un **gras *et penché*** vers [l'*Onisep*](https://onisep.fr)") == (
        Text("un "),
        Bold((Text("gras "), Italic((Text("et penché"),)))),
        Text(" vers "),
        Link("https://onisep.fr", False, (Text("l'"), Italic((Text("Onisep"),)))),
    )


def test_bare_urls_are_links_that_print_their_address():
    (link,) = [s for s in parse_paragraph("Voir www.onisep.fr.") if isinstance(s, Link)]
    assert link == Link("http://www.onisep.fr", True, (Text("www.onisep.fr"),))
    assert links("Voir www.onisep.fr.") == [(None, "http://www.onisep.fr")]


def test_paragraphs_split_on_blank_lines_and_lines_join_with_a_space():
    assert parse("Un\ndeux.\n\n\n*Trois.*") == (
        (Text("Un deux."),),
        (Italic((Text("Trois."),)),),
    )


def test_links_inside_bold_text_are_found_with_their_whole_label():
    text = "**Voir [le *site*](https://a.fr)** et <https://b.fr>"
    assert links(text) == [("le site", "https://a.fr"), (None, "https://b.fr")]


def test_printed_words_keep_labels_and_leave_urls_out():
    assert printed_words("[abc](https://a.fr)def https://x.fr/long\n\nFin") == (
        " abc def   \nFin\n"
    )


def test_one_parse_is_shared_by_validation_and_html():
    text = "Un texte **unique** pour ce test du cache."
    parse_paragraph.cache_clear()
    printed_words(text)
    links(text)
    inline_html(text)
    info = parse_paragraph.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_images_and_unread_links_are_seen_in_the_segments():
    assert has_image(parse_paragraph("Voir ![logo](https://a.fr/l.png)"))
    assert not has_image(parse_paragraph("Bravo ! [Voir](https://a.fr)"))
    assert not has_image(parse_paragraph("[Bravo !](https://a.fr)"))
    assert unread_link(parse_paragraph("[x](file:///etc/passwd)")) == "[x](file:///etc/passwd)"
    assert unread_link(parse_paragraph("[x](https://a.fr)")) is None


@pytest.mark.parametrize("levels", [1, 4, 5, 3000])
def test_depth_of_any_nesting_without_recursion(levels):
    """A 6 000-character text can nest 3 000 levels: every walk is iterative, so the
    model reports it (MAX_NESTING) instead of a RecursionError."""
    segment = Text("x")
    for level in range(levels):
        segment = Bold((segment,)) if level % 2 else Italic((segment,))
    assert depth((segment,)) == levels
    assert sum(1 for _ in walk((segment,))) == 2 * levels + 1


@pytest.mark.parametrize(
    "text", ["a **b *c* [d](https://e.fr)** <https://f.fr>", "*[**x**](https://a.fr)* www.b.fr"]
)
def test_html_nests_as_the_segments_do(text):
    names = {Bold: "strong", Italic: "em", Link: "a"}
    expected = [
        f"<{names[type(s)]}>" if entering else f"</{names[type(s)]}>"
        for s, entering in walk(parse_paragraph(text))
        if not isinstance(s, Text)
    ]
    found = re.findall(r"</?(?:strong|em|a)\b", str(inline_html(text)))
    assert [tag + ">" for tag in found] == expected


def test_names_with_a_dot_are_words_not_links():
    """linkify reads « ASP.NET » or « README.md » as addresses: only what starts like one
    (https://, www.) or an e-mail address becomes a link with its QR code."""
    [words] = parse("Je code en ASP.NET, voir README.md, app.py et config.sh.")
    assert words == (Text("Je code en ASP.NET, voir README.md, app.py et config.sh."),)
    found = [s.url for s, entering in walk(parse("www.onisep.fr, a@b.fr, https://c.fr")[0])
             if isinstance(s, Link) and entering]  # fmt: skip
    assert found == ["http://www.onisep.fr", "mailto:a@b.fr", "https://c.fr"]
