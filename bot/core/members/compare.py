"""A page's member list compared with its registry: the changes that bring it in step.

- A registry member missing from its section is added in that section's own item style
  (bot.core.members.style), at the end, or in sorted position when the section is visibly sorted.
- A listed member that is not in the registry, a duplicate, or a member under the wrong section
  is proposed for removal as a change that needs review (never auto-approved).
- A registry section the page lacks is proposed as a new section (bot.core.members.new_sections),
  and a stated total that disagrees with the registry as a new number (bot.core.members.totals),
  both for review.
- An unparseable item is a warning: nothing is proposed for its section, and no list is ever
  rebuilt wholesale. Members match across simplified/traditional script and by link target as
  well as by label.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.members.new_sections import new_sections
from bot.core.members.page import Item, key
from bot.core.members.sections import PageSection, find_sections
from bot.core.members.style import insertion, new_item
from bot.core.members.table_rows import group_change, row_addition, row_removal, spanned
from bot.core.members.totals import total_change
from bot.core.model import Change, Display, Rule
from bot.core.profile import SiteProfile
from bot.core.registry import Member, MemberList


@dataclass(frozen=True)
class MemberReport:
    changes: tuple[Change, ...]
    warnings: tuple[str, ...]
    listed: int  # items found in the registry's sections
    # Listed members the changes take off their section (removed or moved; not duplicates): a rowspan
    # group's one change may take several, so the removal guard counts these, not changes.
    removed: int = 0


def member_changes(
    text: str, registry: MemberList, profile: SiteProfile, redirects: Mapping[str, str] | None = None
) -> MemberReport:
    """``redirects`` maps link targets to the pages they redirect to (from a live wiki), so a
    member linked through a redirect is still the same member."""
    sections, missing = find_sections(text, registry, profile)
    owner, twice = _owners(registry, profile)
    if twice:
        # Each section would claim the member in turn: nothing stable could be proposed.
        more = f" (and {len(twice) - 1} more)" if len(twice) > 1 else ""
        why = f"{registry.name}: {twice[0]}{more}; nothing proposed for the list until each member is in one section"
        return MemberReport((), (why,), sum(len(section.items) for section in sections))
    warnings: list[str] = []
    changes: list[Change] = []
    removed = 0
    for section in sections:
        unreadable = _left_alone(section, registry.name)
        if unreadable:
            warnings.append(unreadable)
            continue
        section_changes, section_removed = _section_changes(text, section, owner, registry, profile, redirects or {})
        changes += section_changes
        removed += section_removed
    added, why = new_sections(text, registry, sections, profile)
    changes += added
    warnings += why if why else [] if added else missing
    listed = sum(len(section.items) for section in sections)
    total, total_warnings = total_change(text, registry, listed)
    # A total inside a line another change replaces (an item for removal) would be two changes of one text.
    kept = [one for one in total if not any(c.start < one.end and one.start < c.end for c in changes)]
    changes += kept
    warnings += total_warnings + [f"{registry.name}: the stated total {one.old} is in a line proposed for removal; not changed" for one in total if one not in kept]
    return MemberReport(tuple(sorted(map(_held, changes), key=lambda c: (c.start, c.end))), tuple(warnings), listed, removed)


def _left_alone(section: PageSection, name: str) -> str:
    """Why nothing is proposed for ``section`` ("" when its changes can be worked out)."""
    if not section.spec.members:
        # An empty registry section is far likelier a mistake than a list to empty.
        return f"{name}: the registry's section {section.spec.name} has no members; nothing proposed for it"
    if section.problems:
        return (f"{name}: section {section.spec.name}: cannot read it ({section.problems[0]}"
                f"{f' and {len(section.problems) - 1} more' if len(section.problems) > 1 else ''}); "
                "nothing proposed for this section")  # fmt: skip
    if section.unparsed:
        return (f"{name}: section {section.spec.name}: {len(section.unparsed)} item(s) without a link "
                f"(e.g. {section.unparsed[0].strip()[:40]!r}); nothing proposed for this section")  # fmt: skip
    return ""


def member_keys(member: Member, profile: SiteProfile) -> set[str]:
    return {key(name, profile) for name in (member.target, member.label, *member.aliases) if name}


def _item_keys(item: Item, profile: SiteProfile, redirects: Mapping[str, str]) -> set[str]:
    city = item.city
    if city is None:
        return set()
    names = {city.target, city.label, redirects.get(city.target, "")}
    return {key(name, profile) for name in names if name}


def item_targets(text: str, registry: MemberList, profile: SiteProfile) -> list[str]:
    """The link targets of the items in the registry's sections (to look up redirects for)."""
    sections, _ = find_sections(text, registry, profile)
    return sorted({item.city.target for section in sections for item in section.items if item.city})


