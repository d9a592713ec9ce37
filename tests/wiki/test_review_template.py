"""The on-wiki review page as the test wiki renders it (action=parse), in simplified and in
traditional Chinese: the {{linkbot change}} template is created by ``linkbot template``, so the
statuses show, in the page's language, and no link to the template is red."""

from __future__ import annotations

import re

import pytest

from bot.cli import EXIT_OK
from bot.core import ZH_WIKIPEDIA, analyze
from bot.core.review_messages import review_messages
from bot.core.reviewpage import bot_part
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


@pytest.mark.parametrize(("language", "labels"), [
    ("zh-hans", ("待审核", "✔ 已批准", "✘ 已拒绝", "本页列出", "提案")),
    ("zh-hant", ("待審核", "✔ 已批准", "✘ 已拒絕", "本頁列出", "修訂版本")),
])  # fmt: skip
def test_review_page_renders_statuses_in_its_language(wiki, tmp_path, language, labels):
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

    title = f"Render/{language}"
    wiki.sandbox.edit(title, PAGE)
    wiki.sandbox.edit("User:LinkBot", "linkbot")
    database = Database(tmp_path / "queue.sqlite3", create=True)
    queue = Queue(database)
    recorded = queue.record("sandbox:sandbox", 1, analyze(PAGE, ZH_WIKIPEDIA, title=title), "r")
    text = bot_part([queue.get(recorded.id)], "LinkBot", review_messages(language))
    database.close()
    text = text.replace(f"id={recorded.id}.1|status=pending", f"id={recorded.id}.1|status=approve")
    wiki.sandbox.edit(f"User:LinkBot/Review/{language}", text + "\n{{linkbot change|id=9.9|status=reject}}")

    html = rendered(wiki, f"User:LinkBot/Review/{language}")
    for label in labels:
        assert label in html, label
    assert f"#{recorded.id}.2" in html  # the change's id shows beside its status
    assert red_links(html) == [], red_links(html)
    assert not re.search(r'href="[^"]*Template:Linkbot_change', html)  # a missing template renders as a link to it


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
