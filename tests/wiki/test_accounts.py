"""Answering for a run on the real test wiki: a trial of 3 edits and its report, an undo that skips a
page a person edited since, a second undo that does nothing, and an undo killed midway then rerun."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from bot.cli import EXIT_OK, EXIT_PARTIAL
from tests.wiki.test_live import _bot_revisions, kill_after_saves

ROOT = Path(__file__).resolve().parents[2]
BROKEN = '第{0}页见[甲{0}](../Page/甲{0}.md "wikilink")与[乙](https://zh.wikipedia.org/wiki/乙 "wikilink")。'


def linkbot(wiki, queue, *args: str, command: str):
    return wiki.linkbot("--queue", str(queue), *args, command=command)


def runs(wiki, queue) -> list[dict]:
    return [json.loads(line) for line in linkbot(wiki, queue, "--format", "json", command="runs").stdout.splitlines()]


def test_trial_report_and_undo(private_wiki, tmp_path):
    wiki, queue = private_wiki, tmp_path / "queue.sqlite3"
    titles = [f"Trial/{n}" for n in range(1, 6)]
    for n, title in enumerate(titles, 1):
        wiki.sandbox.edit(title, BROKEN.format(n))
    config = tmp_path / "approved.toml"  # the settings a bot-approval request asks about, in [bot]
    config.write_text(wiki.config.read_text(encoding="utf-8")
                      + '\n[bot]\nmaxlag = 4\nsummary_prefix = "试运行："\ntask_page = "User:LinkBot/任务"\n', encoding="utf-8")  # fmt: skip
    trial = linkbot(wiki, queue, "-prefixindex:Trial/", "--mode", "live", "--trial", "3", "--trial-report", str(tmp_path / "trial"),
                    "--config", str(config), command="scan")  # fmt: skip
    assert trial.returncode == EXIT_OK, trial.stderr
    assert _bot_revisions(wiki.sandbox) == 3 and "trial report (3 edit(s))" in trial.stderr
    (run,) = runs(wiki, queue)
    assert run["trial"] == 3 and run["mode"] == "live" and len(run["edits"]) == 3 and run["ended_at"]
    assert run["outcome"]["stopped"] == "--trial 3 reached"
    report = (tmp_path / "trial" / f"{run['id']}.wiki").read_text(encoding="utf-8")
    assert report.count("\n# [") == 3
    for edit in run["edits"]:
        link = f"{wiki.sandbox.url}/index.php?diff={edit['new_revid']}&oldid={edit['old_revid']}"
        assert link in report and link in (tmp_path / "trial" / f"{run['id']}.html").read_text(encoding="utf-8").replace("&amp;", "&")
        with urllib.request.urlopen(link, timeout=30) as answer:  # the diff opens that revision
            page = answer.read().decode("utf-8")
        assert answer.status == 200 and f'"wgDiffNewId":{edit["new_revid"]}' in page and f'"wgDiffOldId":{edit["old_revid"]}' in page
    shown = linkbot(wiki, queue, "show", run["id"], command="runs").stdout
    assert "rate and load: seconds_between_edits 0.0" in shown and "maxlag 4" in shown and "task_page User:LinkBot/任务" in shown
    comment = wiki.revisions(run["edits"][0]["title"])[0]["comment"]
    assert comment.startswith("试运行：机器人：修复 2 个链接") and comment.endswith("[[User:LinkBot/任务]]")

    saved = [edit["title"] for edit in run["edits"]]
    originals = {title: BROKEN.format(titles.index(title) + 1) for title in saved}
    wiki.sandbox.edit(saved[1], wiki.text(saved[1]) + "\n\n一位编者后来的修改。")  # a person edits one page since
    dry = linkbot(wiki, queue, run["id"], command="undo")
    assert dry.returncode == EXIT_PARTIAL and dry.stdout.count("would revert: ") == 2 and _bot_revisions(wiki.sandbox) == 3
    assert f"not reverted: {saved[1]}: edited since by Admin" in dry.stdout

    undo = linkbot(wiki, queue, run["id"], "--mode", "live", command="undo")
    assert undo.returncode == EXIT_PARTIAL, undo.stderr
    assert "2 reverted, 0 already as before the run, 1 edited since" in undo.stdout
    for title in (saved[0], saved[2]):
        assert wiki.text(title) == originals[title]
        newest = wiki.revisions(title)[0]
        assert newest["user"] == "LinkBot" and newest["comment"].startswith(f"linkbot: undo run {run['id']}")
    assert wiki.text(saved[1]).endswith("一位编者后来的修改。") and "[[甲" in wiki.text(saved[1])  # never reverted over

    again = linkbot(wiki, queue, run["id"], "--mode", "live", command="undo")
    assert "0 reverted, 2 already as before the run, 1 edited since" in again.stdout and _bot_revisions(wiki.sandbox) == 5
    undo_runs = [record for record in runs(wiki, queue) if record["undoes"] == run["id"]]
    assert sorted(len(record["edits"]) for record in undo_runs) == [0, 2]


def test_undo_killed_midway_then_rerun_reverts_each_page_once(private_wiki, tmp_path):
    wiki, queue = private_wiki, tmp_path / "queue.sqlite3"
    for n in range(1, 7):
        wiki.sandbox.edit(f"Kill/{n}", BROKEN.format(n))
    assert linkbot(wiki, queue, "-prefixindex:Kill/", "--mode", "live", command="scan").returncode == EXIT_OK
    (run,) = runs(wiki, queue)
    assert len(run["edits"]) == 6 and _bot_revisions(wiki.sandbox) == 6
    env = dict(os.environ, PYWIKIBOT_DIR=str(wiki.pywikibot_dir), NO_COLOR="1")
    slow = tmp_path / "slow.toml"  # [bot] edits_per_minute: pywikibot waits 0.5 s between edits, so the kill lands midway
    slow.write_text(wiki.config.read_text(encoding="utf-8") + "\n[bot]\nedits_per_minute = 120\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "undo", run["id"], "--mode", "live", "--config", str(slow), "--queue", str(queue)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    kill_after_saves(wiki.sandbox, process, 8)  # two pages undone, then kill -9
    assert 8 <= _bot_revisions(wiki.sandbox) < 12  # killed midway
    rerun = linkbot(wiki, queue, run["id"], "--mode", "live", command="undo")
    assert rerun.returncode == EXIT_OK, rerun.stdout + rerun.stderr
    for n in range(1, 7):
        revisions = wiki.revisions(f"Kill/{n}")
        undos = [rev for rev in revisions if rev["comment"].startswith("linkbot: undo run")]
        assert len(undos) == 1 and revisions[0]["content"] == BROKEN.format(n), f"Kill/{n}"
    assert _bot_revisions(wiki.sandbox) == 12


PAYLOAD = "</nowiki>{{Evil}}[[Category:Evil]]__NOINDEX__~~~~"


def test_a_trial_report_quotes_what_it_shows(wiki, tmp_path):
    """Summaries carrying markup (here through the summary prefix; member names from a page are made
    inert before they reach a summary) are quoted in the wikitext report: the test wiki, saving the
    report (its pre-save transform) and rendering it, transcludes nothing, adds no category, sets
    no switch and signs nothing."""
    queue = tmp_path / "queue.sqlite3"
    wiki.sandbox.edit("Quoted/page", BROKEN.format(9))
    config = tmp_path / "quoted.toml"
    config.write_text(wiki.config.read_text(encoding="utf-8") + f'\n[bot]\nsummary_prefix = "{PAYLOAD} "\n', encoding="utf-8")
    trial = linkbot(wiki, queue, "-prefixindex:Quoted/", "--mode", "live", "--trial", "1", "--trial-report", str(tmp_path / "trial"),
                    "--config", str(config), command="scan")  # fmt: skip
    assert trial.returncode == EXIT_OK, trial.stderr
    assert wiki.revisions("Quoted/page")[0]["comment"].startswith(PAYLOAD)  # the edit's summary does carry it
    (report,) = (tmp_path / "trial").glob("*.wiki")
    text = report.read_text(encoding="utf-8")
    saved = wiki.pre_save_transform(text)
    assert "[[User:" not in saved and "~~~~" in saved  # nothing signed: the tildes are still tildes
    rendered = wiki.post(action="parse", title="Quoted report", text=saved, contentmodel="wikitext",
                         prop="text|templates|categories|properties")["parse"]  # fmt: skip
    assert not rendered["templates"] and not rendered["categories"] and not rendered["properties"]  # no switch either
    assert PAYLOAD in __import__("html").unescape(rendered["text"])  # shown, as it is


def test_a_members_name_from_a_page_is_inert_in_a_summary():
    from bot.core.model import Change, Display, Rule
    from bot.core.summary import edit_summary

    added = Change(Rule.MEMBER_ADD, 0, 0, "", "* x", display=Display.MEMBER, note=f"{PAYLOAD}（文學之都）")
    assert edit_summary([added], "zh") == "成员列表 +＜/nowiki＞｛｛Evil｝｝［［Category:Evil］］_NOINDEX_～～～～（文學之都）"


def test_undo_follows_a_page_moved_since_and_an_undo_is_undone_only_with_force(wiki, tmp_path):
    from tests.wikisession import Account

    queue = tmp_path / "queue.sqlite3"
    wiki.sandbox.edit("Moving/old", BROKEN.format(7))
    assert linkbot(wiki, queue, "-prefixindex:Moving/", "--mode", "live", command="scan").returncode == EXIT_OK
    (run,) = runs(wiki, queue)
    admin = Account(wiki.sandbox.api_url, *wiki.sandbox.admin)
    token = admin.call(action="query", meta="tokens")["query"]["tokens"]["csrftoken"]
    moved = admin.call(action="move", **{"from": "Moving/old"}, to="Moving/new", reason="test", token=token, method="POST")
    assert "move" in moved, moved
    undo = linkbot(wiki, queue, run["id"], "--mode", "live", command="undo")
    assert undo.returncode == EXIT_OK, undo.stdout + undo.stderr
    assert "moved: Moving/old is now Moving/new: followed there" in undo.stdout and "1 reverted" in undo.stdout
    assert wiki.text("Moving/new") == BROKEN.format(7)
    undo_run = next(record for record in runs(wiki, queue) if record["undoes"] == run["id"])
    refused = linkbot(wiki, queue, undo_run["id"], "--mode", "live", command="undo")
    assert refused.returncode == 2 and "undoing it saves the bot's edits again; add --force" in refused.stderr
    assert wiki.text("Moving/new") == BROKEN.format(7)
    forced = linkbot(wiki, queue, undo_run["id"], "--mode", "live", "--force", command="undo")
    assert forced.returncode == EXIT_OK and "[[甲7]]" in wiki.text("Moving/new")


def test_undo_never_reverts_over_edits_that_came_back_to_the_bots_text(wiki, tmp_path):
    """Someone undid the bot's edit, then redid it by hand: the text is the bot's again, but people
    edited it since: not reverted over."""
    from tests.wikisession import Account

    queue = tmp_path / "queue.sqlite3"
    wiki.sandbox.edit("Redone/page", BROKEN.format(8))
    assert linkbot(wiki, queue, "-prefixindex:Redone/", "--mode", "live", command="scan").returncode == EXIT_OK
    (run,) = runs(wiki, queue)
    bots = wiki.text("Redone/page")
    admin = Account(wiki.sandbox.api_url, *wiki.sandbox.admin)
    admin.edit("Redone/page", text=BROKEN.format(8))
    admin.edit("Redone/page", text=bots)
    undo = linkbot(wiki, queue, run["id"], "--mode", "live", command="undo")
    assert undo.returncode == EXIT_PARTIAL and "not reverted: Redone/page: edited since by Admin" in undo.stdout
    assert wiki.text("Redone/page") == bots
