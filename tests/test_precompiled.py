"""precompiled.py: templates compiled once give the very HTML that compiling them gives;
a file that is unreadable, corrupt or made for something else is ignored (and made again
where writing is allowed); the key follows the environment's settings and the source."""

from __future__ import annotations

import jinja2
import pytest

from fichemetier import precompiled as module
from fichemetier.options import RenderOptions
from fichemetier.precompiled import FOLDER, Precompiled, settings
from fichemetier.render import Renderer

VARIANTS = [
    (RenderOptions(), False),
    (RenderOptions(), True),
    (RenderOptions(format="a5", print=True), False),
]


def renderer_with(cache: Precompiled | None) -> Renderer:
    renderer = Renderer()
    renderer.env.bytecode_cache = cache
    renderer.env.cache.clear()
    renderer.template = renderer.env.get_template("fiche.html.j2")
    return renderer


def reading(folder, write: bool | None = None) -> Renderer:
    """A renderer whose templates' code is read from (and maybe written to) `folder`."""
    renderer = renderer_with(None)
    renderer.env.bytecode_cache = Precompiled(folder, settings(renderer.env), write)
    renderer.env.cache.clear()
    renderer.template = renderer.env.get_template("fiche.html.j2")
    return renderer


def htmls(renderer: Renderer, fiche) -> list[str]:
    return [renderer.html(fiche, options, dense=dense) for options, dense in VARIANTS]


def test_the_renderer_reads_the_projects_precompiled_templates():
    cache = Renderer().env.bytecode_cache
    assert isinstance(cache, Precompiled) and cache.folder == FOLDER


def test_precompiled_code_makes_the_same_html(tmp_path, seed_fiche, monkeypatch):
    compiled = htmls(renderer_with(None), seed_fiche)
    written = htmls(reading(tmp_path, write=True), seed_fiche)
    assert len(list(tmp_path.glob("*.jinja"))) >= 4  # fiche, corps, formations, echelle

    reader = reading(tmp_path, write=False)
    monkeypatch.setattr(jinja2.Environment, "compile", None)  # none may be compiled now
    assert htmls(reader, seed_fiche) == written == compiled


@pytest.mark.parametrize(
    "damage",
    [
        lambda data, other: b"",
        lambda data, other: data[: len(data) // 2],
        lambda data, other: data[:20] + b"\x80\x04garbage" + data[40:],
        lambda data, other: b"\x00" * len(data),
        lambda data, other: other,  # another template's code under this one's name
    ],
    ids=["empty", "truncated", "corrupt", "zeros", "foreign"],
)
def test_a_damaged_file_is_ignored_and_made_again(tmp_path, seed_fiche, damage):
    expected = htmls(renderer_with(None), seed_fiche)

    def run(write: bool) -> list[str]:
        return htmls(reading(tmp_path, write), seed_fiche)

    run(True)
    files = sorted(tmp_path.glob("*.jinja"), key=lambda path: path.stat().st_size)
    good = {path: path.read_bytes() for path in files}
    for path in files:
        path.write_bytes(damage(good[path], good[files[0] if path != files[0] else files[1]]))
    assert run(False) == expected  # read, refused, compiled
    assert run(True) == expected
    assert {path: path.read_bytes() for path in files} == good  # made again


def test_the_key_follows_the_settings_and_the_source(tmp_path):
    environment = Renderer().env
    name, source = "x.j2", "{% if a %}\n  {{ a }}\n{% endif %}"
    keys = {settings(environment)}
    environment.trim_blocks = False
    keys.add(settings(environment))
    environment.filters["autre"] = str
    keys.add(settings(environment))
    environment.filters["autre"] = jinja2.pass_context(lambda context, value: value)
    keys.add(settings(environment))  # the code passes it the context first
    assert len(keys) == 4

    cache = Precompiled(tmp_path, settings(environment), write=True)
    bucket = cache.get_bucket(environment, name, None, source)
    bucket.code = environment.compile(source, name)
    cache.set_bucket(bucket)
    assert cache.get_bucket(environment, name, None, source).code is not None
    assert cache.get_bucket(environment, name, None, source + " ").code is None
    other = Precompiled(tmp_path, settings(environment) + "?", write=False)
    assert other.get_bucket(environment, name, None, source).code is None


def test_nothing_is_written_where_python_writes_no_bytecode(tmp_path, seed_fiche, monkeypatch):
    monkeypatch.setattr(module.sys, "dont_write_bytecode", True)
    htmls(reading(tmp_path), seed_fiche)
    assert not list(tmp_path.iterdir())


def test_an_unwritable_folder_only_costs_the_compiling(tmp_path, seed_fiche):
    blocked = tmp_path / "fichier"
    blocked.write_text("")  # a file where the folder would be: nothing can be written
    renderer = reading(blocked / "sous", write=True)
    assert htmls(renderer, seed_fiche) == htmls(renderer_with(None), seed_fiche)


def test_no_filters_result_is_kept_in_the_code(tmp_path, monkeypatch):
    """Jinja runs a filter given a constant when it compiles, and writes its result into
    the code (`{{ "S'informer" | french }}` on the booklet's back page): kept on disk, that
    text would outlive a change to the filter (typography.py) for as long as the template
    is unchanged. The renderer's templates call their filters when they render."""
    from fichemetier.livret import PLUS_LOIN, Dos
    from fichemetier.render import NOTES_LINES

    def back_page(renderer: Renderer) -> str:
        options = RenderOptions(format="a5", livret=True)
        return renderer.env.get_template("dos.html.j2").render(
            dos=Dos("Un métier"), edition=None, notes=1, lignes=NOTES_LINES, lien=PLUS_LOIN,
            theme=renderer.colours(options), page=options.page, generator="test",
        )  # fmt: skip

    assert "S’informer" in back_page(reading(tmp_path, write=True))  # compiled, kept
    changed = renderer_with(None)
    changed.env.filters["french"] = lambda text: f"[{text}]"  # the filter, changed since
    changed.env.bytecode_cache = Precompiled(tmp_path, settings(changed.env), write=False)
    changed.env.cache.clear()
    monkeypatch.setattr(jinja2.Environment, "compile", None)  # the kept code is read
    assert "[S&#39;informer]" in back_page(changed)  # escaped: the filter's text is data
