"""Fuzzing with hypothesis: random valid fiches render with all their text, and random
mutations of the seed file load or fail cleanly, never with another exception.

CI runs a small fixed set of examples (derandomized: the same on every run, ~15 s on two
cores). For a longer random hunt: `pytest tests/test_fuzz.py --fuzz-examples 2000`;
hypothesis prints the smallest failing example and how to reproduce it.
"""

from __future__ import annotations

import io
import unicodedata
from collections import Counter
from functools import cache

import pytest
from fontTools.ttLib import TTFont
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from ruamel.yaml import YAML

from fichemetier.errors import FicheError
from fichemetier.inline import parse, texts
from fichemetier.load import load_fiche
from fichemetier.model import NIVEAUX, validate
from fichemetier.options import RenderOptions
from fichemetier.paths import STYLES
from fichemetier.preflight import preflight
from fichemetier.qrcodes import short_url

from . import conftest
from .conftest import SEED_YAML


def budget(default: int) -> settings:
    examples = conftest.FUZZ_EXAMPLES
    return settings(
        max_examples=examples or default,
        derandomize=examples is None,  # CI: the same examples every run
        database=None,
        deadline=None,  # a render takes 0.1-1 s, depending on the fiche's length
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


@cache
def printable() -> str:
    """Every letter, number, punctuation, symbol and space the bundled fonts hold: text
    that must print as itself. Link brackets and backslashes are left out, so that a
    random text never writes markdown links (checked by the model, not printed).
    Combining marks are left out too: WeasyPrint maps a glyph to its text the first time
    it draws it, and a letter first drawn with a mark it has no precomposed glyph for
    loses its text everywhere (found by this test; see test_scripts.py)."""
    points: set[int] = set()
    for font in list((STYLES / "fonts").glob("*.otf")) + list((STYLES / "fonts").glob("*.ttf")):
        points |= set(TTFont(font, lazy=True).getBestCmap())
    kept = "LNPS"
    return "".join(
        sorted(
            chr(p)
            for p in points
            if unicodedata.category(chr(p))[0] in kept or chr(p) == " "
            if chr(p) not in "[]<>\\`"
        )
    )


def words(max_words: int) -> st.SearchStrategy[str]:
    word = st.text(st.sampled_from(printable()), min_size=1, max_size=18)
    return st.lists(word, min_size=1, max_size=max_words).map(" ".join)


#: Markup an editor may write around plain words (letters only: a label such as « a.fr »
#: reads as an address and is refused, see linkcheck.label_problem).
EMPHASIS = ["**{}**", "*{}*"]
LINKS = ["[{}](https://exemple.fr/page)", "{} https://exemple.fr/{}"]


def marked(marks: list[str]) -> st.SearchStrategy[str]:
    letters = st.text("abcdefghijklmnopqrstuvwxyzéèà", min_size=1, max_size=12)
    return st.builds(lambda mark, word: mark.format(word, word), st.sampled_from(marks), letters)


def prose(links: bool = False) -> st.SearchStrategy[str]:
    """Paragraphs of words, bold and italics; with `links`, at most 9 links (a text holds
    10, a fiche 40: only `le_metier` has them)."""
    piece = words(8) | marked(EMPHASIS + LINKS if links else EMPHASIS)
    paragraph = st.lists(piece, min_size=1, max_size=3 if links else 6).map(" ".join)
    return st.lists(paragraph, min_size=1, max_size=3).map("\n\n".join)


line = words(6)
url = st.builds(
    "https://{}.fr/{}".format,
    st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12).map(
        lambda s: f"a{s}z"
    ),
    st.text("abcdefghijklmnopqrstuvwxyz0123456789-/_", max_size=20),
)


def optional(strategy):
    return st.none() | strategy


etablissement = st.fixed_dictionaries(
    {"nom": prose()},
    optional={"details": prose(), "cout": prose(), "lien": url},
)
formation = st.fixed_dictionaries(
    {"texte": prose()},
    optional={
        "etablissements": st.lists(etablissement, max_size=3),
        "liens": st.lists(url, max_size=3),
    },
)
groupe = st.fixed_dictionaries(
    {"formations": st.lists(formation, min_size=1, max_size=3)},
    optional={"niveau": st.sampled_from(NIVEAUX)},
)
salaires = st.tuples(st.integers(1, 100_000), st.integers(1, 100_000)).map(sorted)
fiches = st.fixed_dictionaries(
    {"metier": line, "le_metier": prose(links=True)},
    optional={
        "rubrique": line,
        "temoignage": st.fixed_dictionaries({"citation": prose(), "auteur": line}),
        "remuneration": st.fixed_dictionaries({"texte": prose()}).flatmap(
            lambda r: st.one_of(
                st.just(r),
                salaires.map(lambda s: {**r, "debutant": s[0], "experimente": s[1]}),
            )
        ),
        "formations_publiques": st.lists(groupe, max_size=3),
        "formations_privees": st.lists(groupe, max_size=2),
        "partenaire": line,
        "editeur": line,
    },
)


