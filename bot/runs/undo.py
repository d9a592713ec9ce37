"""``linkbot undo RUN_ID``: revert what a run saved, where nobody edited since; itself a recorded run.

Each page the run edited is in one of four states, read in one batch before anything is saved:
its latest revision is still the bot's (undone with MediaWiki's undo, or listed in a dry run); its
text is already what it was before the run (an earlier undo, even one killed before it could record
its edit: nothing to do, so no page is ever reverted twice); someone edited it since (never
reverted over: listed for a person, with the wiki's diff of what the bot did); or it is gone.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TextIO

from bot.present.runs import diff_link
from bot.queue.runlog import RunEdit, RunRecord
from bot.runs.context import RunContext
from bot.runs.journal import record_edit
from bot.wiki.save import SaveOutcome, SaveStatus, revision_facts
from bot.wiki.undo import PageState, current_titles, page_states, unchanged_since, undo_revision


@dataclass
class UndoReport:
    undone: list[tuple[str, int, int]] = field(default_factory=list)  # (page, the bot's revision, the undo's)
    already: list[str] = field(default_factory=list)
    edited: list[tuple[str, str, int]] = field(default_factory=list)  # (page, who edited since, their revision)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def needs_a_person(self) -> bool:
        return bool(self.edited or self.failed)

    def render(self, target: str, live: bool) -> str:
        verb = "reverted" if live else "to revert"
        return (f"undo of {target}: {len(self.undone)} {verb}, {len(self.already)} already as before the run, "
                f"{len(self.edited)} edited since (not reverted, listed above), {len(self.failed)} failed\n")  # fmt: skip


def undo_run(context: RunContext, target: RunRecord, index_url: str, out: TextIO) -> UndoReport:
    """Undo ``target``'s edits (a dry run only lists them). Each page once: its last edit in the run."""
    site, policy = context.session.site, context.settings.retry
    last_edits = list({edit.title: edit for edit in target.page_edits}.values())  # not its publications of the review page
    # Where each page is now: a page moved since the run is followed to its new title.
    now_at = current_titles(site, [edit.new_revid for edit in last_edits], policy)
    edits = [dataclasses.replace(edit, title=now_at.get(edit.new_revid, edit.title)) for edit in last_edits]
    states = page_states(site, [edit.title for edit in edits], policy)
    facts = revision_facts(site, [revision for edit in edits for revision in (edit.old_revid, edit.new_revid)], policy)
    report = UndoReport()
    for edit, original in zip(edits, last_edits, strict=True):
        if edit.title != original.title:
            out.write(f"moved: {original.title} is now {edit.title}: followed there\n")
        state = states.get(edit.title) or PageState(edit.title, 0, "", "")
        same_text = state.sha1 and state.sha1 == facts.get(edit.new_revid, ("", 0))[0]
        if state.latest != edit.new_revid and same_text and unchanged_since(site, edit.title, edit.new_revid, policy):
            state = dataclasses.replace(state, latest=edit.new_revid, base=state.latest)  # only null revisions since (a move)
        _one(context, target, edit, state, facts.get(edit.old_revid, ("", 0))[0], index_url, report, out)
    return report


def _one(context: RunContext, target: RunRecord, edit: RunEdit, state: PageState, sha1_before: str, index_url: str,
         report: UndoReport, out: TextIO) -> None:  # fmt: skip
    link = diff_link(index_url, edit)
    diff = f" (the bot's edit: {link})" if link else ""
    if not state.latest:
        report.failed.append((edit.title, "the page is gone"))
        out.write(f"failed: {edit.title}: the page is gone\n")
    elif state.latest != edit.new_revid and sha1_before and state.sha1 == sha1_before:
        report.already.append(edit.title)
        out.write(f"already as before the run: {edit.title}\n")
    elif state.latest != edit.new_revid:
        report.edited.append((edit.title, state.user, state.latest))
        out.write(f"not reverted: {edit.title}: edited since by {state.user or '(hidden)'} (r{state.latest}){diff}\n")
    elif not context.live:
        report.undone.append((edit.title, edit.new_revid, 0))
        out.write(f"would revert: {edit.title}: r{edit.new_revid}{diff}\n")
    else:
        _revert(context, target, edit, state, report, out)


def _revert(context: RunContext, target: RunRecord, edit: RunEdit, state: PageState, report: UndoReport, out: TextIO) -> None:
    settings = context.settings
    context.shutoff.check(context.session.site, settings.retry)  # the emergency stop holds for undo too
    summary = settings.bot.summary(f"linkbot: undo run {target.id} (revision {edit.new_revid})")
    revision, why = undo_revision(context.session.site, edit.title, edit.new_revid, summary, settings.retry, base=state.base)
    if not revision:
        report.failed.append((edit.title, why))
        out.write(f"failed: {edit.title}: {why}\n")
        return
    record_edit(context, SaveOutcome(SaveStatus.SAVED, edit.title, edit.new_revid, revision, edit.changes, "",
                                     tuple(edit.rules.items()), summary))  # fmt: skip
    report.undone.append((edit.title, edit.new_revid, revision))
    out.write(f"reverted: {edit.title}: r{edit.new_revid} undone in r{revision}\n")
