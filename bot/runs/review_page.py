"""On-wiki review in a scheduled run: the decisions editors made on the review page taken into the
queue (only those the page's history proves a trusted user made: bot.wiki.reviewpage), and the open
proposals published there again. There is no default review group: without one, review is off."""

from __future__ import annotations

from bot.core.review_messages import review_language, review_messages
from bot.errors import InputError
from bot.logs import get_logger
from bot.queue.runstate import RunState
from bot.queue.states import AWAITING, Source
from bot.runs.context import RunContext
from bot.settings import Settings
from bot.wiki.reviewpage import publish, read_decisions

REVIEW_OFF = "on-wiki review is off: [run] review_page is set, but neither review_groups nor review_users names who may decide"


def review_is_on(settings: Settings) -> bool:
    """On-wiki review needs a page and someone allowed to decide on it: there is no default group."""
    run = settings.run
    return bool(run.review_page and (run.review_groups or run.review_users))


def take_wiki_decisions(context: RunContext, state: RunState) -> dict:
    """Decisions editors made on the review page since the bot last published it, into the queue."""
    session, settings, queue = context.session, context.settings, context.queue
    title = settings.run.review_page
    if not title:
        return {}
    if not review_is_on(settings):
        get_logger().warning(REVIEW_OFF)
        return {"off": REVIEW_OFF}
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


def publish_open_proposals(context: RunContext, state: RunState, base_revision: int) -> dict:
    """The open proposals, published on the review page (live runs only)."""
    session, settings, queue = context.session, context.settings, context.queue
    title = settings.run.review_page
    if not review_is_on(settings) or not context.live:
        return {}
    open_proposals = [p for p in queue.list() if p.wiki == session.wiki_id and p.status in AWAITING]
    messages = review_messages(review_language(session.language, settings.run.review_language))
    revision, why = publish(session.site, title, open_proposals, session.user, base_revision, settings.retry, messages)
    if revision:
        state.set(f"review:{session.wiki_id}", str(revision))
    return {"published_revision": revision, "not_published": why} if why else {"published_revision": revision}
