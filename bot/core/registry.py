"""A managed member list: which page(s), which sections, and the authoritative members of each.

Pure values and their conversion from/to plain dicts (the TOML files in ``config/lists/`` are
read and written at the edge, in bot.registries).
"""

from __future__ import annotations

from dataclasses import dataclass


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

    def section(self, name: str) -> Section | None:
        return next((section for section in self.sections if section.name == name), None)


class RegistryError(ValueError):
    """The registry's content is not valid; the message says where."""


def member_list_from_dict(data: dict, source: str = "registry") -> MemberList:
    try:
        sections = tuple(_section(entry) for entry in data.get("sections", []))
        if not sections:
            raise RegistryError("no [[sections]]")
        return MemberList(
            name=str(data["name"]),
            pages=tuple(str(page) for page in data.get("pages", [])),
            sections=sections,
            item_format=str(data.get("item_format", MemberList.item_format)),
            total_pattern=str(data.get("total_pattern", "")),
        )
    except KeyError as error:
        raise RegistryError(f"{source}: missing key {error.args[0]!r}") from None
    except (TypeError, ValueError) as error:
        raise RegistryError(f"{source}: {error}") from None


def _section(entry: dict) -> Section:
    name = str(entry["name"])
    headings = tuple(str(h) for h in entry.get("headings", [name]))
    members = tuple(
        Member(
            target=str(member["target"]),
            label=str(member.get("label", "")),
            country_target=str(member.get("country_target", "")),
            country_label=str(member.get("country_label", "")),
            year=int(member["year"]) if "year" in member else None,
            source=str(member.get("source", "")),
            aliases=tuple(str(alias) for alias in member.get("aliases", [])),
        )
        for member in entry.get("members", [])
    )
    return Section(name, headings, members)


def member_list_to_dict(member_list: MemberList) -> dict:
    data: dict = {"name": member_list.name, "pages": list(member_list.pages), "item_format": member_list.item_format}
    if member_list.total_pattern:
        data["total_pattern"] = member_list.total_pattern
    data["sections"] = [
        {"name": section.name, "headings": list(section.headings), "members": [_member_dict(m) for m in section.members]}
        for section in member_list.sections
    ]
    return data


def _member_dict(member: Member) -> dict:
    data: dict = {"target": member.target}
    for key in ("label", "country_target", "country_label", "source"):
        if getattr(member, key):
            data[key] = getattr(member, key)
    if member.year is not None:
        data["year"] = member.year
    if member.aliases:
        data["aliases"] = list(member.aliases)
    return data
