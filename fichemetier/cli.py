"""Step 6, cli: `python generate.py [PATH...] [--out DIR] [--format a4|a5] [--print] [--check]`.

Two phases, as users expect from a batch: first every fiche is read and validated
(all mistakes reported at once), then the valid ones that changed are rendered. A bad
fiche never stops the others; the exit code says whether everything went well.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pydantic import ValidationError

from .batch import Job, Workers, check, located, render, workers
from .cache import BuildCache, inputs_key, setup_key
from .catalogue import Entry, select
from .errors import FicheProblem
from .model import Niveaux
from .options import PAGE_BUDGET, RenderOptions
from .report import Report, reporter
from .typography import niveau_label
from .write import remove_leftovers, write_atomic

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143
LOCK_NAME = ".fiches.lock"
SAVE_EVERY = 2.0  # seconds between saves of the build cache during a long batch


class UsageError(Exception):
    """A command-line mistake (exit code 2), as opposed to a mistake inside a fiche."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="generate.py", description="Génère un PDF par fiche métier (fichier YAML)."
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="CHEMIN",
        help="fichiers .yaml ou dossiers de fiches (par défaut : fiches/)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("output"),
        metavar="DOSSIER",
        help="dossier où écrire les PDF (par défaut : output/)",
    )
    parser.add_argument(
        "--check", action="store_true", help="vérifie les fiches sans écrire de PDF"
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=_positive,
        default=_cores(),
        metavar="N",
        help="nombre de processus de mise en page (par défaut : un par cœur)",
    )
    parser.add_argument(
        "--force", action="store_true", help="refait tous les PDF, même ceux qui sont à jour"
    )
    parser.add_argument(
        "--format",
        choices=sorted(PAGE_BUDGET),
        default="a4",
        type=str.lower,
        help="a4 (par défaut, 2 pages au plus) ou a5 (dépliant, 4 pages au plus)",
    )
    parser.add_argument(
        "--print",
        dest="imprimeur",
        action="store_true",
        help="pour l'imprimeur : fond perdu de 3 mm, traits de coupe, TrimBox et BleedBox",
    )
    parser.add_argument(
        "--catalogue",
        type=Path,
        metavar="FICHIER.pdf",
        help="réunit les fiches choisies en un seul PDF : couverture, sommaire, une fiche "
        "par page de droite, triées par métier",
    )
    parser.add_argument(
        "--niveau",
        type=_niveau,
        metavar="NIVEAU",
        help="avec --catalogue : seulement les fiches qui ont une formation de ce niveau "
        "(ex. bac+2)",
    )
    parser.add_argument(
        "--titre",
        default="Fiches métier",
        help="avec --catalogue : le titre de la couverture (par défaut : Fiches métier)",
    )
    parser.add_argument(
        "--pdfa",
        action="store_true",
        help="PDF/A-2u pour l'archivage (au lieu de PDF/UA-1 ; balisé dans les deux cas)",
    )
    parser.add_argument(
        "--quiet", "-q", action="store_true", help="n'affiche que les erreurs et le bilan"
    )
    return parser.parse_args(argv)


def _cores() -> int:
    """Cores this process may use (sched_getaffinity is Linux only)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"un nombre entier ≥ 1 est attendu, pas « {text} »")
    return int(text)


def _niveau(text: str) -> str:
    """`bac+2`, `Bac + 2`, `cap`… as the model spells it, or a usage error."""
    try:
        return Niveaux.validate_python(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(exc.errors()[0]["msg"]) from None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        files = collect(args.paths or [Path("fiches")])
        if args.catalogue is None and args.niveau:
            raise UsageError("--niveau ne s'emploie qu'avec --catalogue FICHIER.pdf")
        if args.catalogue is not None:
            prepare_catalogue(args.catalogue)
        lock = None if args.check or args.catalogue else lock_output(args.out)
    except UsageError as exc:
        print(f"generate.py: {exc}", file=sys.stderr)
        return EXIT_USAGE
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        if args.catalogue is not None:
            return run_catalogue(files, args, reporter(args.quiet))
        return run(files, args, reporter(args.quiet))
    except KeyboardInterrupt as exc:
        message = "Interrompu : les PDF déjà écrits sont complets, relancez pour finir."
        print(f"\n{message}", file=sys.stderr)
        return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
    finally:
        signal.signal(signal.SIGTERM, previous)
        if lock is not None:
            lock.close()


class Terminated(KeyboardInterrupt):
    """SIGTERM (kill): stop as cleanly as on Ctrl-C."""


def _terminate(signum, frame):
    raise Terminated


def collect(paths: list[Path]) -> list[Path]:
    """The fiche files named on the command line, folders expanded to their *.yaml."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")))
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"{path} : fichier ou dossier introuvable")
    if not files:
        raise UsageError(f"aucune fiche (.yaml) dans {', '.join(map(str, paths))}")
    return [_shown(f) for f in dict.fromkeys(files)]


