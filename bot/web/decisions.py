"""The web review's decisions: a change, a rule's or the page's undecided changes, a class, and the
undo of a bulk decision; answered as a small JSON to the page's script, or as a redirect back to the
change (with the outcome flashed) when the browser runs no script.

Every decision is the queue's (one transaction each, the reviewer fixed when the app started,
``via web`` in the trail). A bulk decision takes only what is still undecided as it is written and
leaves the changes that need review or that the wiki did not prove to be approved one by one (or, the
unproven ones, by their class with its box ticked); its answer names the numbers it took,
which the undo sends back (bot.queue.takeback withdraws those still so decided). The JSON answer carries
what the page shows about the proposal, so the page updates in place: the decided numbers with their
decision and reviewer, the proposal's status as people read it, its counts, and each class's counts.
"""

from __future__ import annotations

import dataclasses
import re
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import abort, flash, jsonify, redirect, request

from bot.core.model import Decision
from bot.errors import InputError
from bot.present.views import status_key
from bot.queue.classes import decide_class, queue_classes
from bot.queue.proposals import Queue
from bot.queue.states import Source, shown_status
from bot.queue.takeback import take_back
from bot.web.guards import number

DECISIONS = {"approved": Decision.APPROVED, "rejected": Decision.REJECTED, "pending": Decision.PENDING}
MAX_NUMBERS = 20_000  # numbers an undo may name (a form is at most 64 KB anyway)
_NUMBERS = re.compile(r"[0-9]{1,9}(?:[ ,][0-9]{1,9})*")
_MARK = re.compile(r"bulk [0-9a-f]{12}")


@dataclass(frozen=True)
class DecisionOutcome:
    """What a decision did: the numbers it decided, those it left (need review; decided meanwhile)."""

    decision: Decision
    numbers: tuple[int, ...] = ()
    held: tuple[int, ...] = ()  # need review, or not proven: approved one by one (or by class, unproven ones)
    meanwhile: tuple[int, ...] = ()  # decided by someone else since the page was read
    bulk: bool = False  # more than one change asked for: the answer offers its undo
    error: str = ""
    messages: list[tuple[str, str]] = field(default_factory=list)  # (category, text) for the page
    mark: str = ""  # a bulk decision's mark (its changes' reason): what its undo names


def known(queue: Queue, proposal_id: int) -> None:
    """A 404 for a proposal the queue does not have."""
    try:
        queue.decision_mark(proposal_id)
    except InputError:
        abort(404, description=f"the queue has no proposal {proposal_id}")


def wants_json() -> bool:
    """The page's script asks for JSON; a plain form post wants a page."""
    return "application/json" in request.headers.get("Accept", "") or request.headers.get("X-Requested-With") == "fetch"


def chosen_decision(allowed=("approved", "rejected", "pending")) -> Decision:
    value = request.form.get("decision", "")
    if value not in allowed:
        abort(400, description="the decision is approved, rejected or pending")
    return DECISIONS[value]


def decide_form(queue: Queue, proposal_id: int, reviewer: str) -> DecisionOutcome:
    """One form's decision: a change (``scope=change``), a rule's or the page's undecided changes."""
    decision, scope, value = chosen_decision(), request.form.get("scope", ""), request.form.get("value", "")
    if scope not in ("change", "rule", "page"):
        abort(400, description="the scope is change, rule or page")
    if scope == "change":
        chosen = number(value, limit=9)
        if chosen is None:
            abort(400, description="the change is named by its number")

        outcome = _recorded(lambda: queue.decide_changed(proposal_id, [chosen], decision, reviewer, source=Source.WEB), decision)
        if not outcome.numbers and not outcome.error:  # so decided already: nothing recorded, and said
            return dataclasses.replace(outcome, error=f"change {chosen} is {decision} already: nothing recorded")
        return outcome
    numbers, held = _undecided(queue, proposal_id, decision, value if scope == "rule" else None)
    if not numbers:
        return DecisionOutcome(decision, held=tuple(held), bulk=True, error="" if held else "nothing to decide there")
    mark = bulk_mark()
    outcome = _recorded(lambda: queue.decide_undecided(proposal_id, numbers, decision, reviewer, mark, source=Source.WEB), decision, True)
    return DecisionOutcome(decision, outcome.numbers, tuple(held), tuple(sorted(set(numbers) - set(outcome.numbers))), True, outcome.error,
                           mark=mark)  # fmt: skip


