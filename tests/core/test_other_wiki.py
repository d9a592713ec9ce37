"""A page whose wikilinks point at another language edition is most likely that wiki's: said, not guessed."""

from __future__ import annotations

from pathlib import Path

from bot.core import analyze, profile_for_host

FIELD = Path(__file__).resolve().parents[1] / "data" / "field" / "mirror"


def test_a_ja_page_read_as_zh_is_pointed_out():
    text = (FIELD / "ja" / "$.md").read_text(encoding="utf-8")
    warnings = analyze(text, profile_for_host("zh.wikipedia.org")).warnings
    assert any("--site ja.wikipedia.org" in warning for warning in warnings), warnings
    assert analyze(text, profile_for_host("ja.wikipedia.org")).warnings == ()


def test_pages_of_the_wiki_itself_are_not(zh):
    for path in sorted((FIELD / "zh").glob("*.md"))[:10]:
        assert analyze(path.read_text(encoding="utf-8"), zh).warnings == ()
    assert analyze('[a](https://en.wikipedia.org/wiki/A "wikilink") [b](https://en.wikipedia.org/wiki/B "wikilink")', zh).warnings == ()
