"""Accessible and archival PDFs: tags, language, links, alternative texts, contrast."""

from __future__ import annotations

import shutil

import pikepdf
import pytest
from pypdf import PdfReader

from fichemetier.cli import main
from fichemetier.contrast import ratio
from fichemetier.inspect_pdf import (
    fonts,
    link_annotations,
    read_aloud,
    struct_nodes,
    xmp_identification,
)
from fichemetier.render import theme_colours

from .conftest import ROOT, SEED_YAML


@pytest.fixture(scope="module")
def seed(seed_pdf):
    with pikepdf.open(seed_pdf) as pdf:
        yield pdf


def test_tagged_pdf_ua_with_language_and_title(seed):
    assert seed.Root.MarkInfo.Marked
    assert "/StructTreeRoot" in seed.Root
    assert seed.Root.Lang == "fr"
    assert seed.Root.ViewerPreferences.DisplayDocTitle
    assert xmp_identification(seed) == {"pdfuaid:part": "1"}


def test_headings_in_visual_order_without_skipping_a_level(seed):
    headings = [n.tag for n in struct_nodes(seed) if n.tag in ("H1", "H2", "H3")]
    assert headings == ["H1", "H2", "H2", "H2", "H3", "H3", "H3", "H2"]
    ancestors: list[str] = []
    for node in struct_nodes(seed):
        del ancestors[node.depth :]
        if node.tag in ("H1", "H2", "H3"):
            assert not {"H1", "H2", "H3"} & set(ancestors), f"{node.tag} inside {ancestors}"
        ancestors.append(node.tag)


def test_lists_are_l_and_li(seed):
    nodes = list(struct_nodes(seed))
    for index, node in enumerate(nodes):
        if node.tag == "LI":
            parent = next(n for n in reversed(nodes[:index]) if n.depth == node.depth - 1)
            assert parent.tag == "L"
    assert sum(n.tag == "LI" for n in nodes) >= 14  # the ten masters schools, at least


def test_every_link_annotation_is_inside_a_link_element(seed):
    tagged = {a.objgen for n in struct_nodes(seed) if n.tag == "Link" for a in n.annotations}
    annotations = link_annotations(seed)
    assert len(annotations) >= 10
    for annotation in annotations:
        assert annotation.objgen in tagged, annotation.A.URI
        assert "/StructParent" in annotation


def test_salary_chart_is_a_figure_with_a_description(seed):
    [figure] = [n for n in struct_nodes(seed) if n.tag == "Figure"]
    assert figure.alt.startswith("Échelle des salaires bruts mensuels")
    assert "2\u202f000\u00a0€" in figure.alt and "5\u202f000\u00a0€" in figure.alt


def test_qr_codes_are_drawn_as_artifacts_beside_their_tagged_link(seed):
    """A QR code repeats its link, which is tagged and read (its short form): the code
    itself is decoration for a screen reader, drawn inside /Artifact marked content."""
    figures = [n.alt for n in struct_nodes(seed) if n.tag == "Figure"]
    assert len(figures) == 1 and "salaires" in figures[0]  # the chart, no code
    modules = {True: 0, False: 0}  # one-module-high runs, inside an artifact or not
    for page in seed.pages:
        inside = False
        for operands, operator in pikepdf.parse_content_stream(page):
            if operator == pikepdf.Operator("BMC"):
                inside = operands[0] == pikepdf.Name.Artifact
            elif operator == pikepdf.Operator("EMC"):
                inside = False
            elif operator == pikepdf.Operator("re") and float(operands[3]) == 1:
                modules[inside] += 1
    assert modules[True] > 1000  # the dark runs of the ten codes
    assert modules[False] == 0


