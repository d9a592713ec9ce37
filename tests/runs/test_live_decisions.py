"""Decisions as they are at the moment of saving, one budget per command, writers that say so: each
point of "many hands at once" on the real test wiki, with linkbot as real processes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli import EXIT_LOCKED, EXIT_OK
from tests.wikisession import ROOT, TEST_CONFIG

BROKEN = '[{0}](../Page/{0}.md "wikilink")'


def lines(*labels: str) -> str:
    """A page with one broken link a paragraph (a change on each line: they rebase apart)."""
    return "\n\n".join(f"第{n}段 {BROKEN.format(label)}" for n, label in enumerate(labels, 1))


@dataclass
class Bot:
    """linkbot against the session's test wiki, with a configuration and a queue of the test's own."""

    wiki: object
    config: Path
    queue: Path

    def __call__(self, *args: str, stdin: str = "", check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(self.command(*args), input=stdin, capture_output=True, text=True, cwd=ROOT, env=self.env(),
                                timeout=300)  # fmt: skip
        if check:
            assert result.returncode == EXIT_OK, result.stdout + result.stderr
        assert "Traceback" not in result.stderr, result.stderr
        return result

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "bot", *args, "--config", str(self.config), "--queue", str(self.queue)]

    def env(self) -> dict:
        return dict(os.environ, PYWIKIBOT_DIR=str(self.wiki.pywikibot_dir), NO_COLOR="1")

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(self.command(*args), cwd=ROOT, env=self.env(), text=True, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)  # fmt: skip

    def proposals(self) -> list[dict]:
        return [json.loads(line) for line in self("list", "--format", "json").stdout.splitlines()]


@pytest.fixture
def bot(wiki, tmp_path):
    def make(extra: str = "") -> Bot:
        config = tmp_path / "linkbot.toml"
        config.write_text(TEST_CONFIG.replace('auto_approve = "all"', "auto_approve = []") + "[proof]\nmode = \"off\"\n" + extra,
                          encoding="utf-8")  # fmt: skip
        return Bot(wiki, config, tmp_path / "queue.sqlite3")

    return make


def bot_edits(wiki, title: str) -> list[dict]:
    return [rev for rev in wiki.revisions(title) if rev["user"] == "LinkBot"]


def wait_for(condition, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_decisions_changed_while_apply_runs_count_at_the_save(bot, wiki):
    """apply saves page after page at the edit rate; a change rejected meanwhile is not saved, one
    approved meanwhile is, and the proposal is applied with exactly what was saved."""
    run = bot("[bot]\nedits_per_minute = 12\n")  # five seconds between edits
    wiki.sandbox.edit("Hold/a", lines("A1", "A2"))
    wiki.sandbox.edit("Hold/b", lines("B1", "B2", "B3"))
    run("scan", "-prefixindex:Hold/")
    first, second = (p["id"] for p in run.proposals())
    run("approve", str(first), "--include-unproven")
    run("approve", str(second), "--change", "1", "2")
    applying = run.start("apply", "--mode", "live")
    wait_for(lambda: bot_edits(wiki, "Hold/a"))  # the first page is saved: the second waits its turn
    run("reject", str(second), "--change", "1")
    run("approve", str(second), "--change", "3")
    out, err = applying.communicate(timeout=300)
    assert applying.returncode == EXIT_OK, out + err
    assert wiki.text("Hold/b") == lines("B1", "B2", "B3").replace(BROKEN.format("B2"), "[[B2]]").replace(BROKEN.format("B3"), "[[B3]]")
    shown = {p["id"]: p for p in run.proposals()}
    assert shown[second]["status"] == "applied"
    successor = [p for p in shown.values() if p["page"] == "Hold/b" and p["id"] != second]
    assert [(c["old"], c["decision"], c["decided_by"]) for s in successor for c in s["changes"]] == [(BROKEN.format("B1"), "rejected", run_user())]
    record = json.loads(run("runs", "--format", "json").stdout.splitlines()[0])
    (edit,) = [e for e in record["edits"] if e["title"] == "Hold/b"]
    assert (edit["proposal_id"], edit["numbers"]) == (second, [2, 3])


def run_user() -> str:
    return os.environ.get("USER") or os.environ.get("LOGNAME") or __import__("getpass").getuser()


def test_a_trial_counts_the_backlog_it_applies(bot, wiki, tmp_path):
    """run --trial 2: the scan saves one page, the apply of an approved backlog of three saves one more,
    and no more: one budget for the whole command, and the report says 2 of 2."""
    run = bot('[run]\nsources = ["-prefixindex:Trial2/new"]\n')
    for name in "abc":
        wiki.sandbox.edit(f"Trial2/old-{name}", lines(f"T{name}"))
    run("scan", "-prefixindex:Trial2/old")
    for proposal in run.proposals():
        run("approve", str(proposal["id"]), "--include-unproven")
    wiki.sandbox.edit("Trial2/new", lines("TN"))
    result = run("run", "--mode", "live", "--trial", "2", "--auto-approve", "all", "--trial-report", str(tmp_path / "trial"))
    summary = json.loads(result.stdout.splitlines()[-1])
    assert summary["saved"] == 2 and summary["stopped"] == "--trial 2 reached"
    pages = ["Trial2/new", *(f"Trial2/old-{name}" for name in "abc")]
    assert sum(len(bot_edits(wiki, title)) for title in pages) == 2
    (report,) = (tmp_path / "trial").glob("*.wiki")
    assert "2 edit(s) of 2 allowed" in report.read_text(encoding="utf-8")


def test_a_partly_applied_page_keeps_its_other_changes_in_review(bot, wiki, tmp_path):
    """Approve 1 of 3, reject 1, apply: the saved revision's proposal holds the undecided change,
    pending, and the rejected one, rejected; every way of reviewing shows it; it is saved later."""
    run = bot()
    wiki.sandbox.edit("Part/p", lines("P1", "P2", "P3"))
    run("scan", "-prefixindex:Part/")
    (proposal,) = run.proposals()
    run("approve", str(proposal["id"]), "--change", "1")
    run("reject", str(proposal["id"]), "--change", "2")
    run("apply", "--mode", "live")
    saved = wiki.revisions("Part/p")[0]
    assert saved["content"] == lines("P1", "P2", "P3").replace(BROKEN.format("P1"), "[[P1]]")
    listed = {p["id"]: p for p in run.proposals()}
    assert listed[proposal["id"]]["status"] == "applied"
    (successor,) = [p for p in listed.values() if p["status"] == "pending"]
    assert successor["base_revid"] == saved["revid"]
    assert [(c["old"], c["decision"]) for c in successor["changes"]] == [(BROKEN.format("P2"), "rejected"), (BROKEN.format("P3"), "pending")]
    assert "1 page(s) to review" in run("review", "--reviewer", "rita", stdin="q\n").stdout
    run("report", "--html", str(tmp_path / "report.html"))
    assert f'id="proposal-{successor["id"]}"' in (tmp_path / "report.html").read_text(encoding="utf-8")
    from bot.queue.proposals import Queue
    from bot.queue.store import Database
    from bot.web.app import create_app

    listing = create_app(lambda: Queue(Database(run.queue)), "erin").test_client().get("/").get_data(as_text=True)
    assert f'data-id="{successor["id"]}"' in listing
    run("approve", str(successor["id"]), "--change", "2")
    run("apply", "--mode", "live")
    assert wiki.text("Part/p") == lines("P1", "P2", "P3").replace(BROKEN.format("P1"), "[[P1]]").replace(BROKEN.format("P3"), "[[P3]]")


def test_only_a_command_line_says_live(bot, wiki):
    """With mode = "live" in the configuration, scan, apply, undo and template write nothing without
    their own --mode live (each says so); run, the scheduled command, does write."""
    run = bot()
    run.config.write_text(run.config.read_text(encoding="utf-8").replace("[wiki]\n", '[wiki]\nmode = "live"\n', 1) +
                          '[run]\nsources = ["-prefixindex:Cfg/"]\n', encoding="utf-8")  # fmt: skip
    wiki.sandbox.edit("Cfg/a", lines("C1"))
    wiki.sandbox.edit("Cfg/b", lines("C2"))
    before = len(wiki.bot_edits())
    template = len(wiki.revisions("Template:Linkbot change"))  # (another test may have written it)
    note = 'the configuration\'s mode = "live" is for linkbot run; this {} is a dry run (--mode live writes)'
    scanned = run("scan", "-prefixindex:Cfg/", "--auto-approve", "all")
    assert note.format("scan") in scanned.stderr
    first, second = (p["id"] for p in run.proposals())
    run("approve", str(first), "--include-unproven")
    assert note.format("apply") in run("apply").stderr
    assert note.format("template") in run("template").stderr
    assert len(wiki.bot_edits()) == before and len(wiki.revisions("Template:Linkbot change")) == template
    run("apply", "--mode", "live")
    (record,) = [json.loads(line) for line in run("runs", "--format", "json").stdout.splitlines()]
    assert note.format("undo") in run("undo", record["id"]).stderr
    assert bot_edits(wiki, "Cfg/a")[0]["content"] == "第1段 [[C1]]"  # not undone
    run("approve", str(second), "--include-unproven")
    summary = json.loads(run("run").stdout.splitlines()[-1])
    assert summary["mode"] == "live" and summary["saved"] == 1 and wiki.text("Cfg/b") == "第1段 [[C2]]"


def test_every_writer_takes_the_run_lock(bot, wiki):
    from bot.runs.lock import RunLock

    run = bot()
    wiki.sandbox.edit("Lock/a", lines("L1"))
    run("scan", "-prefixindex:Lock/")
    with RunLock(Path(str(run.queue) + ".lock"), "run"):
        for command in (["scan", "-prefixindex:Lock/"], ["apply"], ["template"]):
            run(*command)  # a dry run is no writer: not held
            locked = run(*command, "--mode", "live", check=False)
            assert locked.returncode == EXIT_LOCKED, locked.stderr
            assert re.fullmatch(rf"linkbot: another linkbot run \(process {os.getpid()}\) is writing to the wiki with this queue "
                                rf"\(lock .*\); this {command[0]} exits\n", locked.stderr), locked.stderr  # fmt: skip
    assert bot_edits(wiki, "Lock/a") == []


def test_the_run_summary_counts_the_queues_waiting_changes(bot, wiki):
    run = bot('[run]\nsources = ["-prefixindex:Wait/none"]\n')
    wiki.sandbox.edit("Wait/elsewhere", lines("W1", "W2", "W3"))
    run("scan", "-prefixindex:Wait/elsewhere")  # not a page the run reads
    summary = json.loads(run("run", "--mode", "live").stdout.splitlines()[-1])
    assert summary["pages_read"] == 0 and summary["waiting_for_review"] == 3


def test_a_queue_never_applies_its_decisions_to_another_wiki(bot, wiki):
    """The queue knows its wiki by name and address: pywikibot pointed at another wiki under the same
    name (another sandbox, a copied configuration) is refused before anything is read or saved."""
    from bot.queue.proposals import Queue
    from bot.queue.store import Database

    run = bot()
    wiki.sandbox.edit("Elsewhere/a", lines("E1"))
    run("scan", "-prefixindex:Elsewhere/")
    with Database(run.queue) as database:
        queue = Queue(database)
        (wiki_id,) = queue.wiki_urls()
        database.connection.execute("UPDATE wiki SET index_url = 'http://127.0.0.1:1/index.php'")  # as if made on another wiki
        queue.decide(1, None, "approved", "ann")
    refused = run("apply", "--mode", "live", check=False)
    assert refused.returncode == 3 and refused.stderr.count("\n") == 1, refused.stderr
    assert f"this queue's wiki '{wiki_id}' is at http://127.0.0.1:1/index.php, but pywikibot is connected to" in refused.stderr
    assert bot_edits(wiki, "Elsewhere/a") == []


def test_the_run_lock_is_the_queues_whatever_path_names_it(bot, wiki, tmp_path):
    from bot.runs.lock import RunLock

    run = bot()
    wiki.sandbox.edit("Linked/a", lines("K1"))
    run("scan", "-prefixindex:Linked/")
    link = tmp_path / "link.sqlite3"
    link.symlink_to(run.queue)
    other = Bot(wiki, run.config, link)
    with RunLock(Path(str(run.queue) + ".lock"), "apply"):
        assert other("apply", "--mode", "live", check=False).returncode == EXIT_LOCKED
    assert bot_edits(wiki, "Linked/a") == []


def test_a_save_whose_run_was_killed_before_it_was_recorded_is_answered_for(bot, wiki, tmp_path):
    """kill -9 the moment the wiki serves the save (the run then waits for its answer, holding the
    queue): the wiki has the edit, the queue does not. The next apply finds the page already as
    approved: the proposal is applied, the edit is recorded for the killed run (which runs show and
    undo reverts), and the page's undecided change waits in review on the saved revision."""
    import signal

    run = bot()
    wiki.sandbox.edit("Killed/a", lines("K1", "K2"))
    run("scan", "-prefixindex:Killed/")
    run("approve", "1", "--change", "1")
    log = wiki.sandbox.api_log
    seen = log.stat().st_size
    with wiki.sandbox.delay_edits(3):  # the kill lands while the wiki is still serving the save
        applying = run.start("apply", "--mode", "live")
        wait_for(lambda: b"action=edit" in log.read_bytes()[seen:], 60)
        applying.send_signal(signal.SIGKILL)
        applying.wait()
    wait_for(lambda: bot_edits(wiki, "Killed/a"))  # the wiki finished the save the process died waiting for
    saved = wiki.revisions("Killed/a")[0]
    killed = json.loads(run("runs", "--format", "json").stdout.splitlines()[0])
    assert killed["ended_at"] is None and killed["edits"] == []
    run("apply", "--mode", "live")
    runs = {r["id"]: r for r in map(json.loads, run("runs", "--format", "json").stdout.splitlines())}
    (edit,) = runs[killed["id"]]["edits"]
    assert (edit["new_revid"], edit["proposal_id"], edit["numbers"]) == (saved["revid"], 1, [1])
    assert edit["summary"].startswith("(recorded afterwards")
    listed = {p["id"]: p for p in run.proposals()}
    assert listed[1]["status"] == "applied" and listed[1]["saved_revid"] == saved["revid"]
    (successor,) = [p for p in listed.values() if p["status"] == "pending"]
    assert successor["base_revid"] == saved["revid"] and [c["old"] for c in successor["changes"]] == [BROKEN.format("K2")]
    assert len(bot_edits(wiki, "Killed/a")) == 1  # saved once
