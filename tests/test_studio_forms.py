"""studio.forms: posted field names become fiche data; a name that cannot be a field of a
fiche is ignored, never a server error (found by a red-team pass)."""

from __future__ import annotations

from fichemetier.studio import forms


def test_field_paths_become_nested_data():
    posted = [("metier", "A"), ("formations_publiques[1].niveau", "bac+2"),
              ("formations_publiques[0].niveau", "CAP")]  # fmt: skip
    assert forms.tree(posted) == {
        "metier": "A",
        "formations_publiques": [{"niveau": "CAP"}, {"niveau": "bac+2"}],
    }


def test_names_no_fiche_could_have_are_ignored():
    deep = "x" + ".a" * 3000
    huge = "metier[" + "9" * 5000 + "]"
    assert forms.tree([(deep, "v"), (huge, "v"), ("metier", "A")]) == {"metier": "A"}
    assert forms.apply({}, f"ajouter:formations_publiques[{'9' * 5000}]") == ({}, "")


def test_a_field_is_named_as_the_form_shows_it():
    """The overflow mark names where the extra page starts in the editor's words."""
    assert forms.label("formations_publiques[2].formations[0].etablissements[5]") == (
        "Formations publiques n° 3 › Formations n° 1 › Établissements n° 6"
    )
    assert forms.label("temoignage.citation") == "Témoignage › Citation"
