"""Studio benchmark: preview latency of the seed fiche, as the studio serves it.

    .venv/bin/python benchmarks/studio_preview.py [--edits 50]

Starts the studio on a free port, then makes N edits of the seed fiche (a different word
in its text each time, so nothing is cached) and times each POST /verifier: validation,
the render through `build.produce` in the worker, the pages rasterised as PNG, and the
JSON answer. Prints the median and the 95th percentile; the server's own render +
rasterise time is printed beside it.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fichemetier.load import load_fiche  # noqa: E402
from fichemetier.studio.forms import build  # noqa: E402
from tests.studio_browser import Server  # noqa: E402


def pairs(widgets) -> list[tuple[str, str]]:
    out = []
    for widget in widgets:
        if widget.children:
            out += pairs(widget.children)
        elif widget.kind not in ("object", "list"):
            out.append((widget.path, widget.value or ""))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=50)
    args = parser.parse_args()
    seed = ROOT / "fiches" / "developpeur-back-end.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "fiches"
        folder.mkdir()
        shutil.copy(seed, folder)
        server = Server(folder)
        try:
            form = pairs(build(load_fiche(seed).data))
            url = f"{server.url}/fiche/{seed.name}/verifier"
            totals, renders = [], []
            for edit in range(args.edits + 2):  # two warm-up edits: the worker's start
                data = [(k, v + f" mot{edit}" if k == "le_metier" else v) for k, v in form]
                body = urllib.parse.urlencode([*data, ("_brouillon", "1")]).encode()
                request = urllib.request.Request(url, body, {"Origin": server.url})
                started = time.perf_counter()
                with urllib.request.urlopen(request) as response:
                    answer = json.load(response)
                elapsed = time.perf_counter() - started
                assert answer["fresh"] and answer["pages"], answer["problems"]
                if edit >= 2:
                    totals.append(elapsed)
                    renders.append(answer["seconds"])
        finally:
            server.stop()
    p95 = statistics.quantiles(totals, n=20)[-1]
    print(
        f"studio preview, seed fiche, {args.edits} edits: median "
        f"{statistics.median(totals) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms "
        f"(request → JSON with PNG pages; layout + PDF alone: median "
        f"{statistics.median(renders) * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    main()
