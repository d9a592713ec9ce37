"""A registry built from a page (``linkbot members extract``): every section whose list items start
with a link to a page, its members in the page's order; and every member table: a heading over
its own table is a section, a table with a section column gives a section per row group (named by
that column's text). A table with rows it cannot read gives nothing."""

from __future__ import annotations

from bot.core.errors import MemberListError
from bot.core.members.page import Item, page_headings, page_lines, read_items
from bot.core.members.tables import (
    FIELD,
    Row,
    Table,
    read_tables,
    row_country,
    row_item,
    row_year,
)
from bot.core.profile import SiteProfile
from bot.core.registry import Member, MemberList, Section


def extract_member_list(text: str, profile: SiteProfile, name: str, pages: tuple[str, ...] = ()) -> MemberList:
    lines = page_lines(text)
    headings = page_headings(lines)
    first = headings[0].start if headings else len(text)
    sections = [section for table in read_tables(text, profile, 0, first) for section in _table_sections(text, table, "", profile)]
    for position, heading in enumerate(headings):
        stop = headings[position + 1].index if position + 1 < len(headings) else len(lines)
        end = lines[stop][0] if stop < len(lines) else len(text)
        tables = read_tables(text, profile, heading.end, end)
        if tables:
            sections += [section for table in tables for section in _table_sections(text, table, heading.text, profile)]
            continue
        items, unparsed = read_items(lines[heading.index + 1 : stop], profile)
        if not items or unparsed:
            continue
        sections.append(Section(heading.text, (heading.text,), tuple(_member_from_item(item) for item in items)))
    if not sections:
        raise MemberListError("no section with a list of links to pages, and no member table, was found")
    return MemberList(name=name, pages=pages, sections=tuple(sections))


def _table_sections(text: str, table: Table, heading: str, profile: SiteProfile) -> list[Section]:
    if table.problems or not table.rows:
        return []
    members = [(row.field, _row_member(text, row, table, profile)) for row in table.rows]
    if FIELD not in table.columns or not all(field for field, _ in members):
        return [Section(heading, (heading,), tuple(member for _, member in members))] if heading else []
    groups: dict[str, list[Member]] = {}
    for field, member in members:
        groups.setdefault(field, []).append(member)
    return [Section(field, (field,), tuple(group)) for field, group in groups.items()]


def _row_member(text: str, row: Row, table: Table, profile: SiteProfile) -> Member:
    city = row_item(text, row, table, profile).links[0]
    country = row_country(text, row, table, profile)
    return Member(
        target=city.target,
        label="" if city.label == city.target else city.label,
        country_target=country.target if country else "",
        country_label="" if country is None or country.label == country.target else country.label,
        year=row_year(text, row, table),
    )


def _member_from_item(item: Item) -> Member:
    city = item.links[0]
    country = item.links[1] if len(item.links) > 1 else None
    return Member(
        target=city.target,
        label="" if city.label == city.target else city.label,
        country_target=country.target if country else "",
        country_label="" if country is None or country.label == country.target else country.label,
    )
