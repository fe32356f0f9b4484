"""pipeline.produce: one fiche through layout, preflight and PDF, as the batch, the catalogue
and the studio call it; build: the kinds of run the command line makes."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from fichemetier import pipeline
from fichemetier.build import BatchRun, CatalogueRun, CheckRun
from fichemetier.cli import parse_args, settings
from fichemetier.load import load_fiche
from fichemetier.model import validate
from fichemetier.options import RenderOptions
from fichemetier.pipeline import Request, produce

from .conftest import SEED_YAML
from .test_preflight import overlong


def request_for(path) -> Request:
    loaded = load_fiche(path)
    return Request(validate(loaded), path, loaded.lines)


@pytest.fixture(scope="module")
def seed_request() -> Request:
    return request_for(SEED_YAML)


def test_the_seed_gives_its_pdf_and_no_problem(seed_request):
    produced = produce(seed_request, RenderOptions())
    assert not produced.problems and not produced.failed
    assert produced.pages == 2 == len(PdfReader(io.BytesIO(produced.pdf)).pages)


def test_a_check_lays_out_without_making_the_pdf(seed_request):
    produced = produce(seed_request, RenderOptions(format="a5"), pdf=False)
    assert produced.pdf is None and produced.pages == 3  # the seed: 3 of the A5 leaflet's 4


@pytest.fixture(scope="module")
def overlong_request(tmp_path_factory) -> Request:
    path = tmp_path_factory.mktemp("long") / "long.yaml"
    path.write_text(overlong(40), encoding="utf-8")
    return request_for(path)


def test_an_overlong_fiche_fails_with_a_located_problem_and_no_pdf(overlong_request):
    produced = produce(overlong_request, RenderOptions())
    [problem] = produced.problems
    assert produced.failed and produced.pdf is None and produced.pages > 2
    assert problem.file.endswith("long.yaml") and problem.line > 1
    assert problem.field.startswith("formations_publiques[")


def test_a_preview_gets_every_page_even_over_the_budget(overlong_request):
    produced = produce(overlong_request, RenderOptions(), even_if_failed=True)
    assert produced.failed
    assert len(PdfReader(io.BytesIO(produced.pdf)).pages) == produced.pages > 2


def test_a_layout_bug_is_reported_on_its_fiche_not_raised(seed_request, monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(pipeline.renderer(), "layout", broken)
    produced = produce(seed_request, RenderOptions())
    [problem] = produced.problems
    assert produced.failed and produced.pdf is None
    assert "erreur inattendue" in problem.message and "ZeroDivisionError" in problem.message


def test_a_parallel_batch_never_imports_weasyprint_in_the_parent(tmp_path):
    """The workers lay out (and say when the slow font path is in use); the parent only
    reads their results, so its start-up and memory stay small."""
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(SEED_YAML.read_text(encoding="utf-8"))
    code = (
        "import sys; from fichemetier.cli import main; "
        "code = main(['a.yaml', 'b.yaml', '--jobs', '2', '-q']); "
        "print(code, 'weasyprint' in sys.modules, 'fichemetier.render' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.split() == ["0", "False", "False"], done.stderr
    assert len(list((tmp_path / "output").glob("*.pdf"))) == 2


@pytest.mark.parametrize(
    ("arguments", "kind"),
    [
        ([], BatchRun),
        (["--check"], CheckRun),
        (["--catalogue", "c.pdf", "--check"], CatalogueRun),
    ],
)
def test_the_command_line_becomes_one_kind_of_run(arguments, kind, monkeypatch):
    monkeypatch.chdir(SEED_YAML.parent.parent)
    run = settings(parse_args(arguments + ["--format", "a5"]))
    assert type(run) is kind and run.options.format == "a5"
    assert run.files == [Path("fiches/developpeur-back-end.yaml")]
    if kind is BatchRun:
        assert run.out == Path("output/a5") and run.folders == [Path("fiches")]
    if kind is CatalogueRun:
        assert not run.write


def test_the_same_fiche_gives_the_same_bytes_in_another_process(tmp_path):
    """Reproducible PDFs: a rebuild that changes nothing changes no byte (the trailer's /ID
    is derived from the content, not drawn at random), so outputs can be compared."""
    hashes = []
    for run in ("a", "b"):
        out = tmp_path / run
        done = subprocess.run(
            [sys.executable, "generate.py", str(SEED_YAML), "--out", str(out), "-q", "-j", "1"],
            cwd=SEED_YAML.parent.parent,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        hashes.append(hashlib.sha256((out / "developpeur-back-end.pdf").read_bytes()).digest())
    assert hashes[0] == hashes[1]
