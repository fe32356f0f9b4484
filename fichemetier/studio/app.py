"""The studio's pages and routes (Starlette), rendered on the server with Jinja2.

Validation and rendering are the command line's own (`load`, `model.validate`,
`pipeline.produce`): the same fiche gets the same French messages and the same PDF here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import photos
from ..errors import FicheError, FicheProblem
from ..load import LoadedFiche, load_fiche
from ..model import PHOTO_TYPES, Fiche, validate
from ..options import FORMATS, RenderOptions
from ..paths import TEMPLATES
from ..starter import write_starter
from ..write import write_atomic
from . import forms
from .preview import Preview, Worker
from .security import Guard
from .storage import Conflict, Folder, OutsideFolder

STATIC = Path(__file__).parent / "static"
MAX_PHOTO = 10_000_000  # bytes: a phone photo is 2-5 MB
MAX_FORM = 2_000_000


@dataclass
class Studio:
    folder: Folder
    worker: Worker
    #: Last good preview per (fiche, format, print): kept while the form has errors.
    previews: dict[tuple, tuple[str, Preview]] = field(default_factory=dict)
    thumbnails: dict[tuple[str, str], tuple[list[FicheProblem], bytes | None]] = field(
        default_factory=dict
    )


def create_app(folder: Path, token: str | None = None, time_limit: float = 30.0) -> Guard:
    studio = Studio(Folder(folder), Worker(time_limit))
    env = Environment(
        loader=FileSystemLoader(TEMPLATES / "studio"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(formats=FORMATS, niveaux=forms.NIVEAUX)

    def page(name: str, status: int = 200, **context) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**context), status)

    def fiche_path(request: Request) -> Path:
        try:
            return studio.folder.path(request.path_params["name"])
        except OutsideFolder:
            raise HTTPException(404, "Cette fiche n'est pas dans le dossier du studio") from None

    # -- home ---------------------------------------------------------------------------

    async def home(request: Request):
        rows = [await run_in_threadpool(_state, studio, path) for path in studio.folder.fiches()]
        message = request.query_params.get("erreur", "")
        return page("home.html", rows=rows, folder=studio.folder.root, message=message)

    async def thumbnail(request: Request):
        path = fiche_path(request)
        _problems, picture = await run_in_threadpool(_thumbnail, studio, path)
        if picture is None:
            raise HTTPException(404, "Pas d'aperçu : la fiche a des erreurs")
        return Response(picture, media_type="image/png")

    async def new(request: Request):
        data = await request.form()
        try:
            path = write_starter(str(data.get("metier", "")), studio.folder.root)
        except FicheError as exc:
            return RedirectResponse(f"/?erreur={exc.problems[0].message}", 303)
        return RedirectResponse(f"/fiche/{path.name}", 303)

    # -- editor -------------------------------------------------------------------------

    async def editor(request: Request):
        path = fiche_path(request)
        if not path.is_file():
            raise HTTPException(404, "Cette fiche n'existe pas (ou plus)")
        opened = studio.folder.read(path)
        values, digest, note = _values_on_disk(path), opened.digest, ""
        if request.query_params.get("brouillon") == "ignorer":
            studio.folder.drop_draft(path, keep_copy=True)
        elif draft := studio.folder.draft(path):
            values, digest = draft[0], draft[1]
            when = time.strftime("%d/%m à %H:%M", time.localtime(draft[2]))
            note = f"Brouillon non enregistré du {when} repris."
        saved = request.query_params.get("enregistre") == "1"
        return _editor_page(page, path, values, digest, note=note, saved=saved)

    async def operation(request: Request):
        """Add, remove or move an item: the form comes back, re-generated."""
        path = fiche_path(request)
        pairs, posted = await _posted(request)
        values, focus = forms.apply(forms.tree(pairs), posted.get("_op", ""))
        digest = posted.get("_digest", "")
        studio.folder.save_draft(path, forms.data(values), digest)
        if request.headers.get("x-fragment"):
            html = env.get_template("form.html").render(widgets=forms.build(values))
            return JSONResponse({"html": html, "focus": forms.dom_id(focus)})
        return _editor_page(page, path, values, digest, focus=forms.dom_id(focus))

    async def check(request: Request):
        """Validate the form's data, keep it as a draft, and preview it when it is valid."""
        path = fiche_path(request)
        pairs, posted = await _posted(request)
        data = forms.data(forms.tree(pairs))
        if posted.get("_brouillon"):
            studio.folder.save_draft(path, data, posted.get("_digest", ""))
        options = _options(posted)
        problems, fiche = _validated(path, data)
        key = (path.name, options)
        fresh = False
        if fiche is not None:
            digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
            last = studio.previews.get(key)
            if last is None or last[0] != digest:
                preview = await run_in_threadpool(studio.worker.render, fiche, path, options)
                if preview.pages:
                    studio.previews[key] = (digest, preview)
                problems += preview.problems
                last = studio.previews.get(key)
            else:
                problems += last[1].problems
            fresh = last is not None and last[0] == digest
        shown = studio.previews.get(key)
        return JSONResponse(_preview_json(problems, shown[1] if shown else None, fresh, options))

    async def save(request: Request):
        path = fiche_path(request)
        pairs, posted = await _posted(request)
        values = forms.tree(pairs)
        data = forms.data(values)
        digest = posted.get("_digest", "")
        try:
            studio.folder.save(path, data, digest, force=posted.get("_forcer") == "1")
        except Conflict as exc:
            return _editor_page(page, path, values, digest, conflict=exc.kept.name, status=409)
        return RedirectResponse(f"/fiche/{path.name}?enregistre=1", 303)

    async def download(request: Request):
        """The PDF of the file as saved, as `generate.py` makes it."""
        path = fiche_path(request)
        options = _options(request.query_params)
        try:
            loaded = load_fiche(path)
            fiche = validate(loaded)
        except FicheError as exc:
            return page("problems.html", 422, path=path, problems=exc.problems)
        preview = await run_in_threadpool(studio.worker.render, fiche, path, options, 0.1)
        failed = [p for p in preview.problems if not p.warning]
        if failed or preview.pdf is None:
            return page("problems.html", 422, path=path, problems=preview.problems)
        suffix = f"-{options.format}" + ("-imprimeur" if options.print else "")
        headers = {"content-disposition": f'attachment; filename="{path.stem}{suffix}.pdf"'}
        return Response(preview.pdf, media_type="application/pdf", headers=headers)

    async def photo(request: Request):
        path = fiche_path(request)
        form = await request.form(max_files=1, max_fields=5, max_part_size=MAX_PHOTO + 1)
        upload = form.get("photo")
        if upload is None or isinstance(upload, str):
            return JSONResponse({"erreur": "aucun fichier reçu"}, 400)
        raw = await upload.read(MAX_PHOTO + 1)
        if len(raw) > MAX_PHOTO:
            return JSONResponse({"erreur": "photo trop lourde (10 Mo au plus)"}, 413)
        try:
            suffix = photos.suffix_of(raw, upload.filename or "photo")
        except photos.PhotoError as exc:  # the same checks as a photo named in a fiche
            return JSONResponse({"erreur": str(exc)}, 415)
        target = studio.folder.root / f"{path.stem}-photo{suffix}"
        for other in (".jpg", ".png"):  # one photo per fiche
            if other != suffix:
                (studio.folder.root / f"{path.stem}-photo{other}").unlink(missing_ok=True)
        write_atomic(target, raw)
        return JSONResponse({"photo": target.name})

    async def asset(request: Request):
        try:
            path = studio.folder.asset(request.path_params["name"], PHOTO_TYPES)
        except OutsideFolder:
            raise HTTPException(404, "Fichier refusé") from None
        if not path.is_file():
            raise HTTPException(404, "Fichier introuvable")
        media = "image/png" if path.suffix.lower() == ".png" else "image/jpeg"
        return Response(path.read_bytes(), media_type=media)

    async def error(request: Request, exc: Exception):
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        detail = exc.detail if isinstance(exc, HTTPException) else "erreur inattendue du studio"
        if status == 413:
            detail = "envoi trop gros"
        return page("error.html", status, code=status, detail=detail)

    routes = [
        Route("/", home),
        Route("/nouvelle", new, methods=["POST"]),
        Route("/miniature/{name}", thumbnail),
        Route("/fiche/{name}", editor),
        Route("/fiche/{name}/operation", operation, methods=["POST"]),
        Route("/fiche/{name}/verifier", check, methods=["POST"]),
        Route("/fiche/{name}/enregistrer", save, methods=["POST"]),
        Route("/fiche/{name}/pdf", download),
        Route("/fiche/{name}/photo", photo, methods=["POST"]),
        Route("/fichier/{name}", asset),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    handlers = {HTTPException: error, Exception: error}
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.state.studio = studio
    return Guard(app, token)


# -- helpers ------------------------------------------------------------------------------


async def _posted(request: Request) -> tuple[list[tuple[str, str]], dict[str, str]]:
    form = await request.form(max_files=0, max_fields=5000, max_part_size=MAX_FORM)
    pairs = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    return pairs, dict(pairs)


def _options(params) -> RenderOptions:
    name = params.get("_format", params.get("format", "a4"))
    imprimeur = params.get("_print", params.get("print", "")) in ("1", "on", "true")
    return RenderOptions(format=name if name in FORMATS else "a4", print=imprimeur)


def _values_on_disk(path: Path) -> dict[str, Any]:
    try:
        return load_fiche(path).data
    except FicheError:
        return {}  # a file the form cannot show: the check below explains why


def _validated(path: Path, data: dict[str, Any]) -> tuple[list[FicheProblem], Fiche | None]:
    """The command line's validation of the form's data: same checks, same messages."""
    try:
        return [], validate(LoadedFiche(path, data))
    except FicheError as exc:
        return list(exc.problems), None


def _preview_json(problems, preview: Preview | None, fresh: bool, options) -> dict[str, Any]:
    budget_problem = next(
        (p for p in problems if not p.warning and "pages au format" in p.message), None
    )
    return {
        "problems": [
            {
                "field": p.field,
                "message": p.message,
                "warning": p.warning,
                "label": forms.dom_id(p.field or ""),
            }
            for p in problems
        ],
        "fresh": fresh,
        "format": options.format.upper(),
        "budget": preview.budget if preview else options.page_budget,
        "over_field": forms.label(budget_problem.field or "") if budget_problem else None,
        "pages": [
            "data:image/png;base64," + base64.b64encode(png).decode("ascii")
            for png in (preview.pages if preview else [])
        ],
        "seconds": round(preview.seconds, 3) if preview else None,
    }


def _editor_page(page, path, values, digest, status=200, **context) -> HTMLResponse:
    return page(
        "editor.html",
        status,
        path=path,
        widgets=forms.build(values),
        digest=digest,
        **context,
    )


def _state(studio: Studio, path: Path) -> dict[str, Any]:
    """A row of the home page: the fiche's title, state and levels."""
    problems, picture = _thumbnail(studio, path)
    try:
        data = load_fiche(path).data
    except FicheError:
        data = {}
    groups = [*(data.get("formations_publiques") or []), *(data.get("formations_privees") or [])]
    levels = sorted(
        {str(g.get("niveau")) for g in groups if isinstance(g, dict) and g.get("niveau")},
        key=lambda n: forms.NIVEAUX.index(n) if n in forms.NIVEAUX else 99,
    )
    errors = sum(not p.warning for p in problems)
    return {
        "name": path.name,
        "metier": data.get("metier") if isinstance(data.get("metier"), str) else path.stem,
        "errors": errors,
        "warnings": len(problems) - errors,
        "thumbnail": picture is not None,
        "levels": levels,
        "problems": problems,
    }


def _thumbnail(studio: Studio, path: Path) -> tuple[list[FicheProblem], bytes | None]:
    """Problems and page-1 picture of the file as saved, cached by its digest."""
    key = (path.name, studio.folder.digest(path) or "")
    if key not in studio.thumbnails:
        try:
            fiche = validate(load_fiche(path))
        except FicheError as exc:
            studio.thumbnails[key] = (exc.problems, None)
        else:
            preview = studio.worker.render(fiche, path, RenderOptions(), 0.35)
            picture = preview.pages[0] if preview.pages else None
            studio.thumbnails[key] = (preview.problems, picture)
    return studio.thumbnails[key]
