"""The review pages' text: a proposal's subpage (its fields, classes, sentences, names in the page's
language), the index, the closing text, status fields as readers see them, and the editors' text
outside the markers."""

from __future__ import annotations

import dataclasses

import pytest

from bot.core import ZH_WIKIPEDIA, analyze
from bot.core.attribution import FieldDecision, PageRevision, decisions_from_history, statuses
from bot.core.model import Change, Display, Rule
from bot.core.review_messages import review_messages
from bot.core.review_subpages import IndexRow, closed_part, index_part, status_words, subpage_part
from bot.core.reviewpage import BEGIN, END, FieldId, FieldKind, replace_bot_part
from bot.queue.records import Proposal, QueuedChange

INDEX = "User:LinkBot/Review"
PAGE = '见[A](../Page/A.md "wikilink")。[B](https://zh.wikipedia.org/wiki/B) </nowiki> 又[C](../Page/C.md "wikilink")'


def proposal(pid: int = 3, proofs: tuple[str, ...] = ("", "", "")) -> Proposal:
    """Proposal ``pid`` of PAGE: 3.1 and 3.3 md-mirror, 3.2 md-url; each change's proof as given."""
    result = analyze(PAGE, ZH_WIKIPEDIA, title="页")
    items = tuple(QueuedChange(n, dataclasses.replace(change, proof=proof), "pending")
                  for n, (change, proof) in enumerate(zip(result.changes, proofs, strict=True), 1))  # fmt: skip
    return Proposal(pid, "zh", "页", 7, "sha", result.text, result.diff, "pending", "", "run", None, None, items)


def proven() -> Proposal:
    return proposal(proofs=("proven", "proven", "proven"))


def part(shown: Proposal | None = None, language: str = "en") -> str:
    return subpage_part(shown or proposal(), "LinkBot", INDEX, review_messages(language))


def test_a_subpage_golden():
    text = part(proven())
    assert text.startswith(BEGIN) and text.endswith(END)
    assert "([[User:LinkBot/Review|all proposals]])" in text and "== [[:页]] (proposal 3, revision 7) ==" in text
    assert ("* {{linkbot change|id=3|status=pending}} approve: its 3 change(s) proven by the wiki that do not need review; "
            "reject: its 3 change(s) that do not need review") in text  # fmt: skip
    assert ("* {{linkbot change|id=3/md-mirror/title/proven|status=pending}} '''2 change(s)''': Markdown → mirror page · the link "
            "shows its title, as the label did · ✔ proven by the wiki's parser — e.g. <code><nowiki>[A](../Page/A.md \"wikilink\")"
            "</nowiki></code> → <code><nowiki>[[A]]</nowiki></code>; <code><nowiki>[C](../Page/C.md \"wikilink\")</nowiki></code> → "
            "<code><nowiki>[[C]]</nowiki></code>") in text  # fmt: skip
    assert ("* {{linkbot change|id=3.1|status=pending}} <code><nowiki>[A](../Page/A.md \"wikilink\")</nowiki></code> → <code><nowiki>"
            "[[A]]</nowiki></code> (Markdown → mirror page) ✔ proven by the wiki's parser<br /><small><nowiki>见</nowiki><b><nowiki>"
            "[A](../Page/A.md \"wikilink\")</nowiki></b><nowiki>。</nowiki></small>") in text  # fmt: skip
    assert statuses(text) == dict.fromkeys(["3", "3/md-url/title/proven", "3/md-mirror/title/proven", "3.1", "3.2", "3.3"], "pending")


def test_only_proven_classes_have_a_field():
    """Not proven (here: no wiki asked): no class field; the proposal's field rejects, approves none."""
    text = part()
    assert statuses(text) == dict.fromkeys(["3", "3.1", "3.2", "3.3"], "pending")
    assert "approve: its 0 change(s)" in text and "no wiki asked (not proven) — decided one by one below" in text
    assert "✔" not in text


def test_a_page_in_the_wikis_language():
    hans, hant = part(proven(), "zh-hans"), part(proven(), "zh-hant")
    assert "== [[:页]]（提案 3，修订版本 7） ==" in hans and "本页列出[[User:LinkBot|LinkBot]]" in hans
    assert "(Markdown → 镜像站页面) ✔ 已由维基解析器验证" in hans and "链接显示其标题，与原标签相同" in hans
    assert "== [[:页]]（提案 3，修訂版本 7） ==" in hant and "(Markdown → 鏡像站頁面) ✔ 已由維基解析器驗證" in hant
    assert "md-mirror)" not in hans and statuses(hant) == statuses(hans) == statuses(part(proven()))


def image_and_member() -> Proposal:
    base = proven()
    image = Change(Rule.FILE, 0, 1, "见", "[[File:X.png|thumb|X]]", needs_review=True, display=Display.IMAGE, proof="proven")
    added = Change(Rule.MEMBER_ADD, len(PAGE), len(PAGE), "", "\n* [[成员]]", display=Display.MEMBER, proof="proven")
    items = (*base.changes, QueuedChange(4, image, "pending"), QueuedChange(5, added, "pending"))
    return dataclasses.replace(base, changes=items)


def test_an_image_is_never_shown_proven_and_an_addition_shows_its_text():
    """A stored proof that says proven for an image (an older queue) shows no ✔, and gives no field above."""
    text = part(image_and_member())
    (image_line,) = [line for line in text.splitlines() if "id=3.4|" in line]
    assert "✔" not in image_line and "needs review" in image_line
    (image_class,) = [line for line in text.splitlines() if "embedded image" in line]
    assert "✔" not in image_class and "{{" not in image_class and "not proven by the wiki" in image_class
    (member_line,) = [line for line in text.splitlines() if "id=3.5|" in line]
    assert "adds <code><nowiki>* [[成员]]</nowiki></code>" in member_line and "<code></code>" not in text
    assert "<code><nowiki></nowiki></code>" not in text


