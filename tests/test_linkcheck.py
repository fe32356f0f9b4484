"""linkcheck: a link's text never names another place than the link goes to (issue 12's
misleading links, and what a red-team pass found around them)."""

from __future__ import annotations

import pytest

from fichemetier.linkcheck import bad_link, label_problem, printed_address


@pytest.mark.parametrize(
    ("label", "url"),
    [
        ("onisep.fr.", "https://evil.fr"),  # punctuation after the address
        ("(bank.fr)", "https://evil.fr"),  # brackets around it
        ("https://bank.fr:443", "https://evil.fr"),  # a port
        ("bank\u200b.fr", "https://evil.fr"),  # an invisible character
        ("irs.gov", "https://evil.fr"),  # an administration
        ("campusfaso.bf", "https://evil.fr"),  # a French-speaking country
        ("contact@onisep.fr", "mailto:x@evil.fr"),  # an e-mail address
        ("contact@onisep.fr", "https://onisep.fr"),
    ],
)
def test_a_text_that_reads_as_another_address_is_refused(label, url):
    assert "est une adresse" in (label_problem(label, url) or "")


@pytest.mark.parametrize(
    ("label", "url"),
    [
        ("onisep.fr", "https://www.onisep.fr/metier"),
        ("contact@onisep.fr", "mailto:contact@onisep.fr"),
        ("Node.js", "https://nodejs.org"),
        ("le site de l'Onisep", "https://evil.fr"),
    ],
)
def test_a_text_that_is_its_own_address_or_a_name_is_fine(label, url):
    assert label_problem(label, url) is None


@pytest.mark.parametrize("url", ["http://]", "https://a.fr:99999/"])
def test_an_address_urllib_cannot_read_is_refused(url):
    assert "est mal écrit" in (bad_link(url) or "")


def test_an_address_in_another_script_prints_its_real_host():
    assert printed_address("www.сосо.com/x") == "www.xn--n1aahb.com/x"
    assert printed_address("https://www.café.fr/a") == "https://www.café.fr/a"  # Latin
