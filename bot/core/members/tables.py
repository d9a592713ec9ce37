"""Reading member tables off a page: wikitables (``{| … |}``) and Markdown pipe tables, each row a
member entry with the exact offsets of the row and of every cell, so a change touches only the
rows it is about.

Columns are matched to the registry's fields (member, country, year, section) by the header row's
text, in Chinese and English, across simplified/traditional script. A table without a member
column is not a member table. A data row the reader cannot understand (no link in the member
column, a ``colspan``, a ``rowspan`` outside the section column, a nested table) is a problem of
its table: nothing is proposed for a section that uses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from bot.core.labels import visible_text
from bot.core.members.page import Item, Link, item_links, key, page_lines
from bot.core.profile import SiteProfile

MEMBER, COUNTRY, YEAR, FIELD = "member", "country", "year", "field"
# Header texts that name a registry field (compared folded, so either script matches).
_COLUMN_NAMES = {
    MEMBER: ("城市", "城市名称", "城市名", "成员", "成员城市", "会员", "member", "members", "city", "cities", "name"),
    COUNTRY: ("国家", "国家/地区", "国家或地区", "所属国家", "country", "nation", "state"),
    YEAR: ("年份", "年", "加入年份", "入选年份", "入选时间", "加入时间", "year", "joined", "since"),
    FIELD: ("类别", "类型", "领域", "创意领域", "主题", "section", "field", "category", "type"),
}
_SPAN = re.compile(r"""\b(rowspan|colspan)\s*=\s*["']?\s*(\d+)""", re.IGNORECASE)
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


@dataclass(frozen=True)
class Cell:
    start: int  # where its marker or separator starts (``|``, ``!``, ``||``, ``!!``), in the page
    end: int  # where its markup ends (line end, or the next separator)
    marker: str  # the marker or separator itself
    attrs: str  # the attribute text before a single ``|`` ("" without)
    content_start: int  # its content, surrounding whitespace excluded
    content_end: int
    header: bool
    column: int
    rowspan: int = 1
    colspan: int = 1


@dataclass(frozen=True)
class Row:
    start: int  # the row's markup: its ``|-`` line (if any) to the next row, newline included
    end: int
    cells: tuple[Cell, ...]
    field: str = ""  # its section cell's text (its own, or spanning from a row above)

    def cell(self, column: int) -> Cell | None:
        return next((cell for cell in self.cells if cell.column == column), None)


@dataclass(frozen=True)
class Table:
    start: int  # the table's markup, its last line's newline included
    end: int
    kind: str  # "wiki" or "pipe"
    columns: dict  # field name -> column index
    width: int  # number of columns
    rows: tuple[Row, ...]  # data rows
    body_start: int  # where data rows start (after the opening, caption and header)
    close: int  # where the closing ``|}`` line starts (pipe tables: the end)
    problems: tuple[str, ...]  # rows it cannot read

    @property
    def grouped(self) -> bool:
        """Whether its section column spans rows (layout b with ``rowspan``)."""
        field = self.columns.get(FIELD)
        return field is not None and any((row.cell(field) or _NO_CELL).rowspan > 1 for row in self.rows)


_NO_CELL = Cell(0, 0, "", "", 0, 0, False, -1)


def read_tables(text: str, profile: SiteProfile, start: int = 0, end: int | None = None) -> list[Table]:
    """The member tables in ``text[start:end]`` (tables with a member column), in page order."""
    lines = [line for line in page_lines(text) if line[0] >= start and (end is None or line[1] <= end)]
    tables, index = [], 0
    while index < len(lines):
        stripped = lines[index][2].lstrip()
        if stripped.startswith("{|"):
            stop = _wiki_table_end(lines, index)
            table = _wiki_table(text, lines[index : stop + 1], profile)
            index = stop + 1
        elif stripped.startswith("|") and index + 1 < len(lines) and _PIPE_RULE.match(lines[index + 1][2].rstrip("\r\n")):
            stop = index + 2
            while stop < len(lines) and lines[stop][2].lstrip().startswith("|"):
                stop += 1
            table = _pipe_table(text, lines[index:stop], profile)
            index = stop
        else:
            index += 1
            continue
        if table is not None:
            tables.append(table)
    return tables


