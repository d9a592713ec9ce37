"""A registry compared with a published list of its members (a CSV/JSON export, another wiki's page):
what an import would change in the registry.

Members added (in an existing or a new section), members whose section, country, year or spelling
differ, and the registry's members the source lacks: those are only reported, never removed by an
import (a source that misses members is far likelier partial than right). Names are compared as the
wiki compares titles, across simplified/traditional script, by target, label and aliases, after the
source's names are resolved to this wiki's titles (``resolved``: redirects, interlanguage links).
Applying the same source twice changes nothing the second time: a spelling the registry did not know
becomes an alias, a new member's source spelling too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.core.members.compare import member_keys
from bot.core.members.page import key
from bot.core.profile import SiteProfile
from bot.core.registry import Member, MemberList, name_problem


@dataclass(frozen=True)
class SourceMember:
    """One row of a source: a member as the source writes it, and where the row is (for messages)."""

    name: str
    section: str
    country: str = ""
    year: int | None = None
    source: str = ""
    line: int = 0


@dataclass(frozen=True)
class MemberDifference:
    """A registry member the source gives otherwise: ``field`` is section, country, year or spelling."""

    section: str  # the member's section in the registry
    target: str
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class RegistryDiff:
    added: tuple[tuple[str, Member], ...]  # (section, member), in the source's order
    new_sections: tuple[str, ...]
    differences: tuple[MemberDifference, ...]
    missing: tuple[tuple[str, Member], ...]  # registry members the source lacks: kept
    warnings: tuple[str, ...]

    @property
    def changes_registry(self) -> bool:
        return bool(self.added or self.new_sections or self.differences)


def registry_diff(
    registry: MemberList, rows: Sequence[SourceMember], profile: SiteProfile, resolved: Mapping[str, str] | None = None
) -> RegistryDiff:
    resolved = resolved or {}
    owners = {name: (section.name, member) for section in registry.sections for member in section.members for name in member_keys(member, profile)}
    sections = {key(name, profile): section.name for section in registry.sections for name in (section.name, *section.headings)}
    added, new_sections, differences, warnings = [], [], [], []
    matched: set[tuple[str, str]] = set()
    seen: set[str] = set()
    for row in rows:
        problem = next(filter(None, (unwritable(name, profile) for name in
                                     (row.name, resolved.get(row.name, ""), row.section, row.country, resolved.get(row.country, "")))), "")  # fmt: skip
        if problem:
            warnings.append(f"line {row.line}: {problem}; left out")
            continue
        title = resolved.get(row.name, row.name)
        keys = {key(row.name, profile), key(title, profile)}
        if keys & seen:
            warnings.append(f"line {row.line}: {row.name} is in the source more than once; the first row counts")
            continue
        seen |= keys
        section = sections.setdefault(key(row.section, profile), row.section)
        if section not in (*(s.name for s in registry.sections), *new_sections):
            new_sections.append(section)
        entry = next((owners[name] for name in keys if name in owners), None)
        if entry is None:
            added.append((section, _new_member(row, title, resolved, profile)))
            continue
        if (entry[0], entry[1].target) in matched:  # another name of a member an earlier row gave
            warnings.append(f"line {row.line}: {row.name} is {entry[1].target}, already in the source; the first row counts")
            continue
        matched.add((entry[0], entry[1].target))
        differences += _differences(entry[0], entry[1], row, section, resolved, profile)
    missing = [(s.name, m) for s in registry.sections for m in s.members if (s.name, m.target) not in matched]
    return RegistryDiff(tuple(added), tuple(new_sections), tuple(differences), tuple(missing), tuple(warnings))


def unwritable(name: str, profile: SiteProfile) -> str:
    """Why ``name`` from a source cannot become a registry name (it would write markup into pages, or
    a link that is no article: a category, a file, another wiki), or ""."""
    problem = name_problem(name)
    prefix, colon, _ = name.strip().partition(":")
    if not problem and colon and (name.strip().startswith(":") or profile.interwiki(prefix) is not None or
                                  ((namespace := profile.namespace(prefix)) is not None and namespace.id != 0)):  # fmt: skip
        problem = f"{name!r} is no article's title (its prefix {prefix + ':'!r} leads elsewhere)"
    return problem


def _new_member(row: SourceMember, title: str, resolved: Mapping[str, str], profile: SiteProfile) -> Member:
    aliases = (row.name,) if key(row.name, profile) != key(title, profile) else ()
    country = resolved.get(row.country, row.country)
    return Member(title, country_target=country, year=row.year, source=row.source, aliases=aliases)


def _differences(section: str, member: Member, row: SourceMember, wanted: str, resolved, profile) -> list[MemberDifference]:
    found = []
    if wanted != section:
        found.append(MemberDifference(section, member.target, "section", section, wanted))
    country = resolved.get(row.country, row.country)
    known = {key(name, profile) for name in (member.country_target, member.country_label) if name}
    if country and not {key(row.country, profile), key(country, profile)} & known:
        found.append(MemberDifference(section, member.target, "country", member.country_target, country))
    if row.year is not None and row.year != member.year:
        found.append(MemberDifference(section, member.target, "year", "" if member.year is None else str(member.year), str(row.year)))
    if key(row.name, profile) not in member_keys(member, profile):
        found.append(MemberDifference(section, member.target, "spelling", member.target, row.name))
    return found
