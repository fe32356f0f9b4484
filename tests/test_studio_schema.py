"""`generate.py --schema` and `--nouvelle`: help for people who keep a text editor."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from pydantic import ValidationError

from fichemetier.load import load_fiche
from fichemetier.model import Fiche, validate
from fichemetier.schema import SCHEMA_FILE, fiche_schema, schema_text

from .conftest import ROOT

GENERATE = [sys.executable, str(ROOT / "generate.py")]


def test_schema_on_stdout_is_the_models():
    done = subprocess.run([*GENERATE, "--schema"], capture_output=True, text=True, check=True)
    schema = json.loads(done.stdout)
    assert schema["additionalProperties"] is False  # unknown keys rejected
    assert schema["properties"]["metier"]["title"] == "Métier"
    assert {k: v for k, v in schema.items() if k not in ("$schema", "title")} == {
        k: v for k, v in Fiche.model_json_schema().items() if k != "title"
    }


def test_schema_file_for_editors_is_up_to_date():
    """docs/fiche.schema.json is what editors load: regenerate it with
    `python generate.py --schema > docs/fiche.schema.json` after changing the model."""
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text()


def test_every_nested_model_forbids_unknown_keys():
    for name, definition in fiche_schema()["$defs"].items():
        assert definition["additionalProperties"] is False, name


def test_nouvelle_writes_a_starter_that_passes_check(tmp_path):
    folder = tmp_path / "fiches"
    folder.mkdir()
    done = subprocess.run(
        [*GENERATE, "--nouvelle", "Infirmier", str(folder)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    path = folder / "infirmier.yaml"
    text = path.read_text(encoding="utf-8")
    for name in [*Fiche.model_fields, "citation", "photo", "debutant", "etablissements"]:
        assert f"{name}:" in text, name  # every field is there, explained
    fiche = validate(load_fiche(path))
    assert fiche.metier == "Infirmier"
    check = subprocess.run([*GENERATE, "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_nouvelle_never_overwrites(tmp_path):
    path = tmp_path / "infirmier.yaml"
    path.write_text("metier: mon travail\n", encoding="utf-8")
    done = subprocess.run(
        [*GENERATE, "--nouvelle", "Infirmier", str(tmp_path)], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "existe déjà" in done.stderr
    assert path.read_text(encoding="utf-8") == "metier: mon travail\n"


@pytest.mark.parametrize(
    "metier",
    ["Aide-soignant(e)", "Chargé: de «com»", "Ébéniste", "42", "True", "Null", "2024-01-01"],
)
def test_starter_names_any_metier(tmp_path, metier):
    from fichemetier.starter import write_starter

    path = write_starter(metier, tmp_path)
    assert validate(load_fiche(path)).metier == metier


def test_starter_refuses_a_title_the_fiche_would_refuse(tmp_path):
    from fichemetier.errors import FicheError
    from fichemetier.starter import write_starter

    with pytest.raises(FicheError):
        write_starter("a\x07b", tmp_path)
    for name in ("", "Infirmier\nle_metier: x"):
        with pytest.raises(FicheError) as caught:
            write_starter(name, tmp_path)
        assert caught.value.problems[0].message.startswith("donnez un nom de métier sur une")
    with pytest.raises(ValidationError):
        Fiche.model_validate({"metier": "a\x07b", "le_metier": "x"})
