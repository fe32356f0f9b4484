"""pipeline.produce: one fiche through layout, preflight and PDF, as the batch, the catalogue
and the studio call it."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from fichemetier import pipeline
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
    assert produced.pdf is None and produced.pages == 3


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
