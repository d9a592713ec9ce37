"""``linkbot serve``: the review queue in a browser, with decisions.

A Flask app over the same queue and the same ``Queue.decide`` as the command line: one audit trail,
each decision recorded with the reviewer's name and ``via web``. The name is the operator's
(``--reviewer``, the config's ``reviewer``, ``$USER``), fixed when the app starts: nothing a browser
sends can change it. Every form carries Flask-WTF's CSRF token (a page of another site cannot post
a decision); the app listens on loopback only (bot.web.server). Pages: the list of proposals with
counts per rule and filters (status, rule, page), and a proposal page with each change in its
sentence, links into the wiki, decisions per change, per rule and per page, and the audit trail.
"""

from __future__ import annotations

import secrets
import sys
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, abort, flash, g, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect

from bot.core.model import Decision
from bot.errors import InputError, LinkbotError
from bot.present.html import TEMPLATES
from bot.present.rules import RULE_LABELS
from bot.web.guards import guard, number
from bot.present.views import listed_rule_stats, listed_view, proposal_view
from bot.queue.listing import WAITING, Filters, Listing
from bot.queue.proposals import Queue
from bot.queue.records import Proposal
from bot.queue.states import OPEN, Source, Status

STATUSES = (WAITING, *(status.value for status in Status), "all")  # waiting: something to decide or to save
PAGE_SIZE = 100  # proposals a page of the list
DECISIONS = {"approved": Decision.APPROVED, "rejected": Decision.REJECTED, "pending": Decision.PENDING}


def create_app(open_queue: Callable[[], Queue], reviewer: str) -> Flask:
    """The app; ``open_queue`` opens the queue file (once per request: SQLite connections stay in their thread)."""
    app = Flask(__name__, template_folder=str(TEMPLATES))
    app.config.update(SECRET_KEY=secrets.token_bytes(32), WTF_CSRF_TIME_LIMIT=None, MAX_CONTENT_LENGTH=64 * 1024)
    CSRFProtect(app)
    guard(app)  # its own address only, never framed (bot.web.guards)

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

    _answer_errors(app)

    @app.get("/")
    def index():
        return _index(queue())

    @app.get("/proposal/<number:proposal_id>")
    def proposal(proposal_id: int):
        return _proposal_page(queue(), proposal_id)

    @app.post("/proposal/<number:proposal_id>/decide")
    def decide(proposal_id: int):
        _decide(queue(), proposal_id, reviewer)
        return redirect(_same_site(request.form.get("next", ""), url_for("proposal", proposal_id=proposal_id)))

    return app


def _answer_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def refused(error: CSRFError):
        return render_template("app_base.html", refused=error.description), 400

    @app.errorhandler(LinkbotError)
    def unavailable(error: LinkbotError):
        """The queue busy past its timeout, damaged, on a full disk: one line for the reviewer and the
        log, nothing recorded (every decision is one transaction), never a traceback."""
        print(f"linkbot: {error}", file=sys.stderr, flush=True)
        return render_template("app_base.html", refused=f"{error}; nothing was recorded."), 503


def _index(queue: Queue):
    """One page of the list (PAGE_SIZE proposals), its filters and counts all computed by the queue."""
    filters = {
        "status": request.args.get("status") if request.args.get("status") in STATUSES else WAITING,
        "rule": request.args.get("rule", "") if request.args.get("rule", "") in RULE_LABELS else "",
        "page": request.args.get("page", "").strip()[:200],
    }
    selected = Filters(status="" if filters["status"] == "all" else filters["status"], rule=filters["rule"], title=filters["page"])
    listing = Listing(queue.db)
    total = listing.count(selected)
    pages = max(1, -(-total // PAGE_SIZE))
    shown = min(max(1, number(request.args.get("p", ""), limit=9) or 1), pages)
    wiki_urls = queue.wiki_urls()
    views = [listed_view(summary, wiki_urls) for summary in listing.page(selected, (shown - 1) * PAGE_SIZE, PAGE_SIZE)]
    rules = listed_rule_stats(listing.per_rule(selected))
    return render_template(
        "app_index.html", views=views, rules=rules, total=total, changes=sum(rule.total for rule in rules), filters=filters,
        statuses=STATUSES, all_rules=list(RULE_LABELS), number=shown, pages=pages, first=(shown - 1) * PAGE_SIZE + 1,
    )  # fmt: skip


def _proposal_page(queue: Queue, proposal_id: int):
    try:
        proposal = queue.get(proposal_id)
    except InputError:
        abort(404)
    view = proposal_view(proposal, queue.wiki_urls())
    filters = {"rule": request.args.get("rule", ""), "decision": request.args.get("decision", "")}
    changes = [
        change for change in view.changes
        if filters["rule"] in ("", change.rule) and filters["decision"] in ("", change.decision)
    ]  # fmt: skip
    return render_template(
        "app_proposal.html", view=view, changes=changes, filters=filters, open=proposal.status in OPEN,
        audit=queue.audit(proposal_id), diff=proposal.diff,
    )  # fmt: skip


def _decide(queue: Queue, proposal_id: int, reviewer: str) -> None:
    """One form's decision: a change, a rule's undecided changes, or the page's. Approving many at
    once leaves the changes that need review: those are approved one by one."""
    form = request.form
    decision, scope, value = DECISIONS.get(form.get("decision", "")), form.get("scope", ""), form.get("value", "")
    try:
        proposal = queue.get(proposal_id)
    except InputError:
        abort(404)
    if decision is None or scope not in ("change", "rule", "page"):
        abort(400)
    numbers, held = _chosen(proposal, decision, scope, value)
    if numbers:
        try:
            if scope == "change":
                queue.decide(proposal_id, numbers, decision, reviewer, source=Source.WEB)
            else:  # a rule's or the page's undecided changes: those still undecided as it is written
                chosen, numbers = numbers, queue.decide_undecided(proposal_id, numbers, decision, reviewer, source=Source.WEB)
                if len(numbers) < len(chosen):
                    flash(f"decided meanwhile by someone else, left as they are: {', '.join(map(str, sorted(set(chosen) - set(numbers))))}", "error")
        except InputError as error:
            flash(str(error), "error")
            return
        what = "undecided" if decision == Decision.PENDING else decision
        flash(f"{len(numbers)} change(s) {what} by {reviewer}: {', '.join(map(str, numbers))}", "done")
    elif not held:
        flash("nothing to decide there", "error")
    if held:
        flash(f"{len(held)} change(s) need review and were left undecided: approve them one by one ({', '.join(map(str, held))})", "error")


def _chosen(proposal: Proposal, decision: Decision, scope: str, value: str) -> tuple[list[int], list[int]]:
    """(the change numbers to decide, those held back because they need review)."""
    if scope == "change":
        chosen = number(value, limit=9)
        if chosen is None:
            abort(400)
        return [chosen], []
    items = [item for item in proposal.changes if item.decision == Decision.PENDING]
    if scope == "rule":
        items = [item for item in items if item.change.rule.value == value]
    held = [item.number for item in items if item.change.needs_review and decision == Decision.APPROVED]
    return [item.number for item in items if item.number not in held], held


def _same_site(target: str, fallback: str) -> str:
    """Where to go after a decision: a path of this app only (never another site)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target
