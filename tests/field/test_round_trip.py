"""The mirror's round trip over the field corpus's real wikitext, every language it has: pandoc
(Debian's), the mirror's link rewriting, linkbot; the recovered links against the originals, and
what readers see of them by MediaWiki's own rendering (see tests/field/roundtrip.py)."""

from __future__ import annotations

import shutil

import pytest

from bot.core import analyze, profile_for_host
from tests.field.roundtrip import render_differences, round_trip, wikitext_pages

pytestmark = pytest.mark.skipif(shutil.which("pandoc") is None, reason="needs Debian's pandoc (bash scripts/test installs it)")
PAGES = wikitext_pages()


@pytest.fixture(scope="module")
def reports():
    return {page.id: round_trip(page) for page in PAGES}


def test_the_corpus_has_every_language():
    assert {page.language for page in PAGES} >= {"zh", "ja", "en", "de", "fr", "ru", "simple"}


@pytest.mark.parametrize("page", PAGES, ids=[page.id for page in PAGES])
def test_round_trip(page, reports, oracle):
    report, result = reports[page.id]
    if report.unreadable:
        pytest.skip("pandoc cannot read this page (the mirror skipped such pages)")
    assert not [f"{a.wikitext!r} -> {b.wikitext!r}" for a, b in report.differences]
    assert render_differences(report, oracle) == []
    assert analyze(result.new_text, profile_for_host(page.site)).changes == ()


def test_recoverable_links_come_back_exactly(reports):
    recoverable = sum(len(report.recoverable) for report, _ in reports.values())
    exact = sum(len(report.exact) for report, _ in reports.values())
    assert recoverable > 6500  # most of the corpus's links are recoverable: the measure means something
    assert exact / recoverable >= 0.995
    assert sum(1 for report, _ in reports.values() if report.unreadable) <= 1
