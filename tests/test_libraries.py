"""libraries.py: WeasyPrint's modules load faster and work the same. The C types it names
are the ones cffi's own parsing gives; fontTools' subsetter and instancer are imported only
when used, and then are the real ones (the slow font path still makes the same pages)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from cffi.cparser import Parser

from fichemetier import libraries

from .conftest import ROOT

#: Types WeasyPrint 70 names (ffi.new, ffi.cast) and others of its cdef's kinds: typedefs
#: of integers, structs, enums, pointers to pointers, arrays, function pointers.
TYPES = (
    "PangoFcFontMap *",
    "FcChar8 **",
    "char[]",
    "PangoRectangle *",
    "PangoLogAttr[]",
    "unsigned int *",
    "hb_tag_t[100]",
    "char[4]",
    "hb_codepoint_t[42]",
    "hb_codepoint_t[1376]",
    "PangoLayout *",
    "PangoFontDescription **",
    "gboolean",
    "int (*)(int)",
    "double[2]",
    "PangoGlyphString *",
)


@pytest.fixture(scope="module")
def parsed_ffi():
    """An FFI of WeasyPrint's declarations as cffi parses them (the one WeasyPrint gets
    when no kept declarations serve, declarations.py), with the quick type parsing."""
    import cffi
    import weasyprint.text.ffi  # noqa: F401  (its declarations are seen)

    from fichemetier.declarations import SEEN

    ffi = cffi.FFI()
    ffi.cdef(SEEN[0])
    libraries.quick_types(ffi)
    return ffi


def test_the_types_are_those_cffi_parses_itself(parsed_ffi):
    parser = parsed_ffi._parser
    assert "parse_type_and_quals" in vars(parser), "the quick parsing is not installed"
    for cdecl in TYPES:
        assert parser.parse_type_and_quals(cdecl) == Parser.parse_type_and_quals(parser, cdecl)


def test_an_unknown_type_is_still_an_error(parsed_ffi):
    from cffi import CDefError

    with pytest.raises(CDefError):
        parsed_ffi.typeof("NoSuchType *")


LAZY = textwrap.dedent(
    """
    import sys
    import fichemetier.render  # imports WeasyPrint, as a run does
    from weasyprint.pdf import fonts

    print(sorted(set(sys.argv[1:]) & set(sys.modules)))
    import fontTools.subset
    assert fonts.subset.Subsetter is fontTools.subset.Subsetter
    try:
        fonts.instantiateVariableFont(None, {})
    except Exception:
        pass
    print(sorted(set(sys.argv[1:]) & set(sys.modules)))
    """
)


def test_fonttools_subsetter_and_instancer_load_when_used():
    names = list(libraries.LAZY_FONTTOOLS)
    run = subprocess.run(
        [sys.executable, "-c", LAZY, *names], capture_output=True, text=True, check=True
    )
    assert run.stdout.splitlines() == ["[]", str(sorted(names))]


PLUGINS = textwrap.dedent(
    """
    import sys
    import fichemetier.model  # builds our models, as a run does

    print("importlib.metadata" in sys.modules)
    from pydantic.plugin import _loader

    print(list(_loader.get_plugins()))
    """
)


@pytest.mark.parametrize("disabled", [True, False])
def test_pydantic_looks_plugins_up_only_when_not_told_there_are_none(disabled):
    """Told there are none (generate.py), pydantic never imports importlib.metadata;
    otherwise it looks them up there, as before (the stand-in imports it)."""
    environment = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if disabled:
        environment["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    run = subprocess.run(
        [sys.executable, "-c", PLUGINS],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    )
    assert run.stdout.splitlines() == [str(not disabled), "[]"]
    assert "PYDANTIC_DISABLE_PLUGINS" in (ROOT / "generate.py").read_text(encoding="utf-8")


SHEETS = textwrap.dedent(
    """
    import hashlib
    import sys

    if sys.argv[1] == "ours":
        import fichemetier.render  # noqa: F401  (its loaders installed, as in a run)
    from weasyprint import HTML, html

    TEXT = '''
    <html lang="fr"><head><meta name="dcterms.created" content="2020-01-01T00:00:00Z">
    <meta name="dcterms.modified" content="2020-01-01T00:00:00Z"><title>t</title></head>
    <body><p align="center">centré</p><table border="2" cellpadding="9"><tr>
    <td bgcolor="#ff0000">x</td></tr></table><hr size="7" noshade><form>
    <input type="text" name="a" value="abc"><textarea name="b">t</textarea></form></body>
    </html>'''
    sheets = (html.UA_STYLESHEET, html.UA_FORM_STYLESHEET, html.PH_STYLESHEET)
    print([type(sheet).__name__ for sheet in sheets])
    for hints in (False, True):
        pdf = HTML(string=TEXT).write_pdf(presentational_hints=hints, pdf_forms=hints)
        print(hashlib.sha256(pdf).hexdigest())
    print([type(sheet).__name__ for sheet in sheets])
    """
)


def test_the_forms_and_hints_sheets_are_parsed_when_used():
    """Not parsed at import (libraries.py, 6.); once used, the very pages WeasyPrint's own
    import gives, hints and forms on (and off)."""
    found = {
        how: subprocess.run(
            [sys.executable, "-c", SHEETS, how], capture_output=True, text=True, check=True
        ).stdout.splitlines()
        for how in ("ours", "plain")
    }
    lazy = "_SheetOnFirstUse"
    assert found["ours"][0] == str(["CSS", lazy, lazy])
    assert found["plain"][0] == str(["CSS", "CSS", "CSS"])
    assert found["ours"][1:3] == found["plain"][1:3]
    assert found["ours"][1] != found["ours"][2]  # the hints and forms show on the page
    assert found["ours"][3] == str(["CSS", "CSS", "CSS"])


TTLIB = textwrap.dedent(
    """
    import io
    import sys

    import fichemetier.render  # noqa: F401  (imports WeasyPrint, as a run does)
    from weasyprint import CSS
    from weasyprint.pdf import fonts
    from weasyprint.text import fonts as text_fonts
    from weasyprint.text.fonts import FontConfiguration

    print("fontTools.ttLib" in sys.modules)
    woff = sys.argv[1]
    face = "@font-face { font-family: W; src: url(%s) }" % woff
    CSS(string=face, font_config=FontConfiguration())  # a woff: decompressed by fontTools
    import fontTools.ttLib

    try:
        fonts.TTFont(io.BytesIO(b"not a font"))
    except fonts.TTLibError as error:  # the stand-in's class: the real one by now
        print(type(error) is fontTools.ttLib.TTLibError)
    print(fonts.TTLibError is fontTools.ttLib.TTLibError, fonts.TTFont is fontTools.ttLib.TTFont)
    print(text_fonts.woff2 is fontTools.ttLib.woff2)
    """
)


def test_fonttools_ttlib_loads_when_used(tmp_path):
    """Not imported by WeasyPrint's import (libraries.py, 4.); a woff font still decoded,
    and once imported, the names the modules took are fontTools' own."""
    from fontTools.ttLib import TTFont

    from .conftest import ROOT

    font = TTFont(ROOT / "styles" / "fonts" / "NotoSansHebrew-Regular.ttf")
    font.flavor = "woff2"
    font.save(tmp_path / "police.woff2")
    run = subprocess.run(
        [sys.executable, "-c", TTLIB, (tmp_path / "police.woff2").as_uri()],
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.splitlines() == ["False", "True", "True True", "True"]
    assert "cannot be loaded" not in run.stderr


SLOW_FONTS = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    import fichemetier.render
    from weasyprint.pdf import fonts

    from fichemetier.load import load_fiche
    from fichemetier.model import validate
    from fichemetier.render import Renderer

    if sys.argv[1] == "fonttools":
        fonts.harfbuzz_subset = None  # as without libharfbuzz-subset0
    source = Path(sys.argv[2])
    Path(sys.argv[3]).write_bytes(Renderer().pdf(validate(load_fiche(source)), source.parent))
    """
)


@pytest.mark.slow
def test_the_fonttools_path_still_makes_the_fiche(tmp_path):
    """Subset with fontTools through the stand-ins: the same text, in the same places."""
    import pdfplumber

    from .conftest import ROOT, SEED_YAML

    words = {}
    for path in ("fonttools", "harfbuzz"):
        pdf = tmp_path / f"{path}.pdf"
        subprocess.run(
            [sys.executable, "-c", SLOW_FONTS, path, str(SEED_YAML), str(pdf)],
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        with pdfplumber.open(pdf) as document:
            words[path] = [
                (w["text"], round(w["x0"], 1), round(w["top"], 1))
                for page in document.pages
                for w in page.extract_words()
            ]
    assert len(words["harfbuzz"]) > 500
    assert words["fonttools"] == words["harfbuzz"]
