"""The web review's error pages: every refusal and failure in the app's own style, in one line.

404 (no such proposal or page), 400 (a form without its CSRF token, a malformed number), 403 (a post
from another site), 405 (a method the address does not take), 421 (another address: bot.web.guards)
answer with the app's page and the reason; the page's script gets the same as JSON. The queue failing
(busy past its timeout, damaged, gone) is a 503 saying nothing was recorded. Anything else is a 500:
one line in the log and on the page, never a traceback.
"""

from __future__ import annotations

import sys

from flask import Flask, jsonify, render_template
from werkzeug.exceptions import HTTPException

from bot.errors import LinkbotError
from bot.web.decisions import wants_json

TITLES = {400: "Bad request", 403: "Refused", 404: "Not found", 405: "Not allowed", 421: "Wrong address",
          500: "Internal error", 503: "The queue is unavailable"}  # fmt: skip


def error_page(code: int, reason: str):
    if wants_json():
        return jsonify({"error": True, "message": f"{TITLES.get(code, 'Error')}: {reason}"}), code
    return render_template("app_error.html", code=code, title=TITLES.get(code, "Error"), reason=reason), code


def answer_errors(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def refused(error: HTTPException):
        reason = error.description or ""
        if error.code == 400 and "CSRF" in reason:
            reason += " Reload the page and decide again."
        return error_page(error.code or 500, reason)

    @app.errorhandler(LinkbotError)
    def unavailable(error: LinkbotError):
        """The queue busy past its timeout, damaged, on a full disk: one line for the reviewer and the
        log, nothing recorded (every decision is one transaction), never a traceback."""
        print(f"linkbot: {error}", file=sys.stderr, flush=True)
        return error_page(503, f"{error}; nothing was recorded.")

    @app.errorhandler(Exception)
    def failed(error: Exception):
        """A fault of linkbot itself: one line in the log, the page says so; nothing half-recorded
        (each decision is one transaction)."""
        print(f"linkbot: internal error: {type(error).__name__}: {error}", file=sys.stderr, flush=True)
        return error_page(
            500,
            "linkbot serve failed on this request (the log has one line about it); "
            "each decision is one transaction: reload the page to see what is recorded.",
        )
