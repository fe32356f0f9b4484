"""Cost bombs: a fiche file made to eat time or memory is refused with a located message
in seconds; the worst input under each limit is measured (the issue's target: under
10 s and 500 MB, each in a fresh process)."""

from __future__ import annotations

import importlib.util

import pytest

from fichemetier.errors import FicheError
from fichemetier.load import MAX_CHARS, MAX_TOKENS, load_fiche
from fichemetier.model import validate

from .conftest import ROOT

_spec = importlib.util.spec_from_file_location("limits", ROOT / "benchmarks" / "limits.py")
limits = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(limits)

HEAD = "metier: A\nle_metier: b\n"
TWO_MB = 2_000_000


def problem(write_fiche, text: str):
    with pytest.raises(FicheError) as caught:
        validate(load_fiche(write_fiche(text)))
    [found] = caught.value.problems
    return found.line, found.message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (HEAD + "x:\n" + "- a\n" * ((TWO_MB - 30) // 4), MAX_TOKENS + 1),
        (HEAD + "x: [" + "1," * ((TWO_MB - 40) // 2) + "1]\n", 3),
        (HEAD + "".join(f"k{i}: 1\n" for i in range(TWO_MB // 12)), MAX_TOKENS + 1),
    ],
    ids=["liste", "liste-en-ligne", "cles"],
)
def test_two_megabytes_of_values_are_refused_before_parsing(write_fiche, text, line):
    """Measured before: 29 s (list), 68 s and 1.1 GB (flow list), 22 s (keys)."""
    path = write_fiche(text)
    assert path.stat().st_size > TWO_MB * 0.85
    seconds, megabytes, message = limits.measure(path)
    assert message.startswith(f"fiche trop longue : plus de {MAX_TOKENS} lignes ou valeurs")
    assert problem(write_fiche, text)[0] == line
    assert seconds < 10 and megabytes < 500


def test_alias_of_a_long_text_counts_its_characters_each_time(write_fiche):
    """40 000 characters named once and repeated by 300 aliases: 12 MB once expanded
    (measured before: 2 GB of memory for a 200 KB file)."""
    text = "mots " * 8_000
    fiche = f"metier: A\nle_metier: &t {text}\nx:\n" + "".join("  - *t\n" for _ in range(300))
    line, message = problem(write_fiche, fiche)
    assert message.startswith(f"plus de {MAX_CHARS} caractères de texte en tout")
    assert "alias YAML" in message
    assert line == 2  # the text the aliases repeat


@pytest.mark.parametrize(
    "nested",
    [
        "x: " + "[" * 10_000 + "]" * 10_000 + "\n",
        "x: " + "{a: " * 2_000 + "1" + "}" * 2_000 + "\n",
        "x:\n" + "".join("  " * i + "-\n" for i in range(1_000)),
    ],
    ids=["crochets", "accolades", "retraits"],
)
def test_deep_nesting_is_a_located_message_not_a_recursion_error(write_fiche, nested):
    line, message = problem(write_fiche, HEAD + nested)
    assert message.startswith("imbrication trop profonde (plus de 50 niveaux")
    assert line is not None and line >= 3


@pytest.mark.parametrize("name", list(limits.cases()))
def test_worst_case_under_each_limit_is_fast_and_small(tmp_path, name):
    """The figures in the README come from benchmarks/limits.py, which runs the same."""
    path = tmp_path / "fiche.yaml"
    path.write_text(limits.cases()[name], encoding="utf-8")
    seconds, megabytes, _ = limits.measure(path)
    print(f"{name}: {seconds:.1f} s, {megabytes} MB")
    assert seconds < 10 and megabytes < 500
