"""Grammalecte, an independent French checker, reads the seed's PDF as printed: its
typography findings (spaces, no-break spaces, units, numbers, signs) stay at zero, but
for the seed's own wording, allowed below one by one.

Grammalecte comes from Debian (`python3-grammalecte`, installed by setup.sh; the PyPI
wrapper `pygrammalecte` downloads it from the web at first use instead). It runs in the
system Python that has it (tests/grammalecte_run.py), not in the project's venv.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pypdfium2
import pytest

from fichemetier.options import RenderOptions

from .conftest import SEED_YAML

RUNNER = Path(__file__).parent / "grammalecte_run.py"
PYTHON = os.environ.get("GRAMMALECTE_PYTHON", "/usr/bin/python3")
#: Grammalecte's typography options (its « Typographie » group, less capitals, hyphens
#: between words and commas, which are wording).
TYPOGRAPHY = {"typo", "apos", "esp", "tab", "nbsp", "unit", "num", "nf"}
#: The seed's own wording, printed as written: (rule, flagged text) → why it stays.
ALLOWED = {
    ("typo_espace_manquant_après3", "eu"): "the address epitech.eu, printed as it is",
}


def _has_grammalecte() -> bool:
    try:
        run = subprocess.run([PYTHON, "-c", "import grammalecte"], capture_output=True)
    except OSError:
        return False
    return run.returncode == 0


MISSING = f"Grammalecte absent de {PYTHON} : sudo apt install python3-grammalecte (setup.sh)"


@pytest.fixture(scope="module", autouse=True)
def grammalecte() -> None:
    """Skipped where Grammalecte is not installed, but a failure in CI (.ci/run sets
    CI=true), where setup.sh installs it: a checker that silently never runs checks nothing."""
    if not _has_grammalecte():
        if os.environ.get("CI") == "true":
            pytest.fail(MISSING)
        pytest.skip(MISSING)


def paragraphs(data: bytes) -> list[str]:
    """The PDF's text as a reader meets it: pypdfium2 keeps the no-break spaces; a word
    the layout hyphenated is whole again, an address broken before a hyphen or after a
    slash is joined, other line ends are spaces, and a line ending a sentence ends a
    paragraph (so that « — Ailin » starts one, as printed)."""
    found = []
    for page in pypdfium2.PdfDocument(data):
        text = page.get_textpage().get_text_range()
        text = re.sub("\u2010\r\n|(?<=/)\r\n|\r\n(?=-)", "", text)
        text = re.sub(r"(?<=[.!?:…»])[ \t]*\r\n", "\n", text)
        text = re.sub(r"[ \t]*\r\n", " ", text)
        found += [re.sub(" +", " ", p).strip(" ") for p in text.split("\n")]  # no-break kept
    return [p for p in found if p.strip()]


def findings(data: bytes) -> list[dict]:
    run = subprocess.run(
        [PYTHON, str(RUNNER)],
        input=json.dumps(paragraphs(data)),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout)


@pytest.mark.parametrize("format", ["a4", "a5"])
def test_grammalecte_finds_no_typography_fault_in_the_seed_pdf(renderer, seed_fiche, format):
    data = renderer.pdf(seed_fiche, SEED_YAML.parent, RenderOptions(format=format))
    faults = [
        f"{f['rule']}: {f['text']!r} in {f['context']!r} ({f['message']})"
        for f in findings(data)
        if f["type"] in TYPOGRAPHY and (f["rule"], f["text"]) not in ALLOWED
    ]
    assert faults == []


def test_grammalecte_sees_what_it_should():
    """The checker and the reading above do catch the faults this project fixes."""
    text = ["— Ailin", "entre 2000 € et 3 000 €"]
    run = subprocess.run(
        [PYTHON, str(RUNNER)], input=json.dumps(text), capture_output=True, text=True, check=True
    )
    rules = {f["rule"] for f in json.loads(run.stdout)}
    assert {"nbsp_après_tiret1", "unit_nbsp_avant_unités1"} <= rules
