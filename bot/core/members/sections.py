"""The registry's sections on a page, each with its entries: a heading over list items (as the seed
page writes them), a heading over its own table (layout a: the table's rows are the section's
entries), or a group of rows in one table whose section column names the section, spanning its
rows with ``rowspan`` or repeated on each row (layout b).

Headings and section cells match a registry section across simplified/traditional script and by
any of the section's headings (its aliases).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise

from bot.core.members.page import (
    Heading,
    Item,
    key,
    page_headings,
    page_lines,
    read_items,
)
from bot.core.members.tables import FIELD, Row, Table, has_table, read_tables, row_item
from bot.core.profile import SiteProfile
from bot.core.registry import MemberList, Section


@dataclass(frozen=True)
class PageSection:
    spec: Section
    heading_end: int  # where the section's body starts (layout b: its first row)
    body_end: int
    items: tuple[Item, ...]  # list items, or table rows (``line`` the row's markup)
    unparsed: tuple[str, ...]  # list items without a link
    heading: Heading | None = None
    table: Table | None = None  # the table its entries are rows of
    rows: tuple[Row, ...] = ()  # those rows, as ``items``
    by_field: bool = False  # layout b: a group of rows of a table with a section column
    problems: tuple[str, ...] = ()  # why it cannot be read (its table's rows, layout, header; headings alike)

    @property
    def entries_start(self) -> int:
        return self.table.start if self.table is not None and not self.by_field else self.items[0].start

    @property
    def entries_end(self) -> int:
        return self.table.end if self.table is not None and not self.by_field else self.items[-1].end


def find_sections(text: str, registry: MemberList, profile: SiteProfile) -> tuple[list[PageSection], list[str]]:
    """The registry's sections the page has, in the registry's order, and a warning for each it lacks."""
    lines = page_lines(text)
    headings = page_headings(lines)
    grouped = None
    sections, warnings = [], []
    for spec in registry.sections:
        heading = section_heading(spec, headings, profile)
        if heading is not None:
            section = _section(spec, heading, headings, lines, text, profile)
            others = [h.text for h in headings if h is not heading and key(h.text, profile) in section_keys(spec, profile)]
            if others:
                # Which of them holds the list is a guess: adding to one would duplicate members of the other.
                problem = f"the page has {len(others) + 1} headings for it ({heading.text}, {', '.join(others)})"
                section = replace(section, problems=(problem, *section.problems))
            sections.append(section)
            continue
        if grouped is None:
            grouped = [table for table in read_tables(text, profile) if FIELD in table.columns]
        found = next((group for table in grouped if (group := _group(text, spec, table, profile))), None)
        if found is None:
            warnings.append(f"{registry.name}: section {spec.name} not found on the page")
        else:
            sections.append(found)
    return sections, warnings


def section_heading(spec: Section, headings: list[Heading], profile: SiteProfile) -> Heading | None:
    keys = section_keys(spec, profile)
    return next((heading for heading in headings if key(heading.text, profile) in keys), None)


def section_keys(spec: Section, profile: SiteProfile) -> set[str]:
    return {key(heading, profile) for heading in (spec.name, *spec.headings)}


def field_matches(field: str, spec: Section, profile: SiteProfile) -> bool:
    """Whether a section cell's text names ``spec`` (exactly, or followed by a gloss: 文學之都（Literature））."""
    folded = key(field, profile)
    return any(folded == name or folded.startswith((name + "（", name + " (")) for name in section_keys(spec, profile))


def _section(spec: Section, heading: Heading, headings: list[Heading], lines, text: str, profile: SiteProfile) -> PageSection:
    following = [h.index for h in headings if h.index > heading.index and h.level <= heading.level]
    stop = following[0] if following else len(lines)
    body_end = lines[stop][0] if stop < len(lines) else len(text)
    tables = read_tables(text, profile, heading.end, body_end)
    items, unparsed = read_items(lines[heading.index + 1 : stop], profile)
    if tables:
        table = tables[0]
        problems = table.problems
        if table.grouped and [row for row in table.rows if row.cell(table.columns[FIELD])] != list(table.rows[:1]):
            problems += ("its rows are grouped under more than one section cell",)
        if len(tables) > 1 or items:
            # Its members would be read from one place and added where they already are in another.
            problems += (f"its members are in {len(tables)} table(s) and {len(items)} list item(s), not one table",)
        rows = tuple(row_item(text, row, table, profile) for row in table.rows)
        return PageSection(spec, heading.end, body_end, rows, (), heading, table, table.rows, problems=problems)
    if not items and has_table(text, heading.end, body_end):
        # Members would be added beside a table that may well hold them already.
        problem = ("a table whose header row names no member column (城市, 成员, member, city …)",)
        return PageSection(spec, heading.end, body_end, (), tuple(unparsed), heading, problems=problem)
    return PageSection(spec, heading.end, body_end, tuple(items), tuple(unparsed), heading)


def _group(text: str, spec: Section, table: Table, profile: SiteProfile) -> PageSection | None:
    rows = tuple(row for row in table.rows if row.field and field_matches(row.field, spec, profile))
    if not rows:
        return None
    items = tuple(row_item(text, row, table, profile) for row in rows)
    problems = table.problems
    apart = any(row.end != following.start for row, following in pairwise(rows))
    if table.grouped and (apart or rows[0].cell(table.columns[FIELD]) is None):
        problems += (f"the rows of {spec.name} are not one group under one section cell",)
    return PageSection(spec, rows[0].start, rows[-1].end, items, (), None, table, rows, by_field=True, problems=problems)
