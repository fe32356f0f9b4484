"""Step 4, render: a validated fiche → HTML (Jinja2) → PDF bytes (WeasyPrint).

A `Renderer` is set up once per process: templates compiled, stylesheets parsed and
fonts registered once, so each fiche only pays for its own layout. The URL fetcher
lets WeasyPrint read the project's styles and fonts and the fiche's own images,
nothing else: no network, no file elsewhere on the disk.
"""

from __future__ import annotations

import gc
import logging
import mimetypes
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit
from urllib.request import url2pathname

import jinja2
from weasyprint import CSS, HTML, Document
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import __version__
from .catalogue import Entry, niveaux_of
from .collector import raise_young_generation
from .contrast import theme_colours
from .cssvars import Unresolvable, root_values, substitute
from .echelle import echelle
from .finishing import Finishing, QRPlacement, finish, ink_of, qr_rects
from .fontfaces import BundledFonts
from .hyphenation import install as keep_hyphenation_patterns
from .inline import links, paragraphs, qr_links
from .livret import PLUS_LOIN, Dos, impose, padding
from .logos import LogoError
from .logos import printable as printable_logo
from .markup import inline_html, url_html
from .model import PHOTO_TYPES, Fiche
from .options import RenderOptions
from .paths import STYLES, TEMPLATES
from .pdfx import press_photo
from .photos import JPEG_QUALITY, PhotoError, printable
from .precompiled import at_render_time, precompiled
from .qrcodes import QUIET, qr_box, short_url
from .recent import Recent
from .tagging import reading_notes
from .typography import euros, french, niveau_label
from .weasyprint_internals import (
    content_area,
    fast_font_subsetting,
    install,
    internal_link_texts,
    margin_bottom,
    painted,
    placed_boxes,
    qr_slots,
    unpaint_covered_badges,
)

STYLESHEETS = ("theme.css", "fonts.css", "fiche.css")
#: Added after the base sheets and the format's own (options.FORMATS): the print-shop bleed.
PRINT_SHEETS = ("impression.css",)
#: And for the print shop without --pdfa: text in black ink (DeviceCMYK, see encre.css).
BLACK_INK_SHEETS = ("encre.css",)
CATALOGUE_SHEETS = ("catalogue.css",)
#: For archives (--pdfa): images without interpolation (PDF/A-2 rule 6.2.8-3).
PDFA_SHEETS = ("pdfa.css",)
#: The « (suite) » badges (make_badges.py), and the type WeasyPrint reads them as.
SUITE = STYLES / "suite"
SVG = "image/svg+xml"
#: A booklet's notes pages and back page (livret.py), and the ruled lines of a notes page.
DOS_SHEETS = ("dos.css",)
NOTES_LINES = 20
#: With an edition (--edition): its block (templates/edition.html.j2); then its colours.
EDITION_SHEETS = ("edition.css",)
#: A fiche laid out alone for a bound catalogue: its margin boxes are the skeleton's.
PIECE_SHEETS = ("catalogue-piece.css",)
#: Tagged PDF/UA-1 by default, for screen readers. For archives, PDF/A-2u: part 2 is the
#: one archives accept most widely and needs nothing PDF 2.0; level "u" (text mapped to
#: Unicode) is what WeasyPrint guarantees, while level "a" would claim a complete logical
#: structure that its tagging does not reach (margin boxes stay outside the tree). The
#: PDF/A files are tagged all the same.
VARIANTS = {False: "pdf/ua-1", True: "pdf/a-2u"}
#: A last page filled less than this (share of its height) makes the renderer try the
#: denser layout: the page it would save is worth the second layout's time.
NEARLY_EMPTY = 0.3
#: Without libharfbuzz-subset0, WeasyPrint subsets fonts with fontTools, about 3× slower.
SLOW_FONT_SUBSETTING = not fast_font_subsetting()
SLOW_PATH_WARNING = (
    "attention : la bibliothèque libharfbuzz-subset0 manque, le rendu est environ 3 fois "
    "plus lent ; lancez ./setup.sh (ou apt-get install libharfbuzz-subset0)"
)
#: Sets of stylesheets kept parsed, their custom properties substituted (cssvars.py): one
#: per combination of options and edition colours a process meets; the least used go first.
SHEET_SETS = 32


