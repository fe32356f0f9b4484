"""An edition (`--edition salon.yaml`): the event's own brand on what a run prints.

A career fair prints its leaflets and catalogue with its name, date, place, organiser,
logos, link and colours. The edition file is read and checked like a fiche (the same
loader, with line numbers and cost bounds, and the same located French messages): a
mistake there would otherwise be printed on every page. Its colours override those of
styles/theme.css, so the pairs that carry text must keep their contrast (`contrast`).
Without an edition file, nothing changes.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import contrast
from .errors import FicheProblem, shown
from .load import Kind, Loc, line_of, load_fiche
from .logos import LogoError
from .logos import check as check_logo
from .model import Base, FileWords, Text, Url, field_path, local_file, located_errors

MAX_LOGOS = 3
LOGO_WORDS = FileWords(
    "le logo", "de logo", "du fichier d'édition", (".png", ".pdf", ".svg"), ".png, .pdf ou .svg"
)
MOIS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
_HEX = re.compile(r"#?([0-9a-f]{3}|[0-9a-f]{6})")


def _colour(value: Any) -> str:
    """`#b8275f`, `#B8275F`, `b8275f` or `#b27` → `#b8275f`; anything else is refused."""
    if value is None:  # `accent: #b8275f` unquoted: YAML reads `#…` as a comment
        raise PydanticCustomError(
            "couleur",
            "couleur manquante : en YAML « # » commence un commentaire, mettez la couleur "
            'entre guillemets, par exemple "#b8275f"',
        )
    match = _HEX.fullmatch(str(value).strip().lower()) if isinstance(value, str) else None
    if match is None:
        raise PydanticCustomError(
            "couleur",
            "« {value} » n'est pas une couleur : écrivez-la en hexadécimal entre guillemets, "
            'par exemple "#0d4c6b"',
            {"value": shown(value, 30)},
        )
    digits = match[1] if len(match[1]) == 6 else "".join(c * 2 for c in match[1])
    return f"#{digits}"


def _date(value: Any) -> Any:
    """A date written as a date (`2026-03-12`) is printed the French way: 12 mars 2026."""
    if isinstance(value, datetime.date):
        first = "1er" if value.day == 1 else str(value.day)
        return f"{first} {MOIS[value.month - 1]} {value.year}"
    return value


Couleur = Annotated[str, BeforeValidator(_colour)]
THEME = contrast.theme_colours()

#: One optional field per colour of styles/theme.css, named as there (`bandeau-texte` for
#: `--couleur-bandeau-texte`): an unknown name is an error that lists the known ones.
_Couleurs = create_model(  # type: ignore[call-overload]
    "Couleurs",
    __base__=Base,
    __module__=__name__,
    **{name.replace("-", "_"): (Couleur, Field(None, alias=name, title=name)) for name in THEME},
)


class Couleurs(_Couleurs):  # type: ignore[valid-type, misc]
    """Colours that replace the theme's; the text pairs keep WCAG contrast."""

    def chosen(self) -> dict[str, str]:
        """The colours given, by theme name (`bandeau-texte`)."""
        return {
            info.alias or key: value
            for key, info in type(self).model_fields.items()
            if (value := getattr(self, key)) is not None
        }

    @model_validator(mode="after")
    def _readable(self) -> Couleurs:
        weak = contrast.weak_pairs({**THEME, **self.chosen()})
        if weak:
            pairs = " ; ".join(
                f"« {text} » sur « {fond} » : {_floor(value)}:1" for text, fond, value in weak
            )
            raise PydanticCustomError(
                "contraste",
                "contraste trop faible pour lire le texte ({pairs}) ; il faut au moins "
                "{minimum}:1 (WCAG) : foncez le texte ou éclaircissez le fond",
                {"pairs": pairs, "minimum": str(contrast.MINIMUM).replace(".", ",")},
            )
        return self


def _floor(value: float) -> str:
    """A ratio as printed: rounded down, so that 4,46:1 never reads as the 4,5:1 it misses."""
    return f"{math.floor(value * 10) / 10:.1f}".replace(".", ",")


