"""Step 4, render: a validated fiche → HTML (Jinja2) → PDF bytes (WeasyPrint).

A `Renderer` is set up once per process: templates compiled, stylesheets parsed and
fonts registered once, so each fiche only pays for its own layout. The URL fetcher
lets WeasyPrint read the project's styles and fonts and the fiche's own images,
nothing else: no network, no file elsewhere on the disk.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import jinja2
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import __version__
from .catalogue import Entry, niveaux_of
from .echelle import echelle
from .finishing import Finishing, QRPlacement, finish
from .inline import links, paragraphs, qr_links
from .markup import inline_html, url_html
from .model import PHOTO_TYPES, Fiche
from .options import RenderOptions
from .paths import STYLES, TEMPLATES
from .photos import PhotoError, printable
from .qrcodes import QUIET, qr_box, qr_runs, short_url
from .tagging import reading_notes
from .typography import euros, french, niveau_label
from .weasyprint_internals import fast_font_subsetting, install, internal_link_texts, qr_slots

STYLESHEETS = ("theme.css", "fonts.css", "fiche.css")
#: Added after the base sheets and the format's own (options.FORMATS): the print-shop bleed.
PRINT_SHEETS = ("impression.css",)
CATALOGUE_SHEETS = ("catalogue.css",)
#: A fiche laid out alone for a bound catalogue: its margin boxes are the skeleton's.
PIECE_SHEETS = ("catalogue-piece.css",)
#: Tagged PDF/UA-1 by default, for screen readers. For archives, PDF/A-2u: part 2 is the
#: one archives accept most widely and needs nothing PDF 2.0; level "u" (text mapped to
#: Unicode) is what WeasyPrint guarantees, while level "a" would claim a complete logical
#: structure that its tagging does not reach (margin boxes stay outside the tree). The
#: PDF/A files are tagged all the same.
VARIANTS = {False: "pdf/ua-1", True: "pdf/a-2u"}
#: Without libharfbuzz-subset0, WeasyPrint subsets fonts with fontTools, about 3× slower.
SLOW_FONT_SUBSETTING = not fast_font_subsetting()
SLOW_PATH_WARNING = (
    "attention : la bibliothèque libharfbuzz-subset0 manque, le rendu est environ 3 fois "
    "plus lent ; lancez ./setup.sh (ou apt-get install libharfbuzz-subset0)"
)


install()  # the layout's notes for the tags (tagging.py, weasyprint_internals.py)


class LocalOnlyFetcher(URLFetcher):
    """Serve `file:` URLs inside the allowed folders; refuse everything else."""

    def __init__(self, allowed: list[Path]):
        super().__init__(allowed_protocols={"file"})
        self.allowed = [folder.resolve() for folder in allowed]

    def fetch(self, url, headers=None):
        """Open the very file that was checked (symlinks resolved), never hand the URL to
        urllib, which reads it differently (`x#/../y`: it drops the fragment)."""
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"ressource externe refusée : {url}")
        try:
            path = Path(url2pathname(parts.path)).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            raise ValueError(f"fichier introuvable : {url}") from None
        if not path.is_file() or not any(path.is_relative_to(d) for d in self.allowed):
            raise ValueError(f"fichier hors du projet refusé : {path}")
        if path.suffix.lower() in PHOTO_TYPES and not path.is_relative_to(STYLES.resolve()):
            try:  # a fiche's photo: decoded by us, strictly, and embedded downsampled
                data, kind = printable(path)
            except (PhotoError, OSError) as exc:
                raise ValueError(f"photo illisible : {path} ({exc})") from None
            return _DecodedPhoto(path.as_uri(), data, {"Content-Type": kind})
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": kind})


class _DecodedPhoto(URLFetcherResponse):
    """Bytes made by photos.printable: with no `path`, WeasyPrint embeds these bytes
    instead of reading the original file again from the disk (it does for `file:` URLs)."""

    path = None


class Renderer:
    """Everything that is the same for every fiche, prepared once."""

    def __init__(self) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(
            md=inline_html,
            paragraphs=paragraphs,
            links=links,
            qr_links=qr_links,
            url=url_html,
            french=french,
            euros=euros,
            niveau=niveau_label,
            de=elided_de,
            qr=qr_box,
            court=short_url,
            niveaux=niveaux_of,
            echelle=echelle,
        )
        self.template = self.env.get_template("fiche.html.j2")
        self.theme = theme_colours()
        self.fonts = FontConfiguration()
        self._sheets: dict[str, CSS] = {}

    def stylesheets(
        self, options: RenderOptions, catalogue: bool = False, piece: bool = False
    ) -> list[CSS]:
        """The parsed sheets for these options, each parsed once per process."""
        names = STYLESHEETS + options.page.stylesheets
        names += PRINT_SHEETS if options.print else ()
        names += CATALOGUE_SHEETS if catalogue or piece else ()
        names += PIECE_SHEETS if piece else ()
        return [self._sheet(name) for name in names]

    def _sheet(self, name: str) -> CSS:
        if name not in self._sheets:
            fetcher = LocalOnlyFetcher([STYLES])
            self._sheets[name] = CSS(
                filename=STYLES / name, font_config=self.fonts, url_fetcher=fetcher
            )
        return self._sheets[name]

    def html(self, fiche: Fiche, options: RenderOptions | None = None) -> str:
        """The fiche as a standalone HTML document (the text stage, easy to diff)."""
        options = options or RenderOptions()
        return self.template.render(
            fiche=fiche,
            theme=self.theme,
            page=options.page,
            generator=f"fichemetier {__version__}",
        )

    def layout(self, fiche: Fiche, folder: Path, options: RenderOptions) -> Document:
        """Lay out the pages (the preflight reads them before anything is written);
        `folder` is the fiche's own, the only one besides styles/ it may read from."""
        return self._layout(self.html(fiche, options), [folder], options)

    def catalogue_layout(
        self,
        entries: list[Entry],
        options: RenderOptions,
        titre: str,
        filtre: str = "",
        pages: list[int] | None = None,
    ) -> Document:
        """Every fiche of `entries` (already chosen and sorted) in one document; with
        `pages` (each fiche's page count), the skeleton of a bound catalogue instead: the
        cover, the contents and each fiche's running headers and footers on empty pages."""
        html = self._catalogue_html(entries, options, titre, filtre, pages=pages)
        folders = list(dict.fromkeys(entry.source.parent for entry in entries))
        return self._layout(html, folders, options, catalogue=True)

    def piece_layout(self, entry: Entry, options: RenderOptions) -> Document:
        """One fiche as a catalogue lays it out (running from a right-hand page), without
        the margin boxes: binding.py puts its pages in a catalogue's skeleton."""
        html = self._catalogue_html([entry], options, "", piece=True)
        return self._layout(html, [entry.source.parent], options, piece=True)

    def _catalogue_html(
        self, entries: list[Entry], options: RenderOptions, titre: str, filtre: str = "", **how
    ) -> str:
        return self.env.get_template("catalogue.html.j2").render(
            pages=how.get("pages"),
            piece=how.get("piece", False),
            entries=entries,
            titre=titre,
            rubrique=entries[0].fiche.rubrique if entries else "Dans mon job",
            editeur=publisher(entries),
            filtre=filtre,
            theme=self.theme,
            page=options.page,
            generator=f"fichemetier {__version__}",
        )

    def _layout(
        self,
        html: str,
        folders: list[Path],
        options: RenderOptions,
        catalogue: bool = False,
        piece: bool = False,
    ) -> Document:
        document = HTML(
            string=html,
            base_url=folders[0].resolve().as_uri() + "/" if folders else None,
            url_fetcher=LocalOnlyFetcher([*folders, STYLES]),
        )
        return document.render(
            stylesheets=self.stylesheets(options, catalogue, piece),
            font_config=self.fonts,
            pdf_tags=True,
            pdf_variant=VARIANTS[options.pdfa],
        )

    def write(self, document: Document, options: RenderOptions, marks: bool = True) -> bytes:
        """The PDF's bytes, finished; `marks`: False for a catalogue's piece, whose crop
        marks the skeleton draws."""
        pdf = document.write_pdf(pdf_tags=True, pdf_variant=VARIANTS[options.pdfa])
        how = Finishing(
            crop_marks=options.print and marks,
            pdfa=options.pdfa,
            notes=reading_notes(document),
            link_texts=internal_link_texts(document),
        )
        return finish(pdf, qr_placements(document), self.theme["texte"], how)

    def pdf(self, fiche: Fiche, folder: Path, options: RenderOptions | None = None) -> bytes:
        """Layout and PDF in one go."""
        options = options or RenderOptions()
        return self.write(self.layout(fiche, folder, options), options)


