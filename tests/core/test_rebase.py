"""Rebasing approved changes onto a page that changed since the scan."""

from __future__ import annotations

from bot.core import ZH_WIKIPEDIA, Options, analyze
from bot.core.rebase import rebase

BASE = '第一段 [A](../Page/A.md "wikilink")\n\n第二段 [B](../Page/B.md "wikilink")\n\n第三段。\n'


def approved(*olds: str):
    changes = analyze(BASE, ZH_WIKIPEDIA).changes
    return [change for change in changes if any(old in change.old for old in olds)]


def go(current: str, *olds: str):
    return rebase(BASE, current, approved(*olds), ZH_WIKIPEDIA, Options())


def test_unchanged_page_takes_exactly_the_approved_changes():
    rebased = go(BASE, "[A]")
    assert rebased.result.new_text == BASE.replace('[A](../Page/A.md "wikilink")', "[[A]]")
    assert [change.old for change in rebased.result.changes] == ['[A](../Page/A.md "wikilink")']


def test_edit_elsewhere_is_kept_and_changes_move():
    current = "新的开头。\n" + BASE.replace("第三段。", "第三段，改过。")
    rebased = go(current, "[A]", "[B]")
    assert rebased.result.new_text == "新的开头。\n第一段 [[A]]\n\n第二段 [[B]]\n\n第三段，改过。\n"


def test_edit_on_the_line_of_an_approved_change_is_stale():
    current = BASE.replace("第一段", "第一段（改）")
    rebased = go(current, "[A]")
    assert rebased.result is None and "changed since the scan" in rebased.reason


def test_edit_on_another_changes_line_does_not_matter():
    current = BASE.replace("第二段", "第二段（改）")
    assert go(current, "[A]").result.new_text.startswith("第一段 [[A]]\n")


def test_removed_link_is_stale():
    current = BASE.replace(' [A](../Page/A.md "wikilink")', "")
    assert go(current, "[A]").result is None