def test_photo_has_an_alternative_text(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(ROOT / "docs" / "page-1.png", tmp_path / "ailin.png")
    text = SEED_YAML.read_text(encoding="utf-8").replace(
        "  auteur: Ailin\n", "  auteur: Ailin\n  photo: ailin.png\n"
    )
    (tmp_path / "fiche.yaml").write_text(text, encoding="utf-8")
    assert main(["fiche.yaml", "--jobs", "1", "-q"]) == 0
    with pikepdf.open(tmp_path / "output" / "fiche.pdf") as pdf:
        alts = [n.alt for n in struct_nodes(pdf) if n.tag == "Figure"]
    assert "Portrait d’Ailin" in alts


def test_fonts_map_back_to_unicode_and_text_comes_out_intact(seed, seed_pdf):
    assert all(flags == {"embedded": True, "tounicode": True} for flags in fonts(seed).values())
    text = "".join(page.extract_text() for page in PdfReader(seed_pdf).pages)
    text = text.replace("\u2010\n", "")  # a word the layout hyphenated (see the README)
    for phrase in [
        "DÉVELOPPEUR BACK END",
        "l’Université de Lyon 1",
        "À partir d’un cahier",
        "Maîtriser le vocabulaire",
        "l’École normale supérieure",
        "ce n’est pas drôle",
    ]:
        assert phrase in text, phrase
    assert "\u202f!" in text and "\u00a0:" in text  # no-break spaces survive a copy


def test_tagged_text_reads_as_printed(seed_pdf):
    """Read from the structure tree: a space where a line broke at a space, a word cut by
    hyphenation whole (the printed hyphen is not read), as text search and copy need."""
    paragraphs = [text for tag, text in read_aloud(seed_pdf) if tag == "P"]
    sentence = (
        "Agissant dans les coulisses d’un site web, d’une application mobile ou d’un "
        "logiciel informatique, le développeur back end est une sorte d’architecte doublé "
        "d’un mécanicien."
    )
    assert any(sentence in text for text in paragraphs), paragraphs[3]
    assert any(
        "il se tient au courant des dernières évolutions techniques et" in t for t in paragraphs
    )
    assert not any("\u2010" in text for text in paragraphs)  # no hyphen of the layout's


def test_a_link_broken_over_two_lines_is_one_link(seed_pdf):
    links = [text for tag, text in read_aloud(seed_pdf, ("Link",)) if tag == "Link"]
    assert links.count("Sorbonne université") == 1
    assert "té" not in links and not any(text.endswith("\u2010") for text in links)


def test_catalogue_contents_one_link_per_entry_read_with_its_page(tmp_path, monkeypatch):
    """A contents entry is one link that reads "Développeur back end, page 3" (its
    annotation says the same); the leader dots are artifacts, not read."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(SEED_YAML, tmp_path)
    assert main([SEED_YAML.name, "--catalogue", "catalogue.pdf", "--jobs", "1", "-q"]) == 0
    links = [text for tag, text in read_aloud(tmp_path / "catalogue.pdf", ("Link",))]
    assert links[0] == "Développeur back end, page 3"
    assert not any("." in text for text in links[:1])
    with pikepdf.open(tmp_path / "catalogue.pdf") as pdf:
        internal = [a for a in link_annotations(pdf) if "/Dest" in a]
        assert [str(a.Contents) for a in internal] == ["Développeur back end, page 3"]
        [entry] = [
            n for n in struct_nodes(pdf) if n.tag == "Link" and n.annotations[0].get("/Dest")
        ]
        assert len(entry.annotations) == 1
        assert pdf.docinfo.Author == "Onisep"  # the publisher, not the rubric


def test_pdfa_option(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(SEED_YAML, tmp_path)
    assert main([SEED_YAML.name, "--pdfa", "--jobs", "1", "-q"]) == 0
    with pikepdf.open(tmp_path / "output" / "pdfa" / SEED_YAML.with_suffix(".pdf").name) as pdf:
        assert xmp_identification(pdf) == {
            "pdfuaid:part": "1",  # PDF/A-2u and PDF/UA-1 in one file
            "pdfaid:part": "2",
            "pdfaid:conformance": "U",
        }
        [intent] = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1" and "/DestOutputProfile" in intent
        assert pdf.Root.MarkInfo.Marked and pdf.Root.Lang == "fr"  # still tagged


contrast = ratio  # WCAG's formula, as contrast.py computes it for an edition's colours


WHITE = "#ffffff"
#: Every text colour on every background it is printed on (see fiche.css), and whether
#: the text is large (≥ 18.66 px bold): WCAG 2.2 asks 4.5:1, or 3:1 for large text.
PAIRS = [
    ("texte", WHITE, False),
    ("texte", "fond-doux", False),
    ("discret", WHITE, False),
    ("discret", "fond-doux", False),
    ("titres", WHITE, True),
    ("titres", "fond-doux", False),
    ("accent", WHITE, False),
    ("accent", "fond-doux", False),
    ("lien", WHITE, False),
    ("bandeau-texte", "bandeau", True),
    ("bandeau", "rubrique", False),
    ("badge-texte", "badge", False),
]


@pytest.mark.parametrize(("text", "background", "large"), PAIRS)
def test_theme_colours_meet_wcag_contrast(text, background, large):
    theme = theme_colours()
    ratio = contrast(theme[text], theme.get(background, background))
    assert ratio >= (3 if large else 4.5), f"{text} on {background}: {ratio:.2f}:1"
