"""The editor's form, generated from the model's JSON Schema, and the form's data back.

Nothing here names a field of a fiche: a field added to the model appears in the form
with its title and help (`Field(title=…, description=…)`). Inputs are named by their
field path (`formations_publiques[0].niveau`), the same path the validation messages
carry, so each message finds its input. Which text gets the bold/italic/link buttons,
or the list of levels, is read from the model's own validators.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from .. import model
from ..schema import fiche_schema

_TOKEN = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


@dataclass
class Widget:
    """One input, or a group of them (kind `object`), or a repeatable list (`list`)."""

    path: str
    name: str
    kind: str  # text, prose, niveau, url, number, photo, object, list
    title: str
    help: str = ""
    required: bool = False
    value: Any = None
    children: list[Widget] = field(default_factory=list)
    item: str = ""  # the title of one item of a list ("Formation")
    present: bool = True  # an optional group not added yet is offered as a button

    @property
    def id(self) -> str:
        return dom_id(self.path)


def dom_id(path: str) -> str:
    """`formations_publiques[0].niveau` → `formations_publiques-0-niveau`."""
    return re.sub(r"[\[\].]+", "-", path).strip("-") or "fiche"


#: A fiche's deepest field is 7 parts deep (formations_publiques[0].formations[1].
#: etablissements[2].nom); item numbers stay under MAX_ITEMS. A posted name beyond these
#: is no field of the form: it is ignored (a 5 000-digit index or 3 000 levels would
#: otherwise cost a traceback).
MAX_PARTS = 12
MAX_INDEX_DIGITS = 4


def split_path(path: str) -> list[str | int]:
    """`a[0].b` → ['a', 0, 'b']; [] for a name that cannot be a field of a fiche."""
    found = _TOKEN.findall(path)
    if len(found) > MAX_PARTS or any(len(index) > MAX_INDEX_DIGITS for index, _ in found):
        return []
    return [int(index) if index else key for index, key in found]


# -- schema → widgets ---------------------------------------------------------------------


def build(values: dict[str, Any]) -> list[Widget]:
    schema = fiche_schema()
    return _properties(schema, schema, model.Fiche, "", values or {})


def _properties(root, schema, cls, prefix, values) -> list[Widget]:
    required = set(schema.get("required", []))
    return [
        _widget(root, prop, cls, name, f"{prefix}{name}", values.get(name), name in required)
        for name, prop in schema["properties"].items()
    ]


def _widget(root, prop, cls, name, path, value, required) -> Widget:
    """The widget of field `name` of model `cls` (its schema: `prop`)."""
    target = _resolve(root, prop)
    title = prop.get("title") or target.get("title") or name
    common = dict(path=path, name=name, title=title, help=prop.get("description", ""))
    if target.get("type") == "object":
        present = isinstance(value, dict) or required
        return _group(root, target, _model_of(cls, name), value, present, required, common)
    if target.get("type") == "array":
        item = _resolve(root, target["items"])
        inner = _model_of(cls, name)
        item_title = _item_title(item, title)
        children = []
        for number, entry in enumerate(value if isinstance(value, list) else [], 1):
            each = dict(path=f"{path}[{number - 1}]", name=name, title=f"{item_title} {number}")
            if item.get("type") == "object":
                children.append(_group(root, item, inner, entry, True, True, each))
            else:
                children.append(_leaf(cls, name, entry, item, {**each, "required": True}))
        return Widget(kind="list", children=children, item=item_title, required=required, **common)
    return _leaf(cls, name, value, target, {**common, "required": required})


def _group(root, schema, cls, value, present, required, common) -> Widget:
    values = value if isinstance(value, dict) else {}
    children = _properties(root, schema, cls, f"{common['path']}.", values) if present else []
    return Widget(kind="object", children=children, present=present, required=required, **common)


def _leaf(cls, name, value, target, common) -> Widget:
    if target.get("type") == "integer":
        kind = "number"
    elif target.get("format") == "path":
        kind = "photo"
    else:
        kind = _text_kind(cls, name)
    shown = "" if value is None else str(value)
    return Widget(kind=kind, value=shown, **common)


def _item_title(resolved: dict, list_title: str) -> str:
    title = resolved.get("title", "")
    if title and title[0].isupper() and title not in _CLASS_NAMES:
        return title
    return _SINGULAR.get(list_title, list_title)


#: How one item of a list is called; a list the model adds later is called by its title.
_SINGULAR = {
    "Formations publiques": "Niveau",
    "Formations privées": "Niveau",
    "Formations": "Formation",
    "Établissements": "Établissement",
    "Liens": "Lien",
}


def label(path: str) -> str:
    """A field path as the form shows it: `formations_publiques[2].formations[0]` →
    « Formations publiques n° 3 › Formations n° 1 », from the model's own titles."""
    root = fiche_schema()
    schema: dict = root
    words: list[str] = []
    for part in split_path(path):
        if isinstance(part, int):
            schema = _resolve(root, schema.get("items", {}))
            words[-1:] = [f"{words[-1]} n° {part + 1}"] if words else [f"n° {part + 1}"]
            continue
        prop = schema.get("properties", {}).get(part, {})
        schema = _resolve(root, prop)
        words.append(prop.get("title") or schema.get("title", part))  # the field's own first
    return " › ".join(words)


def _resolve(root: dict, prop: dict) -> dict:
    """A property's schema without `$ref` and without the `null` of an optional field."""
    if "$ref" in prop:
        return _resolve(root, root["$defs"][prop["$ref"].rsplit("/", 1)[1]])
    options = [p for p in prop.get("anyOf", []) if p.get("type") != "null"]
    if options:
        return _resolve(root, {**options[0], **{k: v for k, v in prop.items() if k != "anyOf"}})
    return prop


