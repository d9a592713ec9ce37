"""New sections on a page of tables: a new table under a new heading, copying the sibling
section's table (its opening line and header row, no caption), or a new group of rows in the one
table whose section column names the sections, its section cell spanning its member count, placed
in the registry's order of sections. Always for review, as any new section."""

from __future__ import annotations

from bot.core.members.sections import PageSection
from bot.core.members.table_rows import member_values, new_row, with_section_cell
from bot.core.members.tables import FIELD
from bot.core.model import Change, Display, Rule
from bot.core.registry import MemberList, Section


def new_table(text: str, style: PageSection, spec: Section) -> str:
    """``spec``'s members as a table written like ``style``'s."""
    table = style.table
    head = "".join(line for line in text[table.start : table.body_start].splitlines(keepends=True)
                   if not line.lstrip().startswith("|+"))  # fmt: skip
    if not head.endswith("\n"):
        head += "\n"
    field = spec.headings[0] if spec.headings else spec.name
    sample = style.rows[-1] if style.rows else None
    rows = "".join(new_row(text, table, sample, member_values(table, member, field)) for member in spec.members)
    return head + rows + text[table.close : table.end]


def new_groups(text: str, registry: MemberList, missing: list[Section], found: list[PageSection],
               grouped: PageSection) -> tuple[list[Change], list[str]]:  # fmt: skip
    """A new group of rows in ``grouped``'s table for each missing section."""
    in_table = {section.spec.name: section for section in found if section.by_field and section.table == grouped.table}
    order = [section.name for section in registry.sections]
    changes, warnings = [], []
    for spec in missing:
        if not spec.members:
            warnings.append(f"{registry.name}: section {spec.name} not found on the page and has no members in the registry")
            continue
        at = order.index(spec.name)
        before = next((in_table[name] for name in reversed(order[:at]) if name in in_table), None)
        after = next((in_table[name] for name in order[at + 1 :] if name in in_table), None)
        position = before.rows[-1].end if before is not None else after.rows[0].start
        rows = _group_rows(text, grouped, spec)
        if position > 0 and text[position - 1] != "\n":
            rows = "\n" + rows.rstrip("\n")
        heading = spec.headings[0] if spec.headings else spec.name
        changes.append(Change(Rule.MEMBER_NEW_SECTION, position, position, "", rows, needs_review=True,
                              display=Display.MEMBER, note=f"{heading}（{len(spec.members)}）"))  # fmt: skip
    return changes, warnings


def _group_rows(text: str, style: PageSection, spec: Section) -> str:
    table, first = style.table, style.rows[0]
    column = table.columns[FIELD]
    field = spec.headings[0] if spec.headings else spec.name
    sample = style.rows[-1]
    if not table.grouped:
        return "".join(new_row(text, table, sample, member_values(table, member, field)) for member in spec.members)
    drop = frozenset({column}) if sample.cell(column) is not None else frozenset()
    rows = [new_row(text, table, sample, member_values(table, member), drop) for member in spec.members]
    rows[0] = with_section_cell(rows[0], text, first, first.cell(column), len(rows), field)
    return "".join(rows)
