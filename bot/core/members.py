"""Member lists on a page, compared with a registry: what to add, and what a person should look at.

Works on Markdown-converted pages (``### 文學之都`` headings, ``  - [A](…)-[B](…)`` items) and on
wikitext (``=== 文學之都 ===``, ``* [[A]]-[[B]]``). Only the registry's sections are member lists.
Members match across simplified/traditional script and by link target as well as by label.

- A registry member missing from its section is added in that section's own item style (marker,
  separator, canonical links), at the end, or in sorted position when the section is visibly sorted.
- A listed member that is not in the registry, a duplicate, or a member under the wrong section
  is proposed for removal as a change that needs review (never auto-approved).
- A stated total that disagrees with the list, a missing section and an unparseable item are
  warnings; nothing is proposed for such a section, and no list is ever rebuilt wholesale.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import mwparserfromhell
from mwparserfromhell.nodes import Template, Wikilink

from bot.core.detect import find_links
from bot.core.errors import MemberListError
from bot.core.labels import visible_text
from bot.core.markup import read_markup
from bot.core.model import Change, Display, Rule
from bot.core.profile import SiteProfile
from bot.core.registry import Member, MemberList, Section
from bot.core.titles import comparable
from bot.core.urls import Kind, resolve
from bot.core.variants import fold

_HEADING = re.compile(r"^(?:(#{1,6})[ \t]*(.+?)[ \t]*#*|(={1,6})[ \t]*(.+?)[ \t]*\3)[ \t]*$")
_ITEM = re.compile(r"^([ \t]*[-*+][ \t]+|[*#]+[ \t]*)\S")


@dataclass(frozen=True)
class Link:
    target: str
    label: str
    start: int  # within the line
    end: int


@dataclass(frozen=True)
class Item:
    start: int  # offsets of the whole line in the page, newline included
    end: int
    line: str
    links: tuple[Link, ...]

    @property
    def city(self) -> Link | None:
        return self.links[0] if self.links else None


@dataclass(frozen=True)
class PageSection:
    spec: Section
    heading_end: int  # where the section's body starts
    body_end: int
    items: tuple[Item, ...]
    unparsed: tuple[str, ...]  # item lines without a link


@dataclass(frozen=True)
class MemberReport:
    changes: tuple[Change, ...]
    warnings: tuple[str, ...]
    listed: int  # items found in the registry's sections


def member_changes(
    text: str, registry: MemberList, profile: SiteProfile, redirects: Mapping[str, str] | None = None
) -> MemberReport:
    """``redirects`` maps link targets to the pages they redirect to (from a live wiki), so a
    member linked through a redirect is still the same member."""
    sections, warnings = find_sections(text, registry, profile)
    owner = _owners(registry, profile)
    changes: list[Change] = []
    for section in sections:
        if not section.spec.members:
            # An empty registry section is far likelier a mistake than a list to empty.
            warnings.append(f"{registry.name}: the registry's section {section.spec.name} has no members; nothing proposed for it")
            continue
        if section.unparsed:
            warnings.append(
                f"{registry.name}: section {section.spec.name}: {len(section.unparsed)} item(s) without a link "
                f"(e.g. {section.unparsed[0].strip()[:40]!r}); nothing proposed for this section"
            )
            continue
        changes += _section_changes(text, section, registry, owner, profile, redirects or {})
    listed = sum(len(section.items) for section in sections)
    warnings += _total_warning(text, registry, listed)
    return MemberReport(tuple(sorted(changes, key=lambda c: (c.start, c.end))), tuple(warnings), listed)


def find_sections(text: str, registry: MemberList, profile: SiteProfile) -> tuple[list[PageSection], list[str]]:
    lines = _lines(text)
    headings = [(i, m) for i, (_, _, line) in enumerate(lines) if (m := _HEADING.match(line.rstrip("\r\n")))]
    sections, warnings = [], []
    for spec in registry.sections:
        keys = {_key(heading, profile) for heading in spec.headings}
        found = [(i, m) for i, m in headings if _key(m.group(2) or m.group(4), profile) in keys]
        if not found:
            warnings.append(f"{registry.name}: section {spec.name} not found on the page; nothing proposed for it")
            continue
        index, match = found[0]
        level = len(match.group(1) or match.group(3))
        following = [i for i, m in headings if i > index and len(m.group(1) or m.group(3)) <= level]
        stop = following[0] if following else len(lines)
        items, unparsed = _items(lines[index + 1 : stop], profile)
        body_end = lines[stop][0] if stop < len(lines) else len(text)
        sections.append(PageSection(spec, lines[index][1], body_end, tuple(items), tuple(unparsed)))
    return sections, warnings


def _lines(text: str) -> list[tuple[int, int, str]]:
    result, offset = [], 0
    for line in text.splitlines(keepends=True):
        result.append((offset, offset + len(line), line))
        offset += len(line)
    return result


def _items(lines, profile: SiteProfile) -> tuple[list[Item], list[str]]:
    items, unparsed = [], []
    for start, end, line in lines:
        if not _ITEM.match(line):
            continue
        links = item_links(line, profile)
        if links:
            items.append(Item(start, end, line, links))
        else:
            unparsed.append(line)
    return items, unparsed


def item_links(line: str, profile: SiteProfile) -> tuple[Link, ...]:
    """The page links of a list item, in order: wikilinks, Markdown/URL links, link templates."""
    links: list[Link] = []
    markup = read_markup(line, profile)
    for occurrence in find_links(line, markup).occurrences:
        resolved = resolve(occurrence.destination, profile, wikilink_hint=occurrence.title_attr == "wikilink")
        if resolved.kind is Kind.LOCAL and resolved.title is not None:
            label = visible_text(occurrence.label) if occurrence.label else resolved.title.text
            links.append(Link(resolved.title.text, label.replace("\\", ""), occurrence.start, occurrence.end))
    position = 0
    for node in mwparserfromhell.parse(line).nodes:
        text = str(node)
        if isinstance(node, Wikilink) and ":" not in str(node.title).strip()[:1]:
            target = str(node.title).strip()
            label = visible_text(text)
            links.append(Link(target, label, position, position + len(text)))
        elif isinstance(node, Template) and node.params and not node.params[0].showkey:
            value = node.params[0].value.strip_code().strip()
            if value:
                links.append(Link(value, value, position, position + len(text)))
        position += len(text)
    return tuple(sorted(links, key=lambda link: link.start))


def _key(text: str, profile: SiteProfile) -> str:
    return fold(comparable(text, profile), profile.variant_fold)


def member_keys(member: Member, profile: SiteProfile) -> set[str]:
    return {_key(name, profile) for name in (member.target, member.label, *member.aliases) if name}


def _item_keys(item: Item, profile: SiteProfile, redirects: Mapping[str, str]) -> set[str]:
    city = item.city
    if city is None:
        return set()
    names = {city.target, city.label, redirects.get(city.target, "")}
    return {_key(name, profile) for name in names if name}


def item_targets(text: str, registry: MemberList, profile: SiteProfile) -> list[str]:
    """The link targets of the items in the registry's sections (to look up redirects for)."""
    sections, _ = find_sections(text, registry, profile)
    return sorted({item.city.target for section in sections for item in section.items if item.city})


