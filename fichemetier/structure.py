"""Step 4d, the structure tree as PDF/UA-1 (veraPDF) and a screen reader want it.

WeasyPrint 70's tags, repaired with pikepdf in the finishing pass:

- lists hold only L, LI, Caption and an LI only Lbl, LBody (7.2-19, 7.2-20): the white
  space between inline-block items, and block children of an item (`.cout`, `.lien`),
  go into the item's LBody;
- one Link element per link: the pieces of a link broken over lines or pages, and the
  nested links WeasyPrint makes for `a::after` (the contents' page numbers), are merged;
  an annotation inside another of the same link is dropped (a reader lists it once);
- the text of a line's end as printed (`tagging.ReadingNotes`): ActualText with the space
  a soft line break took, or a hyphenated word without its hyphen; leaders as artifacts;
- `--pdfa` files also declare PDF/UA-1 (pdfuaid:part, with its PDF/A extension schema).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pikepdf
from lxml import etree

from .tagging import Key, ReadingNotes

LIST_KIDS = {"/L": ("/L", "/LI", "/Caption"), "/LI": ("/Lbl", "/LBody")}


class Tree:
    """The structure tree and its parent tree (MCID or annotation → element).

    Each element's kids are read from the PDF once and kept (`kids`), changed through
    `set_kids` only: the passes below read them ~4 times each, and a read through pikepdf
    costs far more than the repairs themselves (~1 900 reads a fiche)."""

    def __init__(self, pdf: pikepdf.Pdf):
        self.pdf = pdf
        self.root = pdf.Root.StructTreeRoot
        self.pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
        nums = self.root.ParentTree.Nums  # WeasyPrint writes one flat array
        self.parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        self._kids: dict[tuple[int, int], list] = {}

    def kids(self, element) -> list:
        """The element's kids, as the PDF has them now (do not change the list)."""
        key = element.objgen
        if key == (0, 0):  # a direct object has no identity to keep its kids by
            return _kids(element)
        kids = self._kids.get(key)
        if kids is None:
            kids = self._kids[key] = _kids(element)
        return kids

    def set_kids(self, element, kids: list) -> None:
        element.K = pikepdf.Array(kids)
        if element.objgen != (0, 0):
            self._kids[element.objgen] = list(kids)

    def page_of(self, element) -> int | None:
        pg = element.get("/Pg")
        return self.pages.get(pg.objgen) if pg is not None else None

    def elements(self):
        """Every element, parents before their children (a snapshot: safe to edit)."""
        found, todo = [], self.kids(self.root)[::-1]
        while todo:
            element = todo.pop()
            if isinstance(element, pikepdf.Dictionary) and "/S" in element:
                found.append(element)
                todo += self.kids(element)[::-1]
        return found

    def owner(self, key: Key):
        page, mcid = key
        mapping = self.parents.get(page)
        return mapping[mcid] if mapping is not None and mcid < len(mapping) else None

    def adopt(self, kid, old, new) -> Any:
        """`kid` of `old` moves to `new`: its back-pointers follow; returns it as `new`
        holds it (an MCID from another page becomes a marked-content reference)."""
        if isinstance(kid, int):
            page = self.page_of(old)
            if page is not None:
                self.parents[page][kid] = new
            if page != self.page_of(new):
                return self.pdf.make_indirect(
                    pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=old.Pg, MCID=kid)
                )
            return kid
        if kid.get("/Type") == "/MCR":
            self.parents[self.pages[kid.Pg.objgen]][int(kid.MCID)] = new
        elif kid.get("/Type") == "/OBJR":
            self.parents[int(kid.Obj.StructParent)] = new
        elif "/S" in kid:
            kid.P = new
        return kid

    def move(self, kids: list, old, new, at: int | None = None) -> None:
        moved = [self.adopt(kid, old, new) for kid in kids]
        self.without(old, kids)
        current = self.kids(new)
        at = len(current) if at is None else at
        self.set_kids(new, current[:at] + moved + current[at:])

    def without(self, element, kids) -> None:
        gone = {_key(kid) for kid in kids}
        self.set_kids(element, [k for k in self.kids(element) if _key(k) not in gone])

    def index(self, element, kid) -> int:
        return [_key(k) for k in self.kids(element)].index(_key(kid))

    def save(self) -> None:
        nums = []
        for key in sorted(self.parents):
            nums += [key, self.parents[key]]
        self.root.ParentTree.Nums = pikepdf.Array(nums)


def _key(kid):
    """A kid's identity: its object number, or its MCID (pikepdf wraps anew on each read)."""
    return ("mcid", kid) if isinstance(kid, int) else kid.objgen


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def repair(pdf: pikepdf.Pdf, notes: ReadingNotes, link_texts: dict[str, str]) -> None:
    """All the repairs, in place; a PDF without structure tree is left alone."""
    if "/StructTreeRoot" not in pdf.Root:
        return
    tree = Tree(pdf)
    _artifacts(tree, notes.artifacts)
    _actual_texts(tree, notes.actual_text)
    _lists(tree, _merge_links(tree))
    _link_descriptions(pdf, link_texts)
    tree.save()