def _wiki_table_end(lines, index: int) -> int:
    depth = 0
    for position in range(index, len(lines)):
        stripped = lines[position][2].lstrip()
        depth += stripped.startswith("{|")
        depth -= stripped.startswith("|}")
        if depth == 0:
            return position
    return len(lines) - 1


def column_field(header: str, profile: SiteProfile) -> str | None:
    """The registry field a header text names, or None."""
    name = key(visible_text(header).strip().strip("*'\" "), profile)
    for field, names in _COLUMN_NAMES.items():
        if name in {key(candidate, profile) for candidate in names}:
            return field
    return None


def _columns(headers: list[tuple[str, int]], profile: SiteProfile) -> dict:
    columns: dict = {}
    for text, column in headers:
        field = column_field(text, profile)
        if field is not None and field not in columns:
            columns[field] = column
    return columns


def _wiki_table(text: str, lines, profile: SiteProfile) -> Table | None:
    raw_rows, nested = _wiki_rows(text, lines)
    first = next((row for row in raw_rows if row.cells and all(cell.header for cell in row.cells)), None)
    if first is None:
        return None
    columns = _columns([(text[cell.content_start : cell.content_end], cell.column) for cell in first.cells], profile)
    if MEMBER not in columns:
        return None
    # Header rows further down repeat the header; one with a member's link is a member's row.
    header_rows = [first] + [row for row in raw_rows if row is not first and all(cell.header for cell in row.cells)
                             and _row_problem(text, row, columns, profile) == "no member link in the member column"]  # fmt: skip
    data = [row for row in raw_rows if row not in header_rows]
    width = max([sum(cell.colspan for cell in first.cells)] + [len(row.cells) for row in data])
    problems = [f"a nested table at offset {start}" for start in nested]
    if not lines[-1][2].lstrip().startswith("|}"):
        problems.append(f"the table at offset {lines[0][0]} is not closed")
    rows = _with_fields(text, data, columns, problems, profile)
    body_start = (data[0].start if data else header_rows[-1].end)
    close = lines[-1][0] if lines[-1][2].lstrip().startswith("|}") else lines[-1][1]
    return Table(lines[0][0], lines[-1][1], "wiki", columns, width, tuple(rows), body_start, close, tuple(problems))


def _wiki_rows(text: str, lines) -> tuple[list[Row], list[int]]:
    """The rows of a wikitable (cells with page offsets), and where nested tables start."""
    rows: list[list] = []  # [start, end, cells]
    nested, depth = [], 0
    for start, end, line in lines[1:-1] if lines[-1][2].lstrip().startswith("|}") else lines[1:]:
        stripped = line.lstrip()
        if depth or stripped.startswith("{|"):
            depth += stripped.startswith("{|") - stripped.startswith("|}")
            if stripped.startswith("{|") and depth == 1:
                nested.append(start)
            if rows:
                rows[-1][1] = end
            continue
        if stripped.startswith("|-"):
            rows.append([start, end, []])
        elif stripped.startswith("|+"):
            continue
        elif stripped[:1] in ("|", "!"):
            if not rows:
                rows.append([start, end, []])
            rows[-1][1] = end
            rows[-1][2] += _line_cells(text, start + len(line) - len(stripped), line.rstrip("\r\n").lstrip())
        elif rows:
            rows[-1][1] = end
            if rows[-1][2]:  # a cell's content goes on over this line
                last = rows[-1][2][-1]
                rows[-1][2][-1] = _extended(last, start + len(line.rstrip()))
    return [_numbered(Row(start, end, tuple(cells))) for start, end, cells in rows if cells], nested


