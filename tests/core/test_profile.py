"""Site profiles: built-in Wikipedia profiles, siteinfo answers, link trails, namespaces."""

from __future__ import annotations

import pytest

from bot.core import MirrorForms, Options, analyze, profile_for_host, profile_from_siteinfo
from bot.core.profile import linktrail_from_php, mobile_host, mobile_to_desktop
from bot.core.sites import ZH_WIKIPEDIA
from bot.errors import UnknownSiteError

SITEINFO = {
    "general": {
        "server": "//wiki.example.org",
        "articlepath": "/wiki/$1",
        "scriptpath": "/w",
        "lang": "de",
        "case": "first-letter",
        "linktrail": "/^([äöüßa-z]+)(.*)$/sD",
    },
    "namespaces": {
        "6": {"id": 6, "canonical": "File", "name": "Datei", "case": "first-letter"},
        "14": {"id": 14, "canonical": "Category", "name": "Kategorie", "case": "first-letter"},
    },
    "namespacealiases": [{"id": 6, "alias": "Bild"}],
    "interwikimap": [
        {"prefix": "en", "url": "https://en.wikipedia.org/wiki/$1", "language": "English", "local": True},
        {"prefix": "wikt", "url": "https://de.wiktionary.org/wiki/$1", "local": True},
        {"prefix": "odd", "url": "https://odd.example.org/?page=$1"},
    ],
}


@pytest.mark.parametrize("host", ["zh.wikipedia.org", "zh.m.wikipedia.org", "ZH.WIKIPEDIA.ORG", "https://zh.wikipedia.org/wiki/X"])
def test_zh_hosts(host):
    assert profile_for_host(host) is ZH_WIKIPEDIA


def test_any_wikipedia_language_works_offline():
    ja = profile_for_host("ja.wikipedia.org")
    assert ja.language == "ja" and ja.trail_length("都庁") == 0
    assert ja.namespace("カテゴリ").id == 14 and ja.namespace("Category").id == 14
    fr = profile_for_host("fr.wikipedia.org")
    assert fr.namespace("Catégorie").id == 14 and fr.namespace("category").id == 14
    result = analyze('[Chat](https://fr.wikipedia.org/wiki/Chat "wikilink")', fr)
    assert result.new_text == "[[Chat]]"


def test_unknown_host():
    with pytest.raises(UnknownSiteError):
        profile_for_host("wiki.example.org")


def test_zh_namespaces_and_aliases():
    for name, ns_id in [("分类", 14), ("分類", 14), ("Category", 14), ("文件", 6), ("檔案", 6), ("File", 6), ("Image", 6), ("图像", 6)]:
        assert ZH_WIKIPEDIA.namespace(name).id == ns_id, name
    assert ZH_WIKIPEDIA.trail_length("系统") == 0


def test_profile_from_siteinfo():
    profile = profile_from_siteinfo(SITEINFO)
    assert profile.host == "wiki.example.org" and profile.language == "de"
    assert profile.namespace("Bild").id == 6 and profile.namespace("Kategorie").id == 14
    assert profile.trail_length("ßen und") == 3
    assert profile.interwiki("en").host == "en.wikipedia.org"
    assert profile.interwiki("odd") is not None  # a prefix in titles, though its URLs cannot be matched back
    assert analyze("[p](https://odd.example.org/?page=X)", profile, Options(mirror_forms=MirrorForms.ALWAYS)).new_text == "[https://odd.example.org/?page=X p]"
    result = analyze('[x](https://wiki.example.org/wiki/Seite) [y](https://en.wikipedia.org/wiki/Page "wikilink")', profile)
    assert result.new_text == "[[Seite|x]] [[:en:Page|y]]"
    assert profile.interwiki("en").interlanguage and not profile.interwiki("wikt").interlanguage


@pytest.mark.parametrize(
    "php, python",
    [("/^([a-z]+)(.*)$/sD", "[a-z]+"), ("/^()(.*)$/sD", ""), ("", ""), ("garbage", "")],
)
def test_linktrail_from_php(php, python):
    assert linktrail_from_php(php) == python


def test_mobile_hosts():
    assert mobile_host("zh.wikipedia.org") == "zh.m.wikipedia.org"
    assert mobile_to_desktop("zh.m.wikipedia.org") == "zh.wikipedia.org"
    assert mobile_to_desktop("example.org") == "example.org"
