"""A published member list read from a file (``linkbot members import --from FILE``): CSV with a
header row, or JSON (an array of objects), one member a row.

The registry's ``[columns]`` table says which column holds which field (member, section, country,
year, source; by default the field's own name). A bad row is one problem line naming the file and
the row's line (``members.csv:7: no member``) and the other rows are still read; a file that cannot
be read at all is an ``InputError``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

from bot.core.members.registry_diff import SourceMember
from bot.errors import InputError
from bot.inputs.files import read_page

Column = Callable[[str], str]  # field -> the source's column name


def read_member_source(path: str, column: Column) -> tuple[list[SourceMember], list[str]]:
    """The rows of a CSV or JSON file (by its extension; ``.json`` is JSON, anything else CSV) and one
    problem line per bad row."""
    text = read_page(path)
    rows = _json_rows(path, text) if Path(path).suffix.lower() == ".json" else _csv_rows(path, text)
    _check_columns(path, rows, column)
    members, problems = [], []
    for line, row in rows:
        member = _member(row, column, line)
        if isinstance(member, str):
            problems.append(f"{path}:{line}: {member}")
        else:
            members.append(member)
    return members, problems


def _csv_rows(path: str, text: str) -> list[tuple[int, dict]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        if not reader.fieldnames:
            raise InputError(path, "no header row (a CSV source needs its column names first)")
        reader.fieldnames = [name.strip() for name in reader.fieldnames]  # "城市, 类别" names 类别
        # The line a row ends on (blank lines are skipped; a quoted field may span lines).
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise InputError(path, f"line {reader.line_num}: not CSV: {error}") from None
    return rows


def _json_rows(path: str, text: str) -> list[tuple[int, dict]]:
    """The array's items, each with the line its value starts on."""
    decoder, rows = json.JSONDecoder(), []
    try:
        position = _skip(text, 0)
        if text[position : position + 1] != "[":
            raise InputError(path, "expected a JSON array of members ([{...}, ...])")
        position = _skip(text, position + 1)
        while text[position : position + 1] != "]":
            value, end = decoder.raw_decode(text, position)
            rows.append((text.count("\n", 0, position) + 1, value))
            position = _skip(text, end)
            if text[position : position + 1] == ",":
                position = _skip(text, position + 1)
            elif text[position : position + 1] != "]":
                raise ValueError("expected , or ] after an item")
        if _skip(text, position + 1) < len(text):
            position = _skip(text, position + 1)
            raise ValueError("more after the array's end")
    except RecursionError:  # arrays in arrays deeper than Python reads: no list of members
        raise InputError(path, f"line {text.count(chr(10), 0, position) + 1}: not JSON: nested too deep") from None
    except (ValueError, IndexError) as error:
        line = text.count("\n", 0, position) + 1
        raise InputError(path, f"line {line}: not JSON: {error}") from None
    return rows


def _check_columns(path: str, rows: list[tuple[int, dict]], column: Column) -> None:
    """A column the registry names that no row has is a wrong ``[columns]`` mapping: one line, not a
    problem for every row (and a diff saying the source lacks every member)."""
    present = {name for _, row in rows if isinstance(row, dict) for name in row}
    if not present:
        return
    for field in ("member", "section", "country", "year", "source"):
        name = column(field)
        # Optional fields are looked for under their own name by default: absent then is fine.
        if name not in present and (field in ("member", "section") or name != field):
            raise InputError(path, f"no column {name!r} for the {field} (the registry's [columns] {field}); "
                                   f"the source's columns: {', '.join(sorted(present))}")  # fmt: skip


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n\ufeff":
        position += 1
    return position


def _member(row, column: Column, line: int) -> SourceMember | str:
    """The row's member, or what is wrong with it."""
    if not isinstance(row, dict):
        return f"expected an object with {column('member')!r} and {column('section')!r}, not {type(row).__name__}"
    values = {field: _text(row.get(column(field))) for field in ("member", "section", "country", "year", "source")}
    for field in ("member", "section"):
        if not values[field]:
            return f"no {field} (column {column(field)!r})"
    year = values["year"]
    if year and not (year.isascii() and year.isdigit() and len(year) <= 4):
        return f"year {year[:12] + ('…' if len(year) > 12 else '')!r} is not a year (column {column('year')!r})"
    return SourceMember(values["member"], values["section"], values["country"], int(year) if year else None, values["source"], line)


def _text(value) -> str:
    return "" if value is None else str(value).strip()
