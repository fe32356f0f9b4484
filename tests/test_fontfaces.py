"""The bundled fonts registered in place (fontfaces.py): fontconfig gets the rules
WeasyPrint writes for its copies, the PDF is the very one WeasyPrint's copies give, and no
temporary folder is made, so that generate.py, which ends without Python's last
collection, leaves nothing behind."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import pytest
from weasyprint import CSS
from weasyprint.text import fonts as weasyprint_fonts
from weasyprint.text.fonts import FontConfiguration

from fichemetier import fontfaces, render
from fichemetier.fontfaces import BUNDLED, BundledFonts
from fichemetier.load import load_fiche
from fichemetier.model import validate
from fichemetier.paths import STYLES

from .conftest import ROOT, SEED_YAML
from .test_scripts import FICHE as SCRIPTS_FICHE

#: Every descriptor WeasyPrint turns into a rule, on two bundled files.
FACES = """
@font-face { font-family: "Essai"; src: url(fonts/Inter-Bold.otf); font-weight: 700;
  font-style: italic; font-stretch: condensed; font-feature-settings: "tnum", "ss01" 2;
  font-variant: small-caps; unicode-range: U+0041-005A, U+00E9; }
@font-face { font-family: "Essai 2"; src: url(fonts/NotoSansHebrew-Regular.ttf); }
"""


class Recorder:
    """fontconfig as WeasyPrint's module sees it, noting the rules and files it is given."""

    def __init__(self, library):
        self._library = library
        self.rules: list[bytes] = []
        self.files: list[bytes] = []

    def __getattr__(self, name):
        return getattr(self._library, name)

    def FcConfigParseAndLoadFromMemory(self, config, xml, complain):  # noqa: N802
        self.rules.append(bytes(xml))
        return self._library.FcConfigParseAndLoadFromMemory(config, xml, complain)

    def FcConfigAppFontAddFile(self, config, path):  # noqa: N802
        self.files.append(bytes(path))
        return self._library.FcConfigAppFontAddFile(config, path)


def registered(configuration, module, monkeypatch, css: str):
    """The rules and files `configuration` gives fontconfig for the @font-face of `css`
    (`module`: where that configuration's code reads `fontconfig`)."""
    recorder = Recorder(module.fontconfig)
    monkeypatch.setattr(module, "fontconfig", recorder)
    CSS(string=css, base_url=(STYLES / "fonts.css").as_uri(), font_config=configuration)
    monkeypatch.undo()
    return recorder


@pytest.mark.parametrize("css", [FACES, (STYLES / "fonts.css").read_text(encoding="utf-8")])
def test_the_rules_are_those_weasyprint_writes_for_its_copies(monkeypatch, css):
    stock = FontConfiguration()
    theirs = registered(stock, weasyprint_fonts, monkeypatch, css)
    ours = registered(BundledFonts(), fontfaces, monkeypatch, css)
    copies = [path.decode() for path in theirs.files]
    originals = [path.decode() for path in ours.files]
    assert originals and all(path.startswith(str(BUNDLED.resolve())) for path in originals)
    assert len(copies) == len(originals) and not set(copies) & set(originals)
    expected = theirs.rules
    for copy, original in zip(copies, originals, strict=True):
        expected = [xml.replace(copy.encode(), original.encode()) for xml in expected]
    assert ours.rules == expected
    assert b"fontfeatures" in b"".join(ours.rules) or css != FACES


def test_other_sources_take_weasyprints_way(tmp_path):
    fonts = BundledFonts()
    url = (BUNDLED / "Inter-Regular.otf").as_uri()
    woff = tmp_path / "police.otf"
    woff.write_bytes(b"wOF2" + (BUNDLED / "Inter-Regular.otf").read_bytes())
    elsewhere = (STYLES / "theme.css").as_uri()
    assert fonts.bundled_file({"src": [("external", url)]}) == BUNDLED / "Inter-Regular.otf"
    for src in (
        [("local", "Inter")],
        [("external", url), ("external", url)],
        [("external", elsewhere)],
        [("external", woff.as_uri())],
        [("external", "https://example.org/Inter-Regular.otf")],
        [("external", None)],
    ):
        assert fonts.bundled_file({"src": src}) is None, src
    assert BundledFonts(tmp_path).bundled_file({"src": [("external", woff.as_uri())]}) is None


def test_the_pdf_is_the_one_of_weasyprints_copies(monkeypatch, tmp_path):
    (tmp_path / "fiche.yaml").write_text(SCRIPTS_FICHE, encoding="utf-8")
    fiches = [validate(load_fiche(path)) for path in (SEED_YAML, tmp_path / "fiche.yaml")]
    folders = [SEED_YAML.parent, tmp_path]
    ours = [render.Renderer().pdf(f, folder) for f, folder in zip(fiches, folders, strict=True)]
    monkeypatch.setattr(render, "BundledFonts", FontConfiguration)
    stock = render.Renderer()
    assert type(stock.fonts) is FontConfiguration
    assert ours == [stock.pdf(f, folder) for f, folder in zip(fiches, folders, strict=True)]


def test_no_temporary_folder_is_made(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    css = (STYLES / "fonts.css").read_text(encoding="utf-8")
    configurations = [FontConfiguration(), BundledFonts()]
    made = []
    for configuration in configurations:
        before = set(tmp_path.iterdir())
        CSS(string=css, base_url=(STYLES / "fonts.css").as_uri(), font_config=configuration)
        made.append(set(tmp_path.iterdir()) - before)
    assert made[0] and not made[1]  # WeasyPrint's copies, and none of ours


def test_generate_leaves_nothing_in_the_temporary_folder(tmp_path):
    """generate.py skips the collection at exit: no finaliser is left to clean up."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    environment = {**os.environ, "TMPDIR": str(temporary)}
    command = [sys.executable, str(ROOT / "generate.py"), "-q", "--force", str(SEED_YAML)]
    done = subprocess.run(
        [*command, "--out", str(tmp_path / "out")],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert list((tmp_path / "out").glob("*.pdf"))
    assert not list(temporary.iterdir())
