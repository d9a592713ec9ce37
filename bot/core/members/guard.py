"""The removal guard: a registry that would take more than a set share of a page's listed members
off it is far likelier out of date (a snapshot behind the published list) than right, so none of its
changes to that page are proposed, and a warning says why."""

from __future__ import annotations

import dataclasses

from bot.core.members.compare import MemberReport


def removal_share(report: MemberReport) -> tuple[int, float]:
    """How many listed members the report's changes remove (a duplicate's removal loses no member; a
    rowspan group's one change may remove several), and their share of those listed."""
    return report.removed, (report.removed / report.listed if report.listed else 0.0)


def guarded(report: MemberReport, list_name: str, max_share: float) -> MemberReport:
    """``report`` itself, or (when it removes more than ``max_share`` of the listed members) no
    changes and a warning naming the list, the count and the share."""
    removed, share = removal_share(report)
    if share <= max_share:
        return report
    warning = (
        f"{list_name}: {removed} of {report.listed} listed member(s) ({share:.0%}) would be removed, more than "
        f"[members] max_removal_share ({max_share:.0%}); no member changes proposed for this page "
        f"(is the registry out of date? see linkbot members import and linkbot members check)"
    )
    return dataclasses.replace(report, changes=(), warnings=(*report.warnings, warning))
