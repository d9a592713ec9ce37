"""The on-wiki review pages' texts: one subpage per proposal, an index of them, a closing text.

A proposal's subpage (``<review page>/<proposal id>``) shows its undecided changes, each with its
sentence, old and new text shown literally, the rule's name in the page's language, whether it needs
review and whether the wiki proved it; above them, a status field for the whole proposal (its
changes that do not need review: an approval takes the proven ones only) and one per class of its
proven changes that do not need review (bot.core.classes), with a count and samples. Changes that
need review, and classes the wiki did not prove, have no field above: they are decided one by one.
The index (``<review page>``) lists the open proposals with their counts and truthful statuses; it
holds no field. A proposal with nothing left to review gets a short closing text on its subpage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.classes import ChangeClass, ClassGroup, Outcome, ProofState, group, member, outcome, proof_state
from bot.core.context import change_context
from bot.core.model import Change, Decision, Display
from bot.core.review_messages import ReviewMessages
from bot.core.reviewpage import BEGIN, END, FieldId, FieldKind, literal, status_field

SAMPLES = 2  # samples a class line shows
EXCERPT = 120  # characters of a change's old or new text shown
SAMPLE_EXCERPT = 60


@dataclass(frozen=True)
class IndexRow:
    """One open proposal as the index lists it."""

    title: str  # the page the proposal changes
    proposal_id: int
    subpage: str
    changes: int
    undecided: int
    status: str  # as bot.queue.states.shown_status says it ("undecided", "partly decided 2/311", ...)


def subpage_title(review_page: str, proposal_id: int) -> str:
    return f"{review_page}/{proposal_id}"


def subpage_part(proposal, bot: str, index: str, messages: ReviewMessages) -> str:
    """The bot's part of ``proposal``'s subpage (markers included): its undecided changes, with the
    proposal's and its classes' fields above them."""
    pending = [item for item in proposal.changes if item.decision == Decision.PENDING]
    heading = messages.heading.format(title=proposal.title, id=proposal.id, revision=proposal.base_revid)
    lines = [BEGIN, messages.header.format(bot=bot, index=index), "", f"== {heading} =="]
    classes = group([member(item.number, item.change, item.decision) for item in pending], samples=SAMPLES)
    changes = {item.number: item.change for item in pending}
    approvable = sum(len(found.undecided) for found in classes if on_the_wiki(found.change_class, Decision.APPROVED))
    rejectable = sum(len(found.undecided) for found in classes if on_the_wiki(found.change_class, Decision.REJECTED))
    if rejectable:
        field = status_field(FieldId(FieldKind.PROPOSAL, proposal.id))
        lines += [f"=== {messages.proposal_section} ===", f"* {field} {messages.proposal_field.format(approvable=approvable, rejectable=rejectable)}", ""]
    if classes:
        lines.append(f"=== {messages.classes_section} ===")
        lines += [_class_line(proposal.id, found, changes, messages) for found in classes]
        lines += ["", f"=== {messages.changes_section} ==="]
    lines += [_change_line(proposal, item.number, item.change, messages) for item in pending]
    return "\n".join([*lines, END])


def _class_line(proposal_id: int, found: ClassGroup, changes: dict[int, Change], messages: ReviewMessages) -> str:
    """A class: its field (when a class decision can take it), count, name in the page's language, samples."""
    change_class = found.change_class
    proof = ProofState.UNPROVEN if change_class.outcome == Outcome.IMAGE else change_class.proof  # an image is never shown as proven
    label = " · ".join([messages.rules.get(str(change_class.rule), str(change_class.rule)), messages.outcomes[change_class.outcome],
                        messages.proofs[proof]])  # fmt: skip
    count = messages.class_count.format(count=len(found.undecided))
    if not on_the_wiki(change_class, Decision.APPROVED):
        review = f" · ''{messages.needs_review}''" if change_class.needs_review else ""
        return f"* '''{count}''': {label}{review} — {messages.one_by_one}"
    field = status_field(FieldId(FieldKind.CLASS, proposal_id, class_id=found.id))
    samples = "; ".join(_old_new(changes[number], messages, SAMPLE_EXCERPT) for number in found.samples)
    return f"* {field} '''{count}''': {label} — {messages.samples} {samples}"


