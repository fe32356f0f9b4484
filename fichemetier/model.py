"""Step 2, model: what a fiche may contain, validated with pydantic.

The models are strict (an unknown key such as `citaton` is an error) and every
pydantic error is turned here, in one place, into a located French message.
"""

from __future__ import annotations

import datetime
import difflib
import typing
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .errors import FicheError, FicheProblem, shown
from .inline import Paragraph, depth, has_image, links, parse, printed_words, unread_link
from .linkcheck import (
    MAX_LINKS,
    MAX_LINKS_PER_TEXT,
    bad_link,
    label_problem,
    too_many_links,
)
from .load import LoadedFiche, Loc
from .textcheck import (
    MAX_ITEMS,
    MAX_LINE,
    MAX_NESTING,
    MAX_PROSE,
    bad_character,
    character_problem,
    invisible_in_url,
    long_word,
    too_long,
)
from .typography import PROTECTED

NIVEAUX = ("CAP", "bac", "bac+1", "bac+2", "bac+3", "bac+4", "bac+5", "bac+6", "bac+8")
PHOTO_TYPES = (".jpg", ".jpeg", ".png")


#: Diplomas editors write as a level, and the level each one is (France's national
#: framework: CAP level 3, BTS/DUT level 5 = bac + 2, licence/BUT/bachelor level 6 =
#: bac + 3, master and engineering degrees level 7 = bac + 5, doctorat level 8).
DIPLOMES = {
    "bep": "CAP",
    "bacpro": "bac",
    "bacprofessionnel": "bac",
    "baccalaureat": "bac",
    "bts": "bac+2",
    "dut": "bac+2",
    "deust": "bac+2",
    "licence": "bac+3",
    "licencepro": "bac+3",
    "licenceprofessionnelle": "bac+3",
    "but": "bac+3",
    "bachelor": "bac+3",
    "master": "bac+5",
    "mastere": "bac+5",
    "ingenieur": "bac+5",
    "diplomedingenieur": "bac+5",
    "doctorat": "bac+8",
    "these": "bac+8",
}


def _niveau(value: Any) -> str:
    """Accept `Bac + 2`, `BAC+2`, `cap`, and a diploma (`BTS`, `licence`: see DIPLOMES);
    refuse anything else, with the closest level or diploma as a suggestion."""
    key = _folded("".join(str(value).split()))
    for niveau in NIVEAUX:
        if key == niveau.lower():
            return niveau
    if key in DIPLOMES:
        return DIPLOMES[key]
    choices = ", ".join(n.replace("+", " + ") for n in NIVEAUX)
    close = difflib.get_close_matches(key, [n.lower() for n in NIVEAUX] + list(DIPLOMES), 1)
    hint = ""
    if close and not key.startswith("bac+"):
        niveau = DIPLOMES.get(close[0]) or next(n for n in NIVEAUX if n.lower() == close[0])
        hint = f" : vouliez-vous dire {niveau.replace('+', ' + ')} ?"
    raise PydanticCustomError(
        "niveau",
        "« {value} » n'est pas un niveau connu ({choices}, ou un diplôme : BTS, BUT, "
        "licence, master, doctorat…){hint}",
        {"value": shown(value), "choices": choices, "hint": hint},
    )


