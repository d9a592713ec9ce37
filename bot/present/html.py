"""``linkbot report --html FILE``: every pending proposal on one self-contained HTML page.

For reviewers who only get a file: a summary per rule, a table of contents, then per page the
links to the wiki (page, base revision, the wiki's diff since), its status as people read it
(``partly decided 2/311``), its classes of changes with samples in their sentences (bot.core.classes:
what a reviewer can judge at once, and the command that decides each), its counts per rule, and each
change in its sentence with its rule, flag and decision; long pages fold their changes in groups.
Styles are inline and there are no scripts or images (an image change's preview is described, with a
link to the image): the file works offline (links lead to the wiki).
The templates are shared with ``linkbot serve`` (bot/present/templates).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path

import jinja2

from bot.present.class_views import ClassView, class_views, proposal_groups
from bot.present.views import ProposalView, listed_rule_stats, listed_view, proposal_view
from bot.queue.listing import WAITING, Filters, Listing
from bot.queue.records import Proposal

TEMPLATES = Path(__file__).with_name("templates")
CHUNK = 50  # changes shown open per page; the rest fold in groups of this size
UNDECIDED = Filters(status=WAITING, undecided=True)  # what the report shows: proposals with changes to decide


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined)


def render_report(listing: Listing, generated_at: str, wiki_urls: Mapping[str, str] | None = None) -> Iterator[str]:
    """The report of every proposal waiting for a decision, in pieces as it is rendered: the table of
    contents from the proposals' summaries, then each proposal read and shown one batch at a time, so
    a report of a huge queue is written in bounded memory."""
    wiki_urls = wiki_urls or {}
    rules = listed_rule_stats(listing.per_rule(UNDECIDED))
    toc = (listed_view(summary, wiki_urls) for summary in listing.summaries(UNDECIDED))
    sections = (proposal_section(proposal, wiki_urls) for proposal in listing.proposals(UNDECIDED))
    return environment().get_template("report.html").generate(
        count=listing.count(UNDECIDED), rules=rules, total=sum(rule.total for rule in rules), toc=toc, sections=sections,
        generated_at=generated_at, chunk_size=CHUNK,
    )  # fmt: skip


def proposal_section(proposal: Proposal, wiki_urls: Mapping[str, str]) -> tuple[ProposalView, str, tuple[ClassView, ...]]:
    """A proposal as the report shows it: its view, its diff, its classes (samples among its changes)."""
    view = proposal_view(proposal, wiki_urls)
    return view, proposal.diff, class_views(proposal_groups(proposal), {change.number: change for change in view.changes})
