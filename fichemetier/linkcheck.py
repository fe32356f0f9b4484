"""Step 2a, link checks: what a link of a fiche may be, beside the text checks.

A link is printed twice, as a QR code and as a short readable form (qrcodes.py): it must
fit a QR code that scans from paper, go to a web site (or an e-mail address), and go where
its printed form says. Each check returns the French message for the editor, or None.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qsl, quote, unquote, urlsplit, urlunsplit

from .textcheck import bad_character, invisible_in_url

ALLOWED_SCHEMES = ("http", "https", "mailto")
#: Longest link printed as a QR code that still scans from paper: it fits a
#: code of version 11 (qrcodes.VERSION), 22 mm square with modules of 0.34 mm.
MAX_URL = 300
#: Each link prints a QR code (about 8 ms to make, and room on the page): a text holds at
#: most MAX_LINKS_PER_TEXT, a fiche MAX_LINKS (the seed fiche has 10).
MAX_LINKS_PER_TEXT = 10
MAX_LINKS = 40


def ascii_url(url: str) -> str:
    """The URL as a QR code must hold it: ASCII only (percent-encoded path and query, IDNA
    host), so that every reader decodes the same bytes; plain ASCII URLs are unchanged."""
    if url.isascii():
        return url
    parts = urlsplit(url)
    try:
        host = parts.netloc.encode("idna").decode("ascii")
    except UnicodeError:
        host = quote(parts.netloc, safe=":@[]")
    keep = "/:@!$&'()*+,;=%?#~"
    return urlunsplit(
        (parts.scheme, host, quote(parts.path, safe=keep), quote(parts.query, safe=keep),
         quote(parts.fragment, safe=keep))
    )  # fmt: skip


def printed_host(host: str) -> str:
    """A host as printed: its punycode (xn--…) when it holds letters other than Latin,
    so that no Cyrillic or Greek letter passes for a Latin one on paper."""
    if all(unicodedata.name(c, "").startswith("LATIN") for c in host if c.isalpha()):
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return quote(host, safe=":@[]")


def printed_address(text: str) -> str:
    """An address written in a text (`www.сосо.com/x`), printed with `printed_host`: the
    paper shows the host the link really goes to."""
    scheme, sep, rest = text.partition("://")
    if not sep:
        scheme, rest = "", text
    host, tail = re.fullmatch(r"([^/?#]*)(.*)", rest, re.S).groups()  # type: ignore[union-attr]
    return f"{scheme}{sep}{printed_host(host)}{tail}"


def too_many_links(count: int, limit: int, where: str) -> str:
    return (
        f"trop de liens dans {where} ({count}, au plus {limit}) : chacun imprime un code QR, "
        "gardez les principaux"
    )


def bad_link(url: str) -> str | None:
    """Why `url` cannot be printed as a link, or None when it is fine."""
    if (length := len(ascii_url(url))) > MAX_URL:
        return (
            f"le lien « {url[:60]}… » fait {length} caractères (une fois encodé), au plus "
            f"{MAX_URL} : un code QR lisible ne peut pas le porter ; donnez une adresse plus "
            "courte"
        )
    try:
        parts = urlsplit(url)
        parts.hostname, parts.port  # noqa: B018  (reading them checks an IPv6 host, a port)
    except ValueError:  # `http://]`: urllib cannot read it, nor can a browser
        return (
            f"le lien « {url} » est mal écrit (nom de site ou port illisible) : retapez l'adresse"
        )
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
    """A link whose text is itself an address (a site or an e-mail) must go there. The
    text is read as a reader reads it: invisible characters, brackets, punctuation around
    it and a port do not make it another address."""
    shown = "".join(c for c in label if unicodedata.category(c) != "Cf")
    shown = shown.strip(" \t()[]<>{}«»\"'“”‘’.,;:!?").rstrip("/")
    if _EMAIL.fullmatch(shown):
        mail = urlsplit(url)
        if mail.scheme.lower() == "mailto" and mail.path.lower() == shown.lower():
            return None
        return (
            f"le texte du lien « {shown[:60]} » est une adresse e-mail, mais le lien mène à "
            f"« {url[:60]} » : écrivez l'adresse réelle, ou un texte qui n'en est pas une"
        )
    shown = re.sub(r"^((?:[a-z][a-z0-9+.-]*://)?[^/?#:]+):\d+", r"\1", shown, flags=re.I)
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


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
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
        # administrations, and the French-speaking world beyond France
        "gov",
        "mil",
        "int",
        "biz",
        "bf",
        "bj",
        "ci",
        "cm",
        "cd",
        "cg",
        "dz",
        "ga",
        "gn",
        "ht",
        "ma",
        "mg",
        "ml",
        "mu",
        "ne",
        "pm",
        "qc",
        "rw",
        "sn",
        "tg",
        "tn",
        "td",
        "wf",
        "bl",
        "mf",
        "tf",
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
