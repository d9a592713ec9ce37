"""What ``linkbot serve`` answers at all: its own address only, never inside another site's frame.

The app has no login: whoever reaches it decides as the operator. Listening on loopback keeps other
machines out, but not other sites in the operator's own browser:

- **DNS rebinding**: a page on ``evil.example`` whose name is made to resolve to 127.0.0.1 is, to the
  browser, the same origin as the app, and could read a form's CSRF token and post it. A request
  whose ``Host`` is not the address the app listens on (its loopback address or ``localhost``, with
  its port) is refused (421).
- **Cross-site posts**: a POST whose ``Origin`` is another site is refused (403), token or not.
- **Clickjacking**: every answer forbids framing (``frame-ancestors 'none'``, ``X-Frame-Options``),
  so no page can put the app's one-key shortcuts under a visitor's clicks.
- **Injected markup**: the Content-Security-Policy runs only the app's own inline script and style,
  marked with a nonce new for every answer (markup a page's title might smuggle in carries none),
  talks only to the app itself, and shows images from http(s) addresses only (the wiki's previews).
- **Numbers** in paths and forms are ASCII digits of a bounded length (``١`` is not 1, and
  ``99999999999999999999`` is no SQLite integer): anything else is a 404 or a 400.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from flask import Flask, abort, g, request
from werkzeug.routing import BaseConverter

HOSTS = "LINKBOT_HOSTS"  # app.config: the Host values the app answers to
TEST_HOSTS = frozenset({"localhost"})  # Flask's test client, before any server is bound
_NUMBER = re.compile(r"[0-9]{1,18}")


class Number(BaseConverter):
    """A path's number: ASCII digits, at most 18 (SQLite's integers)."""

    regex = r"[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


def number(value: str, limit: int = 18) -> int | None:
    """A form's or query's number: ASCII digits only, bounded; None for anything else."""
    return int(value) if value and len(value) <= limit and _NUMBER.fullmatch(value) else None


def served_at(host: str, port: int) -> frozenset[str]:
    """The ``Host`` values of a server bound to ``host``:``port``: its own address and localhost's."""
    shown = f"[{host}]" if ":" in host else host
    names = {shown, "localhost", "127.0.0.1"} if host in ("127.0.0.1", "localhost") else {shown}
    if host in ("::1", "localhost"):
        names.add("[::1]")
    return frozenset(f"{name}:{port}" for name in names)


def csp_nonce() -> str:
    """This answer's nonce for its inline script and style (the templates call it)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def policy(nonce: str) -> str:
    return (f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; img-src http: https:; "
            "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")  # fmt: skip


def guard(app: Flask, hosts: Iterable[str] = TEST_HOSTS) -> None:
    app.config[HOSTS] = frozenset(hosts)
    app.url_map.converters["number"] = Number
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.before_request
    def own_address_only():
        allowed = app.config[HOSTS]
        if request.host.lower() not in allowed:
            abort(421, description=f"this app answers at {', '.join(sorted(allowed))} only")
        origin = request.headers.get("Origin")
        if request.method == "POST" and origin is not None and origin.lower() not in {f"http://{host}" for host in allowed}:
            abort(403, description="a form posted from another site")

    @app.after_request
    def never_framed(response):
        response.headers["Content-Security-Policy"] = policy(csp_nonce())
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        return response
