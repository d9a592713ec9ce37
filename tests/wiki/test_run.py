"""``linkbot run`` end to end on a wiki of each test's own: lock, stops, limits, state between runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.commands.common import EXIT_LOCKED, EXIT_OK, EXIT_PARTIAL, EXIT_STOPPED
from bot.runs.lock import RunLock

ROOT = Path(__file__).resolve().parents[2]
BROKEN = '[{0}](../Page/{0}.md "wikilink")'


@pytest.fixture
def runner(private_wiki, tmp_path):
    """(wiki, run(*args, extra_config="") -> (exit code, summary dict, stderr))."""
    queue = tmp_path / "queue.sqlite3"
    base = private_wiki.config.read_text(encoding="utf-8")

    def run(*args: str, extra: str = ""):
        config = tmp_path / "run.toml"
        config.write_text(
            base.replace('[queue]\nauto_approve = "all"', '[queue]\nauto_approve = ["md-mirror"]')
            + '\n[run]\nsources = ["-prefixindex:Run/"]\ntalk_page = "User talk:LinkBot"\n'
            + f'log_file = "{tmp_path / "logs" / "run.jsonl"}"\n' + extra,
            encoding="utf-8",
        )
        env = dict(os.environ, PYWIKIBOT_DIR=str(private_wiki.pywikibot_dir), LINKBOT_QUEUE=str(queue))
        process = subprocess.run(
            [sys.executable, "-m", "bot", "run", "--config", str(config), *args],
            capture_output=True, text=True, cwd=ROOT, env=env, timeout=300, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        lines = [line for line in process.stdout.splitlines() if line.startswith("{")]
        return process.returncode, json.loads(lines[-1]) if lines else {}, process.stderr

    return private_wiki, run


def bot_revisions(wiki, title: str) -> int:
    return sum(rev["user"] == "LinkBot" for rev in wiki.revisions(title))


def test_cycle_records_then_saves_and_keeps_state(runner, tmp_path):
    wiki, run = runner
    wiki.sandbox.edit("Run/a", BROKEN.format("A"))
    wiki.sandbox.edit("Run/b", "{{nobots}}" + BROKEN.format("B"))
    wiki.sandbox.edit("Run/c", "{{bots|deny=LinkBot}}" + BROKEN.format("C"))
    wiki.sandbox.edit("Run/d", "{{inuse}}" + BROKEN.format("D"))
    code, summary, _ = run()
    assert code == EXIT_OK and summary["mode"] == "dry-run" and summary["pages_read"] == 1 and summary["saved"] == 0
    assert {"pages_read", "proposals", "saved", "skipped", "failed", "duration_s", "stopped"} <= set(summary)
    assert summary["skipped"] == {"nobots": 1, "bots": 1, "in-use": 1}  # whole words, not "in"
    code, summary, _ = run("--mode", "live")
    # The dry run decided nothing and marked nothing done: the live run reads the page again, approves.
    assert code == EXIT_OK and summary["saved"] == 1 and summary["pages_read"] == 1
    assert wiki.text("Run/a") == "[[A]]"
    code, summary, _ = run("--mode", "live")
    assert (code, summary["saved"]) == (EXIT_OK, 0)
    log = (tmp_path / "logs" / "run.jsonl").read_text(encoding="utf-8").splitlines()
    assert any(json.loads(line)["event"] == "run done" for line in log)


def test_recent_changes_since_the_last_run(runner):
    wiki, run = runner
    extra = "recent_changes = true\n"
    run(extra=extra)
    wiki.sandbox.edit("Elsewhere/new", BROKEN.format("N"))  # not under the configured sources
    code, summary, _ = run("--mode", "live", extra=extra)
    assert code == EXIT_OK and wiki.text("Elsewhere/new") == "[[N]]"


def test_lock_busy(runner, tmp_path):
    wiki, run = runner
    with RunLock(tmp_path / "queue.sqlite3.lock"):
        code, summary, stderr = run("--mode", "live")
    assert code == EXIT_LOCKED and summary == {}
    assert "another linkbot run (process " in stderr and "this run exits" in stderr and "Traceback" not in stderr


def test_emergency_stop(runner):
    wiki, run = runner
    wiki.sandbox.edit("Run/s", BROKEN.format("S"))
    wiki.sandbox.edit("User:LinkBot/Run", "stop")
    code, summary, _ = run("--mode", "live")
    assert code == EXIT_STOPPED and summary["stopped"].startswith("emergency stop")
    assert bot_revisions(wiki, "Run/s") == 0


def test_talk_page_message_stops_saving_until_acknowledged(runner):
    wiki, run = runner
    wiki.sandbox.edit("User talk:LinkBot", "欢迎")
    run()  # the operator has seen what is there now
    wiki.sandbox.edit("Run/t", BROKEN.format("T"))
    wiki.sandbox.edit("User talk:LinkBot", "欢迎\n== 请停一下 ==\n你改错了。", user="Admin")
    code, summary, _ = run("--mode", "live")
    assert code == EXIT_STOPPED and "talk page" in summary["stopped"] and summary["saved"] == 0
    assert bot_revisions(wiki, "Run/t") == 0
    code, summary, _ = run("--mode", "live", "--acknowledge-talk")
    assert code == EXIT_OK and wiki.text("Run/t") == "[[T]]"


def test_edit_limit(runner):
    wiki, run = runner
    for name in "abc":
        wiki.sandbox.edit(f"Run/{name}", BROKEN.format(name.upper()))
    code, summary, _ = run("--mode", "live", "--max-edits", "1")
    assert code == EXIT_OK and summary["saved"] == 1 and "max-edits" in summary["stopped"]


def test_circuit_breaker(runner):
    wiki, run = runner
    for name in "abcd":
        wiki.sandbox.edit(f"Run/{name}", BROKEN.format(name.upper()))
        wiki.sandbox.protect(f"Run/{name}")
    code, summary, _ = run("--mode", "live", extra="breaker_failures = 2\n")
    assert code == EXIT_PARTIAL
    assert summary["stopped"] == "circuit breaker: 2 saves failed in a row"
    assert len(summary["failed"]) == 2 and summary["saved"] == 0


def test_on_wiki_review_cycle(runner):
    """Run 1 records and publishes; an allowed editor approves one change on the page, a new user
    approves another; run 2 saves only the first, lists the ignored decision, updates the page."""
    wiki, run = runner
    sandbox = wiki.sandbox
    sandbox.add_user("Editor", "Editor-pass-123", "--sysop")
    sandbox.add_user("Newbie", "Newbie-pass-123")
    sandbox.edit("Run/r", BROKEN.format("A") + " 和 " + BROKEN.format("B"))
    review = 'review_page = "User:LinkBot/Review"\nreview_groups = ["sysop"]\n'
    code, summary, _ = run("--mode", "live", "--auto-approve", "none", extra=review)
    assert code == EXIT_OK and summary["saved"] == 0
    subpage = "User:LinkBot/Review/1"  # proposal 1's subpage; the review page is the index
    page = wiki.text(subpage)
    assert "{{linkbot change|id=1.1|status=pending}}" in page and "{{linkbot change|id=1.2|status=pending}}" in page
    assert "[[User:LinkBot/Review/1|1]]" in wiki.text("User:LinkBot/Review")
    sandbox.edit(subpage, "编辑者的说明：请尽快处理。\n\n" + page.replace("id=1.1|status=pending", "id=1.1|status=approve"), user="Editor")
    page = wiki.text(subpage)
    sandbox.edit(subpage, page.replace("id=1.2|status=pending", "id=1.2|status=approve"), user="Newbie")
    code, summary, _ = run("--mode", "live", "--auto-approve", "none", extra=review)
    assert code == EXIT_OK, summary
    assert wiki.text("Run/r") == "[[A]] 和 " + BROKEN.format("B")
    assert summary["review_page"]["accepted"] == 1
    assert [(i["user"], i["change"]) for i in summary["review_page"]["ignored"]] == [("Newbie", "1.2")]
    updated = wiki.text(subpage)
    assert updated.startswith("编辑者的说明：请尽快处理。")  # the editors' text outside the markers stays
    assert "id=1.1" not in updated and "id=1.2" not in updated  # proposal 1 is applied: its subpage says so
    assert wiki.revisions(subpage)[0]["user"] == "LinkBot" and wiki.revisions("User:LinkBot/Review")[0]["user"] == "LinkBot"
    assert "[[User:LinkBot/Review/1|" not in wiki.text("User:LinkBot/Review")


def test_two_runs_started_together(runner, tmp_path):
    wiki, run = runner
    wiki.sandbox.edit("Run/x", BROKEN.format("X"))
    run()  # writes the config file
    env = dict(os.environ, PYWIKIBOT_DIR=str(wiki.pywikibot_dir), LINKBOT_QUEUE=str(tmp_path / "queue.sqlite3"))
    command = [sys.executable, "-m", "bot", "run", "--config", str(tmp_path / "run.toml"), "--mode", "live"]
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    results = [process.communicate(timeout=300) for process in processes]
    codes = sorted(process.returncode for process in processes)
    assert codes == [EXIT_OK, EXIT_LOCKED], results
    assert bot_revisions(wiki, "Run/x") == 1


def test_time_limit(runner):
    wiki, run = runner
    for name in "abc":
        wiki.sandbox.edit(f"Run/{name}", BROKEN.format(name.upper()))
    code, summary, _ = run("--mode", "live", extra="max_minutes = 0.0001\n")
    assert code == EXIT_OK and summary["stopped"].startswith("max_minutes") and summary["pages_read"] < 3


def test_run_killed_mid_apply_then_rerun(runner, tmp_path):

    from bot.queue.proposals import Queue
    from bot.queue.store import Database
    from tests.wiki.test_live import _bot_revisions, kill_after_saves

    wiki, run = runner
    titles = [f"Run/k{n:02d}" for n in range(12)]
    for title in titles:
        wiki.sandbox.edit(title, BROKEN.format(title))
    run("--auto-approve", "none")  # records the proposals
    database = Database(tmp_path / "queue.sqlite3", create=True)
    queue = Queue(database)
    for proposal in queue.list():
        queue.decide(proposal.id, None, "approved", "alice")
    decisions = sum(len(queue.audit(p.id)) for p in queue.list())
    database.close()
    already = _bot_revisions(wiki.sandbox)
    env = dict(os.environ, PYWIKIBOT_DIR=str(wiki.pywikibot_dir), LINKBOT_QUEUE=str(tmp_path / "queue.sqlite3"))
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--config", str(tmp_path / "run.toml"), "--mode", "live", "--auto-approve", "none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    kill_after_saves(wiki.sandbox, process, already + 2)
    code, summary, _ = run("--mode", "live", "--auto-approve", "none")
    assert code == EXIT_OK, summary
    for title in titles:
        assert bot_revisions(wiki, title) == 1, title
    database = Database(tmp_path / "queue.sqlite3", create=True)
    queue = Queue(database)
    assert sum(len(queue.audit(p.id)) for p in queue.list()) == decisions
    database.close()


def test_on_wiki_review_under_attack(runner):
    """Real accounts, real edits: an IP's approval, a vandal's blanking undone by a trusted editor, an
    approval typed while the end marker was broken (then mended by the editor: nobody's), a forged
    signature. Only the trusted editor's own decision is taken; every other decision is ignored and listed."""
    from tests.wikisession import Account

    wiki, run = runner
    sandbox = wiki.sandbox
    sandbox.add_user("Editor", "Editor-pass-123", "--sysop")
    sandbox.add_user("Vandal", "Vandal-pass-123")
    sandbox.edit("Run/attack", " ".join(BROKEN.format(name) for name in "ABCD"))
    review = 'review_page = "User:LinkBot/Review"\nreview_groups = ["sysop"]\n'
    code, summary, _ = run("--mode", "live", "--auto-approve", "none", extra=review)
    assert code == EXIT_OK and summary["saved"] == 0
    title = "User:LinkBot/Review/1"  # proposal 1's subpage
    editor, vandal, ip = Account(sandbox.api_url, "Editor", "Editor-pass-123"), Account(sandbox.api_url, "Vandal", "Vandal-pass-123"), Account(sandbox.api_url)
    page = wiki.text(title)
    ip.edit(title, text=page.replace("id=1.1|status=pending", "id=1.1|status=approve"))  # an IP approves
    blanked = vandal.edit(title, text="")  # a vandal blanks the page...
    editor.edit(title, undo=blanked["newrevid"])  # ...and the trusted editor's undo brings the IP's approval back
    page = wiki.text(title)
    from bot.core.reviewpage import END

    broken = page.replace("id=1.2|status=pending", "id=1.2|status=approve").replace(END, "<!-- linkbot:en")
    vandal.edit(title, text=broken)  # approved with the end marker broken...
    editor.edit(title, text=broken.replace("<!-- linkbot:en", END))  # ...and the editor mends the marker
    page = wiki.text(title)
    vandal.edit(title, text=page.replace("id=1.3|status=pending", "id=1.3|status=approve") + "\n批准 —— [[User:Editor|Editor]] 2026年12月6日 (UTC)")
    page = wiki.text(title)
    editor.edit(title, text=page.replace("id=1.4|status=pending", "id=1.4|status=approve"))  # the editor's own decision
    code, summary, _ = run("--mode", "live", "--auto-approve", "none", extra=review)
    assert code == EXIT_OK, summary
    assert wiki.text("Run/attack") == " ".join(BROKEN.format(name) for name in "ABC") + " [[D]]"
    assert summary["review_page"]["accepted"] == 1
    ignored = {(item["user"], item["change"]) for item in summary["review_page"]["ignored"]}
    assert ignored == {("127.0.0.1", "1.1"), ("(unknown)", "1.2"), ("Vandal", "1.3")}
    assert "changed beyond its status words in between" in next(i["why"] for i in summary["review_page"]["ignored"] if i["change"] == "1.2")


def test_on_wiki_review_needs_someone_allowed(runner):
    wiki, run = runner
    wiki.sandbox.edit("Run/nobody", BROKEN.format("A"))
    code, summary, _ = run("--mode", "live", "--auto-approve", "none", extra='review_page = "User:LinkBot/Review"\n')
    assert code == EXIT_OK and "on-wiki review is off" in summary["review_page"]["off"]
    assert wiki.revisions("User:LinkBot/Review") == []  # nothing published that nobody may decide on


def test_the_first_message_on_a_talk_page_stops_saving(runner):
    """The message that creates the talk page stops saving like any later one."""
    wiki, run = runner
    assert wiki.revisions("User talk:LinkBot") == []
    run()  # the operator's first run: no talk page yet
    wiki.sandbox.edit("Run/first", BROKEN.format("F"))
    wiki.sandbox.edit("User talk:LinkBot", "== 请停一下 ==\n第一条留言。", user="Admin")
    code, summary, _ = run("--mode", "live")
    assert code == EXIT_STOPPED and "talk page" in summary["stopped"] and bot_revisions(wiki, "Run/first") == 0


def test_a_run_that_cannot_reach_the_wiki_still_prints_its_summary(runner):
    wiki, run = runner
    wiki.sandbox.stop()
    try:
        code, summary, stderr = run("--mode", "live", extra="")
    finally:
        wiki.sandbox.start()
    assert code == 5 and "Traceback" not in stderr
    assert summary["event"] == "linkbot run" and summary["error"] and summary["saved"] == 0
    assert len([line for line in stderr.splitlines() if line.startswith("linkbot:")]) == 1


def test_a_wiki_host_that_does_not_resolve_is_one_line(tmp_path):
    """A typo in the wiki's address: one line and exit 5 from scan and from run (which also prints
    its summary), no traceback, not retried for minutes. (.invalid never resolves: RFC 2606.)"""
    folder = tmp_path / "pywikibot"
    folder.mkdir()
    (folder / "user-config.py").write_text(
        "family_files['ghost'] = 'http://wiki.linkbot-test.invalid/w/api.php'\nfamily = 'ghost'\nmylang = 'ghost'\n"
        "max_retries = 0\n",
        encoding="utf-8",
    )
    config = tmp_path / "linkbot.toml"
    config.write_text("[retry]\nattempts = 2\ntotal_seconds = 5\ninitial_wait = 0.1\nmax_wait = 1\n", encoding="utf-8")
    env = dict(os.environ, PYWIKIBOT_DIR=str(folder), LINKBOT_QUEUE=str(tmp_path / "queue.sqlite3"))
    for command in (["scan", "-page:Foo"], ["run"]):
        process = subprocess.run(
            [sys.executable, "-m", "bot", *command, "--config", str(config)],
            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        assert process.returncode == 5 and "Traceback" not in process.stderr, process.stderr
        (line,) = [line for line in process.stderr.splitlines() if line.startswith("linkbot:")]
        assert line.startswith("linkbot: connecting to the wiki: ") and "wiki.linkbot-test.invalid" in line, line
        if command == ["run"]:
            assert "wiki.linkbot-test.invalid" in json.loads(process.stdout.splitlines()[-1])["error"]


def test_trial_run_saves_n_edits_and_writes_its_report(runner, tmp_path):
    wiki, run = runner
    for name in ("A", "B", "C"):
        wiki.sandbox.edit(f"Run/{name}", BROKEN.format(name))
    code, summary, stderr = run("--mode", "live", "--trial", "2", "--trial-report", str(tmp_path / "trial"))
    assert code == EXIT_OK and summary["saved"] == 2 and summary["stopped"] == "--trial 2 reached"
    assert sum(bot_revisions(wiki, f"Run/{name}") for name in ("A", "B", "C")) == 2
    (report,) = (tmp_path / "trial").glob(f"{summary['run']}.wiki")
    assert report.read_text(encoding="utf-8").count("\n# [") == 2 and "trial report (2 edit(s))" in stderr
    code, _, stderr = run("--trial", "2")  # a trial saves: a dry run cannot be one
    assert code == 2 and "a trial saves edits: add --mode live" in stderr
