"""The theme's custom properties substituted at load (cssvars.py): the values the cascade
gives on :root, and a refusal wherever a static substitution could differ from it."""

from __future__ import annotations

import re

import pytest
import tinycss2

from fichemetier.cssvars import Unresolvable, root_values, substitute
from fichemetier.paths import STYLES
from fichemetier.render import Renderer


def values(*texts: str) -> dict[str, str]:
    return {name: tinycss2.serialize(tokens) for name, tokens in root_values(texts).items()}


def test_the_last_root_rule_wins_and_values_refer_to_others():
    theme = ":root { --a: red; --b: 1mm; --c: calc(2 * var(--b)); }"
    edition = ":root { --a: #2d3a8c; --b: 3mm }"
    assert values(theme, edition) == {"--a": "#2d3a8c", "--b": "3mm", "--c": "calc(2 * 3mm)"}


def test_every_var_is_replaced_at_any_depth():
    found = root_values([':root { --m: 17mm; --f: 0mm; --p: "Fiche Inter", serif }'])
    sheet = (
        ".b { margin: calc(-1 * (var(--m) + var(--f))); font-family: var(--p) }\n"
        "@page { @bottom-left { padding-left: var(--m) } }"
    )
    assert substitute(sheet, found) == (
        '.b { margin: calc(-1 * (17mm + 0mm)); font-family: "Fiche Inter", serif }\n'
        "@page { @bottom-left { padding-left: 17mm } }"
    )


@pytest.mark.parametrize(
    "sheet",
    [
        ".x { --a: blue }",  # set on another element than :root: the cascade could differ
        "@media print { :root { --a: blue } }",
        "@page { @top-left { --a: blue } }",
        ":root { --a: blue !important }",
        ":root { --b: var(--a, red) }",  # a fallback
        ":root { --b: var(--nowhere) }",
        ":root { --b: var(--c); --c: var(--b) }",
    ],
)
def test_what_a_substitution_could_change_is_refused(sheet):
    with pytest.raises(Unresolvable):
        substitute("p { color: var(--b) }", root_values([":root { --a: red; --b: 0 }", sheet]))


def test_a_var_never_set_is_refused():
    with pytest.raises(Unresolvable):
        substitute("p { color: var(--z) }", root_values([":root { --a: red }"]))


def test_our_sheets_are_all_substituted():
    """Every sheet the renderer may combine: none falls back to WeasyPrint's var()."""
    sheets = [path.read_text(encoding="utf-8") for path in sorted(STYLES.glob("*.css"))]
    known = root_values(sheets)
    for text in sheets:
        assert "var(" not in re.sub(r"/\*.*?\*/", "", substitute(text, known), flags=re.S)


def test_a_value_invalid_where_it_lands_keeps_the_sheet_as_written():
    """With var(), WeasyPrint makes such a declaration inherited at computed time; written
    out, it would drop it at parse time: the renderer keeps var() then."""
    renderer = Renderer()
    found = root_values([":root { --x: 12px }"])
    with pytest.raises(Unresolvable, match="color"):
        renderer._substituted("fiche.css", "p { color: var(--x) }", found)
