"""The command-line contract: outputs, exit codes, messages, a batch that survives a bad fiche."""

from __future__ import annotations

import re
import shutil

import pytest
from pypdf import PdfReader

from fichemetier.cli import main

from .conftest import MINIMAL, SEED_YAML


def last_line(err: str) -> str:
    """The summary line, without its duration."""
    return re.sub(r" \(\d+,\d s\)$", "", err.strip().splitlines()[-1])


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A project-like folder with fiches/, run from inside it as a user would."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fiches").mkdir()
    return tmp_path


def test_default_run_renders_every_fiche_into_output(folder, capsys):
    shutil.copy(SEED_YAML, folder / "fiches")
    (folder / "fiches" / "boulanger.yaml").write_text(MINIMAL, encoding="utf-8")
    assert main([]) == 0
    assert sorted(p.name for p in (folder / "output").glob("*.pdf")) == [
        "boulanger.pdf",
        "developpeur-back-end.pdf",
    ]
    assert len(PdfReader(folder / "output" / "boulanger.pdf").pages) == 1
    assert last_line(capsys.readouterr().err) == "2 PDF écrits, 0 fiche en erreur"


def test_a_bad_fiche_does_not_stop_the_others(folder, capsys):
    fiches = folder / "fiches"
    (fiches / "a-bon.yaml").write_text(MINIMAL, encoding="utf-8")
    (fiches / "b-mauvais.yaml").write_text(
        MINIMAL + "formations_publiques:\n  - niveau: bac+9\n    formations:\n      - texte: X\n",
        encoding="utf-8",
    )
    (fiches / "c-bon.yaml").write_text(MINIMAL, encoding="utf-8")
    assert main([]) == 1
    assert sorted(p.name for p in (folder / "output").glob("*.pdf")) == ["a-bon.pdf", "c-bon.pdf"]
    err = capsys.readouterr().err
    problem = "fiches/b-mauvais.yaml:4: formations_publiques[0].niveau: « bac+9 » n'est pas un"
    assert err.startswith(problem)  # reported as soon as it is found…
    assert f"Fiches en erreur :\n  {problem}" in err  # …and again before the summary
    assert last_line(err) == "2 PDF écrits, 1 fiche en erreur"
    assert "Traceback" not in err


def test_a_failing_fiche_keeps_its_previous_good_pdf(folder):
    fiche = folder / "fiches" / "boulanger.yaml"
    fiche.write_text(MINIMAL, encoding="utf-8")
    assert main([]) == 0
    good = (folder / "output" / "boulanger.pdf").read_bytes()
    fiche.write_text(MINIMAL + "citaton: oups\n", encoding="utf-8")
    assert main([]) == 1
    assert (folder / "output" / "boulanger.pdf").read_bytes() == good
    # no temporary file left behind
    assert sorted(p.name for p in (folder / "output").iterdir()) == [
        ".fiches-cache.json",
        ".fiches.lock",
        "boulanger.pdf",
    ]


def test_paths_and_out_option(folder, capsys):
    one = folder / "ailleurs" / "un.yaml"
    one.parent.mkdir()
    one.write_text(MINIMAL, encoding="utf-8")
    assert main([str(one), "--out", "pdf"]) == 0
    assert (folder / "pdf" / "un.pdf").is_file()
    assert not (folder / "output").exists()
    assert "écrit pdf/un.pdf" in capsys.readouterr().out


def test_check_validates_and_writes_nothing(folder, capsys):
    (folder / "fiches" / "bon.yaml").write_text(MINIMAL, encoding="utf-8")
    (folder / "fiches" / "vide.yaml").write_text("", encoding="utf-8")
    assert main(["--check"]) == 1
    assert not (folder / "output").exists()
    err = capsys.readouterr().err
    assert err.startswith("fiches/vide.yaml:1: le fichier est vide : copiez un modèle")
    assert last_line(err) == "1 fiche valide, 1 fiche en erreur"
    (folder / "fiches" / "vide.yaml").unlink()
    assert main(["--check", "fiches"]) == 0


def test_usage_errors_exit_2(folder, capsys):
    assert main(["absent.yaml"]) == 2
    assert "absent.yaml : fichier ou dossier introuvable" in capsys.readouterr().err
    assert main(["fiches"]) == 2  # an empty folder
    assert main(["--option-inconnue"]) == 2


