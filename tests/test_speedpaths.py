"""The speed paths change no page: a fiche made by a warm process (stylesheets, fonts,
QR codes and the HTML parser's regexes cached, after other fiches) is the very PDF a fresh
process makes of it first; and the pages are the pixels WeasyPrint's own path gives
(compressed by WeasyPrint, its font-features cache, tinyhtml5's regex cache and its
columns layout as shipped).
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

#: Run in a fresh process: each fiche with a new Renderer and no QR code cached. With
#: "plain", WeasyPrint's own path: it compresses the PDF, and our fixes are undone (the
#: columns laid out by WeasyPrint's own `columns_layout`, measure first).
FRESH = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    import pikepdf
    import tinyhtml5.inputstream
    from weasyprint import Document
    from weasyprint.layout import block, inline
    from weasyprint.text import line_break

    from fichemetier import finishing, qrcodes
    from fichemetier.load import load_fiche
    from fichemetier.model import validate
    from fichemetier.render import Renderer

    mode, out, *sources = sys.argv[1:]
    if mode == "plain":
        line_break.Layout.setup = line_break.Layout.setup.__wrapped__
        block.columns_layout = block.columns_layout.__wrapped__
        inline.handle_leader = inline.handle_leader.__wrapped__
        tinyhtml5.inputstream.characters_until_regex = {}
        write_pdf = Document.write_pdf
        Document.write_pdf = lambda self, *a, uncompressed_pdf=False, **k: write_pdf(
            self, *a, **k
        )
        finishing.OBJECT_STREAMS = pikepdf.ObjectStreamMode.preserve
    for index, source in enumerate(map(Path, sources)):
        qrcodes.qr_runs.cache_clear()
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
