"""The renderer reads only the project's styles and fonts and the fiche's own images:
no network, no file elsewhere, whatever the URL looks like."""

from __future__ import annotations

import io
import os
import re
import shutil

import pikepdf
import pytest
from PIL import Image
from pypdf import PdfReader

from fichemetier import render
from fichemetier.errors import FicheError
from fichemetier.load import load_fiche
from fichemetier.model import validate
from fichemetier.paths import STYLES
from fichemetier.render import LocalOnlyFetcher, theme_colours

from .conftest import ROOT

PNG = ROOT / "docs" / "page-1.png"


@pytest.fixture
def folder(tmp_path):
    """A fiche folder with a photo, inside a parent that holds a secret."""
    fiches = tmp_path / "fiches"
    fiches.mkdir()
    shutil.copy(PNG, fiches / "photo.png")
    (tmp_path / "secret.png").write_bytes(PNG.read_bytes())
    (fiches / "fuite.png").symlink_to(tmp_path / "secret.png")
    (fiches / "dossier").symlink_to(tmp_path)
    return fiches


def test_own_image_and_bundled_fonts_are_served(folder):
    fetcher = LocalOnlyFetcher([folder, STYLES])
    response = fetcher.fetch((folder / "photo.png").as_uri())
    served = Image.open(io.BytesIO(response.read()))
    original = Image.open(PNG)
    # the photo itself, small enough to pass as it is (a camera photo is downsampled to
    # what the printed frame needs: see test_photos.py)
    assert served.size == original.size
    assert abs(served.width / served.height - original.width / original.height) < 0.01
    assert response.headers.get_content_type() == Image.MIME[served.format]
    font = next((STYLES / "fonts").glob("*.otf"))
    assert fetcher.fetch(font.as_uri()).read()[:4] == b"OTTO"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.onisep.fr/logo.png",
        "http://127.0.0.1:9/x.png",
        "ftp://example.org/x.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "file:///etc/passwd",
        "file://example.org/etc/passwd",
        "{folder}/../secret.png",
        "{folder}/%2e%2e/secret.png",
        "{folder}/../../../../../../etc/passwd",
        # urllib drops the fragment and would open {folder}/../secret.png
        "{folder}/../secret.png#/../fiches/photo.png",
        "{folder}/fuite.png",  # a symlink that leaves the folder
        "{folder}/dossier/secret.png",  # through a symlinked folder
        "{folder}/absent.png",
        "{folder}",  # a folder, not a file
    ],
)
def test_everything_else_is_refused(folder, url):
    url = url.replace("{folder}", folder.as_uri())
    with pytest.raises(ValueError):
        LocalOnlyFetcher([folder, STYLES]).fetch(url)


@pytest.mark.parametrize(
    ("photo", "message"),
    [
        ("/etc/passwd", "la photo doit être dans le dossier de la fiche"),
        ("../secret.png", "la photo doit être dans le dossier de la fiche"),
        ("../../../../etc/passwd", "la photo doit être dans le dossier de la fiche"),
        ("fuite.png", "la photo doit être dans le dossier de la fiche"),
        ("dossier/secret.png", "la photo doit être dans le dossier de la fiche"),
        ("file:///etc/passwd", "la photo doit être un fichier .jpg ou .png"),
        ("file:///etc/passwd.png", "fichier « file:/etc/passwd.png » introuvable"),
        ("https://x.fr/a.png", "fichier « https:/x.fr/a.png » introuvable"),
    ],
)
def test_photo_field_cannot_point_outside_the_fiche_folder(folder, photo, message):
    path = folder / "fiche.yaml"
    path.write_text(
        f"metier: A\nle_metier: b\ntemoignage:\n  citation: c\n  auteur: d\n  photo: {photo}\n",
        encoding="utf-8",
    )
    with pytest.raises(FicheError) as caught:
        validate(load_fiche(path))
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (6, "temoignage.photo")
    assert problem.message.startswith(message)


HOSTILE = """\
metier: <img src="{secret}"> url({secret})
temoignage:
  citation: <object data="{secret}"></object>
  auteur: <link rel=stylesheet href="{secret}">
  photo: photo.png
le_metier: |
  <script src="https://x.fr/a.js"></script> <iframe src="{secret}"></iframe>
  <style>@import url({secret}); body {{ background: url({secret}) }}</style>
  <svg><image href="{secret}"/></svg> [lien](https://x.fr/a.png) <https://x.fr/b.png>
  \\<img src="{secret}"> &lt;img src="{secret}"&gt; &#60;img&#62;
partenaire: <img src="https://x.fr/c.png">
"""


def test_a_hostile_fiche_fetches_nothing_but_its_photo(renderer, folder, monkeypatch, tmp_path):
    fetched = []
    original = render.LocalOnlyFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(render.LocalOnlyFetcher, "fetch", spy)
    path = folder / "fiche.yaml"
    secret = (tmp_path / "secret.png").as_uri()
    path.write_text(HOSTILE.format(secret=secret), encoding="utf-8")
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(renderer.pdf(validate(load_fiche(path)), folder))
    own = STYLES.as_uri() + "/"  # the project's fonts, if the stylesheets load only now
    assert [url for url in fetched if not url.startswith(own)] == [(folder / "photo.png").as_uri()]
    with pikepdf.open(pdf) as document:
        images = [
            xobject
            for page in document.pages
            for xobject in page.Resources.get("/XObject", {}).values()
            if xobject.get("/Subtype") == "/Image"
        ]
    assert len(images) == 1  # the photo, nothing else
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    text = text.replace("\n", "").replace("\u2010", "").casefold()
    assert text.count("secret.png") == 10  # printed as text, every time
    text = re.sub(" +", " ", text)  # justified lines stretch the spaces
    assert "<script src=" in text and "https://x.fr/a.js" in text and "></script>" in text
    assert "<style>@import url(file://" in text


def test_a_symlinked_style_folder_does_not_widen_the_fetcher(tmp_path):
    (tmp_path / "styles").symlink_to(STYLES)
    fetcher = LocalOnlyFetcher([tmp_path / "styles"])
    assert fetcher.allowed == [STYLES.resolve()]
    with pytest.raises(ValueError):
        fetcher.fetch((tmp_path / "styles" / ".." / "x").as_uri())
    assert os.path.isdir(STYLES)


def test_a_continuation_badge_takes_the_editions_colours_even_swapped():
    """The « (suite) » pictures are drawn in theme.css's colours; a run with other badge
    colours gets them recoloured, in one pass (a swap does not end in one colour)."""
    from fichemetier.render import SUITE, recoloured

    theme = theme_colours()
    badge, text = theme["badge"], theme["badge-texte"]
    svg = recoloured(SUITE / "bac-3.svg", {badge: text, text: badge}).decode()
    assert f'<rect width="101.78" height="17.80" rx="8.90" fill="{text}"/>' in svg
    assert f'<path fill="{badge}"' in svg
    fetched = LocalOnlyFetcher([STYLES], badges={badge: "#7a1f5c"}).fetch(
        (SUITE / "bac-3.svg").as_uri()
    )
    body = fetched.read()
    assert b'fill="#7a1f5c"' in body and badge.encode() not in body
