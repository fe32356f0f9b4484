"""The QR codes' faster mask choice (qrmask.py) gives segno's very matrix: for the links of
every fiche of the project and for a corpus of random ones of every length a fiche allows,
and each mask's penalties are the ones segno counts."""

from __future__ import annotations

import random
import re
import string

import pytest
import segno
from segno import encoder

from fichemetier import qrmask
from fichemetier.linkcheck import MAX_URL, ascii_url
from fichemetier.qrcodes import VERSION, qr_runs

from .conftest import ROOT

FICHE_URLS = sorted(
    {
        url
        for path in (ROOT / "fiches").glob("*.yaml")
        for url in re.findall(r"https?://[\w-]+\.[^\s)\"']+", path.read_text(encoding="utf-8"))
    }
)
#: Characters a link may hold once made ASCII (linkcheck.ascii_url), and a few others.
CHARACTERS = string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%"


def corpus(count: int = 300, seed: int = 17) -> list[str]:
    draw = random.Random(seed)
    urls = [
        "https://a.fr",
        "mailto:contact@exemple.fr",
        "https://exemple.fr/" + "x" * (MAX_URL - 19),
        *(ascii_url(url) for url in FICHE_URLS),
    ]
    for _ in range(count):
        length = draw.randint(1, MAX_URL - 12)
        path = "".join(draw.choice(CHARACTERS) for _ in range(length))
        urls.append(f"https://{draw.choice(['onisep.fr', 'a.b.c.fr', 'x.org'])}/{path}")
    return urls


def segno_rows(url: str) -> tuple[bytes, ...]:
    code = segno.make(url, version=VERSION, error="l", boost_error=True, micro=False)
    return tuple(bytes(row) for row in code.matrix)


def test_the_corpus_holds_the_fiches_links():
    assert len(FICHE_URLS) >= 10


def test_the_matrix_is_segnos_for_every_link_of_the_corpus():
    different = [url for url in corpus() if qrmask.make(url, VERSION, "l") != segno_rows(url)]
    assert not different, different[:3]


def test_every_mask_is_chosen_somewhere_in_the_corpus():
    """The corpus is worth its name: each of the 8 masks wins for some link (so a wrong
    score for any of them would show)."""
    chosen = {
        segno.make(url, version=VERSION, error="l", boost_error=True, micro=False).mask
        for url in corpus()
    }
    assert chosen == set(range(8))


@pytest.mark.parametrize("url", corpus(count=12, seed=3))
def test_each_masks_penalties_are_segnos(url):
    """Scored on the matrices segno itself scores (the data masked, the format and version
    areas still empty)."""
    unmasked = encoder.encode(url, "l", VERSION, mask=0, micro=False, boost_error=True).matrix
    size = len(unmasked)
    layout = qrmask._layout(size)
    bare = [
        (int.from_bytes(row, "big") ^ mask) & ~reserved
        for row, mask, reserved in zip(unmasked, layout.masks[0], layout.reserved, strict=True)
    ]
    for mask in layout.masks:
        rows = qrmask._masked(bare, mask, size)
        matrix = tuple(bytearray(row) for row in rows)
        assert qrmask.penalties(rows) == encoder.mask_scores(matrix, size, size)


def test_another_segno_is_left_to_make_the_code(monkeypatch):
    monkeypatch.setattr(qrmask, "SEGNO_VERSION", "0")
    url = "https://www.onisep.fr/metiers"
    assert qrmask.make(url, VERSION, "l") == segno_rows(url)


def test_the_runs_drawn_are_the_dark_modules():
    for url in corpus(count=20, seed=5):
        size, runs = qr_runs.__wrapped__(url)
        drawn = [bytearray(size) for _ in range(size)]
        for y, x, length in runs:
            drawn[y][x : x + length] = b"\x01" * length
        assert tuple(map(bytes, drawn)) == segno_rows(ascii_url(url))


@pytest.mark.parametrize("version", [1, 2, 7, 11, 14, 21, 40])
@pytest.mark.parametrize("error", ["l", "m", "q", "h"])
def test_the_modules_are_placed_as_segno_places_them(version, error):
    """Placed from the whole message at once (`_bare`), for versions with and without
    version information and remainder bits, at each error level: segno's matrix."""
    for url in ["https://a.fr", "mailto:x@y.fr", *corpus(count=2, seed=version)]:
        try:
            expected = tuple(
                bytes(row)
                for row in segno.make(
                    url, version=version, error=error, boost_error=True, micro=False
                ).matrix
            )
        except segno.DataOverflowError:
            with pytest.raises(segno.DataOverflowError):
                qrmask.make(url, version, error)
            continue
        assert qrmask.make(url, version, error) == expected, url


@pytest.mark.parametrize("size", range(21, 178, 4))
def test_each_mask_is_segnos_on_every_data_module(size):
    """The masks, tiled from one period (`_tiles`), flip the modules segno's functions
    flip, module by module, on the data modules only; their columns are theirs."""
    functions = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(functions, size, size)
    encoder.add_alignment_patterns(functions, size, size)
    functions[-8][8] = 0x1
    layout = qrmask._Layout(size)
    for mask, columns, pattern in zip(
        layout.masks, layout.mask_columns, encoder.get_data_mask_functions(False), strict=True
    ):
        expected = [
            bytes(functions[i][j] == 0x2 and bool(pattern(i, j)) for j in range(size))
            for i in range(size)
        ]
        assert [row.to_bytes(size, "big") for row in mask] == expected
        assert [c.to_bytes(size, "big") for c in columns] == [
            bytes(column) for column in zip(*expected, strict=True)
        ]