def _folded(text: str) -> str:
    """Lower case without accents or apostrophes: `Diplôme d'ingénieur` → `diplomedingenieur`."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum() or c == "+")


def _printable(limit: int):
    """Checks shared by every text (see textcheck): printable characters, bounded size."""

    def check(value: str) -> str:
        if problem := bad_character(value) or too_long(value, limit):
            raise PydanticCustomError("texte", problem)
        return value

    return AfterValidator(check)


def _line(value: str) -> str:
    if problem := long_word(PROTECTED.sub(" ", value)):
        raise PydanticCustomError("mot", problem)
    return value


def _url(value: str, info: ValidationInfo) -> str:
    value = value.strip()
    first, *rest = value.split(maxsplit=1)
    if rest and "://" in first or first.lower().startswith("mailto:") and rest:
        # A training's `liens` sit under its `texte`; a school's or an edition's `lien` has none.
        hint = (
            "un lien seul par ligne ; le texte va dans le champ « texte » de la formation"
            if info.field_name == "liens"
            else "un lien seul, sans texte après (une espace s'écrit %20 dans une adresse)"
        )
        raise PydanticCustomError(
            "url",
            "le lien « {url} » est suivi de texte (« {text} ») : {hint}",
            {"url": shown(first), "text": shown(rest[0], 30), "hint": hint},
        )
    if problem := bad_character(value) or too_long(value, MAX_LINE) or invisible_in_url(value):
        raise PydanticCustomError("url", problem)
    if any(c.isspace() for c in value):
        raise PydanticCustomError(
            "url", "le lien « {url} » contient une espace : retirez-la", {"url": value}
        )
    if problem := bad_link(value):
        raise PydanticCustomError("url", problem)
    return value


def _prose(value: str) -> str:
    """Markdown links must be web links; images are refused rather than silently dropped;
    a link that markdown could not read (a space in its address) is an error, not text."""
    if problem := long_word(printed_words(value)):
        raise PydanticCustomError("mot", problem)
    found = links(value)
    if len(found) > MAX_LINKS_PER_TEXT:
        raise PydanticCustomError(
            "liens", too_many_links(len(found), MAX_LINKS_PER_TEXT, "ce texte")
        )
    for label, url in found:
        if problem := bad_link(url) or (label and label_problem(label, url)):
            raise PydanticCustomError("url", problem)
        if label is not None and not label.strip():
            raise PydanticCustomError(
                "lien",
                "le lien vers {url} n'a pas de texte : écrivez [texte](adresse)",
                {"url": url},
            )
    for paragraph in parse(value):
        _check_structure(paragraph)
    return value


def _check_structure(paragraph: Paragraph) -> None:
    if (levels := depth(paragraph)) > MAX_NESTING:
        raise PydanticCustomError(
            "imbrication",
            "mise en forme imbriquée sur {depth} niveaux (gras, italique, lien l'un dans "
            "l'autre ; au plus {limit}) : vérifiez les * et les ** de ce texte",
            {"depth": levels, "limit": MAX_NESTING},
        )
    if (unread := unread_link(paragraph)) is not None:
        # markdown refused the link: a scheme it does not allow (file:, javascript:)
        # or a space in the address
        target = unread.partition("](")[2].split(")")[0].split()
        if target and (problem := bad_link(target[0])):
            raise PydanticCustomError("url", problem)
        raise PydanticCustomError(
            "lien",
            "lien mal écrit : la forme est [texte](https://…), sans espace dans l'adresse",
        )
    if has_image(paragraph):
        raise PydanticCustomError(
            "image", "les images ne sont pas permises dans le texte (« ![…](…) »)"
        )


Text = Annotated[str, Field(min_length=1), _printable(MAX_LINE), AfterValidator(_line)]
Prose = Annotated[str, Field(min_length=1), _printable(MAX_PROSE), AfterValidator(_prose)]
Url = Annotated[str, Field(min_length=1), AfterValidator(_url)]
Niveau = Annotated[str, BeforeValidator(_niveau)]
#: The same checks for the command line (`--niveau bac+2`, `--titre …`).
Niveaux = TypeAdapter(Niveau)
Texts = TypeAdapter(Text)


class Base(BaseModel):
    """Every model forbids unknown keys, so typos are caught, and strips stray spaces."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Temoignage(Base):
    citation: Prose = Field(
        title="Citation",
        description="Ce que dit la personne de son métier, en une ou deux phrases, sans « ».",
    )
    auteur: Text = Field(title="Auteur", description="Le prénom de la personne citée.")
    photo: Path | None = Field(
        None,
        title="Photo",
        description="Un fichier .jpg ou .png placé dans le dossier de la fiche.",
    )
    description_photo: Text | None = Field(  # read aloud instead of the photo
        None,
        title="Description de la photo",
        description="Ce que montre la photo, lu à voix haute aux personnes aveugles.",
    )

    @field_validator("citation")
    @classmethod
    def _no_guillemets(cls, value: str) -> str:
        """The template adds « »; strip the ones an editor may have typed."""
        return value.strip().strip('«»"“” \u00a0\u202f') or value

    @field_validator("photo")
    @classmethod
    def _photo_in_folder(cls, value: Path | None, info: ValidationInfo) -> Path | None:
        folder = (info.context or {}).get("folder")
        if value is None or folder is None:
            return value
        path = local_file(value, folder, PHOTO_WORDS)
        _check_image(path, value)
        # As written, not resolved: the build cache then follows a symlink that changes.
        return (folder / value).absolute()


