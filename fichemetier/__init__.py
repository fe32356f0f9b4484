"""Fiches métier: YAML fiches → validated models → French typography → HTML/CSS → PDF.

One module per step: `load` (YAML with line numbers), `model` (pydantic validation),
`typography` and `markup` (French print rules, inline markdown), `render` (Jinja2 +
WeasyPrint), `write` (atomic files), `cli` (the `generate.py` command).
"""

__version__ = "0.1.0"
