"""python -m fichemetier.inspect_pdf: the accessibility report of a PDF, from the shell."""

from __future__ import annotations

import pytest

from fichemetier.inspect_pdf import main


def test_help_is_in_french(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("utilisation : python -m fichemetier.inspect_pdf")
    assert "les PDF à inspecter" in out


def test_report_of_the_seed(seed_pdf, capsys):
    assert main([str(seed_pdf)]) == 0
    out = capsys.readouterr().out
    assert "tagged: True, language: fr, title shown: True" in out
    assert "identification: {'pdfuaid:part': '1'}" in out


def test_an_unreadable_file_is_a_message_and_exit_1(tmp_path, capsys):
    bad = tmp_path / "pas-un.pdf"
    bad.write_bytes(b"%PDF-1.7 nothing else")
    assert main([str(bad)]) == 1
    assert capsys.readouterr().err.startswith(f"{bad}: illisible (")  # no traceback


def test_an_odd_structure_tree_is_a_message_and_escapes_are_not_printed(tmp_path, capsys):
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    element = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.P, Alt="\x1b[31mrouge"))
    element.K = element  # an element that holds itself: a walk that never ends
    pdf.Root.StructTreeRoot = pdf.make_indirect(pikepdf.Dictionary(K=element))
    path = tmp_path / "boucle.pdf"
    pdf.save(path)
    assert main([str(path)]) == 1
    out, err = capsys.readouterr()
    assert err.startswith(f"{path}: illisible (") and "\x1b" not in out + err