@dataclass(frozen=True)
class FileWords:
    """How messages name a file a document points at (a fiche's photo, an edition's
    logo), its folder and the extensions it may have."""

    what: str  # « la photo »
    of: str  # « de photo » (nom de fichier …)
    folder: str  # « de la fiche » (le dossier …)
    types: tuple[str, ...]
    kinds: str  # « .jpg ou .png »


PHOTO_WORDS = FileWords("la photo", "de photo", "de la fiche", PHOTO_TYPES, ".jpg ou .png")


def local_file(value: Path, folder: Path, words: FileWords) -> Path:
    """The file `value` names, resolved, if it is inside `folder` (no absolute path, no
    `..`, no symlink out), of an allowed type and there; a located error otherwise."""
    try:
        path = (folder / value).resolve()
        inside = not value.is_absolute() and path.is_relative_to(folder.resolve())
        found = path.is_file()
    except (OSError, RuntimeError, ValueError):  # name too long, link loop, NUL byte
        raise PydanticCustomError("fichier", f"nom de fichier {words.of} invalide") from None
    if not inside:
        raise PydanticCustomError(
            "fichier", f"{words.what} doit être dans le dossier {words.folder}"
        )
    if path.suffix.lower() not in words.types:
        raise PydanticCustomError("fichier", f"{words.what} doit être un fichier {words.kinds}")
    if not found:
        if twin := _photo_twin(path, words.types):
            raise PydanticCustomError(
                "fichier",
                "fichier « {name} » introuvable : vouliez-vous dire « {twin} » ?",
                {"name": str(value), "twin": twin},
            )
        raise PydanticCustomError(
            "fichier",
            "fichier « {name} » introuvable : {what} doit être dans le dossier {of} "
            "({folder}), vérifiez son nom",
            {"name": str(value), "what": words.what, "of": words.folder, "folder": str(folder)},
        )
    return path


def _photo_twin(path: Path, types: tuple[str, ...]) -> str | None:
    """A file of the photo's folder whose name differs only by accents, case or image
    extension (`Paul.JPG`, `helene.jpeg` for `hélène.jpg`): what the editor meant."""
    wanted = _folded(path.stem)
    try:
        files = sorted(p.name for p in path.parent.iterdir() if p.suffix.lower() in types)
    except OSError:
        return None
    return next((name for name in files if _folded(Path(name).stem) == wanted), None)


def _check_image(path: Path, written: Path) -> None:
    """A photo WeasyPrint cannot read would silently become its alternative text, and a
    truncated one a grey box: photos.check decodes it once, strictly (and bounded)."""
    from .photos import PhotoError, check

    try:
        check(path, str(written))
    except PhotoError as exc:
        raise PydanticCustomError("photo", "{message}", {"message": str(exc)}) from None


class Remuneration(Base):
    texte: Prose = Field(title="Texte", description="Les salaires, en une ou deux phrases.")
    debutant: int | None = Field(
        default=None,
        gt=0,
        le=100_000,
        strict=True,
        title="Salaire débutant",
        description="En € brut mensuel, sans espace (ex. 2000) : dessine l'échelle des salaires.",
    )
    experimente: int | None = Field(
        default=None,
        gt=0,
        le=100_000,
        strict=True,
        title="Salaire expérimenté",
        description="En € brut mensuel, à indiquer avec le salaire débutant.",
    )

    @model_validator(mode="after")
    def _scale(self) -> Remuneration:
        if (self.debutant is None) != (self.experimente is None):
            raise PydanticCustomError(
                "echelle", "indiquez debutant et experimente ensemble (ou aucun des deux)"
            )
        if self.debutant and self.experimente and self.debutant > self.experimente:
            raise PydanticCustomError("echelle", "debutant doit être inférieur à experimente")
        return self


class Etablissement(Base):
    nom: Prose = Field(title="Nom", description="L'établissement, par exemple « l'IUT de Lyon ».")
    details: Prose | None = Field(
        None, title="Détails", description="Admission, apprentissage… (facultatif)."
    )
    cout: Prose | None = Field(None, title="Coût", description="Frais de scolarité (facultatif).")
    lien: Url | None = Field(
        None, title="Lien", description="Adresse web (https://…), imprimée en QR code."
    )


