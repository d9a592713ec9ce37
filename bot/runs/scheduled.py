"""``linkbot run``: one scheduled run, as cron or a systemd timer calls it.

Lock (a second run exits at once) -> connect -> emergency stop -> talk page -> scan the
configured sources, the pages changed since the last run and the member lists' pages (pages
already analysed at their current revision are skipped) -> record proposals -> save what is
approved, in the configured mode -> apply older approved proposals -> one JSON summary line.
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
from pathlib import Path

from bot.runs.apply import apply_approved
from bot.errors import StoppedError
from bot.runs.scan import RunReport, Scanner, shutoff_for
from bot.logs import get_logger
from bot.queue.proposals import Queue
from bot.queue.runstate import RunState
from bot.queue.states import AWAITING, Source
from bot.settings import Settings
from bot.wiki.session import WikiSession
from bot.wiki.sources import generator_pages, latest_revision, pages_named, read_pages, recent_changes


def lock_path(settings: Settings, queue_file: Path) -> Path:
    return Path(settings.run.lock_file) if settings.run.lock_file else queue_file.with_name(queue_file.name + ".lock")


def scheduled_run(session: WikiSession, settings: Settings, queue: Queue, registries: list, run_id: str, acknowledge_talk: bool = False) -> dict:
    """One run after the lock is taken; returns the summary (also the JSON line printed)."""
    started, clock = _now(), time.monotonic()
    state = RunState(queue.db)
    log = get_logger(run=run_id)
    mode = settings.mode
    report = RunReport()
    review: dict = {}
    try:
        shutoff = shutoff_for(settings)
        shutoff.check(session.site, settings.retry)
        review = _take_wiki_decisions(session, settings, queue, state)
        talk = _talk_page_message(session, settings, state, acknowledge_talk)
        if talk:
            mode = "dry-run"  # a new message on the talk page: keep recording, stop saving
            report.stopped = talk
        run_settings = dataclasses.replace(settings, mode=mode)
        deadline = clock + settings.run.max_minutes * 60 if settings.run.max_minutes else None
        # A dry run decides nothing (its auto-approvals are only shown), so it marks no page as done:
        # the next live run analyses the page again and approves what its rules allow.
        seen = (lambda page: state.mark_seen(session.wiki_id, page.title, page.revision_id)) if mode == "live" else None
        scanner = Scanner(
            session, run_settings, queue, io.StringIO(), run_id=run_id, registries=registries, deadline=deadline,
            after_page=seen, shutoff=shutoff,
        )  # fmt: skip
        pages = _unseen(read_pages(session.site, _sources(session, settings, state, registries), settings.retry,
                                   namespaces=settings.namespaces, shutoff=scanner.reading()), session, state)  # fmt: skip
        scanned = scanner.run(pages)
        report = _merge(report, scanned)
        if not scanned.stopped:
            state.set(_rc_key(session), started)
            applied = apply_approved(
                session, run_settings, queue, io.StringIO(), run_id=run_id, registries=registries, shutoff=shutoff
            )
            report = _merge(report, applied)
        review.update(_publish(session, run_settings, queue, state, review.get("base_revision", 0)))
    except StoppedError as error:
        report.stopped, report.stopped_by_shutoff = str(error), True
    summary = _summary(report, mode, started, time.monotonic() - clock, run_id)
    summary["review_page"] = {key: value for key, value in review.items() if key != "base_revision"}
    log.info("run done", **{key: value for key, value in summary.items() if key != "event"})
    return summary


REVIEW_OFF = "on-wiki review is off: [run] review_page is set, but neither review_groups nor review_users names who may decide"


def review_is_on(settings: Settings) -> bool:
    """On-wiki review needs a page and someone allowed to decide on it: there is no default group."""
    run = settings.run
    return bool(run.review_page and (run.review_groups or run.review_users))


def _take_wiki_decisions(session: WikiSession, settings: Settings, queue: Queue, state: RunState) -> dict:
    """Decisions editors made on the review page since the bot last published it, into the queue."""
    title = settings.run.review_page
    if not title:
        return {}
    if not review_is_on(settings):
        get_logger().warning(REVIEW_OFF)
        return {"off": REVIEW_OFF}
    from bot.errors import InputError
    from bot.wiki.reviewpage import read_decisions

    key = f"review:{session.wiki_id}"
    decisions, latest = read_decisions(
        session.site, title, int(state.get(key, "0") or 0), frozenset(settings.run.review_groups),
        frozenset(settings.run.review_users), session.user, settings.retry,
    )  # fmt: skip
    accepted, ignored = 0, []
    for decision in decisions:
        if not decision.accepted:
            ignored.append({"user": decision.user, "change": f"{decision.proposal_id}.{decision.number}", "why": decision.why})
            continue
        try:
            queue.decide(decision.proposal_id, [decision.number], decision.decision, decision.user,
                         f"on-wiki decision, revision {decision.revision}", source=Source.WIKI)  # fmt: skip
            accepted += 1
        except InputError as error:
            ignored.append({"user": decision.user, "change": f"{decision.proposal_id}.{decision.number}", "why": str(error)})
    return {"accepted": accepted, "ignored": ignored, "base_revision": latest}


def _publish(session: WikiSession, settings: Settings, queue: Queue, state: RunState, base_revision: int) -> dict:
    title = settings.run.review_page
    if not review_is_on(settings) or settings.mode != "live":
        return {}
    from bot.wiki.reviewpage import publish

    open_proposals = [p for p in queue.list() if p.wiki == session.wiki_id and p.status in AWAITING]
    revision, why = publish(session.site, title, open_proposals, session.user, base_revision, settings.retry)
    if revision:
        state.set(f"review:{session.wiki_id}", str(revision))
    return {"published_revision": revision, "not_published": why} if why else {"published_revision": revision}


def _sources(session: WikiSession, settings: Settings, state: RunState, registries: list) -> Iterator:
    sources = []
    if settings.run.sources:
        sources.append(generator_pages(session.site, list(settings.run.sources)))
    if settings.run.recent_changes:
        sources.append(_recent_changes(session, settings, state))
    titles = sorted({title for registry in registries for title in registry.pages})
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


def _unseen(pages, session: WikiSession, state: RunState):
    """Skip pages whose current revision a run has already analysed (its proposal is in the queue)."""
    for page in pages:
        if state.seen(session.wiki_id, page.title) != page.revision_id:
            yield page


def _talk_page_message(session: WikiSession, settings: Settings, state: RunState, acknowledge: bool) -> str:
    """Why saving stops ("" if it does not): a message on the talk page since the operator last looked."""
    title = settings.run.talk_page
    if not title:
        return ""
    revision, author = latest_revision(session.site, title)
    key = f"talk:{session.wiki_id}"
    known = state.get(key, "")  # "": never looked (the first run takes what is there as read); "0": no page yet
    if acknowledge or not known or revision == int(known) or (revision and author == session.user):
        state.set(key, str(revision))
        return ""
    return f"the talk page {title} has a new message (revision {revision}); saving stops until `linkbot run --acknowledge-talk`"


def _merge(first: RunReport, second: RunReport) -> RunReport:
    merged = RunReport()
    merged.tally = second.tally if second.tally.pages else first.tally
    merged.outcomes = first.outcomes + second.outcomes
    merged.excluded = first.excluded + second.excluded
    merged.failed = first.failed + second.failed
    merged.unanalysed = first.unanalysed + second.unanalysed
    merged.merged = first.merged + second.merged
    merged.held = first.held + second.held
    merged.edits = first.edits + second.edits
    merged.saved_changes = first.saved_changes + second.saved_changes
    merged.stopped = first.stopped or second.stopped
    merged.stopped_by_shutoff = first.stopped_by_shutoff or second.stopped_by_shutoff
    return merged


def _summary(report: RunReport, mode: str, started: str, seconds: float, run_id: str) -> dict:
    skipped = Counter(reason.split(" ", 1)[0] for _, reason in report.excluded)
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