install()  # the layout's notes for the tags (tagging.py, weasyprint_internals.py)
keep_hyphenation_patterns()  # pyphen's dictionaries parsed once (hyphenation.py)


class LocalOnlyFetcher(URLFetcher):
    """Serve `file:` URLs inside the allowed folders; refuse everything else."""

    def __init__(
        self,
        allowed: list[Path],
        logos: Mapping[str, Path] | None = None,
        press: bool = False,
        badges: Mapping[str, str] | None = None,
    ):
        super().__init__(allowed_protocols={"file"})
        self.allowed = [folder.resolve() for folder in allowed]
        #: An edition's logos, by the URL the templates give them: only these files of
        #: the edition's folder are read, through logos.printable (checked, rasterised).
        self.logos = dict(logos or {})
        #: Photos in CMYK through the output intent's profile (print files, pdfx.py).
        self.press = press
        #: The « (suite) » badges' colours as drawn (theme.css) → this run's (an edition's).
        self.badges = dict(badges or {})

    def fetch(self, url, headers=None):
        """Open the very file that was checked (symlinks resolved), never hand the URL to
        urllib, which reads it differently (`x#/../y`: it drops the fragment)."""
        if url in self.logos:
            try:
                data, kind = printable_logo(self.logos[url])
            except (LogoError, OSError) as exc:
                raise ValueError(f"logo illisible : {url} ({exc})") from None
            return _Made(url, data, {"Content-Type": kind})
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
                if self.press:
                    data, kind = press_photo(data, kind, JPEG_QUALITY)
            except (PhotoError, OSError) as exc:
                raise ValueError(f"photo illisible : {path} ({exc})") from None
            return _Made(path.as_uri(), data, {"Content-Type": kind})
        if self.badges and path.parent == SUITE.resolve() and path.suffix == ".svg":
            return _Made(path.as_uri(), recoloured(path, self.badges), {"Content-Type": SVG})
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": kind})


def recoloured(path: Path, colours: Mapping[str, str]) -> bytes:
    """A « (suite) » badge (styles/suite/make_badges.py draws them in theme.css's colours)
    in this run's colours, so that it matches the real badge an edition recoloured."""
    wanted = {drawn.lower(): colour for drawn, colour in colours.items()}
    svg = re.sub(  # one pass: an edition may swap the two colours
        r'fill="(#[0-9a-fA-F]{6})"',
        lambda fill: f'fill="{wanted.get(fill[1].lower(), fill[1])}"',
        path.read_text(encoding="utf-8"),
    )
    return svg.encode("utf-8")


class _Made(URLFetcherResponse):
    """Bytes made here (a photo by photos.printable, a badge recoloured): with no `path`,
    WeasyPrint embeds these bytes instead of reading the original file again from the disk
    (it does for `file:` URLs)."""

    path = None


