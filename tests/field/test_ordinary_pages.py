"""Ordinary wikitext from other projects (the field corpus's pages as their wikis store them, every
language): linkbot repairs only wikitext forms there, and the Markdown forms never."""

from __future__ import annotations

import re

import pytest

from bot.core import MirrorForms, Options, analyze, profile_for_host
from tests.field.roundtrip import wikitext_pages

PAGES = wikitext_pages()
EXTERNAL_LINK = re.compile(r"\[\[?\s*(?:[a-z]+:)?//[^\]]*\]\]?", re.S)


@pytest.mark.parametrize("page", PAGES, ids=[page.id for page in PAGES])
def test_an_ordinary_page_gets_only_wikitext_repairs(page):
    text = page.path.read_text(encoding="utf-8")
    profile = profile_for_host(page.site)
    result = analyze(text, profile)
    assert all(EXTERNAL_LINK.fullmatch(change.old) for change in result.changes), result.changes
    # Judged as what it is: the same as with the Markdown forms switched off.
    assert result == analyze(text, profile, Options(mirror_forms=MirrorForms.NEVER))
