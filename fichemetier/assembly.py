"""Step 5d, assembly: a bound catalogue's PDF, from its skeleton and its fiches' own PDFs.

The skeleton (cover, contents, and for each fiche as many empty pages as it has, carrying
its running header, footer and page numbers) is laid out once; each fiche is laid out
alone, in a worker, without margin boxes. Here each empty page of the skeleton receives
the fiche's page: the fiche's drawing, then the skeleton's own (margin boxes, crop marks)
over it as an artifact; its links; its part of the structure tree and of the bookmarks.
The skeleton's page objects stay, so the contents' links and named destinations keep
pointing at the right pages. Each fiche's PDF is kept open until the catalogue is saved
(qpdf copies stream data lazily), read into memory rather than kept as an open file: a
national catalogue binds more fiches than a process may open files.
"""

from __future__ import annotations

import ctypes
import io
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any, BinaryIO

import pikepdf

#: The name under which a page draws the skeleton's margin boxes over the fiche.
OVERLAY = pikepdf.Name("/Squelette")


def assemble(skeleton: bytes, pieces: list[tuple[Path, int, int, int]], marks: str | None) -> bytes:
    """The catalogue: `skeleton` with each piece (its PDF, the skeleton page where it
    starts, its page count, the pages the skeleton gave it) put in place; a page given
    and not used is left blank, as a blank page of the catalogue is (with its crop marks
    when `marks`, their ink: finishing.ink_of). Returns the PDF's bytes, read back from a
    temporary file once qpdf's objects (~0.75 MB a fiche) are freed and given back:
    a national catalogue's ~80 MB are never held beside them."""
    with tempfile.TemporaryFile() as out:
        _save(skeleton, pieces, marks, out)
        _give_back_freed_memory()
        out.seek(0)
        return out.read()


def _give_back_freed_memory() -> None:
    """qpdf's objects are millions of small allocations: freed, glibc keeps them in the
    process's heap, where the bytes read back (one large block) cannot reuse them, so
    900 fiches held ~620 MB for nothing. `malloc_trim` returns them to the system
    (0.1 s for 900 fiches); elsewhere than glibc, nothing is done."""
    try:
        libc = ctypes.CDLL(None)
        trim = libc.malloc_trim
    except (AttributeError, OSError):
        return
    trim(0)


def _save(skeleton: bytes, pieces: list, marks: str | None, out: BinaryIO) -> None:
    with ExitStack() as stack:
        pdf = stack.enter_context(pikepdf.open(io.BytesIO(skeleton)))
        empty = {start + i for _, start, _, slot in pieces for i in range(slot)}
        tree = _SkeletonTree(pdf, empty)
        with pdf.open_outline() as outline:
            for path, start, count, slot in pieces:
                first = _next_number(pdf)
                with pikepdf.open(io.BytesIO(path.read_bytes())) as piece:
                    _graft(pdf, piece, start, tree, outline.root)
                    _own_streams(pdf, range(first, _next_number(pdf)))
                for index in range(start + count, start + slot):
                    _blank(pdf, pdf.pages[index].obj, marks)
        tree.save()
        # Object streams: the fiches' thousands of structure elements take a quarter less.
        generate = pikepdf.ObjectStreamMode.generate
        pdf.save(out, deterministic_id=True, object_stream_mode=generate)


