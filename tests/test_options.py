"""Run options and the registry of page formats."""

from __future__ import annotations

import pytest

from fichemetier.options import FORMATS, RenderOptions
from fichemetier.paths import STYLES


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="format inconnu : a3"):
        RenderOptions(format="a3")


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_format_names_stylesheets_that_exist(name):
    page = FORMATS[name]
    assert page.name == name
    assert all((STYLES / sheet).is_file() for sheet in page.stylesheets)
    assert 0 < page.echelle_mm < page.width_mm - 20  # the scale fits the text column


def test_the_page_budget_comes_from_the_format():
    assert RenderOptions().page_budget == 2
    assert RenderOptions(format="a5").page_budget == 4


def test_every_option_is_in_the_cache_key():
    """A PDF made with other options is another PDF: the build cache must see the change."""
    keys = {RenderOptions(format=f, print=p, pdfa=a).key().__repr__()
            for f in FORMATS for p in (False, True) for a in (False, True)}  # fmt: skip
    assert len(keys) == len(FORMATS) * 4
