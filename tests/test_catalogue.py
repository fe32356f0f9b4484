"""The catalogue read back from its PDF: cover, contents whose page numbers are where the
fiches really start, right-hand starts, bookmarks, running headers, niveau filter, order."""

from __future__ import annotations

import re

import pikepdf
import pytest
from pypdf import PdfReader

from fichemetier.catalogue import collation_key
from fichemetier.cli import main
from fichemetier.inspect_pdf import link_annotations, read_aloud

from .conftest import MINIMAL, SEED_YAML

SEED = SEED_YAML.read_text(encoding="utf-8")
#: file name → job title; the seed's copies have trainings at bac + 2, the short ones none
FICHES = {
    "zoo.yaml": ("Zoologiste", False),
    "ebe.yaml": ("Ébéniste", True),
    "ecr.yaml": ("écrivain public", False),
    "ele.yaml": ("Électricien", True),
    "boul.yaml": ("Boulanger", False),
    "oeno.yaml": ("Œnologue", True),
}
ORDER = ["Boulanger", "Ébéniste", "écrivain public", "Électricien", "Œnologue", "Zoologiste"]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fiches").mkdir()
    for name, (metier, long) in FICHES.items():
        text = SEED if long else MINIMAL
        text = re.sub(r"(?m)^metier: .*$", f"metier: {metier}", text)
        (tmp_path / "fiches" / name).write_text(text, encoding="utf-8")
    return tmp_path


