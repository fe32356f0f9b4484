"""Fiches métier: YAML fiches → validated models → French typography → HTML/CSS → PDF.

One module per step: `load` (YAML with line numbers), `textcheck` (what any text may
hold: printable characters, bounded sizes), `model` (pydantic validation),
`typography` and `markup` (French print rules, inline markdown), `render` (Jinja2 +
WeasyPrint), `write` (atomic files); around them `batch` (worker processes), `cache`
(incremental builds), `report` (progress), `cli` (the `generate.py` command), and
`inspect_pdf` (the accessibility report of a PDF).
"""

__version__ = "0.1.0"
