"""Incremental builds: a rerun renders exactly what changed, and the cache is never trusted
over the disk."""

from __future__ import annotations

import json
import os
import re
import shutil

import pytest

from fichemetier import cache
from fichemetier.cli import main

from .conftest import MINIMAL, ROOT


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    fiches = tmp_path / "fiches"
    fiches.mkdir()
    for name in ("a", "b", "c"):
        (fiches / f"{name}.yaml").write_text(MINIMAL.replace("Boulanger", name), encoding="utf-8")
    return tmp_path


def run(capsys, *args) -> tuple[int, list[str], str]:
    """Exit code, PDFs written (from stdout) and the summary without its duration."""
    code = main(["--jobs", "1", *args])
    out, err = capsys.readouterr()
    written = sorted(re.findall(r"écrit output/(\S+)\.pdf", out))
    return code, written, re.sub(r" \(\d+,\d s\)$", "", err.strip().splitlines()[-1])


def test_second_run_renders_nothing(project, capsys):
    assert run(capsys) == (0, ["a", "b", "c"], "3 PDF écrits, 0 fiche en erreur")
    assert run(capsys) == (0, [], "0 PDF écrit, 3 à jour, 0 fiche en erreur")
    assert run(capsys, "--force") == (0, ["a", "b", "c"], "3 PDF écrits, 0 fiche en erreur")


def test_changed_fiche_is_the_only_one_rendered(project, capsys):
    run(capsys)
    (project / "fiches" / "b.yaml").write_text(MINIMAL + "rubrique: Autre\n", encoding="utf-8")
    assert run(capsys)[1] == ["b"]


def test_deleted_or_replaced_pdf_is_rendered_again(project, capsys):
    run(capsys)
    (project / "output" / "a.pdf").unlink()
    (project / "output" / "c.pdf").write_bytes(b"not the PDF we wrote")
    assert run(capsys)[1] == ["a", "c"]


def test_changed_photo_renders_its_fiche_again(project, capsys):
    photo = project / "fiches" / "portrait.png"
    shutil.copy(ROOT / "docs" / "page-1.png", photo)
    (project / "fiches" / "a.yaml").write_text(
        MINIMAL + "temoignage:\n  citation: Oui.\n  auteur: A\n  photo: portrait.png\n",
        encoding="utf-8",
    )
    run(capsys)
    photo.write_bytes(photo.read_bytes() + b"\0")
    assert run(capsys)[1] == ["a"]


def test_changed_style_renders_everything(project, capsys, tmp_path, monkeypatch):
    styles = tmp_path / "styles-copy"
    styles.mkdir()
    (styles / "theme.css").write_text(":root { --couleur-accent: red; }")
    monkeypatch.setattr(cache, "INPUT_FOLDERS", (styles,))
    run(capsys)
    assert run(capsys)[1] == []
    (styles / "theme.css").write_text(":root { --couleur-accent: blue; }")
    assert run(capsys)[1] == ["a", "b", "c"]


def test_setup_key_covers_code_templates_styles_fonts_and_options(tmp_path):
    assert {f.name for f in cache.INPUT_FOLDERS} == {"templates", "styles", "fichemetier"}
    assert (ROOT / "styles" / "fonts") in [p for p in (ROOT / "styles").iterdir()]
    assert cache.setup_key({"format": "a4"}) != cache.setup_key({"format": "a5"})


def test_corrupt_cache_means_render_everything(project, capsys):
    run(capsys)
    (project / "output" / cache.CACHE_NAME).write_text("{ pas du json")
    assert run(capsys)[1] == ["a", "b", "c"]


def test_failed_fiche_is_not_recorded_and_fails_again(project, capsys):
    run(capsys)
    (project / "fiches" / "b.yaml").write_text(MINIMAL + "citaton: x\n", encoding="utf-8")
    code, written, summary = run(capsys)
    assert (code, written, summary) == (1, [], "0 PDF écrit, 2 à jour, 1 fiche en erreur")
    assert run(capsys)[0] == 1  # still reported, not hidden by the cache


def test_leftover_temp_files_of_a_killed_run_are_removed(project, capsys):
    run(capsys)
    leftover = project / "output" / ".a.pdf.x1y2.tmp"
    leftover.write_bytes(b"%PDF-1.7 trunc")
    (project / "fiches" / "a.yaml").write_text(MINIMAL + "\n# changed\n", encoding="utf-8")
    run(capsys)
    assert not leftover.exists()


def test_retargeted_photo_symlink_renders_again(project, capsys):
    images = project / "fiches"
    shutil.copy(ROOT / "docs" / "page-1.png", images / "un.png")
    (images / "deux.png").write_bytes((images / "un.png").read_bytes() + b"\0")
    (images / "portrait.png").symlink_to("un.png")
    (images / "a.yaml").write_text(
        MINIMAL + "temoignage:\n  citation: Oui.\n  auteur: A\n  photo: portrait.png\n",
        encoding="utf-8",
    )
    run(capsys)
    (images / "portrait.png").unlink()
    (images / "portrait.png").symlink_to("deux.png")
    assert run(capsys)[1] == ["a"]


