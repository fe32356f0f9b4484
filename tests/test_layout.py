"""The layout as a reader meets it (issue 14), measured on real PDFs: the measure of the
body text, hyphenation, one page for a short fiche, the level badge repeated where its group
goes on, a single footer rule."""

from __future__ import annotations

import io
import re
import statistics
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest

from fichemetier.edition import Edition
from fichemetier.load import load_fiche
from fichemetier.model import validate
from fichemetier.options import RenderOptions
from fichemetier.render import nearly_empty, theme_colours

from .conftest import SEED_YAML

DATA = Path(__file__).parent / "data"
SHORT_YAML = DATA / "electricienne.yaml"  # a realistic short fiche: one A4 page
LONGER_YAML = DATA / "electricienne-longue.yaml"  # a few lines more: one page only when dense
MM = 72 / 25.4
BODY_PT = {"a4": 9.4, "a5": 8.6}  # --corps in fiche.css and a5.css
MEASURE = {"a4": 85, "a5": 70}  # most characters a line of body text, on average
HYPHEN = "\u2010"  # what WeasyPrint prints at a hyphenation break
COLUMN_GAP_PT = 12  # wider than any justified space, narrower than the column gap


@dataclass(frozen=True)
class Line:
    page: int
    column: int  # 0 left, 1 right (of the page's middle)
    top: float
    x0: float
    x1: float
    size: float
    text: str


def lines(pdf: bytes) -> list[Line]:
    """The printed lines in reading order, a line of each column apart."""
    found = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages):
            rows: dict[tuple[int, float], list[dict]] = {}
            for word in page.extract_words(extra_attrs=["size"], x_tolerance=1.5):
                rows.setdefault((round(word["bottom"]), round(word["size"], 1)), []).append(word)
            for (_, size), words in rows.items():
                words.sort(key=lambda w: w["x0"])
                run = [words[0]]
                for previous, word in zip(words, words[1:], strict=False):
                    if word["x0"] - previous["x1"] > COLUMN_GAP_PT:
                        found.append(_line(number, page.width, run, size))
                        run = []
                    run.append(word)
                found.append(_line(number, page.width, run, size))
    return sorted(found, key=lambda line: (line.page, line.column, line.top))


def _line(page: int, width: float, words: list[dict], size: float) -> Line:
    column = int(words[0]["x0"] > width / 2)
    text = " ".join(word["text"] for word in words)
    return Line(page, column, words[0]["top"], words[0]["x0"], words[-1]["x1"], size, text)


def characters_per_line(pdf: bytes, format: str) -> float:
    """Average length of the full lines of body text (a paragraph's last line is not one)."""
    body = [line for line in lines(pdf) if abs(line.size - BODY_PT[format]) < 0.05]
    widest = max(line.x1 - line.x0 for line in body)
    full = [line for line in body if line.x1 - line.x0 >= 0.8 * widest]
    return statistics.mean(len(line.text) for line in full)


def hyphen_breaks(pdf: bytes) -> list[tuple[str, str]]:
    """Each word broken by hyphenation: (its part before the break, the part after)."""
    printed = lines(pdf)
    breaks = []
    for line, after in zip(printed, printed[1:], strict=False):
        same_column = (after.page, after.column, after.size) == (line.page, line.column, line.size)
        if line.text.endswith(HYPHEN) and same_column:  # not a column's last line and a footer
            before = re.search(r"(\w*)" + HYPHEN + "$", line.text)[1]
            breaks.append((before, re.match(r"\W*(\w*)", after.text)[1]))
    return breaks


def render(renderer, source: Path, format: str = "a4") -> bytes:
    fiche = validate(load_fiche(source))
    return renderer.pdf(fiche, source.parent, RenderOptions(format=format))


@pytest.fixture(scope="module")
def pdfs(renderer):
    """The seed and the short fiche in each format, rendered once."""
    return {
        (name, format): render(renderer, source, format)
        for name, source in (("seed", SEED_YAML), ("courte", SHORT_YAML))
        for format in ("a4", "a5")
    }


