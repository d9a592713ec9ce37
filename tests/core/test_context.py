"""The sentence around a change, table-driven."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.context import ELLIPSIS, change_context

CASES = [
    # text with the change in «», expected (before, after)
    ("第一句。这是«[A](../Page/A.md)»与乙的事。第三句。", ("这是", "与乙的事。")),
    ("One. Two «[A](b)» three. Four", ("Two ", " three.")),
    ("最后«[深圳](../Page/深圳.md)»与![A.jpg](x)。", ("最后", "与![A.jpg](x)。")),  # "!" of an image is no sentence end
    ("line one\n«[A](b)» rest\nnext line", ("", " rest")),
    ("«[A](b)»", ("", "")),
    ("x" * 80 + "«AB»" + "y" * 80, (ELLIPSIS + "x" * 60, "y" * 60 + ELLIPSIS)),
]


@pytest.mark.parametrize(("marked", "expected"), CASES)
def test_change_context(marked, expected):
    start = marked.index("«")
    end = marked.index("»") - 1
    text = marked.replace("«", "").replace("»", "")
    context = change_context(text, start, end)
    assert (context.before, context.after) == expected


@given(st.text(max_size=200), st.data())
def test_context_is_text_around_the_change(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    context = change_context(text, start, end)
    assert text[:start].endswith(context.before.removeprefix(ELLIPSIS).lstrip()) or not context.before.strip()
    assert text[end:].startswith(context.after.removesuffix(ELLIPSIS).rstrip())
    assert "\n" not in context.before + context.after
