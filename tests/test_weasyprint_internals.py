"""WeasyPrint's internals, used in one module only: at an upgrade, these tests name what
changed (fichemetier/weasyprint_internals.py's docstring lists what to re-check)."""

from __future__ import annotations

import ast
import base64
import gc
import re
from pathlib import Path

import pytest
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

import fichemetier
from fichemetier import weasyprint_internals as internals
from fichemetier.paths import STYLES

PACKAGE = Path(fichemetier.__file__).parent
HOME = PACKAGE / "weasyprint_internals.py"
#: And how two of WeasyPrint's modules load (by name, before they run; no box read):
#: libraries.py and declarations.py, checked by tests/test_libraries.py and
#: tests/test_declarations.py; and how the bundled fonts are registered (fontfaces.py, a
#: copy of WeasyPrint's @font-face rules checked by tests/test_fontfaces.py).
LOADING = (PACKAGE / "libraries.py", PACKAGE / "declarations.py", PACKAGE / "fontfaces.py")
#: WeasyPrint's public API (its documentation's), which any module may import.
PUBLIC = {"weasyprint", "weasyprint.text.fonts", "weasyprint.urls"}
#: Names of WeasyPrint's internals (and of our marks on its boxes) that a module reading
#: the layout would write.
INTERNAL_NAMES = re.compile(
    r"_page_box|formatting_structure|weasyprint\.layout|weasyprint\.pdf|harfbuzz_subset"
    r"|border_box_[xy]|content_box_[xy]|margin_height|border_width|border_height"
    r"|position_[xy]|element_tag|at_keyword|is_leader|hyphenate_character|_fichemetier_"
)
UPGRADE = (
    "WeasyPrint changed an internal that fichemetier/weasyprint_internals.py uses; "
    "re-check the names its docstring lists against the new WeasyPrint:\n"
)

PROBE = """<html lang="fr"><style>
@page { size: 80mm 60mm; margin: 10mm; @bottom-left { content: "pied de page" } }
body { font-size: 10pt }
p { width: 25mm; hyphens: auto }
.qr { display: inline-block; width: 12mm; height: 12mm }
.sommaire a::after { content: leader(".") " 2" }
</style>
<section data-fiche="1">
  <p data-champ="formations_publiques[0].formations[1]">un texte assez long pour deux lignes</p>
  <span class="qr" data-qr="https://example.org/a"></span>
  <p class="sommaire"><a href="#cible">Métier</a></p>
  <h2 id="cible">Cible</h2>
</section></html>"""


def test_weasyprint_has_every_internal_we_use():
    """Names and parameters, checked on the code: one clear failure with the list."""
    gone = internals.missing()
    assert not gone, UPGRADE + "\n".join(f"- {name}" for name in gone)


@pytest.fixture(scope="module")
def probe():
    """A small page laid out and written, through every function of the module."""
    internals.install()
    fonts = FontConfiguration()
    document = HTML(string=PROBE).render(pdf_tags=True, font_config=fonts)
    document.write_pdf(pdf_tags=True)
    yield document
    del document, fonts  # freed now, not at exit (see conftest.py)
    gc.collect()


def test_every_reader_works_on_a_laid_out_page(probe):
    """The attributes set on each box exist only on a laid-out page: an AttributeError
    here is an internal that changed, named in the message."""
    try:
        page = probe.pages[0]
        placed = list(internals.placed_boxes(page))
        area = internals.content_area(page)
        margins = internals.margin_boxes(page)
        painted = [p for p in placed if internals.painted(p.box)]
        rects = [internals.border_rect(p.box) for p in painted]
        rights = [internals.content_right(p.frame) for p in painted]
        bottoms = [internals.margin_bottom(p.box) for p in painted]
        classes = [internals.classes(p.box) for p in placed]
        sizes = [internals.size(p.box) for p in placed]
        slots = internals.qr_slots(probe)
        links = internals.internal_link_texts(probe)
        lines = list(internals.lines(probe))
        texts = [text for _, line in lines for text in line]
        notes = [(t.text, t.mcid, t.lost_space, t.hyphen, t.source()) for t in texts]
    except (AttributeError, KeyError, TypeError) as error:
        pytest.fail(UPGRADE + f"- {type(error).__name__}: {error}")

    champ = ("formations_publiques", 0, "formations", 1)
    assert any(p.fiche == 1 and p.champ == champ for p in painted)
    px = 96 / 25.4
    assert area == pytest.approx((10 * px, 10 * px, 70 * px, 50 * px))
    assert [m.keyword for m in margins if m.texts] == ["@bottom-left"]
    assert all(r.x0 <= r.x1 and r.y0 <= r.y1 for r in rects)
    assert any(r.x0 < r.x1 and r.y0 < r.y1 for r in rects)
    assert all(right > 0 for right in rights) and all(b > area.y0 for b in bottoms)
    assert ["qr"] in classes and len(sizes) == len(placed)
    assert [(s.page, s.url) for s in slots] == [(0, "https://example.org/a")]
    assert slots[0].width == pytest.approx(12 * px * 0.75)
    assert list(links) == ["cible"] and re.fullmatch(r"Métier \d", links["cible"])
    # the hooks noted: each drawn text's MCID, a line broken at a space, the leader
    hooks = UPGRADE + "- the hook on {} is no longer called"
    assert all(mcid is not None for text, mcid, *_ in notes if text.strip()), hooks.format(
        "Stream.marked"
    )
    assert any(lost for _, _, lost, _, _ in notes), hooks.format("the line breaker")
    assert any(t.leader for t in texts)
    assert {hyphen for *_, hyphen, _ in notes} == {"‐"}


