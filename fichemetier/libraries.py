"""How WeasyPrint loads its libraries: quickly, for a fresh process's first page.

Six changes to how three of WeasyPrint's modules and one of pydantic's load (and nothing
else), each measured on a cold `generate.py` of one fiche, each checked by
tests/test_libraries.py and tests/test_declarations.py:

1. Native libraries by soname (`weasyprint.text.ffi`, WeasyPrint 70). That module tries
   several names for each native library, Windows' and macOS' first; cffi hands each name
   that is no file to `ctypes.util.find_library`, which on Linux runs `ldconfig -p`, then
   gcc and ld, for every name that fails: 54 processes started before the first page of a
   fresh process (~130 ms of CPU in them, and the waiting). On Linux each list ends with
   the soname (`libpango-1.0.so.0`), which the dynamic loader finds by itself in its
   cache: the very file the long way found. So while that module runs, a name is looked
   up nowhere else.
2. Its C declarations read once, on Linux (`weasyprint.text.ffi`'s `cffi.FFI().cdef`, ~45 ms with
   pycparser): kept as cffi's own data and loaded in ~1 ms (declarations.py).
3. Where they are parsed after all (nothing kept yet), the C types named later are parsed
   quickly (cffi 2.x). Each new type WeasyPrint names (`ffi.new("hb_codepoint_t[42]")`,
   one per glyph count) is parsed by cffi with a `typedef int X;` line for every typedef
   of WeasyPrint's whole cdef, ~2 ms a type, 16 types (~30 ms) in a fresh process's
   first fiche and more in each later one. Only the typedef names the type itself uses
   change how it parses: cffi's own parser is given those alone (~0.1 ms); the type is
   then built from all the declarations, as before.
4. fontTools imported when used (`weasyprint.pdf.fonts`, `weasyprint.text.fonts`): its
   subsetter and instancer (~50 ms to import) and its `ttLib` (~12 ms) serve only the slow
   paths (no libharfbuzz-subset0, a variable, colour or bitmap font, a woff). The modules
   get stand-ins that import the real ones on first use: functions that import theirs
   when called, modules that import themselves when read, and for an exception class
   (`TTLibError`, only ever raised by the real module, and caught only around a call that
   imports it) a class of its own; once a real module is imported, each name the stand-ins
   gave is the real object again in the modules that took it (`_rebind`).
5. `importlib.metadata` imported when used (`pydantic.plugin._loader`). pydantic looks its
   plugins up there when it builds the first model, unless PYDANTIC_DISABLE_PLUGINS says
   there are none; generate.py says so (our models use no plugin), and importing
   `importlib.metadata` (with `email`, `socket`, `zipfile`...) cost ~12 ms for nothing.
   Anywhere else, `entry_points` imports it on its first call, as before.
6. Two of WeasyPrint's three user-agent stylesheets parsed when used (`weasyprint.html`):
   the forms' (`pdf_forms`) and the presentational hints' (`presentational_hints`), which
   our pages use neither of, cost ~8 ms to parse at import. While that module runs, the
   `CSS` it makes of those two texts is a `_SheetOnFirstUse`, which parses itself with the
   same arguments the first time one of its attributes is read. The HTML one, which
   WeasyPrint's counter styles are filled from, is parsed at import as before.

Installed by the package (`fichemetier/__init__.py`), before any module imports WeasyPrint.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import re
import sys
import types
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

#: The cffi versions whose `Parser._parse` and `parse_type_and_quals` were read (2.1.1).
CFFI_VERSIONS = ("2.",)
#: fontTools' modules `weasyprint.pdf.fonts` imports at its top, and the names it takes.
LAZY_FONTTOOLS = {
    "fontTools.subset": (),
    "fontTools.varLib.instancer": ("instantiateVariableFont",),
    "fontTools.ttLib": ("TTFont", "error:TTLibError", "module:ttFont"),
}
#: And those `weasyprint.text.fonts` imports (for woff fonts only).
LAZY_TTLIB = {"fontTools.ttLib": ("TTFont", "module:woff2")}
#: The module `pydantic.plugin._loader` imports at its top, and the name it takes (5.).
LAZY_METADATA = {"importlib.metadata": ("entry_points",)}
_WORDS = re.compile(r"\w+")


class _QuickLoading:
    """A meta path finder for the modules of LOADERS alone: each runs within its context."""

    def find_spec(self, name, path, target=None):
        if name not in LOADERS:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader, LOADERS[name])
        return spec


class _Loader:
    def __init__(self, loader, context: Callable[[types.ModuleType], Any]):
        self.loader = loader
        self.context = context

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        with self.context(module):
            self.loader.exec_module(module)


@contextmanager
def _sonames_only(module: types.ModuleType) -> Iterator[None]:
    import ctypes.util  # here: the parent of a batch never loads WeasyPrint

    original = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        with _declared_once(module):
            yield
    finally:
        ctypes.util.find_library = original


@contextmanager
def _declared_once(module: types.ModuleType) -> Iterator[None]:
    """The module's `cffi.FFI()` reads its declarations once for all (see 2.), or the
    types it is asked for are parsed quickly (see 3.)."""
    import cffi

    from .declarations import DeclaredOnce

    original = cffi.FFI
    cffi.FFI = lambda *args, **kwargs: DeclaredOnce(original)
    try:
        yield
    finally:
        cffi.FFI = original
    ffi = getattr(module, "ffi", None)
    if isinstance(ffi, DeclaredOnce):
        ffi = ffi._chosen()
        module.__dict__["ffi"] = ffi  # what WeasyPrint's modules import from it
    if ffi is not None:
        quick_types(ffi)


def quick_types(ffi) -> None:
    """Parse the types `ffi` is asked for with only the typedefs they name (see 3.)."""
    import cffi

    if not isinstance(ffi, cffi.FFI) or not cffi.__version__.startswith(CFFI_VERSIONS):
        return  # the FFI of kept declarations (2.) parses types in C, quickly
    from cffi.cparser import Parser

    parser = getattr(ffi, "_parser", None)
    if not isinstance(parser, Parser):
        return
    parser.parse_type_and_quals = lambda cdecl: Parser.parse_type_and_quals(
        _NamedTypedefsOnly(parser), cdecl
    )


class _NamedTypedefsOnly:
    """The parser as `Parser.parse_type_and_quals` uses it, whose `_parse` declares only
    the typedefs the source names (cffi's `_parse` run on a view of the declarations; the
    parser itself is not changed, so that another thread may use it meanwhile)."""

    def __init__(self, parser):
        self._parser = parser

    def __getattr__(self, name: str):
        return getattr(self._parser, name)

    def _parse(self, csource: str):
        from cffi.cparser import Parser

        named = set(_WORDS.findall(csource))
        view = types.SimpleNamespace(
            _declarations={
                key: value
                for key, value in self._parser._declarations.items()
                if not key.startswith("typedef ") or key[8:] in named
            },
            convert_pycparser_error=self._parser.convert_pycparser_error,
        )
        return Parser._parse(view, csource)


def _on_first_use(lazy: Mapping[str, tuple[str, ...]]) -> Callable:
    """A context in which the modules of `lazy` not imported yet are stand-ins (4., 5.)."""

    @contextmanager
    def stand_ins_while_it_runs(module: types.ModuleType) -> Iterator[None]:
        stand_ins = {name: _stand_in(name, names) for name, names in lazy.items()}
        put = {name: stand_in for name, stand_in in stand_ins.items() if name not in sys.modules}
        sys.modules.update(put)
        try:
            yield
        finally:
            for name, stand_in in put.items():
                if sys.modules.get(name) is stand_in:
                    del sys.modules[name]
        given = [value for stand_in in put.values() for value in vars(stand_in).values()]
        _WAITING.extend(
            (module, key)
            for key, value in vars(module).items()
            if _source(value)[0] and any(value is v for v in [*given, *put.values()])
        )
        _rebind()  # a real module imported meanwhile: its names at once

    return stand_ins_while_it_runs


class _StandIn(types.ModuleType):
    """The module of this name until it is read: then it is imported, and read."""

    def __getattr__(self, attribute: str):
        if attribute.startswith("__"):  # the import system's questions: not the module's
            raise AttributeError(attribute)
        return getattr(_real(self.__name__), attribute)


def _stand_in(name: str, names: tuple[str, ...]) -> _StandIn:
    """A stand-in for `name`, with its `names` (`from name import x` reads them at once):
    a function, which imports it when first called; "module:x", its submodule, imported
    when read; "error:X", an exception class of its own (see 4.)."""
    stand_in = _StandIn(name)
    value: Any
    for entry in names:
        kind, _, attribute = entry.rpartition(":")
        if kind == "module":
            value = _StandIn(f"{name}.{attribute}")
        elif kind == "error":
            value = type(
                attribute,
                (Exception,),
                {"__module__": __name__, "_fichemetier_source": f"{name}.{attribute}"},
            )
        else:
            value = _on_first_call(name, attribute)
        setattr(stand_in, attribute, value)
    return stand_in


def _real(name: str) -> types.ModuleType:
    """The module itself, imported now if it was not (its stand-in, still in sys.modules
    while the module that took it runs, set aside)."""
    if isinstance(sys.modules.get(name), _StandIn):
        del sys.modules[name]
    module = importlib.import_module(name)
    _rebind()
    return module


#: (module, name) given a stand-in's function, submodule or exception class (see 4.).
_WAITING: list[tuple[types.ModuleType, str]] = []


def _rebind() -> None:
    """Each name given by a stand-in whose real module is imported now: the real object."""
    for waiting in list(_WAITING):
        module, key = waiting
        value = vars(module)[key]
        source, attribute = _source(value)
        real = sys.modules.get(source)
        if real is None or isinstance(real, _StandIn):
            continue
        module.__dict__[key] = real if attribute is None else getattr(real, attribute)
        _WAITING.remove(waiting)


def _source(value) -> tuple[str, str | None]:
    """The module a stand-in's value stands for, and the attribute (None: the module)."""
    if isinstance(value, _StandIn):
        return value.__name__, None
    source, _, attribute = getattr(value, "_fichemetier_source", "").rpartition(".")
    return source, attribute


