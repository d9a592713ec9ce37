"""The review queue end to end: real MediaWiki, real SQLite file, linkbot as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bot.cli import EXIT_OK
from tests.wiki.test_live import _bot_revisions, kill_after_saves

PAGE = '第一段 [A](../Page/A.md "wikilink")\n\n第二段 [B](../Page/B.md "wikilink")\n\n第三段 [C](../Page/C.md "wikilink")'


def run(wiki, queue, command: str, *args: str):
    result = wiki.linkbot("--queue", str(queue), *args, command=command)
    assert result.returncode == EXIT_OK, result.stdout + result.stderr
    return result


def proposals(wiki, queue, *filters: str) -> list[dict]:
    return [json.loads(line) for line in run(wiki, queue, "list", "--format", "json", *filters).stdout.splitlines()]


def scan(wiki, queue, prefix: str, *args: str):
    return run(wiki, queue, "scan", f"-prefixindex:{prefix}", "--auto-approve", "none", *args)


def test_approve_some_reject_others_then_apply(wiki, tmp_path):
    queue = tmp_path / "q.sqlite3"
    wiki.sandbox.edit("Review/page", PAGE)
    scanned = scan(wiki, queue, "Review/", "-v")
    assert "queued: proposal 1, 0 change(s) a live run would approve, 3 waiting for review" in scanned.stdout
    assert "result=waiting-for-review" in scanned.stderr  # not "unchanged": its changes wait for a person
    (proposal,) = proposals(wiki, queue)
    assert [c["decision"] for c in proposal["changes"]] == ["pending"] * 3
    run(wiki, queue, "approve", "1", "--change", "1", "3", "--reviewer", "alice", "--reason", "checked")
    run(wiki, queue, "reject", "1", "--change", "2", "--reviewer", "bob")
    dry = run(wiki, queue, "apply")
    assert len(wiki.revisions("Review/page")) == 1 and "+第一段 [[A]]" in dry.stdout
    applied = run(wiki, queue, "apply", "--mode", "live")
    assert applied.stdout.splitlines()[-2:] == [
        "1 approved proposal(s): 2 approved change(s) saved",  # not "0 page(s): 0 changed"
        "edits: 1 saved (0 merged with a concurrent edit), 0 change(s) waiting for review, 0 page(s) excluded, 0 page(s) not saved",
    ]
    assert wiki.text("Review/page") == '第一段 [[A]]\n\n第二段 [B](../Page/B.md "wikilink")\n\n第三段 [[C]]'
    shown = json.loads(run(wiki, queue, "show", "1", "--format", "json").stdout)
    assert shown["status"] == "applied" and shown["saved_revid"] == wiki.revisions("Review/page")[0]["revid"]
    assert [(d["who"], d["number"], d["decision"]) for d in shown["audit"]] == [
        ("alice", 1, "approved"), ("alice", 3, "approved"), ("bob", 2, "rejected"),
    ]  # fmt: skip
    assert "checked" in run(wiki, queue, "show", "1").stdout
    again = run(wiki, queue, "apply", "--mode", "live")
    assert "edits: 0 saved" in again.stdout and len(wiki.revisions("Review/page")) == 2


def test_edit_away_from_approved_spans_is_rebased(wiki, tmp_path):
    queue = tmp_path / "q.sqlite3"
    wiki.sandbox.edit("Rebase/page", PAGE)
    scan(wiki, queue, "Rebase/")
    run(wiki, queue, "approve", "1", "--change", "1")
    wiki.sandbox.edit("Rebase/page", PAGE.replace("第三段", "第三段（人改）"), user="Admin")
    run(wiki, queue, "apply", "--mode", "live")
    assert wiki.text("Rebase/page") == PAGE.replace("第三段", "第三段（人改）").replace('[A](../Page/A.md "wikilink")', "[[A]]")
    assert proposals(wiki, queue, "--status", "applied")[0]["id"] == 1


def test_edit_on_an_approved_span_makes_the_proposal_stale(wiki, tmp_path):
    queue = tmp_path / "q.sqlite3"
    wiki.sandbox.edit("Stale/page", PAGE)
    scan(wiki, queue, "Stale/")
    run(wiki, queue, "approve", "1", "--include-unproven")
    human = PAGE.replace("第一段 [A]", "第一段（人改） [A]")
    wiki.sandbox.edit("Stale/page", human, user="Admin")
    output = run(wiki, queue, "apply", "--mode", "live").stdout
    assert "stale: proposal 1" in output
    assert wiki.text("Stale/page") == human  # nothing saved
    assert all(rev["user"] != "LinkBot" for rev in wiki.revisions("Stale/page"))
    states = {p["id"]: p["status"] for p in proposals(wiki, queue)}
    assert states == {1: "stale", 2: "pending"}  # a fresh proposal waits for review


def test_kill_during_apply_saves_nothing_twice(wiki, tmp_path):
    queue = tmp_path / "q.sqlite3"
    titles = [f"Crash/{n:02d}" for n in range(12)]
    for title in titles:
        wiki.sandbox.edit(title, f'[{title}](../Page/{title}.md "wikilink")')
    scan(wiki, queue, "Crash/")
    for proposal in proposals(wiki, queue):
        run(wiki, queue, "approve", str(proposal["id"]), "--include-unproven", "--reviewer", "alice")
    decisions_before = sum(len(json.loads(run(wiki, queue, "show", str(n), "--format", "json").stdout)["audit"]) for n in range(1, 13))
    already = _bot_revisions(wiki.sandbox)
    env = dict(os.environ, PYWIKIBOT_DIR=str(wiki.pywikibot_dir), LINKBOT_QUEUE=str(queue))
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "apply", "--config", str(wiki.config), "--mode", "live"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    kill_after_saves(wiki.sandbox, process, already + 2)
    run(wiki, queue, "apply", "--mode", "live")
    for title in titles:
        bot = [rev for rev in wiki.revisions(title) if rev["user"] == "LinkBot"]
        assert len(bot) == 1, title  # saved once, never twice
        assert bot[0]["content"] == f"[[{title}]]"
    assert {p["status"] for p in proposals(wiki, queue)} == {"applied"}
    decisions_after = sum(len(json.loads(run(wiki, queue, "show", str(n), "--format", "json").stdout)["audit"]) for n in range(1, 13))
    assert decisions_after == decisions_before  # no decision lost


def test_member_additions_reviewed_then_applied(wiki, tmp_path):
    """The older snapshot on the wiki: the scan proposes the two additions; an editor approves
    南京 and rejects 扬州; apply saves exactly the approved one (and nothing else)."""
    from pathlib import Path

    from bot.core.registry import member_list_to_dict
    from bot.inputs.registries import dump_registry, load_registry

    root = Path(__file__).resolve().parents[2]
    old = (root / "seeds" / "000_d4b9c68d3e383551.txt").read_text(encoding="utf-8")
    title = "Members/UCCN"
    wiki.sandbox.edit(title, old)
    config_dir = tmp_path / "config"
    (config_dir / "lists").mkdir(parents=True)
    config = config_dir / "linkbot.toml"
    config.write_text(wiki.config.read_text(encoding="utf-8"), encoding="utf-8")
    registry = load_registry(root / "config" / "lists" / "uccn.toml")
    data = member_list_to_dict(registry)
    data["pages"] = [title]
    from bot.core.registry import member_list_from_dict

    (config_dir / "lists" / "uccn.toml").write_text(dump_registry(member_list_from_dict(data)), encoding="utf-8")
    queue = tmp_path / "q.sqlite3"
    run(wiki, queue, "scan", "--config", str(config), f"-page:{title}", "--auto-approve", "none")
    (proposal,) = proposals(wiki, queue)
    assert [(c["old"], c["new"]) for c in proposal["changes"] if c["rule"] == "member-total"] == [("116", "152")]
    numbers = {c["note"].split(": ")[0]: c["number"] for c in proposal["changes"] if c["rule"] == "member-add"}
    assert set(numbers) == {"南京（文學之都）", "扬州（美食之都）"}
    run(wiki, queue, "approve", str(proposal["id"]), "--change", str(numbers["南京（文學之都）"]), "--reviewer", "editor")
    run(wiki, queue, "reject", str(proposal["id"]), "--change", str(numbers["扬州（美食之都）"]), "--reviewer", "editor")
    run(wiki, queue, "apply", "--config", str(config), "--mode", "live")
    saved = wiki.revisions(title)[0]
    assert saved["user"] == "LinkBot" and saved["comment"] == "成员列表 +南京（文學之都）"
    expected = old.replace(
        '  - [米兰](../Page/米兰.md "wikilink")-[意大利](../Page/意大利.md "wikilink")\n',
        '  - [米兰](../Page/米兰.md "wikilink")-[意大利](../Page/意大利.md "wikilink")\n  - [[南京]]-[[中国]]\n',
    )
    assert saved["content"] == expected.rstrip()
    assert "扬州" not in saved["content"]


def test_member_linked_through_a_redirect_is_the_same_member(wiki, tmp_path):
    from bot.core.registry import Member, MemberList, Section
    from bot.inputs.registries import dump_registry

    wiki.sandbox.edit("Redirect City", "#REDIRECT [[Real City]]")
    wiki.sandbox.edit("Real City", "a city")
    wiki.sandbox.edit("Members/Redirected", "=== 文學之都 ===\n* [[Redirect City]]\n")
    config_dir = tmp_path / "config"
    (config_dir / "lists").mkdir(parents=True)
    config = config_dir / "linkbot.toml"
    config.write_text(wiki.config.read_text(encoding="utf-8"), encoding="utf-8")
    registry = MemberList("r", ("Members/Redirected",), (Section("文學之都", ("文學之都",), (Member("Real City"),)),))
    (config_dir / "lists" / "r.toml").write_text(dump_registry(registry), encoding="utf-8")
    queue = tmp_path / "q.sqlite3"
    output = run(wiki, queue, "scan", "--config", str(config), "-page:Members/Redirected").stdout
    assert "+++ b/" not in output and proposals(wiki, queue) == []


def test_members_extract_from_a_wiki_page(wiki, tmp_path):
    from pathlib import Path

    from bot.inputs.registries import load_registry

    root = Path(__file__).resolve().parents[2]
    wiki.sandbox.edit("Members/Newer", (root / "seeds" / "001_7e93bf9fd9f8118a.txt").read_text(encoding="utf-8"))
    output = tmp_path / "extracted.toml"
    result = wiki.linkbot("extract", "Members/Newer", "--list", "newer", "--output", str(output), command="members")
    assert result.returncode == EXIT_OK, result.stderr
    extracted = load_registry(output)
    assert extracted.pages == ("Members/Newer",)
    assert sum(len(section.members) for section in extracted.sections) == 152


def test_reverted_edit_is_not_reapplied_without_a_person(wiki, tmp_path):
    queue = tmp_path / "q.sqlite3"
    original = '[A](../Page/A.md "wikilink")'
    wiki.sandbox.edit("Revert/page", original)
    run(wiki, queue, "scan", "-prefixindex:Revert/", "--mode", "live", "--auto-approve", "all")
    assert wiki.text("Revert/page") == "[[A]]"
    wiki.sandbox.edit("Revert/page", original, user="Admin", summary="revert the bot")
    again = run(wiki, queue, "scan", "-prefixindex:Revert/", "--mode", "live", "--auto-approve", "all")
    assert "edits: 0 saved" in again.stdout and wiki.text("Revert/page") == original
    newest = proposals(wiki, queue, "--status", "pending")[-1]
    run(wiki, queue, "approve", str(newest["id"]), "--include-unproven", "--reviewer", "alice", "--reason", "the revert was a mistake")
    run(wiki, queue, "apply", "--mode", "live")
    assert wiki.text("Revert/page") == "[[A]]"
    assert [rev["user"] for rev in wiki.revisions("Revert/page")][:3] == ["LinkBot", "Admin", "LinkBot"]


def test_a_dry_run_decides_nothing(wiki, tmp_path):
    """A dry run with --auto-approve shows what it would approve and stores no decision: a later live
    apply has nothing approved to save."""
    queue = tmp_path / "q.sqlite3"
    wiki.sandbox.edit("DryDecides/page", PAGE)
    output = run(wiki, queue, "scan", "-prefixindex:DryDecides/", "--auto-approve", "all").stdout
    assert "queued: proposal 1, 3 change(s) a live run would approve, 0 waiting for review" in output
    shown = json.loads(run(wiki, queue, "show", "1", "--format", "json").stdout)
    assert shown["audit"] == [] and shown["status"] == "pending"
    run(wiki, queue, "apply", "--mode", "live")
    assert len(wiki.revisions("DryDecides/page")) == 1  # nothing saved


def test_a_rejection_lasts_after_the_other_changes_are_saved(wiki, tmp_path):
    queue = tmp_path / "q.sqlite3"
    wiki.sandbox.edit("Lasting/page", PAGE)
    scan(wiki, queue, "Lasting/")
    run(wiki, queue, "approve", "1", "--change", "1", "3", "--reviewer", "alice")
    run(wiki, queue, "reject", "1", "--change", "2", "--reviewer", "bob", "--reason", "keep it")
    run(wiki, queue, "apply", "--mode", "live")
    scan(wiki, queue, "Lasting/")  # the new revision still holds the rejected link
    latest = proposals(wiki, queue)[-1]
    assert latest["id"] == 2 and [c["decision"] for c in latest["changes"]] == ["rejected"]
    assert latest["status"] == "rejected"


def test_two_live_applies_at_once(wiki, tmp_path):
    """Two `apply --mode live` started together: one saves, the other finds the lock taken (exit 7)
    or, if it starts after, finds everything applied; no proposal turns stale, no page is saved twice."""
    from bot.cli import EXIT_LOCKED

    queue = tmp_path / "q.sqlite3"
    titles = [f"Twice/{n:02d}" for n in range(8)]
    for title in titles:
        wiki.sandbox.edit(title, f'[{title}](../Page/{title}.md "wikilink")')
    scan(wiki, queue, "Twice/")
    for proposal in proposals(wiki, queue):
        run(wiki, queue, "approve", str(proposal["id"]), "--include-unproven", "--reviewer", "alice")
    env = dict(os.environ, PYWIKIBOT_DIR=str(wiki.pywikibot_dir), LINKBOT_QUEUE=str(queue), NO_COLOR="1")
    command = [sys.executable, "-m", "bot", "apply", "--config", str(wiki.config), "--mode", "live"]
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [process.communicate(timeout=300) for process in processes]
    codes = sorted(process.returncode for process in processes)
    assert codes in ([EXIT_OK, EXIT_OK], [EXIT_OK, EXIT_LOCKED]), results
    assert {p["status"] for p in proposals(wiki, queue)} == {"applied"}
    for title in titles:
        assert sum(rev["user"] == "LinkBot" for rev in wiki.revisions(title)) == 1, title