def on_the_wiki(change_class: ChangeClass, decision: Decision) -> bool:
    """Whether a class's changes are decided at once on the wiki: never those that need review, never
    images; an approval only of changes the wiki proved (a class's field is shown for those alone)."""
    if change_class.outcome == Outcome.IMAGE:
        return False
    return not change_class.decidable(include_unproven=decision != Decision.APPROVED)


def _change_line(proposal, number: int, change: Change, messages: ReviewMessages) -> str:
    """A change: its field, old → new, rule name, needs review, proof, and its sentence beneath."""
    marks = f" ''{messages.needs_review}''" if change.needs_review else ""
    state = proof_state(change.proof)
    if state == ProofState.PROVEN and not _image(change):  # an image is never shown as proven
        marks += f" {messages.proven}"
    elif state in (ProofState.DISAGREES, ProofState.UNPROVEN):
        marks += f" ({messages.proofs[state]})"
    rule = messages.rules.get(str(change.rule), str(change.rule))
    line = f"* {status_field(FieldId(FieldKind.CHANGE, proposal.id, number))} {_old_new(change, messages, EXCERPT)} ({rule}){marks}"
    sentence = _sentence(proposal.base_text, change)
    return line + (f"<br /><small>{sentence}</small>" if sentence else "")


def _image(change: Change) -> bool:
    """An image (bot.core.proof never proves one; a stored proof that says so is not shown either)."""
    return change.display == Display.IMAGE or outcome(change) == Outcome.IMAGE


def _old_new(change: Change, messages: ReviewMessages, excerpt: int) -> str:
    """Old → new, literally; an addition or a removal (an empty side) says so instead of an empty code."""
    if not change.old:
        return f"{messages.added} <code>{literal(change.new.strip(), excerpt)}</code>"
    if not change.new:
        return f"{messages.removed} <code>{literal(change.old.strip(), excerpt)}</code>"
    return f"<code>{literal(change.old, excerpt)}</code> → <code>{literal(change.new, excerpt)}</code>"


def _sentence(base_text: str, change: Change) -> str:
    """The sentence around the change, with the old text in bold (empty when there is none to show)."""
    if not base_text or change.end > len(base_text) or base_text[change.start : change.end] != change.old:
        return ""
    context = change_context(base_text, change.start, change.end)
    if not (context.before.strip() or context.after.strip()):
        return ""
    old = f"<b>{literal(change.old, EXCERPT)}</b>" if change.old else "‸"
    return "".join([literal(context.before) if context.before else "", old, literal(context.after) if context.after else ""])


def index_part(rows: Sequence[IndexRow], bot: str, messages: ReviewMessages) -> str:
    """The index's bot part: the open proposals, each with its subpage and counts."""
    lines = [BEGIN, messages.index_header.format(bot=bot), ""]
    if not rows:
        return "\n".join([*lines, messages.index_empty, END])
    lines += ['{| class="wikitable sortable"', "! " + messages.index_columns]
    for row in rows:
        status = status_words(row.status, messages)
        lines += ["|-", f"| [[:{row.title}]] || [[{row.subpage}|{row.proposal_id}]] || {row.changes} || {row.undecided} || {status}"]
    return "\n".join([*lines, "|}", END])


def closed_part(proposal, status: str, index: str, messages: ReviewMessages) -> str:
    """The bot's part of a subpage whose proposal has nothing left to review (``status`` as shown)."""
    text = messages.closed.format(id=proposal.id, title=proposal.title, status=status_words(status, messages), index=index)
    return f"{BEGIN}\n{text}\n{END}"


_PARTLY = re.compile(r"partly decided (\d+)/(\d+)")


def status_words(shown: str, messages: ReviewMessages) -> str:
    """A status as bot.queue.states.shown_status says it, in the page's language."""
    partly = _PARTLY.fullmatch(shown)
    if partly:
        return messages.statuses["partly decided"].format(decided=partly.group(1), total=partly.group(2))
    return messages.statuses.get(shown, shown)