def decide_class_form(queue: Queue, proposal_id: int, reviewer: str) -> DecisionOutcome:
    """A class's undecided changes of this proposal (bot.queue.classes.decide_class: never those that
    need review, unproven ones only with the reviewer's "include changes the wiki did not prove")."""
    decision = chosen_decision(("approved", "rejected"))
    class_id, include = request.form.get("class", "")[:200], request.form.get("include_unproven", "") in ("1", "on", "yes")

    mark = bulk_mark()

    def record() -> list[int]:
        decided = decide_class(queue, class_id, decision, reviewer, proposal_id=proposal_id, include_unproven=include, reason=mark,
                               source=Source.WEB)  # fmt: skip
        return decided.get(proposal_id, [])

    return dataclasses.replace(_recorded(record, decision, True), mark=mark)


def bulk_mark() -> str:
    """A bulk decision's own mark, in each of its changes' reasons: its undo takes back only those."""
    return f"bulk {secrets.token_hex(6)}"


def undo_form(queue: Queue, proposal_id: int, reviewer: str) -> DecisionOutcome:
    """Withdraw a bulk decision: those of its numbers still so decided by this reviewer."""
    decision = chosen_decision(("approved", "rejected"))
    text = request.form.get("numbers", "").strip()
    if not _NUMBERS.fullmatch(text) or text.count(",") + text.count(" ") >= MAX_NUMBERS:
        abort(400, description="the numbers to undo are digits separated by commas")
    numbers = [int(part) for part in re.split("[ ,]", text)]
    mark = request.form.get("mark", "")
    if not _MARK.fullmatch(mark):
        abort(400, description="an undo names the bulk decision it undoes")
    outcome = _recorded(lambda: _withdrawn(queue, proposal_id, numbers, decision, reviewer, mark), Decision.PENDING, True)
    return DecisionOutcome(
        Decision.PENDING, outcome.numbers, meanwhile=tuple(sorted(set(numbers) - set(outcome.numbers))), error=outcome.error
    )


def _withdrawn(queue: Queue, proposal_id: int, numbers: list[int], decision: Decision, reviewer: str, mark: str) -> list[int]:
    """A bulk decision took undecided changes only: those still holding it (its own rows, by its mark) are undecided again."""
    taken = take_back(queue, proposal_id, [(number, decision, Decision.PENDING) for number in sorted(set(numbers))], reviewer,
                      Source.WEB, reason=f"undo of {mark}", made_as=mark)  # fmt: skip
    return [number for number, _ in taken.undone]


def _recorded(record, decision: Decision, bulk: bool = False) -> DecisionOutcome:
    try:
        return DecisionOutcome(decision, tuple(record()), bulk=bulk)
    except InputError as error:
        return DecisionOutcome(decision, bulk=bulk, error=str(error))


def _undecided(queue: Queue, proposal_id: int, decision: Decision, rule: str | None) -> tuple[list[int], list[int]]:
    """(the undecided numbers of the page or of ``rule``, those an approval holds back: they need review,
    or the wiki did not prove them; each is approved one by one, or by its class with the box ticked)."""
    numbers, held = [], []
    for found in queue_classes(queue, proposal_id):  # the classes' stored columns: no change parsed again
        if rule is not None and found.change_class.rule.value != rule:
            continue
        keep = held if found.change_class.decidable() and decision == Decision.APPROVED else numbers
        keep.extend(key[1] for key in found.undecided)
    return sorted(numbers), sorted(held)