def _extended(cell: Cell, end: int) -> Cell:
    return Cell(cell.start, end, cell.marker, cell.attrs, cell.content_start, end, cell.header, cell.column, cell.rowspan, cell.colspan)


def _line_cells(text: str, at: int, line: str) -> list[Cell]:
    """The cells of one wikitable line starting at page offset ``at``."""
    header = line.startswith("!")
    separators = ("||", "!!") if header else ("||",)
    cells, position = [], 0
    pieces = _split(line[1:], separators)
    marker = line[0]
    for piece in pieces:
        begin = at + position
        cells.append(_cell(text, begin, marker, begin + len(marker), piece, header))
        position += len(marker) + len(piece)
        marker = line[position : position + 2]
    return cells


def _cell(text: str, start: int, marker: str, body: int, piece: str, header: bool) -> Cell:
    parts = _split(piece, ("|",), single=True)
    attrs = parts[0] if len(parts) > 1 else ""
    content = parts[1] if len(parts) > 1 else parts[0]
    offset = body + (len(attrs) + 1 if len(parts) > 1 else 0)
    lead = len(content) - len(content.lstrip())
    spans = {name.lower(): int(value) for name, value in _SPAN.findall(attrs)}
    end = body + len(piece)
    return Cell(start, end, marker, attrs, offset + lead, offset + len(content.rstrip()), header, -1,
                max(spans.get("rowspan", 1), 1), max(spans.get("colspan", 1), 1))  # fmt: skip


def _split(line: str, separators: tuple[str, ...], single: bool = False) -> list[str]:
    """``line`` split at ``separators`` outside ``[[…]]``, ``{{…}}`` and ``[…](…)``; with
    ``single``, only at the first single ``|`` (a cell's attributes)."""
    pieces, depth, begin, index = [], 0, 0, 0
    while index < len(line):
        pair = line[index : index + 2]
        if pair in ("[[", "{{"):
            depth, index = depth + 1, index + 2
            continue
        if pair in ("]]", "}}") and depth:
            depth, index = depth - 1, index + 2
            continue
        if depth == 0 and single and pair[:1] == "|" and pair != "||":
            return [line[:index], line[index + 1 :]]
        separator = next((mark for mark in separators if line.startswith(mark, index)), None)
        if depth == 0 and not single and separator and line[index - 1 : index] != "\\":
            pieces.append(line[begin:index])
            index += len(separator)
            begin = index
            continue
        index += 1
    return [line] if single else [*pieces, line[begin:]]


def _numbered(row: Row) -> Row:
    """``row`` with each cell's column index, left to right (spans from above are added later)."""
    cells, column = [], 0
    for cell in row.cells:
        cells.append(Cell(cell.start, cell.end, cell.marker, cell.attrs, cell.content_start, cell.content_end,
                          cell.header, column, cell.rowspan, cell.colspan))  # fmt: skip
        column += cell.colspan
    return Row(row.start, row.end, tuple(cells))


def _with_fields(text: str, rows: list[Row], columns: dict, problems: list[str], profile: SiteProfile) -> list[Row]:
    """Rows with their column indexes shifted past the section cell spanning from above, each
    with its section's text; rows the reader cannot read are added to ``problems``."""
    field = columns.get(FIELD)
    result, carried, left = [], "", 0
    for row in rows:
        cells = list(row.cells)
        if field is not None and left > 0:
            cells = [_shifted(cell) if cell.column >= field else cell for cell in cells]
            left -= 1
        own = next((cell for cell in cells if cell.column == field), None) if field is not None else None
        if own is not None and (left == 0):
            carried, left = visible_text(text[own.content_start : own.content_end]).strip(), own.rowspan - 1
        result.append(Row(row.start, row.end, tuple(cells), carried))
        problem = _row_problem(text, result[-1], columns, profile)
        if problem:
            problems.append(f"{problem}: {text[row.cells[0].start if row.cells else row.start : row.end].strip()[:60]!r}")
    return result


