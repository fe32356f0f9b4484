"""The templates' compiled code, kept beside them as Python keeps a module's bytecode.

Jinja compiles each template (lexer, parser, Python source, `compile`) on first use: ~20 ms
of a fresh process's first fiche for the four a fiche uses. Compiled once, by setup.sh
(`python -m fichemetier.precompiled`) or by a run where Python writes bytecode, the code
is read back in ~1 ms from `templates/__pycache__/`, the project's own folder (never one a
fiche's author or a run's `--out` names). What is read is used only if it was made from
this very template source (Jinja's own checksum) by this Jinja, this Python and an
environment of the same settings (the file's name); anything unreadable is ignored and
the template compiled as before. tests/test_precompiled.py checks both paths agree.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from . import pycache
from .paths import TEMPLATES
from .write import write_atomic

FOLDER = TEMPLATES / "__pycache__"
SUFFIX = ".jinja"


class Precompiled(jinja2.BytecodeCache):
    """Reads (and, where Python writes bytecode or `write` is set, writes) templates'
    code in `folder`, one file a template and set of settings."""

    def __init__(self, folder: Path, settings: str, write: bool | None = None):
        self.folder = folder
        self.settings = settings
        self.write = pycache.writes(write)

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        key = "\0".join((self.settings, name, filename or ""))
        return hashlib.sha256(key.encode()).hexdigest()[:32]

    def path(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}{SUFFIX}"

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            data = self.path(bucket).read_bytes()
        except OSError:
            return
        try:  # Jinja checks its version and the source's checksum; garbage is no code
            bucket.bytecode_from_string(data)
        except Exception:
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        if self.write:
            with contextlib.suppress(OSError):  # a read-only install compiles each time
                write_atomic(self.path(bucket), bucket.bytecode_to_string())


@jinja2.pass_context
def at_render_time(context, value):
    """The renderer's `finalize`: each output as it is. Jinja runs a filter given a
    constant (`{{ "S'informer" | french }}`) when it compiles, and writes the result into
    the code, which would then outlive a change to the filter on disk. A `finalize` that
    asks for the context stops that for outputs, `optimized=False` for the rest."""
    return value


def _named(function) -> str:
    """A function as the code calls it: its name and what Jinja passes it first."""
    name = f"{getattr(function, '__module__', '')}.{getattr(function, '__qualname__', '')}"
    return (
        f"{name}({getattr(function, 'jinja_pass_arg', '')})"
        if callable(function)
        else repr(function)
    )


def settings(environment: jinja2.Environment) -> str:
    """What, besides a template's source, shapes its compiled code."""
    return repr(
        (
            jinja2.__version__,
            sys.version_info[:2],
            environment.block_start_string,
            environment.block_end_string,
            environment.variable_start_string,
            environment.variable_end_string,
            environment.comment_start_string,
            environment.comment_end_string,
            environment.line_statement_prefix,
            environment.line_comment_prefix,
            environment.trim_blocks,
            environment.lstrip_blocks,
            environment.newline_sequence,
            environment.keep_trailing_newline,
            environment.optimized,
            environment.is_async,
            repr(environment.autoescape),
            _named(environment.finalize),
            sorted(environment.extensions),
            # the code passes the context, eval context or environment first if asked
            sorted(
                (name, str(getattr(f, "jinja_pass_arg", "")))
                for name, f in environment.filters.items()
            ),
            sorted(
                (name, str(getattr(f, "jinja_pass_arg", "")))
                for name, f in environment.tests.items()
            ),
        )
    )


def precompiled(environment: jinja2.Environment, write: bool | None = None) -> Precompiled:
    """The code cache for `environment` as it is now set up (filters included)."""
    return Precompiled(FOLDER, settings(environment), write)


def compile_all() -> list[str]:
    """Compile and keep every template of the renderer (setup.sh); their names."""
    from .render import Renderer

    environment = Renderer().env
    environment.bytecode_cache = precompiled(environment, write=True)
    if environment.cache is not None:  # what the Renderer compiled is compiled again
        environment.cache.clear()
    names = sorted(path.name for path in TEMPLATES.glob("*.j2"))
    for name in names:
        environment.get_template(name)
    return names


if __name__ == "__main__":
    compile_all()
