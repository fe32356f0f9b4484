"""The worst input under each size limit, timed and weighed in a fresh process.

Each case is a fiche (or a photo) just under one limit of fichemetier.load, model or
photos; it is loaded and validated (and, for the photos and links, laid out and written
as a PDF) in its own process, whose time and peak memory (VmHWM) are printed. The
target of issue 12: under 10 s and 500 MB each. Run: `.venv/bin/python benchmarks/limits.py`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from fichemetier.load import MAX_DEPTH, MAX_TOKENS

ROOT = Path(__file__).resolve().parent.parent
HEAD = "metier: A\nle_metier: b\n"


def cases() -> dict[str, str]:
    """name → fiche text, each just under (or just over, when refusing is the worst) one
    limit."""
    n = MAX_TOKENS - 10
    text = "mots " * 10_000  # 50 000 characters
    return {
        "liste à plat (lignes)": HEAD + "x:\n" + "- a\n" * n,
        "liste en ligne (virgules)": HEAD + "x: [" + "1," * n + "1]\n",
        "clés": HEAD + "".join(f"k{i}: {'v' * 80}\n" for i in range(n)),
        "texte de 1,9 Mo sur une ligne": "metier: A\nle_metier: " + "mots " * 380_000 + "\n",
        "alias d'un long texte": f"metier: A\nle_metier: &t {text}\n"
        + "x: ["
        + ", ".join(["*t"] * (MAX_TOKENS - 100))
        + "]\n",
        "imbrication (crochets)": HEAD + "x: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n",
        "imbrication (retraits)": HEAD
        + "x:\n"
        + "".join("  " * i + "- \n" for i in range(2 * MAX_DEPTH)),
    }


PROBE = """
import re, sys, time
from pathlib import Path
start = time.perf_counter()
from fichemetier.errors import FicheError
from fichemetier.load import load_fiche
from fichemetier.model import validate
try:
    validate(load_fiche(Path(sys.argv[1])))
    outcome = "valide"
except FicheError as exc:
    outcome = exc.problems[0].message[:70]
peak = re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text())[1]
print(json.dumps([time.perf_counter() - start, int(peak) // 1024, outcome]))
"""


def measure(path: Path) -> tuple[float, int, str]:
    probe = "import json\n" + textwrap.dedent(PROBE)
    out = subprocess.run(
        [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, check=True
    )
    seconds, megabytes, outcome = json.loads(out.stdout)
    return seconds, megabytes, outcome


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, text in cases().items():
            path = Path(folder) / "fiche.yaml"
            path.write_text(text, encoding="utf-8")
            seconds, megabytes, outcome = measure(path)
            size = path.stat().st_size / 1000
            print(f"{name:32} {size:7.0f} Ko {seconds:5.1f} s {megabytes:4d} Mo  {outcome}")


if __name__ == "__main__":
    main()
