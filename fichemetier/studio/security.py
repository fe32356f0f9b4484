"""What keeps the studio a tool of this computer's user only.

By default it listens on 127.0.0.1 and only answers requests addressed to it by that name
(a web page cannot reach it by DNS tricks). On a school network (`--host 0.0.0.0`) every
request needs the token printed at start (given once in the address, then kept in a
cookie). Changes (POST) must come from the studio's own pages (same Origin): another site
open in the browser cannot drive it. Every answer forbids scripts from elsewhere.
"""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs

from starlette.datastructures import URL, Headers
from starlette.responses import PlainTextResponse, RedirectResponse

COOKIE = "studio_jeton"
LOCAL_NAMES = {"127.0.0.1", "localhost", "[::1]", "::1"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would make a form's Origin "null"
    (b"x-frame-options", b"DENY"),
]


def new_token() -> str:
    return secrets.token_urlsafe(18)


class Guard:
    """ASGI middleware: host, token and origin checks, then safe headers on every answer."""

    def __init__(self, app, token: str | None):
        self.app = app
        self.token = token

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        refused = self._refused(scope, headers)
        if refused is not None:
            return await refused(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], *HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _refused(self, scope, headers: Headers):
        host = headers.get("host", "")
        if self.token is None and _hostname(host) not in LOCAL_NAMES:
            return _text(400, "Adresse refusée : ouvrez le studio par http://127.0.0.1")
        if self.token is not None:
            url = URL(scope=scope)
            given = parse_qs(url.query).get("jeton", [""])[0]
            if given and secrets.compare_digest(given, self.token):
                response = RedirectResponse(str(url.remove_query_params("jeton")), 303)
                response.set_cookie(COOKIE, self.token, httponly=True, samesite="strict")
                return response
            cookie = _cookie(headers.get("cookie", ""), COOKIE)
            if not (cookie and secrets.compare_digest(cookie, self.token)):
                return _text(
                    401, "Jeton manquant : ouvrez l'adresse affichée au démarrage du studio"
                )
        if scope["method"] not in SAFE_METHODS:
            origin = headers.get("origin")
            expected = f"{scope.get('scheme', 'http')}://{host}"
            if origin != expected:
                return _text(403, "Requête refusée : elle ne vient pas d'une page du studio")
        return None


def _hostname(host: str) -> str:
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def _text(status: int, message: str):
    return PlainTextResponse(
        message, status_code=status, headers=dict((k.decode(), v.decode()) for k, v in HEADERS)
    )