def test_changed_option_renders_everything(project, capsys):
    run(capsys)
    same_folder = ("--pdfa", "--out", "output")  # by default, a variant has its own
    assert run(capsys, *same_folder)[1] == ["a", "b", "c"]
    assert run(capsys, *same_folder)[1] == []


def test_pdfs_of_deleted_or_renamed_fiches_are_removed(project, capsys):
    run(capsys)
    fiches, out = project / "fiches", project / "output"
    (fiches / "a.yaml").rename(fiches / "a2.yaml")  # renamed
    (fiches / "b.yaml").unlink()  # deleted
    (out / "mine.pdf").write_bytes(b"%PDF a PDF the tool never wrote")
    code, written, summary = run(capsys)
    assert (code, written) == (0, ["a2"])
    assert summary == "1 PDF écrit, 1 à jour, 2 PDF périmés supprimés, 0 fiche en erreur"
    assert sorted(p.name for p in out.glob("*.pdf")) == ["a2.pdf", "c.pdf", "mine.pdf"]
    assert run(capsys)[2] == "0 PDF écrit, 2 à jour, 0 fiche en erreur"


def test_stale_pdfs_are_only_removed_when_their_whole_folder_was_read(project, capsys):
    run(capsys)
    (project / "fiches" / "b.yaml").unlink()
    run(capsys, "fiches/a.yaml")  # a run on one fiche knows nothing of the others
    assert (project / "output" / "b.pdf").exists()
    (project / "output" / "c.pdf").write_bytes(b"%PDF changed by hand: not ours any more")
    (project / "fiches" / "c.yaml").unlink()
    assert run(capsys, "--check")[2] == "1 fiche valide, 0 fiche en erreur"  # writes nothing
    assert (project / "output" / "b.pdf").exists()
    assert run(capsys)[2] == "0 PDF écrit, 1 à jour, 1 PDF périmé supprimé, 0 fiche en erreur"
    assert sorted(p.name for p in (project / "output").glob("*.pdf")) == ["a.pdf", "c.pdf"]


def test_a_record_that_names_a_pipe_as_a_photo_cannot_hang_the_run(project, capsys):
    """The record is a file anyone can edit: a dependency that is a pipe or a device is not
    read (it would block, or never end); the fiche is simply rendered again."""
    import json
    import os

    assert run(capsys)[0] == 0
    record = project / "output" / ".fiches-cache.json"
    saved = json.loads(record.read_text())
    os.mkfifo(project / "fifo")
    for entry in saved["fiches"].values():
        entry["deps"] = [str(project / "fifo")]
    record.write_text(json.dumps(saved))
    assert run(capsys) == (0, ["a", "b", "c"], "3 PDF écrits, 0 fiche en erreur")


def test_unchanged_fiches_are_not_read_again(project, capsys, monkeypatch):
    """A no-op rerun at 10 000 fiches must not read and hash each file: an unchanged
    stamp (size, times, inode) vouches for it, and the record is not rewritten."""
    monkeypatch.setattr(cache, "RACY_SECONDS", -1.0)  # these files are seconds old
    run(capsys)
    run(capsys)  # the stamps are taken (before reading) and kept
    record = project / "output" / cache.CACHE_NAME
    before = record.stat().st_mtime_ns
    hashed = []
    monkeypatch.setattr("fichemetier.load.file_digest", lambda raw: hashed.append(raw) or "x")
    assert run(capsys) == (0, [], "0 PDF écrit, 3 à jour, 0 fiche en erreur")
    assert hashed == []
    assert record.stat().st_mtime_ns == before


def test_an_edit_that_keeps_size_and_time_is_still_seen(project, capsys, monkeypatch):
    """The stamp is no excuse to miss an edit: same size, modification time put back, the
    change time differs, so the file is read and hashed."""
    monkeypatch.setattr(cache, "RACY_SECONDS", -1.0)
    run(capsys)
    run(capsys)
    fiche = project / "fiches" / "b.yaml"
    info = fiche.stat()
    fiche.write_text(fiche.read_text(encoding="utf-8").replace("b", "z", 1), encoding="utf-8")
    os.utime(fiche, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert fiche.stat().st_size == info.st_size
    assert run(capsys)[1] == ["b"]


def test_a_fiche_changed_just_now_gets_no_stamp(project, capsys):
    """A coarse clock (2 s on a FAT stick) could hide a second edit within the same tick:
    a file this fresh is hashed again on the next run."""
    run(capsys)
    run(capsys)
    saved = json.loads((project / "output" / cache.CACHE_NAME).read_text(encoding="utf-8"))
    assert all("stamps" not in entry for entry in saved["fiches"].values())
