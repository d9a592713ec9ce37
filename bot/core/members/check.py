"""What a registry and a managed page disagree on (``linkbot members check``), summarised from the
page's member report for an operator to look at before a run."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.members.compare import MemberReport
from bot.core.members.guard import removal_share
from bot.core.model import Rule

_REMOVING = frozenset({Rule.MEMBER_REMOVE, Rule.MEMBER_SECTION, Rule.MEMBER_DUPLICATE})


@dataclass(frozen=True)
class PageCheck:
    page: str
    listed: int  # items found in the registry's sections
    to_add: tuple[str, ...]  # "南京（文學之都）"
    to_remove: tuple[str, ...]  # "戊城（文學之都）: not in the registry", moves and duplicates too
    new_sections: tuple[str, ...]
    total: str  # "116→152" when the stated total would change
    warnings: tuple[str, ...]
    held: bool  # a run would propose nothing here: over [members] max_removal_share

    @property
    def agrees(self) -> bool:
        return not (self.to_add or self.to_remove or self.new_sections or self.total or self.warnings)


def check_page(page: str, report: MemberReport, max_share: float) -> PageCheck:
    changes = report.changes
    return PageCheck(
        page=page,
        listed=report.listed,
        to_add=tuple(c.note for c in changes if c.rule is Rule.MEMBER_ADD),
        to_remove=tuple(c.note for c in changes if c.rule in _REMOVING),
        new_sections=tuple(c.note for c in changes if c.rule is Rule.MEMBER_NEW_SECTION),
        total=next((f"{c.old}→{c.new}" for c in changes if c.rule is Rule.MEMBER_TOTAL), ""),
        warnings=report.warnings,
        held=removal_share(report)[1] > max_share,
    )