def lock_output(out: Path) -> IO[bytes]:
    """Create the output folder and hold its lock for the whole run: two runs writing the
    same folder would remove each other's temporary files and mix up the build record.
    An unusable folder is one usage error, not one error per fiche."""
    prepare_output(out)
    handle = (out / LOCK_NAME).open("ab")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        message = f"{out} : une autre génération y écrit déjà, attendez qu'elle finisse"
        raise UsageError(message) from None
    return handle


def prepare_output(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        message = f"{out} : impossible de créer le dossier de sortie ({exc.strerror})"
        raise UsageError(message) from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise UsageError(f"{out} : dossier de sortie protégé en écriture")


def prepare_catalogue(target: Path) -> None:
    if target.suffix.lower() != ".pdf":
        raise UsageError(f"{target} : le catalogue doit être un fichier .pdf")
    prepare_output(target.parent)


def _shown(path: Path) -> Path:
    """The path as the user will read it in messages: relative when it is below here."""
    relative = os.path.relpath(path)
    return Path(relative) if not relative.startswith("..") else path


def run(files: list[Path], args: argparse.Namespace, report: Report) -> int:
    started = time.perf_counter()
    render_options = options(args)
    cache = None if args.check else BuildCache(args.out, setup_key(render_options.key()))
    stale, up_to_date, problems = triage(files, args.out, cache, force=args.force)
    done = 0
    try:
        with workers(args.jobs, len(stale)) as pool:
            jobs = plan(stale, pool, problems, render_options, check_only=args.check)
            for problem in problems:
                report.problem(problem)
            if jobs:
                done = render_jobs(jobs, pool, cache, report, problems)
    finally:  # workers stopped by now, even on Ctrl-C: drop half-written files (also those
        # of an earlier run that was killed)
        if cache is not None:
            remove_leftovers(args.out)
    problems.sort(key=lambda p: (p.file, p.line or 0))
    failed = len({p.file for p in problems if not p.warning})
    warnings = sum(p.warning for p in problems)
    seconds = time.perf_counter() - started
    counts = Counts(done, up_to_date, failed, warnings)
    report.done(problems, summary(counts, seconds, check=args.check))
    return EXIT_FAILED if failed else EXIT_OK


def options(args: argparse.Namespace) -> RenderOptions:
    """The options that change a PDF's content, hence part of the cache key."""
    return RenderOptions(format=args.format, print=args.imprimeur, pdfa=args.pdfa)


def run_catalogue(files: list[Path], args: argparse.Namespace, report: Report) -> int:
    """Check every fiche, then bind the chosen ones into one PDF (or only preflight it with
    --check). Fiches with mistakes are left out and reported; the catalogue is still made."""
    started = time.perf_counter()
    problems: list[FicheProblem] = []
    entries, lines = [], {}
    with workers(args.jobs, len(files)) as pool:
        for source, checked in pool.ordered(check, files):
            if isinstance(checked, BaseException):
                problems.append(_lost(source))
                continue
            problems.extend(checked.problems)
            if checked.fiche is not None:
                entries.append(Entry(source, checked.fiche))
                lines[source] = checked.lines
    for problem in problems:
        report.problem(problem)
    chosen = select(entries, args.niveau)
    filtre = f"avec une formation de niveau {niveau_label(args.niveau)}" if args.niveau else ""
    pages = 0
    if chosen:
        with report.progress(1):
            pages, found = bind(chosen, lines, args, filtre)
        for problem in found:
            report.problem(problem)
        problems.extend(found)
    else:
        report.note(f"aucune fiche à mettre dans le catalogue{' ' + filtre if filtre else ''}")
    problems.sort(key=lambda p: (p.file, p.line or 0))
    failed = len({p.file for p in problems if not p.warning})
    seconds = time.perf_counter() - started
    what = "vérifié" if args.check else f"écrit : {_shown(args.catalogue)}"
    head = f"Catalogue {what}, {_count(len(chosen), 'fiche', 'fiches')}, "
    head += f"{_count(pages, 'page', 'pages')}"
    counts = Counts(0, 0, failed, sum(p.warning for p in problems))
    report.done(problems, head + ", " + summary(counts, seconds, check=True).split(", ", 1)[1])
    return EXIT_FAILED if failed or not chosen else EXIT_OK


def bind(
    chosen: list[Entry], lines: dict[Path, dict], args: argparse.Namespace, filtre: str
) -> tuple[int, list[FicheProblem]]:
    """Lay out the catalogue, preflight each fiche in it, write it (atomically)."""
    from .preflight import preflight
    from .render import Renderer

    render_options = options(args)
    renderer = Renderer()
    document = renderer.catalogue_layout(chosen, render_options, args.titre, filtre)
    findings = preflight(document, [entry.fiche for entry in chosen], render_options)
    found = [located(chosen[f.fiche].source, lines[chosen[f.fiche].source], f) for f in findings]
    if not args.check:
        write_atomic(args.catalogue, renderer.write(document, render_options))
    return len(document.pages), found


def triage(
    files: list[Path], out: Path, cache: BuildCache | None, *, force: bool
) -> tuple[dict[Path, Path], int, list[FicheProblem]]:
    """Which fiches need work (source → target PDF); the up-to-date ones are only counted."""
    stale: dict[Path, Path] = {}
    problems: list[FicheProblem] = []
    up_to_date = 0
    targets: dict[str, Path] = {}
    for path in files:
        target = out / f"{path.stem}.pdf"
        if (first := targets.setdefault(target.name, path)) != path:
            message = f"même nom de PDF que {first} ({target.name}) : renommez l'un des deux"
            problems.append(FicheProblem(str(path), None, None, message))
        elif cache is not None and not force and cache.is_fresh(path, target):
            up_to_date += 1
            problems.extend(cache.warnings(target))  # shown again until the fiche is fixed
        else:
            stale[path] = target
    return stale, up_to_date, problems


def plan(
    stale: dict[Path, Path],
    pool: Workers,
    problems: list[FicheProblem],
    render_options: RenderOptions,
    *,
    check_only: bool = False,
) -> list[Job]:
    """Phase 1: load and validate every stale fiche (in the workers), in file order.
    With `check_only`, the jobs lay out and preflight the fiches but write nothing."""
    jobs: list[Job] = []
    for source, checked in pool.ordered(check, list(stale)):
        if isinstance(checked, BaseException):
            problems.append(_lost(source))
            continue
        problems.extend(checked.problems)
        if checked.fiche is None:
            continue
        photo = checked.fiche.temoignage.photo if checked.fiche.temoignage else None
        dependencies = (photo,) if photo else ()
        try:
            key = inputs_key(checked.digest, list(dependencies))
        except OSError as exc:
            problems.append(FicheProblem(str(source), None, None, f"image illisible ({exc})"))
            continue
        target = None if check_only else stale[source]
        jobs.append(
            Job(source, target, checked.fiche, dependencies, key, render_options, checked.lines)
        )
    return jobs


def _lost(source: Path) -> FicheProblem:
    """A worker process died (killed, out of memory): its fiche is reported, not lost."""
    message = "le processus de travail s'est arrêté brutalement (mémoire ?) : relancez"
    return FicheProblem(str(source), None, None, message)


def render_jobs(
    jobs: list[Job],
    pool: Workers,
    cache: BuildCache | None,
    report: Report,
    problems: list[FicheProblem],
) -> int:
    """Phase 2: lay out and preflight in parallel, then (unless --check, without a cache)
    record each PDF as it lands and save the cache often. Returns the fiches that passed."""
    from .render import SLOW_FONT_SUBSETTING, SLOW_PATH_WARNING

    if SLOW_FONT_SUBSETTING:
        report.note(SLOW_PATH_WARNING)
    passed = 0
    saved = time.monotonic()
    try:
        with report.progress(len(jobs)):
            for job, outcome in pool.unordered(render, jobs):
                found = (
                    [_lost(job.source)] if isinstance(outcome, BaseException) else outcome.problems
                )
                problems.extend(found)
                for problem in found:
                    report.problem(problem)
                if any(not p.warning for p in found):
                    if cache is not None:
                        cache.forget(job.target)
                    continue
                passed += 1
                if cache is None:
                    continue
                cache.record(job.source, job.target, list(job.dependencies), job.key, found)
                report.written(str(_shown(job.target)))
                if time.monotonic() - saved > SAVE_EVERY:
                    _save(cache)
                    saved = time.monotonic()
    finally:  # keep the record of every PDF already written, even on Ctrl-C
        if cache is not None:
            _save(cache)
    return passed


def _save(cache: BuildCache) -> None:
    """Saving the cache is an optimisation: an unwritable folder is reported per fiche."""
    with contextlib.suppress(OSError):
        cache.save()


@dataclass(frozen=True)
class Counts:
    done: int  # PDFs written, or fiches that passed with --check
    up_to_date: int
    failed: int
    warnings: int


def summary(counts: Counts, seconds: float, *, check: bool) -> str:
    """`3 PDF écrits, 1 fiche en erreur (2,4 s)`, French plurals included."""
    if check:
        parts = [_count(counts.done, "fiche valide", "fiches valides")]
    else:
        parts = [_count(counts.done, "PDF écrit", "PDF écrits")]
        if counts.up_to_date:
            parts.append(f"{counts.up_to_date} à jour")
    parts.append(_count(counts.failed, "fiche en erreur", "fiches en erreur"))
    if counts.warnings:
        parts.append(_count(counts.warnings, "avertissement", "avertissements"))
    return f"{', '.join(parts)} ({seconds:.1f} s)".replace(".", ",")


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number <= 1 else many}"
