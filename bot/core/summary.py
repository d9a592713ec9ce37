"""Edit summaries: the changes counted per rule, in the wiki's language.

``机器人：修复 37 个链接（../Page/ 31，URL 6）``. The texts per language are data
(``SUMMARIES``), overridable from the configuration.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.core.model import Change, Rule


@dataclass(frozen=True)
class SummaryText:
    template: str  # with {count} and {details}
    separator: str
    detail: str  # with {label} and {count}
    labels: Mapping[str, str]


SUMMARIES: dict[str, SummaryText] = {
    "zh": SummaryText(
        "机器人：修复 {count} 个链接（{details}）",
        "，",
        "{label} {count}",
        {
            "md-mirror": "../Page/",
            "md-url": "URL",
            "ext-self": "站内外链",
            "interwiki": "跨语言",
            "category": "分类",
            "file": "文件",
            "md-external": "外部链接",
        },
    ),
    "en": SummaryText(
        "Bot: fixed {count} links ({details})",
        ", ",
        "{label} {count}",
        {
            "md-mirror": "../Page/",
            "md-url": "URL",
            "ext-self": "internal external link",
            "interwiki": "interwiki",
            "category": "category",
            "file": "file",
            "md-external": "external",
        },
    ),
}


def edit_summary(changes: Iterable[Change], language: str, texts: Mapping[str, SummaryText] = SUMMARIES) -> str:
    """The summary for one edit holding ``changes``; rules in their fixed order, most common first on ties."""
    counts = Counter(change.rule for change in changes)
    text = texts.get(language) or texts.get(language.split("-")[0]) or texts["en"]
    order = list(Rule)
    details = text.separator.join(
        text.detail.format(label=text.labels.get(rule.value, rule.value), count=count)
        for rule, count in sorted(counts.items(), key=lambda item: (-item[1], order.index(item[0])))
    )
    return text.template.format(count=sum(counts.values()), details=details)