class Logo(Base):
    fichier: Path = Field(
        title="Fichier", description="Un .png, .pdf ou .svg placé dans le dossier de l'édition."
    )
    nom: Text = Field(title="Nom", description="Ce que montre le logo, lu à voix haute.")

    @field_validator("fichier")
    @classmethod
    def _in_folder(cls, value: Path, info: ValidationInfo) -> Path:
        folder = (info.context or {}).get("folder")
        if folder is None:
            return value
        path = local_file(value, folder, LOGO_WORDS)
        try:
            check_logo(path, str(value))
        except (LogoError, OSError) as exc:
            raise PydanticCustomError("logo", "{message}", {"message": str(exc)}) from None
        return (folder / value).absolute()


def _few(logos: tuple[Logo, ...]) -> tuple[Logo, ...]:
    if len(logos) > MAX_LOGOS:
        raise PydanticCustomError(
            "logos",
            "trop de logos ({count}, au plus {limit}) : gardez ceux de l'organisateur et "
            "des principaux partenaires",
            {"count": len(logos), "limit": MAX_LOGOS},
        )
    return logos


class Edition(Base):
    """An event's brand; only `titre` is required."""

    titre: Text = Field(title="Titre", description="Le nom de l'événement.")
    sous_titre: Text | None = Field(None, title="Sous-titre")
    date: Annotated[Text | None, BeforeValidator(_date)] = Field(
        None, title="Date", description="« 12 mars 2026 », « du 12 au 14 mars 2026 »…"
    )
    lieu: Text | None = Field(None, title="Lieu")
    organisateur: Text | None = Field(
        None, title="Organisateur", description="Aussi l'auteur des PDF."
    )
    logos: Annotated[tuple[Logo, ...], AfterValidator(_few)] = Field(
        (), title="Logos", description=f"Au plus {MAX_LOGOS}."
    )
    lien: Url | None = Field(None, title="Lien", description="Imprimé avec son code QR.")
    couleurs: Couleurs | None = Field(None, title="Couleurs")
    #: The file it was read from and the line of each field: a finding of the layout on
    #: the edition's text (the cover shows it) is located there, not in the catalogue.
    _source: Path | None = PrivateAttr(None)
    _lines: dict[Loc, int] = PrivateAttr(default_factory=dict)

    @property
    def source(self) -> Path | None:
        """The edition file, when it was read from one."""
        return self._source

    def located(self, loc: Loc, message: str, warning: bool = False) -> FicheProblem:
        """A finding at `loc` of the edition (`("sous_titre",)`), with its file and line."""
        line = line_of(self._lines, loc) if self._lines else None
        return FicheProblem(str(self._source), line, field_path(loc), message, warning)

    def colours(self) -> dict[str, str]:
        """The theme's colours this edition changes (`accent` → `#…`)."""
        return self.couleurs.chosen() if self.couleurs else {}

    def pied(self) -> str:
        """The event as the fiches' footer names it: « Salon de l'orientation, 12 mars 2026 »."""
        return ", ".join(part for part in (self.titre, self.date) if part)

    def css(self) -> str:
        """The stylesheet that sets its colours, added after the theme's."""
        lines = [f"  --couleur-{name}: {value};" for name, value in self.colours().items()]
        return ":root {\n" + "\n".join(lines) + "\n}\n" if lines else ""

    def digest(self) -> str:
        """What the build cache keys on: the values and the logos' bytes."""
        digest = hashlib.sha256(self.model_dump_json().encode())
        for logo in self.logos:
            digest.update(logo.fichier.read_bytes())
        return digest.hexdigest()


EDITION = Kind(
    "un fichier d'édition",
    "copiez editions/exemple.yaml pour commencer",
    "titre: Salon de l'orientation",
)


def load_edition(path: Path) -> Edition:
    """Read and validate an edition file; FicheError with every located problem."""
    loaded = load_fiche(path, EDITION)
    try:
        edition = Edition.model_validate(loaded.data, context={"folder": path.parent})
    except ValidationError as exc:
        raise located_errors(loaded, exc, Edition) from None
    edition._source, edition._lines = path, loaded.lines
    return edition
