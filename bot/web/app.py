"""``linkbot serve``: the review queue in a browser, with decisions.

A Flask app over the same queue and the same decisions as the command line: one audit trail, each
decision recorded with the reviewer's name and ``via web``. The name is the operator's
(``--reviewer``, the config's ``reviewer``, ``$USER``), fixed when the app starts: nothing a browser
sends can change it. Every form carries Flask-WTF's CSRF token (the page's script sends it too: a
page of another site cannot post a decision); the app listens on loopback only (bot.web.server) and
answers its own address only (bot.web.guards). Pages (bot.web.pages): the list of proposals, and a
proposal's page with its classes of changes, then its changes a page at a time; the classes across
the whole queue, each decided on every proposal at once (bot.web.queue_classes). Decisions
(bot.web.decisions) answer the page's script with a small JSON, so the page updates in place;
without the script, a form post comes back to the change. Errors are the app's pages
(bot.web.errors); answers are compressed and timed (bot.web.transport).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import Flask, g, url_for
from flask_wtf.csrf import CSRFProtect

from bot.present.html import TEMPLATES
from bot.queue.proposals import Queue
from bot.web.decisions import answer, decide_class_form, decide_form, known, undo_form
from bot.web.errors import answer_errors
from bot.web.guards import guard
from bot.web.pages import index_page, proposal_page
from bot.web.queue_classes import classes_page, decide_queue_class_form
from bot.web.transport import timed_and_compressed


def create_app(open_queue: Callable[[], Queue], reviewer: str) -> Flask:
    """The app; ``open_queue`` opens the queue file (once per request: SQLite connections stay in their thread)."""
    app = Flask(__name__, template_folder=str(TEMPLATES))
    app.config.update(SECRET_KEY=secrets.token_bytes(32), WTF_CSRF_TIME_LIMIT=None, MAX_CONTENT_LENGTH=64 * 1024,
                      SESSION_COOKIE_SAMESITE="Strict")  # fmt: skip
    timed_and_compressed(app)
    CSRFProtect(app)
    guard(app)  # its own address only, never framed (bot.web.guards)
    answer_errors(app)

    def queue() -> Queue:
        if "queue" not in g:
            g.queue = open_queue()
        return g.queue

    @app.teardown_appcontext
    def close_queue(_error) -> None:
        opened = g.pop("queue", None)
        if opened is not None:
            opened.db.close()

    @app.context_processor
    def common() -> dict:
        return {"reviewer": reviewer, "queue_path": str(g.queue.db.path) if "queue" in g else ""}

    _routes(app, queue, reviewer)
    return app


def _routes(app: Flask, queue: Callable[[], Queue], reviewer: str) -> None:
    @app.get("/")
    def index():
        return index_page(queue())

    @app.get("/proposal/<number:proposal_id>")
    def proposal(proposal_id: int):
        return proposal_page(queue(), proposal_id)

    def decided(proposal_id: int, decide):
        opened = queue()
        known(opened, proposal_id)
        outcome = decide(opened, proposal_id, reviewer)
        return answer(opened, proposal_id, outcome, reviewer, url_for("proposal", proposal_id=proposal_id))

    @app.post("/proposal/<number:proposal_id>/decide")
    def decide(proposal_id: int):
        return decided(proposal_id, decide_form)

    @app.post("/proposal/<number:proposal_id>/class")
    def decide_class(proposal_id: int):
        return decided(proposal_id, decide_class_form)

    @app.post("/proposal/<number:proposal_id>/undo")
    def undo(proposal_id: int):
        return decided(proposal_id, undo_form)

    @app.get("/classes")
    def classes():
        return classes_page(queue())

    @app.post("/classes/decide")
    def decide_queue_class():
        return decide_queue_class_form(queue(), reviewer)
