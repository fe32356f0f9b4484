"""Validation: each mistake an editor can make, with its line, field and message."""

import pytest

from fichemetier.errors import FicheError
from fichemetier.load import load_fiche
from fichemetier.model import field_path, validate

VALID = """\
metier: Boulanger
temoignage:
  citation: « J'aime le matin. »
  auteur: Paul
le_metier: Il fabrique le pain.
remuneration:
  texte: Environ 1 800 €.
  debutant: 1800
  experimente: 2500
formations_publiques:
  - niveau: CAP
    formations:
      - texte: CAP boulanger
        liens:
          - https://www.onisep.fr/cap
"""


def problems(write_fiche, text):
    with pytest.raises(FicheError) as caught:
        validate(load_fiche(write_fiche(text)))
    return [(p.line, p.field, p.message) for p in caught.value.problems]


def test_valid_fiche_and_normalised_values(write_fiche):
    fiche = validate(load_fiche(write_fiche(VALID.replace("niveau: CAP", "niveau: Bac + 2"))))
    assert fiche.formations_publiques[0].niveau == "bac+2"
    assert fiche.temoignage.citation == "J'aime le matin."  # the template adds « »
    assert fiche.rubrique == "Dans mon job"


ERRORS = [
    ("citation:", "citaton:", 3, "temoignage.citaton", "vouliez-vous dire « citation »"),
    (
        "niveau: CAP",
        "niveau: bac+9",
        11,
        "formations_publiques[0].niveau",
        "« bac+9 » n'est pas un niveau connu (CAP, bac",
    ),
    (
        "https://www.onisep.fr/cap",
        "www.onisep.fr/cap",
        15,
        "formations_publiques[0].formations[0].liens[0]",
        "doit commencer par https://",
    ),
    (
        "https://www.onisep.fr/cap",
        "javascript:alert(1)",
        15,
        "formations_publiques[0].formations[0].liens[0]",
        "doit commencer par https://",
    ),
    ("auteur: Paul", 'auteur: ""', 4, "temoignage.auteur", "ne peut pas être vide"),
    ("metier: Boulanger\n", "", 1, "metier", "champ obligatoire manquant"),
    ("debutant: 1800", "debutant: 1 800 €", 8, "remuneration.debutant", "nombre entier"),
    ("debutant: 1800", "debutant: 3000", 6, "remuneration", "debutant doit être inférieur"),
    ("Il fabrique le pain.", "Voir [ici](ftp://x.fr).", 5, "le_metier", "« ftp://x.fr »"),
    ("Il fabrique le pain.", "Voir ![photo](https://x.fr/a.png)", 5, "le_metier", "images"),
    (
        "Il fabrique le pain.",
        "Voir [le site](https://x.fr/" + "a/" * 200 + ").",
        5,
        "le_metier",
        "fait 413 caractères (une fois encodé), au plus 300 : un code QR lisible",
    ),
    (
        "      - texte: CAP boulanger\n",
        "      - etablissements: []\n",
        13,
        "formations_publiques[0].formations[0].texte",
        "champ obligatoire manquant",
    ),
    (
        "temoignage:\n  citation: « J'aime le matin. »\n  auteur: Paul\n",
        "temoignage: oui\n",
        2,
        "temoignage",
        "« clé: valeur »",
    ),
]


@pytest.mark.parametrize(("old", "new", "line", "field", "message"), ERRORS)
def test_error_is_located_and_explained(write_fiche, old, new, line, field, message):
    assert old in VALID
    found = problems(write_fiche, VALID.replace(old, new, 1))
    assert any(
        (got_line, got_field) == (line, field) and message in got_message
        for got_line, got_field, got_message in found
    ), found


def test_every_error_is_reported_at_once_in_line_order(write_fiche):
    text = VALID.replace("citation:", "citaton:").replace("niveau: CAP", "niveau: bac+9")
    found = problems(write_fiche, text)
    # the typo is reported once: not also as « citation » missing
    assert [f[1] for f in found] == ["temoignage.citaton", "formations_publiques[0].niveau"]
    assert [f[0] for f in found] == [3, 11]


def test_a_missing_field_without_a_lookalike_is_still_reported(write_fiche):
    text = VALID.replace("  citation: « J'aime le matin. »\n", "  remarque: oui\n")
    found = problems(write_fiche, text)
    assert [f[1] for f in found] == ["temoignage.citation", "temoignage.remarque"]


def test_photo_must_exist_inside_the_fiche_folder(write_fiche):
    text = VALID.replace("  auteur: Paul", "  auteur: Paul\n  photo: ../../etc/passwd.jpg")
    assert problems(write_fiche, text) == [
        (5, "temoignage.photo", "la photo doit être dans le dossier de la fiche")
    ]
    text = VALID.replace("  auteur: Paul", "  auteur: Paul\n  photo: paul.jpg")
    [(line, field, message)] = problems(write_fiche, text)
    assert (line, field) == (5, "temoignage.photo")
    assert message.startswith(
        "fichier « paul.jpg » introuvable : la photo doit être dans le dossier de la fiche ("
    )
    assert message.endswith("), vérifiez son nom")


def test_field_path():
    assert field_path(("formations_publiques", 0, "niveau")) == "formations_publiques[0].niveau"
    assert field_path(()) == "fiche"


def test_photo_must_be_a_readable_image(write_fiche, tmp_path):
    (tmp_path / "paul.jpg").write_bytes(b"not a JPEG at all")
    text = VALID.replace("  auteur: Paul", "  auteur: Paul\n  photo: paul.jpg")
    assert problems(write_fiche, text) == [
        (5, "temoignage.photo", "« paul.jpg » n'est pas une image lisible (JPEG ou PNG)")
    ]
    text = VALID.replace("  auteur: Paul", "  auteur: Paul\n  photo: " + "p" * 300 + ".jpg")
    assert problems(write_fiche, text) == [
        (5, "temoignage.photo", "nom de fichier de photo invalide")
    ]


def test_the_model_loads_no_rendering_code():
    """Validating (`--check`, the studio's checks) needs no QR codes, HTML or layout:
    the model reads the parsed segments (inline.py), not the HTML made from them."""
    import subprocess
    import sys

    code = "import sys, fichemetier.model; print(' '.join(sorted(sys.modules)))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    rendering = ("segno", "markupsafe", "jinja2", "weasyprint", "fichemetier.markup")
    assert "fichemetier.model" in loaded and "fichemetier.inline" in loaded
    assert [m for m in loaded if m.split(".")[0] in rendering or m in rendering] == []
