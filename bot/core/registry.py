"""A managed member list: which page(s), which sections, and the authoritative members of each.

Pure values and their conversion from/to plain dicts (the TOML files in ``config/lists/`` are
read and written at the edge, in bot.inputs.registries).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from bot.core.errors import RegistryError


@dataclass(frozen=True)
class Member:
    target: str  # the member's page (link target)
    label: str = ""  # how the list shows it ("" = the target)
    country_target: str = ""
    country_label: str = ""
    year: int | None = None
    source: str = ""
    aliases: tuple[str, ...] = ()  # other names or former targets that are the same member

    @property
    def shown(self) -> str:
        return self.label or self.target


@dataclass(frozen=True)
class Section:
    name: str
    headings: tuple[str, ...]  # heading texts that open this section (compared across scripts)
    members: tuple[Member, ...]


@dataclass(frozen=True)
class MemberList:
    name: str
    pages: tuple[str, ...]
    sections: tuple[Section, ...]
    item_format: str = "* {city}-{country}"  # for a section that has no item to copy the style from
    total_pattern: str = ""  # a regex whose group 1 is the total the page states, e.g. 该网络由(\d+)个城市
    snapshot: str = ""  # which published state of the list the registry reflects (for the operator)
    # How an imported source (CSV/JSON, ``linkbot members import``) names its columns: field -> column.
    columns: tuple[tuple[str, str], ...] = ()

    def column(self, field: str) -> str:
        """The source column that holds ``field`` (member, section, country, year, source)."""
        return dict(self.columns).get(field, field)

    def section(self, name: str) -> Section | None:
        return next((section for section in self.sections if section.name == name), None)


# The fields an imported source row may give (``[columns]`` maps them to a source's column names).
IMPORT_FIELDS = ("member", "section", "country", "year", "source")

# The keys a registry may hold, at its top, in a [[sections]] entry and in a member.
_KEYS = {
    "registry": ("name", "pages", "item_format", "total_pattern", "snapshot", "columns", "sections"),
    "columns": IMPORT_FIELDS,
    "section": ("name", "headings", "members"),
    "member": ("target", "label", "country_target", "country_label", "year", "source", "aliases"),
}


def member_list_from_dict(data: dict, source: str = "registry") -> MemberList:
    try:
        _known_keys(data, "registry", "")
        for number, entry in enumerate(data.get("sections", []), 1):
            where = f"[[sections]] {number} ({entry.get('name', '?')})" if isinstance(entry, dict) else f"[[sections]] {number}"
            _known_keys(entry, "section", where)
            for index, member in enumerate(entry.get("members", []), 1):
                _known_keys(member, "member", f"{where} member {index}")
        _known_keys(data.get("columns", {}), "columns", "[columns]")
        _check_pattern(str(data.get("total_pattern", "")))
        sections = tuple(_section(entry, number) for number, entry in enumerate(data.get("sections", []), 1))
        if not sections:
            raise RegistryError("no [[sections]]")
        return MemberList(
            name=str(data["name"]),
            pages=_texts(data.get("pages", []), "pages"),
            sections=sections,
            item_format=str(data.get("item_format", MemberList.item_format)),
            total_pattern=str(data.get("total_pattern", "")),
            snapshot=str(data.get("snapshot", "")),
            columns=tuple((str(field), str(column)) for field, column in data.get("columns", {}).items()),
        )
    except KeyError as error:
        raise RegistryError(f"{source}: missing key {error.args[0]!r}") from None
    except (TypeError, ValueError, RegistryError) as error:
        raise RegistryError(f"{source}: {error}") from None


# What a name may not hold: linkbot writes names into the page between ``[[`` and ``]]`` and as heading
# text, where these are markup (a link's end, a template, a tag, a table's cell, a new line), or what the
# pre-save transform rewrites (``~~~`` signs; ``__TOC__`` switches, ``''`` bold and italics, ``&lt;`` entities).
_MARKUP = re.compile(r"[\[\]{}|<>\n\r\t\x00-\x1f\x7f]|~~~|''|__|&#?\w+;|^=|=$")


def name_problem(name: str) -> str:
    """Why ``name`` (a member's, a country's, a section's) cannot be written into a page as it is, or ""."""
    found = _MARKUP.search(name.strip())
    return f"{name!r} holds {found.group()!r}, which is wikitext markup, not part of a name" if found else ""


def _checked(name: str, where: str) -> str:
    problem = name_problem(name)
    if problem:
        raise RegistryError(f"{where}: {problem}")
    return name


def _known_keys(table, kind: str, where: str) -> None:
    if not isinstance(table, dict):
        raise RegistryError(f"{where or 'the registry'}: expected a table, not {table!r}")
    for key in table:
        if key not in _KEYS[kind]:
            close = difflib.get_close_matches(key, _KEYS[kind], n=1)
            hint = f" (did you mean {close[0]}?)" if close else f" (known: {', '.join(_KEYS[kind])})"
            raise RegistryError(f"{where + ': ' if where else ''}{key}: unknown key{hint}")


def _check_pattern(pattern: str) -> None:
    if not pattern:
        return
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise RegistryError(f"total_pattern: not a regular expression ({error})") from None
    if compiled.groups < 1:
        raise RegistryError("total_pattern: needs a group for the number, e.g. 该网络由(\\d+)个城市")


def _section(entry: dict, number: int) -> Section:
    name = _checked(str(entry["name"]), f"[[sections]] {number}: name")
    where = f"[[sections]] {number} ({name})"
    headings = tuple(_checked(heading, f"{where}: headings") for heading in _texts(entry.get("headings", [name]), f"{where}: headings"))
    members = tuple(_member(member, f"{where} member {index}") for index, member in enumerate(entry.get("members", []), 1))
    return Section(name, headings, members)


def _member(member: dict, where: str) -> Member:
    def name(field: str) -> str:
        return _checked(str(member.get(field, "")), f"{where}: {field}")

    return Member(
        target=_checked(str(member["target"]), f"{where}: target"),
        label=name("label"),
        country_target=name("country_target"),
        country_label=name("country_label"),
        year=_year(member.get("year"), where),
        source=str(member.get("source", "")),
        aliases=tuple(_checked(alias, f"{where}: aliases") for alias in _texts(member.get("aliases", []), f"{where}: aliases")),
    )


def _texts(value, where: str) -> tuple[str, ...]:
    """A list of texts; a lone string is refused (it would be read as its characters: 文, 學, …)."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise RegistryError(f"{where}: expected a list of texts, e.g. [{str(value)!r}], not {value!r}")
    return tuple(value)


def _year(value, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise RegistryError(f"{where}: year: {value!r} is not a year (a number, e.g. 2025)")
    return value


def member_list_to_dict(member_list: MemberList) -> dict:
    data: dict = {"name": member_list.name, "pages": list(member_list.pages), "item_format": member_list.item_format}
    if member_list.total_pattern:
        data["total_pattern"] = member_list.total_pattern
    if member_list.snapshot:
        data["snapshot"] = member_list.snapshot
    if member_list.columns:
        data["columns"] = dict(member_list.columns)
    data["sections"] = [
        {"name": section.name, "headings": list(section.headings), "members": [member_to_dict(m) for m in section.members]}
        for section in member_list.sections
    ]
    return data


def member_to_dict(member: Member) -> dict:
    """A member as its registry table holds it: only the keys it has."""
    data: dict = {"target": member.target}
    for key in ("label", "country_target", "country_label", "source"):
        if getattr(member, key):
            data[key] = getattr(member, key)
    if member.year is not None:
        data["year"] = member.year
    if member.aliases:
        data["aliases"] = list(member.aliases)
    return data
