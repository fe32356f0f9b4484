"""A new fiche to fill in: every field, explained in French comments, and valid as it is.

`generate.py --nouvelle "Infirmier"` and the studio's « Nouvelle fiche » both write it, so
a beginner starts from a file that already passes `--check` and says what goes where.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from ruamel.yaml import YAML

from .errors import FicheError, FicheProblem
from .model import NIVEAUX, Texts

#: The guide at the top of the file. Optional fields are shown commented out: remove the
#: « # » of a line (and keep its indentation) to use it.
GUIDE = """\
# yaml-language-server: $schema=../docs/fiche.schema.json
# Fiche métier « {metier} » : remplacez les textes, puis vérifiez avec
#   python generate.py --check {path}
# Texte en markdown simple : **gras**, *italique*, [texte du lien](https://…).
# Un paragraphe par bloc séparé d'une ligne vide. Indentez avec des espaces, jamais de tabulation.
#
# Champs facultatifs, à ajouter en retirant le « # » (gardez l'indentation) :
#
# temoignage:                       # une personne du métier en parle
#   citation: Ce que j'aime, c'est…  # une ou deux phrases, sans « »
#   auteur: Camille                   # le prénom de la personne
#   photo: {stem}.jpg                 # .jpg ou .png, dans ce dossier
#   description_photo: Camille à son poste de travail  # lue aux personnes aveugles
#
# remuneration:
#   texte: Un débutant gagne environ **1 900 € brut** par mois.
#   debutant: 1900                    # € brut mensuel, sans espace : dessine l'échelle
#   experimente: 3000                 # à indiquer avec debutant
#
# formations_publiques:             # regroupées par niveau : {niveaux}
#   - niveau: bac+3
#     formations:
#       - texte: Le diplôme, où et comment y entrer.
#         liens:                      # imprimés en QR codes
#           - https://www.onisep.fr/
#         etablissements:
#           - nom: l'université de …
#             details: admission sur dossier
#             cout: gratuit
#             lien: https://…
#
# formations_privees:               # même forme que formations_publiques
#
# partenaire: Fiche réalisée avec …  # la ligne en bas de chaque page
# editeur: Onisep                     # qui publie la fiche

rubrique: Dans mon job  # le bandeau en haut de la fiche
metier: {metier_yaml}
le_metier: |
  Décrivez ici le métier en quelques phrases : ce que fait la personne, où elle
  travaille, les qualités qu'il demande.

  Un paragraphe par bloc, séparé du suivant par une ligne vide.
"""


_EXISTS = "ce fichier existe déjà : il n'est pas remplacé (choisissez un autre nom)"


def slug(metier: str) -> str:
    """« Aide-soignant(e) » → `aide-soignant-e`: a file name anyone can type."""
    ascii_name = unicodedata.normalize("NFKD", metier).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:80]


def starter_text(metier: str, path: Path) -> str:
    return GUIDE.format(
        metier=metier,
        metier_yaml=_yaml_line(metier),
        path=path.as_posix(),
        stem=path.stem,
        niveaux=", ".join(NIVEAUX),
    )


def _yaml_line(text: str) -> str:
    """One line of text as a YAML scalar: as typed when YAML reads it back as this very
    text (not `42`, `True`, `Null`, `2024-01-01`), else JSON's double-quoted form, which is
    valid YAML."""
    plain = re.fullmatch(r"[^\W\d_][\w ()'’,.-]*", text) and not text.endswith(":")
    if plain and YAML(typ="safe", pure=True).load(text) == text:
        return text
    return json.dumps(text, ensure_ascii=False)


def write_starter(metier: str, folder: Path) -> Path:
    """Write `folder/<slug>.yaml`; refuse a title the fiche would refuse, or an existing
    file (someone's work must never be overwritten)."""
    metier = metier.strip()
    if not metier or "\n" in metier or "\r" in metier:
        message = "donnez un nom de métier sur une ligne, par exemple « Infirmier »"
        raise FicheError([FicheProblem("--nouvelle", None, "metier", message)])
    try:
        Texts.validate_python(metier)
    except Exception as exc:  # pydantic's ValidationError: the model's own French message
        message = exc.errors()[0]["msg"] if hasattr(exc, "errors") else str(exc)
        raise FicheError([FicheProblem("--nouvelle", None, "metier", message)]) from None
    name = slug(metier)
    if not name:
        message = "donnez un nom de métier (des lettres), par exemple « Infirmier »"
        raise FicheError([FicheProblem("--nouvelle", None, "metier", message)])
    path = folder / f"{name}.yaml"
    try:  # "x": created here or not at all, even if another one appears meanwhile
        with path.open("x", encoding="utf-8") as handle:
            handle.write(starter_text(metier, Path(path.parent.name, path.name)))
    except FileExistsError:
        raise FicheError([FicheProblem.of_file(path, _EXISTS)]) from None
    except OSError as exc:
        message = f"impossible d'écrire le fichier ({exc.strerror})"
        raise FicheError([FicheProblem.of_file(path, message)]) from None
    return path
