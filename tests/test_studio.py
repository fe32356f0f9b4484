"""The studio, driven in a real headless Chromium (Debian's), as a counsellor would use it."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from .conftest import ROOT, SEED_YAML
from .studio_browser import ARGS, AXE, CHROMIUM, Server, copy_seed, ensure_tools, status

pytestmark = pytest.mark.slow  # real processes, browsers or veraPDF: `-m 'not slow'` skips them

GOLDEN = Path(__file__).parent / "golden" / "studio-infirmier.yaml"
SEED = SEED_YAML.name


@pytest.fixture(scope="module")
def browser():
    ensure_tools()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def studio(tmp_path):
    copy_seed(tmp_path / "fiches", SEED_YAML)
    server = Server(tmp_path / "fiches")
    yield server
    server.stop()


@pytest.fixture
def page(browser):
    # bypass_csp: axe-core is injected as an inline script, which the studio's CSP refuses
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


@pytest.fixture
def shots(request, tmp_path):
    """Screenshots go to docs/ with --update-golden (the README shows them)."""
    update = request.config.getoption("--update-golden")
    return (ROOT / "docs") if update else tmp_path


def wait_preview(page, previous: str | None = None) -> str:
    """Wait until the preview shows pages (different from `previous`); its first page."""
    page.wait_for_function(
        "prev => { const i = document.querySelector('#pages img'); return i && i.src !== prev; }",
        arg=previous,
    )
    return page.locator("#pages img").first.get_attribute("src")


def test_new_fiche_typed_in_the_form_is_saved_as_a_person_would_write_it(
    studio, page, request, shots
):
    page.goto(studio.url)
    page.fill("#nouvelle-metier", "Infirmier")
    page.click("text=Créer la fiche")
    page.wait_for_url("**/fiche/infirmier.yaml")
    page.fill(
        "#champ-le_metier",
        "Il soigne les patients et veille à leur confort.\n\n"
        "Il travaille à l'hôpital, **de jour comme de nuit**.",
    )
    page.click("button[value='ouvrir:temoignage']")
    page.fill("#champ-temoignage-citation", "J'aime me sentir utile chaque jour.")
    page.fill("#champ-temoignage-auteur", "Sam")
    page.click("button[value='ajouter:formations_publiques']")
    page.fill("#champ-formations_publiques-0-niveau", "bac+3")
    page.fill(
        "#champ-formations_publiques-0-formations-0-texte",
        "Le diplôme d'État d'infirmier, préparé en trois ans dans un institut de formation "
        "en soins infirmiers (IFSI), après une inscription sur Parcoursup.",
    )
    page.click("button[value='ajouter:formations_publiques[0].formations[0].liens']")
    page.fill("#champ-formations_publiques-0-formations-0-liens-0", "https://www.onisep.fr/")
    page.fill("#champ-editeur", "Onisep")
    wait_preview(page)
    page.screenshot(path=str(shots / "studio-editeur.png"))
    page.click("#enregistrer")
    page.wait_for_selector("text=Fiche enregistrée")
    written = (studio.folder / "infirmier.yaml").read_text(encoding="utf-8")
    if request.config.getoption("--update-golden"):
        GOLDEN.write_text(written, encoding="utf-8")
    assert written == GOLDEN.read_text(encoding="utf-8")
    out = studio.folder.parent / "out"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "generate.py"),
            str(studio.folder / "infirmier.yaml"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (out / "infirmier.pdf").read_bytes().startswith(b"%PDF")
    assert not (studio.folder / ".brouillons" / "infirmier.yaml").exists()  # saved: no draft


def test_a_wrong_level_is_shown_at_its_field_and_fixing_it_changes_the_preview(studio, page):
    page.goto(f"{studio.url}/fiche/{SEED}")
    first = wait_preview(page)
    page.fill("#champ-formations_publiques-0-niveau", "bac+9")
    error = page.locator("#erreur-formations_publiques-0-niveau")
    error.wait_for(state="visible")
    assert "« bac+9 » n'est pas un niveau connu" in error.inner_text()
    assert "formations_publiques[0].niveau" in page.locator("#resume").inner_text()
    assert "dernière version sans erreur" in page.locator("#etat-apercu").inner_text()
    assert page.locator("#pages img").first.get_attribute("src") == first  # last good kept
    page.fill("#champ-formations_publiques-0-niveau", "bac+4")
    changed = wait_preview(page, first)
    assert changed != first
    assert error.inner_text() == ""
    assert not (studio.folder / SEED).read_text(encoding="utf-8").count("bac+4")  # not saved
    assert "bac+4" in (studio.folder / ".brouillons" / SEED).read_text(encoding="utf-8")


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 800), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


def test_an_uploaded_photo_shows_and_an_svg_is_refused(studio, page):
    page.goto(f"{studio.url}/fiche/{SEED}")
    first = wait_preview(page)
    upload = page.locator("input[data-photo-for='champ-temoignage-photo']")
    upload.set_input_files(
        {"name": "x.svg", "mimeType": "image/png", "buffer": b"<svg xmlns='x'></svg>"}
    )
    page.wait_for_function(
        "document.getElementById('erreur-temoignage-photo').textContent.includes('JPEG')"
    )
    upload.set_input_files({"name": "moi.png", "mimeType": "image/png", "buffer": _png()})
    page.wait_for_function(
        "() => { const i = document.getElementById('photo-temoignage-photo');"
        " return !i.hidden && i.complete && i.naturalWidth === 600; }"
    )
    assert page.input_value("#champ-temoignage-photo") == "developpeur-back-end-photo.png"
    wait_preview(page, first)  # the preview now has the photo
    assert (studio.folder / "developpeur-back-end-photo.png").read_bytes() == _png()


def test_an_overflowing_fiche_shows_every_page_and_where_the_budget_ends(studio, page, shots):
    page.goto(f"{studio.url}/fiche/{SEED}")
    wait_preview(page)
    # Enough to overflow two A4 pages of columns (under the 6,000 characters a text may
    # have), the overflow starting in the public trainings.
    long_text = "\n\n".join(["Un paragraphe de plus pour remplir la page. " * 11] * 12)
    page.fill("#champ-le_metier", long_text)
    mark = page.locator(".budget-end")
    mark.wait_for(state="visible")
    assert "Fin du budget : 2 pages en A4" in mark.inner_text()
    assert "(à partir de « Formations publiques n° " in mark.inner_text()  # the form's words
    assert page.locator("#pages figure").count() > 2
    assert page.locator("#pages figure.over").count() == page.locator("#pages figure").count() - 2
    assert "dépasse de" in page.locator("#resume").inner_text()
    mark.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "studio-depassement.png"))


def test_a_file_changed_on_disk_is_never_overwritten(studio, page):
    path = studio.folder / SEED
    page.goto(f"{studio.url}/fiche/{SEED}")
    wait_preview(page)
    page.fill("#champ-metier", "Développeuse back end")
    theirs = path.read_text(encoding="utf-8") + "# ajouté par quelqu'un d'autre\n"
    path.write_text(theirs, encoding="utf-8")
    page.click("#enregistrer")
    page.wait_for_selector("text=Le fichier a changé sur le disque")
    assert path.read_text(encoding="utf-8") == theirs  # nothing of theirs lost
    draft = (studio.folder / ".brouillons" / SEED).read_text(encoding="utf-8")
    assert "Développeuse back end" in draft  # nothing of ours lost
    page.click("#forcer")
    page.wait_for_selector("text=Fiche enregistrée")
    assert "metier: Développeuse back end" in path.read_text(encoding="utf-8")
    copies = list((studio.folder / ".brouillons").glob("developpeur-back-end.disque-*.yaml"))
    assert [c.read_text(encoding="utf-8") for c in copies] == [theirs]


def test_lan_mode_needs_the_token(tmp_path):
    copy_seed(tmp_path / "fiches", SEED_YAML)
    server = Server(tmp_path / "fiches", host="0.0.0.0")
    try:
        assert server.token and "jeton" in server.banner
        assert status(f"{server.url}/") == 401
        assert status(f"{server.url}/fiche/{SEED}") == 401
        assert status(f"{server.url}/static/studio.js") == 401
        assert status(f"{server.url}/?jeton=faux") == 401
        assert status(f"{server.url}/", headers={"Cookie": f"studio_jeton={server.token}"}) == 200
    finally:
        server.stop()


def test_paths_outside_the_folder_and_other_origins_are_refused(studio, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("metier: secret\nle_metier: secret\n", encoding="utf-8")
    (studio.folder / "lien.yaml").symlink_to(secret)
    (studio.folder / "lien.png").symlink_to(tmp_path / "x.png")
    for url in (
        "/fiche/..%2Fsecret.yaml",
        "/fiche/%2E%2E%2Fsecret.yaml",
        "/fiche/lien.yaml",
        "/fiche/lien.yaml/pdf",
        "/fichier/..%2Fsecret.yaml",
        "/fichier/lien.png",
        "/fichier/developpeur-back-end.yaml",
    ):
        assert status(studio.url + url) == 404, url
    body = b"metier=X&le_metier=Y"
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    save = f"{studio.url}/fiche/{SEED}/enregistrer"
    assert status(save, "POST", {**form, "Origin": "http://evil.example"}, body) == 403
    assert status(save, "POST", form, body) == 403  # no Origin at all
    assert "metier: Développeur back end" in (studio.folder / SEED).read_text(encoding="utf-8")
    host = {"Host": f"attaquant.example:{studio.port}"}
    assert status(studio.url + "/", headers=host) == 400  # DNS rebinding


def test_never_a_traceback(studio):
    import urllib.request

    url = f"{studio.url}/fiche/{SEED}/verifier"
    headers = {"Origin": studio.url, "Content-Type": "multipart/form-data; boundary=x"}
    request = urllib.request.Request(url, b"--x\r\nbroken", headers, method="POST")
    try:
        urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as exc:
        text = exc.read().decode()
        assert exc.code in (400, 500) and "Traceback" not in text and "<html" in text


def _axe(page) -> list[str]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


def test_home_and_editor_have_no_serious_accessibility_violation(studio, page, shots):
    page.goto(studio.url)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(shots / "studio-accueil.png"))
    assert _axe(page) == []
    page.goto(f"{studio.url}/fiche/{SEED}")
    wait_preview(page)
    page.fill("#champ-formations_publiques-0-niveau", "bac+9")  # with errors shown too
    page.locator("#erreur-formations_publiques-0-niveau").wait_for(state="visible")
    assert _axe(page) == []


def _tab_to(page, element_id: str, key: str = "Tab", most: int = 400) -> None:
    for _ in range(most):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press(key)
    raise AssertionError(f"#{element_id} n'est pas atteignable au clavier")


def test_edit_save_and_download_with_the_keyboard_alone(studio, page):
    page.goto(f"{studio.url}/fiche/{SEED}")
    wait_preview(page)
    _tab_to(page, "champ-metier")
    page.keyboard.press("Control+a")
    page.keyboard.type("Développeuse back end")
    _tab_to(page, "enregistrer", "Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Fiche enregistrée")
    assert "metier: Développeuse back end" in (studio.folder / SEED).read_text(encoding="utf-8")
    _tab_to(page, "telecharger")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and "Développeuse".encode("utf-16-be") in pdf or pdf[:4]