def message(outcome: DecisionOutcome, reviewer: str) -> list[tuple[str, str]]:
    """The outcome in words: (category, text) lines."""
    lines = []
    if outcome.error:
        lines.append(("error", outcome.error))
    elif outcome.numbers:
        what = "undecided" if outcome.decision == Decision.PENDING else str(outcome.decision)
        lines.append(("done", f"{len(outcome.numbers)} change(s) {what} by {reviewer}: {_ranges(outcome.numbers)}"))
    elif not outcome.held:
        lines.append(("error", "nothing to decide there (decided meanwhile?)"))
    if outcome.meanwhile:
        lines.append(("error", f"decided meanwhile, left as they are: {_ranges(outcome.meanwhile)}"))
    if outcome.held:
        lines.append(
            (
                "error",
                f"{len(outcome.held)} change(s) need review or were not proven by the wiki, and were left undecided: approve them "
                f"one by one, or by their class ({_ranges(outcome.held)})",
            )
        )
    return lines


def _ranges(numbers) -> str:
    """1, 2, 3, 5, 7, 8 -> "1–3, 5, 7–8"; past 80 characters the rest is "… (N in all)"."""
    ordered, parts = sorted(numbers), []
    start = previous = None
    for value in [*ordered, None]:
        if value is not None and previous is not None and value == previous + 1:
            previous = value
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}–{previous}")
        start = previous = value
    shown = ", ".join(parts)
    return shown if len(shown) <= _RANGES_SHOWN else shown[: shown.rfind(", ", 0, _RANGES_SHOWN)] + f", … ({len(ordered)} in all)"


_RANGES_SHOWN = 80  # characters of numbers a message shows: every seventh change held back is 45 numbers, not a screenful


def answer(queue: Queue, proposal_id: int, outcome: DecisionOutcome, reviewer: str, fallback: str):
    """The JSON the page's script reads, or a redirect back to where the form was (this app only)."""
    lines = message(outcome, reviewer)
    if wants_json():
        return jsonify(state(queue, proposal_id, outcome, reviewer, lines)), 200 if not outcome.error else 409
    for category, text in lines:
        flash(text, category)
    return redirect(same_site(request.form.get("next", ""), fallback))


def state(queue: Queue, proposal_id: int, outcome: DecisionOutcome, reviewer: str, lines) -> dict:
    """The proposal's state after a decision, as small as the page needs (a few KB for 300 changes)."""
    groups = queue_classes(queue, proposal_id)
    total, undecided = sum(len(g.members) for g in groups), sum(len(g.undecided) for g in groups)
    status = queue.decision_mark(proposal_id).status
    shown = shown_status(status, total, undecided)
    return {
        "message": " ".join(text for _, text in lines), "error": bool(outcome.error),
        "decision": str(outcome.decision), "by": reviewer if outcome.decision != Decision.PENDING else "",
        "numbers": list(outcome.numbers), "held": list(outcome.held), "undo": outcome.bulk and bool(outcome.numbers) and bool(outcome.mark),
        "mark": outcome.mark,
        "proposal": {"status": shown, "status_key": status_key(status, shown), "total": total, "undecided": undecided,
                     "approved": sum(g.approved for g in groups), "rejected": sum(g.rejected for g in groups)},
        "classes": [{"id": g.id, "undecided": len(g.undecided), "approved": g.approved, "rejected": g.rejected} for g in groups],
        **_every_decision(queue, proposal_id, reviewer),
    }  # fmt: skip


_LETTERS = {Decision.PENDING: "p", Decision.APPROVED: "a", Decision.REJECTED: "r"}


def _every_decision(queue: Queue, proposal_id: int, reviewer: str) -> dict:
    """Each change's current decision, a letter each ("aapr…", by number), and who made those someone
    else made: the page shows what others decided meanwhile too, not only this answer's changes."""
    rows = queue.db.query(
        """SELECT c.number, c.decision, (SELECT who FROM decision d WHERE d.proposal_id = c.proposal_id AND d.number = c.number
           ORDER BY d.id DESC LIMIT 1) AS who FROM change c WHERE c.proposal_id = ? ORDER BY c.number""", (proposal_id,),
    )  # fmt: skip
    others = {row["number"]: row["who"] for row in rows if row["decision"] != Decision.PENDING and row["who"] != reviewer}
    return {"decisions": "".join(_LETTERS[Decision(row["decision"])] for row in rows), "others": others}


def same_site(target: str, fallback: str) -> str:
    """Where to go after a decision: a path of this app only (never another site)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    return target
