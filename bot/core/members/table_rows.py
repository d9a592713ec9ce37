"""Rows written in their table's own style: a new member's row copies the section's last row (its
``|-`` line, its cell separators ``||`` or one cell per line, its cell attributes but no spans,
sort keys or ids) with the member's link, country link and year in their columns.

In a table whose section column spans its rows (``rowspan``), every change to a group of rows is
one change that also corrects the section cell's ``rowspan``, so a reviewer cannot approve half of
it; removing the group's first row moves the section cell to the next row.
"""

from __future__ import annotations

import re

from bot.core.members.sections import PageSection
from bot.core.members.style import wikilink
from bot.core.members.tables import COUNTRY, FIELD, MEMBER, YEAR, Cell, Row, Table
from bot.core.model import Change, Display, Rule
from bot.core.registry import Member

_ROW_ONLY = re.compile(r"""\s*\b(?:rowspan|colspan|data-sort-value|id)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s|]+)""", re.IGNORECASE)
_ROWSPAN = re.compile(r"""(\browspan\s*=\s*["']?\s*)(\d+)""", re.IGNORECASE)


def member_values(table: Table, member: Member, field: str = "") -> dict[int, str]:
    """The new row's content per column."""
    columns = table.columns
    values = {columns[MEMBER]: wikilink(member.target, member.shown)}
    if COUNTRY in columns:
        country = member.country_label or member.country_target
        values[columns[COUNTRY]] = wikilink(member.country_target, country) if member.country_target else ""
    if YEAR in columns:
        values[columns[YEAR]] = str(member.year) if member.year else ""
    if FIELD in columns:
        values[columns[FIELD]] = field
    return values


def new_row(text: str, table: Table, sample: Row | None, values: dict[int, str], drop: frozenset[int] = frozenset()) -> str:
    """A row with ``values`` in ``sample``'s style (without the columns in ``drop``)."""
    if sample is None:
        cells = [values.get(column, "") for column in range(table.width) if column not in drop]
        return "| " + " | ".join(cells) + " |\n" if table.kind == "pipe" else "|-\n| " + " || ".join(cells) + "\n"
    edits = []
    for position, cell in enumerate(sample.cells):
        if cell.column in drop:
            edits.append(_dropped(text, sample, position))
            continue
        edits += _attribute_edits(cell)
        edits.append((cell.content_start, cell.content_end, values.get(cell.column, "")))
    row = _applied(text, sample.start, sample.end, edits)
    if table.kind == "wiki" and not row.lstrip().startswith("|-"):
        row = "|-\n" + row
    return row if row.endswith("\n") else row + "\n"


def _attribute_edits(cell: Cell) -> list[tuple[int, int, str]]:
    if not cell.attrs or not _ROW_ONLY.search(cell.attrs):
        return []
    start = cell.start + len(cell.marker)
    kept = _ROW_ONLY.sub("", cell.attrs)
    if kept.strip():
        return [(start, start + len(cell.attrs), kept)]
    return [(start, cell.content_start, " ")]


def _dropped(text: str, row: Row, position: int) -> tuple[int, int, str]:
    """The edit that takes the cell at ``position`` out of ``row``."""
    cell = row.cells[position]
    following = row.cells[position + 1] if position + 1 < len(row.cells) else None
    inline = following is not None and following.marker in ("||", "!!")
    if cell.marker in ("||", "!!"):
        return cell.start, cell.end, ""
    if inline:
        return cell.start, following.start + len(following.marker), cell.marker
    line_start = text.rfind("\n", 0, cell.start) + 1
    line_end = text.find("\n", cell.end)
    return line_start, len(text) if line_end < 0 else line_end + 1, ""


def _applied(text: str, start: int, end: int, edits) -> str:
    result, position = [], start
    for begin, stop, new in sorted(edits):
        result += [text[position:begin], new]
        position = stop
    return "".join(result) + text[position:end]


def with_rowspan(text: str, cell: Cell, count: int) -> str:
    """The section cell's markup (attributes and content, no marker) spanning ``count`` rows."""
    raw = text[cell.start + len(cell.marker) : cell.end]
    if _ROWSPAN.search(cell.attrs):
        return _ROWSPAN.sub(lambda match: match.group(1) + str(count), raw, count=1)
    if cell.attrs:
        return f' rowspan="{count}" ' + raw.lstrip()
    return f' rowspan="{count}" |' + (raw if raw.startswith(" ") else " " + raw)


def sorted_index(section: PageSection, member: Member) -> int:
    """Where ``member``'s row goes among the section's rows: its sorted place when they are
    visibly sorted by the member column, else the end."""
    labels = [item.city.label for item in section.items if item.city]
    if len(labels) >= 3 and labels == sorted(labels):
        return next((index for index, label in enumerate(labels) if label > member.shown), len(labels))
    return len(labels)


