"""What ``linkbot members import`` and ``linkbot members check`` print: a registry diff, and what a
registry and its pages disagree on, as plain text (a line per item, marked + ~ ? !) or one JSON object."""

from __future__ import annotations

import json

from bot.core.members.check import PageCheck
from bot.core.members.registry_diff import RegistryDiff
from bot.core.registry import Member

# A spelling difference changes no target: the reader must not take "南京 → 南京市" for a rename.
_KEPT = {"spelling": " (an alias; the target stays)"}


def diff_text(name: str, source: str, diff: RegistryDiff, written: str) -> str:
    """The diff, a line per change (bad rows go to standard error, not here)."""
    lines = [
        f"{name} from {source}: {len(diff.added)} member(s) to add, {len(diff.new_sections)} section(s) to add, "
        f"{len(diff.differences)} difference(s), {len(diff.missing)} member(s) the source lacks (kept)"
    ]
    lines += [f"+ section {section}" for section in diff.new_sections]
    lines += [f"+ {section}: {_member(member)}" for section, member in diff.added]
    lines += [f"~ {d.section}: {d.target}: {d.field} {d.old or '(none)'} → {d.new}{_KEPT.get(d.field, '')}" for d in diff.differences]
    for section in dict.fromkeys(section for section, _ in diff.missing):
        names = [member.target for name, member in diff.missing if name == section]
        lines.append(f"? {section}: {len(names)} not in the source (kept): {'、'.join(names)}")
    lines += [f"! {warning}" for warning in diff.warnings]
    if written:
        lines.append(f"written to {written}" if diff.changes_registry else "nothing to write: the registry has the source's members")
    elif diff.changes_registry:
        lines.append("nothing written (--write writes it)")
    return "\n".join(lines) + "\n"


def diff_json(name: str, source: str, diff: RegistryDiff, problems: list[str], written: str) -> str:
    record = {
        "list": name,
        "source": source,
        "added": [{"section": section, **_member_record(member)} for section, member in diff.added],
        "new_sections": list(diff.new_sections),
        "differences": [{"section": d.section, "target": d.target, "field": d.field, "old": d.old, "new": d.new} for d in diff.differences],
        "missing": [{"section": section, **_member_record(member)} for section, member in diff.missing],
        "warnings": list(diff.warnings),
        "problems": problems,
        "written": bool(written) and diff.changes_registry,
    }
    return json.dumps(record, ensure_ascii=False) + "\n"


def check_text(name: str, checks: list[PageCheck], snapshot: str = "") -> str:
    lines = [f"{name}: the registry reflects {snapshot}"] if snapshot else []
    for check in checks:
        verdict = "agrees" if check.agrees else "disagrees"
        lines.append(f"{name} / {check.page}: {verdict} ({check.listed} listed)")
        rows = [("add", item) for item in check.to_add] + [("remove", item) for item in check.to_remove]
        rows += [("new section", item) for item in check.new_sections]
        rows += [("total", check.total)] if check.total else []
        rows += [("warning", item) for item in check.warnings]
        if check.held:
            rows.append(("held", "a run proposes no member changes here: over [members] max_removal_share"))
        lines += [f"  {kind:<12} {item}" for kind, item in rows]
    return "\n".join(lines) + "\n"


def check_json(name: str, checks: list[PageCheck], snapshot: str = "") -> str:
    pages = [
        {
            "page": c.page, "agrees": c.agrees, "listed": c.listed, "add": list(c.to_add), "remove": list(c.to_remove),
            "new_sections": list(c.new_sections), "total": c.total, "warnings": list(c.warnings), "held": c.held,
        }
        for c in checks
    ]  # fmt: skip
    record = {"list": name, "snapshot": snapshot, "agrees": all(c.agrees for c in checks), "pages": pages}
    return json.dumps(record, ensure_ascii=False) + "\n"


def _member(member: Member) -> str:
    details = [detail for detail in (member.country_target, str(member.year or ""), member.source) if detail]
    also = f" (also {', '.join(member.aliases)})" if member.aliases else ""
    return member.target + (f" ({', '.join(details)})" if details else "") + also


def _member_record(member: Member) -> dict:
    return {"target": member.target, "country": member.country_target, "year": member.year, "source": member.source, "aliases": list(member.aliases)}
