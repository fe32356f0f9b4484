"""Memory benchmark: the RSS of one process rendering the seed fiche again and again.

    .venv/bin/python benchmarks/memory.py [--renders 2000] [--every 500]

One process, one renderer, no worker replaced: prints the RSS after the first render, after
each of the next `--first` (where a leak or garbage left for the collector shows first) and
every `--every` renders, then the largest RSS seen and the CPU time a render took. The
target (issue 17) is flat within 10 MB over 2 000 renders.
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
    parser.add_argument("--first", type=int, default=10, help="print each of the first N (10)")
    args = parser.parse_args()

    fiche = validate(load_fiche(SEED))
    options = RenderOptions()
    render = renderer()
    render.pdf(fiche, SEED.parent, options)
    first = rss_mb()
    print(f"{'renders':>8} {'RSS MB':>8} {'growth':>8} {'CPU ms/render':>14}")
    print(f"{0:8} {first:8.1f} {0:+8.1f}")
    highest, since, cpu = first, 0, time.process_time()
    for done in range(1, args.renders + 1):
        render.pdf(fiche, SEED.parent, options)
        highest = max(highest, rss := rss_mb())
        if done <= args.first or done % args.every == 0:
            ms = (time.process_time() - cpu) / (done - since) * 1000
            print(f"{done:8} {rss:8.1f} {rss - first:+8.1f} {ms:14.0f}", flush=True)
            since, cpu = done, time.process_time()
    print(f"largest RSS {highest:.1f} MB ({highest - first:+.1f} MB after the first render)")


if __name__ == "__main__":
    main()
