"""Step 3b, markup: the inline markdown of prose fields turned into safe HTML.

Fiche text is data, never markup: only **gras**, *italique* and links are understood;
raw HTML, images and everything else print literally (escaped). French typography is
applied to the words but never to URLs.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

from .qrcodes import ascii_url
from .textcheck import bad_character, invisible_in_url
from .typography import french

ALLOWED_SCHEMES = ("http", "https", "mailto")
#: Bold in italics in a link is 3 levels; `*` × 500 would be 250 nested boxes.
MAX_NESTING = 4
#: Longest link printed as a QR code that still scans from paper (version 13 at most).
MAX_URL = 300
_TAGS = {
    "strong_open": "<strong>",
    "strong_close": "</strong>",
    "em_open": "<em>",
    "em_close": "</em>",
}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("zero", {"linkify": True, "html": False})
    md.enable(["emphasis", "link", "autolink", "linkify", "escape"])
    return md


def nesting(tokens: list[Token]) -> int:
    """How deep bold, italics and links sit inside one another: each level is one more
    nested box for the layout engine, which recurses (Python stops it near 300)."""
    depth = deepest = 0
    for token in tokens:
        depth += token.nesting
        deepest = max(deepest, depth)
    return deepest


def inline_tokens(text: str) -> list[Token]:
    """Inline tokens of one paragraph (line breaks inside it are plain spaces)."""
    tokens = _parser().parseInline(" ".join(text.split("\n")))
    return tokens[0].children or [] if tokens else []


def paragraphs(text: str) -> list[str]:
    """Split a prose field on blank lines, as an editor writes paragraphs."""
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def links(text: str) -> list[tuple[str | None, str]]:
    """(label, url) of every link written in `text`, in order; label is None for bare URLs."""
    found = []
    for block in paragraphs(text):
        label: list[str] | None = None
        url = ""
        for token in inline_tokens(block):
            if token.type == "link_open":
                label, url = [], str(token.attrs.get("href", ""))
                bare = token.markup in ("autolink", "linkify")
            elif token.type == "link_close" and label is not None:
                found.append((None if bare else "".join(label).strip(), url))
                label = None
            elif label is not None and token.type in ("text", "code_inline"):
                label.append(token.content)
    return found


def qr_links(text: str) -> list[tuple[str | None, str]]:
    """The links of `text` to print with a QR code: each URL once, with its first label."""
    unique: dict[str, str | None] = {}
    for label, url in links(text):
        unique.setdefault(url, label)
    return [(label, url) for url, label in unique.items()]


def printed_words(text: str) -> str:
    """The words of `text` as they are laid out and hyphenated: printed URLs are left out
    (they break after any slash, never by hyphenation), link labels are kept."""
    out: list[str] = []
    for block in paragraphs(text):
        in_url = False
        for token in inline_tokens(block):
            if token.type == "link_open":
                in_url = token.markup in ("autolink", "linkify")
                out.append(" ")
            elif token.type == "link_close":
                in_url = False
                out.append(" ")
            elif token.type in ("softbreak", "hardbreak"):
                out.append(" ")
            elif not in_url:
                out.append(token.content)
        out.append("\n")
    return "".join(out)


def bad_link(url: str) -> str | None:
    """Why `url` cannot be printed as a link, or None when it is fine."""
    if (length := len(ascii_url(url))) > MAX_URL:
        return (
            f"le lien « {url[:60]}… » fait {length} caractères (une fois encodé), au plus "
            f"{MAX_URL} : un code QR lisible ne peut pas le porter ; donnez une adresse plus "
            "courte"
        )
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        return f"le lien « {url} » doit commencer par https:// (ou http://)"
    if parts.scheme.lower() != "mailto" and not parts.hostname:
        return f"le lien « {url} » n'a pas de nom de site après https://"
    return misleading(url)


def misleading(url: str) -> str | None:
    """Why the short form printed under `url` (qrcodes.short_url) could show something
    other than where it goes, or None. A reader trusts what is printed, not the QR code."""
    parts = urlsplit(url)
    hidden = unquote(parts.path + parts.query + parts.fragment).replace(" ", "")
    if problem := invisible_in_url(hidden) or bad_character(hidden):
        return f"{problem} (écrit encodé « %… » dans « {url[:60]} »)"
    if parts.scheme.lower() == "mailto":
        fields = {key.lower() for key, _ in parse_qsl(parts.query)}
        if fields & {"to", "cc", "bcc"}:
            return (
                f"le lien « {url[:60]} » envoie aussi le courriel à des destinataires cachés "
                "(« ?cc= », « ?bcc= ») : écrivez seulement mailto:adresse"
            )
        return None
    if "@" in parts.netloc:
        return (
            f"le lien « {url[:60]} » contient « @ » avant le nom du site : il mène à "
            f"« {parts.hostname} », pas à ce qu'il semble montrer ; retirez ce qui précède « @ »"
        )
    if scripts := _mixed_scripts(parts.hostname or ""):
        return (
            f"le nom de site « {parts.hostname} » mélange des alphabets ({scripts}) : il "
            "imite peut-être un autre site ; retapez l'adresse au clavier"
        )
    return None


def label_problem(label: str, url: str) -> str | None:
    """A link whose text is itself an address must go to that address's site."""
    shown = label.strip().rstrip("/")
    if not (match := _ADDRESS.fullmatch(shown)):
        return None
    if not (match["scheme"] or match["host"].lower().startswith("www.")) and (
        match["host"].rsplit(".", 1)[-1].lower() not in _TLDS
    ):
        return None  # « Node.js », « ASP.NET »: names, not addresses
    written = urlsplit(shown if "://" in shown else f"https://{shown}").hostname or ""
    target = urlsplit(url).hostname or ""
    if written.removeprefix("www.") == target.removeprefix("www."):
        return None
    return (
        f"le texte du lien « {shown[:60]} » est une adresse, mais le lien mène à "
        f"« {target or url[:60]} » : écrivez l'adresse réelle, ou un texte qui n'en est pas une"
    )