def qr_placements(document: Document) -> list[QRPlacement]:
    """Where the layout kept room for QR codes (`data-qr`), in PDF points, and the size
    of a module there."""
    return [
        QRPlacement(slot.page, slot.x, slot.y, slot.width / _modules(slot.url), slot.url)
        for slot in qr_slots(document)
    ]


def _modules(url: str) -> int:
    """The code's width in modules, quiet zone included."""
    return qr_runs(url)[0] + 2 * QUIET


def publisher(entries: list[Entry]) -> str:
    """The catalogue's author: the publishers its fiches name ("Onisep"), else their
    rubric, as a single fiche's PDF has."""
    editeurs = sorted({entry.fiche.editeur for entry in entries if entry.fiche.editeur})
    return ", ".join(editeurs) or (entries[0].fiche.rubrique if entries else "Dans mon job")


def elided_de(name: str) -> str:
    """« de » before a name, elided before a vowel sound: « de Paul », « d’Ailin »."""
    return "d’" if name[:1].lower() in "aeiouàâéèêëîïôû" else "de "


def theme_colours(path: Path = STYLES / "theme.css") -> dict[str, str]:
    """The theme's custom properties (`--couleur-accent` → `accent`), for what CSS cannot
    reach: the colours inside the salary chart's SVG, and the contrast checks."""
    text = path.read_text(encoding="utf-8")
    return {m[1]: m[2].strip() for m in re.finditer(r"--couleur-([\w-]+):\s*([^;]+);", text)}
