"""``linkbot apply``: save the approved changes of queued proposals, and only those.

Each proposal's page is read again first. Unchanged since the scan: its approved changes are
saved. Changed: the approved changes are rebased onto the current text (bot.core.rebase) and
saved if that is unambiguous and passes the checks; otherwise the proposal is marked stale and
a fresh proposal of the current text is queued for review. A page that already holds exactly
the approved result (a run killed after saving) is marked applied without saving again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import TextIO

from bot.inputs.limits import Overrun
from bot.core.model import PageResult
from bot.core.rebase import rebase
from bot.core.rewrite import apply_changes
from bot.errors import StoppedError, WikiUnavailableError
from bot.runs.scan import RunReport, Scanner
from bot.logs import get_logger
from bot.queue.proposals import Proposal, Queue
from bot.inputs.registries import for_page
from bot.present.report import colorize_diff
from bot.settings import Settings
from bot.wiki.session import WikiSession
from bot.wiki.shutoff import Shutoff
from bot.wiki.sources import LivePage, pages_named, read_pages


def apply_approved(
    session: WikiSession,
    settings: Settings,
    queue: Queue,
    out: TextIO,
    color: bool = False,
    run_id: str = "",
    registries: list | None = None,
    shutoff: Shutoff | None = None,
) -> RunReport:
    scanner = Scanner(
        session, settings, queue, out, run_id=run_id, color=color, registries=registries or [], shutoff=shutoff
    )
    proposals = [p for p in queue.list(status="approved") if p.wiki == session.wiki_id]
    try:
        for proposal, page in _with_pages(session, settings, proposals, scanner.reading()):
            if settings.max_edits and scanner.report.edits >= settings.max_edits:
                scanner.report.stopped = f"--max-edits {settings.max_edits} reached"
                break
            _apply_one(scanner, proposal, page)
    except StoppedError as error:
        scanner.report.stopped, scanner.report.stopped_by_shutoff = str(error), True
    except WikiUnavailableError as error:
        scanner.report.stopped = str(error)
    finally:
        scanner.close()
    scanner.verify()
    return scanner.report


def _with_pages(
    session: WikiSession, settings: Settings, proposals: list[Proposal], shutoff: Shutoff | None
) -> Iterator[tuple[Proposal, LivePage | None]]:
    by_title = {}
    pages = pages_named(session.site, [proposal.title for proposal in proposals])
    for page in read_pages(session.site, pages, settings.retry, shutoff=shutoff):
        by_title[page.title] = page
    for proposal in proposals:
        yield proposal, by_title.get(proposal.title.replace("_", " "), by_title.get(proposal.title))


def _apply_one(scanner: Scanner, proposal: Proposal, page: LivePage | None) -> None:
    queue, settings = scanner.queue, scanner.settings
    log = get_logger(proposal=proposal.id, page=proposal.title)
    if page is None:
        queue.mark(proposal.id, "failed", error="the page no longer exists")
        scanner.report.failed.append((proposal.title, "the page no longer exists"))
        return
    approved = sorted((item.change for item in proposal.approved()), key=lambda change: change.start)
    intended, _ = apply_changes(proposal.base_text, approved)
    if page.text.rstrip() == intended.rstrip():
        queue.mark(proposal.id, "applied", saved_revid=page.revision_id)
        log.info("already applied", revision=page.revision_id)
        return
    members = for_page(scanner.registries, page.title)
    redirects = scanner.redirects(page, members) if members is not None else None
    rebased = scanner.bounded(
        page, rebase, proposal.base_text, page.text, approved, title=page.title, members=members, redirects=redirects
    )
    if isinstance(rebased, Overrun):
        _stale(scanner, proposal, page, f"the current text was not analysed: {rebased.reason}")
        return
    if rebased.result is None:
        _stale(scanner, proposal, page, rebased.reason)
        return
    scanner.out.write(colorize_diff(rebased.result.diff, scanner.color))
    scanner.out.write(f"summary: {scanner.summary(rebased.result)}\n")
    if settings.mode != "live":
        return

    def recompute(fresh: LivePage) -> PageResult:
        again = scanner.bounded(
            fresh, rebase, proposal.base_text, fresh.text, approved, title=fresh.title, members=members, redirects=redirects
        )
        if isinstance(again, Overrun) or again.result is None:
            return dataclasses.replace(rebased.result, changes=())
        return again.result

    scanner.last_proposal = None
    outcome = scanner.save(page, rebased.result, recompute)
    if outcome.status == "saved":
        queue.mark(proposal.id, "applied", saved_revid=outcome.new_revision)
    elif outcome.status == "nothing":
        _stale(scanner, proposal, page, outcome.detail)
    else:
        queue.mark(proposal.id, "failed", error=outcome.detail)
    log.info("applied" if outcome.status == "saved" else outcome.status, new_revision=outcome.new_revision)


def _stale(scanner: Scanner, proposal: Proposal, page: LivePage, reason: str) -> None:
    scanner.queue.mark(proposal.id, "stale", error=reason)
    fresh = scanner.analyze(page)
    if isinstance(fresh, Overrun):
        scanner.not_analysed(page.title, fresh)
        scanner.out.write(f"stale: proposal {proposal.id} ({proposal.title}): {reason}; no new proposal\n")
        return
    recorded = scanner.queue.record(scanner.session.wiki_id, page.revision_id, fresh, scanner.run_id)
    scanner.out.write(f"stale: proposal {proposal.id} ({proposal.title}): {reason}; new proposal {recorded.id} queued\n")
    get_logger(proposal=proposal.id, page=proposal.title).info("stale", reason=reason, new_proposal=recorded.id)
