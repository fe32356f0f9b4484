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
from pathlib import Path
from typing import IO

from pydantic import TypeAdapter, ValidationError

from . import __version__
from .arguments import FrenchArgumentParser
from .batch import Job, Outcome, Workers, checked_entries, lost, render, workers
from .binding import run_catalogue
from .cache import BuildCache, inputs_key, setup_key
from .errors import FicheProblem, visible
from .model import Niveaux, Texts
from .options import FORMATS, RenderOptions
from .paths import shown
from .report import Counts, Report, reporter, summary, tally
from .stopping import (
    EXIT_BROKEN_PIPE,
    STOP_SIGNALS,
    catch_stop_signals,
    ignore_stop_signals,
    last_words,
    silence,
    stop_signals_deferred,
)
from .write import remove_leftovers

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
LOCK_NAME = ".fiches.lock"
DEFAULT_TITLE = "Fiches métier"
SAVE_EVERY = 2.0  # seconds between saves of the build cache during a long batch


class UsageError(Exception):
    """A command-line mistake (exit code 2), as opposed to a mistake inside a fiche."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = FrenchArgumentParser(
        prog="generate.py",
        description="Génère un PDF par fiche métier (fichier YAML).",
        version=__version__,
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
        metavar="DOSSIER",
        help="dossier où écrire les PDF (par défaut : output/, et pour les variantes "
        "output/a5/, output/impression/, output/pdfa/, output/a5-impression/…)",
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
        choices=sorted(FORMATS),
        default="a4",
        type=str.lower,
        help=" ; ".join(f"{page.name} : {page.description}" for page in FORMATS.values()),
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
        default=DEFAULT_TITLE,
        help="avec --catalogue : le titre de la couverture (par défaut : Fiches métier)",
    )
    parser.add_argument(
        "--pdfa",
        action="store_true",
        help="PDF/A-2u pour l'archivage, et PDF/UA-1 tout de même",
    )
    parser.add_argument(
        "--schema",
        action="store_true",
        help="affiche le schéma JSON d'une fiche (pour les éditeurs)",
    )
    parser.add_argument(
        "--nouvelle",
        metavar="MÉTIER",
        help="écrit une fiche à remplir, fiches/<métier>.yaml (ou dans le dossier donné)",
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
    return _as_in_a_fiche(Niveaux, text)


def _as_in_a_fiche(adapter: TypeAdapter, text: str) -> str:
    try:
        return adapter.validate_python(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(exc.errors()[0]["msg"]) from None


def main(argv: list[str] | None = None) -> int:
    previous = {number: signal.getsignal(number) for number in STOP_SIGNALS}
    lock = None
    try:
        catch_stop_signals()
        args = parse_args(argv)
        if args.schema or args.nouvelle is not None:
            return _schema_or_starter(args)
        try:
            files = collect(args.paths or [Path("fiches")])
            check_combination(args)
            args.out = args.out or default_out(options(args))
            if args.catalogue is not None:
                check_catalogue(args.catalogue, args.titre)
            # the catalogue's folder is locked too: a batch there removes leftover temp files
            folder = args.out if args.catalogue is None else args.catalogue.parent
            lock = None if args.check else lock_output(folder)
        except UsageError as exc:
            print(visible(f"generate.py: {exc}"), file=sys.stderr)
            return EXIT_USAGE
        if args.catalogue is not None:
            return run_catalogue(files, args, options(args), reporter(args.quiet))
        return run(files, args, reporter(args.quiet))
    except KeyboardInterrupt as exc:  # Stopped, or Ctrl-C when run from Python
        ignore_stop_signals()
        last_words("\nInterrompu : les PDF déjà écrits sont complets, relancez pour finir.")
        return 128 + getattr(exc, "signum", signal.SIGINT)
    except BrokenPipeError:  # `generate.py | head -1`: the reader has gone, so do we
        silence()
        return EXIT_BROKEN_PIPE
    finally:
        ignore_stop_signals()  # no signal between here and the handlers of before
        if lock is not None:
            lock.close()
        for number, handler in previous.items():
            signal.signal(number, handler)


def _schema_or_starter(args: argparse.Namespace) -> int:
    """`--schema` and `--nouvelle`: help for people who write fiches in a text editor."""
    from .errors import FicheError
    from .schema import schema_text
    from .starter import write_starter

    if args.schema:
        sys.stdout.write(schema_text())
        return EXIT_OK
    try:
        path = write_starter(args.nouvelle, args.paths[0] if args.paths else Path("fiches"))
    except FicheError as exc:
        print(f"generate.py: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"{shown(path)} : fiche à remplir écrite (vérifiez-la avec --check)")
    return EXIT_OK


def collect(paths: list[Path]) -> list[Path]:
    """The fiche files named on the command line, folders expanded to their fiches."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(fiches_in(path))
        elif path.is_file():
            files.append(path)  # named on purpose: taken whatever its name
        else:
            raise UsageError(f"{path} : fichier ou dossier introuvable")
    if not files:
        raise UsageError(f"aucune fiche (.yaml) dans {', '.join(map(str, paths))}")
    return [shown(f) for f in dict.fromkeys(files)]