_ADDRESS = re.compile(
    r"(?P<scheme>[a-z][a-z0-9+.-]*://)?(?P<host>[\w-]+(?:\.[\w-]+)+)(?:[/?#]\S*)?",
    re.IGNORECASE,
)
#: Endings that make a link's text read as a web address (with or without www.).
_TLDS = set(
    [
        "fr",
        "com",
        "org",
        "net",
        "eu",
        "info",
        "io",
        "be",
        "ch",
        "ca",
        "lu",
        "re",
        "gp",
        "mq",
        "gf",
        "yt",
        "nc",
        "pf",
        "gouv",
        "edu",
        "app",
        "dev",
        "de",
        "uk",
        "es",
        "it",
    ]
)


def _mixed_scripts(host: str) -> str:
    """The scripts of a host label that mixes them (Latin « a » and Cyrillic « а »), or ''."""
    for label in host.split("."):
        if label.lower().startswith("xn--"):  # markdown writes a link's host in punycode
            try:
                label = label.encode("ascii").decode("idna")
            except UnicodeError:
                continue
        scripts = {_script(c) for c in label if c.isalpha()}
        if len(scripts) > 1:
            return " et ".join(sorted(s.lower() for s in scripts))
    return ""


def _script(char: str) -> str:
    """The script of a letter, from its Unicode name (LATIN SMALL LETTER A → LATIN)."""
    return unicodedata.name(char, "?").split()[0]


def inline_html(text: str) -> Markup:
    """One paragraph of inline markdown → escaped HTML with French typography."""
    out: list[str] = []
    in_url_label = False
    tokens = inline_tokens(text)
    quotes = _guillemets(tokens)
    for token in tokens:
        if token.type in _TAGS:
            out.append(_TAGS[token.type])
        elif token.type == "link_open":
            href = str(token.attrs.get("href", ""))
            in_url_label = token.markup in ("autolink", "linkify")
            css = ' class="url"' if in_url_label else ""
            out.append(f'<a href="{escape(href)}"{css}>')
        elif token.type == "link_close":
            out.append("</a>")
            in_url_label = False
        elif token.type == "softbreak":
            out.append(" ")
        elif token.type == "hardbreak":
            out.append("<br>")
        elif in_url_label:
            out.append(url_html(token.content))
        else:
            content = re.sub('"', lambda _: next(quotes), token.content)
            out.append(str(escape(french(content))))
    return Markup("".join(out))


def _guillemets(tokens: list[Token]) -> Iterator[str]:
    """« and » for the straight quotes of a paragraph, in turn, even when a pair spans
    bold text or a link (french() alone sees one piece of text at a time); an odd count
    is left as typed."""
    count = sum(t.content.count('"') for t in tokens if t.type == "text")
    return itertools.cycle("«»") if count % 2 == 0 else itertools.repeat('"')


def url_html(url: str) -> Markup:
    """A URL as printed: its exact characters, breaking after a slash or *before* a hyphen
    (never after it, where the hyphen would read as a word break)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    return Markup(escape(scheme + sep + rest.translate(_URL_BREAKS)))


# U+200B allows a line break, U+FEFF forbids one; both are invisible.
_URL_BREAKS = str.maketrans({"/": "/\u200b", "-": "\u200b-\ufeff"})
