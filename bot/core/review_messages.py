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
    header: str  # a proposal's subpage: {bot}, {index} (the index page's title)
    heading: str  # {title}, {id}, {revision}
    needs_review: str
    proven: str  # beside a change MediaWiki's rendering proved
    pending: str  # the status labels the template shows
    approved: str
    rejected: str
    publish_summary: str  # the index page: {count}
    template_summary: str
    template_doc: str
    index_header: str  # {bot}
    index_columns: str  # the index table's column heads, separated by "!!"
    index_empty: str
    proposal_section: str
    proposal_field: str  # {approvable}, {rejectable}
    classes_section: str
    class_count: str  # {count}
    one_by_one: str
    samples: str
    changes_section: str
    added: str  # a member-list item added: its text follows
    removed: str
    closed: str  # a subpage with nothing left: {id}, {title}, {status}, {index}
    subpage_summary: str  # {title}, {count}
    closed_summary: str  # {title}
    rules: dict[str, str]  # rule id -> its name
    outcomes: dict[str, str]  # what readers get (bot.core.classes.Outcome) -> its description
    proofs: dict[str, str]  # proof state (bot.core.classes.ProofState) -> its description
    statuses: dict[str, str]  # a shown status (bot.queue.states.shown_status) -> its words; {decided}, {total}


