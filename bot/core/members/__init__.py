"""Member lists on a page, kept in step with a registry (``config/lists/*.toml``).

The pipeline: ``page`` reads the page's headings, the registry's sections among them and each
section's entries; ``compare`` proposes what brings each section in step (additions in the
section's ``style``, removals for review), ``new_sections`` the sections the page lacks and
``totals`` a stated total; ``guard`` holds them all where too many members would go; ``check``
summarises them for an operator; ``extract`` builds a registry from a page, and ``registry_diff``
compares a registry with a published list (``linkbot members import``).
"""

from bot.core.members.compare import (
    MemberReport,
    item_targets,
    member_changes,
    member_keys,
)
from bot.core.members.extract import extract_member_list
from bot.core.members.page import item_links
from bot.core.members.sections import find_sections

__all__ = ["MemberReport", "extract_member_list", "find_sections", "item_links", "item_targets", "member_changes", "member_keys"]
