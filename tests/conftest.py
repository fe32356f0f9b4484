"""Shared fixtures: the seed fiche rendered once per test session, and a fiche writer;
the `--fuzz-examples N` option for a longer run of the fuzz tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fichemetier.load import load_fiche
from fichemetier.model import validate

ROOT = Path(__file__).resolve().parent.parent
SEED_YAML = ROOT / "fiches" / "developpeur-back-end.yaml"
SEED_TEXT = Path(__file__).parent / "data" / "seed-developpeur-back-end.txt"

#: Set from `--fuzz-examples` before the test modules are imported (see test_fuzz.py).
FUZZ_EXAMPLES: int | None = None


def pytest_addoption(parser):
    parser.addoption(
        "--fuzz-examples",
        type=int,
        default=None,
        metavar="N",
        help="run each fuzz test on N random examples (default: a small fixed set, for CI)",
    )
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the templates (review the result with git diff)",
    )


def pytest_configure(config):
    global FUZZ_EXAMPLES
    FUZZ_EXAMPLES = config.getoption("--fuzz-examples")


MINIMAL = """\
metier: Boulanger
le_metier: Il fabrique le pain.
"""


@pytest.fixture(scope="session", autouse=True)
def _renderers_released_before_exit():
    """The Renderer of this process (fichemetier.pipeline.renderer) is released while Python
    still runs: freed during interpreter shutdown, WeasyPrint's FontConfiguration.__del__
    finds its C library already gone and prints an ignored TypeError."""
    yield
    import gc

    from fichemetier import pipeline

    pipeline.renderer.cache_clear()
    gc.collect()


@pytest.fixture(scope="session")
def renderer():
    from fichemetier.pipeline import renderer

    return renderer()


@pytest.fixture(scope="session")
def seed_fiche():
    return validate(load_fiche(SEED_YAML))


@pytest.fixture(scope="session")
def seed_pdf(renderer, seed_fiche, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "developpeur-back-end.pdf"
    path.write_bytes(renderer.pdf(seed_fiche, SEED_YAML.parent))
    return path


@pytest.fixture
def write_fiche(tmp_path):
    """Write a fiche file (dedented YAML text, or raw bytes) and return its path."""

    def write(text: str | bytes, name: str = "fiche.yaml") -> Path:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write