_TABLES: dict[str, dict[str, str | dict[str, str]]] = {
    "en": {
        "header": (
            "This page lists the link changes [[User:{bot}|{bot}]] proposes for one page ([[{index}|all proposals]]). To "
            "decide, set a <code>status=</code> to <code>approve</code> or <code>reject</code> and save: the field of the "
            "whole proposal decides all its changes that do not need review (an approval only the proven ones), a class's "
            "field decides every change of that class listed here, a change's field that change. The bot takes a decision "
            "only from users allowed by its operator, verified from this page's history; it applies approved changes on its "
            "next run and then removes them from the list. Write anything else beside this list as plain text (no "
            "templates, no styled markup) or on the talk page: otherwise no decision here can be read."
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
            "Shows the status of a decision linkbot asks for on its review pages. Parameters: <code>id</code> "
            "(proposal.change, proposal/class, or the proposal) and <code>status</code>: <code>pending</code>, "
            "<code>approve</code> or <code>reject</code>. Maintained by the bot (<code>linkbot template</code>): edits "
            "here are overwritten."
        ),
        "index_header": (
            "[[User:{bot}|{bot}]] proposes link changes on the pages below, one subpage a proposal: decide on the "
            "subpage. The bot rewrites this list on each run."
        ),
        "index_columns": "Page!!Proposal!!Changes!!Undecided!!Status",
        "index_empty": "Nothing to review.",
        "proposal_section": "The whole proposal",
        "proposal_field": (
            "approve: its {approvable} change(s) proven by the wiki that do not need review; reject: its {rejectable} "
            "change(s) that do not need review"
        ),
        "classes_section": "Classes of changes",
        "class_count": "{count} change(s)",
        "one_by_one": "decided one by one below",
        "samples": "e.g.",
        "changes_section": "Changes one by one",
        "added": "adds",
        "removed": "removes",
        "closed": (
            "Proposal {id} for [[:{title}]] has nothing left to review here ({status}). The open proposals are listed "
            "on [[{index}]]."
        ),
        "subpage_summary": "linkbot: review of [[:{title}]], {count} undecided change(s)",
        "closed_summary": "linkbot: nothing left to review for [[:{title}]]",
        "rules": {
            "md-mirror": "Markdown → mirror page", "md-url": "Markdown → page URL", "ext-self": "external link to this wiki",
            "interwiki": "other wiki", "ext-interwiki": "external link to another wiki", "category": "category",
            "file": "file / image", "md-external": "Markdown → external site", "member-add": "member list: add",
            "member-remove": "member list: remove", "member-duplicate": "member list: duplicate",
            "member-section": "member list: wrong section", "member-new-section": "member list: new section",
            "member-total": "member list: stated total",
        },
        "outcomes": {
            "title": "the link shows its title, as the label did", "label": "the link keeps its label (piped to another title)",
            "trail": "the label is split into the link and its trail", "external": "an external link with its label",
            "url": "a bare address, shown as it is", "category-tag": "the text becomes a category tag (not shown in the text)",
            "interlanguage": "the text becomes an interlanguage link (shown beside the page)",
            "image": "the link becomes an embedded image", "numbered": "a numbered link now shows the title",
            "brackets": "stray brackets around the link go", "member": "a member-list item", "other": "something else: look at each",
        },
        "proofs": {
            "proven": "✔ proven by the wiki's parser", "disagrees": "the wiki's rendering disagrees",
            "unproven": "not proven by the wiki", "unasked": "no wiki asked (not proven)",
        },
        "statuses": {
            "undecided": "undecided", "partly decided": "partly decided {decided}/{total}", "decided": "decided",
            "applied": "applied", "stale": "stale (the page changed)", "superseded": "superseded by a newer scan",
            "failed": "failed",
        },
    },
    "zh-hans": {
        "header": (
            "本页列出[[User:{bot}|{bot}]]对一个页面建议的链接修改（[[{index}|全部提案]]）。要作决定，请将<code>status=</code>改为"
            "<code>approve</code>（批准）或<code>reject</code>（拒绝）后保存：整个提案的字段决定其所有无需人工复核的修改（批准时只含已验证的），"
            "某一类的字段决定本页所列该类的每项修改，某项修改的字段只决定该项。机器人只采纳运营者许可的用户所作的决定，"
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
            "在linkbot的审核页上显示一项待决定事项的状态。参数：<code>id</code>（提案.修改、提案/类别或提案）与<code>status</code>："
            "<code>pending</code>（待审核）、<code>approve</code>（批准）或<code>reject</code>（拒绝）。"
            "本模板由机器人维护（<code>linkbot template</code>），在此所作的编辑会被覆盖。"
        ),
        "index_header": "[[User:{bot}|{bot}]]对下列页面建议链接修改，每个提案一个子页面：请在子页面上决定。机器人每次运行时重写本列表。",
        "index_columns": "页面!!提案!!修改!!未决定!!状态",
        "index_empty": "没有需要审核的内容。",
        "proposal_section": "整个提案",
        "proposal_field": "批准：其中{approvable}项已由维基验证且无需人工复核的修改；拒绝：其中{rejectable}项无需人工复核的修改",
        "classes_section": "修改的类别",
        "class_count": "{count}项修改",
        "one_by_one": "在下方逐项决定",
        "samples": "例如",
        "changes_section": "逐项修改",
        "added": "添加",
        "removed": "移除",
        "closed": "[[:{title}]]的提案 {id} 在此已没有需要审核的内容（{status}）。未决的提案列于[[{index}]]。",
        "subpage_summary": "linkbot：[[:{title}]]的审核，{count}项修改未决定",
        "closed_summary": "linkbot：[[:{title}]]已没有需要审核的内容",
        "rules": {
            "md-mirror": "Markdown → 镜像站页面", "md-url": "Markdown → 页面网址", "ext-self": "指向本维基的外部链接",
            "interwiki": "其他维基", "ext-interwiki": "指向其他维基的外部链接", "category": "分类", "file": "文件／图像",
            "md-external": "Markdown → 外部网站", "member-add": "成员列表：添加", "member-remove": "成员列表：移除",
            "member-duplicate": "成员列表：重复", "member-section": "成员列表：章节错误",
            "member-new-section": "成员列表：新章节", "member-total": "成员列表：总数",
        },
        "outcomes": {
            "title": "链接显示其标题，与原标签相同", "label": "链接保留其标签（管道链接至另一标题）", "trail": "标签拆为链接及其后缀",
            "external": "带标签的外部链接", "url": "裸网址，按原样显示", "category-tag": "文字成为分类标签（正文中不显示）",
            "interlanguage": "文字成为跨语言链接（显示在页面旁）", "image": "链接成为嵌入的图像", "numbered": "编号链接现在显示标题",
            "brackets": "去掉链接周围多余的方括号", "member": "成员列表项", "other": "其他：请逐项查看",
        },
        "proofs": {
            "proven": "✔ 已由维基解析器验证", "disagrees": "维基的渲染结果不一致", "unproven": "未经维基验证",
            "unasked": "未询问维基（未验证）",
        },
        "statuses": {
            "undecided": "未决定", "partly decided": "部分已决定 {decided}/{total}", "decided": "已决定", "applied": "已保存",
            "stale": "已过时（页面已改动）", "superseded": "已被更新的扫描取代", "failed": "失败",
        },
    },
}  # fmt: skip


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
        table = {key: _converted(value, converter.convert) for key, value in _TABLES["zh-hans"].items()}
    else:
        table = _TABLES.get(language, _TABLES["en"])
    names = {field.name for field in fields(ReviewMessages)} - {"language"}
    return ReviewMessages(language=language if language in LANGUAGES else "en", **{name: table[name] for name in names})


def _converted(value: str | dict[str, str], convert) -> str | dict[str, str]:
    return {key: convert(text) for key, text in value.items()} if isinstance(value, dict) else convert(value)
