"""The on-wiki review page's texts, per language: message tables, not strings in the code.

English and simplified Chinese are written here; traditional Chinese is the simplified table
converted by OpenCC (phrase by phrase, as bot.core.variants compares), so the two never drift.
A wiki's review language is configured (``[run] review_language``) or follows its content language.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache

LANGUAGES = ("en", "zh-hans", "zh-hant")


@dataclass(frozen=True)
class ReviewMessages:
    language: str
    header: str  # {bot}: the bot's account
    heading: str  # {title}, {id}, {revision}
    needs_review: str
    proven: str  # beside a change MediaWiki's rendering proved
    pending: str  # the status labels the template shows
    approved: str
    rejected: str
    publish_summary: str  # {count}
    template_summary: str
    template_doc: str


_TABLES: dict[str, dict[str, str]] = {
    "en": {
        "header": (
            "This page lists the link changes [[User:{bot}|{bot}]] proposes. To decide on a change, set its "
            "<code>status=</code> to <code>approve</code> or <code>reject</code> and save. The bot takes a decision "
            "only from users allowed by its operator, verified from this page's history; it applies approved "
            "changes on its next run and then removes them from the list. Write anything else beside this list as plain "
            "text (no templates, no styled markup) or on the talk page: otherwise no decision here can be read."
        ),
        "heading": "[[:{title}]] (proposal {id}, revision {revision})",
        "needs_review": "needs review",
        "proven": "✔ proven by the wiki's parser",
        "pending": "pending",
        "approved": "approved",
        "rejected": "rejected",
        "publish_summary": "linkbot: review list, {count} proposal(s)",
        "template_summary": "linkbot: the review page's status template",
        "template_doc": (
            "Shows the status of one change linkbot proposes on its review page. Parameters: <code>id</code> "
            "(proposal.change) and <code>status</code>: <code>pending</code>, <code>approve</code> or <code>reject</code>. "
            "Maintained by the bot (<code>linkbot template</code>): edits here are overwritten."
        ),
    },
    "zh-hans": {
        "header": (
            "本页列出[[User:{bot}|{bot}]]建议的链接修改。要决定某项修改，请将其<code>status=</code>改为"
            "<code>approve</code>（批准）或<code>reject</code>（拒绝）后保存。机器人只采纳运营者许可的用户所作的决定，"
            "并以本页的历史核实；已批准的修改在下次运行时保存，之后从列表中移除。列表以外的内容请写成纯文本（不用模板或带样式的标记）"
            "或写在讨论页，否则本页的决定无法读取。"
        ),
        "heading": "[[:{title}]]（提案 {id}，修订版本 {revision}）",
        "needs_review": "需人工复核",
        "proven": "✔ 已由维基解析器验证",
        "pending": "待审核",
        "approved": "已批准",
        "rejected": "已拒绝",
        "publish_summary": "linkbot：审核列表，{count} 个提案",
        "template_summary": "linkbot：审核页的状态模板",
        "template_doc": (
            "在linkbot的审核页上显示一项建议修改的状态。参数：<code>id</code>（提案.修改）与<code>status</code>："
            "<code>pending</code>（待审核）、<code>approve</code>（批准）或<code>reject</code>（拒绝）。"
            "本模板由机器人维护（<code>linkbot template</code>），在此所作的编辑会被覆盖。"
        ),
    },
}


def review_language(content_language: str, configured: str = "") -> str:
    """The review page's language: the configured one, else from the wiki's content language."""
    if configured:
        return configured
    code = content_language.lower()
    if code in ("zh-hant", "zh-tw", "zh-hk", "zh-mo"):
        return "zh-hant"
    return "zh-hans" if code == "zh" or code.startswith("zh-") else "en"


@lru_cache(maxsize=len(LANGUAGES))
def review_messages(language: str) -> ReviewMessages:
    """The table of ``language`` (one of LANGUAGES; anything else falls back to English)."""
    if language == "zh-hant":
        import opencc  # traditional Chinese is converted, never written twice

        converter = opencc.OpenCC("s2tw")  # Taiwan standard characters (為, 核), no phrase rewriting
        table = {key: converter.convert(value) for key, value in _TABLES["zh-hans"].items()}
    else:
        table = _TABLES.get(language, _TABLES["en"])
    names = {field.name for field in fields(ReviewMessages)} - {"language"}
    return ReviewMessages(language=language if language in LANGUAGES else "en", **{name: table[name] for name in names})
