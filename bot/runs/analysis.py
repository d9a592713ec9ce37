"""The core's page functions in a wiki run: under the page limits (a child process, bot.inputs.limits),
with the run's site profile and options, and with the member list's redirects resolved on the wiki."""

from __future__ import annotations

from functools import partial

from bot.core import analyze
from bot.core.members import item_targets
from bot.core.model import Change, PageResult
from bot.core.pagekind import MirrorForms
from bot.core.rebase import Rebased, rebase
from bot.inputs.limits import Bounded, Overrun, PageLimits, with_site
from bot.inputs.registries import for_page
from bot.runs.context import RunContext
from bot.wiki.sources import LivePage, resolve_redirects


class PageAnalysis:
    """``result(page)`` and ``rebased(page, ...)``: a ``PageResult``/``Rebased``, or the ``Overrun``
    of a page over the size limit or whose analysis ran over the time limit. Close it (or use it
    as a context manager) to end its child process."""

    def __init__(self, context: RunContext) -> None:
        self.context = context
        settings = context.settings
        self.limits = PageLimits.of(settings)
        self._bounded = Bounded(self.limits.seconds, partial(with_site, context.session.profile, settings.options))

    def __enter__(self) -> PageAnalysis:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._bounded.close()

    def result(self, page: LivePage) -> PageResult | Overrun:
        members, redirects = self._members(page)
        earlier = self._earlier(page)
        return self._call(page, analyze, page.text, title=page.title, members=members, redirects=redirects, earlier=earlier)

    def _earlier(self, page: LivePage) -> str:
        """The page's text when it was last proposed on, where that can change its kind (a page whose
        last mirror marks a save repaired is still the mirror's: its other changes stay proposed)."""
        if self.context.settings.mirror_forms is not MirrorForms.AUTO:
            return ""
        return self.context.queue.earlier_text(self.context.session.wiki_id, page.title) or ""

    def rebased(self, page: LivePage, base_text: str, approved: list[Change]) -> Rebased | Overrun:
        """``approved`` (changes of ``base_text``) carried onto the page's current text."""
        members, redirects = self._members(page)
        return self._call(page, rebase, base_text, page.text, approved, title=page.title, members=members, redirects=redirects)

    def _call(self, page: LivePage, function, *args, **kwargs):
        too_large = self.limits.oversize(page.text)
        return too_large if too_large is not None else self._bounded.call(function, *args, **kwargs)

    def _members(self, page: LivePage):
        """The page's member list, if a registry manages it, and where its links redirect to (one
        batched query per managed page)."""
        members = for_page(self.context.registries, page.title)
        if members is None:
            return None, None
        targets = item_targets(page.text, members, self.context.session.profile)
        if not targets:
            return members, {}
        return members, resolve_redirects(self.context.session.site, targets, self.context.settings.retry)