def _artifacts(tree: Tree, keys: set[Key]) -> None:
    """Marked content → artifact, out of the tree (leaders: decoration)."""
    for page_index in sorted({page for page, _ in keys}):
        page = tree.pdf.pages[page_index]
        mcids = {mcid for p, mcid in keys if p == page_index}
        operations = []
        for instruction in pikepdf.parse_content_stream(page):
            operands: Any = instruction.operands
            operator = instruction.operator
            if operator == pikepdf.Operator("BDC") and isinstance(operands[1], pikepdf.Dictionary):
                mcid: Any = operands[1].get("/MCID")
                if mcid is not None and int(mcid) in mcids:
                    operands, operator = [pikepdf.Name.Artifact], pikepdf.Operator("BMC")
            operations.append((operands, operator))
        page.Contents = tree.pdf.make_stream(pikepdf.unparse_content_stream(operations))
        owned: dict[tuple, tuple[Any, list[int]]] = {}  # one pass per element: a contents
        for mcid in mcids:  # page holds thousands of leader dots, a few per element
            owner = tree.owner((page_index, mcid))
            if owner is not None:
                owned.setdefault(owner.objgen, (owner, []))[1].append(mcid)
                tree.parents[page_index][mcid] = pikepdf.Object.parse(b"null")
        for owner, gone in owned.values():
            tree.without(owner, gone)


def _actual_texts(tree: Tree, texts: dict[Key, str]) -> None:
    """The text as printed, on the element of one piece of marked content: the element
    itself when it holds only that, else a new Span around it (inside a Link)."""
    for key, text in texts.items():
        owner = tree.owner(key)
        if owner is None:
            continue
        page, mcid = key
        if owner.S == "/Span" and [_key(k) for k in tree.kids(owner)] == [_key(mcid)]:
            owner.ActualText = pikepdf.String(text)
            continue
        span = tree.pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.StructElem,
                S=pikepdf.Name.Span,
                P=owner,
                Pg=tree.pdf.pages[page].obj,
                K=pikepdf.Array([mcid]),
                ActualText=pikepdf.String(text),
            )
        )
        tree.set_kids(owner, [span if _key(k) == _key(mcid) else k for k in tree.kids(owner)])
        tree.parents[page][mcid] = span


def _target(tree: Tree, link) -> str | None:
    for kid in tree.kids(link):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
            action = kid.Obj.get("/A")
            if action is not None and "/URI" in action:
                return str(action.URI)
            if "/Dest" in kid.Obj:
                return str(kid.Obj.Dest)
    return None


def _is_link(kid) -> bool:
    return isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/Link"


def _merge_links(tree: Tree) -> list:
    """Returns the elements after the merge (the last pass removes no element)."""
    for element in reversed(tree.elements()):  # children first: nested links flatten
        if _is_link(element):
            _gather_annotations(tree, element)
            target = _target(tree, element)
            for kid in tree.kids(element):
                if _is_link(kid) and _target(tree, kid) in (target, None):
                    at = tree.index(element, kid)
                    tree.move(tree.kids(kid), kid, element, at)
                    tree.without(element, [kid])
    for element in tree.elements():
        kids = tree.kids(element)
        index = 1
        while index < len(kids):
            before, kid = kids[index - 1], kids[index]
            if _is_link(before) and _is_link(kid) and _target(tree, before) == _target(tree, kid):
                tree.move(tree.kids(kid), kid, before)
                tree.without(element, [kid])
                kids = tree.kids(element)
            else:
                index += 1
    elements = tree.elements()
    for element in elements:
        if _is_link(element):
            _drop_inner_annotations(tree, element)
    return elements


