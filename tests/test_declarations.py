"""declarations.py: WeasyPrint's C declarations kept as cffi's data give the FFI that
parsing them gives (types, sizes, fields, functions, constants) and the very same PDF;
kept data that is missing, damaged, foreign or for other declarations is ignored."""

from __future__ import annotations

import marshal
import subprocess
import sys
import textwrap

import cffi
import pytest

from fichemetier import declarations
from fichemetier.declarations import DeclaredOnce, keep, kept, key

from .conftest import ROOT, SEED_YAML

LIBRARIES = {
    "gobject": "libgobject-2.0.so.0",
    "pango": "libpango-1.0.so.0",
    "harfbuzz": "libharfbuzz.so.0",
    "fontconfig": "libfontconfig.so.1",
    "pangoft2": "libpangoft2-1.0.so.0",
}


@pytest.fixture(scope="module")
def source() -> str:
    import weasyprint.text.ffi  # noqa: F401  (its declarations are seen)

    assert declarations.SEEN, "weasyprint.text.ffi did not go through DeclaredOnce"
    return declarations.SEEN[0]


@pytest.fixture(scope="module")
def both(source, tmp_path_factory):
    """cffi's FFI parsed from the source, and the one from the kept data."""
    parsed = cffi.FFI()
    parsed.cdef(source)
    path = tmp_path_factory.mktemp("kept") / "cdef.marshal"
    keep(source, path)
    from_kept = kept(source, path)
    assert from_kept is not None
    return parsed, from_kept


def _size(ffi, name: str):
    try:
        return ffi.sizeof(name)
    except Exception:
        return None  # an opaque type: no size either way


def _fields(ffi, name: str) -> list[tuple]:
    """Each field's name, type, offset and bits (bit fields included)."""
    return [
        (field, _shape(ffi, info.type), info.offset, info.bitshift, info.bitsize)
        for field, info in ffi.typeof(name).fields
    ]


def _shape(ffi, ctype, depth: int = 0):
    """A C type as its structure, whatever name it goes by (`FcPattern` or `struct
    _FcPattern`): the kind, and the sizes, fields, items, elements or arguments."""
    kind = ctype.kind
    if depth > 3:
        return kind
    if kind in ("pointer", "array"):
        return (kind, getattr(ctype, "length", None), _shape(ffi, ctype.item, depth + 1))
    if kind in ("struct", "union"):
        size = _size(ffi, ctype)  # first: cffi reads the fields of a sized one only
        if size is None:  # opaque
            return (kind, None)
        return (kind, size, [(field, info.offset) for field, info in ctype.fields])
    if kind == "enum":
        return (kind, sorted(ctype.elements.items()))
    if kind == "function":
        arguments = tuple(_shape(ffi, argument, depth + 1) for argument in ctype.args)
        return (kind, arguments, _shape(ffi, ctype.result, depth + 1), ctype.ellipsis)
    return (kind, ctype.cname)  # primitive, void: canonical names


def test_the_kept_ffi_is_the_parsed_one(both):
    parsed, from_kept = both
    names = parsed._parser._declarations
    types = [
        name.split(" ", 1)[1] if name.startswith("typedef ") else name
        for name in names
        if name.startswith(("typedef ", "struct ", "union "))
    ]
    assert len(types) > 50
    for name in types:
        assert _size(parsed, name) == _size(from_kept, name), name
        if _size(parsed, name) is not None and parsed.typeof(name).kind == "struct":
            assert _fields(parsed, name) == _fields(from_kept, name), name
    for cdecl in ("hb_codepoint_t[42]", "PangoRectangle *", "char[]", "FcChar8 **"):
        assert _shape(parsed, parsed.typeof(cdecl)) == _shape(from_kept, from_kept.typeof(cdecl))


def test_the_functions_and_constants_are_the_same(both):
    parsed, from_kept = both
    names = parsed._parser._declarations
    functions = [name.split(" ", 1)[1] for name in names if name.startswith("function ")]
    constants = [name.split(" ", 1)[1] for name in names if name.startswith("int_constant ")]
    found = 0
    for soname in LIBRARIES.values():
        one = parsed.dlopen(soname, parsed.RTLD_NOW)
        other = from_kept.dlopen(soname, from_kept.RTLD_NOW)
        for function in functions:
            try:
                expected = _shape(parsed, parsed.typeof(getattr(one, function)))
            except AttributeError:  # in another library
                continue
            assert _shape(from_kept, from_kept.typeof(getattr(other, function))) == expected
            found += 1
        for constant in constants:
            assert getattr(one, constant) == getattr(other, constant), constant
    assert found >= len(functions) * 0.9