def _owners(registry: MemberList, profile: SiteProfile) -> dict[str, tuple[str, Member]]:
    """Every key of every member -> (its section, the member)."""
    table: dict[str, tuple[str, Member]] = {}
    for section in registry.sections:
        for member in section.members:
            for key in member_keys(member, profile):
                table.setdefault(key, (section.name, member))
    return table


def _section_changes(text, section: PageSection, registry, owner, profile, redirects) -> list[Change]:
    changes: list[Change] = []
    seen: set[str] = set()
    for item in section.items:
        keys = _item_keys(item, profile, redirects)
        entry = next((owner[key] for key in keys if key in owner), None)
        name = item.city.label if item.city else item.line.strip()
        if entry is None:
            changes.append(_removal(Rule.MEMBER_REMOVE, item, f"{name}（{section.spec.name}）", "not in the registry"))
        elif entry[0] != section.spec.name:
            changes.append(_removal(Rule.MEMBER_SECTION, item, f"{name}（{section.spec.name}）", f"the registry lists it under {entry[0]}"))
        elif keys & seen:
            changes.append(_removal(Rule.MEMBER_DUPLICATE, item, f"{name}（{section.spec.name}）", "listed twice in this section"))
        seen |= member_keys(entry[1], profile) if entry else keys
    for member in section.spec.members:
        if not member_keys(member, profile) & seen:
            changes.append(_addition(text, section, registry, member, profile))
            seen |= member_keys(member, profile)
    return changes