def page_texts(path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def contents(texts: list[str]) -> dict[str, int]:
    """The contents page: title → page number, as printed (a fiche's levels are on the
    line below its title)."""
    found = re.findall(r"^([^\d/\n]+?)[\s.]*?(\d+)$", texts[1], flags=re.M)  # not the footer
    return {
        title.strip(" ."): int(number)
        for title, number in found
        if title != "sommaire" and not title.startswith(("CAP", "bac"))
    }


def start_page(texts: list[str], metier: str) -> int:
    """The first page whose text carries the title as the band prints it (in capitals)."""
    title = metier.upper()
    return next(i for i, text in enumerate(texts, start=1) if title in text.split("\n")[:3])


def test_collation_is_french():
    names = ["Zoologiste", "écrivain", "Ebay", "Ébéniste", "Electricien", "Œnologue", "Oeil"]
    assert sorted(names, key=collation_key) == [
        "Ebay",
        "Ébéniste",
        "écrivain",
        "Electricien",
        "Oeil",
        "Œnologue",
        "Zoologiste",
    ]


def test_contents_numbers_are_the_pages_where_fiches_start(folder, capsys):
    assert main(["--catalogue", "catalogue.pdf", "--jobs", "1"]) == 0
    assert "Catalogue écrit : catalogue.pdf, 6 fiches, " in capsys.readouterr().err
    texts = page_texts(folder / "catalogue.pdf")
    assert "FICHES MÉTIER" in texts[0] and "6 fiches métier" in texts[0]
    toc = contents(texts)
    assert list(toc) == ORDER  # French order, É with E and Œ with OE
    for metier, number in toc.items():
        assert start_page(texts, metier) == number, metier
        assert number % 2 == 1, f"{metier} starts on a left-hand page ({number})"


def test_contents_show_the_levels_of_each_fiche(folder):
    assert main(["--catalogue", "catalogue.pdf", "--jobs", "1", "-q"]) == 0
    lines = page_texts(folder / "catalogue.pdf")[1].replace("\xa0", " ").splitlines()
    seed_levels = "bac + 2 · bac + 3 · bac + 5"  # the seed's public and private trainings
    assert lines[lines.index(next(x for x in lines if x.startswith("Ébéniste"))) + 1] == seed_levels
    assert (
        lines[lines.index(next(x for x in lines if x.startswith("Boulanger"))) + 1] != seed_levels
    )


def test_bookmarks_point_at_each_fiche(folder):
    assert main(["--catalogue", "catalogue.pdf", "--jobs", "1", "-q"]) == 0
    reader = PdfReader(folder / "catalogue.pdf")
    top = [item for item in reader.outline if not isinstance(item, list)]
    titles = [item.title for item in top]
    assert titles == ["sommaire", *ORDER]
    toc = contents(page_texts(folder / "catalogue.pdf"))
    for item in top[1:]:
        assert reader.get_destination_page_number(item) + 1 == toc[item.title]


def test_running_header_names_the_job_after_its_first_page(folder):
    assert main(["--catalogue", "catalogue.pdf", "--jobs", "1", "-q"]) == 0
    texts = page_texts(folder / "catalogue.pdf")
    toc = contents(texts)
    first = toc["Électricien"]  # a two-page fiche
    assert "ÉLECTRICIEN" in texts[first].splitlines()  # its second page: the header
    assert texts[first - 1].count("ÉLECTRICIEN") == 1  # first page: the band, no header
    assert "BOULANGER" not in texts[first]  # the previous fiche's title does not linger


def test_filter_by_niveau(folder, capsys):
    assert main(["--catalogue", "bac2.pdf", "--niveau", "Bac + 2", "--jobs", "1"]) == 0
    texts = page_texts(folder / "bac2.pdf")
    assert list(contents(texts)) == ["Ébéniste", "Électricien", "Œnologue"]
    assert "avec une formation de niveau bac + 2" in texts[0].replace("\xa0", " ")
    capsys.readouterr()
    assert main(["--catalogue", "cap.pdf", "--niveau", "CAP", "-q"]) == 1
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith(
        "Aucun catalogue écrit : aucune fiche à mettre dans le catalogue (avec une formation "
        "de niveau CAP), 0 fiche en erreur ("
    )
    assert not (folder / "cap.pdf").exists()


def test_a_bad_fiche_is_left_out_and_reported(folder, capsys):
    (folder / "fiches" / "bad.yaml").write_text("metier: Potier\nle_metier: 12\n")
    assert main(["--catalogue", "catalogue.pdf", "--jobs", "1", "-q"]) == 1
    err = capsys.readouterr().err
    assert "fiches/bad.yaml:2: le_metier:" in err
    assert list(contents(page_texts(folder / "catalogue.pdf"))) == ORDER


def test_usage(folder, capsys):
    assert main(["--niveau", "bac+2"]) == 2
    assert "--niveau et --titre ne s'emploient qu'avec --catalogue" in capsys.readouterr().err
    (folder / "dossier.pdf").mkdir()
    assert main(["--catalogue", "dossier.pdf"]) == 2  # a folder, not a file
    assert main(["--catalogue", "c.pdf", "--titre", "Fiches\x1b[31m"]) == 2
    assert "--titre : " in capsys.readouterr().err
    assert main(["--catalogue", "catalogue.txt"]) == 2
    assert main(["--catalogue", "c.pdf", "--niveau", "bac+7"]) == 2
    assert "« bac+7 » n'est pas un niveau connu" in capsys.readouterr().err


def test_a5_print_catalogue_has_bleed_on_every_page_and_a_bled_cover(folder):
    import pikepdf
    import pypdfium2

    from fichemetier.render import theme_colours

    assert main(["--catalogue", "c.pdf", "--format", "a5", "--print", "-q", "--jobs", "1"]) == 0
    with pikepdf.open(folder / "c.pdf") as pdf:
        for page in pdf.pages:
            for box, size in (("/MediaBox", (168, 230)), ("/BleedBox", (154, 216))):
                x0, y0, x1, y1 = (float(v) * 25.4 / 72 for v in page[box])
                assert (round(x1 - x0), round(y1 - y0)) == size  # bleed, and the marks' slug
    from .test_qrcodes import SEED_URLS, decoded

    codes = decoded(folder / "c.pdf", dpi=300)  # three seed copies, each with its ten codes
    assert len(codes) == 30 and set(codes) == SEED_URLS
    cover = pypdfium2.PdfDocument(folder / "c.pdf")[0].render(scale=1).to_pil().convert("RGB")
    band = theme_colours()["bandeau"]
    expected = tuple(int(band[i : i + 2], 16) for i in (1, 3, 5))
    edge = round(7.3 * 72 / 25.4)  # just inside the bleed, past the 7 mm slug
    for xy in (
        (cover.width // 2, edge),
        (cover.width // 2, cover.height - 1 - edge),
        (edge, cover.height // 2),
    ):
        assert all(abs(a - b) <= 6 for a, b in zip(cover.getpixel(xy), expected, strict=True))


def test_a_fiche_that_breaks_the_preflight_is_left_out(folder, capsys):
    text = MINIMAL.replace("metier: Boulanger", "metier: Oto" + "rhinolaryngologiste" * 2)
    (folder / "fiches" / "orl.yaml").write_text(text, encoding="utf-8")
    assert main(["--catalogue", "catalogue.pdf", "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert "fiches/orl.yaml:1: metier: le texte déborde de la marge droite de " in err
    assert "Catalogue écrit : catalogue.pdf, 6 fiches, " in err
    assert list(contents(page_texts(folder / "catalogue.pdf"))) == ORDER  # without it


def test_the_cover_title_is_checked_on_its_own(folder, capsys):
    """Text past the margin on the cover is the --titre's fault, not a fiche's."""
    title = "Anticonstitutionnellementanticonstitutionnellement"
    assert main(["--catalogue", "c.pdf", "--titre", title, "--jobs", "1", "-q"]) == 1
    err = capsys.readouterr().err
    assert "c.pdf: --titre: le texte déborde de son cadre à droite de " in err
    assert "fiches/" not in err
    assert "0 fiche en erreur" in err  # the fiches are fine; the exit code says the rest
    assert "Aucun catalogue écrit : voir l'erreur ci-dessus (le précédent est gardé)" in err


def test_a_cover_that_overflows_keeps_the_previous_catalogue(folder, capsys):
    assert main(["--catalogue", "c.pdf", "--jobs", "1", "-q"]) == 0
    good = (folder / "c.pdf").read_bytes()
    title = "Anticonstitutionnellementanticonstitutionnellement"
    assert main(["--catalogue", "c.pdf", "--titre", title, "--jobs", "1", "-q"]) == 1
    assert (folder / "c.pdf").read_bytes() == good


def test_a_running_header_past_the_page_names_the_job_title(folder, capsys):
    """The job title repeats at the top of a fiche's later pages: a title of many lines
    there runs off the top of the page."""
    metier = " ".join(["Technicien supérieur"] * 14)
    paragraph = "Il répare les machines de la ligne et les règle chaque jour. " * 22
    text = f"metier: {metier}\nle_metier: |\n" + f"  {paragraph}\n\n" * 4
    (folder / "fiches" / "tech.yaml").write_text(text, encoding="utf-8")
    assert main(["--catalogue", "c.pdf", "--jobs", "1"]) == 1
    err = capsys.readouterr().err
    assert "fiches/tech.yaml:1: metier: le titre courant déborde du haut de la page de " in err
    assert "Catalogue écrit : c.pdf, 6 fiches, " in err  # left out, as a fiche in error is


def test_every_footer_numbers_its_page_in_the_bound_file(folder):
    """Each fiche is laid out alone and bound (binding.py): the footers are the
    skeleton's, so they count the catalogue's pages, not the fiche's."""
    assert main(["--catalogue", "catalogue.pdf", "--jobs", "1", "-q"]) == 0
    texts = page_texts(folder / "catalogue.pdf")
    for number, text in enumerate(texts, start=1):
        found = re.findall(r"(\d+)\u202f/\u202f(\d+)", text)
        if number == 1 or not text.strip():  # the cover, a blank left-hand page
            assert not found, number
        else:
            assert found[-1] == (str(number), str(len(texts))), number


def test_contents_links_go_to_the_pages_they_name(folder):
    assert main(["--catalogue", "catalogue.pdf", "--jobs", "1", "-q"]) == 0
    with pikepdf.open(folder / "catalogue.pdf") as pdf:
        pages = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
        names = pdf.Root.Names.Dests.Names
        dests = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
        internal = [a for a in link_annotations(pdf) if "/Dest" in a]
        assert len(internal) == len(FICHES)
        for link in internal:
            printed = int(str(link.Contents).rsplit(" ", 1)[1])
            assert pages[dests[str(link.Dest)][0].objgen] == printed, str(link.Contents)


def test_each_fiche_is_read_whole_in_its_place(folder):
    """The fiches' structure trees are grafted into the catalogue's in contents order: a
    screen reader gets the cover, the contents, then each fiche's heading and text."""
    assert main(["--catalogue", "catalogue.pdf", "--jobs", "1", "-q"]) == 0
    read = read_aloud(folder / "catalogue.pdf", ("H1", "P"))
    titles = [text for tag, text in read if tag == "H1"]
    assert [t.casefold() for t in titles] == [t.casefold() for t in ["Fiches métier", *ORDER]]
    heads = [i for i, (tag, _) in enumerate(read) if tag == "H1"] + [len(read)]
    for start, end in zip(heads[1:], heads[2:], strict=False):  # each fiche's text follows
        assert any(tag == "P" for tag, _ in read[start + 1 : end]), read[start]


def test_parallel_catalogue_reads_as_the_serial_one(folder):
    """Laid out in two workers or here one by one: the same pages, text, bookmarks."""
    assert main(["--catalogue", "serie.pdf", "--jobs", "1", "-q"]) == 0
    assert main(["--catalogue", "parallele.pdf", "--jobs", "2", "-q"]) == 0
    serial, parallel = folder / "serie.pdf", folder / "parallele.pdf"
    assert page_texts(serial) == page_texts(parallel)
    assert read_aloud(serial) == read_aloud(parallel)
    outlines = []
    for path in (serial, parallel):
        reader = PdfReader(path)
        outlines.append(
            [(i.title, reader.get_destination_page_number(i)) for i in _flat(reader.outline)]
        )
    assert outlines[0] == outlines[1] and len(outlines[0]) > len(FICHES)


def _flat(outline) -> list:
    return [x for item in outline for x in (_flat(item) if isinstance(item, list) else [item])]


def test_a_catalogue_of_one_fiche_says_so_in_its_metadata(folder):
    for name in list(FICHES)[1:]:
        (folder / "fiches" / name).unlink()
    assert main(["--catalogue", "un.pdf", "--jobs", "1", "-q"]) == 0
    subject = PdfReader(folder / "un.pdf").metadata["/Subject"]
    assert subject == "Fiches métier : 1 fiche métier", subject
