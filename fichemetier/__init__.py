"""Fiches métier: YAML fiches → validated models → French typography → HTML/CSS → PDF.

One module per step, in the order a fiche goes through them:
- read and check: `load` (YAML with line numbers, cost bounds), `textcheck` and
  `linkcheck` (what any text and any link may be), `inline` (inline markdown parsed once
  into segments), `photos` (one strict decoder for photos), `model` (pydantic validation,
  located French messages), `edition` with `logos` and `contrast` (an event's brand:
  its file checked like a fiche, logos embedded safely, colours kept readable);
- typeset and lay out: `typography` (French print rules), `markup` (segments to HTML),
  `qrcodes` with `qrmask` (links on paper; segno's mask chosen faster), `echelle` (the
  salary scale's geometry), `options` (the formats and variants), `render` (Jinja2 +
  WeasyPrint; with `cssvars`, the theme's custom properties written in once, and
  `precompiled`, the templates' code kept), `preflight` (page budget, overflows, photo
  resolution, read from the layout), `weasyprint_internals` (every use
  of WeasyPrint's internals, audited at each upgrade), `tagging` (what the layout knows
  and the tags lose);
- finish and write: `finishing` (QR codes, crop marks, with `structure`: the tags
  repaired for PDF/UA, and `pdfx`: a print file's PDF/X-4 identity), `livret` (A5 pages
  imposed on A4 sheets, for an office printer), `write` (atomic files);
- run: `pipeline` (one fiche: check, produce, make), `batch` (worker processes),
  `binding`, `assembly` and `catalogue` (the catalogue), `cache` (incremental builds), `build` (a
  whole run and its ending), `sources` and `outputs` (which files are fiches, where PDFs
  go), `report` (progress), `stopping` (signals), `pause` (a hook for the signal tests);
- faces: `cli` (the `generate.py` command) with `arguments` (French argparse), `studio`
  (the browser editor), `schema` and `starter` (help for text editors), and
  `inspect_pdf` (the accessibility report of a PDF);
- a fresh process's start: `libraries` (WeasyPrint's libraries found by soname, what is not
  needed imported when used), `declarations` and `hyphenation` (cffi's declarations and
  pyphen's patterns kept in `__pycache__`, through `pycache`), `fontfaces` (the bundled
  fonts given to fontconfig in place), `collector` (the garbage collector set for rendering).
"""

__version__ = "0.1.0"

from .libraries import install as _quick_libraries  # noqa: E402

_quick_libraries()  # before any module imports WeasyPrint: see libraries.py