# -- what the model's validators say about a text -----------------------------------------


def _model_of(cls: type[BaseModel], name: str) -> type[BaseModel]:
    return model._inner_model(cls.model_fields[name].annotation) or cls


_KINDS = {model._prose: "prose", model._niveau: "niveau", model._url: "url"}
_CLASS_NAMES = {
    name
    for name, value in vars(model).items()
    if isinstance(value, type) and issubclass(value, BaseModel)
}


def _text_kind(cls: type[BaseModel], name: str) -> str:
    info = cls.model_fields.get(name)
    found = _validators([info.annotation, *info.metadata]) if info else []
    return next((_KINDS[f] for f in found if f in _KINDS), "text")


def _validators(things: list[Any]) -> list[Any]:
    found = []
    for thing in things:
        if func := getattr(thing, "func", None):
            found.append(func)
        found += _validators(list(getattr(thing, "__metadata__", ())))
        found += _validators(list(typing.get_args(thing)))
    return found


NIVEAUX = model.NIVEAUX


# -- form → data --------------------------------------------------------------------------


def tree(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """The posted inputs as nested data, every value kept (an empty item the user just
    added must stay in the form). Names that are not field paths are ignored."""
    root: dict[str, Any] = {}
    for name, value in pairs:
        parts = split_path(name)
        if not parts or not isinstance(parts[0], str) or name.startswith("_"):
            continue
        _put(root, parts, value.replace("\r\n", "\n"))
    return _compact(root)


def _put(node: Any, parts: list[str | int], value: str) -> None:
    for part in parts[:-1]:
        if not isinstance(node, dict):  # `x` posted as a text and as a group: ignored
            return
        node = node.setdefault(part, {})  # item numbers are keys too, see _compact
    if isinstance(node, dict):
        node[parts[-1]] = value


def _compact(node: Any) -> Any:
    """Maps keyed by item numbers (posted as `x[3]`, `x[7]` after a removal) become lists
    in order."""
    if not isinstance(node, dict):
        return node
    if node and all(isinstance(k, int) for k in node):
        return [_compact(node[k]) for k in sorted(node)]
    return {k: _compact(v) for k, v in node.items()}


def data(values: dict[str, Any]) -> dict[str, Any]:
    """The fiche as its YAML file would hold it: empty texts left out, an optional group
    with nothing in it left out, a number written as digits made a number."""
    schema = fiche_schema()
    return _clean(schema, schema, values) or {}


def _clean(root, schema, value) -> Any:
    schema = _resolve(root, schema)
    kind = schema.get("type")
    if kind == "object" and isinstance(value, dict):
        out = {}
        for name, prop in schema.get("properties", {}).items():
            cleaned = _clean(root, prop, value.get(name))
            if cleaned not in (None, "", [], {}):
                out[name] = cleaned
        return out
    if kind == "array" and isinstance(value, list):
        items = [_clean(root, schema["items"], item) for item in value]
        return [item for item in items if item not in (None, "")]  # an empty group stays
    if isinstance(value, str):
        text = value.strip()
        if kind == "integer" and text.isdigit() and len(text) < 10:
            return int(text)
        return text
    return value


# -- form operations: add, remove, move an item ------------------------------------------------


def apply(values: dict[str, Any], operation: str) -> tuple[dict[str, Any], str]:
    """`ajouter:PATH`, `retirer:PATH[i]`, `monter:PATH[i]`, `descendre:PATH[i]`,
    `ouvrir:PATH` (an optional group) and `fermer:PATH`; returns the new values and the
    path to put the focus on."""
    verb, _, path = operation.partition(":")
    parts = split_path(path)
    if not parts:
        return values, ""
    parent = _at(values, parts[:-1], create=True)
    last = parts[-1]
    if verb == "ajouter" and isinstance(last, str):
        items = parent.setdefault(last, []) if isinstance(parent, dict) else None
        if isinstance(items, list):
            items.append(_blank(path))
            return values, f"{path}[{len(items) - 1}]"
    elif verb == "ouvrir" and isinstance(parent, dict):
        parent[last] = {}
        return values, path
    elif verb == "fermer" and isinstance(parent, dict):
        parent.pop(last, None)
        return values, path
    elif isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
        base = path.rsplit("[", 1)[0]
        if verb == "retirer":
            parent.pop(last)
            return values, base
        step = -1 if verb == "monter" else 1
        other = last + step
        if verb in ("monter", "descendre") and 0 <= other < len(parent):
            parent[last], parent[other] = parent[other], parent[last]
            return values, f"{base}[{other}]"
    return values, path


def _blank(path: str) -> Any:
    """A new item for the list at `path`: an empty group, with one empty item in each of
    its lists that may not be empty (a level has at least one training)."""
    schema = fiche_schema()
    prop = _schema_at(schema, split_path(path))
    item = _resolve(schema, prop["items"]) if prop else {}
    if item.get("type") != "object":
        return ""
    out: dict[str, Any] = {}
    for name, inner in item.get("properties", {}).items():
        resolved = _resolve(schema, inner)
        if resolved.get("type") == "array" and resolved.get("minItems"):
            out[name] = [_blank(f"{path}[0].{name}")]
    return out


def _schema_at(root: dict, parts: list[str | int]) -> dict | None:
    node = root
    for part in parts:
        node = _resolve(root, node)
        if isinstance(part, int):
            node = node.get("items", {})
        else:
            node = node.get("properties", {}).get(part)
            if node is None:
                return None
    return _resolve(root, node)


def _at(values: Any, parts: list[str | int], create: bool = False) -> Any:
    node = values
    for part in parts:
        if isinstance(node, dict) and isinstance(part, str):
            if create and not isinstance(node.get(part), dict | list):
                node[part] = {}
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return None
    return node