class _SkeletonTree:
    """The skeleton's structure tree without its empty pages' elements, and its parent
    tree (WeasyPrint writes one flat /Nums array), to which each fiche adds its own."""

    def __init__(self, pdf: pikepdf.Pdf, empty: set[int]):
        self.root = pdf.Root.StructTreeRoot
        self.document = self.root.K[0]
        nums = self.root.ParentTree.Nums
        self.parents: dict[int, Any] = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        empty_pages = {pdf.pages[i].objgen for i in empty}
        kids = [
            k for k in self.document.K if k.get("/Pg") is None or k.Pg.objgen not in empty_pages
        ]
        self.document.K = pikepdf.Array(kids)
        for index in empty:
            page = pdf.pages[index].obj
            self.parents.pop(int(page.get("/StructParents", -1)), None)
            for annotation in page.get("/Annots", []):
                self.parents.pop(int(annotation.get("/StructParent", -1)), None)
        self.next = max(self.parents, default=-1) + 1

    def add(self, mapping) -> int:
        key, self.next = self.next, self.next + 1
        self.parents[key] = mapping
        return key

    def save(self) -> None:
        nums: list = []
        for key in sorted(self.parents):
            nums += [key, self.parents[key]]
        self.root.ParentTree.Nums = pikepdf.Array(nums)
        self.root.ParentTreeNextKey = self.next


def _graft(pdf: pikepdf.Pdf, piece: pikepdf.Pdf, start: int, tree: _SkeletonTree, outline):
    """Put `piece`'s pages on the skeleton's pages from `start`, with their tags."""
    targets = [pdf.pages[start + i].obj for i in range(len(piece.pages))]
    index = {page.objgen: i for i, page in enumerate(piece.pages)}
    for item in _outline(piece, index, targets):
        outline.append(item)
    # Page references become page numbers before the copy, so that copying an element
    # brings no page of the piece along; they are set to the skeleton's pages after.
    for paged in _paged(_kids(piece.Root.StructTreeRoot)):
        _unpage(paged, index)
    for page in piece.pages:
        for annotation in page.obj.get("/Annots", []):
            if "/P" in annotation:
                del annotation.P
    top = piece.Root.StructTreeRoot.K[0]
    kids = piece.make_indirect(pikepdf.Array(_kids(top)))
    for kid in _kids(top):
        del kid.P
    copied = _copy(pdf, kids)
    for element in copied:
        element.P = tree.document
        tree.document.K.append(element)
    for paged in _paged(copied):
        _repage(paged, targets)
    parents = piece.Root.StructTreeRoot.ParentTree.Nums
    piece_parents = {int(parents[i]): parents[i + 1] for i in range(0, len(parents), 2)}
    for source, target in zip(piece.pages, targets, strict=True):
        _page(pdf, source.obj, target, tree, piece_parents)


def _page(pdf: pikepdf.Pdf, source, target, tree: _SkeletonTree, parents: dict) -> None:
    """The fiche's page drawn on the skeleton's, whose margin boxes go over it."""
    overlay = pikepdf.Stream(pdf, _as_artifact(target))
    overlay.Type = pikepdf.Name.XObject
    overlay.Subtype = pikepdf.Name.Form
    overlay.BBox = target.MediaBox
    overlay.Resources = target.Resources
    resources = pikepdf.Dictionary(dict(_copy(pdf, source.Resources).items()))
    objects = dict(resources.get("/XObject", pikepdf.Dictionary()).items())
    objects[str(OVERLAY)] = overlay
    resources.XObject = pikepdf.Dictionary(objects)
    contents = _copy(pdf, source.Contents)
    parts = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    over = b"\nQ q " + str(OVERLAY).encode() + b" Do Q\n"
    target.Contents = pikepdf.Array(
        [pikepdf.Stream(pdf, b"q\n"), *parts, pikepdf.Stream(pdf, over)]
    )
    target.Resources = resources
    if "/StructParents" in source:
        target.StructParents = tree.add(_copy(pdf, parents[int(source.StructParents)]))
    annotations = _copy(pdf, source.get("/Annots", pikepdf.Array()))
    for annotation in annotations:
        annotation.P = target
        if "/StructParent" in annotation:
            old = int(annotation.StructParent)
            annotation.StructParent = tree.add(_copy(pdf, parents[old]))
    target.Annots = pikepdf.Array(list(annotations))
    if "/Tabs" in source:
        target.Tabs = source.Tabs


