"""The review page's text: rendering, status fields as readers see them, and the editors' text outside the markers."""

from __future__ import annotations

import pytest

from bot.core import ZH_WIKIPEDIA, analyze
from bot.core.attribution import FieldDecision, PageRevision, decisions_from_history, statuses
from bot.core.reviewpage import BEGIN, END, bot_part, replace_bot_part
from bot.queue.records import Proposal, QueuedChange


def proposal(pid: int = 3) -> Proposal:
    result = analyze('[A](../Page/A.md "wikilink") </nowiki> [B](https://zh.wikipedia.org/wiki/B)', ZH_WIKIPEDIA, title="页")
    items = tuple(QueuedChange(n, change, "pending") for n, change in enumerate(result.changes, 1))
    return Proposal(pid, "zh", "页", 7, "sha", result.text, result.diff, "pending", "", "run", None, None, items)


def test_render_and_read_back():
    part = bot_part([proposal()], "LinkBot")
    assert part.startswith(BEGIN) and part.endswith(END)
    assert "== [[:页]] (proposal 3, revision 7) ==" in part
    assert '<code><nowiki>[A](../Page/A.md "wikilink")</nowiki></code> → <code><nowiki>[[A]]</nowiki></code> (md-mirror)' in part
    assert statuses(part) == {(3, 1): "pending", (3, 2): "pending"}
    decided = part.replace("id=3.2|status=pending", "id=3.2|status= Reject ")
    assert statuses(decided)[(3, 2)] == "rejected"
    history = [PageRevision(1, "LinkBot", part, published=True), PageRevision(2, "Editor", decided)]
    assert decisions_from_history(history, "LinkBot") == [FieldDecision(3, 2, "rejected", "Editor", 2)]


def test_fields_outside_the_markers_do_not_count():
    """A field beside the bot's part is a template there, which could show anything over the part: the
    page is not read at all; plain text beside it is."""
    page = "{{linkbot change|id=3.1|status=approve}}\n" + bot_part([proposal()], "LinkBot")
    assert statuses(page) == {}
    assert statuses("linkbot change id=3.1 status=approve\n" + bot_part([proposal()], "LinkBot"))[(3, 1)] == "pending"


def test_editors_text_outside_the_markers_is_kept():
    page = "说明在上面。\n\n" + bot_part([proposal()], "LinkBot") + "\n\n== 讨论 ==\n请看。"
    updated = replace_bot_part(page, bot_part([], "LinkBot"))
    assert updated.startswith("说明在上面。\n\n" + BEGIN) and updated.endswith(END + "\n\n== 讨论 ==\n请看。")
    assert replace_bot_part("", bot_part([], "LinkBot")).startswith(BEGIN)


def test_literal_text_cannot_escape_its_nowiki():
    from bot.core.reviewpage import literal

    assert literal("x</nowiki>{{bad}}", 100) == "<nowiki>x&lt;/nowiki&gt;&#123;&#123;bad}}</nowiki>"
    assert literal("a" * 10, 5) == "<nowiki>aaaa…</nowiki>"


def test_the_page_in_the_wikis_language():
    from bot.core.review_messages import review_messages

    hans = bot_part([proposal()], "LinkBot", review_messages("zh-hans"))
    hant = bot_part([proposal()], "LinkBot", review_messages("zh-hant"))
    assert "== [[:页]]（提案 3，修订版本 7） ==" in hans and "本页列出[[User:LinkBot|LinkBot]]建议的链接修改" in hans
    assert "== [[:页]]（提案 3，修訂版本 7） ==" in hant and "本頁列出[[User:LinkBot|LinkBot]]建議的鏈接修改" in hant
    assert statuses(hant) == statuses(hans) == statuses(bot_part([proposal()], "LinkBot"))  # the fields are the same


@pytest.mark.parametrize(("typed", "decision"), [
    ("approve", "approved"), ("批准", "approved"), ("拒絕", "rejected"), ("REJECT", "rejected"), ("", "pending"),
    (" Approved ", "approved"), ("\tpending ", "pending"), ("pending\n", None),
    # Anything but a plain word the bot knows makes the whole part unreadable (no field read): never taken for pending,
    # never read otherwise than readers see it.
    ("maybe", None), ("approve<!-- x -->", None), ("&#97;pprove", None), ("\xa0approve", None), ("{{lc:APPROVE}}", None),
    ("\'\'\'approve\'\'\'", None), ("[[approve]]", None), ("approve ~~~~", None), ("approve|status=reject", None),
])  # fmt: skip
def test_status_words(typed, decision):
    page = bot_part([proposal()], "LinkBot").replace("id=3.1|status=pending", f"id=3.1|status={typed}")
    assert statuses(page).get((3, 1)) == decision
    assert bool(statuses(page)) == (decision is not None)
