"""The preview: the project's one build call (`pipeline.produce`) in a worker process with a
time limit, and the PDF's pages as PNG pictures.

A hostile fiche (a layout that never ends) must not hang the server: the worker is killed
after TIME_LIMIT seconds and a new one started; the studio keeps answering.
"""

from __future__ import annotations

import io
import multiprocessing
import threading
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from ..errors import FicheProblem
from ..model import Fiche
from ..options import RenderOptions
from ..pipeline import Request, produce

TIME_LIMIT = 30.0
SCALE = 1.25  # 90 dpi: sharp enough beside the form, ~0.2 MB a page


@dataclass(frozen=True)
class Preview:
    problems: list[FicheProblem]
    pages: list[bytes] = field(default_factory=list)  # PNG
    pdf: bytes | None = None
    budget: int = 0
    seconds: float = 0.0

    @property
    def over_budget(self) -> bool:
        return len(self.pages) > self.budget


def render_pages(fiche: Fiche, source: Path, options: RenderOptions, scale: float = SCALE):
    """In the worker: produce the PDF even when it fails the preflight (the writer must
    see what to cut), then rasterise its pages."""
    import pypdfium2 as pdfium

    produced = produce(Request(fiche, source), options, even_if_failed=True)
    pages = []
    if produced.pdf:
        document = pdfium.PdfDocument(produced.pdf)
        try:
            for page in document:
                picture = page.render(scale=scale).to_pil()
                out = io.BytesIO()
                picture.save(out, "PNG", compress_level=1)  # speed over size: it is local
                pages.append(out.getvalue())
        finally:
            document.close()
    budget = options.page_budget
    return Preview(produced.problems, pages, produced.pdf, budget, produced.seconds)


def _serve(connection) -> None:
    """The worker's loop: one job at a time, for as long as the parent keeps it."""
    while True:
        try:
            job = connection.recv()
        except EOFError:
            return
        try:
            connection.send(render_pages(*job))
        except Exception as exc:  # never leave the parent waiting
            problem = FicheProblem.unexpected(job[1], "la mise en page", exc)
            connection.send(Preview([problem]))


class Worker:
    """One rendering process, replaced when it overruns its time or dies."""

    def __init__(self, time_limit: float = TIME_LIMIT):
        self.time_limit = time_limit
        self.lock = threading.Lock()
        self.process: BaseProcess | None = None
        self.connection: Connection | None = None

    def _start(self) -> None:
        context = multiprocessing.get_context("spawn")  # no state inherited from the server
        parent, child = context.Pipe()
        process = context.Process(target=_serve, args=(child,), daemon=True)
        process.start()
        child.close()
        self.process, self.connection = process, parent

    def render(
        self, fiche: Fiche, source: Path, options: RenderOptions, scale: float = SCALE
    ) -> Preview:
        with self.lock:
            if self.process is None or not self.process.is_alive():
                self._start()
            connection = self.connection
            assert connection is not None  # _start made it
            try:
                connection.send((fiche, source, options, scale))
                if connection.poll(self.time_limit):
                    return connection.recv()
                message = (
                    f"la mise en page a pris plus de {self.time_limit:.0f} s et a été arrêtée : "
                    "la fiche est-elle bien une fiche ?"
                )
            except (EOFError, OSError):
                message = "le processus de mise en page s'est arrêté brutalement : réessayez"
            self.stop()
            return Preview([FicheProblem.of_file(source, message)])

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.join(5)
        self.process = self.connection = None
