"""Catalogue benchmark: time and memory of `generate.py --catalogue` at school and national scale.

    ./setup.sh && .venv/bin/python benchmarks/catalogue.py [-n 100 900] [--jobs 2] [--before REV]

Builds synthetic fiches from the seed (benchmarks/batch.py's), then binds the first N of them
into one catalogue in a fresh `generate.py` process, and prints for each N: the wall time,
the pages, and the peak RSS of the whole run (the parent and its workers summed, sampled
every 20 ms from /proc: the figure that must stay under 1 GB), and of its largest process,
and the CPU seconds of them all (the figure to compare on a machine others share).
With `--before REV` (a git revision, such as `main`), that revision's code makes the same
catalogues in the same run, alternating with this one, so the ratio holds on a busy machine.
Not a test: it prints figures; read them, compare them with the README's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from batch import ROOT, synthetic_fiches  # noqa: E402
from machine import machine  # noqa: E402


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_ticks(pid: int) -> int:
    """The process's own user and system time, in clock ticks (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return 0


def _tree(root: int) -> list[int]:
    """`root` and every process below it (the forkserver and its workers included)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def measured(root: Path, *args: str) -> tuple[float, int, int, float, list[int]]:
    """Seconds, peak summed RSS (KB) of the run's processes, peak RSS of the largest one,
    their CPU seconds (each one's last sample: within 20 ms of its end), and each one's
    RSS at the summed peak (the run itself first)."""
    command = [sys.executable, str(root / "generate.py"), "-q", *args]
    started = time.perf_counter()
    # Run from `root`, with it on PYTHONPATH: the forkserver (`python -c`) imports
    # fichemetier from its working folder or the venv's editable install, not from the
    # script's folder, so the workers of a `--before` checkout ran this code otherwise.
    environment = {**os.environ, "PYTHONPATH": str(root)}
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=root, env=environment
    )
    peak_sum = peak_one = 0
    shares: list[int] = []
    ticks: dict[int, int] = {}
    while process.poll() is None:
        pids = _tree(process.pid)
        sizes = [_rss_kb(pid) for pid in pids]
        if sum(sizes) > peak_sum:
            peak_sum, shares = sum(sizes), sizes
        peak_one = max(peak_one, max(sizes, default=0))
        ticks.update({pid: max(ticks.get(pid, 0), _cpu_ticks(pid)) for pid in pids})
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"generate.py a échoué ({process.returncode}): {process.stderr.read()}")
    cpu = sum(ticks.values()) / os.sysconf("SC_CLK_TCK")
    return seconds, peak_sum, peak_one, cpu, shares


def checkout(revision: str, folder: Path) -> Path:
    """The project as it was at `revision`, extracted into `folder` (its generate.py imports
    its own fichemetier: the script's folder comes first on sys.path)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision], check=True, capture_output=True
    ).stdout
    folder.mkdir()
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def pages(pdf: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf) as document:
        return len(document.pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, nargs="+", default=[100], help="fiches (100)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--format", default="a4")
    parser.add_argument("--before", help="a git revision to measure side by side")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="fiches-catalogue-"))
    rows = []
    try:
        fiches = work / "fiches"
        fiches.mkdir()
        paths = synthetic_fiches(fiches, max(args.n))
        roots = {"this": ROOT}
        if args.before:
            roots = {args.before: checkout(args.before, work / "before"), **roots}
        for count in args.n:
            for name, root in roots.items():
                target = work / f"catalogue-{count}.pdf"
                options = ["--jobs", str(args.jobs), "--format", args.format]
                seconds, peak_sum, peak_one, cpu, shares = measured(
                    root, "--catalogue", str(target), *options, *map(str, paths[:count])
                )
                row = (name, count, seconds, pages(target), peak_sum, peak_one, cpu, shares)
                rows.append(row)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"\nMachine: {machine()}, --jobs {args.jobs}")
    print(f"{'code':>10} {'fiches':>7} {'seconds':>8} {'pages':>6} {'peak RSS, all':>14}", end="")
    print(f" {'largest':>8} {'CPU s':>6}")
    for name, count, seconds, page_count, peak_sum, peak_one, cpu, _ in rows:
        print(
            f"{name:>10} {count:7} {seconds:8.1f} {page_count:6} {peak_sum / 1024:11.0f} MB "
            f"{peak_one / 1024:5.0f} MB {cpu:6.1f}"
        )
    print("At the summed peak, MB (the run, then the forkserver and its workers):")
    for name, count, *_, shares in rows:
        print(f"{name:>10} {count:7}  " + " + ".join(f"{kb / 1024:.0f}" for kb in shares))


if __name__ == "__main__":
    main()
