"""The pure text core: detection, canonicalization, rewriting and checks over page text.

No pywikibot, no network, no disk. Everything a caller needs::

    from bot.core import analyze, ZH_WIKIPEDIA
    result = analyze(text, ZH_WIKIPEDIA)
    result.new_text, result.changes, result.skipped, result.diff
"""

from bot.core.analyze import analyze, plan_changes, select_changes
from bot.core.exclusion import exclusion_reason
from bot.core.model import (
    ALL_RULES,
    Change,
    Display,
    Occurrence,
    PageResult,
    Rule,
    Skip,
    SkipReason,
)
from bot.core.options import DEFAULT_OPTIONS, Options
from bot.core.pagekind import MirrorForms
from bot.core.profile import SiteProfile, profile_from_siteinfo
from bot.core.sites import ZH_WIKIPEDIA, profile_for_host, wikipedia_profile
from bot.core.summary import edit_summary

__all__ = [
    "ALL_RULES",
    "Change",
    "DEFAULT_OPTIONS",
    "Display",
    "MirrorForms",
    "Occurrence",
    "Options",
    "PageResult",
    "Rule",
    "SiteProfile",
    "Skip",
    "SkipReason",
    "ZH_WIKIPEDIA",
    "analyze",
    "edit_summary",
    "exclusion_reason",
    "select_changes",
    "plan_changes",
    "profile_for_host",
    "profile_from_siteinfo",
    "wikipedia_profile",
]
