"""Proof in a run: before a page's proposal is recorded, the wiki renders its current and its
proposed text, and each change gets MediaWiki's word (bot.core.proof). A change whose rendering
disagrees, or that could not be proven, needs review: no auto-approval ever takes it.

Cost: only pages with changes, three parse requests a proposal (the current and the proposed text,
each change between markers, and the stored revision as its readers get it), none for a revision
already in the queue; ``[proof] mode`` chooses.
"""

from __future__ import annotations

import dataclasses
import secrets

from bot.core.model import Change, PageResult
from bot.core.proof import PROVEN, UNPROVEN, ChangeProof, marked, prove, shows_readers_otherwise
from bot.runs.context import RunContext
from bot.wiki.render import rendering_of, stored_rendering


def with_proof(context: RunContext, revision_id: int, full: PageResult) -> PageResult:
    """``full`` with each change's proof, or as it is when none is asked for."""
    if not full.changes or not _wanted(context, full):
        return full
    site, policy = context.session.site, context.settings.retry
    nonce = secrets.token_hex(6)  # new for every proof: the page cannot know it (bot.core.proof)
    old, new = marked(full.text, full.changes, False, nonce), marked(full.text, full.changes, True, nonce)
    if old is None or new is None:
        before = after = "the page holds the private-use characters the proof marks changes with"
    else:
        before = rendering_of(site, full.title, old, policy)
        after = rendering_of(site, full.title, new, policy) if not isinstance(before, str) else before
    stored = stored_rendering(site, revision_id, policy) if not isinstance(before, str) and revision_id else None
    if isinstance(after, str) or isinstance(before, str) or isinstance(stored, str):
        why = next(reason for reason in (before, after, stored) if isinstance(reason, str))
        proofs = [ChangeProof(UNPROVEN, f"the wiki could not render the page: {why}")] * len(full.changes)
    elif stored is not None and shows_readers_otherwise(before, stored):
        why = "the page shows its readers something else than the bot sees of it (it depends on who saved it, or when)"
        proofs = [ChangeProof(UNPROVEN, why)] * len(full.changes)
    else:
        proofs = prove(full.changes, before, after, context.session.profile, full.title, nonce)
    return dataclasses.replace(full, changes=tuple(_marked(change, proof) for change, proof in zip(full.changes, proofs, strict=True)))


def _wanted(context: RunContext, full: PageResult) -> bool:
    mode = context.settings.proof.mode
    if mode == "off":
        return False
    if mode == "review-only" and context.live:  # what a live run approves by itself is not shown to anyone
        auto = context.settings.auto_approve
        return not all(change.rule in auto and not change.needs_review for change in full.changes)
    return True


def _marked(change: Change, proof: ChangeProof) -> Change:
    if proof.status == PROVEN:
        return dataclasses.replace(change, proof=PROVEN)
    held = f"{proof.status}: {proof.why}"
    note = f"{change.note}; rendering {held}" if change.note else f"rendering {held}"
    return dataclasses.replace(change, proof=held, needs_review=True, note=note)
