"""Batch benchmark: how fast fiches become PDFs, at the scale of a career fair.

    ./setup.sh && .venv/bin/pip install -q -e ".[bench]" && .venv/bin/python benchmarks/batch.py

Builds N synthetic fiches from the seed fiche (varied titles and lengths), then prints,
side by side: the naive loop (one `generate.py` process per fiche, as a user would script
it), the batch cold, the no-op rerun, one edited fiche, peak RSS, PDF size, RSS growth of
one process over many renders, the Typst peer on the same content, and a catalogue. Not a test: it
prints figures and ratios; read them, compare them with the README's.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from machine import machine  # noqa: E402

from fichemetier.cache import RACY_SECONDS  # noqa: E402
from fichemetier.load import load_fiche  # noqa: E402
from fichemetier.model import validate  # noqa: E402

SEED = ROOT / "fiches" / "developpeur-back-end.yaml"
TITLES = [
    "Développeur back end",
    "Boulangère",
    "Technicien de maintenance",
    "Infirmier",
    "Architecte paysagiste",
    "Cheffe de projet événementiel",
    "Électricien",
    "Géomaticienne",
    "Conseiller en insertion professionnelle",
    "Ébéniste",
    "Data analyst",
    "Aide-soignante",
]


def synthetic_fiches(folder: Path, count: int) -> list[Path]:
    """`count` fiches from the seed: other titles, fewer or more paragraphs and trainings."""
    yaml = YAML()
    seed = yaml.load(SEED.read_text(encoding="utf-8"))
    rng = random.Random(1)
    paths = []
    for index in range(count):
        fiche = dict(seed)
        fiche["metier"] = f"{rng.choice(TITLES)} {index}"
        paragraphs = seed["le_metier"].split("\n\n")
        fiche["le_metier"] = "\n\n".join(rng.sample(paragraphs, rng.randint(1, len(paragraphs))))
        groups = list(seed["formations_publiques"])
        fiche["formations_publiques"] = groups[: rng.randint(1, len(groups))]
        if rng.random() < 0.3:
            del fiche["formations_privees"]
        path = folder / f"fiche-{index:04}.yaml"
        with path.open("w", encoding="utf-8") as handle:
            yaml.dump(fiche, handle)
        paths.append(path)
    return paths


def generate(*args: str) -> float:
    """Seconds taken by one `generate.py` run (a fresh process, as a user runs it)."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "generate.py"), "-q", *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def primed(folder: Path, count: int, pdf: bytes) -> tuple[Path, Path]:
    """`count` fiches (the seed, retitled) whose PDFs are up to date, without rendering
    them: each gets a copy of `pdf` and its entry in the build record, as a batch would
    have written them. For the no-op rerun at a scale too large to render here."""
    from fichemetier.cache import BuildCache, inputs_key, setup_key
    from fichemetier.load import file_digest
    from fichemetier.options import RenderOptions

    fiches, out = folder / "fiches", folder / "output"
    fiches.mkdir()
    out.mkdir()
    seed = SEED.read_text(encoding="utf-8")
    cache = BuildCache(out, setup_key(RenderOptions().key()))
    for index in range(count):
        source = fiches / f"fiche-{index:05}.yaml"
        source.write_text(seed.replace("Développeur back end", f"Métier {index}"), "utf-8")
        target = out / f"{source.stem}.pdf"
        target.write_bytes(pdf)
        key = inputs_key(file_digest(source.read_bytes()), [])
        cache.record(source, target, [], key)
    cache.save()
    return fiches, out


def primed_noop(count: int, pdf: bytes) -> float:
    """Seconds of a no-op `generate.py` over `count` up-to-date fiches (a fresh process)."""
    with tempfile.TemporaryDirectory(prefix="fiches-noop-") as folder:
        fiches, out = primed(Path(folder), count, pdf)
        time.sleep(RACY_SECONDS)  # files this fresh are hashed on each run, by design
        generate(str(fiches), "--out", str(out))  # the record as the tool writes it
        return min(generate(str(fiches), "--out", str(out)) for _ in range(3))


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def memory_growth(paths: list[Path], renders: int) -> tuple[int, int, float]:
    """RSS of one process after 10 renders and after `renders` renders, and ms per render."""
    from fichemetier.render import Renderer

    renderer = Renderer()
    fiches = [validate(load_fiche(p)) for p in paths[:50]]
    early = 0
    started = time.perf_counter()
    for index in range(renders):
        renderer.pdf(fiches[index % len(fiches)], paths[0].parent)
        if index == 9:
            early = rss_kb()
    per_render = (time.perf_counter() - started) / renders * 1000
    return early, rss_kb(), per_render


