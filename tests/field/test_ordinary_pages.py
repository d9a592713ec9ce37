"""Ordinary wikitext from other projects (the field corpus's pages as their wikis store them, every
language): linkbot repairs only wikitext forms there, and the Markdown forms never."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core import MirrorForms, Options, analyze, profile_for_host
from bot.errors import UnclosedDumpError
from bot.inputs.dump import DumpPage, dump_pages
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


DUMPS = sorted((Path(__file__).resolve().parents[1] / "data" / "dumps").glob("*/*.xml*"))


@pytest.mark.parametrize("path", DUMPS, ids=[f"{path.parent.name}/{path.name}" for path in DUMPS])
def test_other_projects_dumps_get_only_wikitext_repairs(path):
    """Other projects' export fixtures (tests/data/dumps): every page read, none given a Markdown repair."""
    profile = profile_for_host("vi.wikipedia.org" if "viwiki" in path.name else "en.wikipedia.org")
    pages: list[DumpPage] = []
    try:
        pages.extend(page for page in dump_pages(str(path)) if isinstance(page, DumpPage))
    except UnclosedDumpError:  # wikiextractor's sample stops after its last page, without </mediawiki>
        pass
    assert pages, path
    for page in pages:
        result = analyze(page.text, profile)
        assert all(EXTERNAL_LINK.fullmatch(change.old) for change in result.changes), (page.title, result.changes)
        assert result == analyze(page.text, profile, Options(mirror_forms=MirrorForms.NEVER))
