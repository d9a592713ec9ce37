"""A live run's record in the queue (bot.queue.runlog): written before anything is saved, each saved
revision as its save returns, the outcome and what was left alone at the end. What a run saved can
then be shown (linkbot runs), reported for a bot-approval trial, undone and counted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.queue.proposals import now
from bot.queue.runlog import RunEdit, RunLog, RunRecord, RunSkip
from bot.runs.context import RunContext
from bot.runs.report import RunReport
from bot.wiki.save import SaveOutcome, revision_facts
from bot.wiki.sources import LivePage


def start_run(context: RunContext, command: str, sources: Sequence[str], trial: int | None = None,
              undoes: str | None = None) -> None:  # fmt: skip
    settings, session = context.settings, context.session
    RunLog(context.queue.db).start(RunRecord(
        context.run_id, command, session.wiki_id, settings.mode, trial, undoes, now(), None, settings.digest(),
        tuple(sources), rate_and_load(context), {},
    ))  # fmt: skip


def rate_and_load(context: RunContext) -> dict:
    """The rate and load a bot-approval request asks about, as this run has them in effect."""
    bot, session = context.settings.bot, context.session
    return {
        "seconds_between_edits": session.edit_delay,
        "edits_per_minute": round(60.0 / session.edit_delay, 2) if session.edit_delay else None,
        "maxlag": session.maxlag,
        "max_edits": context.settings.max_edits or None,
        "summary_prefix": bot.summary_prefix,
        "task_page": bot.task_page,
    }


def record_edit(context: RunContext, outcome: SaveOutcome, proposal_id: int | None = None, numbers: Sequence[int] = (),
                decided: int | None = None, kind: str = "page") -> None:  # fmt: skip
    """A saved revision, with the changes of the proposal it carries and the audit trail's last
    decision when it was saved (``decided``: what was approved at that moment); ``kind``
    "review-page" for a publication of the review page."""
    log = RunLog(context.queue.db)
    if not log.has(context.run_id):  # a save outside a recorded command (a library caller): still answered for
        start_run(context, "save", ())
    log.edit(context.run_id, RunEdit(
        outcome.title, outcome.base_revision, outcome.new_revision, dict(outcome.rules), outcome.changes,
        outcome.summary, now(), kind, proposal_id, tuple(numbers), decided,
    ))  # fmt: skip


def finish_run(context: RunContext, report: RunReport) -> None:
    skips = [RunSkip(title, why) for title, why in (*report.excluded, *report.unanalysed, *report.failed)]
    outcome = {
        "edits": report.edits, "approved_changes_saved": report.saved_changes, "waiting_for_review": report.held,
        "merged": len(report.merged), "failed": len(report.failed), "stopped": report.stopped,
    }  # fmt: skip
    RunLog(context.queue.db).finish(context.run_id, outcome, skips)


def adopt_edit(context: RunContext, page: LivePage, proposal_id: int, numbers: Sequence[int]) -> None:
    """An edit of the bot's that a stopped run saved but never recorded (found when the page already
    holds what it would save): recorded now, for the run that made it, so that it still answers for
    it (runs, undo, statistics). A person's identical edit is not the bot's and is left alone."""
    author = page.page.latest_revision.user if page.page is not None else ""
    if author != context.session.user:
        return
    log = RunLog(context.queue.db)
    owner = log.unfinished(context.session.wiki_id, besides=context.run_id)
    if owner is None:
        return
    parent = revision_facts(context.session.site, [page.revision_id], context.settings.retry).get(page.revision_id, ("", 0))[1]
    saved = [item.change for item in context.queue.get(proposal_id).changes if item.number in set(numbers)]
    rules = dict(Counter(change.rule.value for change in saved))
    log.edit(owner, RunEdit(page.title, parent, page.revision_id, rules, len(saved),
                            "(recorded afterwards: the run stopped before it recorded this edit)", now(), "page",
                            proposal_id, tuple(numbers), None))  # fmt: skip
