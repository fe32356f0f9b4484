"""The JSON Schema of a fiche, generated from the model: text editors use it for
completion and inline errors (`generate.py --schema`), the studio builds its form from it.

Generated, never written by hand, so it cannot drift from what `model.validate` accepts;
`docs/fiche.schema.json` is a copy for editors, kept equal by a test.
"""

from __future__ import annotations

import json
from typing import Any

from .model import Fiche
from .paths import PROJECT

SCHEMA_FILE = PROJECT / "docs" / "fiche.schema.json"


def fiche_schema() -> dict[str, Any]:
    """The model's schema (unknown keys rejected: `additionalProperties: false`)."""
    schema = Fiche.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Fiche métier",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def schema_text() -> str:
    return json.dumps(fiche_schema(), ensure_ascii=False, indent=2) + "\n"