def _gather_annotations(tree: Tree, link) -> None:
    """An annotation held by a Span inside the link (WeasyPrint gives one to a positioned
    box inside `a`) belongs to the link itself."""
    todo = [k for k in tree.kids(link) if isinstance(k, pikepdf.Dictionary) and "/S" in k]
    while todo:
        element = todo.pop()
        if _is_link(element):
            continue
        kids = tree.kids(element)
        objrs = [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/Obj" in k]
        if objrs:
            tree.move(objrs, element, link)
        todo += [k for k in tree.kids(element) if isinstance(k, pikepdf.Dictionary) and "/S" in k]


def _drop_inner_annotations(tree: Tree, link) -> None:
    """An annotation lying inside another of the same link, on the same page, is the
    same link twice for a reader (WeasyPrint gives `a::after` its own)."""
    objrs = [k for k in tree.kids(link) if isinstance(k, pikepdf.Dictionary) and "/Obj" in k]
    inner: list = []
    for objr in objrs:
        if any(
            other.objgen != objr.objgen
            and other.objgen not in {i.objgen for i in inner}
            and other.Pg.objgen == objr.Pg.objgen
            and _inside(objr.Obj, other.Obj)
            for other in objrs
        ):
            inner.append(objr)
    for objr in inner:
        page = tree.pdf.get_object(objr.Pg.objgen)
        page.Annots = pikepdf.Array([a for a in page.Annots if a.objgen != objr.Obj.objgen])
        tree.parents.pop(int(objr.Obj.StructParent), None)
        tree.without(link, [objr])


def _inside(one, other) -> bool:
    a = [float(v) for v in one.Rect]
    b = [float(v) for v in other.Rect]
    x0, x1 = sorted((a[0], a[2]))
    y0, y1 = sorted((a[1], a[3]))
    u0, u1 = sorted((b[0], b[2]))
    v0, v1 = sorted((b[1], b[3]))
    return u0 - 0.01 <= x0 and x1 <= u1 + 0.01 and v0 - 0.01 <= y0 and y1 <= v1 + 0.01


def _lists(tree: Tree, elements: list) -> None:
    """What a list or item may not hold goes into an item's body (`elements`: the
    tree's, as `Tree.elements` gives them)."""
    for element in elements:
        allowed = LIST_KIDS.get(str(element.S))
        if allowed is None:
            continue
        kids = tree.kids(element)
        strays = [
            k for k in kids if not (isinstance(k, pikepdf.Dictionary) and k.get("/S") in allowed)
        ]
        if not strays:
            continue
        if element.S == "/LI":
            _into_body(tree, element, strays)
        else:
            items = [k for k in kids if isinstance(k, pikepdf.Dictionary) and k.get("/S") == "/LI"]
            for stray in strays:
                position = tree.index(element, stray)
                before = [k for k in items if tree.index(element, k) < position]
                if items:
                    _into_body(tree, before[-1] if before else items[0], [stray], element)


def _into_body(tree: Tree, item, strays: list, holder=None) -> None:
    """Move `strays` (kids of `holder`, by default of `item`) into the item's LBody, at
    the end if they come after it, else at its start; make the LBody if there is none."""
    holder = item if holder is None else holder
    bodies = [
        k for k in tree.kids(item) if isinstance(k, pikepdf.Dictionary) and k.get("/S") == "/LBody"
    ]
    if bodies:
        body = bodies[0]
    else:
        body = tree.pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.StructElem, S=pikepdf.Name.LBody, P=item, K=pikepdf.Array()
            )
        )
        if "/Pg" in item:
            body.Pg = item.Pg
        tree.set_kids(item, [*tree.kids(item), body])
    anchor = body if holder.objgen == item.objgen else item
    position = tree.index(holder, anchor)
    after = [s for s in strays if tree.index(holder, s) > position]
    before = [s for s in strays if tree.index(holder, s) < position]
    if before:
        tree.move(before, holder, body, 0)
    if after:
        tree.move(after, holder, body)


def _link_descriptions(pdf: pikepdf.Pdf, texts: dict[str, str]) -> None:
    """An internal link's annotation says where it goes (WeasyPrint puts the anchor name)."""
    if not texts:
        return
    for page in pdf.pages:
        for annotation in page.get("/Annots", []):
            dest = annotation.get("/Dest")
            if dest is not None and str(dest) in texts:
                annotation.Contents = pikepdf.String(texts[str(dest)])


PDFUA_SCHEMA = """\
<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" rdf:about=""
  xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
  xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
  xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#"
  xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1">
  <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
    <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
    <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
    <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
    <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
      <pdfaProperty:name>part</pdfaProperty:name>
      <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
      <pdfaProperty:category>internal</pdfaProperty:category>
      <pdfaProperty:description>Part of ISO 14289 followed</pdfaProperty:description>
    </rdf:li></rdf:Seq></pdfaSchema:property>
  </rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>"""


def declare_pdfua(pdf: pikepdf.Pdf) -> None:
    """Add PDF/UA-1 identification to a PDF/A file's XMP: PDF/A accepts a property of
    another namespace only with its extension schema described beside it."""
    with xmp_rdf(pdf) as rdf:
        rdf.append(etree.fromstring(PDFUA_SCHEMA))


@contextmanager
def xmp_rdf(pdf: pikepdf.Pdf) -> Iterator[Any]:
    """The XMP's rdf:RDF element, to add to; written back as a packet on leaving. With
    lxml: pikepdf's own editor would stamp the current time, so the same fiche would no
    longer give the same bytes."""
    stream = pdf.Root.Metadata
    root = etree.fromstring(stream.read_bytes())
    yield root.find("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF")
    xml = etree.tostring(root, encoding="utf-8")
    packet = b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
    stream.write(packet + xml + b'\n<?xpacket end="w"?>')
