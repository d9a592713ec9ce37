"""End to end against a real MediaWiki: dry run, live run, exclusions, protection, emergency stop,
outages, bad credentials, XML dumps. Every assertion reads the wiki's own revision history."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from pathlib import Path

from bot.cli import EXIT_CONFIG, EXIT_INPUT, EXIT_OK, EXIT_PARTIAL, EXIT_STOPPED

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
GOLDEN = ROOT / "tests" / "data" / "golden"


def _queue(wiki):
    from bot.queue.proposals import Queue
    from bot.queue.store import Database

    return Queue(Database(wiki.queue, create=True))


def load_seeds(wiki, prefix: str) -> list[str]:
    titles = []
    for seed in SEEDS:
        title = f"{prefix}/{seed.stem}"
        wiki.sandbox.edit(title, seed.read_text(encoding="utf-8"))
        titles.append(title)
    return titles


def golden(title: str) -> str:
    return (GOLDEN / f"{title.rsplit('/', 1)[1]}.expected.txt").read_text(encoding="utf-8").rstrip()


def test_dry_run_writes_nothing(wiki):
    titles = load_seeds(wiki, "Dry")
    before = {title: len(wiki.revisions(title)) for title in titles}
    result = wiki.linkbot("-prefixindex:Dry/")
    assert result.returncode == EXIT_OK, result.stderr
    assert {title: len(wiki.revisions(title)) for title in titles} == before
    assert result.stdout.count("+++ b/Dry/") == 2
    assert "summary: 机器人：修复 311 个链接（URL 171，../Page/ 134，外部链接 4，分类 2）" in result.stdout
    assert "2 page(s): 2 changed, 2 with mixed link forms" in result.stdout
    assert "edits: 0 saved" in result.stdout


def test_live_run_saves_one_revision_per_page_and_is_idempotent(wiki):
    titles = load_seeds(wiki, "Live")
    result = wiki.linkbot("-prefixindex:Live/", "--mode", "live")
    assert result.returncode == EXIT_OK, result.stderr
    for title in titles:
        revisions = wiki.revisions(title)
        assert len(revisions) == 2
        newest = revisions[0]
        assert newest["user"] == "LinkBot"
        assert newest["content"] == golden(title)
        assert newest["comment"].startswith("机器人：修复 ")
    flagged = {change["title"] for change in wiki.bot_edits() if change["user"] == "LinkBot"}
    assert {title.replace("_", " ") for title in titles} <= flagged  # marked as bot edits
    again = wiki.linkbot("-prefixindex:Live/", "--mode", "live")
    assert again.returncode == EXIT_OK, again.stderr
    assert all(len(wiki.revisions(title)) == 2 for title in titles)
    assert "edits: 0 saved" in again.stdout


def test_excluded_and_protected_pages(wiki):
    page = '[A](../Page/A.md "wikilink")'
    wiki.sandbox.edit("Excl/nobots", "{{nobots}}\n" + page)
    wiki.sandbox.edit("Excl/denied", "{{bots|deny=LinkBot}}\n" + page)
    wiki.sandbox.edit("Excl/inuse", "{{正在修改}}\n" + page)
    wiki.sandbox.edit("Excl/protected", page)
    wiki.sandbox.protect("Excl/protected")
    wiki.sandbox.edit("Excl/plain", page)
    result = wiki.linkbot("-prefixindex:Excl/", "--mode", "live")
    assert result.returncode == EXIT_PARTIAL, result.stderr
    for title in ("Excl/nobots", "Excl/denied", "Excl/inuse", "Excl/protected"):
        assert all(rev["user"] != "LinkBot" for rev in wiki.revisions(title)), title
    assert wiki.text("Excl/plain") == "[[A]]"  # the run went on
    assert "excluded: Excl/nobots: {{nobots}}" in result.stdout
    assert "excluded: Excl/inuse: in use ({{正在修改}})" in result.stdout
    assert "not saved: Excl/protected: protected" in result.stdout
    assert "Traceback" not in result.stderr


def test_minor_only_when_configured(wiki, tmp_path):
    wiki.sandbox.edit("Minor/a", '[A](../Page/A.md "wikilink")')
    wiki.sandbox.edit("Minor/b", '[B](../Page/B.md "wikilink")')
    assert wiki.linkbot("-page:Minor/a", "--mode", "live").returncode == EXIT_OK
    minor = tmp_path / "minor.toml"
    minor.write_text(wiki.config.read_text(encoding="utf-8").replace("[wiki]", "[wiki]\nminor = true"), encoding="utf-8")
    assert wiki.linkbot("--config", str(minor), "-page:Minor/b", "--mode", "live").returncode == EXIT_OK
    changes = wiki.api(action="query", list="recentchanges", rcprop="title|flags|user", rclimit=50)["query"]["recentchanges"]
    flags = {c["title"]: c["minor"] for c in changes if c["user"] == "LinkBot" and c["title"].startswith("Minor/")}
    assert flags == {"Minor/a": False, "Minor/b": True}


def test_emergency_stop(wiki):
    wiki.sandbox.edit("Stop/page", '[A](../Page/A.md "wikilink")')
    wiki.sandbox.edit("User:LinkBot/Run", "stop")
    try:
        result = wiki.linkbot("-prefixindex:Stop/", "--mode", "live")
    finally:
        wiki.sandbox.edit("User:LinkBot/Run", "run")
    assert result.returncode == EXIT_STOPPED, result.stderr
    assert len(wiki.revisions("Stop/page")) == 1
    assert "stopped early: emergency stop: User:LinkBot/Run says 'stop', not 'run'" in result.stdout


def test_max_edits(wiki):
    for name in ("a", "b", "c"):
        wiki.sandbox.edit(f"Max/{name}", f'[{name}](../Page/{name}.md "wikilink")')
    result = wiki.linkbot("-prefixindex:Max/", "--mode", "live", "--max-edits", "2")
    assert result.returncode == EXIT_OK, result.stderr
    assert sum(len(wiki.revisions(f"Max/{name}")) - 1 for name in "abc") == 2
    assert "stopped early: --max-edits 2 reached" in result.stdout


def test_xml_dump_gives_the_same_proposals_as_live_reading(wiki, tmp_path):
    load_seeds(wiki, "Dump")
    dump = wiki.sandbox.dump(tmp_path / "dump.xml")
    from_dump = wiki.linkbot(f"-xml:{dump}", "--format", "json")
    live = wiki.linkbot("-prefixindex:Dump/", "--format", "json")
    assert from_dump.returncode == live.returncode == EXIT_OK, from_dump.stderr
    dumped = {r["page"]: r["changes"] for r in map(json.loads, from_dump.stdout.splitlines()) if r["page"].startswith("Dump/")}
    read = {r["page"]: r["changes"] for r in map(json.loads, live.stdout.splitlines())}
    assert dumped == read and len(read) == 2


def test_an_unreadable_page_of_a_dump_is_reported_and_the_run_goes_on(wiki, tmp_path):
    load_seeds(wiki, "Dumped")
    dump = wiki.sandbox.dump(tmp_path / "dump.xml")
    bad_page = '<page><title>Dumped/bad</title><ns>zero</ns><revision><text>[A](../Page/A.md "wikilink")</text></revision></page>'
    dump.write_text(dump.read_text(encoding="utf-8").replace("</mediawiki>", bad_page + "\n</mediawiki>"), encoding="utf-8")
    result = wiki.linkbot(f"-xml:{dump}", "--format", "json")
    assert result.returncode == EXIT_INPUT
    assert [line for line in result.stderr.splitlines() if line.startswith("linkbot:")] == [
        f"linkbot: {dump}: page 'Dumped/bad': <ns> is not a number: 'zero'"
    ]
    assert "Traceback" not in result.stderr
    proposed = {r["page"] for r in map(json.loads, result.stdout.splitlines()) if r["page"].startswith("Dumped/")}
    assert len(proposed) == 2


def test_a_page_over_the_limits_is_reported_and_the_run_goes_on(wiki):
    """A page that would take the parser minutes, and one over the size limit, among good pages: both
    left unsaved with a reason, the others saved, exit 4."""
    wiki.sandbox.edit("Limits/a", '[A](../Page/A.md "wikilink")')
    wiki.sandbox.edit("Limits/b", '[B](../Page/B.md "wikilink") ' + "[[{{<ref>" * 20_000)
    wiki.sandbox.edit("Limits/c", '[C](../Page/C.md "wikilink")\n' + "正文。" * 35_000)
    wiki.sandbox.edit("Limits/d", '[D](../Page/D.md "wikilink")')
    result = wiki.linkbot(
        "-prefixindex:Limits/", "--mode", "live", "--auto-approve", "all", "--max-analysis-seconds", "1", "--max-page-kb", "200"
    )
    assert result.returncode == EXIT_INPUT, result.stderr
    assert "Traceback" not in result.stderr
    assert "not analysed: Limits/b: its analysis ran over 1 s ([limits] max_analysis_seconds)" in result.stdout
    assert "not analysed: Limits/c: 308 KB, over the 200 KB limit ([limits] max_page_kb)" in result.stdout
    assert [len(wiki.revisions(f"Limits/{name}")) for name in "abcd"] == [2, 1, 1, 2]


def test_wrong_password(wiki, tmp_path):
    folder = wiki.sandbox.write_pywikibot_config(tmp_path / "pwb", user=("LinkBot", "not-the-password"))
    wiki.sandbox.edit("Auth/page", '[A](../Page/A.md "wikilink")')
    result = wiki.linkbot("-prefixindex:Auth/", "--mode", "live", pywikibot_dir=folder)
    assert result.returncode == EXIT_CONFIG
    errors = [line for line in result.stderr.splitlines() if line.startswith("linkbot:")]
    assert len(errors) == 1 and "login" in errors[0], result.stderr
    assert "Traceback" not in result.stderr
    assert "not-the-password" not in result.stderr + result.stdout
    assert len(wiki.revisions("Auth/page")) == 1


def test_edit_conflict_is_recomputed_not_overwritten(wiki):
    """Someone edits between analysis and save: their edit survives and the bot works on their text."""
    import io

    from bot.runs.context import RunContext
    from bot.runs.scan import ScanLoop
    from bot.settings import load_settings
    from bot.wiki.session import open_session
    from bot.wiki.sources import read_pages

    title = "Conflict/page"
    wiki.sandbox.edit(title, '[A](../Page/A.md "wikilink") 和 [B](../Page/B.md "wikilink")')
    settings = load_settings(str(wiki.config), environ={}, overrides={"mode": "live"})
    session, _ = open_session([], login=True, host_aliases=settings.host_aliases, policy=settings.retry)
    import pywikibot

    (page,) = read_pages(session.site, [pywikibot.Page(session.site, title)], settings.retry)
    # The human edits the same line after the bot has read it.
    wiki.sandbox.edit(title, '[A](../Page/A.md "wikilink") 与 [C](../Page/C.md "wikilink")', user="Admin")
    report = ScanLoop(RunContext(session, settings, _queue(wiki)), io.StringIO()).run([page])
    assert report.edits == 1 and not report.failed
    assert wiki.text(title) == "[[A]] 与 [[C]]"  # the human's 与 and C survive; B is gone as they wanted
    users = [rev["user"] for rev in wiki.revisions(title)]
    assert users[:2] == ["LinkBot", "Admin"]


def test_blocked_account(wiki, tmp_path):
    """No rights: every page is reported, the run exits non-zero, one line each, no traceback."""
    wiki.sandbox.add_user("BlockedBot", "Blocked-pass-123", "--bot")
    wiki.sandbox.block("BlockedBot")
    folder = wiki.sandbox.write_pywikibot_config(tmp_path / "pwb", user=("BlockedBot", "Blocked-pass-123"))
    wiki.sandbox.edit("Blocked/page", '[A](../Page/A.md "wikilink")')
    result = wiki.linkbot("-prefixindex:Blocked/", "--mode", "live", pywikibot_dir=folder)
    assert result.returncode in (EXIT_PARTIAL, EXIT_CONFIG), result.stdout + result.stderr
    assert "blocked" in (result.stdout + result.stderr).lower()
    assert "Traceback" not in result.stderr
    assert len(wiki.revisions("Blocked/page")) == 1


def test_json_logs_and_namespaces(wiki):
    wiki.sandbox.edit("Logs/page", '[A](../Page/A.md "wikilink")')
    wiki.sandbox.edit("User:Someone/Logs", '[A](../Page/A.md "wikilink")')
    result = wiki.linkbot("-prefixindex:Logs/", "-page:User:Someone/Logs", "--log-format", "json")
    assert result.returncode == EXIT_OK, result.stderr
    events = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    pages = [event for event in events if event["event"] == "page done"]
    assert [event["page"] for event in pages] == ["Logs/page"]  # the User page is outside namespace 0
    assert pages[0]["rules"] == {"md-mirror": 1} and pages[0]["result"] == "dry-run"
    assert {"timestamp", "level", "revision", "elapsed"} <= set(pages[0])


def test_sandbox_command(tmp_path):
    """`linkbot sandbox` gives anyone a throwaway wiki with the seed pages."""
    import os
    import subprocess
    import sys
    import urllib.request

    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "sandbox", "--dir", str(tmp_path / "box")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=dict(os.environ),
    )  # fmt: skip
    try:
        first = process.stdout.readline()
        assert first.startswith("A local wiki is running at http://127.0.0.1:"), first + process.stderr.read()
        url = first.split(" at ", 1)[1].split("/index.php", 1)[0]
        query = "/api.php?action=query&list=allpages&apprefix=Sandbox/&format=json"
        with urllib.request.urlopen(url + query, timeout=10) as answer:
            pages = json.load(answer)["query"]["allpages"]
        assert len(pages) == 2
        assert (tmp_path / "box" / "pywikibot" / "user-config.py").is_file()
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_concurrent_edit_elsewhere_is_merged_and_reported(wiki):
    """A human edits another line between analysis and save: MediaWiki merges both edits;
    the bot notices that the saved revision is not its own text, and reports it."""
    import io

    import pywikibot

    from bot.runs.context import RunContext
    from bot.runs.scan import ScanLoop
    from bot.settings import load_settings
    from bot.wiki.session import open_session
    from bot.wiki.sources import read_pages

    title = "Merge/page"
    lines = ['[A](../Page/A.md "wikilink")', "", "第二段。", "", "第三段。"]
    wiki.sandbox.edit(title, "\n".join(lines))
    settings = load_settings(str(wiki.config), environ={}, overrides={"mode": "live"})
    session, _ = open_session([], login=True, host_aliases=settings.host_aliases, policy=settings.retry)
    (page,) = read_pages(session.site, [pywikibot.Page(session.site, title)], settings.retry)
    wiki.sandbox.edit(title, "\n".join(lines[:4] + ["第三段，改过。"]), user="Admin")
    out = io.StringIO()
    report = ScanLoop(RunContext(session, settings, _queue(wiki)), out).run([page])
    assert report.merged == [title]
    assert wiki.text(title) == "[[A]]\n\n第二段。\n\n第三段，改过。"
    assert f"merged: {title}" in report.render()


def test_wiki_down_then_back(private_wiki):
    """The server stops before the run and comes back: the run retries, then completes; nothing twice."""
    private_wiki.sandbox.edit("Down/a", '[A](../Page/A.md "wikilink")')
    private_wiki.sandbox.edit("Down/b", '[B](../Page/B.md "wikilink")')
    private_wiki.sandbox.stop()
    restart = threading.Timer(3.0, private_wiki.sandbox.start)
    restart.start()
    try:
        result = private_wiki.linkbot("-prefixindex:Down/", "--mode", "live")
    finally:
        restart.join()
    assert result.returncode == EXIT_OK, result.stdout + result.stderr
    assert "transient failure, retrying" in result.stderr
    for name in "ab":
        revisions = private_wiki.revisions(f"Down/{name}")
        assert len(revisions) == 2 and revisions[0]["user"] == "LinkBot"


def _bot_revisions(sandbox) -> int:
    database = sandbox.root / "data" / "wiki.sqlite"
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)) as connection:
        return connection.execute(
            "SELECT COUNT(*) FROM revision JOIN actor ON rev_actor = actor_id WHERE actor_name = 'LinkBot'"
        ).fetchone()[0]


def kill_after_saves(sandbox, process, saves: int, timeout: float = 60) -> None:
    """SIGKILL ``process`` as soon as the bot has ``saves`` revisions on the wiki (or it ended)."""
    import signal

    deadline = time.monotonic() + timeout
    while _bot_revisions(sandbox) < saves and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()


def test_wiki_down_mid_run(private_wiki):
    """The server stops right after the first save and comes back 3 s later: every page ends
    with at most one bot revision, and each page is either saved or reported as not saved."""
    sandbox = private_wiki.sandbox
    titles = [f"Mid/{n:02d}" for n in range(20)]
    for title in titles:
        sandbox.edit(title, f'[{title}](../Page/{title}.md "wikilink")')
    done = threading.Event()

    def outage():
        while not done.is_set():
            try:
                if _bot_revisions(sandbox) >= 1:
                    break
            except sqlite3.Error:
                pass
            time.sleep(0.02)
        sandbox.stop()
        time.sleep(3)
        sandbox.start()

    watcher = threading.Thread(target=outage)
    watcher.start()
    try:
        result = private_wiki.linkbot("-prefixindex:Mid/", "--mode", "live")
    finally:
        done.set()
        watcher.join()
    assert result.returncode in (EXIT_OK, EXIT_PARTIAL), result.stdout + result.stderr
    assert "transient failure, retrying" in result.stderr  # the outage really hit the run
    assert "Traceback" not in result.stderr
    not_saved = {line.split(": ")[1] for line in result.stdout.splitlines() if line.startswith("not saved: ")}
    for title in titles:
        bot_revisions = [rev for rev in private_wiki.revisions(title) if rev["user"] == "LinkBot"]
        assert len(bot_revisions) <= 1, title  # nothing saved twice
        if bot_revisions:
            assert bot_revisions[0]["content"] == f"[[{title}]]"  # nothing partial
        else:
            assert title in not_saved or "stopped early" in result.stdout


def test_wiki_stays_down(private_wiki):
    """Retries are bounded: the run stops, reports, and exits non-zero; no traceback."""
    private_wiki.sandbox.edit("Gone/a", '[A](../Page/A.md "wikilink")')
    private_wiki.sandbox.stop()
    started = time.monotonic()
    result = private_wiki.linkbot("-prefixindex:Gone/", "--mode", "live")
    assert time.monotonic() - started < 120
    assert result.returncode != EXIT_OK
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("linkbot:")]
    assert lines, result.stderr
    private_wiki.sandbox.start()
    assert len(private_wiki.revisions("Gone/a")) == 1
