"""``linkbot report --html FILE``: every pending proposal on one self-contained HTML page.

For reviewers who only get a file: a summary per rule, a table of contents, then per page the
links to the wiki (page, base revision, the wiki's diff since), its counts per rule, and each change
in its sentence with its rule, flag and decision; long pages fold their changes in groups. Styles
are inline and there are no scripts or images: the file works offline (links lead to the wiki).
The templates are shared with ``linkbot serve`` (bot/present/templates).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import jinja2

from bot.present.views import proposal_view, summed_rule_counts
from bot.queue.records import Proposal

TEMPLATES = Path(__file__).with_name("templates")
CHUNK = 50  # changes shown open per page; the rest fold in groups of this size


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined)


def render_report(proposals: Iterable[Proposal], generated_at: str, wiki_urls: Mapping[str, str] | None = None) -> str:
    proposals = list(proposals)
    views = [proposal_view(proposal, wiki_urls or {}) for proposal in proposals]
    return environment().get_template("report.html").render(
        views=views, rules=summed_rule_counts(views), total=sum(len(view.changes) for view in views),
        generated_at=generated_at, chunk_size=CHUNK, diffs={proposal.id: proposal.diff for proposal in proposals},
    )  # fmt: skip
