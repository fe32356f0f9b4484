"""The bundled fonts given to fontconfig where they are, not copied (WeasyPrint 70).

For each @font-face, WeasyPrint 70's `FontConfiguration.add_font_face` reads the font,
writes a copy of it in a temporary folder of its own (one a process: 2.6 MB for
styles/fonts.css, removed by the configuration's `__del__` when Python collects it), then
gives fontconfig that copy and a few rules naming its path (the family, the weight, the
style...). Ours are files of the project already: `BundledFonts` gives fontconfig those
very files (styles/fonts), with the very rules WeasyPrint writes (`rules`, a copy of its
XML, the path aside), so the same faces are chosen and the PDF is the same, byte for byte
(tests/test_fontfaces.py). Nothing is copied, and no folder is left for a finaliser to
remove: generate.py ends without Python's last collection (~80 ms) and leaves nothing
behind. Any other source (several of them, `local()`, a woff, a file elsewhere) and any
other WeasyPrint than 70 take WeasyPrint's own way.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname
from xml.etree.ElementTree import Element, SubElement, tostring

import weasyprint
from weasyprint.text.constants import FONTCONFIG_STRETCH, FONTCONFIG_STYLE, FONTCONFIG_WEIGHT
from weasyprint.text.ffi import ffi, fontconfig, pangoft2
from weasyprint.text.fonts import PREFERRED_ENCODING, FontConfiguration, font_features

from .paths import STYLES

#: The only folder whose fonts are registered in place.
BUNDLED = STYLES / "fonts"
#: The WeasyPrint whose `add_font_face` `rules` copies (re-check it at an upgrade).
WEASYPRINT_MAJOR = "70"


class BundledFonts(FontConfiguration):
    """WeasyPrint's font configuration, the bundled fonts registered in place."""

    def __init__(self, folder: Path = BUNDLED):
        super().__init__()
        self._bundled = folder.resolve()
        self._added: set[str] = set()  # WeasyPrint's check: a copy for these descriptors

    def add_font_face(self, rule_descriptors, url_fetcher):
        """Register a bundled font where it is; any other @font-face as WeasyPrint does."""
        path = self.bundled_file(rule_descriptors)
        if path is None:
            return super().add_font_face(rule_descriptors, url_fetcher)
        key = str(rule_descriptors)
        if key in self._added:
            return None
        fontconfig.FcConfigParseAndLoadFromMemory(self._config, rules(rule_descriptors, path), True)
        if not fontconfig.FcConfigAppFontAddFile(
            self._config, path.as_posix().encode(PREFERRED_ENCODING)
        ):
            return super().add_font_face(rule_descriptors, url_fetcher)  # it says why
        self._added.add(key)
        return pangoft2.pango_fc_font_map_config_changed(
            ffi.cast("PangoFcFontMap *", self.font_map)
        )

    def bundled_file(self, rule_descriptors) -> Path | None:
        """The bundled font file that is the rule's one source, or None."""
        sources: list[tuple[str, str | None]] = list(rule_descriptors.get("src") or ())
        if not weasyprint.__version__.startswith(WEASYPRINT_MAJOR + ".") or len(sources) != 1:
            return None
        font_type, url = sources[0]
        parts = urlsplit(url or "")
        local = parts.scheme == "file" and parts.netloc in ("", "localhost")
        if font_type != "external" or not local:
            return None
        try:  # the file our fetcher (render.LocalOnlyFetcher) would read: links resolved
            path = Path(url2pathname(parts.path)).resolve(strict=True)
            if not path.is_file() or not path.is_relative_to(self._bundled):
                return None
            with path.open("rb") as font:
                woff = font.read(3) == b"wOF"  # WeasyPrint decompresses these first
        except (OSError, RuntimeError, ValueError):
            return None
        return None if woff else path


def rules(rule_descriptors, path: Path) -> bytes:
    """The fontconfig rules WeasyPrint 70's `add_font_face` writes for a font at `path`
    (its code, as it is: `mode`, the descriptors read, the XML written)."""
    mode = "assign_replace"
    root = Element("fontconfig")
    match = SubElement(root, "match", target="scan")
    test = SubElement(match, "test", name="file", compare="eq")
    SubElement(test, "string").text = path.as_posix()
    edit = SubElement(match, "edit", name="family", mode="prepend")
    SubElement(edit, "string").text = rule_descriptors["font_family"]
    if "font_style" in rule_descriptors:
        edit = SubElement(match, "edit", name="slant", mode=mode)
        SubElement(edit, "const").text = FONTCONFIG_STYLE[rule_descriptors["font_style"]]
    if "font_weight" in rule_descriptors:
        edit = SubElement(match, "edit", name="weight", mode=mode)
        integer = FONTCONFIG_WEIGHT[rule_descriptors["font_weight"]]
        SubElement(edit, "int").text = str(integer)
    if "font_stretch" in rule_descriptors:
        edit = SubElement(match, "edit", name="width", mode=mode)
        SubElement(edit, "const").text = FONTCONFIG_STRETCH[rule_descriptors["font_stretch"]]
    match = SubElement(root, "match", target="font")
    test = SubElement(match, "test", name="file", compare="eq")
    SubElement(test, "string").text = path.as_posix()
    descriptors = {
        rules[0][0].replace("-", "_"): rules[0][1]
        for rules in rule_descriptors.get("font_variant", [])
    }
    settings = rule_descriptors.get("font_feature_settings", "normal")
    features = font_features(font_feature_settings=settings, **descriptors)
    if features:
        edit = SubElement(match, "edit", name="fontfeatures", mode=mode)
        for key, value in features.items():
            SubElement(edit, "string").text = f"{key} {value}"
    if unicode_ranges := rule_descriptors.get("unicode_range"):
        edit = SubElement(match, "edit", name="charset", mode=mode)
        plus = SubElement(edit, "plus")
        for unicode_range in unicode_ranges:
            charset = SubElement(plus, "charset")
            range_ = SubElement(charset, "range")
            for value in (unicode_range.start, unicode_range.end):
                SubElement(range_, "int").text = f"0x{value:x}"
    header = (
        b'<?xml version="1.0"?>',
        b'<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
    )
    return b"\n".join((*header, tostring(root, encoding="utf-8")))