def letters(text: str) -> Counter:
    """The letters and digits of a text, whatever happens to its case (titles are set in
    capitals), accents, spacing, hyphenation, quotes or compatibility forms."""
    text = unicodedata.normalize("NFKC", text).upper().casefold()
    text = unicodedata.normalize("NFD", text)
    return Counter(c for c in text if c.isalnum() and not unicodedata.combining(c))


PROSE = ("citation", "le_metier", "texte", "nom", "details", "cout")


def printed_texts(data: dict) -> list[str]:
    """Every text of the fiche that is printed on the page (editeur is metadata only; a
    link prints its short form beside its QR code, see test_qrcodes.py for the codes).
    Of a prose field, what its segments say: a link's label, or a bare URL itself."""
    found = []

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
        elif isinstance(value, str) and key in ("lien", "liens"):
            found.append(short_url(value))
        elif isinstance(value, str) and key in PROSE:
            found.extend(text.content for block in parse(value) for text in texts(block))
        elif isinstance(value, str) and key != "editeur":
            found.append(value)

    walk(data)
    return found


@given(data=fiches, format=st.sampled_from(["a4", "a5"]), bleed=st.booleans())
@budget(20)
def test_random_valid_fiches_render_with_all_their_text(renderer, tmp_path, data, format, bleed):
    """In either format, for the print shop or not: every letter printed, and the layout
    gives the preflight something it can read (it must not raise either)."""
    path = tmp_path / "fiche.yaml"
    with path.open("w", encoding="utf-8") as handle:
        YAML().dump(data, handle)
    fiche = validate(load_fiche(path))  # valid by construction: must not raise
    options = RenderOptions(format=format, print=bleed)
    document = renderer.layout(fiche, tmp_path, options)
    preflight(document, [fiche], options)
    pdf = renderer.write(document, options)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    missing = letters("\n".join(printed_texts(data))) - letters(text)
    assert not missing, f"lost from the PDF: {dict(missing)}"


SEED = SEED_YAML.read_bytes()
SPECIAL = [
    b":", b": ", b"- ", b"  ", b"\t", b"\n", b"\r\n", b"#", b"&a ", b"*a", b"<<: *a\n",
    b"!!python/object ", b"!!binary ", b"!tag ", b"'", b'"', b"\\", b"\\x07", b"\\ud800",
    b"|", b">", b"---\n", b"...", b"{", b"}", b"[", b"]", b"?", b"%", b"@", b"`", b",",
    b"\x00", b"\x07", b"\x1b", b"\xc3", b"\xff", b"\xef\xbb\xbf", "\u202e".encode(),
    "\ue000".encode(), b"null", b"~", b"yes", b"0x1F", b"1e999", b".nan", b"2024-01-01",
    b"niveau: bac+9", b"photo: ../x.jpg", b"debutant: -1",
]  # fmt: skip
edit = st.one_of(
    st.tuples(st.just("insert"), st.integers(0, len(SEED)), st.sampled_from(SPECIAL)),
    st.tuples(st.just("insert"), st.integers(0, len(SEED)), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("insert"), st.integers(0, len(SEED)), st.text(max_size=8).map(str.encode)),
    st.tuples(st.just("delete"), st.integers(0, len(SEED)), st.integers(1, 40)),
    st.tuples(st.just("line"), st.integers(0, 200), st.integers(0, 200)),
)


def mutate(source: bytes, edits) -> bytes:
    for kind, at, what in edits:
        if kind == "insert":
            source = source[:at] + what + source[at:]
        elif kind == "delete":
            source = source[:at] + source[at + what :]
        else:  # copy line `what` over line `at`: indentation and structure mix-ups
            lines = source.split(b"\n")
            lines[at % len(lines)] = lines[what % len(lines)]
            source = b"\n".join(lines)
    return source


@given(edits=st.lists(edit, min_size=1, max_size=4))
@budget(250)
def test_mutated_seed_loads_or_gives_a_clean_located_error(tmp_path, edits):
    path = tmp_path / "fiche.yaml"
    content = mutate(SEED, edits)
    path.write_bytes(content)
    try:
        validate(load_fiche(path))
    except FicheError as error:
        assert error.problems
        last = content.count(b"\n") + content.count(b"\r") + 2
        for problem in error.problems:
            assert problem.file == str(path)
            assert isinstance(problem.line, int) and 1 <= problem.line <= last, problem
            shown = str(problem)
            assert "\n" not in shown and shown.isprintable(), shown


@pytest.mark.parametrize("text", ["x", "é" * 5])
def test_letters_sees_through_case_and_accents(text):
    assert letters(text.upper()) == letters(text)
