"""veraPDF, the reference validator, on every kind of output: PDF/UA-1 on all of them,
PDF/A-2u as well on the `--pdfa` ones. The seed fiche and a few random valid fiches
(the fuzz generator, derandomized: the same ones on every run) in A4, A5, for the print
shop, as PDF/A, and bound in catalogues (plain, print, PDF/A), and with an edition's
brand (a catalogue plain and PDF/A, an A5 fiche). One JVM call per profile.

The validator is `../shared/tools/verapdf/verapdf` beside the project (built on first use
into ~/.cache/verapdf; it needs Java). Without it the test is skipped, but under `CI=true`
a missing validator is a failure.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from PIL import Image
from ruamel.yaml import YAML

from fichemetier.batch import Workers
from fichemetier.binding import bind
from fichemetier.catalogue import Entry
from fichemetier.edition import load_edition
from fichemetier.load import load_fiche
from fichemetier.model import validate
from fichemetier.options import RenderOptions
from fichemetier.preflight import preflight

from .conftest import ROOT, SEED_YAML
from .test_fuzz import fiches

pytestmark = pytest.mark.slow  # real processes, browsers or veraPDF: `-m 'not slow'` skips them

VERAPDF = ROOT.parent / "shared" / "tools" / "verapdf" / "verapdf"
KINDS = {
    "a4": RenderOptions(),
    "a5": RenderOptions(format="a5"),
    "print": RenderOptions(print=True),
    "a5-print": RenderOptions(format="a5", print=True),
    "pdfa": RenderOptions(pdfa=True),
    "print-pdfa": RenderOptions(print=True, pdfa=True),  # black ink in DeviceGray, no PDF/X
}
FUZZ_FICHES = 3


def random_fiches(folder: Path, count: int) -> list[Path]:
    """The fuzz generator's first examples, written as files: always the same ones."""
    drawn: list[dict] = []

    @settings(
        max_examples=12,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(fiches)
    def collect(data):
        drawn.append(data)

    collect()
    drawn.sort(key=lambda data: -len(repr(data)))  # the fullest first
    paths = []
    for index, data in enumerate(drawn[: count * 2]):
        path = folder / f"fuzz-{index}.yaml"
        with path.open("w", encoding="utf-8") as handle:
            YAML().dump(data, handle)
        paths.append(path)
    return paths


def render_all(renderer, folder: Path) -> tuple[list[Path], list[Path]]:
    """Every output kind of the seed and of random fiches that fit their pages."""
    sources = [SEED_YAML, *random_fiches(folder, FUZZ_FICHES)]
    written, entries = [], []
    for source in sources:
        fiche = validate(load_fiche(source))
        outputs = []
        for kind, options in KINDS.items():
            document = renderer.layout(fiche, source.parent, options)
            if any(not f.warning for f in preflight(document, [fiche], options)):
                break  # a random fiche over its page budget: not printed, not checked
            outputs.append((folder / f"{source.stem}-{kind}.pdf", document, options))
        else:
            for path, document, options in outputs:
                path.write_bytes(renderer.write(document, options))
                written.append(path)
            entries.append(Entry(source, fiche))
        if len(entries) == 1 + FUZZ_FICHES:
            break
    assert len(entries) >= 3, "too few random fiches fit their pages"
    for kind in ("a4", "print", "pdfa"):
        options = KINDS[kind]
        bound = bind(Workers(1), entries, options, "Fiches métier", "")  # as generate.py does
        assert bound.pdf is not None and len(bound.entries) == len(entries)
        path = folder / f"catalogue-{kind}.pdf"
        path.write_bytes(bound.pdf)
        written.append(path)
    written += branded(renderer, folder, entries)
    written += with_photo(renderer, folder)
    return written, [path for path in written if path.stem.endswith("pdfa")]


def branded(renderer, folder: Path, entries: list[Entry]) -> list[Path]:
    """The example edition (editions/exemple.yaml: logos in PNG and SVG, a QR code, its
    colours) on a catalogue, plain and PDF/A, and on the seed in A5."""
    edition = load_edition(ROOT / "editions" / "exemple.yaml")
    written = []
    for kind in ("a4", "pdfa"):
        options = replace(KINDS[kind], edition=edition)
        document = renderer.catalogue_layout(entries, options, edition.titre)
        path = folder / f"catalogue-edition-{kind}.pdf"
        path.write_bytes(renderer.write(document, options))
        written.append(path)
    options = replace(KINDS["a5"], edition=edition)
    fiche = entries[0]
    path = folder / "seed-edition-a5.pdf"
    path.write_bytes(renderer.pdf(fiche.fiche, fiche.source.parent, options))
    return [*written, path]


def with_photo(renderer, folder: Path) -> list[Path]:
    """The seed with a portrait, as an archive (PDF/A forbids interpolated images) and
    for the print shop (the photo converted to CMYK)."""
    Image.radial_gradient("L").convert("RGB").resize((400, 500)).save(folder / "ailin.jpg")
    source = folder / "portrait.yaml"
    text = SEED_YAML.read_text(encoding="utf-8")
    source.write_text(
        text.replace("  auteur: Ailin\n", "  auteur: Ailin\n  photo: ailin.jpg\n"), "utf-8"
    )
    fiche = validate(load_fiche(source))
    assert fiche.temoignage and fiche.temoignage.photo is not None
    written = []
    for kind in ("print", "pdfa"):
        path = folder / f"portrait-{kind}.pdf"
        path.write_bytes(renderer.pdf(fiche, folder, KINDS[kind]))
        written.append(path)
    return written


def validator() -> Path:
    if VERAPDF.is_file():
        return VERAPDF
    message = f"veraPDF absent ({VERAPDF}) : la conformité PDF/UA n'est pas vérifiée"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def failures(profile: str, files: list[Path]) -> dict[str, list[str]]:
    """veraPDF's verdict: file name → failed rules (ISO clause-test), for failed files."""
    run = subprocess.run(
        [str(validator()), "-f", profile, "--format", "text", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    verdicts = re.findall(r"^(PASS|FAIL) (\S+) ", run.stdout, re.MULTILINE)
    assert len(verdicts) == len(files), f"veraPDF: {run.returncode}\n{run.stdout}{run.stderr}"
    failed: dict[str, list[str]] = {}
    current = None
    for line in run.stdout.splitlines():
        if match := re.match(r"^(PASS|FAIL) (\S+) ", line):
            current = Path(match[2]).name
        elif match := re.match(r"^\s+FAIL (\S+)", line):
            failed.setdefault(current, []).append(match[1])
    return failed


@pytest.fixture(scope="module")
def outputs(renderer, tmp_path_factory):
    return render_all(renderer, tmp_path_factory.mktemp("verapdf"))


def shown(failed: dict[str, list[str]]) -> str:
    return "veraPDF: " + "; ".join(f"{name}: {', '.join(rules)}" for name, rules in failed.items())


def test_every_output_passes_pdf_ua_1(outputs):
    files, _ = outputs
    assert len(files) >= 4 * len(KINDS) + 3 + 3
    failed = failures("ua1", files)
    assert not failed, shown(failed)


def test_pdfa_outputs_also_pass_pdf_a_2u(outputs):
    _, pdfa = outputs
    assert len(pdfa) >= 6  # four fiches and the catalogues, plain and branded
    failed = failures("2u", pdfa)
    assert not failed, shown(failed)
