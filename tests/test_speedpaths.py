"""The speed paths change no page: a fiche made by a warm process (stylesheets, fonts,
QR codes and the HTML parser's regexes cached, after other fiches) is the very PDF a fresh
process makes of it first; and the pages are the pixels WeasyPrint's own path gives
(compressed by WeasyPrint, its font-features cache, tinyhtml5's regex cache, its
columns and inline-block layout, its layouts' setup, its var(), its fonts copied, its
hyphenation dictionary parsed, font subsetting, glyph loop and SVG drawing as shipped).
Also: WeasyPrint finds its native libraries by soname (libraries.py) and gets the same
files as the long way."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pypdfium2
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from fichemetier.load import load_fiche
from fichemetier.model import validate

from .conftest import ROOT, SEED_YAML
from .test_fuzz import fiches

#: Run in a fresh process: each fiche with a new Renderer and no QR code, font subset or
#: SVG drawing cached. With "plain", WeasyPrint's own path: it compresses the PDF, and our
#: fixes are undone (the columns laid out by WeasyPrint's own `columns_layout`, measure
#: first; each inline block laid out at each try; the sheets' var() resolved by WeasyPrint,
#: per element; each layout's own Pango context and font description; each font subset by
#: HarfBuzz; the glyphs drawn by its own loop; each SVG drawn anew).
FRESH = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    import pikepdf
    import pyphen
    import tinyhtml5.inputstream
    from weasyprint import Document, images
    from weasyprint.draw import text
    from weasyprint.layout import block, inline
    from weasyprint.pdf import fonts
    from weasyprint.text import line_break
    from weasyprint.text.fonts import FontConfiguration

    from fichemetier import finishing, hyphenation, qrcodes, render, weasyprint_internals
    from fichemetier.load import load_fiche
    from fichemetier.model import validate
    from fichemetier.render import Renderer

    mode, out, *sources = sys.argv[1:]
    if mode == "plain":
        render.BundledFonts = FontConfiguration  # each font copied, as WeasyPrint does
        pyphen.HyphDict = hyphenation.PARSED  # each dictionary parsed
        while hasattr(line_break.Layout.setup, "__wrapped__"):  # leak fix, shared setup
            line_break.Layout.setup = line_break.Layout.setup.__wrapped__
        block.columns_layout = block.columns_layout.__wrapped__
        inline.inline_block_box_layout = inline.inline_block_box_layout.__wrapped__
        fonts.Font._harfbuzz_subset = fonts.Font._harfbuzz_subset.__wrapped__
        text.draw_first_line = text.draw_first_line.__wrapped__
        images.SVGImage.draw = images.SVGImage.draw.__wrapped__

        def as_written(texts):
            raise render.Unresolvable("var() left to WeasyPrint")

        render.root_values = as_written
        inline.handle_leader = inline.handle_leader.__wrapped__
        tinyhtml5.inputstream.characters_until_regex = {}
        write_pdf = Document.write_pdf
        Document.write_pdf = lambda self, *a, uncompressed_pdf=False, **k: write_pdf(
            self, *a, **k
        )
        finishing.OBJECT_STREAMS = pikepdf.ObjectStreamMode.preserve
    for index, source in enumerate(map(Path, sources)):
        qrcodes.qr_runs.cache_clear()
        finishing.qr_rects.cache_clear()
        weasyprint_internals.SUBSETS.clear()
        finishing.DEFLATED.clear()
        weasyprint_internals.SVG_DRAWINGS.clear()
        fiche = validate(load_fiche(source))
        Path(out, f"{index}.pdf").write_bytes(Renderer().pdf(fiche, source.parent))
    """
)


def fresh(mode: str, out: Path, sources: list[Path]) -> list[bytes]:
    subprocess.run(
        [sys.executable, "-c", FRESH, mode, str(out), *map(str, sources)],
        check=True,
        cwd=ROOT,
    )
    return [(out / f"{index}.pdf").read_bytes() for index in range(len(sources))]


def pages(pdf: bytes) -> list[bytes]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.render(scale=100 / 72).to_pil().tobytes() for page in document]
    finally:
        document.close()


