"""errors: how a problem reads, in one line, whatever the fiche or its file name hold."""

from __future__ import annotations

from fichemetier.errors import FicheProblem, shown


def test_a_problem_reads_file_line_field_message():
    problem = FicheProblem("fiches/a.yaml", 12, "formations[0].niveau", "niveau inconnu")
    assert str(problem) == "fiches/a.yaml:12: formations[0].niveau: niveau inconnu"


def test_a_warning_says_so_and_a_file_problem_has_no_line():
    warning = FicheProblem("fiches/a.yaml", 3, "temoignage.photo", "photo floue", warning=True)
    assert str(warning) == "fiches/a.yaml:3: temoignage.photo: attention : photo floue"
    assert str(FicheProblem.of_file("fiches/a.yaml", "vide")) == "fiches/a.yaml: vide"
    titre = FicheProblem.of_file("c.pdf", "trop long", field="--titre")
    assert str(titre) == "c.pdf: --titre: trop long"


def test_an_unexpected_error_names_its_step_and_the_exception():
    problem = FicheProblem.unexpected("fiches/a.yaml", "la lecture", ValueError("x"))
    assert problem.line is None and not problem.warning
    assert problem.message == "erreur inattendue pendant la lecture (ValueError('x'))"


def test_file_names_and_values_print_without_control_or_raw_bytes():
    name = "fiches/caf\udce9\x1b[31m.yaml"  # a Latin-1 name read by Python, and an escape
    assert str(FicheProblem.of_file(name, "x")) == "fiches/caf\\xe9<U+001B>[31m.yaml: x"
    assert shown("a" * 100, limit=10) == "aaaaaaaaa…"
