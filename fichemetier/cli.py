"""Step 6, cli: `python generate.py [PATH...] [--out DIR] [--check]`.

Two phases, as users expect from a batch: first every fiche is read and validated
(all mistakes reported at once), then the valid ones are rendered. A bad fiche never
stops the others; the exit code says whether everything went well.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .errors import FicheError, FicheProblem
from .load import load_fiche
from .model import Fiche, validate

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class UsageError(Exception):
    """A command-line mistake (exit code 2), as opposed to a mistake inside a fiche."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="generate.py",
        description="Génère un PDF par fiche métier (fichier YAML).",
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
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        files = collect(args.paths or [Path("fiches")])
    except UsageError as exc:
        print(f"generate.py: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return run(files, args.out, check=args.check)
    except KeyboardInterrupt:
        print("\nInterrompu : les PDF déjà écrits sont complets.", file=sys.stderr)
        return EXIT_INTERRUPTED


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


def _shown(path: Path) -> Path:
    """The path as the user will read it in messages: relative when it is below here."""
    relative = os.path.relpath(path)
    return Path(relative) if not relative.startswith("..") else path


def run(files: list[Path], out: Path, *, check: bool) -> int:
    fiches, problems = read_all(files)
    written = 0
    if not check and fiches:
        from .render import SLOW_FONT_SUBSETTING, SLOW_PATH_WARNING, Renderer

        if SLOW_FONT_SUBSETTING:
            print(SLOW_PATH_WARNING, file=sys.stderr)
        renderer = Renderer()
        for path, fiche in fiches.items():
            target = out / f"{path.stem}.pdf"
            try:
                write_pdf(renderer, fiche, path, target)
            except FicheError as exc:
                problems.extend(exc.problems)
                continue
            written += 1
            print(f"écrit {_shown(target)}")
    for problem in problems:
        print(problem, file=sys.stderr)
    failed = len({p.file for p in problems})
    print(summary(len(fiches) if check else written, failed, check=check), file=sys.stderr)
    return EXIT_FAILED if problems else EXIT_OK


def read_all(files: list[Path]) -> tuple[dict[Path, Fiche], list[FicheProblem]]:
    """Load and validate every fiche; a bad one is reported and skipped."""
    fiches: dict[Path, Fiche] = {}
    problems: list[FicheProblem] = []
    outputs: dict[str, Path] = {}
    for path in files:
        try:
            fiche = validate(load_fiche(path))
        except FicheError as exc:
            problems.extend(exc.problems)
            continue
        if (first := outputs.setdefault(path.stem, path)) != path:
            message = f"même nom de PDF que {first} ({path.stem}.pdf) : renommez l'un des deux"
            problems.append(FicheProblem(str(path), None, None, message))
            continue
        fiches[path] = fiche
    return fiches, problems


def write_pdf(renderer, fiche: Fiche, path: Path, target: Path) -> None:
    """Render and write one PDF; a failure becomes a FicheError naming the fiche."""
    from .write import write_atomic

    try:
        data = renderer.pdf(fiche, path.parent)
    except Exception as exc:  # a rendering bug must not stop the other fiches
        raise _failure(path, f"erreur inattendue pendant la mise en page ({exc!r})") from exc
    try:
        write_atomic(target, data)
    except OSError as exc:
        raise _failure(path, f"impossible d'écrire {target} ({exc.strerror})") from exc


def _failure(path: Path, message: str) -> FicheError:
    return FicheError([FicheProblem(str(path), None, None, message)])


def summary(done: int, failed: int, *, check: bool) -> str:
    """`3 PDF écrits, 1 fiche en erreur` — French plurals included."""
    if check:
        head = f"{done} fiche{'s' if done > 1 else ''} valide{'s' if done > 1 else ''}"
    else:
        head = f"{done} PDF écrit{'s' if done > 1 else ''}"
    return f"{head}, {failed} fiche{'s' if failed > 1 else ''} en erreur"