@given(data=st.lists(fiches, min_size=3, max_size=3))
@pytest.mark.slow
@settings(
    max_examples=2,  # the first draw is the simplest fiches, the second is not
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.generate],  # no shrinking: each draw makes 16 PDFs
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_warm_process_makes_the_pdf_a_fresh_one_makes(renderer, tmp_path_factory, data):
    """The seed and three random fiches, each made twice by this process's warm renderer,
    the second time after all the others, against a fresh process for each path."""
    folder = tmp_path_factory.mktemp("fiches")
    sources = [SEED_YAML]
    for index, fiche in enumerate(data):
        path = folder / f"fiche-{index}.yaml"
        with path.open("w", encoding="utf-8") as handle:
            YAML().dump(fiche, handle)
        sources.append(path)
    models = [validate(load_fiche(path)) for path in sources]
    warm = [renderer.pdf(fiche, path.parent) for fiche, path in zip(models, sources, strict=True)]
    again = [renderer.pdf(fiche, path.parent) for fiche, path in zip(models, sources, strict=True)]

    cold = fresh("fast", tmp_path_factory.mktemp("fast"), sources)
    plain = fresh("plain", tmp_path_factory.mktemp("plain"), sources)

    for index, source in enumerate(sources):
        assert warm[index] == cold[index] == again[index], f"{source.name}: not the same PDF"
        assert pages(plain[index]) == pages(cold[index]), f"{source.name}: pages differ"