def _blank(pdf: pikepdf.Pdf, page, marks: str | None) -> None:
    """A page the skeleton gave a fiche that has fewer: blank, but for crop marks."""
    from .finishing import marks_drawing

    drawing = marks_drawing(pikepdf.Page(page), marks) if marks else b""
    page.Contents = pikepdf.Stream(pdf, drawing)
    for key in ("/Annots", "/StructParents"):
        if key in page:
            del page[key]


def _next_number(pdf: pikepdf.Pdf) -> int:
    """The number the next new object of `pdf` gets (qpdf numbers them in order, and
    drops this empty one at save: nothing refers to it)."""
    return pdf.make_indirect(pikepdf.Dictionary()).objgen[0]


def _own_streams(pdf: pikepdf.Pdf, numbers: range) -> None:
    """Give every stream among these objects (those just copied from a fiche's PDF) its
    own copy of its (still encoded) data, so that the fiche's PDF can be closed at once:
    qpdf copies stream data lazily, and 900 fiches kept open took 0.85 MB each. Read by
    number rather than walked from the pages: ~3× faster."""
    for number in numbers:
        obj = pdf.get_object(number, 0)
        if isinstance(obj, pikepdf.Stream):
            encoded: Any = {"filter": obj.get("/Filter"), "decode_parms": obj.get("/DecodeParms")}
            obj.write(obj.read_raw_bytes(), **encoded)


def _copy(pdf: pikepdf.Pdf, obj):
    """`obj` of a piece, in `pdf` (qpdf copies indirect objects only, and each once)."""
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return pdf.copy_foreign(obj)
    if isinstance(obj, pikepdf.Array):
        return pikepdf.Array([_copy(pdf, item) for item in obj])
    if isinstance(obj, pikepdf.Dictionary):
        return pikepdf.Dictionary({key: _copy(pdf, value) for key, value in obj.items()})
    return obj


def _as_artifact(page) -> bytes:
    """The skeleton page's drawing with its tagged text (the margin boxes' MCIDs, which
    no element of the tree holds) marked as artifact: it is drawn over a fiche's page,
    whose MCIDs it must not meet."""
    operations = []
    for instruction in pikepdf.parse_content_stream(page):
        operands: Any = instruction.operands
        operator = instruction.operator
        if operator == pikepdf.Operator("BDC"):
            operands, operator = [pikepdf.Name.Artifact], pikepdf.Operator("BMC")
        operations.append((operands, operator))
    return pikepdf.unparse_content_stream(operations)


def _outline(piece: pikepdf.Pdf, index: dict, targets: list) -> list[pikepdf.OutlineItem]:
    """The piece's bookmarks, going to the skeleton's pages."""
    with piece.open_outline() as outline:
        return [_bookmark(item, index, targets) for item in outline.root]


def _bookmark(item, index: dict, targets: list) -> pikepdf.OutlineItem:
    destination = item.destination
    if isinstance(destination, pikepdf.Array) and len(destination):
        page, *where = list(destination)
        if page.objgen in index:
            destination = pikepdf.Array([targets[index[page.objgen]], *where])
    copy = pikepdf.OutlineItem(item.title, destination)
    copy.children.extend(_bookmark(child, index, targets) for child in item.children)
    return copy


def _unpage(element, index: dict) -> None:
    page = element.get("/Pg")
    if isinstance(page, pikepdf.Dictionary):
        element.Pg = index[page.objgen]


def _repage(element, targets: list) -> None:
    if isinstance(element.get("/Pg"), int):
        element.Pg = targets[int(element.Pg)]


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _paged(kids) -> Iterator:
    """Every structure element under `kids`, parents first, and every reference to
    marked content or an object among their kids: those that may name a page (`/Pg`)."""
    todo = list(kids)
    while todo:
        element = todo.pop()
        if isinstance(element, pikepdf.Dictionary) and "/S" in element:
            yield element
            below = _kids(element)
            yield from (k for k in below if isinstance(k, pikepdf.Dictionary) and "/S" not in k)
            todo.extend(below)
