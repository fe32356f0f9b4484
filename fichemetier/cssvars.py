"""The theme's custom properties (`--couleur-texte`…) put in our stylesheets once, at load.

WeasyPrint 70 resolves `var()` per element when it computes a style, and again for every
element that has the property: ~3 % of a warm fiche's layout (the seed: ~3-4 ms CPU, for
~9 ms once per process and set of sheets). Our sheets set custom
properties on `:root` only and never override them elsewhere, so each `var()` has one value
in a document: the one the last `:root` rule of the sheets (in their order) gives it. This
module substitutes those values in the sheets' text, as the cascade would, and says when it
cannot (`Unresolvable`): a custom property set outside a top-level `:root` rule or with
`!important`, a `var()` with a fallback, a name never set, a cycle. Then the renderer keeps
the sheets as they are. Tokens are replaced, not text (tinycss2 serialises them apart).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import tinycss2
from tinycss2 import ast

Tokens = list[ast.Node]


class Unresolvable(ValueError):
    """The sheets use custom properties in a way a static substitution could change."""


def root_values(texts: Iterable[str]) -> dict[str, Tokens]:
    """Each custom property's value on `:root`, the last sheet's winning, var() resolved."""
    declared: dict[str, Tokens] = {}
    for text in texts:
        for rule in tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True):
            root = rule.type == "qualified-rule" and tinycss2.serialize(rule.prelude).strip()
            if root == ":root":
                for item in tinycss2.parse_declaration_list(rule.content, True, True):
                    if item.type == "declaration" and item.name.startswith("--"):
                        if item.important:
                            raise Unresolvable(f"{item.name} !important")
                        declared[item.name] = _strip(item.value)
            elif rule.type != "error" and _declares_custom(rule.prelude, rule.content):
                raise Unresolvable("custom property outside :root")
    return {name: _resolve(name, declared, ()) for name in declared}


def substitute(text: str, values: dict[str, Tokens]) -> str:
    """The sheet with each `var(--name)` replaced by the value `values` gives it."""

    def value(name: str) -> Tokens:
        if name not in values:
            raise Unresolvable(f"{name} is never set")
        return values[name]

    return tinycss2.serialize(_replaced(tinycss2.parse_component_value_list(text), value))


def _resolve(name: str, declared: dict[str, Tokens], seen: tuple[str, ...]) -> Tokens:
    if name in seen:
        raise Unresolvable(f"cycle: {name}")
    if name not in declared:
        raise Unresolvable(f"{name} is never set")
    return _replaced(declared[name], lambda ref: _resolve(ref, declared, (*seen, name)))


def _replaced(tokens: Tokens, value: Callable[[str], Tokens]) -> Tokens:
    """The tokens with every var() substituted by `value`, at any depth (calc()…)."""
    result: Tokens = []
    for token in tokens:
        if (name := _var_name(token)) is not None:
            result.extend(value(name))
        elif token.type == "function":
            arguments = _replaced(token.arguments, value)
            line, column = token.source_line, token.source_column
            result.append(ast.FunctionBlock(line, column, token.name, arguments))
        elif token.type in ("() block", "[] block", "{} block"):
            content = _replaced(token.content, value)
            result.append(type(token)(token.source_line, token.source_column, content))
        else:
            result.append(token)
    return result


def _var_name(token: ast.Node) -> str | None:
    """`--name` for `var(--name)`; Unresolvable for a var() with a fallback."""
    if token.type != "function" or token.lower_name != "var":
        return None
    arguments = _strip(token.arguments)
    if (
        len(arguments) != 1
        or arguments[0].type != "ident"
        or not arguments[0].value.startswith("--")
    ):
        raise Unresolvable(f"var({tinycss2.serialize(token.arguments)})")
    return arguments[0].value


def _declares_custom(prelude: Tokens, content: Tokens | None) -> bool:
    """Whether a rule (or an at-rule's nested rules: @page's margin boxes) sets one."""
    for item in tinycss2.parse_blocks_contents(content or [], True, True):
        if item.type == "declaration" and item.name.startswith("--"):
            return True
        if item.type in ("qualified-rule", "at-rule") and _declares_custom(
            item.prelude, item.content
        ):
            return True
    return False


def _strip(tokens: Tokens) -> Tokens:
    """Without the white space and comments around."""
    kept = list(tokens)
    while kept and kept[0].type in ("whitespace", "comment"):
        kept.pop(0)
    while kept and kept[-1].type in ("whitespace", "comment"):
        kept.pop()
    return kept
