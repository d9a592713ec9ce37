"""The web review's classes across the queue: every waiting proposal's undecided changes grouped
into classes (bot.core.classes), each with its counts, the pages it spans and samples in their
sentences, and a class decided on every open proposal at once.

A category carries thousands of pages: ``md-mirror/title/proven`` is then judged once, from its
samples, for all of them. The decision is bot.queue.classes.decide_class over the whole queue (never
a change that needs review; unproven changes only with the reviewer's box ticked; a decision someone
made meanwhile stands); the page answers with what it decided, or why not.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for

from bot.core.classes import ClassGroup, ProofState
from bot.core.model import Decision
from bot.errors import InputError
from bot.present.classes import class_label
from bot.present.views import ChangeView, change_view, content_language
from bot.queue.classes import decide_class, queue_classes
from bot.queue.proposals import Queue
from bot.queue.states import Source


@dataclass(frozen=True)
class QueueClassView:
    id: str
    label: str
    undecided: int
    pages: int  # proposals with an undecided change of the class
    approved: int
    rejected: int
    needs_review: bool
    proven: bool
    samples: tuple[tuple[int, str, str, ChangeView], ...]  # (proposal id, page title, its language, the change)


def classes_page(queue: Queue):
    """The waiting queue's classes with something undecided, the odd ones first."""
    groups = [found for found in queue_classes(queue) if found.undecided]
    proposals = {pid: queue.get(pid) for pid in sorted({key[0] for found in groups for key in found.samples})}
    views = [_view(found, proposals) for found in groups]
    return render_template("app_classes.html", classes=views, total=sum(view.undecided for view in views))


def _view(found: ClassGroup, proposals: dict) -> QueueClassView:
    samples = []
    for pid, number in found.samples:
        proposal = proposals[pid]
        item = next(item for item in proposal.changes if item.number == number)
        samples.append((pid, proposal.title, content_language(proposal.wiki), change_view(proposal, item)))
    change_class = found.change_class
    return QueueClassView(found.id, class_label(change_class), len(found.undecided), len({key[0] for key in found.undecided}),
                          found.approved, found.rejected, change_class.needs_review, change_class.proof == ProofState.PROVEN,
                          tuple(samples))  # fmt: skip


def decide_queue_class_form(queue: Queue, reviewer: str):
    """One class's undecided changes on every open proposal: approved or rejected, then back to the page."""
    decision = {"approved": Decision.APPROVED, "rejected": Decision.REJECTED}.get(request.form.get("decision", ""))
    class_id = request.form.get("class", "")[:200]
    include = request.form.get("include_unproven", "") in ("1", "on", "yes")
    if decision is None:
        flash("the decision is approved or rejected", "error")
        return redirect(url_for("classes"))
    try:
        decided = decide_class(queue, class_id, decision, reviewer, include_unproven=include, source=Source.WEB)
    except InputError as error:
        flash(str(error), "error")
        return redirect(url_for("classes"))
    count = sum(len(numbers) for numbers in decided.values())
    flash(f"{count} change(s) of class {class_id} {decision} by {reviewer} on {len(decided)} page(s)" if count
          else f"nothing undecided in class {class_id}: nothing decided", "done" if count else "error")  # fmt: skip
    return redirect(url_for("classes"))
