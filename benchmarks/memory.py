"""Memory benchmark: the RSS of one process rendering the seed fiche again and again.

    .venv/bin/python benchmarks/memory.py [--renders 2000] [--every 500]

One process, one renderer, no worker replaced: prints the RSS after the first render and
every `--every` renders. The target (issue 17) is flat within 10 MB over 2 000 renders.
Not a test: it prints figures; read them, compare them with the README's.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fichemetier.load import load_fiche  # noqa: E402
from fichemetier.model import validate  # noqa: E402
from fichemetier.options import RenderOptions  # noqa: E402
from fichemetier.pipeline import renderer  # noqa: E402

SEED = ROOT / "fiches" / "developpeur-back-end.yaml"


def rss_mb() -> float:
    """This process's resident set size, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=2000, help="renders in all (2000)")
    parser.add_argument("--every", type=int, default=500, help="print every N renders (500)")
    args = parser.parse_args()

    fiche = validate(load_fiche(SEED))
    options = RenderOptions()
    render = renderer()
    render.pdf(fiche, SEED.parent, options)
    first = rss_mb()
    print(f"{'renders':>8} {'RSS MB':>8} {'growth':>8} {'ms/render':>10}")
    print(f"{0:8} {first:8.1f} {0:+8.1f}")
    started = time.perf_counter()
    for done in range(1, args.renders + 1):
        render.pdf(fiche, SEED.parent, options)
        if done % args.every == 0:
            ms = (time.perf_counter() - started) / args.every * 1000
            print(f"{done:8} {rss_mb():8.1f} {rss_mb() - first:+8.1f} {ms:10.0f}", flush=True)
            started = time.perf_counter()


if __name__ == "__main__":
    main()