def typst_peer(paths: list[Path], count: int) -> tuple[float, int]:
    """ms per fiche and PDF size of the Typst peer, compiled in one warm process."""
    import typst
    from typst_peer import to_typst

    sources = [to_typst(validate(load_fiche(p))).encode() for p in paths[:count]]
    fonts = [str(ROOT / "styles" / "fonts")]
    typst.compile(sources[0], font_paths=fonts, ignore_system_fonts=True)  # warm up
    started = time.perf_counter()
    sizes = [len(typst.compile(s, font_paths=fonts, ignore_system_fonts=True)) for s in sources]
    return (time.perf_counter() - started) / len(sources) * 1000, int(statistics.mean(sizes))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="fiches in the batch (1000)")
    parser.add_argument("--naive", type=int, default=8, help="fiches for the naive loop (8)")
    parser.add_argument("--renders", type=int, default=300, help="renders for RSS growth (300)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument(
        "--catalogue", type=int, default=100, help="fiches bound in the catalogue (100)"
    )
    parser.add_argument(
        "--noop", type=int, default=10000, help="fiches of the large no-op rerun (10000)"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="fiches-bench-"))
    try:
        fiches = work / "fiches"
        fiches.mkdir()
        out = work / "output"
        paths = synthetic_fiches(fiches, args.n)
        jobs = ["--jobs", str(args.jobs), "--out", str(out)]

        naive = [generate(str(p), "--out", str(work / "naive")) for p in paths[: args.naive]]
        naive_per = statistics.mean(naive)
        cold = generate(str(fiches), *jobs)
        children_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        noop = generate(str(fiches), *jobs)
        edited = paths[len(paths) // 2]
        edited.write_text(edited.read_text(encoding="utf-8") + "\n# corrigé\n", encoding="utf-8")
        one = generate(str(fiches), *jobs)
        size = statistics.mean(p.stat().st_size for p in out.glob("*.pdf"))
        early, late, warm_ms = memory_growth(paths, args.renders)
        typst_ms, typst_size = typst_peer(paths, min(100, args.n))
        big_noop = primed_noop(args.noop, next(out.glob("*.pdf")).read_bytes())
        bound = paths[: args.catalogue]
        catalogue = generate(
            "--catalogue", str(work / "catalogue.pdf"), "--jobs", str(args.jobs), *map(str, bound)
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    cold_per = cold / args.n
    rows = [
        (f"naive loop ({args.naive} processes)", naive_per, f"{naive_per:.2f} s per fiche"),
        (f"batch cold ({args.n} fiches, {args.jobs} jobs)", cold_per, f"{cold:.1f} s"),
        (f"no-op rerun ({args.n} fiches)", noop / args.n, f"{noop:.2f} s"),
        (f"no-op rerun ({args.noop} fiches, primed)", big_noop / args.noop, f"{big_noop:.2f} s"),
        (f"one edited fiche among {args.n}", one, f"{one:.2f} s"),
        ("one warm render, in process", warm_ms / 1000, f"{warm_ms:.0f} ms"),
        ("Typst peer, warm, in process", typst_ms / 1000, f"{typst_ms:.0f} ms"),
        (
            f"catalogue of {len(bound)} fiches ({args.jobs} jobs)",
            catalogue / len(bound),
            f"{catalogue:.1f} s",
        ),
    ]
    print(f"\nMachine: {machine()}")
    print(f"{'':44} {'fiches/s':>10} {'× naive':>9}   time")
    for label, per_fiche, shown in rows:
        print(f"{label:44} {1 / per_fiche:10.1f} {naive_per / per_fiche:9.1f}   {shown}")
    print(f"\npeak RSS of a process of the batch: {children_rss / 1024:.0f} MB")
    print(
        f"RSS of one process: {early / 1024:.0f} MB after 10 renders, "
        f"{late / 1024:.0f} MB after {args.renders} ({(late - early) / 1024:+.0f} MB)"
    )
    print(f"PDF size: {size / 1024:.0f} KB on average (Typst peer: {typst_size / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
