"""Step 4e, a print-shop file's PDF/X-4 identity, added in the finishing pass.

A print shop's RIP converts whatever is not CMYK through the file's output intent: here
FOGRA39 (offset on coated paper, ISO 12647-2), the condition most French print shops
proof against. Its profile is made from the free FOGRA39L characterization data with
a 300 % total ink limit (styles/icc/README.md), so the RIP's conversion of the RGB
colours (the band, the accents, photos) stays within the 300 % a shop accepts.

The photos are converted through the same profile before WeasyPrint embeds them
(`press_photo`): a shop's preflight rejects an RGB image, which its RIP would convert with
a profile of its own choosing.

What PDF/X-4 asks and the file says here: the GTS_PDFX output intent with its profile,
`GTS_PDFXVersion` and `Trapped` in both the Info dictionary and the XMP. What it still
lacks is said in the README (dates: the files are reproducible, so they carry none).
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zlib
from functools import cache

import pikepdf
from lxml import etree
from PIL import Image, ImageCms

from .paths import STYLES
from .structure import xmp_rdf

PROFILE = STYLES / "icc" / "FOGRA39L-300.icc"
CONDITION = "FOGRA39"
REGISTRY = "http://www.color.org"
CONDITION_TEXT = "Offset, papier couché (ISO 12647-2:2004/Amd 1, FOGRA39), encrage total 300 %"
VERSION = "PDF/X-4"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NAMESPACES = {
    "rdf": RDF,
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfxid": "http://www.npes.org/pdfx/ns/id/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
}


@cache
def _profile() -> bytes:
    """The profile, compressed once per process (compressing it on each save: +20 ms)."""
    return zlib.compress(PROFILE.read_bytes(), 9)


@cache
def _to_press() -> ImageCms.ImageCmsTransform:
    return ImageCms.buildTransform(
        ImageCms.createProfile("sRGB"),
        ImageCms.getOpenProfile(str(PROFILE)),
        "RGB",
        "CMYK",
        renderingIntent=ImageCms.Intent.PERCEPTUAL,
    )


def press_photo(data: bytes, kind: str, quality: int) -> tuple[bytes, str]:
    """A photo as photos.printable made it (bytes, MIME type), in CMYK for the press: an
    RGB one converted through the output intent's profile, a JPEG again; grey ones (one
    ink, K) and those with transparency (PNG, no CMYK JPEG for them) stay as they are."""
    with Image.open(io.BytesIO(data)) as image:
        if image.mode != "RGB":
            return data, kind
        cmyk = _to_press().apply(image)
    out = io.BytesIO()
    cmyk.save(out, "JPEG", quality=quality)
    return out.getvalue(), "image/jpeg"


def declare_pdfx4(pdf: pikepdf.Pdf, source: bytes) -> None:
    """Give `pdf` a CMYK output intent and the PDF/X-4 keys; `source` (the PDF as
    WeasyPrint wrote it) names the document in the XMP, the same for the same fiche."""
    profile = pikepdf.Stream(pdf, b"")
    profile.write(_profile(), filter=pikepdf.Name.FlateDecode)
    profile.N = 4
    profile.Alternate = pikepdf.Name.DeviceCMYK
    intent = pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent,
        S=pikepdf.Name.GTS_PDFX,
        OutputConditionIdentifier=CONDITION,
        OutputCondition=CONDITION_TEXT,
        RegistryName=REGISTRY,
        Info=CONDITION_TEXT,
        DestOutputProfile=pdf.make_indirect(profile),
    )
    others = [i for i in pdf.Root.get("/OutputIntents", []) if i.get("/S") != "/GTS_PDFX"]
    pdf.Root.OutputIntents = pikepdf.Array([*others, pdf.make_indirect(intent)])
    pdf.docinfo[pikepdf.Name.GTS_PDFXVersion] = VERSION
    pdf.docinfo[pikepdf.Name.Trapped] = pikepdf.Name("/False")
    _xmp(pdf, uuid.UUID(bytes=hashlib.sha256(source).digest()[:16]))


def _xmp(pdf: pikepdf.Pdf, document_id: uuid.UUID) -> None:
    """The same keys in the XMP."""
    with xmp_rdf(pdf) as rdf:
        description = etree.SubElement(rdf, f"{{{RDF}}}Description", nsmap=NAMESPACES)
        description.set(f"{{{RDF}}}about", "")
        for key, value in (
            ("pdfxid:GTS_PDFXVersion", VERSION),
            ("pdf:Trapped", "False"),
            ("xmpMM:DocumentID", f"uuid:{document_id}"),
            ("xmpMM:VersionID", "1"),
            ("xmpMM:RenditionClass", "default"),
        ):
            prefix, name = key.split(":")
            etree.SubElement(description, f"{{{NAMESPACES[prefix]}}}{name}").text = value
