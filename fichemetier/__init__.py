"""Fiches métier: YAML fiches → validated models → French typography → HTML/CSS → PDF.

One module per step: `load` (YAML with line numbers), `textcheck` (what any text may
hold: printable characters, bounded sizes) and `linkcheck` (what a link may be),
`inline` (inline markdown parsed once into segments), `model` (pydantic validation),
`typography` and `markup` (French print rules, segments to HTML), `qrcodes` (links on
paper), `render` (Jinja2 + WeasyPrint layout), `preflight` (page budget, overflows, photo
resolution, read from the layout), `finishing` (QR codes and crop marks drawn on the
PDF), `write` (atomic files); around them `options` (format, print, PDF/A),
`catalogue` (which fiches, in French order), `batch` (worker processes), `cache`
(incremental builds), `report` (progress), `cli` (the `generate.py` command) with
`arguments` (its French argparse) and `stopping` (signals, a closed pipe), `pause` (a
hook for the signal tests), and `inspect_pdf` (the accessibility report of a PDF).
"""

__version__ = "0.1.0"