@pytest.mark.parametrize("format", ["a4", "a5"])
@pytest.mark.parametrize("name", ["seed", "courte"])
def test_body_text_keeps_a_readable_measure(pdfs, name, format):
    average = characters_per_line(pdfs[name, format], format)
    assert 30 <= average <= MEASURE[format], f"{average:.0f} characters a line"


@pytest.mark.parametrize("format", ["a4", "a5"])
@pytest.mark.parametrize("name", ["seed", "courte"])
def test_hyphenation_leaves_three_letters_each_side(pdfs, name, format):
    short = [b for b in hyphen_breaks(pdfs[name, format]) if min(map(len, b)) < 3]
    assert not short, f"breaks with fewer than 3 letters: {short}"


@pytest.mark.parametrize("format", ["a4", "a5"])
def test_titles_and_school_names_are_not_hyphenated(pdfs, seed_fiche, format):
    printed = lines(pdfs["seed", format])
    titles = [line.text for line in printed if line.size > BODY_PT[format] + 1]
    assert titles and not [title for title in titles if title.endswith(HYPHEN)]
    names = {  # the proper names of the schools: "Champagne-Ardenne", not "Champagne-Ar-denne"
        word
        for groupe in seed_fiche.formations_publiques + seed_fiche.formations_privees
        for formation in groupe.formations
        for etablissement in formation.etablissements or []
        for word in re.findall(r"\w+", etablissement.nom)
        if word[0].isupper()
    }
    broken = {before + after for before, after in hyphen_breaks(pdfs["seed", format])}
    assert not broken & names, broken & names


def test_a_short_fiche_is_one_a4_page(pdfs):
    assert len(pypdfium2.PdfDocument(pdfs["courte", "a4"])) == 1


def test_a_nearly_empty_last_page_is_saved_by_the_denser_layout(renderer):
    """The plain layout of this fiche spills a few lines onto a second page; the fiche
    still prints on one."""
    fiche = validate(load_fiche(LONGER_YAML))
    options = RenderOptions()
    plain = renderer._layout(renderer.html(fiche, options), [LONGER_YAML.parent], options)
    assert len(plain.pages) == 2 and nearly_empty(plain.pages[-1])  # the case is still one
    assert len(renderer.layout(fiche, LONGER_YAML.parent, options).pages) == 1


def test_a_full_last_page_is_not_made_denser(renderer, seed_fiche):
    document = renderer.layout(seed_fiche, SEED_YAML.parent, RenderOptions())
    assert 'class="dense"' not in renderer.html(seed_fiche)
    assert not nearly_empty(document.pages[-1])


LONG_GROUP = """\
metier: Infirmière
le_metier: Elle soigne.
formations_publiques:
  - niveau: bac+3
    formations:
{}
"""


def _pill_run_mm(image, colour: tuple[int, int, int], box_mm, dpi: int) -> float:
    """The longest horizontal run of `colour` in the box (mm, from the page's top left)."""
    x0, y0, x1, y1 = (round(v * dpi / 25.4) for v in box_mm)
    pixels = image.convert("RGB").load()
    longest = 0
    for y in range(y0, y1):
        run = 0
        for x in range(x0, x1):
            close = all(abs(a - b) < 40 for a, b in zip(pixels[x, y], colour, strict=True))
            run = run + 1 if close else 0
            longest = max(longest, run)
    return longest * 25.4 / dpi


