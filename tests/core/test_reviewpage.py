"""The review page's text: rendering, status fields, and the editors' text outside the markers."""

from __future__ import annotations

from bot.core import ZH_WIKIPEDIA, analyze
from bot.core.reviewpage import (
    BEGIN,
    END,
    changed_statuses,
    render,
    replace_bot_part,
    statuses,
)
from bot.queue.proposals import Proposal, QueuedChange


def proposal(pid: int = 3) -> Proposal:
    result = analyze('[A](../Page/A.md "wikilink") </nowiki> [B](https://zh.wikipedia.org/wiki/B)', ZH_WIKIPEDIA, title="页")
    items = tuple(QueuedChange(n, change, "pending") for n, change in enumerate(result.changes, 1))
    return Proposal(pid, "zh", "页", 7, "sha", result.text, result.diff, "pending", "", "run", None, None, items)


def test_render_and_read_back():
    part = render([proposal()], "LinkBot")
    assert part.startswith(BEGIN) and part.endswith(END)
    assert "== [[页]] (proposal 3, revision 7) ==" in part
    assert '<code><nowiki>[A](../Page/A.md "wikilink")</nowiki></code> → <code><nowiki>[[A]]</nowiki></code> (md-mirror)' in part
    assert statuses(part) == {(3, 1): "pending", (3, 2): "pending"}
    decided = part.replace("id=3.2|status=pending", "id=3.2|status= Reject ")
    assert statuses(decided)[(3, 2)] == "rejected"
    assert changed_statuses(part, decided) == {(3, 2): "rejected"}


def test_fields_outside_the_markers_do_not_count():
    page = "{{linkbot change|id=3.1|status=approve}}\n" + render([proposal()], "LinkBot")
    assert statuses(page)[(3, 1)] == "pending"


def test_editors_text_outside_the_markers_is_kept():
    page = "说明在上面。\n\n" + render([proposal()], "LinkBot") + "\n\n== 讨论 ==\n请看。"
    updated = replace_bot_part(page, render([], "LinkBot"))
    assert updated.startswith("说明在上面。\n\n" + BEGIN) and updated.endswith(END + "\n\n== 讨论 ==\n请看。")
    assert replace_bot_part("", render([], "LinkBot")).startswith(BEGIN)


def test_literal_text_cannot_escape_its_nowiki():
    from bot.core.reviewpage import _literal

    assert _literal("x</nowiki>{{bad}}", 100) == "<nowiki>x&lt;/nowiki&gt;{{bad}}</nowiki>"
    assert _literal("a" * 10, 5) == "<nowiki>aaaa…</nowiki>"
