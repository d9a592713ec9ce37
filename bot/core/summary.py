"""Edit summaries: the changes counted per rule, in the wiki's language.

``机器人：修复 37 个链接（../Page/ 31，URL 6）``. The texts per language are data
(``SUMMARIES``), overridable from the configuration.
"""

from __future__ import annotations

import dataclasses
import re
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
    members: str = "member list {items}"  # member-list changes: {items} = "+南京（文學之都）、..."
    total: str = "total {old}→{new}"  # a stated total changed, among the member-list items
    item_separator: str = ", "
    part_separator: str = "; "


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
            "ext-interwiki": "跨维基外链",
            "category": "分类",
            "file": "文件",
            "md-external": "外部链接",
        },
        members="成员列表 {items}",
        total="总数 {old}→{new}",
        item_separator="、",
        part_separator="；",
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
            "ext-interwiki": "interwiki external link",
            "category": "category",
            "file": "file",
            "md-external": "external",
        },
    ),
}


_MEMBER_SIGNS = {Rule.MEMBER_ADD: "+", Rule.MEMBER_REMOVE: "−", Rule.MEMBER_DUPLICATE: "−", Rule.MEMBER_SECTION: "−",
                 Rule.MEMBER_NEW_SECTION: "+", Rule.MEMBER_TOTAL: ""}  # fmt: skip


def edit_summary(changes: Iterable[Change], language: str, texts: Mapping[str, SummaryText] = SUMMARIES) -> str:
    """The summary for one edit holding ``changes``: link fixes counted per rule (most common first),
    then member-list changes named one by one (``成员列表 +南京（文學之都）``)."""
    changes = list(changes)
    text = texts.get(language) or texts.get(language.split("-")[0]) or texts["en"]
    parts = []
    counts = Counter(change.rule for change in changes if change.rule not in _MEMBER_SIGNS)
    if counts:
        order = list(Rule)
        details = text.separator.join(
            text.detail.format(label=text.labels.get(rule.value, rule.value), count=count)
            for rule, count in sorted(counts.items(), key=lambda item: (-item[1], order.index(item[0])))
        )
        parts.append(text.template.format(count=sum(counts.values()), details=details))
    members = [_member_item(c, text) for c in changes if c.rule in _MEMBER_SIGNS]
    if members:
        parts.append(text.members.format(items=text.item_separator.join(members)))
    return text.part_separator.join(parts)


def _member_item(change: Change, text: SummaryText) -> str:
    if change.rule is Rule.MEMBER_TOTAL:
        return text.total.format(old=inert(change.old), new=inert(change.new))
    # The note names the member and its section, then why or how ("; rowspan 2→3", ": its source").
    return _MEMBER_SIGNS[change.rule] + inert(re.split(": |; ", change.note, maxsplit=1)[0])


# What an edit summary would read as markup (a link, a section link) or a page would if the summary is
# quoted (a template, a signature, a behaviour switch), in a name that comes from a page: shown as
# look-alike characters, never performed. (Entities are not decoded here: a name keeps its "&#91;".)
_MARKUP = str.maketrans({"[": "［", "]": "］", "{": "｛", "}": "｝", "|": "｜", "<": "＜", ">": "＞", "~": "～"})


def inert(name: str) -> str:
    """A name from a page as a summary may show it: brackets, braces, pipes, angle brackets and tildes
    as their full-width look-alikes, runs of underscores as one; the text otherwise as it is."""
    return re.sub(r"_{2,}", "_", name.translate(_MARKUP)).replace("/*", "/ *")


def summary_texts(tables: Mapping[str, Mapping[str, object]]) -> dict[str, SummaryText]:
    """The built-in texts with a configuration's ``[summary.LANG]`` tables laid over them (a new
    language starts from English); labels are merged rule by rule."""
    texts = dict(SUMMARIES)
    for language, table in tables.items():
        base = texts.get(language, SUMMARIES["en"])
        values = {key: value for key, value in table.items() if key != "labels"}
        texts[language] = dataclasses.replace(base, **values, labels={**base.labels, **table.get("labels", {})})
    return texts
