"""The review page's text: rendering, status fields, and the editors' text outside the markers."""

from __future__ import annotations

import pytest

from bot.core import ZH_WIKIPEDIA, analyze
from bot.core.reviewpage import (
    BEGIN,
    END,
    FieldDecision,
    PageRevision,
    bot_part,
    decisions_from_history,
    replace_bot_part,
    statuses,
)
from bot.queue.records import Proposal, QueuedChange


def proposal(pid: int = 3) -> Proposal:
    result = analyze('[A](../Page/A.md "wikilink") </nowiki> [B](https://zh.wikipedia.org/wiki/B)', ZH_WIKIPEDIA, title="页")
    items = tuple(QueuedChange(n, change, "pending") for n, change in enumerate(result.changes, 1))
    return Proposal(pid, "zh", "页", 7, "sha", result.text, result.diff, "pending", "", "run", None, None, items)


def test_render_and_read_back():
    part = bot_part([proposal()], "LinkBot")
    assert part.startswith(BEGIN) and part.endswith(END)
    assert "== [[页]] (proposal 3, revision 7) ==" in part
    assert '<code><nowiki>[A](../Page/A.md "wikilink")</nowiki></code> → <code><nowiki>[[A]]</nowiki></code> (md-mirror)' in part
    assert statuses(part) == {(3, 1): "pending", (3, 2): "pending"}
    decided = part.replace("id=3.2|status=pending", "id=3.2|status= Reject ")
    assert statuses(decided)[(3, 2)] == "rejected"
    history = [PageRevision(1, "LinkBot", part), PageRevision(2, "Editor", decided)]
    assert decisions_from_history(history, "LinkBot") == [FieldDecision(3, 2, "rejected", "Editor", 2)]


def test_fields_outside_the_markers_do_not_count():
    page = "{{linkbot change|id=3.1|status=approve}}\n" + bot_part([proposal()], "LinkBot")
    assert statuses(page)[(3, 1)] == "pending"


def test_editors_text_outside_the_markers_is_kept():
    page = "说明在上面。\n\n" + bot_part([proposal()], "LinkBot") + "\n\n== 讨论 ==\n请看。"
    updated = replace_bot_part(page, bot_part([], "LinkBot"))
    assert updated.startswith("说明在上面。\n\n" + BEGIN) and updated.endswith(END + "\n\n== 讨论 ==\n请看。")
    assert replace_bot_part("", bot_part([], "LinkBot")).startswith(BEGIN)


def test_literal_text_cannot_escape_its_nowiki():
    from bot.core.reviewpage import _literal

    assert _literal("x</nowiki>{{bad}}", 100) == "<nowiki>x&lt;/nowiki&gt;{{bad}}</nowiki>"
    assert _literal("a" * 10, 5) == "<nowiki>aaaa…</nowiki>"


PUBLISHED = bot_part([proposal()], "LinkBot")
APPROVED = PUBLISHED.replace("id=3.1|status=pending", "id=3.1|status=approve")
REJECTED = PUBLISHED.replace("id=3.1|status=pending", "id=3.1|status=reject")
BROKEN_MARKER = APPROVED.replace(END, "<!-- linkbot:en")


# (name, revisions after the bot's publication: (user, text, restores), expected (decision, author, restored_by))
HISTORIES = [
    ("a_decision", [("Editor", APPROVED, False)], [("approved", "Editor", "")]),
    ("blanked_then_restored_by_undo",
     [("Newbie", APPROVED, False), ("Vandal", "", False), ("Editor", APPROVED, True)],
     [("approved", "Newbie", "")]),
    ("blanked_then_restored_by_hand",  # the same text saved again: still the first author's
     [("Newbie", APPROVED, False), ("Vandal", "lol", False), ("Editor", APPROVED, False)],
     [("approved", "Newbie", "")]),
    ("marker_broken_then_fixed",
     [("Newbie", APPROVED, False), ("Someone", BROKEN_MARKER, False), ("Editor", APPROVED, False)],
     [("approved", "Newbie", "")]),
    ("approved_while_breaking_the_marker_then_fixed",
     [("Newbie", BROKEN_MARKER, False), ("Editor", APPROVED, False)],
     [("approved", "Newbie", "")]),
    ("reverted_then_the_revert_undone",
     [("Newbie", APPROVED, False), ("Editor", PUBLISHED, True), ("Other", APPROVED, True)],
     [("approved", "Newbie", ""), ("approved", "Newbie", "Other")]),
    ("a_trusted_editor_decides_after_setting_pending",
     [("Newbie", APPROVED, False), ("Editor", PUBLISHED, False), ("Editor", APPROVED, False)],
     [("approved", "Newbie", ""), ("approved", "Editor", "")]),
    ("a_vandal_overturns_then_an_undo_brings_the_decision_back",
     [("Editor", APPROVED, False), ("Vandal", REJECTED, False), ("Other", APPROVED, True)],
     [("approved", "Editor", ""), ("rejected", "Vandal", ""), ("approved", "Editor", "Other")]),
    ("the_bots_own_revisions_decide_nothing", [("LinkBot", APPROVED, False)], []),
    ("a_forged_signature_is_text", [("Newbie", APPROVED + "\napproved by [[User:Editor]] ~~~~", False)],
     [("approved", "Newbie", "")]),
]  # fmt: skip


@pytest.mark.parametrize("name, edits, expected", HISTORIES, ids=[h[0] for h in HISTORIES])
def test_decisions_belong_to_who_changed_the_field(name, edits, expected):
    history = [PageRevision(1, "LinkBot", PUBLISHED)]
    history += [PageRevision(n, user, text, restores) for n, (user, text, restores) in enumerate(edits, 2)]
    found = decisions_from_history(history, "LinkBot")
    assert [(d.decision, d.user, d.restored_by) for d in found] == expected


def test_the_page_in_the_wikis_language():
    from bot.core.review_messages import review_messages

    hans = bot_part([proposal()], "LinkBot", review_messages("zh-hans"))
    hant = bot_part([proposal()], "LinkBot", review_messages("zh-hant"))
    assert "== [[页]]（提案 3，修订版本 7） ==" in hans and "本页列出[[User:LinkBot|LinkBot]]建议的链接修改" in hans
    assert "== [[页]]（提案 3，修訂版本 7） ==" in hant and "本頁列出[[User:LinkBot|LinkBot]]建議的鏈接修改" in hant
    assert statuses(hant) == statuses(hans) == statuses(bot_part([proposal()], "LinkBot"))  # the fields are the same


@pytest.mark.parametrize(("typed", "decision"), [("approve", "approved"), ("批准", "approved"), ("拒絕", "rejected"), ("REJECT", "rejected"), ("maybe", "pending")])
def test_status_words(typed, decision):
    page = bot_part([proposal()], "LinkBot").replace("id=3.1|status=pending", f"id=3.1|status={typed}")
    assert statuses(page)[(3, 1)] == decision
