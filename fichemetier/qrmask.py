"""The QR code segno makes, with its mask chosen ~3× faster: the very same matrix.

segno (1.6) tries the 8 data masks of ISO 18004 § 7.8 and keeps the one with the lowest
penalty; done module by module in Python, that is ~80 % of a code's ~10 ms, and a fiche
has ten codes (the cold start of one fiche paid ~100 ms for them). Here segno makes the
code once with mask 0; the unmasked modules are read back from it, and each mask is
scored by whole lines at once (rows and columns as bytes, then as the bits of one
integer) with segno's own rules (`segno.encoder.mask_scores`, its quirks included); the
best is then applied and its format information written by segno's own functions.
tests/test_qrmask.py checks the scores and the matrices against segno's for a corpus of
URLs. Another segno than 1.6, or a matrix this does not expect, is left to segno.

And the code's modules are put in place from segno's message as a whole (`_bare`): segno
places them bit by bit, then masks them (~1.1 ms a code, 11 ms a fiche); here its final
message (data and error correction, by segno's own functions, in `encode`'s order) is
spread over the matrix by one gather whose order segno's `add_codewords` itself gave
(`_placement`, once per version). The masks are made from one 12 × 12 tile of segno's
mask functions (once per size, ~1 ms instead of ~3), and each masked matrix's columns
from the code's columns and the mask's (no transposition per mask).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from operator import itemgetter

import segno
from segno import consts, encoder

#: The segno whose rules `penalties` repeats (re-check `encoder.mask_scores` at an upgrade).
SEGNO_VERSION = "1.6."
#: A line's modules as the digits of a binary number: the dark ones as 1, or the light ones
#: (the byte that ends each line, 2, is 0 in both).
_DARK = bytes.maketrans(b"\x00\x01\x02", b"010")
_LIGHT = bytes.maketrans(b"\x00\x01\x02", b"100")
_FINDER_LIKE = b"\x01\x00\x01\x01\x01\x00\x01"  # 1:1:3:1:1 (penalty N3)


def make(content: str, version: int, error: str) -> tuple[bytes, ...]:
    """The rows of `segno.make(content, version=version, error=error, boost_error=True,
    micro=False).matrix`, as bytes of 0 and 1."""
    if not segno.__version__.startswith(SEGNO_VERSION) or not 1 <= version <= 40:
        return _segno(content, version, error)
    found = _bare(content, version, error)
    if found is None:
        return _segno(content, version, error)  # too long, or not what `_bare` expects
    bare, level = found
    size = len(bare)
    layout = _layout(size)
    columns = _columns(bare, size)  # masked as the rows are: by the masks' columns
    scores = [
        _penalty(_masked(bare, mask, size), _masked(columns, mask_columns, size))
        for mask, mask_columns in zip(layout.masks, layout.mask_columns, strict=True)
    ]
    best = scores.index(min(scores))  # segno keeps the first of equal scores
    matrix = tuple(bytearray(row) for row in _masked(bare, layout.masks[best], size))
    encoder.add_format_info(matrix, version, level, best)
    encoder.add_version_info(matrix, version)
    return tuple(bytes(row) for row in matrix)


def _bare(content: str, version: int, error: str) -> tuple[list[int], int] | None:
    """The code's rows before masking, as integers (one byte a module; the format and
    version areas light), and its error correction level: segno's `encode` up to its
    final message, as it runs for a QR code of a given version with `boost_error`; or
    None if the content does not fit (segno says so, in its words)."""
    level = encoder.normalize_errorlevel(error, accept_none=True)
    segments = encoder.prepare_data(content, None, None)
    if encoder.find_version(segments, level, eci=False, micro=False) > version:
        return None
    level = encoder.boost_error_level(version, level, segments, False)
    buffer = encoder.Buffer()
    for segment in segments:
        encoder.write_segment(buffer, segment, None, encoder.version_range(version), False)
    capacity = consts.SYMBOL_CAPACITY[version][level]  # type: ignore[index]
    encoder.write_terminator(buffer, capacity, None, len(buffer))
    encoder.write_padding_bits(buffer, version, len(buffer))
    encoder.write_pad_codewords(buffer, version, capacity, len(buffer))
    message = bytes(encoder.make_final_message(version, level, buffer))
    size, bits, gather = _placement(version)
    if len(message) != bits or not set(message) <= {0, 1}:
        return None
    modules = bytes(gather(message + b"\x00\x01"))
    return [_as_int(modules[start : start + size]) for start in range(0, size * size, size)], level


@cache
def _placement(version: int) -> tuple[int, int, Callable]:
    """For a code of `version`: its size, the number of bits its message fills, and the
    gather that makes its modules, row by row, from its message followed by a light and
    a dark module: a data module takes the bit segno's `add_codewords` puts there, any
    other the value of segno's matrix before placement (finder, alignment and timing
    patterns; the format and version areas, reserved, light)."""
    size = encoder.calc_matrix_size(version)
    matrix = encoder.make_matrix(size, size)
    encoder.add_finder_patterns(matrix, size, size)
    encoder.add_alignment_patterns(matrix, size, size)
    cells = [list(row) for row in matrix]
    bits = sum(row.count(0x2) for row in cells)
    encoder.add_codewords(cells, range(3, 3 + bits), version)  # each data module's bit
    order = [value - 3 if value >= 3 else bits + value for row in cells for value in row]
    return size, bits, itemgetter(*order)


def _segno(content: str, version: int, error: str) -> tuple[bytes, ...]:
    code = segno.make(content, version=version, error=error, boost_error=True, micro=False)
    return tuple(bytes(row) for row in code.matrix)


class _Layout:
    """Per row of a code of one size, as integers of bytes (one byte a module): where each
    mask flips modules (on data only), and which modules are reserved for the format and
    version information (light while segno scores the masks)."""

    def __init__(self, size: int):
        functions = encoder.make_matrix(size, size)
        encoder.add_finder_patterns(functions, size, size)
        encoder.add_alignment_patterns(functions, size, size)
        functions[-8][8] = 0x1  # the dark module, as segno marks it
        data = [_as_int(bytes(v == 0x2 for v in row)) for row in functions]
        # each mask's modules, on data only: every pattern of § 7.8.2 repeats every
        # PERIOD modules both ways, so segno's functions are asked for one tile
        self.masks = [
            [dark & _tiled(tile[i % PERIOD], size) for i, dark in enumerate(data)]
            for tile in _tiles()
        ]
        self.mask_columns = [_columns(mask, size) for mask in self.masks]
        reserved = encoder.make_matrix(size, size)
        free = encoder.make_matrix(size, size, reserve_regions=False)
        self.reserved = [
            _as_int(bytes(r == 0x0 and f == 0x2 for r, f in zip(rr, ff, strict=True)))
            for rr, ff in zip(reserved, free, strict=True)
        ]


@cache
def _layout(size: int) -> _Layout:
    return _Layout(size)


#: The data masks' period, in modules, across and down (2, 3, 4 and 6 divide it).
PERIOD = 12


def _tiles() -> list[list[bytes]]:
    """Each data mask of segno on PERIOD × PERIOD modules: 1 where it flips one."""
    return [
        [bytes(bool(pattern(i, j)) for j in range(PERIOD)) for i in range(PERIOD)]
        for pattern in encoder.get_data_mask_functions(False)
    ]


def _tiled(row: bytes, size: int) -> int:
    return _as_int((row * (size // PERIOD + 1))[:size])


def _columns(rows: list[int], size: int) -> list[int]:
    """The columns of a matrix given by rows (integers of bytes), likewise."""
    lines = [row.to_bytes(size, "big") for row in rows]
    return [_as_int(bytes(column)) for column in zip(*lines, strict=True)]


def _as_int(row) -> int:
    return int.from_bytes(row, "big")


def _masked(rows: list[int], mask: list[int], size: int) -> list[bytes]:
    return [(row ^ bits).to_bytes(size, "big") for row, bits in zip(rows, mask, strict=True)]


def _penalty(rows: list[bytes], columns: list[bytes] | None = None) -> int:
    """segno's `mask_scores(matrix)` summed, by whole rows and columns."""
    return sum(penalties(rows, columns))


