"""Golden HTML: what the templates make for the seed fiche and for a short fiche, in each
format, kept in tests/golden/. A template or filter change shows here as a readable diff;
if the change is meant, rewrite the files with `pytest tests/test_golden.py --update-golden`
and review them in `git diff`."""

from __future__ import annotations

import difflib
import textwrap
from pathlib import Path

import pytest

from fichemetier.load import load_fiche
from fichemetier.model import validate
from fichemetier.options import FORMATS, RenderOptions

from .conftest import SEED_YAML

GOLDEN = Path(__file__).parent / "golden"
SHORT = """\
metier: Boulangère
temoignage:
  citation: J'aime "le pain" du matin ; et vous ?
  auteur: Inès
le_metier: |
  Elle pétrit la pâte dès 4 h du matin : **2 000 € brut** pour commencer.

  Voir [le site de la filière](https://www.onisep.fr/metier/boulangere).
remuneration:
  texte: Entre 1 800 et 2 400 € brut par mois.
  debutant: 1800
  experimente: 2400
formations_publiques:
  - niveau: CAP
    formations:
      - texte: CAP boulanger, en deux ans.
        etablissements:
          - nom: Lycée des métiers de l'alimentation
            details: Paris 15e
            cout: Gratuit
            lien: https://www.example.fr/cap-boulanger
partenaire: Fiche réalisée avec la Chambre des métiers
"""


def _fiches(tmp_path_factory) -> dict[str, tuple]:
    folder = tmp_path_factory.mktemp("golden")
    short = folder / "boulangere.yaml"
    short.write_text(textwrap.dedent(SHORT), encoding="utf-8")
    return {"seed": validate(load_fiche(SEED_YAML)), "courte": validate(load_fiche(short))}


@pytest.fixture(scope="module")
def fiches(tmp_path_factory):
    return _fiches(tmp_path_factory)


@pytest.mark.parametrize("format", sorted(FORMATS))
@pytest.mark.parametrize("name", ["seed", "courte"])
def test_html_matches_golden(renderer, fiches, name, format, request):
    html = renderer.html(fiches[name], RenderOptions(format=format))
    golden = GOLDEN / f"{name}-{format}.html"
    if request.config.getoption("--update-golden"):
        golden.write_text(html, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    if html != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), html.splitlines(), str(golden), "rendered", lineterm=""
        )
        pytest.fail("the HTML differs from its golden file:\n" + "\n".join(list(diff)[:80]))
