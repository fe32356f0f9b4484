"""What a run prints: the summary in French with its plurals, problems again before it,
warnings apart from errors, nothing but problems and the summary with --quiet."""

from __future__ import annotations

import pytest

from fichemetier.errors import FicheProblem
from fichemetier.report import Counts, Report, count, reporter, summary, tally

ERROR = FicheProblem("fiches/a.yaml", 12, "metier", "ce champ ne peut pas être vide")
OTHER = FicheProblem("fiches/a.yaml", 14, "le_metier", "texte trop long")
WARNING = FicheProblem("fiches/b.yaml", 3, "temoignage.photo", "photo à 150 dpi", warning=True)


@pytest.mark.parametrize(
    ("counts", "check", "expected"),
    [
        (Counts(0, 0, 0, 0), False, "0 PDF écrit, 0 fiche en erreur (1,5 s)"),
        (Counts(3, 1000, 2, 1), False, "3 PDF écrits, 1000 à jour, 2 fiches en erreur, "
         "1 avertissement (1,5 s)"),
        (Counts(2, 0, 1, 4), True, "2 fiches valides, 1 fiche en erreur, 4 avertissements (1,5 s)"),
    ],
)  # fmt: skip
def test_summary_in_french_with_plurals(counts, check, expected):
    assert summary(counts, 1.49, check=check) == expected


def test_a_catalogue_gives_its_own_head():
    head = "Catalogue écrit : x.pdf, 4 fiches, 9 pages"
    assert (
        summary(Counts(0, 0, 0, 0), 2.0, check=True, head=head)
        == f"{head}, 0 fiche en erreur (2,0 s)"
    )


def test_tally_counts_fiches_in_error_and_each_warning():
    assert tally([ERROR, OTHER, WARNING]) == (1, 1)  # two errors of one fiche: one fiche
    assert count(1, "page", "pages") == "1 page" and count(2, "page", "pages") == "2 pages"


def test_problems_are_repeated_before_the_summary_warnings_first(capsys):
    Report().done([ERROR, WARNING], "bilan")
    err = capsys.readouterr().err
    assert err.index("Avertissements :") < err.index("Fiches en erreur :") < err.index("bilan")
    assert f"  {WARNING}" in err and f"  {ERROR}" in err
    assert str(WARNING).startswith("fiches/b.yaml:3: temoignage.photo: attention : ")


def test_quiet_prints_only_problems_and_the_summary(capsys):
    report = Report(quiet=True)
    report.written("output/a.pdf")
    report.problem(ERROR)
    report.done([ERROR], "bilan")
    out, err = capsys.readouterr()
    assert out == "" and err == f"{ERROR}\nbilan\n"


def test_written_pdfs_go_to_stdout_one_line_each(capsys):
    Report().written("output/a.pdf")
    assert capsys.readouterr().out == "écrit output/a.pdf\n"


def test_no_progress_bar_when_stderr_is_not_a_terminal():
    assert type(reporter(quiet=False)) is Report  # pytest captures stderr: not a TTY