def test_no_other_module_touches_weasyprint_internals():
    """The rest of the package imports WeasyPrint's public API only and reads no box."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == HOME or path in LOADING:
            continue
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module or ""]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            found += [
                f"{path.relative_to(PACKAGE)}:{node.lineno}: import {name}"
                for name in modules
                if name.split(".")[0] == "weasyprint" and name not in PUBLIC
            ]
        found += [
            f"{path.relative_to(PACKAGE)}:{source.count(chr(10), 0, m.start()) + 1}: {m[0]}"
            for m in INTERNAL_NAMES.finditer(source)
        ]
    assert not found, "WeasyPrint internals outside weasyprint_internals.py:\n" + "\n".join(found)


def test_a_badge_covered_by_the_real_one_is_not_painted():
    """A level group going on over a page: its first fragment, under the real badge, loses
    its « (suite) » background; the fragment on the next page keeps it."""
    drawing = b"<svg xmlns='http://www.w3.org/2000/svg' width='9' height='9'><rect/></svg>"
    svg = "data:image/svg+xml;base64," + base64.b64encode(drawing).decode()
    html = (
        f'<style>@page {{ size: 100mm 60mm }} .groupe {{ background: url("{svg}") no-repeat; '
        "box-decoration-break: clone }</style>"
        '<div class="groupe"><h3 class="niveau">BAC</h3>' + "<p>ligne</p>" * 40 + "</div>"
    )
    document = HTML(string=html).render()
    assert len(document.pages) > 1

    def groups(page):
        stack, found = [page._page_box], []
        while stack:
            box = stack.pop()
            found += [box] if "groupe" in internals.classes(box) else []
            stack.extend(getattr(box, "children", None) or [])
        return found

    [first], [second] = groups(document.pages[0]), groups(document.pages[1])
    assert first.background is not None and second.background is not None
    internals.unpaint_covered_badges(document)
    assert first.background is None and second.background is not None


#: Links as the fiches print them: inline blocks the line's width (one a line, each tried
#: after the one before it first), a float and a text beside it, over two pages.
LINKS = (
    """<html><style>
@page { size: 80mm 60mm; margin: 5mm } body { font-size: 8pt }
li { display: inline-block; width: 100%; margin: 0 3mm 1mm 0; vertical-align: top }
.qr { float: left; width: 12mm; height: 12mm; margin-right: 2mm }
.t { display: block; margin-left: 14mm }
</style><p>Une liste de liens :</p><ul>"""
    + "".join(
        f'<li><span class="qr"></span><span class="t">lien {n} texte assez long pour deux lignes'
        "</span></li>"
        for n in range(6)
    )
    + "</ul></html>"
)


def test_an_inline_block_tried_again_is_the_layout_it_had(monkeypatch):
    """Laid out once and moved (`_inline_blocks_once`): the same boxes at the same places
    and the same PDF as when WeasyPrint lays it out at every try, in fewer layouts. To the
    PDF's precision (a millionth): a width measured elsewhere may differ in its last bit."""
    from weasyprint.layout import inline

    internals.install()
    laid = []
    original = inline.inline_block_box_layout.__wrapped__

    def counted(*args):
        laid.append(args[1])
        return original(*args)

    def made():
        document = HTML(string=LINKS).render()
        boxes = [
            (
                type(box).__name__,
                *(round(v, 6) for v in (box.position_x, box.position_y, box.width)),
            )
            for page in document.pages
            for box in every_box(page._page_box)
        ]
        return boxes, document.write_pdf(), len(document.pages)

    monkeypatch.setattr(inline, "inline_block_box_layout", counted)
    every_try = made()
    tries = len(laid)
    laid.clear()
    monkeypatch.setattr(inline, "inline_block_box_layout", internals._inline_blocks_once(counted))
    once = made()
    assert every_try[2] == 2, "the list should go on over the next page"
    assert len(laid) < tries  # at most once per link and page state (first, later)
    assert once == every_try