def _on_first_call(name: str, function: str) -> Callable:
    def call(*args, **kwargs):
        return getattr(_real(name), function)(*args, **kwargs)

    call.__name__ = call.__qualname__ = function
    call._fichemetier_source = f"{name}.{function}"  # type: ignore[attr-defined]
    return call


#: WeasyPrint's user-agent stylesheets that `weasyprint.html` parses at import and our
#: pages never use (6.): forms, presentational hints.
LAZY_SHEETS = ("html5_ua_form.css", "html5_ph.css")


class _SheetOnFirstUse:
    """A `weasyprint.CSS` parsed the first time one of its attributes is read (6.)."""

    def __init__(self, css_class, arguments: dict):
        self.__dict__["_fichemetier_sheet"] = (css_class, arguments)

    def __getattr__(self, name: str):
        made = self.__dict__.pop("_fichemetier_sheet", None)
        if made is None or name.startswith("__"):
            raise AttributeError(name)
        css_class, arguments = made
        self.__class__ = css_class  # now the sheet itself, as WeasyPrint would have made it
        css_class.__init__(self, **arguments)
        return getattr(self, name)


@contextmanager
def _sheets_on_first_use(module: types.ModuleType) -> Iterator[None]:
    """While `weasyprint.html` runs, the `CSS` it makes of LAZY_SHEETS' texts waits (6.)."""
    from importlib.resources import files

    import weasyprint
    from weasyprint import css

    lazy = {(files(css) / name).read_text("utf-8") for name in LAZY_SHEETS}
    original = weasyprint.CSS

    def make(*args, **arguments):
        if args or arguments.get("string") not in lazy:
            return original(*args, **arguments)
        return _SheetOnFirstUse(original, arguments)

    weasyprint.CSS = make
    try:
        yield
    finally:
        weasyprint.CSS = original
    for name in ("CSS",):  # the module's own name for the class: the class itself again
        if module.__dict__.get(name) is make:
            module.__dict__[name] = original


#: The modules whose loading this changes, and what each runs within.
LOADERS: dict[str, Callable[[types.ModuleType], Any]] = {
    "weasyprint.text.ffi": _sonames_only,
    "weasyprint.pdf.fonts": _on_first_use(LAZY_FONTTOOLS),
    "weasyprint.text.fonts": _on_first_use(LAZY_TTLIB),
    "pydantic.plugin._loader": _on_first_use(LAZY_METADATA),
    "weasyprint.html": _sheets_on_first_use,
}


def install() -> None:
    """Once per process. The soname lookup and the kept declarations are Linux's
    (elsewhere find_library is what finds the libraries, and the FFI of kept declarations
    would not ask it); the others are the same everywhere."""
    if any(isinstance(finder, _QuickLoading) for finder in sys.meta_path):
        return
    if not sys.platform.startswith("linux"):
        LOADERS["weasyprint.text.ffi"] = _types_only
    sys.meta_path.insert(0, _QuickLoading())


@contextmanager
def _types_only(module: types.ModuleType) -> Iterator[None]:
    yield
    ffi = getattr(module, "ffi", None)
    if ffi is not None:
        quick_types(ffi)