@pytest.mark.parametrize("couleurs", [{}, {"badge": "#7a1f5c"}])
def test_a_level_group_that_goes_on_shows_its_badge_again(renderer, tmp_path, couleurs):
    """In the theme's colours, or an edition's: the repeated badge is the real one's colour."""
    formation = (
        "      - texte: >-\n"
        "          Le diplôme d'État numéro {n}, préparé en trois ans dans un institut de "
        "formation en soins infirmiers, après une inscription sur Parcoursup, avec des stages "
        "à l'hôpital et en ville."
    )
    source = tmp_path / "infirmiere.yaml"
    body = "\n".join(formation.format(n=n) for n in range(1, 31))
    source.write_text(textwrap.dedent(LONG_GROUP).format(body), encoding="utf-8")
    edition = Edition(titre="Salon", couleurs=couleurs) if couleurs else None
    options = RenderOptions(edition=edition)
    pdf = pypdfium2.PdfDocument(renderer.pdf(validate(load_fiche(source)), tmp_path, options))
    assert len(pdf) == 2  # the group goes on on page 2
    colour = couleurs.get("badge", theme_colours()["badge"])
    badge = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    page = pdf[1].render(scale=100 / 72).to_pil()
    # At the top of page 2's first column (the content starts 14 mm down, 17 mm in).
    assert _pill_run_mm(page, badge, (17, 14, 100, 22), 100) > 20


@pytest.mark.parametrize("format", ["a4", "a5"])
def test_the_footer_has_one_rule_across_the_page(pdfs, format):
    filet = tuple(int(theme_colours()["filet"][i : i + 2], 16) / 255 for i in (1, 3, 5))
    with pdfplumber.open(io.BytesIO(pdfs["seed", format])) as document:
        for page in document.pages:
            pieces = sorted(
                (shape["x0"], shape["x1"])
                for shape in page.rects
                if shape["top"] > page.height - 25 * MM
                and shape["non_stroking_color"]
                and all(
                    abs(a - b) < 0.01
                    for a, b in zip(shape["non_stroking_color"], filet, strict=True)
                )
            )
            assert pieces, "no footer rule"
            end = pieces[0][1]
            for x0, x1 in pieces[1:]:
                assert x0 <= end + 0.5, f"the footer rule has a gap at {end / MM:.1f} mm"
                end = max(end, x1)
            margin = (17 if format == "a4" else 10) * MM
            assert pieces[0][0] == pytest.approx(margin, abs=0.5)
            assert end == pytest.approx(page.width - margin, abs=0.5)


def test_every_level_has_its_continuation_badge():
    """The pictures are made by styles/suite/make_badges.py: up to date, and each one named
    by fiche.css for its level."""
    import importlib.util

    from fichemetier.model import NIVEAUX
    from fichemetier.paths import STYLES

    spec = importlib.util.spec_from_file_location("make_badges", STYLES / "suite/make_badges.py")
    make_badges = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_badges)
    font = make_badges.TTFont(make_badges.FONT)
    css = (STYLES / "fiche.css").read_text(encoding="utf-8")
    for niveau in NIVEAUX:
        name = make_badges.file_name(niveau)
        assert (STYLES / "suite" / name).read_text(encoding="utf-8") == make_badges.badge(
            niveau, font
        )
        assert f'.groupe[data-niveau="{niveau}"] {{ background-image: url(suite/{name}); }}' in css


def test_a_trainings_text_stays_with_its_link(renderer, tmp_path):
    """A training's links are printed only as QR codes: one alone at the top of the next
    column or page, under « BAC + 2 (suite) », would belong to no training a reader sees."""
    trainings = "".join(
        f"      - texte: Formation n° {n} au 1er semestre, 35 h par semaine.\n"
        f"        liens:\n          - https://exemple.fr/f/{n}\n"
        for n in range(8)
    )
    source = tmp_path / "huit.yaml"
    source.write_text(
        "metier: Huit\nle_metier: Il travaille.\nformations_publiques:\n"
        f"  - niveau: bac+2\n    formations:\n{trainings}",
        encoding="utf-8",
    )
    for format in ("a4", "a5"):
        printed = lines(render(renderer, source, format))
        where = {line.text: (line.page, line.column) for line in printed}
        for n in range(8):
            text = next(t for t in where if t.startswith(f"Formation n° {n} "))
            assert where[text] == where[f"exemple.fr/f/{n}"], (format, n)
