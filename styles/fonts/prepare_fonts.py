"""Rebuild the bundled fonts, reproducibly, from packaged sources.

Inter (the text) comes from Debian's `fonts-inter` package (Inter 4.0 beta 7). Inter ships
~2,500 glyphs; the fiches need Latin (with Vietnamese and the combining accents), Greek,
Cyrillic, punctuation, currency and a few symbols. Smaller files make WeasyPrint's per-PDF
font subsetting faster (measured: ~150 → ~145 ms for the seed fiche) and keep the
repository light.

The fallbacks, for what Inter lacks, so that an Arabic or Hebrew name or an emoji prints
instead of vanishing or taking whatever font the machine has:
- Noto Sans Arabic and Noto Sans Hebrew, regular and bold, from Debian's `fonts-noto-core`
  (2020-12-25), cut to their scripts;
- Noto Emoji 3.006 (monochrome outlines: colour emoji are bitmaps that a PDF would carry
  as images, without text), from the `@fontsource/noto-emoji` 5.3.2 npm package, whose
  "emoji" subset is the whole emoji repertoire:
  `npm pack @fontsource/noto-emoji@5.3.2 && tar xzf fontsource-noto-emoji-5.3.2.tgz`.

All OpenType features are kept (kerning, ligatures, Arabic joining, emoji sequences). The
results are Modified Versions under the SIL Open Font License (OFL.txt for Inter,
OFL-Noto.txt for Noto).

    apt-get install fonts-inter fonts-noto-core
    .venv/bin/python styles/fonts/prepare_fonts.py [path/to/package/files]
"""

import sys
from pathlib import Path

from fontTools import subset

HERE = Path(__file__).resolve().parent
INTER = Path("/usr/share/fonts/opentype/inter")
NOTO = Path("/usr/share/fonts/truetype/noto")
INTER_FACES = ("Regular", "Italic", "Bold", "BoldItalic", "ExtraBold")
INTER_UNICODES = (
    "U+0000-024F,U+0300-036F,U+0370-03FF,U+0400-04FF,U+1E00-1EFF,"  # Latin, Greek, Cyrillic
    "U+2000-206F,U+2070-20CF,U+2100-214F,U+2190-21FF,U+2200-22FF,U+25A0-25FF,"  # symbols
    "U+FEFF,U+FFFD"
)
#: The spaces and punctuation a run of the script may hold, so that it stays in one font.
COMMON = "U+0020-0040,U+005B-0060,U+007B-007E,U+00A0-00BF,U+2000-206F"
FALLBACKS = {
    # file in the source folder → (bundled file, code points kept)
    "NotoSansArabic-Regular.ttf": (
        "NotoSansArabic-Regular.ttf",
        f"{COMMON},U+0600-06FF,U+0750-077F,U+0870-08FF,U+FB50-FDFF,U+FE70-FEFF",
    ),
    "NotoSansArabic-Bold.ttf": (
        "NotoSansArabic-Bold.ttf",
        f"{COMMON},U+0600-06FF,U+0750-077F,U+0870-08FF,U+FB50-FDFF,U+FE70-FEFF",
    ),
    "NotoSansHebrew-Regular.ttf": (
        "NotoSansHebrew-Regular.ttf",
        f"{COMMON},U+0590-05FF,U+FB1D-FB4F",
    ),
    "NotoSansHebrew-Bold.ttf": ("NotoSansHebrew-Bold.ttf", f"{COMMON},U+0590-05FF,U+FB1D-FB4F"),
}
EMOJI_SOURCE = "noto-emoji-emoji-400-normal.woff"


def main() -> None:
    for face in INTER_FACES:
        build(INTER / f"Inter-{face}.otf", HERE / f"Inter-{face}.otf", INTER_UNICODES)
    for source, (target, unicodes) in FALLBACKS.items():
        build(NOTO / source, HERE / target, unicodes)
    if len(sys.argv) > 1:  # the fontsource package's files/ folder
        build(Path(sys.argv[1]) / EMOJI_SOURCE, HERE / "NotoEmoji-Regular.ttf", "*")


def build(source: Path, target: Path, unicodes: str) -> None:
    subset.main(
        [
            str(source),
            f"--unicodes={unicodes}",
            "--layout-features=*",
            "--name-IDs=*",
            "--name-languages=*",
            "--notdef-outline",
            "--glyph-names",
            "--flavor=",  # WOFF in, plain TrueType out
            f"--output-file={target}",
        ]
    )
    print(f"{target.name}: {target.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
