"""A registry diff (bot.core.members.registry_diff) written into the registry's TOML file with its
comments, order and layout kept (tomlkit): new members appended to their section, new sections at
the end, a moved member taken to its new section, a changed country or year set in place, a new
spelling added to the member's aliases. Nothing is removed. The file is replaced whole or not at
all, and never by a registry that does not load or has lost members."""

from __future__ import annotations

from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT

from bot.core.members.registry_diff import RegistryDiff
from bot.core.registry import member_list_from_dict, member_to_dict
from bot.errors import ConfigError
from bot.inputs.files import write_output


def write_diff(path: Path, diff: RegistryDiff) -> None:
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, TOMLKitError) as error:
        raise ConfigError(f"{path}: cannot read the registry: {error}") from None
    before = _count(document)
    apply_diff(document, diff)
    text = tomlkit.dumps(document)
    # What is written must load as a registry and hold every member it held: an import never empties one.
    after = member_list_from_dict(tomlkit.parse(text).unwrap(), str(path))
    if sum(len(section.members) for section in after.sections) < before:
        raise ConfigError(f"{path}: the edited registry would lose members; nothing written")
    write_output(str(path), text, "the registry")


def apply_diff(document: tomlkit.TOMLDocument, diff: RegistryDiff) -> None:
    sections = document["sections"]
    for name in diff.new_sections:
        table = tomlkit.table()
        table.update({"name": name, "headings": [name]})
        table.add(tomlkit.nl())
        sections.append(table)
    by_name = {str(section["name"]): section for section in sections}
    for difference in diff.differences:
        member = _member_table(by_name[difference.section], difference.target)
        if difference.field == "country":
            member["country_target"] = difference.new
            member.pop("country_label", None)  # the label shown was the old country's
        elif difference.field == "year":
            member["year"] = int(difference.new)
        elif difference.field == "spelling":
            member.setdefault("aliases", tomlkit.array()).append(difference.new)
    for difference in diff.differences:
        if difference.field == "section":
            members = by_name[difference.section]["members"]
            moved = _member_table(by_name[difference.section], difference.target)
            members.remove(moved)
            _append(by_name[difference.new], moved.unwrap())
    for section, member in diff.added:
        _append(by_name[section], member_to_dict(member))


def _count(document) -> int:
    return sum(len(section.get("members", [])) for section in document.get("sections", []))


def _append(section, fields: dict) -> None:
    """A member appended in the section's own form: a ``[[sections.members]]`` table, or an inline
    table on a line of its own in a ``members = [...]`` array."""
    if "members" not in section:
        section["members"] = tomlkit.aot()
    members = section["members"]
    if isinstance(members, AoT):
        table = tomlkit.table()
        table.update(fields)
        table.add(tomlkit.nl())
        members.append(table)
    else:
        # Written out and parsed back: tomlkit's own inline tables have no spaces inside the braces.
        pairs = ", ".join(f"{name} = {tomlkit.item(value).as_string()}" for name, value in fields.items())
        members.add_line(tomlkit.parse(f"member = {{ {pairs} }}")["member"], indent="    ")


def _member_table(section, target: str):
    return next(member for member in section.get("members", []) if str(member["target"]) == target)
