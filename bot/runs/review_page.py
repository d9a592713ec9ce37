"""On-wiki review in a scheduled run: the decisions editors make on the review pages taken into the
queue (only those the pages' histories prove a trusted user made: bot.wiki.reviewpage), and the open
proposals published there again. There is no default review group: without one, review is off.

The review page (``[run] review_page``) is an index of the open proposals; each proposal has its
subpage (``<review page>/<id>``) with its fields (bot.core.review_subpages). Each page is kept on its
own: the queue remembers, per page, the bot's last publication (from which its history is read:
bot.core.attribution) and the last revision whose decisions were taken, so a run killed midway reads
on from there. Which pages have newer revisions is asked for 50 pages a request; only those pages'
histories are read.

No decision is lost to the run's own publication. Decisions are taken at the start of the run,
again before each save when a page has a newer revision (a rejection made while the run scans
counts), and right before publishing; a page is published on the very revision whose decisions
were taken, and only when its bot part changed. When MediaWiki merged someone's edit into a
publication, or refused it as an edit conflict, the newer revisions' decisions are taken and the
page is published again. A proposal no longer open gets a closing text on its subpage (the bot
needs no right to delete), and its subpage is no longer watched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.core.attribution import beside_is_plain
from bot.core.review_messages import review_language, review_messages
from bot.core.review_subpages import IndexRow, closed_part, index_part, subpage_part, subpage_title
from bot.core.reviewpage import holds_part
from bot.errors import InputError
from bot.logs import get_logger
from bot.queue.listing import WAITING, Filters, Listing
from bot.queue.runstate import RunState
from bot.queue.states import AWAITING, Decision, shown_status
from bot.runs.context import RunContext
from bot.runs.journal import record_edit
from bot.runs.review_decisions import ORDER, take_decision
from bot.settings import Settings
from bot.wiki.reviewpage import EDIT_CONFLICT, current_texts, latest_revisions, publish, read_decisions
from bot.wiki.save import SaveOutcome, SaveStatus, revision_facts

REVIEW_OFF = "on-wiki review is off: [run] review_page is set, but neither review_groups nor review_users names who may decide"
PUBLISH_ATTEMPTS = 3


def review_is_on(settings: Settings) -> bool:
    """On-wiki review needs a page and someone allowed to decide on it: there is no default group."""
    run = settings.run
    return bool(run.review_page and (run.review_groups or run.review_users))


@dataclass
class WatchedPage:
    """One review page as the queue remembers it."""

    title: str
    taken: int = 0  # the revision whose decisions the queue has
    published: int = 0  # the bot's last publication (0: unknown)


class OnWikiReview:
    """The review pages of one run: ``take()`` their new decisions, ``refresh()`` before a save,
    ``publish_open_proposals()`` at the end; ``summary()`` for the run's JSON line."""

    def __init__(self, context: RunContext, state: RunState) -> None:
        self.context, self.state = context, state
        self.wiki, self.index = context.session.wiki_id, context.settings.run.review_page
        self.pages = {self.index: self._remembered(self.index)}
        prefix = self._keys(f"{self.index}/")[1]
        for key in sorted(state.named(prefix)):
            title = key[len(prefix) - len(self.index) - 1 :]
            self.pages[title] = self._remembered(title)
        self.accepted = self.decided = 0
        self.ignored: list[dict] = []
        self.published_revisions: dict[str, int] = {}
        self.not_published: dict[str, str] = {}

    def _keys(self, title: str) -> tuple[str, str]:
        """The state's keys of a page (taken, published): the index keeps the keys of the single page it was."""
        suffix = "" if title == self.index else f":{title}"
        return f"review:{self.wiki}{suffix}", f"review-published:{self.wiki}{suffix}"

    def _remembered(self, title: str) -> WatchedPage:
        taken, published = (int(self.state.get(key, "0") or 0) for key in self._keys(title))
        return WatchedPage(title, taken, published)

    @property
    def on(self) -> bool:
        return review_is_on(self.context.settings)

    def take(self, titles: list[str] | None = None) -> None:
        """The decisions made after each page's taken revision, into the queue (pages with a newer
        revision only, found 50 a request); each page's taken revision moves to its latest."""
        session, settings = self.context.session, self.context.settings
        latest = latest_revisions(session.site, titles or list(self.pages), settings.retry)
        for title, revision in latest.items():
            page = self.pages.setdefault(title, WatchedPage(title))
            if revision and revision != page.taken:
                self._take_page(page)

    def _take_page(self, page: WatchedPage) -> None:
        session, settings, queue = self.context.session, self.context.settings, self.context.queue
        run = settings.run
        reading = read_decisions(session.site, page.title, page.published, page.taken, frozenset(run.review_groups),
                                 frozenset(run.review_users), session.user, settings.retry)  # fmt: skip
        with queue.db.transaction():  # the decisions and how far they were read: both, or neither (a killed run reads them again)
            for decision in sorted(reading.decisions, key=lambda d: (d.revision, ORDER[d.target.kind])):
                self._take_one(page.title, decision)
            if reading.latest and reading.latest != page.taken:
                page.taken = reading.latest
                self.state.set(self._keys(page.title)[0], str(reading.latest))
        damaged = {"page": page.title, "revision": reading.latest, "why": reading.damaged}
        if reading.damaged and damaged not in self.ignored:
            self.ignored.append(damaged)

    def _take_one(self, title: str, decision) -> None:
        """One decision read from a page: into the queue when its author is trusted, else reported."""
        target = decision.target
        where = {"page": title, "user": decision.user, str(target.kind): decision.field, "decision": str(decision.decision)}
        if not decision.accepted:
            self.ignored.append({**where, "why": decision.why})
            return
        try:
            self.decided += take_decision(self.context.queue, decision)
            self.accepted += 1
        except InputError as error:
            self.ignored.append({**where, "why": str(error)})

    def refresh(self) -> None:
        """Before a save: the newer revisions' decisions of the pages that have any (one request for 50 pages)."""
        if self.on:
            self.take()

    def publish_open_proposals(self) -> None:
        """Each open proposal's subpage, the closing text of those no longer open, then the index:
        each published on the revision whose decisions were taken, and only when it changed (live runs only)."""
        if not self.on or not self.context.live:
            return
        self.take()
        session, settings, queue = self.context.session, self.context.settings, self.context.queue
        messages = review_messages(review_language(session.language, settings.run.review_language))
        open_ids = [p.id for p in Listing(queue.db).proposals(Filters(status=WAITING, wiki=session.wiki_id)) if p.undecided()]
        subpages = {subpage_title(self.index, pid): pid for pid in open_ids}
        for title in self.pages:
            if title != self.index and title not in subpages:
                subpages[title] = int(title.rpartition("/")[2])
        current = current_texts(session.site, [*subpages, self.index], settings.retry)
        for title, pid in subpages.items():
            self._publish_if_changed(title, lambda pid=pid: self._subpage(pid, messages), current[title])
        self._publish_if_changed(self.index, lambda: self._index(messages), current[self.index])

    def _subpage(self, proposal_id: int, messages) -> tuple[str, str, bool]:
        """(bot part, edit summary, whether the proposal is still open) of a proposal's subpage, as the queue has it now."""
        proposal = self.context.queue.get(proposal_id)
        undecided = sum(1 for item in proposal.changes if item.decision == Decision.PENDING)
        if proposal.status in AWAITING and undecided:
            part = subpage_part(proposal, self.context.session.user, self.index, messages)
            return part, messages.subpage_summary.format(title=proposal.title, count=undecided), True
        status = shown_status(proposal.status, len(proposal.changes), undecided)
        return closed_part(proposal, status, self.index, messages), messages.closed_summary.format(title=proposal.title), False

    def _index(self, messages) -> tuple[str, str, bool]:
        session, queue = self.context.session, self.context.queue
        rows = []
        for proposal in Listing(queue.db).proposals(Filters(status=WAITING, wiki=session.wiki_id)):
            undecided = sum(1 for item in proposal.changes if item.decision == Decision.PENDING)
            if undecided:
                rows.append(IndexRow(proposal.title, proposal.id, subpage_title(self.index, proposal.id), len(proposal.changes),
                                     undecided, shown_status(proposal.status, len(proposal.changes), undecided)))  # fmt: skip
        return index_part(rows, session.user, messages), messages.publish_summary.format(count=len(rows)), True

    def _publish_if_changed(self, title: str, make: Callable[[], tuple[str, str, bool]], current: tuple[str, int]) -> None:
        """Publish a page unless it holds its bot part already on the revision whose decisions were taken."""
        page = self.pages.setdefault(title, WatchedPage(title))
        text, revision = current
        part, _, still_open = make()
        if revision == page.taken and holds_part(text, part) and beside_is_plain(text):
            self._published(page, revision, still_open)
            return
        self._publish_page(page, make)

    def _publish_page(self, page: WatchedPage, make: Callable[[], tuple[str, str, bool]]) -> None:
        session, settings = self.context.session, self.context.settings
        for _ in range(PUBLISH_ATTEMPTS):
            self.take([page.title])
            part, summary, still_open = make()
            base = page.taken
            revision, why = publish(session.site, page.title, part, summary, base, settings.retry)
            if why == "unchanged":  # the page already holds exactly the bot's part: as good as a publication
                self._published(page, base, still_open)
                return
            if not revision:
                self.not_published[page.title] = why
                if why != EDIT_CONFLICT:
                    return
                continue  # the next attempt takes the newer revisions' decisions first
            record_edit(self.context, SaveOutcome(SaveStatus.SAVED, page.title, base, revision, summary=summary), kind="review-page")
            self.published_revisions[page.title] = revision
            self.not_published.pop(page.title, None)
            parent = revision_facts(session.site, [revision], settings.retry).get(revision, ("", 0))[1]
            if parent == base:  # saved with nobody's edit merged in: the history is read from here
                self._published(page, revision, still_open)
                return
            # MediaWiki merged someone's edit into the publication: take it, then publish again.
            get_logger(page=page.title).info("review page merged with an edit; taking it", revision=parent)

    def _published(self, page: WatchedPage, revision: int, still_open: bool) -> None:
        """``revision`` holds exactly the bot's part: decisions are read from it on (and taken up to it).
        A subpage closed for good is no longer watched."""
        taken_key, published_key = self._keys(page.title)
        if not still_open and page.title != self.index:
            with self.context.queue.db.transaction():
                self.state.forget(taken_key)
                self.state.forget(published_key)
            self.pages.pop(page.title, None)
            return
        if (page.published, page.taken) == (revision, revision):
            return
        with self.context.queue.db.transaction():
            page.published = page.taken = revision
            self.state.set(published_key, str(revision))
            self.state.set(taken_key, str(revision))

    def summary(self) -> dict:
        if not self.context.settings.run.review_page:
            return {}
        if not self.on:
            return {"off": REVIEW_OFF}
        outcome = {"published": self.published_revisions} if self.published_revisions else {}
        if self.not_published:
            outcome["not_published"] = self.not_published
        return {"accepted": self.accepted, "decided_changes": self.decided, "ignored": self.ignored, **outcome}


def start_wiki_review(context: RunContext, state: RunState) -> OnWikiReview:
    """The run's review page, its decisions taken (when review is on)."""
    decisions = OnWikiReview(context, state)
    if context.settings.run.review_page and not decisions.on:
        get_logger().warning(REVIEW_OFF)
    elif decisions.on:
        decisions.take()
    return decisions