def row_addition(text: str, section: PageSection, member: Member, note: str, last_goes: bool = False) -> Change:
    """A member's row in a section whose rows each stand alone (a table per section, or a
    section column repeated on every row). ``last_goes``: the last row is proposed for removal."""
    table, rows = section.table, section.rows
    row = new_row(text, table, rows[-1] if rows else None, member_values(table, member, _field_text(text, section)))
    index = sorted_index(section, member)
    at = rows[index].start if index < len(rows) else rows[-1].end if rows else table.close
    if at > 0 and text[at - 1] != "\n":
        if last_goes:  # the page ends with that row: the new one goes before it, so neither leaves a gap
            at = rows[-1].start
        else:
            row = "\n" + row.rstrip("\n")
    return Change(Rule.MEMBER_ADD, at, at, "", row, display=Display.MEMBER, note=note)


def _field_text(text: str, section: PageSection) -> str:
    """What a new row's section cell says: what the section's last row's says, else its name."""
    cell = section.rows[-1].cell(section.table.columns.get(FIELD, -1)) if section.rows else None
    return text[cell.content_start : cell.content_end] if cell is not None else section.spec.name


def row_removal(rule: Rule, row: Row, text: str, note: str) -> Change:
    return Change(rule, row.start, row.end, text[row.start : row.end], "", needs_review=True, display=Display.MEMBER, note=note)


def spanned(section: PageSection) -> bool:
    """Whether the section is a group of rows under one section cell spanning them (or one row
    in a table whose section cells span their rows)."""
    if not section.table.grouped:
        return False
    column = section.table.columns[FIELD]
    return [row for row in section.rows if row.cell(column) is not None] == [section.rows[0]]


def group_change(text: str, section: PageSection, removed: dict[int, tuple[Rule, str]], added: list[Member]) -> Change:
    """One change for a ``rowspan`` group: its removed rows (index -> rule, why) out, its added
    members' rows in, and the section cell's ``rowspan`` made the group's new row count."""
    table, rows = section.table, section.rows
    column = table.columns[FIELD]
    own = rows[0].cell(column)
    entries: list = [row for index, row in enumerate(rows) if index not in removed]
    sample = rows[-1] if len(rows) > 1 else rows[0]
    drop = frozenset({column}) if sample.cell(column) is not None else frozenset()
    for offset, member in enumerate(sorted(added, key=lambda m: sorted_index(section, m))):
        index = sorted_index(section, member)
        kept_before = sum(1 for position in range(index) if position not in removed)
        entries.insert(kept_before + offset, new_row(text, table, sample, member_values(table, member), drop))
    new = [_group_row(text, entry, position, rows[0], own, len(entries)) for position, entry in enumerate(entries)]
    names = [section.items[index].city.label for index in sorted(removed)]
    note = f"{'、'.join(names + [member.shown for member in added])}（{section.spec.name}）; rowspan {own.rowspan}→{len(entries)}"
    if removed:
        rule = removed[min(removed)][0]
        note += ": " + "; ".join(why.split(": ", 1)[-1] for _, why in removed.values())
    else:
        rule = Rule.MEMBER_ADD
    return trimmed(text, [(row.start, row.end) for row in rows], new, rule, bool(removed), note)


def _group_row(text: str, entry, position: int, first: Row, own: Cell, count: int) -> str:
    if position == 0 and entry is first:
        return text[first.start : own.start + len(own.marker)] + with_rowspan(text, own, count) + text[own.end : first.end]
    if entry is first:  # the group's first row has gone further down: it leaves its section cell behind
        index = first.cells.index(own)
        return _applied(text, first.start, first.end, [_dropped(text, first, index)])
    body = text[entry.start : entry.end] if isinstance(entry, Row) else entry
    return with_section_cell(body, text, first, own, count) if position == 0 else body


def with_section_cell(row: str, text: str, first: Row, own: Cell, count: int, content: str | None = None) -> str:
    """``row`` (without a section cell) with the group's section cell put first (with ``content``
    in place of its own, for a new group)."""
    cell = with_rowspan(text, own, count)
    if content is not None:
        old = text[own.content_start : own.content_end]
        at = cell.rfind(old)
        cell = cell[:at] + content + cell[at + len(old) :]
    index = first.cells.index(own)
    inline = index + 1 < len(first.cells) and first.cells[index + 1].marker in ("||", "!!")
    lines = row.splitlines(keepends=True)
    at = next(number for number, line in enumerate(lines) if line.lstrip()[:1] in ("|", "!") and not line.lstrip().startswith("|-"))
    line = lines[at].lstrip()
    if inline and line[:1] == own.marker:
        lines[at] = own.marker + cell.rstrip() + " " + own.marker * 2 + line[1:]
    else:
        lines[at:at] = [own.marker + cell.rstrip() + "\n"]
    return "".join(lines)


def trimmed(text: str, rows: list[tuple[int, int]], new: list[str], rule: Rule, review: bool, note: str) -> Change:
    """The change of the consecutive ``rows`` (start, end) to the rows ``new``, without the
    rows they share at either end."""
    old = [text[start:end] for start, end in rows]
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    begin = rows[head][0] if head < len(rows) else rows[-1][1]
    end = rows[len(rows) - tail - 1][1] if len(rows) - tail > head else begin
    new_part = "".join(new[head : len(new) - tail])
    return Change(rule, begin, end, text[begin:end], new_part, needs_review=review, display=Display.MEMBER, note=note)
