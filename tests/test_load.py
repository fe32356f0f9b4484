"""Reading fiche files: encodings, YAML mistakes, and the line of every field."""

import pytest

from fichemetier.errors import FicheError
from fichemetier.load import load_fiche


def problem_of(path):
    with pytest.raises(FicheError) as caught:
        load_fiche(path)
    [problem] = caught.value.problems
    return problem


def test_lines_are_recorded_for_keys_and_list_items(write_fiche):
    loaded = load_fiche(
        write_fiche("""\
        metier: Boulanger
        formations_publiques:
          - niveau: CAP
            formations:
              - texte: CAP boulanger
        """)
    )
    assert loaded.data["formations_publiques"][0]["niveau"] == "CAP"
    assert loaded.line_of(("metier",)) == 1
    assert loaded.line_of(("formations_publiques", 0, "niveau")) == 3
    assert loaded.line_of(("formations_publiques", 0, "formations", 0, "texte")) == 5
    # a missing field points at its parent
    assert loaded.line_of(("formations_publiques", 0, "formations", 0, "absent")) == 5


def test_bom_and_windows_line_endings_simply_work(write_fiche):
    loaded = load_fiche(write_fiche(b"\xef\xbb\xbfmetier: Caf\xc3\xa9\r\nle_metier: Oui.\r\n"))
    assert loaded.data == {"metier": "Café", "le_metier": "Oui."}
    assert loaded.line_of(("le_metier",)) == 2


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        (b"metier: A\nle_metier: caf\xe9\n", 2, "UTF-8"),
        (b"", 1, "vide"),
        (b"   \n\n", 1, "vide"),
        (b"- a\n- b\n", 1, "clé: valeur"),
        (b"metier: A\n  le_metier: b\n", 2, "« : » inattendu : vérifiez l'indentation"),
        (b"metier: A\n\tle_metier: b\n", 2, "indentez avec des espaces"),
        (b"metier: A\nle_metier: [b\n", 3, "YAML invalide"),
        (b"metier: A\nle_metier: b\nmetier: C\n", 3, "« metier » est écrit deux fois"),
    ],
    ids=["latin-1", "empty", "blank", "list", "indent", "tab", "unclosed", "duplicate"],
)
def test_bad_files_give_one_located_message(write_fiche, content, line, words):
    path = write_fiche(content)
    problem = problem_of(path)
    assert problem.file == str(path)
    assert problem.line == line
    assert words in problem.message
    assert str(problem).startswith(f"{path}:{line}: ")


def test_unreadable_file(tmp_path):
    problem = problem_of(tmp_path / "absent.yaml")
    assert "impossible de lire" in problem.message


def test_merge_keys_from_an_anchor_load_with_lines(write_fiche):
    loaded = load_fiche(
        write_fiche("""\
        base: &base
          metier: Boulanger
        <<: *base
        le_metier: Il fabrique le pain.
        """)
    )
    assert loaded.data["metier"] == "Boulanger"
    assert loaded.line_of(("le_metier",)) == 4


def test_yaml_alias_bomb_is_refused_quickly(write_fiche):
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 9):
        refs = ", ".join(f"*a{i - 1}" for _ in range(9))
        levels.append(f"a{i}: &a{i} [{refs}]")
    problem = problem_of(write_fiche("\n".join(levels) + "\nmetier: x\n"))
    assert "alias YAML en cascade" in problem.message


def test_huge_file_is_refused(write_fiche):
    problem = problem_of(write_fiche(b"metier: " + b"x" * 3_000_000))
    assert "fichier trop gros (3 Mo)" in problem.message
