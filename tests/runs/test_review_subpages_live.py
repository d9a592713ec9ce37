"""The on-wiki review's subpages on the real test wiki, with the wiki's own proof (so classes are
proven): a trusted reviewer's approval of one class saves exactly that class's changes; an untrusted
account's approval of another class is ignored and reported; a run that changes nothing rewrites no
page; the seed page's 306 changes are decided with one decision (the proposal's field)."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest

from tests.runs.test_live_decisions import BROKEN, Bot, bot_edits
from tests.wikisession import TEST_CONFIG, Account

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_d4b9c68d3e383551.txt"
FIELD = "{{linkbot change|id=%s|status=%s}}"


@pytest.fixture
def reviewers(wiki, tmp_path):
    """(a Bot whose runs prove changes and publish review pages of their own, the index's title, a trusted
    reviewer and their name, an untrusted account and its name, the prefix of the test's pages)."""
    names = [f"Rev{secrets.token_hex(3)}", f"New{secrets.token_hex(3)}"]
    for name in names:
        wiki.sandbox.add_user(name, "Reviewer-pass-123")
    trusted, untrusted = (Account(wiki.sandbox.api_url, name, "Reviewer-pass-123") for name in names)
    title = f"User:LinkBot/Review-{names[0]}"
    config = tmp_path / "linkbot.toml"
    config.write_text(
        TEST_CONFIG.replace('auto_approve = "all"', "auto_approve = []") + "[bot]\nedits_per_minute = 30\n"
        f'[run]\nreview_page = "{title}"\nreview_users = ["{names[0]}"]\nsources = ["-prefixindex:{names[0]}/"]\n',
        encoding="utf-8",
    )  # fmt: skip
    return Bot(wiki, config, tmp_path / "queue.sqlite3"), title, trusted, names[0], untrusted, names[1]


def run(bot: Bot) -> dict:
    return json.loads(bot("run", "--mode", "live").stdout.splitlines()[-1])["review_page"]


def review_pages(wiki, title: str) -> dict[str, int]:
    """The index and every subpage, with its latest revision."""
    prefix = title.partition(":")[2] + "/"
    answer = wiki.api(action="query", list="allpages", apnamespace=2, apprefix=prefix, aplimit=500)
    titles = [title] + [page["title"] for page in answer["query"]["allpages"]]
    return {page: wiki.revisions(page)[0]["revid"] for page in titles}


def test_a_class_approved_by_a_trusted_reviewer_saves_exactly_that_class(reviewers, wiki):
    bot, title, trusted, name, untrusted, newbie = reviewers
    page = f"{name}/classes"
    wiki.sandbox.edit(page, f"甲 {BROKEN.format('R1')}。\n\n乙 {BROKEN.format('R2')}。\n\n丙 [S](https://zh.wikipedia.org/wiki/S)。")
    bot("scan", f"-prefixindex:{page}")
    run(bot)  # publishes proposal 1's subpage and the index
    subpage = f"{title}/1"
    text = wiki.text(subpage)
    for field in ("1", "1/md-mirror/title/proven", "1/md-url/title/proven", "1.1", "1.2", "1.3"):
        assert FIELD % (field, "pending") in text, field
    assert "甲 <b>" in text.replace("<nowiki>", "").replace("</nowiki>", "")  # each change with its sentence
    assert f"[[{subpage}|1]]" in wiki.text(title)

    untrusted.edit(subpage, text=text.replace(FIELD % ("1/md-mirror/title/proven", "pending"), FIELD % ("1/md-mirror/title/proven", "approve")))
    approved = trusted.edit(subpage, text=wiki.text(subpage).replace(FIELD % ("1/md-url/title/proven", "pending"),
                                                                    FIELD % ("1/md-url/title/proven", "approve")))  # fmt: skip
    summary = run(bot)
    assert summary["accepted"] == 1 and summary["decided_changes"] == 1
    assert [(item["user"], item.get("class"), item["decision"]) for item in summary["ignored"]] == [
        (newbie, "1/md-mirror/title/proven", "approved")]
    assert "is not allowed to decide" in summary["ignored"][0]["why"]
    shown = json.loads(bot("show", "1", "--format", "json").stdout)
    assert [(entry["number"], entry["decision"], entry["who"], entry["source"]) for entry in shown["audit"]] == [(3, "approved", name, "wiki")]
    assert shown["audit"][0]["reason"] == f"class md-url/title/proven; on-wiki decision, revision {approved['newrevid']}"
    assert wiki.text(page) == f"甲 {BROKEN.format('R1')}。\n\n乙 {BROKEN.format('R2')}。\n\n丙 [[S]]。"  # exactly that class
    assert len(bot_edits(wiki, page)) == 1
    assert "{{linkbot change" not in wiki.text(subpage)  # proposal 1 is applied: its subpage says there is nothing left

    run(bot)  # the rest of the page, proposed again, published on its own subpage
    before = review_pages(wiki, title)
    summary = run(bot)  # nothing changed since: no page is written
    assert "published" not in summary and review_pages(wiki, title) == before, summary
    print(f"review pages after a run that changed nothing: {before}")


def test_the_seed_page_is_decided_with_one_decision(reviewers, wiki):
    """306 changes, proven by the wiki: the proposal's field approves them all (a reviewer's time: one decision)."""
    bot, title, trusted, name, _, _ = reviewers
    page = f"{name}/seed"
    wiki.sandbox.edit(page, SEED.read_text(encoding="utf-8"))
    bot("scan", f"-prefixindex:{page}")
    run(bot)
    (proposal,) = bot.proposals()
    assert len(proposal["changes"]) == 306
    subpage = f"{title}/{proposal['id']}"
    text = wiki.text(subpage)
    classes = [line for line in text.splitlines() if line.startswith("* {{linkbot change|id=") and "/" in line.split("|")[1]]
    print(f"the seed page's subpage: {len(text)} characters, {len(classes)} class field(s), 1 proposal field")
    before, after = FIELD % (proposal["id"], "pending"), FIELD % (proposal["id"], "approve")
    trusted.edit(subpage, text=text.replace(before, after))
    decisions = 1
    summary = run(bot)
    assert summary["accepted"] == decisions and summary["decided_changes"] == 306, summary
    shown = json.loads(bot("show", str(proposal["id"]), "--format", "json").stdout)
    assert shown["status"] == "applied" and {(entry["decision"], entry["who"]) for entry in shown["audit"]} == {("approved", name)}
    assert len(shown["audit"]) == 306 and "](../Page/" not in wiki.text(page)
    print(f"the seed page's 306 changes decided on the wiki with {decisions} decision(s)")


def test_a_page_made_unreadable_beside_the_part_is_never_vouched_and_a_moved_page_comes_back(reviewers, wiki):
    """An untrusted account puts a template beside the bot's part: the bot does not publish over it and
    never counts that revision as its own; a trusted approval made while removing it is reported as
    nobody's (not silently lost). A subpage moved away is published again, whole, at its title."""
    bot, title, trusted, name, untrusted, newbie = reviewers
    wiki.sandbox.edit(f"{name}/damaged", f"甲 {BROKEN.format('D1')}。")
    wiki.sandbox.edit(f"{name}/moved", f"乙 {BROKEN.format('M1')}。")
    bot("scan", f"-prefixindex:{name}/")
    run(bot)
    damaged, moved = f"{title}/1", f"{title}/2"
    untrusted.edit(damaged, text="{{Foo}}\n" + wiki.text(damaged))
    summary = run(bot)
    assert "not published: something beside the bot's part is more than plain text" in summary["not_published"][damaged]
    assert any(item.get("page") == damaged and "cannot be read" in item["why"] for item in summary["ignored"])
    fixed = wiki.text(damaged).replace("{{Foo}}\n", "").replace(FIELD % ("1.1", "pending"), FIELD % ("1.1", "approve"))
    trusted.edit(damaged, text=fixed)
    summary = run(bot)
    (reported,) = [item for item in summary["ignored"] if item.get("page") == damaged]  # reported as nobody's, not lost
    assert (reported["user"], reported["change"], reported["decision"]) == ("(unknown)", "1.1", "approved")
    assert "changed beyond its status words in between" in reported["why"]
    assert json.loads(bot("show", "1", "--format", "json").stdout)["audit"] == []

    token = untrusted.call(action="query", meta="tokens")["query"]["tokens"]["csrftoken"]
    untrusted.call("POST", action="move", token=token, reason="test", **{"from": moved, "to": f"User:{newbie}/moved"})
    assert wiki.text(moved).lower().startswith("#redirect")
    run(bot)
    text = wiki.text(moved)
    assert not text.lower().startswith("#redirect") and FIELD % ("2.1", "pending") in text
