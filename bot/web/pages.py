"""The web review's pages: the list of proposals, and a proposal's page (its classes first, then its
changes a page at a time, with filters by rule, class and decision, and "go to change N").

A 300-change proposal is one page of classes with a few samples each, then 50 changes a page: the
page stays small, and "go to change N" (``?change=N``) opens the page of the list that holds change
N (without the filters when they hide it) at ``#change-N``, with or without the page's script.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from bot.errors import InputError
from bot.present.class_views import class_views, classes_of_numbers
from bot.present.rules import RULE_LABELS
from bot.present.views import listed_rule_stats, listed_view, proposal_view
from bot.queue.classes import queue_classes
from bot.queue.listing import WAITING, Filters, Listing
from bot.queue.proposals import Queue
from bot.queue.records import Proposal
from bot.queue.states import OPEN, Status
from bot.web.guards import number

STATUSES = (WAITING, *(status.value for status in Status), "all")  # waiting: something to decide or to save
PAGE_SIZE = 100  # proposals a page of the list
CHANGES_PAGE = 50  # changes a page of a proposal
AUDIT_SHOWN = 50  # the audit trail's latest entries on a proposal's page
DECISION_FILTERS = ("pending", "approved", "rejected")
FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")  # a Chinese input method's digits, in "go to change N"


def index_page(queue: Queue):
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


def proposal_page(queue: Queue, proposal_id: int):
    """The proposal's classes, then one page of its changes (``?p=``, filtered)."""
    try:
        proposal = queue.get(proposal_id)
    except InputError:
        abort(404, description=f"the queue has no proposal {proposal_id}")
    groups = queue_classes(queue, proposal_id)
    class_ids = classes_of_numbers(groups)
    filters = _filters(proposal, class_ids)
    selected = _selected(proposal, class_ids, filters)
    goto = number(request.args.get("change", "").strip().translate(FULL_WIDTH), limit=9)
    if goto is not None:
        return _go_to(proposal, goto, selected, filters)
    pages = max(1, -(-len(selected) // CHANGES_PAGE))
    shown = min(max(1, number(request.args.get("p", ""), limit=9) or 1), pages)
    on_page = selected[(shown - 1) * CHANGES_PAGE : shown * CHANGES_PAGE]
    samples = {key[1] for found in groups for key in found.samples}
    view = proposal_view(proposal, queue.wiki_urls(), set(on_page) | samples)
    views = {change.number: change for change in view.changes}
    audit = queue.audit(proposal_id)
    return render_template(
        "app_proposal.html", view=view, classes=class_views(groups, views), changes=[views[n] for n in on_page],
        filters={key: value for key, value in filters.items() if value}, here=request.full_path.rstrip("?"),
        open=proposal.status in OPEN, audit=audit[-AUDIT_SHOWN:], audit_total=len(audit), diff=proposal.diff,
        number=shown, pages=pages, matching=len(selected), first=(shown - 1) * CHANGES_PAGE + 1, page_size=CHANGES_PAGE,
    )  # fmt: skip


def _filters(proposal: Proposal, class_ids: dict[int, str]) -> dict[str, str]:
    """The list's filters from the query, each only if it names something the proposal has."""
    rules = {item.change.rule.value for item in proposal.changes}
    asked = {name: request.args.get(name, "") for name in ("rule", "class", "decision")}
    return {
        "rule": asked["rule"] if asked["rule"] in rules else "",
        "class": asked["class"] if asked["class"] in set(class_ids.values()) else "",
        "decision": asked["decision"] if asked["decision"] in DECISION_FILTERS else "",
    }


def _selected(proposal: Proposal, class_ids: dict[int, str], filters: dict[str, str]) -> list[int]:
    return [
        item.number for item in proposal.changes
        if filters["rule"] in ("", item.change.rule.value) and filters["class"] in ("", class_ids.get(item.number))
        and filters["decision"] in ("", str(item.decision))
    ]  # fmt: skip


def _go_to(proposal: Proposal, goto: int, selected: list[int], filters: dict[str, str]):
    """The page of the list that holds change ``goto`` (the filters dropped when they hide it)."""
    if not any(item.number == goto for item in proposal.changes):
        flash(f"proposal {proposal.id} has no change {goto} (it has 1 to {len(proposal.changes)})", "error")
        return redirect(url_for("proposal", proposal_id=proposal.id, **{k: v for k, v in filters.items() if v}))
    if goto not in selected:
        filters, selected = {}, [item.number for item in proposal.changes]
    page = selected.index(goto) // CHANGES_PAGE + 1
    kept = {key: value for key, value in filters.items() if value}
    return redirect(url_for("proposal", proposal_id=proposal.id, p=page, **kept) + f"#change-{goto}")
