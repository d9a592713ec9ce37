"""On-wiki review in a scheduled run: the decisions editors make on the review page taken into the
queue (only those the page's history proves a trusted user made: bot.wiki.reviewpage), and the open
proposals published there again. There is no default review group: without one, review is off.

No decision is lost to the run's own publication. Decisions are taken at the start of the run,
again before each save when the page has a newer revision (a rejection made while the run scans
counts), and right before publishing; the page is published on the very revision whose decisions
were taken. When MediaWiki merged someone's edit into the publication, or refused it as an edit
conflict, the newer revisions' decisions are taken and the page is published again. The queue
remembers the last revision whose decisions were taken, so a run killed midway reads on from there,
and the bot's last publication, from which the history is read (who set a status is established
from there: bot.core.attribution).
"""

from __future__ import annotations

from bot.core.review_messages import review_language, review_messages
from bot.errors import InputError
from bot.logs import get_logger
from bot.queue.runstate import RunState
from bot.queue.listing import WAITING, Filters, Listing
from bot.queue.states import OPEN, Source
from bot.runs.context import RunContext
from bot.runs.journal import record_edit
from bot.settings import Settings
from bot.wiki.reviewpage import EDIT_CONFLICT, publish, read_decisions
from bot.wiki.save import SaveOutcome, SaveStatus, revision_facts
from bot.wiki.sources import latest_revision

REVIEW_OFF = "on-wiki review is off: [run] review_page is set, but neither review_groups nor review_users names who may decide"
PUBLISH_ATTEMPTS = 3


def review_is_on(settings: Settings) -> bool:
    """On-wiki review needs a page and someone allowed to decide on it: there is no default group."""
    run = settings.run
    return bool(run.review_page and (run.review_groups or run.review_users))


class OnWikiReview:
    """The review page of one run: ``take()`` its new decisions, ``refresh()`` before a save,
    ``publish_open_proposals()`` at the end; ``summary()`` for the run's JSON line."""

    def __init__(self, context: RunContext, state: RunState) -> None:
        self.context, self.state = context, state
        self.key = f"review:{context.session.wiki_id}"
        self.base = int(state.get(self.key, "0") or 0)  # the revision whose decisions the queue has
        self.published_key = f"review-published:{context.session.wiki_id}"
        self.published = int(state.get(self.published_key, "0") or 0)  # the bot's last publication (0: unknown)
        self.accepted = 0
        self.ignored: list[dict] = []
        self.outcome: dict = {}

    @property
    def on(self) -> bool:
        return review_is_on(self.context.settings)

    def take(self) -> None:
        """The decisions made on the page after ``base``, into the queue; ``base`` moves to the latest revision."""
        session, settings, queue = self.context.session, self.context.settings, self.context.queue
        run = settings.run
        reading = read_decisions(session.site, run.review_page, self.published, self.base, frozenset(run.review_groups),
                                 frozenset(run.review_users), session.user, settings.retry)  # fmt: skip
        with queue.db.transaction():  # the decisions and how far they were read: both, or neither (a killed run reads them again)
            for decision in reading.decisions:
                self._take_one(decision)
            if reading.latest and reading.latest != self.base:
                self.base = reading.latest
                self.state.set(self.key, str(reading.latest))
        damaged = {"revision": reading.latest, "why": reading.damaged}
        if reading.damaged and damaged not in self.ignored:
            self.ignored.append(damaged)

    def _take_one(self, decision) -> None:
        """One decision read from the page: into the queue when its author is trusted; on the same change
        of the page's newer proposal when a scan superseded the one it was made on."""
        where = {"user": decision.user, "change": f"{decision.proposal_id}.{decision.number}", "decision": str(decision.decision)}
        if not decision.accepted:
            self.ignored.append({**where, "why": decision.why})
            return
        queue = self.context.queue
        target, reason = (decision.proposal_id, decision.number), f"on-wiki decision, revision {decision.revision}"
        try:
            if queue.decision_mark(decision.proposal_id).status not in OPEN:
                counterpart = queue.open_counterpart(decision.proposal_id, decision.number)
                if counterpart is not None:
                    target = counterpart
                    reason += f", made on {decision.proposal_id}.{decision.number} (superseded since)"
            queue.decide(target[0], [target[1]], decision.decision, decision.user, reason, source=Source.WIKI)
            self.accepted += 1
        except InputError as error:
            self.ignored.append({**where, "why": str(error)})

    def refresh(self) -> None:
        """Before a save: the page's newer revisions' decisions, if it has any (one request)."""
        if self.on and latest_revision(self.context.session.site, self.context.settings.run.review_page)[0] != self.base:
            self.take()

    def publish_open_proposals(self) -> None:
        """The open proposals, published on the revision whose decisions were taken (live runs only)."""
        if not self.on or not self.context.live:
            return
        for _ in range(PUBLISH_ATTEMPTS):
            self.refresh()
            revision, why = self._publish_once()
            if why == "unchanged":  # the page already holds exactly the bot's part: as good as a publication
                self.outcome = {}
                self._published(self.base)
                return
            if not revision:
                self.outcome = {"not_published": why}
                if why != EDIT_CONFLICT:
                    return
                continue  # the next attempt takes the newer revisions' decisions first
            parent = revision_facts(self.context.session.site, [revision], self.context.settings.retry).get(revision, ("", 0))[1]
            self.outcome = {"published_revision": revision}
            if parent == self.base:  # saved with nobody's edit merged in: the history is read from here
                self._published(revision)
                return
            # MediaWiki merged someone's edit into the publication: take it, then publish again.
            get_logger(page=self.context.settings.run.review_page).info("review page merged with an edit; taking it", revision=parent)
            self.take()

    def _published(self, revision: int) -> None:
        """``revision`` holds exactly the bot's part: decisions are read from it on (and taken up to it)."""
        with self.context.queue.db.transaction():
            self.published = self.base = revision
            self.state.set(self.published_key, str(revision))
            self.state.set(self.key, str(revision))

    def _publish_once(self) -> tuple[int, str]:
        session, settings, queue = self.context.session, self.context.settings, self.context.queue
        open_proposals = list(Listing(queue.db).proposals(Filters(status=WAITING, wiki=session.wiki_id)))
        messages = review_messages(review_language(session.language, settings.run.review_language))
        revision, why, summary = publish(session.site, settings.run.review_page, open_proposals, session.user, self.base,
                                         settings.retry, messages)  # fmt: skip
        if revision:
            saved = SaveOutcome(SaveStatus.SAVED, settings.run.review_page, self.base, revision, summary=summary)
            record_edit(self.context, saved, kind="review-page")
        return revision, why

    def summary(self) -> dict:
        if not self.context.settings.run.review_page:
            return {}
        if not self.on:
            return {"off": REVIEW_OFF}
        return {"accepted": self.accepted, "ignored": self.ignored, **self.outcome}


def start_wiki_review(context: RunContext, state: RunState) -> OnWikiReview:
    """The run's review page, its decisions taken (when review is on)."""
    decisions = OnWikiReview(context, state)
    if context.settings.run.review_page and not decisions.on:
        get_logger().warning(REVIEW_OFF)
    elif decisions.on:
        decisions.take()
    return decisions
