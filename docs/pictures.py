"""Make the README's pictures of pages again, from the fiches as they render now.

    .venv/bin/python docs/pictures.py

Writes docs/page-1.png, docs/a5-leaflet.png, docs/livret.png, docs/catalogue.png,
docs/images/couverture-salon.png and docs/images/apres-*.png
(the seed and the short fiche tests/data/electricienne.yaml, A4 and A5, every page side by
side). The « avant » pictures are kept as they were taken before issue 14. Run it after a
change to the templates or the styles, and look at the pictures before committing them.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pypdfium2
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fichemetier.cli import main as cli  # noqa: E402
from fichemetier.load import load_fiche  # noqa: E402
from fichemetier.model import validate  # noqa: E402
from fichemetier.options import RenderOptions  # noqa: E402
from fichemetier.pipeline import Request, produce, renderer  # noqa: E402

DOCS = ROOT / "docs"
SEED = ROOT / "fiches" / "developpeur-back-end.yaml"
SHORT = ROOT / "tests" / "data" / "electricienne.yaml"
GAP, BACKGROUND = 16, "#d0d4d9"


def pages(pdf: bytes, dpi: float) -> list[Image.Image]:
    document = pypdfium2.PdfDocument(pdf)
    return [page.render(scale=dpi / 72).to_pil().convert("RGB") for page in document]


def side_by_side(images: list[Image.Image]) -> Image.Image:
    width = sum(image.width for image in images) + GAP * (len(images) - 1)
    sheet = Image.new("RGB", (width, max(image.height for image in images)), BACKGROUND)
    x = 0
    for image in images:
        sheet.paste(image, (x, 0))
        x += image.width + GAP
    return sheet


def save(image: Image.Image, path: Path) -> None:
    image.save(path, optimize=True)
    print(f"{path.relative_to(ROOT)} {image.width}×{image.height}")


def fiche_pdf(source: Path, options: RenderOptions) -> bytes:
    produced = produce(Request(validate(load_fiche(source)), source), options)
    assert produced.pdf is not None, produced.problems
    return produced.pdf


def main() -> None:
    render = renderer()
    seed = validate(load_fiche(SEED))
    a4 = render.pdf(seed, SEED.parent, RenderOptions())
    save(pages(a4, 60)[0], DOCS / "page-1.png")
    a5 = RenderOptions(format="a5")
    save(side_by_side(pages(render.pdf(seed, SEED.parent, a5), 60)), DOCS / "a5-leaflet.png")
    livret = fiche_pdf(SEED, RenderOptions(format="a5", livret=True))
    save(side_by_side(pages(livret, 52)), DOCS / "livret.png")
    with tempfile.TemporaryDirectory() as folder:
        catalogue = Path(folder, "catalogue.pdf")
        sources = [
            str(SEED),
            str(SHORT),
            str(ROOT / "tests" / "data" / "electricienne-longue.yaml"),
        ]
        assert cli([*sources, "--catalogue", str(catalogue), "-q"]) == 0
        save(side_by_side(pages(catalogue.read_bytes(), 40)[1:5]), DOCS / "catalogue.png")
        edition = ["--edition", str(ROOT / "editions" / "exemple.yaml")]
        assert cli([*sources, "--catalogue", str(catalogue), *edition, "-q"]) == 0
        save(pages(catalogue.read_bytes(), 70)[0], DOCS / "images" / "couverture-salon.png")
    for name, source in (("seed", SEED), ("courte", SHORT)):
        for format, dpi in (("a4", 70), ("a5", 70)):
            pdf = fiche_pdf(source, RenderOptions(format=format))
            save(side_by_side(pages(pdf, dpi)), DOCS / "images" / f"apres-{name}-{format}.png")


if __name__ == "__main__":
    main()