def every_box(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from every_box(child)


#: One text in styles that differ by one value `Layout.setup` reads, one after the other:
#: a key that missed one would give a paragraph the font set up for the one before.
SETUP_STYLES = (
    "",
    "font-weight: bold",
    "font-style: italic",
    "font-variant: small-caps",
    "font-stretch: condensed",
    "font-size: 11pt",
    "font-family: serif",
    "font-kerning: none",
    "font-variant-ligatures: none",
    "font-variant-position: super",
    "font-variant-numeric: slashed-zero tabular-nums",
    "font-language-override: 'TRK'",
    "font-variant-alternates: historical-forms",
    "font-variant-east-asian: ruby",
    "font-feature-settings: 'liga' 0",
    "font-variation-settings: 'wght' 700",
    "text-decoration: underline",
    "text-decoration: line-through",
    "direction: rtl",
    "letter-spacing: 1px",
    "word-spacing: 4px",
)
SETUP_HTML = (
    "<html lang='fr'><style>@page { size: 80mm 250mm; margin: 5mm } p { width: 30mm; "
    "hyphens: auto; margin: 0 } body { font-family: Inter, sans-serif } @font-face { "
    "font-family: Inter; src: url(fonts/Inter-Regular.otf) }</style>"
    # a language's own letter forms (Serbian italic б, г, д, п, т: the `locl` feature)
    + "".join(
        f"<p lang='{lang}' style='font: italic 10pt DejaVu Serif'>бгдпт</p>"
        for lang in ("ru", "sr", "ru")
    )
    + "".join(
        f"<p lang='{lang}' style=\"{style}\">Officiel : 1 230 fi ffl « développement » Wo AV"
        " l’établissement d’enseignement</p>"
        for style in SETUP_STYLES
        for lang in ("fr", "en")
    )
    + "</html>"
)


def test_layouts_that_share_a_font_setup_are_weasyprints_own(monkeypatch):
    """`_shared_setup`: each text laid out and drawn on a shared Pango context and font
    description is the PDF WeasyPrint's own `setup` makes, byte for byte, and one setup
    was made per font, not per layout."""
    from weasyprint.text import line_break

    internals.install()
    shared = line_break.Layout.setup
    own = shared.__wrapped__

    def made(setup):
        monkeypatch.setattr(line_break.Layout, "setup", setup)
        fonts = FontConfiguration()
        page = HTML(string=SETUP_HTML, base_url=str(STYLES))
        return page.write_pdf(font_config=fonts), fonts

    expected, _ = made(own)
    pdf, fonts = made(shared)
    assert pdf == expected
    kept = getattr(fonts, internals.SETUPS)
    assert len(SETUP_STYLES) < len(kept) < 3 * len(SETUP_STYLES)  # per font, not per line


LEADERS = """<html lang="fr"><style>
@page { size: 180mm 60mm; margin: 10mm }
a::after { content: leader(dotted) " " target-counter(attr(href), page) }
</style><p><a href="#a">Développeur back end</a></p><p><a href="#a">Ébéniste</a></p>
<h2 id="a">Cible</h2></html>"""


def test_a_leader_is_drawn_in_a_few_boxes_where_its_dots_were(monkeypatch):
    """A leader's ~100 copies of `. ` are drawn as runs of `LEADER_RUN` (one box each):
    the same text read back, each dot within 0.1 pt of where WeasyPrint's own copies put
    it."""
    import pypdfium2
    from weasyprint.layout import inline

    internals.install()

    def laid_out() -> tuple[list[int], list[tuple[str, float]]]:
        document = HTML(string=LEADERS).render(pdf_tags=True)
        leaders = [
            len(box.children)
            for line in internals._line_boxes(document.pages[0]._page_box)
            for box in _descendants(line)
            if getattr(box, "is_leader", False)
        ]
        pdf = pypdfium2.PdfDocument(document.write_pdf(pdf_tags=True))
        text = pdf[0].get_textpage()
        chars = [
            (text.get_text_range(i, 1), text.get_charbox(i)[0]) for i in range(text.count_chars())
        ]
        return leaders, chars

    merged, chars = laid_out()
    monkeypatch.setattr(inline, "handle_leader", inline.handle_leader.__wrapped__)
    copies, plain = laid_out()

    assert len(copies) == len(merged) == 2 and min(copies) > 4 * internals.LEADER_RUN
    assert merged == [-(-count // internals.LEADER_RUN) for count in copies]
    assert [c for c, _ in chars] == [c for c, _ in plain]
    assert max(abs(x - y) for (_, x), (_, y) in zip(chars, plain, strict=True)) < 0.1


def _descendants(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)