FICHE_SUFFIXES = (".yaml", ".yml")


def fiches_in(folder: Path) -> list[Path]:
    """A folder's fiches: `.yaml`/`.yml` in any case (`.YAML` from a Windows stick), not
    hidden files nor editors' and systems' leftovers (`.#x.yaml`, `._x.yaml` from macOS,
    `x.yaml~`): those are copies, not fiches."""
    try:
        children = sorted(folder.iterdir())
    except OSError as exc:
        raise UsageError(f"{folder} : dossier illisible ({exc.strerror})") from None
    return [
        path
        for path in children
        if path.suffix.lower() in FICHE_SUFFIXES
        and not path.name.startswith(".")
        and path.is_file()
    ]


def lock_output(out: Path) -> IO[bytes]:
    """Create the output folder and hold its lock for the whole run: two runs writing the
    same folder would remove each other's temporary files and mix up the build record.
    An unusable folder is one usage error, not one error per fiche."""
    prepare_output(out)
    handle = _open_lock(out / LOCK_NAME)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        message = f"{out} : une autre génération y écrit déjà, attendez qu'elle finisse"
        raise UsageError(message) from None
    return handle


def _open_lock(path: Path) -> IO[bytes]:
    """The lock file, opened read-only (flock needs no more): in a folder shared by a
    group, the file may belong to a colleague and be read-only for us."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except IsADirectoryError:
        raise UsageError(f"{path} est un dossier : supprimez-le") from None
    except OSError as exc:
        raise UsageError(f"{path} : verrou inutilisable ({exc.strerror})") from None
    return os.fdopen(fd, "rb")


def prepare_output(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        message = f"{out} : impossible de créer le dossier de sortie ({exc.strerror})"
        raise UsageError(message) from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise UsageError(f"{out} : dossier de sortie protégé en écriture")


def check_combination(args: argparse.Namespace) -> None:
    """Options that would do nothing in this mode are refused: the user expects them to
    do something."""
    if args.catalogue is None and (args.niveau or args.titre != DEFAULT_TITLE):
        raise UsageError("--niveau et --titre ne s'emploient qu'avec --catalogue FICHIER.pdf")
    if args.catalogue is not None:
        mode = "--catalogue (seul le fichier du catalogue est écrit)"
    elif args.check:
        mode = "--check (rien n'est écrit)"
    else:
        return
    for option, given in (("--out", args.out is not None), ("--force", args.force)):
        if given:
            raise UsageError(f"{option} ne sert à rien avec {mode}")


def default_out(render_options: RenderOptions) -> Path:
    """Each variant has its own folder under output/, so that an A5 or print-shop run never
    overwrites the A4 PDFs of the same names: output/, output/a5/, output/impression/,
    output/pdfa/, output/a5-impression-pdfa/…"""
    parts = [
        name
        for name, wanted in (
            ("a5", render_options.format == "a5"),
            ("impression", render_options.print),
            ("pdfa", render_options.pdfa),
        )
        if wanted
    ]
    return Path("output", "-".join(parts)) if parts else Path("output")


def check_catalogue(target: Path, title: str) -> None:
    """A .pdf file to write, and a cover title that passes the checks of any one-line
    text of a fiche."""
    if target.suffix.lower() != ".pdf" or target.is_dir():
        raise UsageError(f"{target} : le catalogue doit être un fichier .pdf")
    if not title.strip():
        raise UsageError("--titre : le titre est vide")
    try:
        _as_in_a_fiche(Texts, title)
    except argparse.ArgumentTypeError as exc:
        raise UsageError(f"--titre : {exc}") from None


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
    removed = 0 if cache is None else remove_stale(cache, args.out, folders_read(args.paths))
    problems.sort(key=lambda p: (p.file, p.line or 0))
    failed, warnings = tally(problems)
    seconds = time.perf_counter() - started
    counts = Counts(done, up_to_date, failed, warnings, removed)
    report.done(problems, summary(counts, seconds, check=args.check))
    return EXIT_FAILED if failed else EXIT_OK


def folders_read(paths: list[Path]) -> list[Path]:
    """The folders this run read whole (by default, fiches/)."""
    return [path for path in paths or [Path("fiches")] if path.is_dir()]


def remove_stale(cache: BuildCache, out: Path, folders: list[Path]) -> int:
    """Remove the PDFs of fiches deleted or renamed since they were written (see
    BuildCache.orphans for which ones); the record is saved without them."""
    removed = 0
    for pdf in cache.orphans(out, folders):
        with contextlib.suppress(FileNotFoundError):
            pdf.unlink()
        cache.forget(pdf)
        removed += 1
    _save(cache)
    return removed


def options(args: argparse.Namespace) -> RenderOptions:
    """The options that change a PDF's content, hence part of the cache key."""
    return RenderOptions(format=args.format, print=args.imprimeur, pdfa=args.pdfa)


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
    for checked in checked_entries(pool, list(stale), problems):
        source = checked.source
        photo = checked.fiche.temoignage.photo if checked.fiche.temoignage else None
        dependencies = (photo,) if photo else ()
        try:
            key = inputs_key(checked.digest, list(dependencies))
        except OSError as exc:
            problems.append(FicheProblem(str(source), None, None, f"image illisible ({exc})"))
            continue
        target = None if check_only else stale[source]
        jobs.append(
            Job(
                source,
                target,
                checked.fiche,
                dependencies,
                key,
                render_options,
                checked.lines,
                tuple(checked.problems),
            )
        )
    return jobs


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
                if isinstance(outcome, BaseException):
                    outcome = Outcome([lost(job.source, outcome)], 0.0)
                report.step()
                problems.extend(outcome.problems)
                for problem in outcome.problems:
                    report.problem(problem)
                if outcome.failed:
                    if cache is not None:
                        cache.forget(job.target)
                    continue
                passed += 1
                if cache is None:
                    continue
                cache.record(
                    job.source,
                    job.target,
                    list(job.dependencies),
                    job.key,
                    [*job.warnings, *outcome.problems],
                )
                report.written(str(shown(job.target)))
                if time.monotonic() - saved > SAVE_EVERY:
                    _save(cache)
                    saved = time.monotonic()
    finally:  # keep the record of every PDF already written, even on Ctrl-C
        if cache is not None:
            _save(cache)
    return passed


def _save(cache: BuildCache) -> None:
    """Saving the cache is an optimisation: an unwritable folder is reported per fiche.
    A signal during the save waits until it is done (a few milliseconds): interrupted,
    it would lose the record of every PDF of the run."""
    with stop_signals_deferred(), contextlib.suppress(OSError):
        cache.save()
