"""Step 7, cli: `python generate.py [PATH...] [--out DIR] [--format a4|a5] [--print] [--check]`.

Parses the command line, turns it into the settings of one run (`build.BatchRun`,
`CheckRun` or `CatalogueRun`) and hands it to `build.run`. Usage mistakes exit with 2;
Ctrl-C, kill, a closed terminal or a closed pipe stop the run cleanly (see `stopping`).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .arguments import FrenchArgumentParser
from .build import DEFAULT_TITLE, BatchRun, CatalogueRun, CheckRun, Run, run
from .errors import FicheError, UsageError, visible
from .options import FORMATS, RenderOptions
from .outputs import default_out
from .paths import shown
from .report import reporter
from .sources import collect, folders_read
from .stopping import (
    EXIT_BROKEN_PIPE,
    STOP_SIGNALS,
    catch_stop_signals,
    ignore_stop_signals,
    last_words,
    silence,
)

if TYPE_CHECKING:
    from pydantic import TypeAdapter

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


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
        help="pour l'imprimeur : fond perdu de 3 mm, traits de coupe hors fond perdu, "
        "noir 100 %% K, PDF/X-4 (FOGRA39)",
    )
    parser.add_argument(
        "--livret",
        action="store_true",
        help="avec --format a5 : les pages imposées deux par deux sur des feuilles A4, à "
        "imprimer en recto verso (bord court) et à plier, dans output/livret/",
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
        "--edition",
        type=_edition_file,
        metavar="ÉDITION.yaml",
        help="aux couleurs d'un événement (salon, forum) : son nom, sa date, ses logos sur "
        "la couverture du catalogue et en pied des fiches (voir editions/exemple.yaml)",
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


def _edition_file(text: str) -> Path:
    path = Path(text)
    if path.is_dir():
        raise argparse.ArgumentTypeError(
            f"{text} est un dossier : donnez le fichier de l'édition (par exemple "
            "editions/exemple.yaml)"
        )
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"fichier d'édition introuvable : {text}")
    return path


def _niveau(text: str) -> str:
    """`bac+2`, `Bac + 2`, `cap`… as the model spells it, or a usage error."""
    from .model import Niveaux  # here: a no-op rerun imports no pydantic

    return _as_in_a_fiche(Niveaux, text)


def _as_in_a_fiche(adapter: TypeAdapter, text: str) -> str:
    from pydantic import ValidationError

    try:
        return adapter.validate_python(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(exc.errors()[0]["msg"]) from None


def main(argv: list[str] | None = None) -> int:
    previous = {number: signal.getsignal(number) for number in STOP_SIGNALS}
    try:
        catch_stop_signals()
        try:
            args = parse_args(argv)
        except SystemExit as exc:  # --help, --version, or a usage error argparse reported
            return exc.code if isinstance(exc.code, int) else EXIT_USAGE
        if args.schema or args.nouvelle is not None:
            return _schema_or_starter(args)
        try:
            return run(settings(args), reporter(args.quiet))
        except UsageError as exc:
            print(visible(f"generate.py: {exc}"), file=sys.stderr)
            return EXIT_USAGE
        except FicheError as exc:  # the edition file: nothing is made without its brand
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            print("Aucun PDF écrit : corrigez le fichier d'édition", file=sys.stderr)
            return EXIT_FAILED
    except KeyboardInterrupt as exc:  # Stopped, or Ctrl-C when run from Python
        ignore_stop_signals()
        last_words("\nInterrompu : les PDF déjà écrits sont complets, relancez pour finir.")
        return 128 + getattr(exc, "signum", signal.SIGINT)
    except BrokenPipeError:  # `generate.py | head -1`: the reader has gone, so do we
        silence()
        return EXIT_BROKEN_PIPE
    finally:
        ignore_stop_signals()  # no signal between here and the handlers of before
        for number, handler in previous.items():
            signal.signal(number, handler)


def settings(args: argparse.Namespace) -> Run:
    """The run the command line asks for, checked: options that would do nothing in its
    mode are refused (the user expects them to do something)."""
    files = collect(args.paths)
    check_combination(args)
    edition = None
    if args.edition:
        from .edition import load_edition  # here: a run without edition imports no pydantic

        edition = load_edition(args.edition)
    options = RenderOptions(
        format=args.format,
        print=args.imprimeur,
        pdfa=args.pdfa,
        livret=args.livret,
        edition=edition,
    )
    if args.catalogue is not None:
        check_catalogue(args.catalogue, args.titre)
        titre = edition.titre if edition and args.titre == DEFAULT_TITLE else args.titre
        return CatalogueRun(
            files, args.catalogue, options, args.jobs, titre, args.niveau, not args.check
        )
    if args.check:
        return CheckRun(files, options, args.jobs)
    out = args.out or default_out(options)
    return BatchRun(files, out, options, args.jobs, args.force, folders_read(args.paths))


def _schema_or_starter(args: argparse.Namespace) -> int:
    """`--schema` and `--nouvelle`: help for people who write fiches in a text editor."""
    from .schema import schema_text
    from .starter import write_starter

    if args.schema:
        try:
            sys.stdout.write(schema_text())
            sys.stdout.flush()
        except OSError as exc:  # a full disk, a closed pipe
            last_words(f"generate.py: --schema : impossible d'écrire ({exc.strerror})")
            silence()  # what is left in stdout's buffer must not fail again at exit
            return EXIT_FAILED
        return EXIT_OK
    try:
        path = write_starter(args.nouvelle, args.paths[0] if args.paths else Path("fiches"))
    except FicheError as exc:
        print(f"generate.py: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(visible(f"{shown(path)} : fiche à remplir écrite (vérifiez-la avec --check)"))
    return EXIT_OK


def check_combination(args: argparse.Namespace) -> None:
    """Options that would do nothing in this mode are refused: the user expects them to
    do something."""
    if args.catalogue is None and (args.niveau or args.titre != DEFAULT_TITLE):
        raise UsageError("--niveau et --titre ne s'emploient qu'avec --catalogue FICHIER.pdf")
    check_livret(args)
    if args.catalogue is not None:
        mode = "--catalogue (seul le fichier du catalogue est écrit)"
    elif args.check:
        mode = "--check (rien n'est écrit)"
    else:
        return
    for option, given in (("--out", args.out is not None), ("--force", args.force)):
        if given:
            raise UsageError(f"{option} ne sert à rien avec {mode}")


def check_livret(args: argparse.Namespace) -> None:
    """A booklet is A5 pages on A4 sheets from an office printer: not A4 pages, and neither
    the print shop's bleed (it imposes the pages itself) nor an archive's PDF/A."""
    if not args.livret:
        return
    if args.format != "a5":
        raise UsageError(
            "--livret plie des feuilles A4 en pages A5 : ajoutez --format a5 (--format a5 --livret)"
        )
    if args.imprimeur:
        raise UsageError(
            "--livret est pour une imprimante de bureau ; avec --print, l'imprimeur impose "
            "lui-même les pages : choisissez l'un des deux"
        )
    if args.pdfa:
        raise UsageError(
            "--livret fait un fichier à imprimer ; pour l'archivage, --pdfa s'emploie sans "
            "--livret (le PDF en ordre de lecture)"
        )


def check_catalogue(target: Path, title: str) -> None:
    """A .pdf file to write, and a cover title that passes the checks of any one-line
    text of a fiche."""
    if target.suffix.lower() != ".pdf" or target.is_dir():
        raise UsageError(f"{target} : le catalogue doit être un fichier .pdf")
    if not title.strip():
        raise UsageError("--titre : le titre est vide")
    from .model import Texts

    try:
        _as_in_a_fiche(Texts, title)
    except argparse.ArgumentTypeError as exc:
        raise UsageError(f"--titre : {exc}") from None
