"""Speed of one fiche: warm render of the seed beside the Typst peer, a cold run, and RSS.

    ./setup.sh && .venv/bin/pip install -q -e ".[bench]" && .venv/bin/python benchmarks/speed.py

Prints, measured side by side in this run (issue 17's targets are ratios, as machines
differ): the seed fiche rendered warm in process (layout + PDF + finishing, what the batch
and the studio pay per fiche) and the Typst peer compiling the same content, alternately,
median of `--rounds`; one fiche from a fresh `generate.py` process to its PDF (`--force`),
median of `--cold` runs; the RSS of this process after `--renders` more renders. Wall
clock, and the CPU time of this process beside it (a loaded machine inflates the first).
Not a test: it prints figures; read them, compare them with the README's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from machine import machine  # noqa: E402
from memory import rss_mb  # noqa: E402

SEED = ROOT / "fiches" / "developpeur-back-end.yaml"


def timed(function) -> tuple[float, float]:
    """Wall and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - wall, time.process_time() - cpu


def warm(rounds: int) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """The seed rendered and the Typst peer compiled, alternately, after a warm-up."""
    import typst
    from typst_peer import to_typst

    from fichemetier.load import load_fiche
    from fichemetier.model import validate
    from fichemetier.options import RenderOptions
    from fichemetier.pipeline import renderer

    fiche, options, render = validate(load_fiche(SEED)), RenderOptions(), renderer()
    source, fonts = to_typst(fiche).encode(), [str(ROOT / "styles" / "fonts")]

    def ours():
        render.pdf(fiche, SEED.parent, options)

    def peer():
        typst.compile(source, font_paths=fonts, ignore_system_fonts=True)

    for _ in range(3):
        ours(), peer()
    pairs = [(timed(ours), timed(peer)) for _ in range(rounds)]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def cold(runs: int) -> list[tuple[float, float]]:
    """One fiche from a fresh process to its PDF: wall, and CPU of the process and its
    children (resource usage of the waited-for child)."""
    found = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="fiches-cold-") as out:
            before = os.times()
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, str(ROOT / "generate.py"), "-q", "--force", str(SEED)]
                + ["--out", out],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            wall = time.perf_counter() - started
            after = os.times()
            cpu = (after.children_user - before.children_user) + (
                after.children_system - before.children_system
            )
            found.append((wall, cpu))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30, help="warm renders timed (30)")
    parser.add_argument("--cold", type=int, default=5, help="fresh processes timed (5)")
    parser.add_argument("--renders", type=int, default=300, help="renders for RSS (300)")
    args = parser.parse_args()

    cold_runs = cold(args.cold)  # first: before this process has imported anything
    ours, peer = warm(args.rounds)
    from fichemetier.load import load_fiche
    from fichemetier.model import validate
    from fichemetier.options import RenderOptions
    from fichemetier.pipeline import renderer

    fiche, options = validate(load_fiche(SEED)), RenderOptions()
    early = rss_mb()
    for _ in range(args.renders):
        renderer().pdf(fiche, SEED.parent, options)
    late = rss_mb()

    def median(runs, which):
        return statistics.median(run[which] for run in runs) * 1000

    print(f"\nMachine: {machine()}")
    print(f"{'':40} {'wall ms':>9} {'CPU ms':>9}")
    rows = [
        (f"seed fiche, warm, in process (median of {args.rounds})", ours),
        ("Typst peer, warm, in process", peer),
        (f"one fiche, fresh process to PDF (median of {args.cold})", cold_runs),
    ]
    for label, runs in rows:
        print(f"{label:52} {median(runs, 0):9.0f} {median(runs, 1):9.0f}")
    print(
        f"ratio warm seed / Typst: {median(ours, 0) / median(peer, 0):.1f}× wall, "
        f"{median(ours, 1) / median(peer, 1):.1f}× CPU (target ≤ 6×)"
    )
    print(
        f"RSS of this process: {early:.0f} MB after {args.rounds + 4} renders, "
        f"{late:.0f} MB after {args.renders} more ({late - early:+.1f} MB; "
        "benchmarks/memory.py for 2 000)"
    )


if __name__ == "__main__":
    main()
