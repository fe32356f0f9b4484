"""Hostile and broken fiches in one real run: each gets one clear located message, never a
traceback nor a hang, and the good fiches of the same run are still written.

One batch (two worker processes, as users run it) holds every bad fiche of the table
next to good ones; each row then checks its own message.
"""

from __future__ import annotations

import contextlib
import io
import os
import re

import pytest
from pypdf import PdfReader

from fichemetier.cli import main

from .conftest import MINIMAL

ALIAS_BOMB = "\n".join(
    ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"a{i}: &a{i} [{', '.join(f'*a{i - 1}' for _ in range(9))}]" for i in range(1, 9)]
)
TRAININGS = "".join(f"      - texte: Formation {i}\n" for i in range(500))

#: name → (file content, expected start of the message after `fiches/<name>.yaml:`).
#: Each message says where (line, field) and what to do.
BAD = {
    "yaml-invalide": (
        b"metier: A\nle_metier: [b\n",
        "3: YAML invalide",
    ),
    "latin-1": (
        b"metier: A\nle_metier: caf\xe9\n",
        "2: le fichier n'est pas en UTF-8 : enregistrez-le en « UTF-8 »",
    ),
    "utf-16": (
        "metier: A\n".encode("utf-16"),
        "1: le fichier n'est pas en UTF-8",
    ),
    "vide": (b"", "1: le fichier est vide : copiez un modèle"),
    "liste": (b"- metier: A\n- le_metier: b\n", "1: une fiche doit être une suite de champs"),
    "scalaire": (b"Boulanger\n", "1: une fiche doit être une suite de champs"),
    "type-liste": (
        b"metier: [A, B]\nle_metier: b\n",
        "1: metier: un texte est attendu ici",
    ),
    "type-texte": (
        b"metier: A\nle_metier: b\nformations_publiques: beaucoup\n",
        "3: formations_publiques: une liste est attendue",
    ),
    "type-nombre": (
        b'metier: A\nle_metier: b\nremuneration:\n  texte: t\n  debutant: "2000"\n'
        b"  experimente: 3000\n",
        "5: remuneration.debutant: un nombre entier d'euros est attendu",
    ),
    "objet-python": (
        b"metier: !!python/object/apply:os.system [echo pwned]\nle_metier: b\n",
        "1: metier: un texte est attendu ici",
    ),
    "cle-double": (
        b"metier: A\nle_metier: b\nmetier: C\n",
        "3: le champ « metier » est écrit deux fois : gardez-en un seul",
    ),
    "enorme": (
        None,
        " fichier trop gros (50 Mo) : une fiche fait quelques Ko",
    ),  # a sparse 50 MB file, made below
    "paragraphe-100000": (
        ("metier: A\nle_metier: " + "mots " * 19_999 + "mots.\n").encode(),
        "2: le_metier: texte trop long (100\u202f000 caractères, au plus 6\u202f000)",
    ),
    "mot-sans-espace": (
        ("metier: A\nle_metier: " + "développement" * 200 + "\n").encode(),
        "2: le_metier: mot de 2\u202f600 caractères sans espace (« développementdévelop… ») : "
        "la mise en page ne sait pas le couper, ajoutez des espaces",
    ),
    "500-formations": (
        ("metier: A\nle_metier: b\nformations_publiques:\n  - formations:\n" + TRAININGS).encode(),
        "4: formations_publiques[0].formations: trop d'éléments (500, au plus 30)",
    ),
    "bombe-alias": (
        (ALIAS_BOMB + "\nmetier: x\n").encode(),
        "1: plus de 50000 valeurs (des alias YAML en cascade ?)",
    ),
    "controle-brut": (
        b"metier: A\nle_metier: sonne\x07rie\n",
        "2: caractère de contrôle U+0007 invisible : supprimez-le",
    ),
    "controle-echappe": (
        b'metier: A\nle_metier: "sonne\\x07rie"\n',
        "2: le_metier: caractère de contrôle U+0007 invisible : supprimez-le",
    ),
    "controle-c1": (
        b'metier: "A\\x9b"\nle_metier: b\n',
        "1: metier: caractère de contrôle U+009B invisible",
    ),
    "non-caractere": (
        b'metier: A\nle_metier: "fin\\uFFFF"\n',
        "2: le_metier: caractère de contrôle U+FFFF invisible",
    ),
    "surrogate": (
        b'metier: A\nle_metier: "moiti\\ud800e"\n',
        "2: le_metier: caractère U+D800 invalide (moitié de paire UTF-16) : supprimez",
    ),
    "bidi-override": (
        b'metier: A\nle_metier: "prix : \\u202e0001 \xe2\x82\xac"\n',
        "2: le_metier: caractère de direction U+202E (RLO) invisible : il imprime le texte à "
        "l'envers, supprimez-le",
    ),
    "usage-prive": (
        b'metier: "A\\ue000"\nle_metier: b\n',
        "1: metier: caractère à usage privé U+E000 : aucune police ne l'imprime",
    ),
    "lien-invisible": (
        b"metier: A\nle_metier: b\nformations_publiques:\n  - formations:\n"
        b"      - texte: t\n        liens:\n          - https://www.onisep.fr/\xe2\x80\x8bx\n",
        "7: formations_publiques[0].formations[0].liens[0]: le lien contient un caractère "
        "invisible U+200B : retapez l'adresse",
    ),
    "image-markdown": (
        b"metier: A\nle_metier: Voir ![x](https://x.fr/a.png)\n",
        "2: le_metier: les images ne sont pas permises",
    ),
    "lien-fichier": (
        b"metier: A\nle_metier: Voir [mots de passe](file:///etc/passwd)\n",
        "2: le_metier: le lien « file:///etc/passwd » doit commencer par https://",
    ),
    "photo-absolue": (
        b"metier: A\nle_metier: b\ntemoignage:\n  citation: c\n  auteur: d\n  photo: /etc/passwd\n",
        "6: temoignage.photo: la photo doit être dans le dossier de la fiche",
    ),
    "echappement-terminal": (
        b'metier: A\nle_metier: b\n"\\e[2J\\e]0;pirate\\a": x\n',
        "3: <U+001B>[2J<U+001B>]0;pirate<U+0007>: champ inconnu",
    ),
}
#: Valid fiches, odd on purpose: each must simply be written.
GOOD = {
    "a-bon": MINIMAL.encode(),
    "bom-crlf": b"\xef\xbb\xbfmetier: Caf\xc3\xa9\r\nle_metier: Il sert le caf\xc3\xa9.\r\n",
    "html-et-script": (
        b"metier: <b>Pirate</b>\nle_metier: |\n"
        b"  <script>alert(1)</script> <img src=file:///etc/passwd>\n"
        b"  <style>@import url(file:///etc/passwd)</style> url(https://x.fr/a.css)\n"
    ),
    "rtl-emoji": (
        "metier: Traducteur 🌍\nle_metier: Il traduit « مرحبا » et « שלום » 👍.\n"
    ).encode(),
    "z-bon": MINIMAL.encode(),
}


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One batch over every fiche of the tables: (exit code, stderr, output folder)."""
    folder = tmp_path_factory.mktemp("hostile")
    fiches = folder / "fiches"
    fiches.mkdir()
    for name, (content, _) in BAD.items():
        if content is not None:
            (fiches / f"{name}.yaml").write_bytes(content)
    with (fiches / "enorme.yaml").open("wb") as huge:
        huge.truncate(50_000_000)  # sparse: no disk used, but 50 MB to read
    for name, content in GOOD.items():
        (fiches / f"{name}.yaml").write_bytes(content)
    (fiches / "a-bon.yml").write_bytes(MINIMAL.encode())  # same PDF name as a-bon.yaml
    err = io.StringIO()
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["--jobs", "2"])
    finally:
        os.chdir(cwd)
    return code, err.getvalue(), folder / "output"


@pytest.mark.parametrize("name", list(BAD))
def test_bad_fiche_gets_one_clear_located_message(run, name):
    _, err, _ = run
    expected = f"fiches/{name}.yaml:{BAD[name][1]}"
    found = [line for line in err.splitlines() if line.startswith(f"fiches/{name}.yaml:")]
    assert found, err
    assert found[0].startswith(expected), found
    assert len(found) == 1, found  # one problem, one line: not a cascade


def test_same_pdf_name_is_reported_and_the_first_is_written(run):
    _, err, out = run
    assert "fiches/a-bon.yml: même nom de PDF que fiches/a-bon.yaml (a-bon.pdf) : renommez" in err
    assert (out / "a-bon.pdf").is_file()


def test_good_fiches_of_the_same_run_are_written_whole(run):
    code, err, out = run
    assert code == 1
    assert "Traceback" not in err and "erreur inattendue" not in err
    for name in GOOD:
        reader = PdfReader(out / f"{name}.pdf")
        assert len(reader.pages) >= 1
    assert sorted(p.stem for p in out.glob("*.pdf")) == sorted(GOOD)
    summary = re.sub(r" \(\d+,\d s\)$", "", err.strip().splitlines()[-1])
    assert summary == f"{len(GOOD)} PDF écrits, {len(BAD) + 1} fiches en erreur"


def test_messages_hold_no_raw_control_character(run):
    _, err, _ = run
    assert not [c for c in err if c < " " and c not in "\n"], "raw control character in stderr"
    assert "\u202e" not in err and "\ud800" not in err.encode("utf-8", "replace").decode()


def test_fiche_html_prints_literally(run):
    _, _, out = run
    text = PdfReader(out / "html-et-script.pdf").pages[0].extract_text()
    # A justified line extracts with wider gaps, and a column's line may break after a "/".
    text = "".join(text.split())
    assert "<B>PIRATE</B>" in text  # the title is set in capitals
    for literal in ["<script>alert(1)</script>", "<img src=file:///etc/passwd>", "@import url("]:
        assert "".join(literal.split()) in text
