"""A decision read from an on-wiki review page, into the queue: one change, one class of a
proposal's changes, or the whole proposal (bot.core.reviewpage.FieldId), always recorded per change
with the revision it was made in (source ``wiki``).

A change's decision made on a proposal a scan superseded since goes to the same change of the
page's newer proposal. A class's decision takes exactly that class's undecided changes
(bot.queue.classes.decide_class); the proposal's, each class of it a class decision can take on the
wiki (bot.core.review_subpages.on_the_wiki: an approval only proven changes, never one that needs
review, never an image). Either takes only changes the page listed where the decision was made: when
the class now holds an undecided change that was not listed there (one withdrawn elsewhere since),
the decision is refused, and made again on the page the next run publishes. A class or proposal
decision withdrawn (set back to pending) changes nothing: the changes it decided are withdrawn one
by one, and the run says so.
"""

from __future__ import annotations

from bot.core.review_subpages import on_the_wiki
from bot.core.reviewpage import FieldKind
from bot.errors import InputError
from bot.queue.classes import decide_class, queue_classes
from bot.queue.proposals import Queue
from bot.queue.states import OPEN, Decision, Source
from bot.core.attribution import WikiDecision

WITHDRAWN = "a decision on a class or a whole proposal is not withdrawn by setting it back to pending: withdraw its changes one by one"
NOTHING = "proposal {id} has no change left that a decision on the whole proposal can take: decide them one by one"
UNLISTED = ("class {id} now holds undecided change(s) the page did not list where it was decided ({numbers}): decide again on the "
            "page the next run publishes")  # fmt: skip
ORDER = {FieldKind.CHANGE: 0, FieldKind.CLASS: 1, FieldKind.PROPOSAL: 2}  # within a revision, the narrower decision first


def take_decision(queue: Queue, decision: WikiDecision) -> int:
    """Record a trusted decision: the number of changes it decided (``InputError``: why it cannot be taken)."""
    target = decision.target
    reason = f"on-wiki decision, revision {decision.revision}"
    if target.kind == FieldKind.CHANGE:
        return _change(queue, decision, reason)
    if decision.decision == Decision.PENDING:
        raise InputError(f"field {decision.field}", WITHDRAWN)
    if queue.decision_mark(target.proposal_id).status not in OPEN:
        with queue.db.transaction() as sql:  # says which proposal of the page is open now: decide again on its subpage
            queue.check_open(sql, target.proposal_id)
    chosen = [found for found in queue_classes(queue, target.proposal_id) if found.undecided and (
        found.id == target.class_id if target.kind == FieldKind.CLASS else on_the_wiki(found.change_class, decision.decision))]
    if target.kind == FieldKind.PROPOSAL and not chosen:
        raise InputError(f"field {decision.field}", NOTHING.format(id=target.proposal_id))
    listed = {f"{target.proposal_id}.{number}" for found in chosen for _, number in found.undecided}
    unlisted = sorted(listed - decision.shown, key=lambda key: int(key.partition(".")[2]))
    if unlisted:
        raise InputError(f"field {decision.field}", UNLISTED.format(id=", ".join(found.id for found in chosen), numbers=", ".join(unlisted)))
    if target.kind == FieldKind.PROPOSAL:
        reason += ", the whole proposal"
    count = 0
    for found in chosen:
        decided = decide_class(queue, found.id, decision.decision, decision.user, proposal_id=target.proposal_id,
                               reason=reason, source=Source.WIKI)  # fmt: skip
        count += sum(map(len, decided.values()))
    return count


def _change(queue: Queue, decision: WikiDecision, reason: str) -> int:
    """One change; on the same change of the page's newer proposal when a scan superseded the one it was made on."""
    target = decision.target
    where = (target.proposal_id, target.number)
    if queue.decision_mark(target.proposal_id).status not in OPEN:
        counterpart = queue.open_counterpart(target.proposal_id, target.number)
        if counterpart is not None:
            where = counterpart
            reason += f", made on {target.proposal_id}.{target.number} (superseded since)"
    queue.decide(where[0], [where[1]], decision.decision, decision.user, reason, source=Source.WIKI)
    return 1
