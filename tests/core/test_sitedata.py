"""bot/core/sitedata/ is what MediaWiki's own message files say (Debian's mediawiki package)."""

from __future__ import annotations

import shutil

import pytest

from bot.core import analyze, profile_for_host
from scripts import sitedata


@pytest.mark.skipif(shutil.which("php") is None or not sitedata.MESSAGES.is_dir(), reason="needs Debian's mediawiki (bash scripts/test installs it)")
def test_site_data_is_mediawikis():
    assert sitedata.main(["--check"]) == 0


def test_localized_category_and_file_names_offline():
    ko = profile_for_host("ko.wikipedia.org")
    assert ko.namespace("분류").id == 14 and ko.namespace("파일").id == 6
    text = "본문\n\n[Kr](https://ko.wikipedia.org/wiki/분류:국가_코드_최상위_도메인 \"wikilink\")"
    assert analyze(text, ko).new_text == "본문\n\n[[분류:국가 코드 최상위 도메인|Kr]]"  # a sort key, not a visible link
    assert profile_for_host("ja.wikipedia.org").trail_length("s") == 1  # ja has MediaWiki's default trail
    assert profile_for_host("zh.wikipedia.org").trail_length("s") == 0
