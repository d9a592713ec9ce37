"""The rules as reviewers read them: a short label per rule id, the same in every way of reviewing."""

from __future__ import annotations

from bot.core.model import Rule

RULE_LABELS = {
    "md-mirror": "Markdown → mirror page",
    "md-url": "Markdown → page URL",
    "ext-self": "external link to this wiki",
    "interwiki": "other wiki",
    "ext-interwiki": "external link to another wiki",
    "category": "category",
    "file": "file / image",
    "md-external": "Markdown → external site",
    "member-add": "member list: add",
    "member-remove": "member list: remove",
    "member-duplicate": "member list: duplicate",
    "member-section": "member list: wrong section",
    "member-new-section": "member list: new section",
    "member-total": "member list: stated total",
}


def rule_label(rule: Rule | str) -> str:
    """``md-mirror`` -> "Markdown → mirror page" (an unknown id is shown as it is)."""
    value = str(rule)
    return RULE_LABELS.get(value, value)
