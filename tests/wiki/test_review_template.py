"""The on-wiki review pages as the test wiki renders them (action=parse, and in Chromium: screenshots
in the test output), in simplified and in traditional Chinese: the {{linkbot change}} template is
created by ``linkbot template``, so the statuses show, in the page's language, and no link is red."""

from __future__ import annotations

import dataclasses
import os
import re
import urllib.parse
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from bot.cli import EXIT_OK
from bot.core import ZH_WIKIPEDIA, analyze
from bot.core.review_messages import review_messages
from bot.core.review_subpages import IndexRow, index_part, subpage_part, subpage_title
from bot.queue.proposals import Queue
from bot.queue.store import Database

PAGE = '见[北京](../Page/北京.md "wikilink")与[上海](../Page/上海.md "wikilink")。'


def config_in(wiki, tmp_path, language: str):
    path = tmp_path / f"linkbot-{language}.toml"
    path.write_text(wiki.config.read_text(encoding="utf-8") + f'[run]\nreview_language = "{language}"\n', encoding="utf-8")
    return path


def rendered(wiki, title: str) -> str:
    return wiki.api(action="parse", page=title, prop="text")["parse"]["text"]


def red_links(html: str) -> list[str]:
    return re.findall(r'<a [^>]*class="new"[^>]*>', html)


@pytest.mark.parametrize(("language", "labels", "index_labels"), [
    ("zh-hans", ("待审核", "✔ 已批准", "✘ 已拒绝", "本页列出", "提案", "修改的类别", "Markdown → 镜像站页面", "✔ 已由维基解析器验证"),
     ("每个提案一个子页面", "未决定", "页面")),
    ("zh-hant", ("待審核", "✔ 已批准", "✘ 已拒絕", "本頁列出", "修訂版本", "修改的類別", "Markdown → 鏡像站頁面", "✔ 已由維基解析器驗證"),
     ("每個提案一個子頁面", "未決定", "頁面")),
])  # fmt: skip
def test_review_pages_render_in_their_language(wiki, tmp_path, browser, language, labels, index_labels):
    config = config_in(wiki, tmp_path, language)
    dry = wiki.linkbot("--config", str(config), command="template")
    assert dry.returncode == EXIT_OK, dry.stderr
    assert "+++ b/Template:Linkbot change" in dry.stdout and "dry run" in dry.stderr

    saved = wiki.linkbot("--config", str(config), "--mode", "live", command="template")
    assert saved.returncode == EXIT_OK, saved.stderr
    newest = wiki.revisions("Template:Linkbot change")[0]
    assert newest["user"] == "LinkBot" and newest["comment"] == review_messages(language).template_summary
    again = wiki.linkbot("--config", str(config), "--mode", "live", command="template")
    assert "is up to date" in again.stderr and wiki.revisions("Template:Linkbot change")[0]["revid"] == newest["revid"]

    index, (subpage, recorded) = f"User:LinkBot/Review-{language}", published_subpage(wiki, tmp_path, language)
    html = rendered(wiki, subpage)
    for label in labels:
        assert label in html, label
    assert f"#{recorded}.2" in html and f"#{recorded}/md-mirror/title/proven" in html  # each field's id shows beside its status
    assert red_links(html) == [], red_links(html)
    assert not re.search(r'href="[^"]*Template:Linkbot_change', html)  # a missing template renders as a link to it
    index_html = rendered(wiki, index)
    for label in index_labels:
        assert label in index_html, label
    assert red_links(index_html) == [] and "linkbot-status" not in index_html  # the index holds no field

    output = Path(os.environ.get("LINKBOT_TEST_OUTPUT") or tmp_path)
    output.mkdir(parents=True, exist_ok=True)
    for name, title in (("index", index), ("subpage", subpage)):
        browser.get(f"{wiki.sandbox.url}/index.php?title={urllib.parse.quote(title)}")
        assert browser.find_element(By.CSS_SELECTOR, "#mw-content-text").text
        screenshot = output / f"review-{name}-{language}.png"
        browser.save_screenshot(str(screenshot))
        assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        print(f"screenshot: {screenshot}")


def published_subpage(wiki, tmp_path, language: str) -> tuple[str, int]:
    """A proposal of PAGE (its changes proven) recorded, its subpage and the index written as the bot writes
    them, with one change approved and a reject beside: (the subpage's title, the proposal's id)."""
    title = f"Render/{language}"
    wiki.sandbox.edit(title, PAGE)
    wiki.sandbox.edit("User:LinkBot", "linkbot")
    result = analyze(PAGE, ZH_WIKIPEDIA, title=title)
    result = dataclasses.replace(result, changes=tuple(dataclasses.replace(change, proof="proven") for change in result.changes))
    database = Database(tmp_path / "queue.sqlite3", create=True)
    queue = Queue(database)
    recorded = queue.record("sandbox:sandbox", 1, result, "r").id
    proposal = queue.get(recorded)
    database.close()
    index, messages = f"User:LinkBot/Review-{language}", review_messages(language)
    subpage = subpage_title(index, recorded)
    wiki.sandbox.edit(index, "linkbot")  # each page exists before the other links to it: no red link
    text = subpage_part(proposal, "LinkBot", index, messages).replace(f"id={recorded}.1|status=pending", f"id={recorded}.1|status=approve")
    wiki.sandbox.edit(subpage, text + "\n{{linkbot change|id=9.9|status=reject}}")
    row = IndexRow(title, recorded, subpage, len(proposal.changes), len(proposal.changes), "undecided")
    wiki.sandbox.edit(index, index_part([row], "LinkBot", messages))
    return subpage, recorded


def test_the_template_must_be_protected(private_wiki, tmp_path):
    """Anyone who can edit the status template can make "pending" show as "approved": linkbot template
    says so while it is unprotected, and protects it when its account may (an administrator's).
    (A wiki of its own: the protection would hold the session wiki's template for the other tests.)"""
    wiki = private_wiki
    config = config_in(wiki, tmp_path, "zh-hans")
    by_bot = wiki.linkbot("--config", str(config), "--mode", "live", command="template")
    assert by_bot.returncode == EXIT_OK, by_bot.stderr
    assert "Template:Linkbot change is NOT protected: anyone who can edit it can make a pending change show as approved" in by_bot.stderr
    admin = wiki.sandbox.write_pywikibot_config(tmp_path / "admin-pywikibot", user=wiki.sandbox.admin)
    by_admin = wiki.linkbot("--config", str(config), "--mode", "live", pywikibot_dir=admin, command="template")
    assert "Template:Linkbot change protected now (edit and move: administrators only)" in by_admin.stderr, by_admin.stderr
    protection = wiki.api(action="query", titles="Template:Linkbot change", prop="info", inprop="protection")["query"]["pages"][0]
    assert {(p["type"], p["level"]) for p in protection["protection"]} >= {("edit", "sysop"), ("move", "sysop")}
    assert "is protected (only administrators may edit it)" in wiki.linkbot("--config", str(config), command="template").stderr
