"""What a caller can switch in the core: which rules run, which need review, what is protected."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.model import DEFAULT_RULES, Rule
from bot.core.pagekind import MirrorForms


@dataclass(frozen=True)
class Options:
    rules: frozenset[Rule] = DEFAULT_RULES
    review_rules: frozenset[Rule] = frozenset()  # every change of these rules needs review
    protect_ref_urls: bool = True  # leave <ref>https://...</ref> citation URLs alone
    split_trails: bool = True  # undo pandoc's link-trail gluing where the site has no trail
    mirror_forms: MirrorForms = MirrorForms.AUTO  # where Markdown forms are repaired (bot.core.pagekind)
    # A member list whose changes would remove more than this share of a page's listed members
    # proposes none of them (bot.core.members.guard); 1.0: no limit.
    max_member_removal_share: float = 1.0


DEFAULT_OPTIONS = Options()
