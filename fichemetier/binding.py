"""Step 5c, binding: the `--catalogue` run, from fiche files to one bound PDF.

Every fiche is checked first (in the workers, as a batch does); the valid ones chosen by
`--niveau` are laid out in one document, preflighted, and written atomically. A fiche that
breaks the preflight (over its page budget, text past its frame) is reported and left
out, as the batch would not print it either: the catalogue is laid out again without it.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from .batch import checked_entries, located, workers
from .catalogue import Entry, select
from .errors import FicheProblem
from .options import RenderOptions
from .paths import shown
from .report import Counts, Report, count, summary, tally
from .typography import niveau_label
from .write import write_atomic


def run_catalogue(
    files: list[Path], args: argparse.Namespace, options: RenderOptions, report: Report
) -> int:
    started = time.perf_counter()
    problems: list[FicheProblem] = []
    entries, lines = [], {}
    with workers(args.jobs, len(files)) as pool:
        for checked in checked_entries(pool, files, problems):
            entries.append(Entry(checked.source, checked.fiche))
            lines[checked.source] = checked.lines
    for problem in problems:
        report.problem(problem)
    filtre = f"avec une formation de niveau {niveau_label(args.niveau)}" if args.niveau else ""
    chosen = select(entries, args.niveau)
    bound, pages = [], 0
    if chosen:
        with report.progress(1):
            bound, pages, found = bind(chosen, lines, args, options, filtre)
            report.step()
        for problem in found:
            report.problem(problem)
        problems.extend(found)
    failed, warnings = tally([p for p in problems if p.file != str(args.catalogue)])
    broken = any(not p.warning for p in problems)  # a fiche, or the catalogue itself
    if not bound and any(p.file == str(args.catalogue) and not p.warning for p in problems):
        head = "Aucun catalogue écrit : voir l'erreur ci-dessus (le précédent est gardé)"
    elif not bound:
        what = "aucune fiche à mettre dans le catalogue" + (f" ({filtre})" if filtre else "")
        head = f"Aucun catalogue écrit : {what}"
    else:
        what = "vérifié" if args.check else f"écrit : {shown(args.catalogue)}"
        head = f"Catalogue {what}, {count(len(bound), 'fiche', 'fiches')}, "
        head += count(pages, "page", "pages")
    problems.sort(key=lambda p: (p.file, p.line or 0))
    seconds = time.perf_counter() - started
    report.done(problems, summary(Counts(0, 0, failed, warnings), seconds, check=True, head=head))
    return 1 if broken or not bound else 0


def bind(
    chosen: list[Entry],
    lines: dict[Path, dict],
    args: argparse.Namespace,
    options: RenderOptions,
    filtre: str,
) -> tuple[list[Entry], int, list[FicheProblem]]:
    """Lay out the catalogue and preflight each fiche in it; lay it out again without the
    fiches in error; write it. Returns the fiches bound, the pages and the problems."""
    from .preflight import preflight
    from .render import Renderer

    renderer = Renderer()
    errors: list[FicheProblem] = []
    try:
        while True:
            document = renderer.catalogue_layout(chosen, options, args.titre, filtre)
            findings = preflight(document, [entry.fiche for entry in chosen], options)
            problems = [_located(f, chosen, lines, args.catalogue) for f in findings]
            errors += [p for p in problems if not p.warning]
            warnings = [p for p in problems if p.warning]  # of the catalogue as written
            failing = {f.fiche for f in findings if not f.warning and f.fiche is not None}
            chosen = [entry for index, entry in enumerate(chosen) if index not in failing]
            if not failing or not chosen:
                break
        found = list(dict.fromkeys(errors)) + warnings
        cover = any(not f.warning and f.fiche is None for f in findings)
        if not chosen or cover:  # a broken cover or contents: keep the previous catalogue
            return [], 0, found
        if not args.check:
            write_atomic(args.catalogue, renderer.write(document, options))
    except OSError as exc:
        message = f"impossible d'écrire le catalogue ({exc.strerror})"
        return [], 0, [*errors, FicheProblem(str(args.catalogue), None, None, message)]
    except Exception as exc:  # a layout bug must end with a message, not a traceback
        message = f"erreur inattendue pendant la mise en page du catalogue ({exc!r})"
        return [], 0, [*errors, FicheProblem(str(args.catalogue), None, None, message)]
    return chosen, len(document.pages), found


def _located(finding, chosen: list[Entry], lines: dict, catalogue: Path) -> FicheProblem:
    """A finding on a fiche of the catalogue, or on its cover and contents (`--titre`)."""
    if finding.fiche is None:  # the cover shows --titre; the contents, the job titles
        where = "--titre" if finding.loc == ("titre",) else "sommaire"
        return FicheProblem(str(catalogue), None, where, finding.message, finding.warning)
    source = chosen[finding.fiche].source
    return located(source, lines[source], finding)