def test_two_fiches_with_the_same_output_name(folder, capsys):
    (folder / "fiches" / "x.yaml").write_text(MINIMAL, encoding="utf-8")
    (folder / "autre").mkdir()
    (folder / "autre" / "x.yaml").write_text(MINIMAL, encoding="utf-8")
    assert main(["fiches", "autre"]) == 1
    assert "autre/x.yaml: même nom de PDF que fiches/x.yaml" in capsys.readouterr().err


def test_unusable_output_folder_is_one_usage_error(folder, capsys):
    (folder / "fiches" / "x.yaml").write_text(MINIMAL, encoding="utf-8")
    (folder / "output").write_text("un fichier, pas un dossier")
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("generate.py: output : impossible de créer le dossier de sortie")
    assert "Traceback" not in err
    assert main(["--check"]) == 0  # --check writes nothing, so needs no output folder


def test_two_runs_cannot_write_the_same_folder_at_once(folder, capsys):
    import fcntl

    (folder / "fiches" / "x.yaml").write_text(MINIMAL, encoding="utf-8")
    (folder / "output").mkdir()
    with (folder / "output" / ".fiches.lock").open("ab") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert main([]) == 2
        assert "une autre génération y écrit déjà" in capsys.readouterr().err
    assert main([]) == 0


def test_the_lock_file_of_a_colleague_needs_no_write_access(folder):
    """Two counsellors of one group share output/: the lock file is the first one's, and
    read-only for the second (root, who may write anything, runs without that power)."""
    import os
    import subprocess
    import sys

    (folder / "output").mkdir()
    (folder / "output" / ".fiches.lock").write_bytes(b"")
    (folder / "output" / ".fiches.lock").chmod(0o444)
    code = "from pathlib import Path; from fichemetier.outputs import lock_output; "
    code += "lock_output(Path('output')); print('verrou pris')"
    command = [sys.executable, "-c", code]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("root without setpriv: cannot run without write access")
        command = ["setpriv", "--bounding-set=-all", *command]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.stdout == "verrou pris\n", done.stderr


def test_a_lock_that_is_a_folder_is_a_usage_error(folder, capsys):
    (folder / "fiches" / "x.yaml").write_text(MINIMAL, encoding="utf-8")
    (folder / "output" / ".fiches.lock").mkdir(parents=True)
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err == "generate.py: output/.fiches.lock est un dossier : supprimez-le\n"


def test_each_variant_has_its_own_default_folder(folder, capsys):
    """An A5, print-shop or archive run never overwrites the A4 PDFs of the same names."""
    (folder / "fiches" / "x.yaml").write_text(MINIMAL, encoding="utf-8")
    runs = {
        (): "output",
        ("--format", "a5"): "output/a5",
        ("--print",): "output/impression",
        ("--pdfa",): "output/pdfa",
        ("--format", "A5", "--print"): "output/a5-impression",
    }
    for options in runs:
        assert main(["-q", "--jobs", "1", *options]) == 0
    sizes = {
        out: round(PdfReader(folder / out / "x.pdf").pages[0].mediabox.width * 25.4 / 72)
        for out in runs.values()
    }
    assert sizes == {
        "output": 210,
        "output/a5": 148,
        "output/impression": 230,
        "output/pdfa": 210,
        "output/a5-impression": 168,
    }
    assert main(["--pdfa", "--out", "archives", "-q"]) == 0  # --out still chooses
    assert (folder / "archives" / "x.pdf").is_file()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--catalogue", "c.pdf", "--out", "pdf"], "--out ne sert à rien avec --catalogue"),
        (["--catalogue", "c.pdf", "--force"], "--force ne sert à rien avec --catalogue"),
        (["--check", "--out", "pdf"], "--out ne sert à rien avec --check"),
        (["--check", "--force"], "--force ne sert à rien avec --check"),
    ],
)
def test_options_that_do_nothing_in_a_mode_are_refused(folder, capsys, options, message):
    (folder / "fiches" / "x.yaml").write_text(MINIMAL, encoding="utf-8")
    assert main(options) == 2
    assert capsys.readouterr().err.startswith(f"generate.py: {message}")
    assert not (folder / "c.pdf").exists() and not (folder / "pdf").exists()


def test_schema_to_a_full_disk_is_a_message_not_a_traceback():
    import subprocess
    import sys

    from .conftest import ROOT

    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, str(ROOT / "generate.py"), "--schema"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert "--schema : impossible d'écrire" in done.stderr and "Traceback" not in done.stderr
