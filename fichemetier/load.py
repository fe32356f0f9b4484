"""Step 1, load: read a fiche file into plain Python data, keeping YAML line numbers.

Every later message must point at a line, so while converting ruamel.yaml's nodes to
plain dicts and lists we record the line of each key and list item by field path.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from .errors import FicheError, FicheProblem
from .textcheck import character_problem, code_point

Loc = tuple[str | int, ...]

#: A fiche is a few KB (the seed: 114 lines, 6.6 KB); these bounds stop a wrong file or a
#: YAML alias bomb ("billion laughs": aliases that expand exponentially, or one long text
#: repeated by aliases) before they eat the time or the memory.
MAX_BYTES = 2_000_000
MAX_VALUES = 50_000
#: Characters of all texts together, aliases expanded (a fiche prints two pages: ~10 000).
MAX_CHARS = 300_000
#: Lines plus `,` `[` `{` (what makes YAML values): counted before parsing, because
#: ruamel.yaml needs about 60 µs per value (measured: a 2 MB flat list took 30 to 70 s
#: and 1.1 GB). 10 000 of them parse in about a second.
MAX_TOKENS = 10_000
#: Nesting of YAML lists and mappings: a fiche has 5 levels; ruamel.yaml recurses once or
#: twice per level and Python stops at 1 000 frames.
MAX_DEPTH = 50


class _TooBig(Exception):
    pass


@dataclass(frozen=True)
class LoadedFiche:
    """A fiche's raw data plus where each field was written."""

    path: Path
    data: dict[str, Any]
    lines: dict[Loc, int] = field(default_factory=dict)
    digest: str = ""  # of the bytes read, so a build cache keys on exactly what was loaded

    @property
    def name(self) -> str:
        return str(self.path)

    def line_of(self, loc: Loc) -> int:
        return line_of(self.lines, loc)


def line_of(lines: dict[Loc, int], loc: Loc) -> int:
    """Line of the deepest part of `loc` that exists in the file (1 if none)."""
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return 1


@dataclass(frozen=True)
class Kind:
    """What a YAML file is meant to be, for the messages about an empty or shapeless one:
    a fiche, or an event's edition file (read by the same loader)."""

    noun: str = "une fiche"
    model: str = "copiez un modèle depuis fiches/ pour commencer"
    example: str = "metier: …"


FICHE = Kind()


def load_fiche(path: Path, kind: Kind = FICHE) -> LoadedFiche:
    """Read and parse one fiche file (or another `kind` of file read the same way); raise
    FicheError with a line for any problem."""
    name = str(path)
    raw = _read(name, path)
    text = _decode(name, raw)
    if not text.strip():
        raise _error(name, 1, f"le fichier est vide : {kind.model}")
    _prescan(name, text)
    document = _parse(name, text)
    if not isinstance(document, CommentedMap):
        raise _error(
            name,
            1,
            f"{kind.noun} doit être une suite de champs « clé: valeur » "
            f"(par exemple « {kind.example} »)",
        )
    lines: dict[Loc, int] = {}
    try:
        data = _plain(document, (), lines, [0])
    except _TooBig as exc:
        raise _error(name, line_of(lines, exc.args[1]), exc.args[0]) from None
    return LoadedFiche(path, data, lines, file_digest(raw))


def _read(name: str, path: Path) -> bytes:
    """The file's bytes, at most MAX_BYTES of them: a huge file is refused without being
    read, and a pipe or device named `x.yaml` is refused without blocking on it."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise _error(name, None, "ce n'est pas un fichier ordinaire : donnez un fichier .yaml")
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
            size = max(os.fstat(handle.fileno()).st_size, len(raw))
    except OSError as exc:
        raise _error(name, None, f"impossible de lire le fichier ({exc.strerror})") from None
    if len(raw) > MAX_BYTES:
        megabytes = size / 1_000_000
        message = f"fichier trop gros ({megabytes:.0f} Mo) : une fiche fait quelques Ko"
        raise _error(name, None, message)
    return raw


def file_digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _decode(name: str, raw: bytes) -> str:
    """UTF-8 with or without BOM; anything else gets the line of the first bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _error(
            name,
            line,
            "le fichier n'est pas en UTF-8 : enregistrez-le en « UTF-8 » depuis votre éditeur",
        ) from None


