"""A registry section the page lacks, proposed as a new section: a heading at the level and in the
style of its sibling sections (Markdown or wikitext, as the page writes them), in the registry's
order of sections, with its members as items in the style of the list's other sections; on a
page of tables, a new table copying the sibling's, or a new group of rows in the one table whose
section column names the sections (bot.core.members.table_sections).

Always for review (a new heading changes the page's outline); never when the page has no section
of the list to copy the style from, where guessing a style would be a toy.
"""

from __future__ import annotations

from bot.core.members.sections import PageSection
from bot.core.members.style import new_item
from bot.core.members.table_sections import new_groups, new_table
from bot.core.model import Change, Display, Rule
from bot.core.profile import SiteProfile
from bot.core.registry import MemberList, Section


def new_sections(text: str, registry: MemberList, found: list[PageSection], profile: SiteProfile) -> tuple[list[Change], list[str]]:
    """A change for each registry section missing from the page, and warnings for those that cannot be."""
    on_page = {section.spec.name: section for section in found}
    missing = [spec for spec in registry.sections if spec.name not in on_page]
    if not missing:
        return [], []
    readable = [section for section in found if not section.problems]
    grouped = next((section for section in readable if section.by_field and section.items), None)
    if grouped is not None:
        return new_groups(text, registry, missing, found, grouped)
    styled = [section for section in readable if section.items and section.heading is not None]
    if not styled:
        return [], [f"{registry.name}: section {spec.name} not found on the page, and no section of the list shows "
                     "how to write it; nothing proposed for it" for spec in missing]  # fmt: skip
    changes, warnings = [], []
    for spec in missing:
        if not spec.members:
            warnings.append(f"{registry.name}: section {spec.name} not found on the page and has no members in the registry")
            continue
        changes.append(_new_section(text, registry, spec, on_page, styled))
    return changes, warnings


def _new_section(text: str, registry: MemberList, spec: Section, on_page: dict[str, PageSection],
                 styled: list[PageSection]) -> Change:  # fmt: skip
    order = [section.name for section in registry.sections]
    at = order.index(spec.name)
    before = next((on_page[name] for name in reversed(order[:at]) if name in on_page), None)
    after = next((on_page[name] for name in order[at + 1 :] if name in on_page), None)
    near = before or after
    style = near if near in styled else styled[0]
    heading = near.heading.retitled(spec.headings[0] if spec.headings else spec.name)
    if not heading.endswith("\n"):
        heading += "\n"
    if style.table is not None:
        items = new_table(text, style, spec)
    else:
        items = "".join(new_item(style, registry, member) for member in spec.members)
    body = heading + _gap(text, style.heading_end, style.entries_start) + items
    tail = _gap(text, style.entries_end, style.body_end)
    if before is not None:
        position = before.body_end
        if position == len(text) and not text.endswith("\n"):
            # The page's end, where MediaWiki keeps no newline: the new section's own goes first,
            # so that two new sections at the end stay two lines apart.
            new = "\n" + tail + body.rstrip("\n")
        else:
            new = body + tail
    else:
        position, new = after.heading.start, body + tail
    if position < len(text) and not new.endswith("\n"):
        # Copied from a section that ends the page (MediaWiki keeps no last newline): the line after
        # it (the next heading) must stay a line of its own.
        new += "\n"
    note = f"{spec.headings[0] if spec.headings else spec.name}（{len(spec.members)}）"
    return Change(Rule.MEMBER_NEW_SECTION, position, position, "", new, needs_review=True, display=Display.MEMBER, note=note)


def _gap(text: str, start: int, end: int) -> str:
    """The blank lines between ``start`` and ``end`` when that is all there is, else none."""
    between = text[start:end] if start <= end else ""
    return between if between.strip() == "" else ""