def _shifted(cell: Cell) -> Cell:
    return Cell(cell.start, cell.end, cell.marker, cell.attrs, cell.content_start, cell.content_end, cell.header,
                cell.column + 1, cell.rowspan, cell.colspan)  # fmt: skip


def _row_problem(text: str, row: Row, columns: dict, profile: SiteProfile) -> str:
    if any(cell.colspan > 1 for cell in row.cells):
        return "a colspan in a member row"
    if any(cell.rowspan > 1 and cell.column != columns.get(FIELD) for cell in row.cells):
        return "a rowspan outside the section column"
    member = row.cell(columns[MEMBER])
    if member is None or not item_links(text[member.content_start : member.content_end], profile):
        return "no member link in the member column"
    return ""


def _pipe_table(text: str, lines, profile: SiteProfile) -> Table | None:
    header = _pipe_cells(text, lines[0])
    columns = _columns([(text[cell.content_start : cell.content_end], cell.column) for cell in header], profile)
    if MEMBER not in columns:
        return None
    data = [Row(start, end, tuple(_pipe_cells(text, (start, end, line)))) for start, end, line in lines[2:]]
    problems: list[str] = []
    rows = _with_fields(text, data, columns, problems, profile)
    return Table(lines[0][0], lines[-1][1], "pipe", columns, len(header), tuple(rows), lines[2][0] if len(lines) > 2
                 else lines[-1][1], lines[-1][1], tuple(problems))  # fmt: skip


def _pipe_cells(text: str, line) -> list[Cell]:
    start, _, raw = line
    body = raw.rstrip("\r\n")
    indent = len(body) - len(body.lstrip())
    inner = body.strip()
    lead = 1 if inner.startswith("|") else 0
    if inner.endswith("|") and not inner.endswith("\\|") and len(inner) > lead:
        inner = inner[:-1]
    cells, position = [], start + indent + lead
    for column, piece in enumerate(_split(inner[lead:], ("|",))):
        left = len(piece) - len(piece.lstrip())
        marker = "|" if column or lead else ""
        begin = position - len(marker)
        cells.append(Cell(begin, position + len(piece), marker, "", position + left, position + len(piece.rstrip()), False, column))
        position += len(piece) + 1
    return cells


def row_item(text: str, row: Row, table: Table, profile: SiteProfile) -> Item:
    """A row as a member entry: its markup, the member cell's links first, then the others'."""
    member = row.cell(table.columns[MEMBER])
    links: list[Link] = []
    if member is not None:
        content = text[member.content_start : member.content_end]
        found = item_links(content, profile)
        # A flag or icon template before the member's link ({{flagicon|CHN}} [[南京]]) is not the member.
        links += [link for link in found if not content.startswith("{{", link.start)] or list(found)
    country = row.cell(table.columns.get(COUNTRY, -1))
    if country is not None and links:
        links += item_links(text[country.content_start : country.content_end], profile)
    return Item(row.start, row.end, text[row.start : row.end], tuple(links))


def row_year(text: str, row: Row, table: Table) -> int | None:
    cell = row.cell(table.columns.get(YEAR, -1))
    digits = re.search(r"\d{4}", visible_text(text[cell.content_start : cell.content_end])) if cell else None
    return int(digits.group(0)) if digits else None


def row_country(text: str, row: Row, table: Table, profile: SiteProfile) -> Link | None:
    cell = row.cell(table.columns.get(COUNTRY, -1))
    links = item_links(text[cell.content_start : cell.content_end], profile) if cell else ()
    return links[0] if links else None


def has_table(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` holds a table of any kind (a member table or not)."""
    lines = [line for line in page_lines(text) if start <= line[0] and line[1] <= end]
    return any(line[2].lstrip().startswith("{|") for line in lines) or any(
        line[2].lstrip().startswith("|") and _PIPE_RULE.match(following[2].rstrip("\r\n"))
        for line, following in pairwise(lines)
    )