def _prescan(name: str, text: str) -> None:
    """Refuse, before the slow parser sees it, a file of too many values or nested too
    deep; the message points at the line where the limit is passed."""
    if (position := _too_deep(text)) is not None:
        raise _deep(name, text.count("\n", 0, position) + 1)
    tokens = text.count("\n") + text.count(",") + text.count("[") + text.count("{")
    if tokens > MAX_TOKENS:
        count = 0
        for number, line in enumerate(text.splitlines(), 1):
            count += 1 + line.count(",") + line.count("[") + line.count("{")
            if count > MAX_TOKENS:
                raise _error(
                    name,
                    number,
                    f"fiche trop longue : plus de {MAX_TOKENS} lignes ou valeurs à cette "
                    "ligne (une fiche en a quelques centaines) : est-ce bien une fiche ?",
                )


def _too_deep(text: str) -> int | None:
    """Where the nesting first passes MAX_DEPTH, as a cheap upper bound: brackets still
    open (quotes are not parsed, so a bracket in a text counts too), or indentation."""
    depth = 0
    for match in _BRACKET.finditer(text):
        depth = depth + 1 if match[0] in "[{" else max(depth - 1, 0)
        if depth > MAX_DEPTH:
            return match.start()
    for match in _INDENT.finditer(text):
        if len(match[0]) > 4 * MAX_DEPTH:
            return match.start()
    return None


_BRACKET = re.compile(r"[\[\]{}]")
_INDENT = re.compile(r"^(?: |- )+", re.MULTILINE)


def _deep(name: str, line: int | None) -> FicheError:
    return _error(
        name,
        line,
        f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux de listes ou de retraits) : "
        "une fiche en a au plus cinq, vérifiez les crochets [ ] et l'indentation",
    )


def _parse(name: str, text: str) -> Any:
    yaml = YAML(typ="rt")
    try:
        return yaml.load(text)
    except RecursionError:  # a nesting the prescan did not see as such
        raise _deep(name, None) from None
    except DuplicateKeyError as exc:
        key = exc.problem.split('"')[1] if '"' in (exc.problem or "") else ""
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise _error(
            name, line, f"le champ « {key} » est écrit deux fois : gardez-en un seul"
        ) from None
    except ReaderError as exc:  # a character YAML refuses to read, such as U+0007
        line = len(_LINE_BREAK.findall(text, 0, exc.position)) + 1
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        message = character_problem(char) or f"caractère {code_point(char)} interdit"
        raise _error(name, line, message) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        lines = text.splitlines()
        for number in filter(None, (line, mark.line if mark else None)):
            if 0 < number <= len(lines) and (advice := _quote_closed_early(lines[number - 1])):
                raise _error(name, number, advice) from None
        raise _error(name, line, _yaml_advice(exc.problem or exc.context or "")) from None
    except YAMLError as exc:
        raise _error(name, None, f"YAML invalide ({exc})") from None
    except (ValueError, OverflowError) as exc:  # a date that does not exist: 2024-02-30
        for number, line in enumerate(text.splitlines(), 1):
            for date in _DATE.findall(line):
                if not _real_date(date):
                    raise _error(
                        name,
                        number,
                        f"date impossible « {date} » : si c'est un texte, mettez-le entre "
                        'guillemets ("…")',
                    ) from None
        raise _error(name, None, f"valeur illisible ({exc})") from None


_DATE = re.compile(r"(?<![\w.-])\d{4}-\d{1,2}-\d{1,2}(?![\w.-])")


def _real_date(text: str) -> bool:
    year, month, day = map(int, text.split("-"))
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


_QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+)*(?:[^\s'":#][^:#]*:\s+)?(?P<quote>['"])""")


def _quote_closed_early(line: str) -> str | None:
    """The advice for the most common French YAML mistake: a quote inside a text written
    between the same quotes (`'l'électricien'`, `"un "compagnon""`), which ends it early."""
    match = _QUOTED_VALUE.match(line)
    if not match:
        return None
    quote, rest = match["quote"], line[match.end() :]
    end = _closing(rest, quote)
    if end is None or not rest[end + 1 :].strip() or rest[end + 1 :].lstrip().startswith("#"):
        return None
    if quote == "'":
        return (
            "une apostrophe ferme le texte trop tôt : ce texte commence par « ' », donc "
            "chaque apostrophe du texte doit être doublée (l''électricien), ou mettez tout "
            'le texte entre guillemets droits "…", ou tapez l\'apostrophe typographique ’'
        )
    return (
        'un guillemet ferme le texte trop tôt : ce texte commence par « " », donc un '
        "guillemet \" à l'intérieur le termine ; écrivez « » pour citer, ou mettez tout le "
        "texte entre apostrophes '…'"
    )


def _closing(rest: str, quote: str) -> int | None:
    """Index of the quote that closes a YAML quoted text (`''` and `\\"` do not)."""
    index = 0
    while index < len(rest):
        char = rest[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and rest[index + 1 : index + 2] == "'":
                index += 2
                continue
            return index
        index += 1
    return None


_LINE_BREAK = re.compile(r"\r\n|\r|\n")

#: ruamel.yaml's problems, said in the editors' words (the original is kept in brackets).
_YAML_ADVICE = (
    ("'\\t'", "une tabulation sert d'indentation : indentez avec des espaces"),
    (
        "mapping values are not allowed",
        "« : » inattendu : vérifiez l'indentation de cette ligne "
        "ou mettez entre guillemets un texte qui contient « : »",
    ),
    (
        "expected <block end>",
        "indentation incohérente : alignez cette ligne sur les champs de même niveau",
    ),
    (
        "could not find expected ':'",
        "il manque « : » après le nom du champ, ou un guillemet n'est pas refermé",
    ),
    ("found unexpected end of stream", "un guillemet ou un crochet n'est pas refermé"),
    (
        "undefined alias",
        "« * » en début de texte se lit comme un alias YAML : mettez le texte entre "
        'guillemets ("**gras** …")',
    ),
    ("found character", "caractère interdit en début de texte : mettez le texte entre guillemets"),
)


def _yaml_advice(problem: str) -> str:
    problem = problem if len(problem) <= 80 else f"{problem[:79]}…"
    for clue, advice in _YAML_ADVICE:
        if clue in problem:
            return f"{advice} ({problem})"
    return (
        f"YAML invalide ({problem or 'syntaxe incorrecte'}) : vérifiez l'indentation et les "
        "« : » ; un texte qui contient « : » ou commence par un signe doit être entre guillemets"
    )


def _plain(node: Any, loc: Loc, lines: dict[Loc, int], chars: list[int]) -> Any:
    """Convert ruamel nodes to dict/list/str, recording each child's 1-based line; counts
    values and characters as expanded (an alias repeats its anchor's whole value)."""
    if len(lines) > MAX_VALUES:
        raise _TooBig(
            f"plus de {MAX_VALUES} valeurs (des alias YAML en cascade ?) : "
            "une fiche n'en a que quelques centaines",
            loc,
        )
    if isinstance(node, CommentedMap):
        out = {}
        for key, value in node.items():
            child = (*loc, _counted(str(key), chars, loc))
            lines[child] = _key_line(node, key)
            out[child[-1]] = _plain(value, child, lines, chars)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            child = (*loc, index)
            lines[child] = _item_line(node, index)
            items.append(_plain(value, child, lines, chars))
        return items
    if isinstance(node, str):
        return _counted(str(node), chars, loc)
    return node


def _counted(text: str, chars: list[int], loc: Loc) -> str:
    chars[0] += len(text)
    if chars[0] > MAX_CHARS:
        raise _TooBig(
            f"plus de {MAX_CHARS} caractères de texte en tout, arrivé à cette ligne (une "
            "fiche en a quelques milliers ; un texte répété par des alias YAML « *… » ?)",
            loc,
        )
    return text


def _key_line(node: CommentedMap, key: Any) -> int:
    """1-based line of a key; a key merged in from an anchor (`<<: *base`) has none of its
    own, so it takes the mapping's line."""
    try:
        return node.lc.key(key)[0] + 1
    except (KeyError, TypeError):
        return node.lc.line + 1


def _item_line(node: CommentedSeq, index: int) -> int:
    """1-based line of a list item; a tagged flow list (`!!python/object [a]`) records
    none, so it takes the list's line."""
    try:
        return node.lc.item(index)[0] + 1
    except (KeyError, TypeError, IndexError):
        return node.lc.line + 1


def _error(name: str, line: int | None, message: str) -> FicheError:
    return FicheError([FicheProblem(name, line, None, message)])
