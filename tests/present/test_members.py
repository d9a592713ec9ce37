"""What members import prints (bot.present.members): one line per registry change, marked + ~ ? !."""

from __future__ import annotations

import pytest

from bot.core.members.registry_diff import MemberDifference, RegistryDiff
from bot.present.members import diff_text


@pytest.mark.parametrize(
    "difference, line",
    [
        (MemberDifference("文學之都", "南京", "spelling", "南京", "南京市"), "~ 文學之都: 南京: spelling 南京 → 南京市 (an alias; the target stays)"),
        (MemberDifference("文學之都", "愛丁堡", "year", "", "2004"), "~ 文學之都: 愛丁堡: year (none) → 2004"),
        (MemberDifference("文學之都", "南京", "section", "文學之都", "建筑之都"), "~ 文學之都: 南京: section 文學之都 → 建筑之都"),
    ],
)
def test_each_difference_is_one_line_saying_what_the_registry_gets(difference, line):
    text = diff_text("uccn", "unesco.csv", RegistryDiff((), (), (difference,), (), ()), "")
    assert text.splitlines()[1:] == [line, "nothing written (--write writes it)"]
