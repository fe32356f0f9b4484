"""pyphen's patterns kept (hyphenation.py): the very patterns pyphen parses, so the same
hyphenation points; used only for the dictionary they were parsed from; anything odd in
the kept file is ignored."""

from __future__ import annotations

import marshal
from pathlib import Path

import pyphen
import pytest

from fichemetier import hyphenation
from fichemetier.hyphenation import PARSED, KeptPatterns

FRENCH = Path(pyphen.LANGUAGES["fr"])
WORDS = [
    "développeur",
    "informatique",
    "établissement",
    "professionnalisation",
    "anticonstitutionnellement",
]


@pytest.fixture
def kept(tmp_path, monkeypatch):
    """The kept data in a folder of the test's own."""
    monkeypatch.setattr(hyphenation, "KEPT", tmp_path)
    return tmp_path


def points(dictionary) -> list[list[int]]:
    return [dictionary.positions(word) for word in WORDS]


def test_the_kept_patterns_are_pyphens(kept, monkeypatch):
    KeptPatterns(FRENCH, write=True)  # parsed, then kept
    assert hyphenation.kept_file(FRENCH).exists()

    def parse(self, path):
        raise AssertionError("parsed again")

    monkeypatch.setattr(PARSED, "__init__", parse)
    read = KeptPatterns(FRENCH)  # from the kept data: not parsed
    monkeypatch.undo()
    parsed = PARSED(FRENCH)
    assert read.patterns == parsed.patterns and read.maxlen == parsed.maxlen
    assert points(read) == points(parsed)
    assert all(points(parsed))


def test_pyphen_uses_them_once_installed(kept, monkeypatch):
    monkeypatch.setattr(pyphen, "hdcache", {})
    hyphenation.install()
    assert type(pyphen.Pyphen(lang="fr").hd) is KeptPatterns
    assert pyphen.Pyphen(lang="fr").inserted("développeur") == "dé-ve-lop-peur"


@pytest.mark.parametrize(
    "data",
    [
        b"not marshal",
        marshal.dumps(("another key", {"ab": (0, (1,))})),
        marshal.dumps([]),
        None,  # the right key, patterns that are not plain: set below
        None,  # the right key, no pattern at all
    ],
)
def test_anything_odd_is_ignored(kept, data, request):
    key = hyphenation._key(FRENCH)
    index = request.node.callspec.indices["data"]
    if index == 3:
        data = marshal.dumps((key, {"ab": (0, [1])}))
    elif index == 4:
        data = marshal.dumps((key, {}))
    hyphenation.kept_file(FRENCH).write_bytes(data)
    read = KeptPatterns(FRENCH, write=False)
    assert read.patterns == PARSED(FRENCH).patterns


def test_another_dictionary_is_not_read_from_french_data(kept, tmp_path):
    KeptPatterns(FRENCH, write=True)
    other = tmp_path / "dictionnaire" / FRENCH.name
    other.parent.mkdir()
    other.write_text("UTF-8\n1ab1\n", encoding="utf-8")  # same name, other patterns
    assert (
        KeptPatterns(other, write=False).patterns
        == PARSED(other).patterns
        == {"ab": (0, (1, 0, 1))}
    )
