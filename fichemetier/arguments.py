"""An argparse parser that speaks French: `--help`, usage and usage errors.

argparse has no French translation and reads its strings through gettext's default
domain; rather than patching its module, this parser gives its own headings and help
option, a formatter with a French usage prefix, and translates argparse's few error
templates (a fixed list, below) when it reports them. A message already in French (our
own type checks) passes through unchanged.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

USAGE = "utilisation : "

#: argparse's error templates (Python 3.11 to 3.13), as regular expressions, in French.
ERRORS = [
    (r"unrecognized arguments: (.*)", r"option ou argument inconnu : \1"),
    (r"the following arguments are required: (.*)", r"il manque : \1"),
    (r"one of the arguments (.*) is required", r"il faut l'une des options \1"),
    (r"ambiguous option: (\S+) could match (.*)", r"option ambiguë : \1 peut être \2"),
    (r"unexpected option string: (.*)", r"option inattendue : \1"),
    (r"argument (\S+): expected one argument", r"\1 : une valeur est attendue après l'option"),
    (r"argument (\S+): expected at most one argument", r"\1 : une valeur au plus"),
    (r"argument (\S+): expected at least one argument", r"\1 : au moins une valeur"),
    (r"argument (\S+): expected (\d+) arguments?", r"\1 : \2 valeurs attendues"),
    (
        r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)",
        r"\1 : choix invalide : \2 (possibles : \3)",
    ),
    (r"argument (\S+): invalid \S+ value: (.*)", r"\1 : valeur invalide : \2"),
    (r"argument (\S+): ignored explicit argument (.*)", r"\1 : n'attend pas de valeur (\2)"),
    (r"argument (\S+): not allowed with argument (.*)", r"\1 : impossible avec \2"),
    (r"argument (\S+): (.*)", r"\1 : \2"),  # our own checks, already in French
]


def french(message: str) -> str:
    """argparse's English error `message` in French (unchanged if not one of its own)."""
    for pattern, replacement in ERRORS:
        if re.fullmatch(pattern, message, flags=re.DOTALL):
            return re.sub(pattern, replacement, message, count=1, flags=re.DOTALL)
    return message


class FrenchHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, USAGE if prefix is None else prefix)


class FrenchArgumentParser(argparse.ArgumentParser):
    """ArgumentParser with French headings, `-h/--help`, `--version` and errors."""

    def __init__(self, *args, version: str | None = None, **kwargs):
        kwargs.setdefault("formatter_class", FrenchHelpFormatter)
        kwargs["add_help"] = False  # ours, in French, below
        super().__init__(*args, **kwargs)
        self._positionals.title = "arguments"
        self._optionals.title = "options"
        self.add_argument("-h", "--help", action="help", help="affiche cette aide et s'arrête")
        if version:
            self.add_argument(
                "--version",
                action="version",
                version=f"%(prog)s {version}",
                help="affiche la version et s'arrête",
            )

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {french(message)}\n")