def _owners(registry: MemberList, profile: SiteProfile) -> tuple[dict[str, tuple[str, Member]], list[str]]:
    """Every key of every member -> (its section, the member); and the members two sections claim."""
    table: dict[str, tuple[str, Member]] = {}
    twice: list[str] = []
    for section in registry.sections:
        for member in section.members:
            for name in member_keys(member, profile):
                first = table.setdefault(name, (section.name, member))[0]
                claimed = f"the registry lists {member.shown} under {first} and {section.name}"
                if first != section.name and claimed not in twice:
                    twice.append(claimed)
    return table, twice


def _section_changes(text, section: PageSection, owner, registry, profile, redirects) -> tuple[list[Change], int]:
    """The section's changes, and how many listed members they take off it."""
    removed, added = _differences(section, owner, profile, redirects)
    taken = sum(1 for rule, _ in removed.values() if rule is not Rule.MEMBER_DUPLICATE)
    if section.table is not None:
        return _table_changes(text, section, removed, added), taken
    changes = [_removal(rule, section.items[index], why) for index, (rule, why) in removed.items()]
    # A member the section links already, only not first in its item (after a flag template, say): adding
    # it may well list it twice, so a person looks first.
    linked = {key(name, profile) for item in section.items for link in item.links[1:] for name in (link.target, link.label)}
    additions = [_addition(text, section, registry, member, bool(member_keys(member, profile) & linked)) for member in added]
    return changes + additions, taken


def _differences(section: PageSection, owner, profile, redirects) -> tuple[dict[int, tuple[Rule, str]], list[Member]]:
    """The section's entries to remove (index -> rule, note) and the registry members to add."""
    removed: dict[int, tuple[Rule, str]] = {}
    seen: set[str] = set()
    for index, item in enumerate(section.items):
        keys = _item_keys(item, profile, redirects)
        entry = next((owner[name] for name in keys if name in owner), None)
        subject = f"{item.city.label if item.city else item.line.strip()}（{section.spec.name}）"
        if entry is None:
            removed[index] = (Rule.MEMBER_REMOVE, f"{subject}: not in the registry")
        elif entry[0] != section.spec.name:
            removed[index] = (Rule.MEMBER_SECTION, f"{subject}: the registry lists it under {entry[0]}")
        elif keys & seen:
            removed[index] = (Rule.MEMBER_DUPLICATE, f"{subject}: listed twice in this section")
        seen |= member_keys(entry[1], profile) if entry else keys
    added = []
    for member in section.spec.members:
        if not member_keys(member, profile) & seen:
            added.append(member)
            seen |= member_keys(member, profile)
    return removed, added


def _table_changes(text: str, section: PageSection, removed, added: list[Member]) -> list[Change]:
    """Rows: one change per row, or one for a whole ``rowspan`` group (bot.core.members.table_rows)."""
    if spanned(section):
        return [group_change(text, section, removed, added)] if removed or added else []
    changes = [row_removal(rule, section.rows[index], text, why) for index, (rule, why) in removed.items()]
    last_goes = len(section.rows) - 1 in removed
    return changes + [row_addition(text, section, member, _added_note(section, member), last_goes) for member in added]


# What an added line copies from the item or row it is written like that is more than list markup: a
# template or a tag (a flag, a note of another member), a style that hides it. (Names hold none: bot.core.registry.)
_COPIED = re.compile(r"\{\{|<|display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)|font-size\s*:\s*0|opacity\s*:\s*0|\bhidden\b", re.IGNORECASE)


def _held(change: Change) -> Change:
    """``change``, for review when it adds what it copies beyond list markup (never auto-approved unseen)."""
    if change.rule is not Rule.MEMBER_ADD or change.needs_review or not _COPIED.search(change.new):
        return change
    why = "it copies markup of the item or row it is written like (a template, a tag, a style): check it"
    return dataclasses.replace(change, needs_review=True, note=f"{change.note}; {why}" if change.note else why)


def _removal(rule: Rule, item: Item, note: str) -> Change:
    return Change(rule, item.start, item.end, item.line, "", needs_review=True, display=Display.MEMBER, note=note)


def _added_note(section: PageSection, member: Member) -> str:
    note = f"{member.shown}（{section.spec.name}）"
    return note + f": {member.source}" if member.source else note


def _addition(text: str, section: PageSection, registry: MemberList, member: Member, linked: bool = False) -> Change:
    at, line = insertion(text, section, member, new_item(section, registry, member))
    note = _added_note(section, member) + ("; the section links it already, not first in an item: check it is not listed" if linked else "")
    return Change(Rule.MEMBER_ADD, at, at, "", line, needs_review=linked, display=Display.MEMBER, note=note)
