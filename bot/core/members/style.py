"""A new entry in the style of its list: the item line written as the section's other items are
(marker, separator, canonical links), and where it goes (the end, or its sorted place when the
section is visibly sorted)."""

from __future__ import annotations

from bot.core.members.sections import PageSection
from bot.core.registry import Member, MemberList


def new_item(section: PageSection | None, registry: MemberList, member: Member) -> str:
    """``member``'s item line as ``section``'s last item is written (the registry's ``item_format``
    for a section without items to copy)."""
    city = wikilink(member.target, member.shown)
    country = wikilink(member.country_target, member.country_label or member.country_target) if member.country_target else ""
    style = section.items[-1] if section is not None and section.items else None
    if style is None or style.city is None:
        return registry.item_format.format(city=city, country=country).rstrip() + "\n"
    prefix = style.line[: style.city.start]
    if len(style.links) > 1 and country:
        separator = style.line[style.city.end : style.links[1].start]
        return f"{prefix}{city}{separator}{country}\n"
    return f"{prefix}{city}\n"


def wikilink(target: str, label: str) -> str:
    return f"[[{target}]]" if label == target or not label else f"[[{target}|{label}]]"


def insertion(text: str, section: PageSection, member: Member, line: str) -> tuple[int, str]:
    """Where ``line`` goes in ``section`` (an offset in ``text``), and the line as inserted there."""
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
