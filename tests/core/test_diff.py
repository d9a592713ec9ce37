"""The reviewer's diff: what it shows, and that GNU patch turns the old page into the new one with it."""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.diff import unified_diff


def edited(old: str, edits: list[tuple[int, int, str]]) -> tuple[str, list, list]:
    """The new text and the old and new spans of ``edits`` (start, end, replacement; in order)."""
    pieces, old_spans, new_spans, cursor, length = [], [], [], 0, 0
    for start, end, replacement in edits:
        pieces.append(old[cursor:start])
        length += start - cursor
        old_spans.append((start, end))
        new_spans.append((length, length + len(replacement)))
        pieces.append(replacement)
        length += len(replacement)
        cursor = end
    pieces.append(old[cursor:])
    return "".join(pieces), old_spans, new_spans


def patched(tmp_path, old: str, diff: str) -> str:
    page = tmp_path / "page.txt"
    page.write_bytes(old.encode())
    if diff:
        subprocess.run(["patch", "--quiet", "--force", str(page)], input=diff.encode(), check=True, timeout=30)
    return page.read_bytes().decode()


LIST = "### 文學之都\n\n  - [[A]]\n  - [[B]]\n\n### 電影之都\n\n  - [[C]]\n"
B = LIST.index("  - [[B]]")
AFTER_B = B + len("  - [[B]]\n")
HEADING = LIST.index("### 電影")

GROUP = '{| class="wikitable"\n! 类别 !! 城市\n|-\n| rowspan="2" | 文學之都 || [[A]]\n|-\n| [[B]]\n|}\n'
GROUP_AFTER = '|-\n| rowspan="3" | 文學之都 || [[A]]\n|-\n| [[B]]\n|-\n| [[C]]\n'

CASES = [
    # (name, old, edits, the diff's body lines after the hunk header)
    ("a line inserted before a blank line", LIST, [(AFTER_B, AFTER_B, "  - [[D]]\n")],
     ["   - [[A]]", "   - [[B]]", "+  - [[D]]", " ", " ### 電影之都", " "]),
    ("a line removed", LIST, [(B, AFTER_B, "")],
     [" ", "   - [[A]]", "-  - [[B]]", " ", " ### 電影之都", " "]),
    ("a section inserted before a heading", LIST, [(HEADING, HEADING, "### 建筑之都\n\n  - [[E]]\n\n")],
     ["   - [[B]]", " ", "+### 建筑之都", "+", "+  - [[E]]", "+", " ### 電影之都", " ", "   - [[C]]"]),
    ("a line appended at the end", LIST, [(len(LIST), len(LIST), "  - [[F]]\n")],
     [" ### 電影之都", " ", "   - [[C]]", "+  - [[F]]"]),
    ("a change inside a line", LIST, [(LIST.index("[[A]]") + 2, LIST.index("[[A]]") + 3, "Z")],
     ["-  - [[A]]", "+  - [[Z]]"]),
    ("text joined to the start of a line", LIST, [(B, B, "x")],
     ["-  - [[B]]", "+x  - [[B]]"]),
    ("a row group rewritten as one change shows its kept rows as context", GROUP,
     [(GROUP.index("|-"), GROUP.index("|}"), GROUP_AFTER)],
     [" |-", '-| rowspan="2" | 文學之都 || [[A]]', '+| rowspan="3" | 文學之都 || [[A]]', " |-", " | [[B]]", "+|-", "+| [[C]]",
      " |}"]),
]


@pytest.mark.parametrize("name, old, edits, body", CASES, ids=[case[0] for case in CASES])
def test_diff_shows_exactly_the_changed_lines(tmp_path, name, old, edits, body):
    new, old_spans, new_spans = edited(old, edits)
    diff = unified_diff(old, new, "page", old_spans, new_spans)
    shown = [line for line in diff.splitlines() if not line.startswith(("---", "+++", "@@"))]
    assert [line for line in shown if line[:1] in "+-"] == [line for line in body if line[:1] in "+-"]
    assert any(shown[index : index + len(body)] == body for index in range(len(shown))), diff
    assert patched(tmp_path, old, diff) == new


lines = st.lists(st.sampled_from(["", "### 文學之都", "  - [[A]]", "  - [[B]]-[[中国]]", "text"]), max_size=8)


@st.composite
def line_edits(draw):
    """A page of lines and whole-line insertions, removals and replacements (what member changes are)."""
    old_lines = [line + "\n" for line in draw(lines)]
    old = "".join(old_lines)
    starts = [sum(map(len, old_lines[:index])) for index in range(len(old_lines) + 1)]
    cuts = sorted(draw(st.lists(st.integers(0, len(old_lines)), max_size=6)))
    edits, previous = [], -1
    for lo, hi in zip(cuts[::2], cuts[1::2]):
        if lo > previous:
            added = "".join(line + "\n" for line in draw(lines))
            edits.append((starts[lo], starts[hi], added))
            previous = hi
    return old, edits


@settings(max_examples=60, deadline=None)
@given(line_edits())
def test_whole_line_changes_patch_back(tmp_path_factory, case):
    old, edits = case
    new, old_spans, new_spans = edited(old, edits)
    diff = unified_diff(old, new, "page", old_spans, new_spans)
    assert patched(tmp_path_factory.mktemp("diff"), old, diff) == new