def test_the_index_and_the_closing_text():
    rows = [IndexRow("页", 3, f"{INDEX}/3", 311, 309, "partly decided 2/311"), IndexRow("乙", 4, f"{INDEX}/4", 5, 5, "undecided")]
    text = index_part(rows, "LinkBot", review_messages("zh-hans"))
    assert "| [[:页]] || [[User:LinkBot/Review/3|3]] || 311 || 309 || 部分已决定 2/311" in text and "|| 未决定" in text
    assert statuses(text) == {} and "{{" not in text  # the index holds no field
    assert "没有需要审核的内容" in index_part([], "LinkBot", review_messages("zh-hans"))
    closed = closed_part(proposal(), "applied", INDEX, review_messages("zh-hant"))
    assert "[[:页]]的提案 3 在此已沒有需要審核的內容（已保存）" in closed and statuses(closed) == {}
    assert status_words("partly decided 2/311", review_messages("en")) == "partly decided 2/311"


def test_render_and_read_back():
    text = part()
    decided = text.replace("id=3.2|status=pending", "id=3.2|status= Reject ")
    assert statuses(decided)["3.2"] == "rejected"
    history = [PageRevision(1, "LinkBot", text, published=True), PageRevision(2, "Editor", decided)]
    (found,) = decisions_from_history(history, "LinkBot")
    assert found == FieldDecision("3.2", "rejected", "Editor", 2) and found.shown == frozenset(statuses(text))  # what the page listed


@pytest.mark.parametrize(("written", "expected"), [
    ("12.3", FieldId(FieldKind.CHANGE, 12, 3)), ("12", FieldId(FieldKind.PROPOSAL, 12)),
    ("12/md-mirror/title/proven", FieldId(FieldKind.CLASS, 12, class_id="md-mirror/title/proven")),
    ("12/md-mirror/title/proven/review", None), ("12/md-mirror/nothing/proven", None), ("12.", None), ("x", None), ("12/", None),
])  # fmt: skip
def test_field_ids(written, expected):
    assert FieldId.parse(written) == expected
    if expected:
        assert str(expected) == written


def test_fields_outside_the_markers_do_not_count():
    """A field beside the bot's part is a template there, which could show anything over the part: the
    page is not read at all; plain text beside it is."""
    assert statuses("{{linkbot change|id=3.1|status=approve}}\n" + part()) == {}
    assert statuses("linkbot change id=3.1 status=approve\n" + part())["3.1"] == "pending"


def test_editors_text_outside_the_markers_is_kept():
    page = "说明在上面。\n\n" + part() + "\n\n== 讨论 ==\n请看。"
    updated = replace_bot_part(page, closed_part(proposal(), "applied", INDEX, review_messages("en")))
    assert updated.startswith("说明在上面。\n\n" + BEGIN) and updated.endswith(END + "\n\n== 讨论 ==\n请看。")
    assert replace_bot_part("", part()).startswith(BEGIN)


def test_each_publication_is_stamped_with_its_base():
    """Two publications of the same part on different bases are different texts (an editor's status word on
    the second is not a revert to the first); whether a page holds a part ignores the stamp."""
    from bot.core.reviewpage import holds_part, stamped

    first, second = stamped(part(), 41), stamped(part(), 57)
    assert first != second and first.endswith("<!-- linkbot:published on revision 41 -->\n" + END)
    assert holds_part("说明\n" + second, part()) and holds_part(first, part()) and not holds_part(first, part(proven()))
    assert statuses(first) == statuses(part())
    history = [PageRevision(1, "LinkBot", first, published=True), PageRevision(2, "Editor", first.replace("id=3.1|status=pending", "id=3.1|status=approve"))]
    assert decisions_from_history(history, "LinkBot") == [FieldDecision("3.1", "approved", "Editor", 2)]


def test_literal_text_cannot_escape_its_nowiki():
    from bot.core.reviewpage import literal

    assert literal("x</nowiki>{{bad}}", 100) == "<nowiki>x&lt;/nowiki&gt;&#123;&#123;bad}}</nowiki>"
    assert literal("a" * 10, 5) == "<nowiki>aaaa…</nowiki>"


@pytest.mark.parametrize(("typed", "decision"), [
    ("approve", "approved"), ("批准", "approved"), ("拒絕", "rejected"), ("REJECT", "rejected"), ("", "pending"),
    (" Approved ", "approved"), ("\tpending ", "pending"), ("pending\n", None),
    # Anything but a plain word the bot knows makes the whole part unreadable (no field read): never taken for pending,
    # never read otherwise than readers see it.
    ("maybe", None), ("approve<!-- x -->", None), ("&#97;pprove", None), ("\xa0approve", None), ("{{lc:APPROVE}}", None),
    ("\'\'\'approve\'\'\'", None), ("[[approve]]", None), ("approve ~~~~", None), ("approve|status=reject", None),
])  # fmt: skip
@pytest.mark.parametrize("field", ["3.1", "3/md-mirror/title/proven", "3"])
def test_status_words(typed, decision, field):
    page = part(proven()).replace(f"id={field}|status=pending", f"id={field}|status={typed}")
    assert statuses(page).get(field) == decision
    assert bool(statuses(page)) == (decision is not None)
