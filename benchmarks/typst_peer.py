"""The Typst peer of the benchmark: the same fiche content in a similar layout (the band,
the quote, the body in two columns; no QR codes and no salary chart), compiled by the
`typst` package, so our WeasyPrint figures have a reference point.

Only the benchmark uses this; it converts a validated Fiche to Typst markup (inline
markdown → Typst emphasis and links, everything else escaped).
"""

from __future__ import annotations

import re

from fichemetier.inline import Bold, Italic, Link, Text, links, paragraphs, parse_paragraph, walk
from fichemetier.model import Fiche
from fichemetier.typography import euros, french, niveau_label

_SPECIAL = re.compile(r"([\\#$*_@<>\[\]`~=\-+/\"'])")

PREAMBLE = """
#set document(title: "{title}")
#set page(paper: "a4", margin: (top: 14mm, bottom: 20mm, x: 17mm),
  footer: text(7.5pt, fill: rgb("#4f5a68"))[{partner} #h(1fr) #context counter(page).display("1 / 1", both: true)])
#set text(font: "Inter", size: 9.4pt, lang: "fr", hyphenate: true, fill: rgb("#1b2330"))
#set par(justify: true, leading: 0.6em)
#show heading.where(level: 2): it => block(above: 5mm, below: 2mm)[
  #text(14pt, weight: 800, fill: rgb("#0d4c6b"), it.body)
  #v(-1mm) #line(length: 12mm, stroke: 1mm + rgb("#b8275f"))]
#show link: set text(fill: rgb("#0d4c6b"))
#block(fill: rgb("#0d4c6b"), width: 100% + 34mm, outset: (x: 0mm), inset: (x: 17mm, top: 11mm, bottom: 7mm),
  stroke: (bottom: 2.2mm + rgb("#b8275f")))[
  #box(fill: rgb("#ffd23f"), inset: (x: 2.4mm, y: 0.6mm))[#text(8pt, weight: 800, fill: rgb("#0d4c6b"), tracking: 0.12em)[{rubrique}]]
  #v(2mm)
  #text(25pt, weight: 800, fill: white)[{metier}]
]
"""


def escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text)


def inline(text: str) -> str:
    """Inline markdown → Typst markup, with the same French typography as the PDF."""
    out = []
    for segment, entering in walk(parse_paragraph(text)):
        if isinstance(segment, Text):
            out.append(escape(french(segment.content)))
        elif isinstance(segment, Bold):
            out.append("*")
        elif isinstance(segment, Italic):
            out.append("_")
        elif isinstance(segment, Link):
            out.append(f'#link("{segment.url}")[' if entering else "]")
    return "".join(out)


def url(address: str) -> str:
    return f'#text(7pt)[#link("{address}")[{escape(address)}]]'


def groups(title: str, groupes) -> list[str]:
    out = [f"== {title}"]
    for groupe in groupes:
        if groupe.niveau:
            label = escape(niveau_label(groupe.niveau).upper())
            out.append(
                f'#box(fill: rgb("#0d4c6b"), radius: 2.4mm, inset: (x: 2.6mm, y: 0.8mm))'
                f"[#text(8.5pt, weight: 800, fill: white)[{label}]]"
            )
        for formation in groupe.formations:
            body = [inline(formation.texte)]
            for etab in formation.etablissements:
                line = f"- *{inline(etab.nom)}*" + (
                    f", {inline(etab.details)}" if etab.details else ""
                )
                if etab.cout:
                    line += f' \\ #text(fill: rgb("#4f5a68"))[{inline(etab.cout)}]'
                if etab.lien:
                    line += f" \\ {url(etab.lien)}"
                body.append(line)
            for label, address in links(formation.texte):
                if label:
                    body.append(f"#text(7pt)[*{escape(french(label))}*] {url(address)}")
            body.extend(url(address) for address in formation.liens)
            content = "\n\n".join(body)
            out.append(
                f'#block(stroke: (left: 0.8mm + rgb("#c4d8e2")), inset: (left: 4mm))[{content}]'
            )
    return out


def to_typst(fiche: Fiche) -> str:
    parts = [
        PREAMBLE.format(
            title=fiche.metier.replace('"', ""),
            partner=inline(fiche.partenaire or ""),
            rubrique=escape(fiche.rubrique.upper()),
            metier=escape(fiche.metier.upper()),
        )
    ]
    if t := fiche.temoignage:
        parts.append(
            f'#block(fill: rgb("#edf4f7"), width: 100%, inset: 4mm, stroke: (left: 1.6mm + rgb("#b8275f")))'
            f'[#text(12pt, style: "italic", fill: rgb("#0d4c6b"))[«\u202f{inline(t.citation)}\u202f»]'
            f' #align(right)[#text(weight: 700, fill: rgb("#b8275f"))[— {escape(t.auteur)}]]]'
        )
    body_start = len(parts)
    parts.append("== le métier")
    parts.extend(inline(p) for p in paragraphs(fiche.le_metier))
    if r := fiche.remuneration:
        body = "\n\n".join(inline(p) for p in paragraphs(r.texte))
        if r.debutant:
            body += f"\n\n*{escape(euros(r.debutant))}* débutant #h(1fr) *{escape(euros(r.experimente))}* expérimenté"
        parts.append(
            f'#block(fill: rgb("#edf4f7"), width: 100%, inset: 4mm)[== rémunération\n{body}]'
        )
    if fiche.formations_publiques:
        parts.extend(groups("exemples de formations publiques", fiche.formations_publiques))
    if fiche.formations_privees:
        parts.extend(groups("exemples de formations privées", fiche.formations_privees))
    # The body in two columns, filled one after the other, as fiche.css lays it out.
    body = "\n\n".join(parts[body_start:])
    return "\n\n".join([*parts[:body_start], f"#columns(2, gutter: 7mm)[\n{body}\n]"])
