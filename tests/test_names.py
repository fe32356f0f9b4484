"""File names from USB sticks, old zips and editors: never a traceback, never raw escape
sequences on a terminal, and the build record still saved."""

from __future__ import annotations

import os
import re

import pytest

from fichemetier.cli import main

from .conftest import MINIMAL

ODD_NAMES = [
    b"caf\xe9.yaml",  # Latin-1, from an old zip or a FAT stick: not UTF-8
    b"\x1b[31mrouge.yaml",  # an escape sequence
    b"[bold red]x.yaml",  # rich markup
    b":warning:.yaml",  # a rich emoji code
    b"x" * 250 + b".yaml",  # 255 bytes: the longest name a folder allows
    b"MAJUSCULES.YAML",
    b"Mixte.Yml",
]
LEFTOVERS = [b".#x.yaml", b"._x.yaml", b"x.yaml~", b".x.swp", b".x.yaml", b"#x.yaml#"]


@pytest.fixture
def odd(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fiches = os.fsencode(tmp_path / "fiches")
    os.mkdir(fiches)
    for name in ODD_NAMES + LEFTOVERS:
        with open(os.path.join(fiches, name), "wb") as handle:
            handle.write(MINIMAL.encode())
    return tmp_path


def summary(err: str) -> str:
    return re.sub(r" \(\d+,\d s\)$", "", err.strip().splitlines()[-1])


def test_odd_names_are_rendered_and_leftovers_skipped(odd, capsys):
    assert main(["--jobs", "1"]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert "\x1b" not in out + err
    assert summary(err) == f"{len(ODD_NAMES)} PDF écrits, 0 fiche en erreur"
    written = sorted(os.listdir(os.fsencode(odd / "output")))
    pdfs = [name for name in written if name.endswith(b".pdf")]
    assert len(pdfs) == len(ODD_NAMES)
    assert b"caf\xe9.pdf" in pdfs and b"MAJUSCULES.pdf" in pdfs
    assert not [name for name in written if name.endswith(b"tmp")]
    assert "caf\\xe9.pdf" in out  # the byte shown, not a replacement character
    # the build record was saved: a rerun has nothing to do
    assert main(["--jobs", "1"]) == 0
    assert (
        summary(capsys.readouterr().err)
        == f"0 PDF écrit, {len(ODD_NAMES)} à jour, 0 fiche en erreur"
    )


def test_a_leftover_named_on_the_command_line_is_still_taken(odd, capsys):
    assert main(["--jobs", "1", "fiches/.x.yaml"]) == 0
    assert (odd / "output" / ".x.pdf").is_file()


def test_odd_names_in_messages_are_shown_harmlessly(odd, capsys):
    fiches = os.fsencode(odd / "fiches")
    for name in ODD_NAMES:
        with open(os.path.join(fiches, name), "ab") as handle:
            handle.write(b"citaton: oups\n")
    assert main(["--jobs", "1"]) == 1
    out, err = capsys.readouterr()
    assert "\x1b" not in out + err and "Traceback" not in err
    assert "fiches/caf\\xe9.yaml:3: citaton" in err
    assert "fiches/<U+001B>[31mrouge.yaml:3" in err
    assert summary(err) == f"0 PDF écrit, {len(ODD_NAMES)} fiches en erreur"


def test_rich_never_interprets_a_name(odd, monkeypatch):
    """On a terminal the progress bar's console prints the problems: as plain text."""
    import io

    from fichemetier import report
    from fichemetier.errors import FicheProblem

    shown = report.ProgressReport()
    buffer = io.StringIO()
    shown.console.file = buffer
    shown.problem(FicheProblem("fiches/[red]x[/red]:warning:.yaml", 3, None, "oups :smile:"))
    assert buffer.getvalue() == "fiches/[red]x[/red]:warning:.yaml:3: oups :smile:\n"
    shown.note("[bold]:warning:")
    assert buffer.getvalue().endswith("\n[bold]:warning:\n")


def test_the_progress_bar_shows_its_label_with_markup_off():
    import io

    from rich.console import Console

    from fichemetier import report

    shown = report.ProgressReport()
    buffer = io.StringIO()
    shown.console = Console(file=buffer, force_terminal=True, markup=False, emoji=False)
    with shown.progress(1):
        shown.step()
    assert "Mise en page" in buffer.getvalue() and "[progress" not in buffer.getvalue()