def test_weasyprint_gets_the_kept_ffi():
    from weasyprint.text.ffi import ffi

    if not declarations.KEPT.exists():
        pytest.skip("run ./setup.sh (python -m fichemetier.declarations) first")
    assert not isinstance(ffi, cffi.FFI) and not isinstance(ffi, DeclaredOnce)


@pytest.mark.parametrize(
    "damage",
    [
        lambda good, source: b"",
        lambda good, source: good[: len(good) // 2],
        lambda good, source: b"\x00" * len(good),
        lambda good, source: marshal.dumps(("0" * 64, marshal.loads(good)[1])),
        lambda good, source: marshal.dumps((key(source), {"_types": compile("1", "x", "eval")})),
        lambda good, source: marshal.dumps((key(source), {"_evil": b""})),
        lambda good, source: marshal.dumps((key(source), {"_types": b"\xff\xff"})),
    ],
    ids=["empty", "truncated", "zeros", "other key", "code", "unknown name", "bad types"],
)
def test_damaged_or_foreign_data_is_ignored(source, tmp_path, damage):
    path = tmp_path / "cdef.marshal"
    keep(source, path)
    path.write_bytes(damage(path.read_bytes(), source))
    assert kept(source, path) is None


def test_the_key_follows_the_source_cffi_and_python(source, monkeypatch):
    assert key(source) != key(source + " ")
    first = key(source)
    monkeypatch.setattr(cffi, "__version__", "0.0")
    assert key(source) != first
    monkeypatch.undo()
    monkeypatch.setattr(sys, "version", sys.version + "+")
    assert key(source) != first


def test_declared_once_parses_then_keeps(source, tmp_path, monkeypatch):
    path = tmp_path / "cdef.marshal"
    monkeypatch.setattr(declarations, "KEPT", path)
    monkeypatch.setattr(declarations.kept, "__defaults__", (path,))
    monkeypatch.setattr(declarations.keep, "__defaults__", (path,))
    first = DeclaredOnce(cffi.FFI, write=True)
    first.cdef(source)
    assert isinstance(first.ffi, cffi.FFI) and path.exists()
    second = DeclaredOnce(cffi.FFI, write=False)
    second.cdef(source)
    assert not isinstance(second.ffi, cffi.FFI)
    assert second.RTLD_NOW == first.RTLD_NOW


FIRST_RUN = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    sys.dont_write_bytecode = False  # as on a machine where Python writes bytecode
    from fichemetier import declarations

    path = Path(sys.argv[1])
    declarations.kept.__defaults__ = declarations.keep.__defaults__ = (path,)
    import weasyprint.text.ffi as module

    print(type(module.ffi).__module__, path.exists())
    """
)


def test_the_first_run_keeps_them_for_the_next(tmp_path):
    """Where Python writes bytecode, the first process that parses the declarations keeps
    them (while WeasyPrint's module runs, with `cffi.FFI` standing in); the next reads."""
    path = tmp_path / "cdef.marshal"
    runs = [
        subprocess.run(
            [sys.executable, "-c", FIRST_RUN, str(path)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.split()
        for _ in range(2)
    ]
    assert runs == [["cffi.api", "True"], ["_cffi_backend", "True"]]


RENDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    import fichemetier.declarations
    if sys.argv[1] == "parsed":
        fichemetier.declarations.kept = lambda source, path=None: None
    import weasyprint.text.ffi as module
    from fichemetier.load import load_fiche
    from fichemetier.model import validate
    from fichemetier.render import Renderer

    print(type(module.ffi).__module__)
    source = Path(sys.argv[2])
    Path(sys.argv[3]).write_bytes(Renderer().pdf(validate(load_fiche(source)), source.parent))
    """
)


@pytest.mark.slow
def test_the_kept_declarations_make_the_same_pdf(source, tmp_path):
    keep(source)  # as setup.sh does
    made = {}
    for way in ("kept", "parsed"):
        pdf = tmp_path / f"{way}.pdf"
        run = subprocess.run(
            [sys.executable, "-c", RENDER, way, str(SEED_YAML), str(pdf)],
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        made[way] = (run.stdout.strip(), pdf.read_bytes())
    assert made["kept"][0] == "_cffi_backend" and made["parsed"][0] == "cffi.api"
    assert made["kept"][1] == made["parsed"][1]
