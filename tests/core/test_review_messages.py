"""The review page's message tables: every language complete, traditional Chinese converted by OpenCC."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import opencc
import pytest

from bot.core.review_messages import LANGUAGES, ReviewMessages, review_language, review_messages
from bot.core.reviewpage import APPROVE_WORDS, REJECT_WORDS, change_template

SKELETON = (Path(__file__).resolve().parents[2] / "bot" / "present" / "templates" / "linkbot-change.wikitext").read_text(encoding="utf-8")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_there(language):
    messages = review_messages(language)
    for field in fields(ReviewMessages):
        assert getattr(messages, field.name), field.name
    assert "{bot}" in messages.header and "{count}" in messages.publish_summary
    assert all(part in messages.heading for part in ("{title}", "{id}", "{revision}"))


def test_traditional_is_the_simplified_table_converted():
    hans, hant = review_messages("zh-hans"), review_messages("zh-hant")
    converter = opencc.OpenCC("s2tw")
    assert hant.header == converter.convert(hans.header) != hans.header
    assert (hant.pending, hant.rejected) == ("待審核", "已拒絕")


@pytest.mark.parametrize(("content", "configured", "expected"), [
    ("zh", "", "zh-hans"), ("zh-tw", "", "zh-hant"), ("zh-hk", "", "zh-hant"), ("zh-cn", "", "zh-hans"),
    ("en", "", "en"), ("de", "", "en"), ("zh", "zh-hant", "zh-hant"), ("en", "zh-hans", "zh-hans"),
])  # fmt: skip
def test_review_language(content, configured, expected):
    assert review_language(content, configured) == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_template_shows_each_status_in_the_language(language):
    messages = review_messages(language)
    text = change_template(SKELETON, messages)
    assert "$" not in text and messages.pending in text and messages.approved in text and messages.rejected in text
    assert "|".join(APPROVE_WORDS) in text and "|".join(REJECT_WORDS) in text
    assert text.count("<includeonly>") == 1 and text.count("<noinclude>") == 1