LIBRARIES = textwrap.dedent(
    """
    import sys
    if sys.argv[1] == "fast":
        import fichemetier  # installs the soname lookup
    import weasyprint.text.ffi
    names = ("pango", "harfbuzz", "fontconfig", "gobject")
    print(sorted({line.split()[-1] for line in open("/proc/self/maps")
                  if any(name in line for name in names)}))
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the soname lookup is Linux's")
def test_weasyprint_loads_the_same_libraries_by_soname():
    def loaded(mode: str) -> str:
        run = subprocess.run(
            [sys.executable, "-c", LIBRARIES, mode], capture_output=True, text=True, check=True
        )
        return run.stdout

    fast = loaded("fast")
    assert "libpango-1.0.so" in fast and "libharfbuzz" in fast
    assert fast == loaded("slow")


#: Text that takes each branch of WeasyPrint's glyph loop: kerning, letter and word
#: spacing, justification, accents as combining marks (offsets), right-to-left scripts
#: with their marks, emoji, zero-width and unknown characters, several sizes and fonts;
#: and what goes to WeasyPrint's own loop: an ellipsis.
GLYPHS = """<html lang="fr"><style>
body { font-family: "Fiche Inter", "Fiche Arabic", "Fiche Hebrew", "Fiche Emoji";
       font-size: 10pt; width: 60mm }
.espace { letter-spacing: 0.12em; word-spacing: 3pt }
.justifie { text-align: justify }
.coupe { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; width: 20mm }
</style>
<p>AVATAR Wave « Tôt » — Ça va, l’œuvre ? 1/2 ⅓ 10 % 3 000 €</p>
<p class="espace">Développeur <b>back end</b> <i>et</i> <b><i>front</i></b></p>
<p class="justifie">Il écrit le code des serveurs, des bases de données et des interfaces
de programmation qui font tourner les sites et les applications mobiles.</p>
<p>Accents composés : e\u0301te\u0301, a\u0300 l\u2019e\u0302tre, n\u0303</p>
<p dir="rtl">مطوِّر برمجيّات — מְפַתֵּחַ תּוֹכנָה</p>
<p>Emoji 😀 🚀 ✅, zéro\u200blargeur, inconnu \ue000 \U000f0000</p>
<p style="font-size: 7pt">petit</p><h1 style="font-size: 24pt; font-weight: 800">Grand</h1>
<p class="coupe">Un texte bien trop long pour sa boîte</p>
</html>"""


def test_the_fast_glyph_loop_writes_the_bytes_weasyprint_writes():
    """The glyph loop (weasyprint_internals._draw_first_line) against WeasyPrint's own,
    on the same text: the same PDF bytes, so the same pixels and the same text."""
    from weasyprint import CSS, HTML
    from weasyprint.draw import text
    from weasyprint.text.fonts import FontConfiguration

    from fichemetier.paths import STYLES
    from fichemetier.render import Renderer  # installs the fast loop

    assert getattr(text.draw_first_line, "_fichemetier", False)
    fast, slow = text.draw_first_line, text.draw_first_line.__wrapped__
    assert Renderer  # imported for its effect
    fonts = FontConfiguration()
    sheet = CSS(filename=STYLES / "fonts.css", font_config=fonts)

    def written(loop) -> bytes:
        document = HTML(string=GLYPHS, base_url=STYLES.as_uri() + "/").render(
            stylesheets=[sheet], font_config=fonts, pdf_tags=True
        )
        text.draw_first_line = loop
        try:
            return document.write_pdf(pdf_tags=True, uncompressed_pdf=True)
        finally:
            text.draw_first_line = fast

    pdf = written(fast)
    assert pdf == written(slow)
    assert pdf.count(b"TJ") > 20  # the text is drawn, most of it by the fast loop


#: SVG drawings: plain paths and strokes (kept and replayed), the same badge drawn twice,
#: and what is drawn as WeasyPrint does: opacity (a group), text, a gradient, a link.
SVGS = """<html lang="fr"><style>
body { font-family: "Fiche Inter"; font-size: 10pt }
.badge { width: 40mm; height: 8mm; background: url(suite/bac-2.svg) no-repeat; }
</style>
<div class="badge"></div><div class="badge"></div>
<svg width="40mm" height="20mm" viewBox="0 0 40 20">
  <rect x="1" y="1" width="38" height="18" rx="3" fill="#0d4c6b" stroke="#ffaa00"
        stroke-width="0.5" stroke-dasharray="2 1"/>
  <path d="M2 10 Q 10 2 20 10 T 38 10" fill="none" stroke="#333" stroke-linecap="round"/>
  <circle cx="20" cy="10" r="4" fill="#e33" transform="rotate(15 20 10)"/>
</svg>
<svg width="20mm" height="10mm"><rect width="10" height="10" fill="red" opacity="0.5"/></svg>
<svg width="30mm" height="10mm"><text x="2" y="12">Texte</text></svg>
<svg width="20mm" height="10mm"><defs><linearGradient id="g"><stop offset="0" stop-color="red"/>
<stop offset="1" stop-color="blue"/></linearGradient></defs>
<rect width="20" height="10" fill="url(#g)"/></svg>
</html>"""


def test_a_replayed_svg_writes_the_bytes_weasyprint_writes():
    """SVG drawings recorded and replayed (weasyprint_internals._svg_replayed) against
    WeasyPrint's own drawing: the same PDF bytes, the first time (recorded) and after
    (replayed); only the plain drawings are kept."""
    from weasyprint import CSS, HTML, images
    from weasyprint.text.fonts import FontConfiguration

    from fichemetier import weasyprint_internals
    from fichemetier.paths import STYLES
    from fichemetier.render import Renderer  # installs the replay (also run alone)

    assert Renderer  # imported for its effect
    replaying = images.SVGImage.draw
    assert getattr(replaying, "_fichemetier", False)
    fonts = FontConfiguration()
    sheet = CSS(filename=STYLES / "fonts.css", font_config=fonts)

    def written(draw) -> bytes:
        document = HTML(string=SVGS, base_url=STYLES.as_uri() + "/").render(
            stylesheets=[sheet], font_config=fonts
        )
        images.SVGImage.draw = draw
        try:
            return document.write_pdf(uncompressed_pdf=True)
        finally:
            images.SVGImage.draw = replaying

    weasyprint_internals.SVG_DRAWINGS.clear()
    recorded = written(replaying)
    assert len(weasyprint_internals.SVG_DRAWINGS) == 2  # the badge, the plain drawing
    replayed = written(replaying)
    assert recorded == replayed == written(replaying.__wrapped__)


#: Each job in a fresh Renderer, with nothing cached (as FRESH): format, print, pdfa,
#: livret, edition file ("" for none).
FRESH_OPTIONS = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from fichemetier import finishing, qrcodes, weasyprint_internals
    from fichemetier.edition import load_edition
    from fichemetier.load import load_fiche
    from fichemetier.model import validate
    from fichemetier.options import RenderOptions
    from fichemetier.render import Renderer

    out, *jobs = sys.argv[1:]
    for index, job in enumerate(jobs):
        source, size, press, pdfa, livret, edition = job.split("|")
        qrcodes.qr_runs.cache_clear()
        finishing.qr_rects.cache_clear()
        weasyprint_internals.SUBSETS.clear()
        finishing.DEFLATED.clear()
        weasyprint_internals.SVG_DRAWINGS.clear()
        options = RenderOptions(
            format=size, print=press == "1", pdfa=pdfa == "1", livret=livret == "1",
            edition=load_edition(Path(edition)) if edition else None,
        )
        fiche = validate(load_fiche(Path(source)))
        pdf = Renderer().pdf(fiche, Path(source).parent, options)
        Path(out, f"{index}.pdf").write_bytes(pdf)
    """
)


