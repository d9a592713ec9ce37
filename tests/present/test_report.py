"""The text report's lines about what was left alone."""

from __future__ import annotations

import dataclasses

from bot.core import ZH_WIKIPEDIA, analyze
from bot.present.report import describe_skips

PROTECTED = '<nowiki>[甲](../Page/甲.md "wikilink")</nowiki>'


def test_skips_are_reported_with_their_line_numbers():
    text = "\n".join([PROTECTED, "", "正文", PROTECTED, PROTECTED + " " + PROTECTED]) + "\n"
    result = analyze(text, ZH_WIKIPEDIA, title="T")
    lines = describe_skips("T", result)
    assert [line.split(":")[1] for line in lines] == ["1", "4", "5", "5"]
    # Out of page order (a caller's own selection) they are still right.
    reversed_result = dataclasses.replace(result, skipped=tuple(reversed(result.skipped)))
    assert [line.split(":")[1] for line in describe_skips("T", reversed_result)] == ["5", "5", "4", "1"]


def test_the_summary_table_stays_aligned_with_member_rules():
    from bot.present.report import PageCounts, Tally

    tally = Tally()
    tally.add(PageCounts(True, False, {"md-mirror": 3}, (("md-mirror", False), ("member-new-section", True)), ()))
    table = tally.render().splitlines()[1:]
    assert [line.split()[0] for line in table] == ["rule", "md-mirror", "member-new-section", "total"]
    assert len({len(line) for line in table}) == 1, table  # every column ends where its header ends
