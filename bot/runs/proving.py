"""Proof in a run: before a page's proposal is recorded, the wiki renders its current and its
proposed text, and each change gets MediaWiki's word (bot.core.proof). A change whose rendering
disagrees, or that could not be proven, needs review: no auto-approval ever takes it.

Cost: only pages with changes, four parse requests a proposal (the current and the proposed text,
each change between markers; the proposed text without them, exactly as it will be saved; and the
stored revision as its readers get it: the marked renderings count only when they read as these
two do, bot.core.markers), none for a revision already in the queue; ``[proof] mode`` chooses. A page
with image changes costs one more: the wiki's rendering of its images, which reviewers see. A page
with member-list changes costs two more (three without link fixes): they are proven without markers
(bot.core.block_proof), on the text with the link fixes against the text to be saved, and only when
the stored revision reads as the bot's preview of its text does (a page that shows its readers
otherwise by who saved it or when would change beyond the proven lines when the bot saves it).
"""

from __future__ import annotations

import dataclasses
import re
import secrets

from bot.core.block_proof import prove_blocks, unfaithful
from bot.core.markers import marked
from bot.core.model import Change, Display, PageResult
from bot.core.preview import read_preview
from bot.core.proof import PROVEN, UNPROVEN, ChangeProof, Renderings, prove
from bot.core.rendering import Rendering
from bot.core.rewrite import apply_changes
from bot.runs.context import RunContext
from bot.wiki.render import html_of, rendering_of, stored_rendering


def with_proof(context: RunContext, revision_id: int, full: PageResult) -> PageResult:
    """``full`` with each change's proof, or as it is when none is asked for."""
    if not full.changes or not _wanted(context, full):
        return full
    nonce = secrets.token_hex(6)  # new for every proof: the page cannot know it (bot.core.proof)
    numbers = {True: [], False: []}  # whether a member-list change -> the changes' numbers
    for number, change in enumerate(full.changes):
        numbers[change.display == Display.MEMBER].append(number)
    inline, blocks = [full.changes[n] for n in numbers[False]], [full.changes[n] for n in numbers[True]]
    # The link fixes are proven on the text without the member-list changes, which are proven on
    # the text with the link fixes (bot.core.block_proof): each sees the other's work done.
    inline_text = apply_changes(full.text, inline)[0] if blocks else full.new_text
    proofs: dict[int, ChangeProof] = {}
    without: Rendering | str | None = None
    renderings: Renderings | str = ""
    if inline:
        renderings = _renderings(context, revision_id, full, inline, inline_text, nonce)
        found = [ChangeProof(UNPROVEN, renderings)] * len(inline) if isinstance(renderings, str) else \
            prove(inline, renderings, context.session.profile, full.title, nonce)  # fmt: skip
        proofs.update(zip(numbers[False], found, strict=True))
        without = renderings if isinstance(renderings, str) else renderings.proposed
    if blocks:
        if without is None:  # no link fixes: the text they are proven on is the current text
            without = rendering_of(context.session.site, full.title, inline_text, context.settings.retry)
        stored = renderings.current if isinstance(renderings, Renderings) else None
        why = _unfaithful(context, revision_id, full, None if inline else without, stored)
        found = [ChangeProof(UNPROVEN, why)] * len(blocks) if why else _block_proofs(context, full, blocks, without)
        proofs.update(zip(numbers[True], found, strict=True))
    proven = tuple(_marked(change, proofs[number]) for number, change in enumerate(full.changes))
    return dataclasses.replace(full, changes=with_previews(context, full.title, proven, nonce))


def _block_proofs(context: RunContext, full: PageResult, blocks: list[Change], without: Rendering | str) -> list[ChangeProof]:
    """The member-list changes' proofs: the page with the link fixes, rendered without and with them."""
    site, policy = context.session.site, context.settings.retry
    if isinstance(without, str):
        why = without if without.startswith("the wiki could not") else f"the wiki could not render the page: {without}"
        return [ChangeProof(UNPROVEN, why)] * len(blocks)
    with_blocks = rendering_of(site, full.title, full.new_text, policy)
    if isinstance(with_blocks, str):
        return [ChangeProof(UNPROVEN, f"the wiki could not render the page: {with_blocks}")] * len(blocks)
    return prove_blocks(blocks, without, with_blocks, context.session.profile, full.title)


def _unfaithful(context: RunContext, revision_id: int, full: PageResult, preview: Rendering | str | None,
                stored: Rendering | None) -> str:  # fmt: skip
    """Why the member-list changes cannot be proven by previews (bot.core.block_proof.unfaithful: the
    stored revision reads otherwise than the bot's preview of its text), or "". Without a stored
    revision there is nothing readers get but a preview."""
    if not revision_id:
        return ""
    site, policy = context.session.site, context.settings.retry
    stored = stored or stored_rendering(site, revision_id, policy)
    preview = preview if isinstance(preview, Rendering) else rendering_of(site, full.title, full.text, policy)
    for rendering in (stored, preview):
        if isinstance(rendering, str):
            return f"the wiki could not render the page: {rendering}"
    return unfaithful(preview, stored)


def with_previews(context: RunContext, title: str, changes: tuple[Change, ...], nonce: str) -> tuple[Change, ...]:
    """Image changes with the wiki's rendering of their new text (bot.core.preview), for reviewers to
    see the picture, its size, side and caption: one parse request for all of a page's images, each
    after a paragraph naming it with the proof's nonce (which no caption can know)."""
    images = [number for number, change in enumerate(changes) if change.display == Display.IMAGE]
    if not images:
        return changes
    text = "".join(f"\n\n{_PREVIEW}{nonce}.{number}\n\n{changes[number].new}" for number in images)
    html = html_of(context.session.site, title, text, context.settings.retry)
    if html is None:
        return changes
    parts = dict(re.findall(f"{_PREVIEW}{nonce}\\.(\\d+)(.*?)(?={_PREVIEW}{nonce}\\.|$)", html, flags=re.S))
    found = {number: read_preview(parts.get(str(number), ""), context.session.index_url) for number in images}
    return tuple(dataclasses.replace(change, preview=found[number].to_json()) if found.get(number) else change
                 for number, change in enumerate(changes))  # fmt: skip


_PREVIEW = "linkbotpreview"


def _renderings(context: RunContext, revision_id: int, full: PageResult, changes: list[Change], proposed: str,
                nonce: str) -> Renderings | str:  # fmt: skip
    """The wiki's four renderings of the page with ``changes`` (``proposed``: the text with them), or why
    it could not give them (asking no more once one fails)."""
    old, new = marked(full.text, changes, False, nonce), marked(full.text, changes, True, nonce)
    if old is None or new is None:
        return "the page holds the private-use characters the proof marks changes with"
    site, policy = context.session.site, context.settings.retry
    asked = (
        lambda: rendering_of(site, full.title, old, policy),
        lambda: rendering_of(site, full.title, new, policy),
        # The current text as its readers get it: the stored revision (a text without one, as a preview).
        lambda: stored_rendering(site, revision_id, policy) if revision_id else rendering_of(site, full.title, full.text, policy),
        lambda: rendering_of(site, full.title, proposed, policy),
    )  # fmt: skip
    renderings = []
    for ask in asked:
        rendering = ask()
        if isinstance(rendering, str):
            return f"the wiki could not render the page: {rendering}"
        renderings.append(rendering)
    return Renderings(*renderings)


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