def penalties(rows: list[bytes], columns: list[bytes] | None = None) -> tuple[int, int, int, int]:
    """The four penalties (N1 runs, N2 blocks, N3 finder-like patterns, N4 balance), as
    `segno.encoder.mask_scores` counts them. Rows and columns (`columns`: the rows'
    columns, made here if not given) are searched as one string, each line ended by a byte
    no module has (no run or pattern goes across); runs and blocks are counted on that
    string read as the bits of an integer."""
    size = len(rows)
    stride = size + 1
    matrix = b"\x02".join(rows)
    if columns is None:
        columns = [bytes(column) for column in zip(*rows, strict=True)]
    lines = b"\x02".join([matrix, *columns])
    n1 = _runs(int(lines.translate(_DARK), 2)) + _runs(int(lines.translate(_LIGHT), 2))
    dark = int(matrix.translate(_DARK), 2)
    # a 2x2 block of one colour ends at each module equal to its left, upper and upper left
    # neighbours (its row's bit shifted by one, by a row's stride for the row above)
    same_left = ~(dark ^ (dark >> 1))
    same_up = ~(dark ^ (dark >> stride))
    n2 = 3 * (same_left & (same_left >> stride) & same_up & _inner(size)).bit_count()
    n3 = _finder_like(lines, size)
    percent = float(dark.bit_count()) / (size**2)
    n4 = 10 * int(abs(percent * 100 - 50) / 5)
    return n1, n2, n3, n4


def _runs(bits: int) -> int:
    """N1 for the runs of 1 bits: each run of 5 or more counts its length - 2, that is
    the windows of 5 it holds (length - 4) and 2 more (one per run: its first window)."""
    windows = bits & (bits >> 1) & (bits >> 2) & (bits >> 3) & (bits >> 4)
    return windows.bit_count() + 2 * (windows & ~(windows << 1)).bit_count()


@cache
def _inner(size: int) -> int:
    """The bits of `penalties`' matrix integer that have a left and an upper neighbour."""
    row = "0" + "1" * (size - 1)
    return int("0".join(["0" * size, *[row] * (size - 1)]), 2)


def _finder_like(lines: bytes, size: int) -> int:
    """segno's `n3_pattern_occurrences` over each line, as it is (its search and skips):
    40 for each 1:1:3:1:1 pattern at a line's end or with 4 light modules on one side."""
    count = 0
    stride = size + 1
    found = lines.find(_FINDER_LIKE)
    while found != -1:
        start = found - found % stride  # the line's first module
        index = found - start
        offset = index + 7
        if (
            index in (0, size - 7)
            or not any(lines[start + max(index - 4, 0) : start + index])
            or not any(lines[start + offset : start + min(offset + 4, size)])
        ):
            count += 40
        else:
            offset = index + 4
        found = lines.find(_FINDER_LIKE, start + offset)
    return count