def _removal(rule: Rule, item: Item, subject: str, why: str) -> Change:
    return Change(rule, item.start, item.end, item.line, "", needs_review=True, display=Display.MEMBER, note=f"{subject}: {why}")


def _addition(text: str, section: PageSection, registry: MemberList, member: Member, profile: SiteProfile) -> Change:
    line = _new_item(section, registry, member)
    at, line = _insertion(text, section, member, line)
    note = f"{member.shown}（{section.spec.name}）"
    if member.source:
        note += f": {member.source}"
    return Change(Rule.MEMBER_ADD, at, at, "", line, display=Display.MEMBER, note=note)


def _new_item(section: PageSection, registry: MemberList, member: Member) -> str:
    city = _wikilink(member.target, member.shown)
    country = _wikilink(member.country_target, member.country_label or member.country_target) if member.country_target else ""
    style = section.items[-1] if section.items else None
    if style is None or style.city is None:
        return registry.item_format.format(city=city, country=country).rstrip() + "\n"
    prefix = style.line[: style.city.start]
    if len(style.links) > 1 and country:
        separator = style.line[style.city.end : style.links[1].start]
        return f"{prefix}{city}{separator}{country}\n"
    return f"{prefix}{city}\n"


def _wikilink(target: str, label: str) -> str:
    return f"[[{target}]]" if label == target or not label else f"[[{target}|{label}]]"


def _insertion(text: str, section: PageSection, member: Member, line: str) -> tuple[int, str]:
    items = section.items
    if not items:
        return section.heading_end, line
    labels = [item.city.label for item in items if item.city]
    if len(labels) >= 3 and labels == sorted(labels):
        for item in items:
            if item.city and item.city.label > member.shown:
                return item.start, line
    last = items[-1]
    if not text[last.start : last.end].endswith("\n"):
        return last.end, "\n" + line.rstrip("\n")
    return last.end, line


def _total_warning(text: str, registry: MemberList, listed: int) -> list[str]:
    if not registry.total_pattern:
        return []
    match = re.search(registry.total_pattern, text)
    if match is None:
        return []
    if not match.group(1) or not match.group(1).isdigit():
        return [f"{registry.name}: total_pattern matched {match.group(0)!r}, whose group 1 is not a number"]
    if int(match.group(1)) == listed:
        return []
    return [
        f"{registry.name}: the page states {match.group(1)} members ({match.group(0)!r}) but lists {listed}; "
        "not changed automatically"
    ]


def extract_member_list(text: str, profile: SiteProfile, name: str, pages: tuple[str, ...] = ()) -> MemberList:
    """A registry built from a page: every section whose list items start with a link to a page."""
    lines = _lines(text)
    headings = [(i, m) for i, (_, _, line) in enumerate(lines) if (m := _HEADING.match(line.rstrip("\r\n")))]
    sections = []
    for position, (index, match) in enumerate(headings):
        stop = headings[position + 1][0] if position + 1 < len(headings) else len(lines)
        items, unparsed = _items(lines[index + 1 : stop], profile)
        if not items or unparsed:
            continue
        heading = (match.group(2) or match.group(4)).strip()
        members = tuple(_member_from_item(item) for item in items)
        sections.append(Section(heading, (heading,), members))
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
