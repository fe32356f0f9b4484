"""`generate.py --help`, `--version` and usage errors: in French, with exit code 2."""

from __future__ import annotations

import pytest

from fichemetier.cli import main

ENGLISH = [
    "usage:",
    "positional arguments",
    "show this help",
    "error:",
    "unrecognized",
    "invalid choice",
    "expected one argument",
    "required",
    "argument --",
    "ignored explicit",
    "ambiguous",
    "choose from",
]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))  # returned, never raised: tests and callers get a code
    out, err = capsys.readouterr()
    return code, out, err


def test_help_is_in_french(capsys):
    code, out, err = run(capsys, "--help")
    assert code == 0 and err == ""
    assert out.startswith("utilisation : generate.py [-h] [--version]")
    assert "\narguments:\n" in out and "\noptions:\n" in out
    assert "-h, --help            affiche cette aide et s'arrête" in out
    assert not [word for word in ENGLISH if word in out.lower()]


def test_version(capsys):
    assert run(capsys, "--version") == (0, "generate.py 0.1.0\n", "")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--inconnue"], "option ou argument inconnu : --inconnue"),
        (["--format", "a3"], "--format : choix invalide : 'a3' (possibles : 'a4', 'a5')"),
        (["--out"], "--out : une valeur est attendue après l'option"),
        (["--quiet=oui"], "--quiet/-q : n'attend pas de valeur ('oui')"),
        (["--jobs", "0"], "--jobs/-j : un nombre entier ≥ 1 est attendu, pas « 0 »"),
        (["--niveau", "bac+9"], "--niveau : « bac+9 » n'est pas un niveau connu"),
    ],
)
def test_usage_errors_are_in_french(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("utilisation : generate.py")
    assert err.splitlines()[-1].startswith(f"generate.py: {message}")
    assert not [word for word in ENGLISH if word in err.lower()]


def test_every_argparse_template_has_a_translation():
    """The templates argparse may raise (3.11 to 3.13), as it words them."""
    from fichemetier.arguments import french

    for english in [
        "unrecognized arguments: a b",
        "the following arguments are required: --x",
        "one of the arguments --a --b is required",
        "ambiguous option: --f could match --force, --format",
        "argument --x: expected one argument",
        "argument --x: expected at most one argument",
        "argument --x: expected at least one argument",
        "argument --x: expected 2 arguments",
        "argument --x: invalid choice: 'z' (choose from a, b)",
        "argument --x: invalid int value: 'z'",
        "argument --x: ignored explicit argument 'z'",
        "argument --x: not allowed with argument --y",
        "unexpected option string: --z",
    ]:
        translated = french(english)
        assert not [word for word in ENGLISH if word in translated.lower()], translated
