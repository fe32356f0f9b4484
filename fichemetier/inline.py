"""Step 2b, inline: the inline markdown of a prose field parsed once into typed segments.

Only **gras**, *italique* and links are understood; everything else is text. Validation
(model), the QR codes (links) and the HTML (markup) all read the same immutable tree, parsed
once per paragraph and cached, so that they cannot disagree on what a text says. No
rendering here: the model imports this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token


@dataclass(frozen=True, slots=True)
class Text:
    """Words as written (markdown escapes resolved), printed with French typography."""

    content: str


@dataclass(frozen=True, slots=True)
class Bold:
    children: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class Italic:
    children: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class Link:
    """`[label](url)`, or a bare URL (`<https://…>`, `www.x.fr`) whose text is the URL."""

    url: str
    bare: bool
    children: tuple[Segment, ...]


Segment = Text | Bold | Italic | Link
Container = Bold | Italic | Link
#: One paragraph of a prose field: its segments in reading order.
Paragraph = tuple[Segment, ...]
_CONTAINERS: dict[str, type[Bold] | type[Italic]] = {"strong": Bold, "em": Italic}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("zero", {"linkify": True, "html": False})
    md.enable(["emphasis", "link", "autolink", "linkify", "escape"])
    return md


def paragraphs(text: str) -> list[str]:
    """Split a prose field on blank lines, as an editor writes paragraphs."""
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def parse(text: str) -> tuple[Paragraph, ...]:
    """A prose field as its paragraphs of segments."""
    return tuple(parse_paragraph(block) for block in paragraphs(text))


class MarkupError(ValueError):
    """A paragraph the markdown parser cannot read; the message is for the editor."""


@lru_cache(maxsize=4096)
def parse_paragraph(text: str) -> Paragraph:
    """One paragraph (line breaks inside it are plain spaces) as a tree of segments.

    Cached: validation, the QR codes and the HTML ask for the same paragraphs in turn.
    Built with a stack, not recursion: an unvalidated text may nest hundreds of levels.
    """
    try:
        tokens = _parser().parseInline(" ".join(text.split("\n")))
    except RuntimeError:  # markdown-it-py 4 stops on some unclosed labels: "a[//c.s://"
        raise MarkupError(
            "texte illisible autour d'un « [ » : un lien s'écrit [texte](https://…) ; "
            "refermez le crochet ou retirez-le"
        ) from None
    stack: list[tuple[Token | None, list[Segment]]] = [(None, [])]
    for token in tokens[0].children or [] if tokens else []:
        if token.nesting == 1:
            stack.append((token, []))
        elif token.nesting == -1:
            opening, children = stack.pop()
            if _named_not_linked(opening, children):
                for child in children:
                    _append(stack[-1][1], child)
            else:
                stack[-1][1].append(_container(opening, tuple(children)))
        else:
            _append(stack[-1][1], Text(token.content))
    return tuple(stack[0][1])


def _named_not_linked(opening: Token | None, children: list[Segment]) -> bool:
    """linkify reads « ASP.NET », « README.md » or « app.py » as addresses: only a text that
    starts like one (https://, http://, www.) or an e-mail address becomes a bare link."""
    if opening is None or opening.markup != "linkify":
        return False
    text = "".join(c.content for c in children if isinstance(c, Text)).lower()
    return not (text.startswith(("http://", "https://", "www.")) or "@" in text)


def _append(items: list[Segment], segment: Segment) -> None:
    """Add a segment, joining it to a text just before it (typography sees whole words)."""
    if isinstance(segment, Text) and items and isinstance(items[-1], Text):
        items[-1] = Text(items[-1].content + segment.content)
    else:
        items.append(segment)


def _container(token: Token | None, children: tuple[Segment, ...]) -> Container:
    assert token is not None  # markdown-it closes what it opens
    if token.type == "link_open":
        bare = token.markup in ("autolink", "linkify")
        return Link(str(token.attrs.get("href", "")), bare, children)
    return _CONTAINERS[token.type.removesuffix("_open")](children)


def walk(segments: Iterable[Segment]) -> Iterator[tuple[Segment, bool]]:
    """Every segment in reading order: a text once, a container on entering it (True) and
    on leaving it (False). Iterative, so an unvalidated deep nesting cannot overflow."""
    pending: list[tuple[Segment, bool]] = [(s, True) for s in reversed(tuple(segments))]
    while pending:
        segment, entering = pending.pop()
        yield segment, entering
        if entering and not isinstance(segment, Text):
            pending.append((segment, False))
            pending.extend((child, True) for child in reversed(segment.children))


def texts(segments: Iterable[Segment]) -> Iterator[Text]:
    """Every text, at any depth, in reading order."""
    return (segment for segment, _ in walk(segments) if isinstance(segment, Text))


def depth(paragraph: Paragraph) -> int:
    """How deep bold, italics and links sit inside one another: each level is one more
    nested box for the layout engine, which recurses (Python stops it near 300)."""
    level = deepest = 0
    for segment, entering in walk(paragraph):
        if not isinstance(segment, Text):
            level += 1 if entering else -1
            deepest = max(deepest, level)
    return deepest


def label(link: Link) -> str | None:
    """What a link says (None for a bare URL, which says its own address)."""
    return None if link.bare else "".join(t.content for t in texts(link.children)).strip()


def paragraph_links(paragraph: Paragraph) -> list[Link]:
    return [s for s, entering in walk(paragraph) if isinstance(s, Link) and entering]


def links(text: str) -> list[tuple[str | None, str]]:
    """(label, url) of every link written in `text`, in order; label is None for bare URLs."""
    return [(label(link), link.url) for block in parse(text) for link in paragraph_links(block)]


def qr_links(text: str) -> list[tuple[str | None, str]]:
    """The links of `text` to print with a QR code: each URL once, with its first label."""
    unique: dict[str, str | None] = {}
    for name, url in links(text):
        unique.setdefault(url, name)
    return [(name, url) for url, name in unique.items()]


def printed_words(text: str) -> str:
    """The words of `text` as they are laid out and hyphenated: printed URLs are left out
    (they break after any slash, never by hyphenation), link labels are kept."""
    out: list[str] = []
    for block in parse(text):
        in_url = False
        for segment, entering in walk(block):
            if isinstance(segment, Link):
                in_url = entering and segment.bare
                out.append(" ")
            elif isinstance(segment, Text) and not in_url:
                out.append(segment.content)
        out.append("\n")
    return "".join(out)


def has_image(paragraph: Paragraph) -> bool:
    """`![…](…)`: markdown-it (images disabled) reads a link after a text ending in "!"."""
    events = list(walk(paragraph))
    return any(
        entering and isinstance(link, Link) and isinstance(before, Text)
        and before.content.endswith("!")
        for (before, _), (link, entering) in zip(events, events[1:], strict=False)
    )  # fmt: skip


def unread_link(paragraph: Paragraph) -> str | None:
    """The text where markdown refused a link (`[x](file:…)`, a space in the address),
    or None: what follows its "](" is the address the editor meant."""
    for text in texts(paragraph):
        if "](" in text.content:
            return text.content
    return None