class Renderer:
    """Everything that is the same for every fiche, prepared once."""

    #: Whether this process's long-lived objects were frozen (`_collect`), once a process.
    frozen: ClassVar[bool] = False

    def __init__(self) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            optimized=False,  # with `finalize`: no filter run at compile time (precompiled.py)
            finalize=at_render_time,
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
        self.env.bytecode_cache = precompiled(self.env)  # templates compiled once, kept
        self.template = self.env.get_template("fiche.html.j2")
        self.theme = theme_colours()
        #: The colours encre.css puts in black ink, for the SVG it cannot reach.
        self.black_ink = theme_colours(STYLES / "encre.css")
        self.fonts = BundledFonts()  # styles/fonts given to fontconfig in place
        self._sheets: dict[str, CSS] = {}
        self._resolved = Recent(SHEET_SETS)  # sets of sheets, by what makes them
        raise_young_generation()  # collector.py
        self._laid_out = False

    def _collect(self) -> None:
        """Free the last fiche's garbage before laying out the next. A document leaves
        cycles (styles, Pango layouts, PDF fonts) that only a full collection frees: left
        to the collector's own pace (one every ~40 fiches), they held up to +25 MB of RSS.
        A full collection sees ~80 000 objects that live as long as the process (modules,
        fonts, sheets: ~29 ms); frozen after the first fiche (`gc.freeze`), it sees the
        last fiche's garbage only (~3.7 ms, its freeing included, which is due anyway: the
        seed's warm render +0.5 ms, median of 60 alternated in one process). Measured:
        benchmarks/memory.py (+3.5 MB over 2 000 renders, was +54)."""
        if self._laid_out:
            gc.collect()
            if not Renderer.frozen:  # not gc.get_freeze_count(): it counts them all, ~2 ms
                gc.freeze()
                Renderer.frozen = True
        self._laid_out = True

    def stylesheets(
        self, options: RenderOptions, catalogue: bool = False, extra: tuple[str, ...] = ()
    ) -> list[CSS]:
        """The parsed sheets for these options, each set made once per process."""
        names = STYLESHEETS + options.page.stylesheets
        names += PRINT_SHEETS if options.print else ()
        names += CATALOGUE_SHEETS if catalogue else ()
        names += PDFA_SHEETS if options.pdfa else ()
        names += EDITION_SHEETS if options.edition is not None else ()
        edition = (options.edition.css() if options.edition is not None else "") or ""
        # Last: a press's black ink wins over an edition's text colours too.
        key = (names + extra, edition, BLACK_INK_SHEETS if cmyk(options) else ())
        if (sheets := self._resolved.recent(key)) is None:
            sheets = self._resolved_set(*key)
            self._resolved.keep(key, sheets)
        return sheets

    def _resolved_set(self, names: tuple[str, ...], edition: str, last: tuple[str, ...]):
        """The set with the custom properties' values put in (cssvars.py): a sheet that
        uses none is shared as parsed; the set as it is where that could change a value."""
        names = (*names, "", *last) if edition else names + last  # "": the edition's
        texts = [(STYLES / name).read_text(encoding="utf-8") if name else edition for name in names]
        try:
            values = root_values(texts)
            return [
                self._substituted(name, text, values) if "var(" in text else self._plain(name, text)
                for name, text in zip(names, texts, strict=True)
            ]
        except Unresolvable:
            return [self._plain(name, text) for name, text in zip(names, texts, strict=True)]

    def _plain(self, name: str, text: str) -> CSS:
        """A sheet as written, shared by every set (`name` "": the edition's colours)."""
        return self._sheet(name) if name else self._edition_sheet(text)

    def _substituted(self, name: str, text: str, values) -> CSS:
        """A sheet with its var() replaced; Unresolvable if WeasyPrint now drops a
        declaration (a value invalid there, which var() would have made inherited)."""
        with logged(logging.getLogger("weasyprint")) as records:  # its documented logger
            sheet = CSS(
                string=substitute(text, values),
                base_url=(STYLES / name).as_uri(),
                font_config=self.fonts,
                url_fetcher=LocalOnlyFetcher([STYLES]),
            )
        if records:
            raise Unresolvable(records[0].getMessage())
        return sheet

    def _edition_sheet(self, css: str) -> CSS:
        """An edition's colours, after the theme's (the same selector: the later wins)."""
        if css not in self._sheets:
            self._sheets[css] = CSS(string=css, font_config=self.fonts)
        return self._sheets[css]

    def _sheet(self, name: str) -> CSS:
        if name not in self._sheets:
            fetcher = LocalOnlyFetcher([STYLES])
            self._sheets[name] = CSS(
                filename=STYLES / name, font_config=self.fonts, url_fetcher=fetcher
            )
        return self._sheets[name]

    def colours(self, options: RenderOptions) -> dict[str, str]:
        """The colours of this run, for the templates' SVG (the salary chart) and the QR
        codes: the theme's, the edition's instead where it has some, and black ink for a
        press (print files, encre.css)."""
        colours = self.theme | (options.edition.colours() if options.edition else {})
        return colours | self.black_ink if cmyk(options) else colours

    def badges(self, options: RenderOptions) -> dict[str, str]:
        """The « (suite) » badges' colours to change for this run: theme.css's → an
        edition's, where it sets `badge` or `badge-texte`."""
        colours = self.colours(options)
        return {
            self.theme[name]: colours[name]
            for name in ("badge", "badge-texte")
            if colours[name].lower() != self.theme[name].lower()
        }

    def html(self, fiche: Fiche, options: RenderOptions | None = None, dense: bool = False) -> str:
        """The fiche as a standalone HTML document (the text stage, easy to diff); `dense`:
        the tighter variant of the layout (fiche.css, `html.dense`)."""
        options = options or RenderOptions()
        return self.template.render(
            fiche=fiche,
            theme=self.colours(options),
            page=options.page,
            edition=options.edition,
            dense=dense,
            generator=f"fichemetier {__version__}",
        )

    def layout(self, fiche: Fiche, folder: Path, options: RenderOptions) -> Document:
        """Lay out the pages (the preflight reads them before anything is written);
        `folder` is the fiche's own, the only one besides styles/ it may read from.
        A last page that would stay nearly empty is worth a second, denser layout: kept
        if it saves that page (a one-page fiche is one sheet, not a sheet and a blank)."""
        self._collect()
        document = self._layout(self.html(fiche, options), [folder], options)
        if nearly_empty(document.pages[-1]) and len(document.pages) > 1:
            denser = self._layout(self.html(fiche, options, dense=True), [folder], options)
            if len(denser.pages) < len(document.pages):
                return denser
        return document

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
        self._collect()
        html = self._catalogue_html(entries, options, titre, filtre, pages=pages)
        folders = list(dict.fromkeys(entry.source.parent for entry in entries))
        return self._layout(html, folders, options, catalogue=True)

    def piece_layout(self, entry: Entry, options: RenderOptions) -> Document:
        """One fiche as a catalogue lays it out (running from a right-hand page), without
        the margin boxes: binding.py puts its pages in a catalogue's skeleton."""
        self._collect()
        html = self._catalogue_html([entry], options, "", piece=True)
        folders = [entry.source.parent]
        return self._layout(html, folders, options, catalogue=True, extra=PIECE_SHEETS)

    def _catalogue_html(
        self, entries: list[Entry], options: RenderOptions, titre: str, filtre: str = "", **how
    ) -> str:
        edition = options.edition
        return self.env.get_template("catalogue.html.j2").render(
            pages=how.get("pages"),
            piece=how.get("piece", False),
            entries=entries,
            titre=titre,
            rubrique=entries[0].fiche.rubrique if entries else "Dans mon job",
            editeur=(edition and edition.organisateur) or publisher(entries),
            filtre=filtre,
            theme=self.colours(options),
            page=options.page,
            edition=edition,
            generator=f"fichemetier {__version__}",
        )

    def _layout(
        self,
        html: str,
        folders: list[Path],
        options: RenderOptions,
        catalogue: bool = False,
        extra: tuple[str, ...] = (),
    ) -> Document:
        edition = options.edition
        logos = {logo.fichier.as_uri(): logo.fichier for logo in edition.logos} if edition else {}
        document = HTML(
            string=html,
            base_url=folders[0].resolve().as_uri() + "/" if folders else None,
            url_fetcher=LocalOnlyFetcher(
                [*folders, STYLES], logos, press=cmyk(options), badges=self.badges(options)
            ),
        )
        return document.render(
            stylesheets=self.stylesheets(options, catalogue, extra),
            font_config=self.fonts,
            pdf_tags=True,
            pdf_variant=VARIANTS[options.pdfa],
        )

    def write(
        self,
        document: Document,
        options: RenderOptions,
        dos: Dos | None = None,
        marks: bool = True,
    ) -> bytes:
        """The finished PDF; for a booklet, its pages and those that complete it (`dos`
        says what the back page names) imposed on A4 sheets. `marks`: False for a
        catalogue's piece, whose crop marks the skeleton draws."""
        pdf = self._finished(document, options, marks)
        if not options.livret:
            return pdf
        dos = dos or Dos(document.metadata.title or "")
        return self.booklet(pdf, len(document.pages), options, dos)

    def booklet(self, pdf: bytes, pages: int, options: RenderOptions, dos: Dos) -> bytes:
        """A finished PDF of `pages` A5 pages as a booklet: completed to whole sheets by
        notes pages and the back page (`dos`), imposed on A4 sheets."""
        missing = padding(pages)
        if not missing:
            return impose([pdf])
        back = self.dos_layout(dos, missing - 1, options)
        if len(back.pages) != missing:  # a layout bug, not the user's: said, not hidden
            raise RuntimeError(f"pages de fin du livret : {len(back.pages)} au lieu de {missing}")
        return impose([pdf, self._finished(back, options)])

    def dos_layout(self, dos: Dos, notes: int, options: RenderOptions) -> Document:
        """A booklet's last pages: `notes` pages to write on, then the back page."""
        html = self.env.get_template("dos.html.j2").render(
            dos=dos,
            edition=options.edition,
            notes=notes,
            lignes=NOTES_LINES,
            lien=PLUS_LOIN,
            theme=self.colours(options),
            page=options.page,
            generator=f"fichemetier {__version__}",
        )
        return self._layout(html, [], options, extra=DOS_SHEETS)

    def _finished(self, document: Document, options: RenderOptions, marks: bool = True) -> bytes:
        unpaint_covered_badges(document)
        pdf = document.write_pdf(
            pdf_tags=True, pdf_variant=VARIANTS[options.pdfa], uncompressed_pdf=True
        )  # compressed once, by the finishing pass
        how = Finishing(
            crop_marks=options.print and marks,
            pdfa=options.pdfa,
            black_ink=options.print,
            notes=reading_notes(document),
            link_texts=internal_link_texts(document),
        )
        return finish(pdf, qr_placements(document), self.colours(options)["texte"], how)

    def pdf(self, fiche: Fiche, folder: Path, options: RenderOptions | None = None) -> bytes:
        """Layout and PDF in one go."""
        options = options or RenderOptions()
        return self.write(self.layout(fiche, folder, options), options)