@pytest.mark.slow
def test_a_warm_process_going_through_the_options_makes_what_a_fresh_one_makes(renderer, tmp_path):
    """The studio's and a long run's sequence in one process: an edition's colours then
    none, then another's, A4, A5, print, PDF/A, a booklet, then the fiche edited by one
    character; each PDF is the one a fresh Renderer with nothing cached makes (fails with
    a sheet set kept without its edition's colours in its key, or a font subset without
    its glyphs)."""
    from fichemetier.edition import load_edition
    from fichemetier.options import RenderOptions

    edited = tmp_path / "edite.yaml"
    edited.write_text(
        SEED_YAML.read_text(encoding="utf-8").replace(
            "Développeur back end", "Développeur back ent", 1
        ),
        encoding="utf-8",
    )
    other = tmp_path / "autre.yaml"  # another edition: other colours, no logo
    other.write_text('titre: Autre salon\ncouleurs:\n  accent: "#1d6b2f"\n', encoding="utf-8")
    edition = str(ROOT / "editions" / "exemple.yaml")
    seed = str(SEED_YAML)
    jobs = [
        f"{seed}|a4|0|0|0|{edition}",
        f"{seed}|a4|0|0|0|",
        f"{seed}|a4|0|0|0|{other}",
        f"{seed}|a5|0|0|0|{edition}",
        f"{seed}|a4|1|0|0|",
        f"{seed}|a4|0|1|0|{edition}",
        f"{seed}|a5|0|0|1|",
        f"{seed}|a5|1|0|0|{edition}",
        f"{edited}|a4|0|0|0|",
    ]
    warm = []
    for job in jobs:
        source, size, press, pdfa, livret, edition_file = job.split("|")
        options = RenderOptions(
            format=size,
            print=press == "1",
            pdfa=pdfa == "1",
            livret=livret == "1",
            edition=load_edition(Path(edition_file)) if edition_file else None,
        )
        fiche = validate(load_fiche(Path(source)))
        warm.append(renderer.pdf(fiche, Path(source).parent, options))
    subprocess.run(
        [sys.executable, "-c", FRESH_OPTIONS, str(tmp_path), *jobs], check=True, cwd=ROOT
    )
    for index, job in enumerate(jobs):
        assert warm[index] == (tmp_path / f"{index}.pdf").read_bytes(), f"{job}: not the same PDF"


def test_the_svg_drawings_kept_stay_small(tmp_path):
    """An edition's logo may be a 5 MB SVG of ~140 000 path segments (logos.py accepts
    it): its recorded drawing took ~75 MB, kept with its text as the key, for each size
    it is drawn at. What the replay cache holds stays a few MB (a badge is ~200 calls)."""
    from weasyprint import HTML

    from fichemetier import weasyprint_internals
    from fichemetier.render import Renderer  # installs the replay

    assert Renderer  # imported for its effect
    segments = " ".join(f"c {i % 7},{i % 5} {i % 3},{i % 11} {i % 13},1" for i in range(30_000))
    wordy = "<desc>" + "un logo très bien décrit " * 80_000 + "</desc>"  # 2 MB of text
    html = f"""<html><body>
    <svg width="40mm" height="40mm" viewBox="0 0 99 99"><path d="M1 1 {segments}"/></svg>
    <svg width="20mm" height="20mm">{wordy}<rect width="9" height="9" fill="red"/></svg>
    </body></html>"""
    weasyprint_internals.SVG_DRAWINGS.clear()
    HTML(string=html).write_pdf(tmp_path / "logos.pdf")
    held = sum(
        len(key[0]) + 400 * len(calls)  # ~400 bytes a call: its name, numbers, kwargs
        for key, calls in weasyprint_internals.SVG_DRAWINGS.items()
    )
    kept = len(weasyprint_internals.SVG_DRAWINGS)
    weasyprint_internals.SVG_DRAWINGS.clear()
    assert kept  # the small drawing is kept
    assert held < 8 * 2**20, f"{held / 2**20:.0f} MB"