class Formation(Base):
    texte: Prose = Field(title="Formation", description="Le diplôme et ce qu'il faut savoir.")
    etablissements: list[Etablissement] = Field(
        [],
        max_length=MAX_ITEMS,
        title="Établissements",
        description="Où suivre cette formation (facultatif).",
    )
    liens: list[Url] = Field(
        [],
        max_length=MAX_LINKS_PER_TEXT,
        title="Liens",
        description="Adresses web (https://…), imprimées en QR codes.",
    )


class GroupeFormations(Base):
    niveau: Niveau | None = Field(
        None,
        title="Niveau",
        description="CAP, bac, bac + 1 … bac + 6 ou bac + 8 (facultatif).",
    )
    formations: list[Formation] = Field(
        min_length=1,
        max_length=MAX_ITEMS,
        title="Formations",
        description="Au moins une formation de ce niveau.",
    )


class Fiche(Base):
    rubrique: Text = Field(
        "Dans mon job", title="Rubrique", description="Le bandeau en haut de la fiche."
    )
    metier: Text = Field(title="Métier", description="Le nom du métier, le titre de la fiche.")
    temoignage: Temoignage | None = Field(
        None, title="Témoignage", description="Une personne du métier en parle (facultatif)."
    )
    le_metier: Prose = Field(
        title="Le métier",
        description="Ce que fait la personne, en quelques paragraphes séparés d'une ligne vide.",
    )
    remuneration: Remuneration | None = Field(
        None, title="Rémunération", description="Les salaires (facultatif)."
    )
    formations_publiques: list[GroupeFormations] = Field(
        [],
        max_length=MAX_ITEMS,
        title="Formations publiques",
        description="Les formations, regroupées par niveau.",
    )
    formations_privees: list[GroupeFormations] = Field(
        [],
        max_length=MAX_ITEMS,
        title="Formations privées",
        description="Les écoles privées, regroupées par niveau.",
    )
    partenaire: Text | None = Field(  # plain text: the footer line of every page
        None, title="Partenaire", description="La ligne en bas de chaque page (facultatif)."
    )
    editeur: Text | None = Field(
        None, title="Éditeur", description="Qui publie la fiche, par exemple l'Onisep."
    )


def validate(loaded: LoadedFiche) -> Fiche:
    """Validate loaded data; raise FicheError listing every problem with its line."""
    try:
        fiche = Fiche.model_validate(loaded.data, context={"folder": loaded.path.parent})
    except ValidationError as exc:
        raise located_errors(loaded, exc, Fiche) from None
    if loc := _link_over_budget(fiche):
        message = too_many_links(MAX_LINKS + 1, MAX_LINKS, "la fiche, arrivée à ce champ,")
        raise FicheError([FicheProblem(loaded.name, loaded.line_of(loc), field_path(loc), message)])
    return fiche


#: A monthly gross salary outside this range is most likely a yearly figure (or a typo):
#: the minimum wage is about 1 800 € gross a month, few jobs for beginners pay 20 000 €.
SALAIRE_MENSUEL = (1_000, 20_000)


def advice(loaded: LoadedFiche, fiche: Fiche) -> list[FicheProblem]:
    """Warnings for a valid fiche: it is printed, but something looks wrong."""
    found = []
    if fiche.remuneration is not None:
        low, high = SALAIRE_MENSUEL
        for name in ("debutant", "experimente"):
            amount = getattr(fiche.remuneration, name)
            if amount is not None and not low <= amount <= high:
                loc: Loc = ("remuneration", name)
                message = (
                    f"{amount} € brut par mois paraît {'peu' if amount < low else 'beaucoup'} "
                    f"(attendu entre {low} et {high}) : est-ce un salaire annuel ? Le montant "
                    "est mensuel (annuel ÷ 12)"
                )
                found.append(
                    FicheProblem(loaded.name, loaded.line_of(loc), field_path(loc), message, True)
                )
    return found


def _link_over_budget(fiche: Fiche) -> Loc | None:
    """The field where the fiche's links (each printed with a QR code) pass MAX_LINKS."""
    count = 0
    for loc, value in _texts(fiche, ()):
        count += len(links(value))
        if count > MAX_LINKS:
            return loc
    return None


