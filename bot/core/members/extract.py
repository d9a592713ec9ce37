"""A registry built from a page (``linkbot members extract``): every section whose list items start
with a link to a page, its members in the page's order."""

from __future__ import annotations

from bot.core.errors import MemberListError
from bot.core.members.page import Item, page_headings, page_lines, read_items
from bot.core.profile import SiteProfile
from bot.core.registry import Member, MemberList, Section


def extract_member_list(text: str, profile: SiteProfile, name: str, pages: tuple[str, ...] = ()) -> MemberList:
    lines = page_lines(text)
    headings = page_headings(lines)
    sections = []
    for position, heading in enumerate(headings):
        stop = headings[position + 1].index if position + 1 < len(headings) else len(lines)
        items, unparsed = read_items(lines[heading.index + 1 : stop], profile)
        if not items or unparsed:
            continue
        sections.append(Section(heading.text, (heading.text,), tuple(_member_from_item(item) for item in items)))
    if not sections:
        raise MemberListError("no section with a list of links to pages was found")
    return MemberList(name=name, pages=pages, sections=tuple(sections))


def _member_from_item(item: Item) -> Member:
    city = item.links[0]
    country = item.links[1] if len(item.links) > 1 else None
    return Member(
        target=city.target,
        label="" if city.label == city.target else city.label,
        country_target=country.target if country else "",
        country_label="" if country is None or country.label == country.target else country.label,
    )
