"""``linkbot run``: one scheduled run, as cron or a systemd timer calls it.

Lock (a second run exits at once) -> connect -> emergency stop -> the review page's decisions ->
talk page -> scan the configured sources, the pages changed since the last run and the member
lists' pages (pages already analysed at their current revision are skipped) -> record proposals
-> save what is approved at the moment of saving, in the configured mode -> apply older approved
proposals -> publish the review page -> one JSON summary line. One budget (``--max-edits``,
``--trial``, ``[run] max_minutes``) bounds all of it.
State (last recent-changes time, last-seen revisions) lives in the queue file, so a run killed
at any point resumes on the next one; saves are idempotent and proposals are keyed by revision,
so nothing is saved twice.
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import itertools
import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from bot.core.exclusion import exclusion_kind
from bot.errors import StoppedError
from bot.logs import get_logger
from bot.queue.runstate import RunState
from bot.runs.analysis import PageAnalysis
from bot.runs.apply import apply_approved
from bot.runs.context import RunContext
from bot.runs.proposing import carry_unfinished
from bot.runs.report import RunReport
from bot.runs.review_page import OnWikiReview, start_wiki_review
from bot.runs.scan import ScanLoop
from bot.runs.stops import Stop, StopReason
from bot.settings import Settings
from bot.wiki.session import WikiSession
from bot.wiki.sources import generator_pages, latest_revision, pages_named, read_pages, recent_changes


@dataclass(frozen=True)
class RunOutcome:
    report: RunReport
    summary: dict  # the one JSON line a scheduled run prints


def scheduled_run(context: RunContext, acknowledge_talk: bool = False) -> RunOutcome:
    """One run after the lock is taken."""
    started, clock = _now(), time.monotonic()
    state = RunState(context.queue.db)
    report, mode = RunReport(), context.settings.mode
    review = OnWikiReview(context, state)
    try:
        context.shutoff.check(context.session.site, context.settings.retry)
        talk = _talk_page_message(context, state, acknowledge_talk)
        if talk:
            mode = "dry-run"  # a new message on the talk page: keep recording, stop saving
            report.stop = Stop(StopReason.TALK_PAGE, talk)
        run = dataclasses.replace(context, settings=dataclasses.replace(context.settings, mode=mode))
        review = start_wiki_review(run, state)
        if review.on:  # a decision made on the page while the run works counts at the next save
            run = dataclasses.replace(run, before_save=review.refresh)
        report = report + _scan_and_apply(run, state, started)
        review.publish_open_proposals()
    except StoppedError as error:
        report.stop = Stop(StopReason.SHUTOFF, str(error))
    summary = _summary(report, mode, started, time.monotonic() - clock, context.run_id)
    summary["waiting_for_review"] = context.queue.waiting(context.session.wiki_id)  # the queue's count, not this run's
    summary["review_page"] = review.summary()
    get_logger(run=context.run_id).info("run done", **{key: value for key, value in summary.items() if key != "event"})
    return RunOutcome(report, summary)


def _scan_and_apply(run: RunContext, state: RunState, started: str) -> RunReport:
    """Scan the run's pages; when that went all the way, apply the approved proposals too (the same
    budget bounds both)."""
    session, settings = run.session, run.settings
    # A dry run decides nothing (its auto-approvals are only shown), so it marks no page as done:
    # the next live run analyses the page again and approves what its rules allow.
    seen = (lambda page: state.mark_seen(session.wiki_id, page.title, page.revision_id)) if run.live else None
    with PageAnalysis(run) as analysis:
        carry_unfinished(run, analysis)  # what a run stopped between a save and its carrying left
    loop = ScanLoop(run, io.StringIO(), after_page=seen)
    pages = read_pages(session.site, _sources(run, state), settings.retry, namespaces=settings.namespaces, shutoff=run.reading())
    scanned = loop.run(_unseen(pages, run, state))
    if scanned.stop is not None:
        return scanned
    state.set(_rc_key(session), started)
    return scanned + apply_approved(run, io.StringIO())


def _sources(run: RunContext, state: RunState) -> Iterator:
    """The configured sources, the pages changed since the last run, the member lists' pages; each once."""
    session, settings = run.session, run.settings
    sources = []
    if settings.run.sources:
        sources.append(generator_pages(session.site, list(settings.run.sources)))
    if settings.run.recent_changes:
        sources.append(_recent_changes(session, settings, state))
    titles = sorted({title for registry in run.registries for title in registry.pages})
    sources.append(pages_named(session.site, titles))
    seen: set[str] = set()
    for page in itertools.chain.from_iterable(sources):
        if page.title() not in seen:
            seen.add(page.title())
            yield page


def _recent_changes(session: WikiSession, settings: Settings, state: RunState) -> Iterator:
    since = state.get(_rc_key(session))
    start = since or (_utcnow() - datetime.timedelta(hours=settings.run.first_run_hours)).isoformat(timespec="seconds")
    return recent_changes(session.site, start, settings.namespaces, session.user)


def _unseen(pages, run: RunContext, state: RunState):
    """Skip pages whose current revision a run has already analysed (its proposal is in the queue)."""
    for page in pages:
        if state.seen(run.session.wiki_id, page.title) != page.revision_id:
            yield page


def _talk_page_message(context: RunContext, state: RunState, acknowledge: bool) -> str:
    """Why saving stops ("" if it does not): a message on the talk page since the operator last looked."""
    session, title = context.session, context.settings.run.talk_page
    if not title:
        return ""
    revision, author = latest_revision(session.site, title)
    key = f"talk:{session.wiki_id}"
    known = state.get(key, "")  # "": never looked (the first run takes what is there as read); "0": no page yet
    if acknowledge or not known or revision == int(known) or (revision and author == session.user):
        state.set(key, str(revision))
        return ""
    return f"the talk page {title} has a new message (revision {revision}); saving stops until `linkbot run --acknowledge-talk`"


def _summary(report: RunReport, mode: str, started: str, seconds: float, run_id: str) -> dict:
    skipped = Counter(exclusion_kind(reason) for _, reason in report.excluded)
    return {
        "event": "linkbot run",
        "run": run_id,
        "mode": mode,
        "started": started,
        "duration_s": round(seconds, 2),
        "pages_read": report.tally.pages,
        "proposals": report.tally.changed,
        "waiting_for_review": report.held,
        "saved": report.edits,
        "approved_changes_saved": report.saved_changes,
        "merged": len(report.merged),
        "skipped": dict(skipped),
        "failed": [{"page": title, "error": why} for title, why in report.failed],
        "not_analysed": [{"page": title, "error": why} for title, why in report.unanalysed],
        "stopped": report.stopped,
    }


def failed_summary(mode: str, run_id: str, error: Exception) -> dict:
    """The summary of a run that could not start (the wiki unreachable, the login refused)."""
    summary = _summary(RunReport(), mode, _now(), 0.0, run_id)
    summary["stopped"] = summary["error"] = str(error)
    return summary


def summary_line(summary: dict) -> str:
    return json.dumps(summary, ensure_ascii=False)


def _rc_key(session: WikiSession) -> str:
    return f"recentchanges:{session.wiki_id}"


def _utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _now() -> str:
    return _utcnow().isoformat(timespec="seconds")