def _texts(value: Any, loc: Loc) -> typing.Iterator[tuple[Loc, str]]:
    """Every text of a validated fiche, in file order, with its field path."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name), (*loc, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, (*loc, index))
    elif isinstance(value, str):
        yield loc, value


def _without_typo_twins(errors: list[Any]) -> list[Any]:
    """A misspelt key (`citaton`) also makes `citation` missing: report the typo only."""
    unknown = [tuple(e["loc"]) for e in errors if e["type"] == "extra_forbidden"]

    def is_twin(error: Any) -> bool:
        loc = tuple(error["loc"])
        return error["type"] == "missing" and any(
            other[:-1] == loc[:-1] and difflib.get_close_matches(str(other[-1]), [str(loc[-1])])
            for other in unknown
        )

    return [e for e in errors if not is_twin(e)]


def located_errors(loaded: LoadedFiche, exc: ValidationError, root: type[BaseModel]) -> FicheError:
    """Every error of validating `loaded` against `root` (a fiche, an edition) as one
    located French message each, in file order."""
    errors = _without_typo_twins(exc.errors())
    problems = [_problem(loaded, error, root) for error in errors]
    return FicheError(sorted(problems, key=lambda p: p.line or 0))


def _problem(loaded: LoadedFiche, error: Any, root: type[BaseModel]) -> FicheProblem:
    loc: Loc = tuple(error["loc"])
    message = _message(error, loc, root)
    return FicheProblem(loaded.name, loaded.line_of(loc), field_path(loc), message)


def field_path(loc: Loc) -> str:
    """('formations_publiques', 0, 'niveau') → 'formations_publiques[0].niveau'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "fiche"


_MESSAGES = {
    "missing": "champ obligatoire manquant : ajoutez « {name}: … »",
    "string_too_short": "ce champ ne peut pas être vide",
    "too_short": "la liste ne peut pas être vide : ajoutez au moins un élément",
    "too_long": "trop d'éléments ({actual_length}, au plus {max_length}) : une fiche en "
    "montre une sélection, gardez les principaux",
    "string_type": "un texte est attendu ici",
    "int_type": "un nombre entier d'euros est attendu, par exemple 2000",
    "int_parsing": "un nombre entier d'euros est attendu, par exemple 2000 (sans espace ni €)",
    "int_from_float": "un nombre entier d'euros est attendu, sans virgule",
    "greater_than": "le montant doit être supérieur à 0",
    "less_than_equal": "le montant est trop grand (en € brut mensuel, au plus 100000)",
    "list_type": "une liste est attendue : une ligne par élément, commençant par « - »",
    "tuple_type": "une liste est attendue : une ligne par élément, commençant par « - »",
    "model_type": "des champs « clé: valeur » sont attendus ici",
    "model_attributes_type": "des champs « clé: valeur » sont attendus ici",
    "path_type": "un nom de fichier est attendu ici",
    "finite_number": "un nombre entier d'euros est attendu, par exemple 2000",
    "bool_type": "oui ou non est attendu ici",
}


def _message(error: Any, loc: Loc, root: type[BaseModel]) -> str:
    kind = error["type"]
    name = str(loc[-1]) if loc else ""
    if kind == "extra_forbidden":
        fields = _model_at(loc[:-1], root).model_fields
        allowed = [info.alias or key for key, info in fields.items()]
        close = difflib.get_close_matches(name, allowed, n=1)
        hint = f"vouliez-vous dire « {close[0]} » ? " if close else ""
        return f"champ inconnu « {shown(name)} » : {hint}champs possibles : {', '.join(allowed)}"
    if kind == "string_unicode":  # a lone surrogate, written as a "\ud800" escape
        char = next((c for c in str(error["input"]) if "\ud800" <= c <= "\udfff"), "\ud800")
        return character_problem(char) or ""
    if kind == "string_type" and isinstance(error["input"], int | float | datetime.date):
        value = shown(error["input"], 30)
        return (
            f"un texte est attendu ici, et « {value} » se lit comme un nombre ou une date : "
            f'mettez-le entre guillemets ({name}: "{value}")'
        )
    if kind in _MESSAGES:
        return _MESSAGES[kind].format(name=name, **error.get("ctx", {}))
    return str(error["msg"]).removeprefix("Value error, ")


def _model_at(loc: Loc, root: type[BaseModel]) -> type[BaseModel]:
    """The model class that validates the mapping found at `loc` (from `root`)."""
    model = root
    for part in loc:
        if isinstance(part, int):
            continue
        model = _inner_model(model.model_fields[part].annotation) or model
    return model


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if found := _inner_model(arg):
            return found
    return None