class _Kept(logging.Handler):
    """Keeps the records it is given (`logged`)."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def logged(logger: logging.Logger) -> Iterator[list[logging.LogRecord]]:
    """The warnings `logger` emits inside the block, whatever the application lets through."""
    handler, level = _Kept(), logger.level
    logger.setLevel(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def cmyk(options: RenderOptions) -> bool:
    """Print files are made for a CMYK press, except with --pdfa: the sRGB output intent of
    PDF/A forbids DeviceCMYK there (their marks and QR codes are DeviceGray, finishing.py)."""
    return ink_of(options.print, options.pdfa) == "cmyk"


def nearly_empty(page) -> bool:
    """Whether the page's content fills less than NEARLY_EMPTY of its height."""
    area = content_area(page)
    top, bottom = area.y0, area.y1
    lowest = max((margin_bottom(p.box) for p in placed_boxes(page) if painted(p.box)), default=top)
    return lowest - top < NEARLY_EMPTY * (bottom - top)


def qr_placements(document: Document) -> list[QRPlacement]:
    """Where the layout kept room for QR codes (`data-qr`), in PDF points, and the size
    of a module there."""
    return [
        QRPlacement(slot.page, slot.x, slot.y, slot.width / _modules(slot.url), slot.url)
        for slot in qr_slots(document)
    ]


def _modules(url: str) -> int:
    """The code's width in modules, quiet zone included."""
    return qr_rects(url)[0] + 2 * QUIET  # the code finishing draws, kept there


def publisher(entries: list[Entry]) -> str:
    """The catalogue's author: the publishers its fiches name ("Onisep"), else their
    rubric, as a single fiche's PDF has."""
    editeurs = sorted({entry.fiche.editeur for entry in entries if entry.fiche.editeur})
    return ", ".join(editeurs) or (entries[0].fiche.rubrique if entries else "Dans mon job")


def elided_de(name: str) -> str:
    """« de » before a name, elided before a vowel sound: « de Paul », « d’Ailin »."""
    return "d’" if name[:1].lower() in "aeiouàâéèêëîïôû" else "de "
