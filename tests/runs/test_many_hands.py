"""Many hands at once: linkbot beside itself, on one queue file and one wiki.

Real processes on a real queue file and the real test wiki, for a bounded minute and more:
``linkbot serve`` answering decisions in a loop, ``linkbot run`` (live by its configuration) and
``apply --mode live`` saving, ``review``, ``approve``, ``reject``, ``list`` and ``show`` from other
processes, and an editor changing the pages on the wiki. Then once more with ``kill -9`` of the web
app, of a run and of an apply mid-way. What must hold every time:

- no server error, no traceback, every exit code one the README documents for the case;
- no decision lost (or made up): each reviewer's acknowledged decisions are exactly their rows in
  the audit trail (the web app's, plus at most those it was killed before answering);
- ``PRAGMA integrity_check`` is ok;
- every saved change was approved at the moment of its save: each recorded edit carries exactly the
  changes its proposal had approved as the audit trail stood while the save was sent (the saver
  holds the queue then: nobody decides meanwhile), and every bot revision on the wiki converts
  exactly a set of changes that was the approved set at some moment of the trail. Edits come at
  the edit rate (1.5 s apart), so decisions keep arriving between a save's plan and the save;
- every bot revision is its parent's text with exactly those links converted, and no change is saved
  twice.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.wikisession import ROOT, Account

PAGES = 20
LINKS = 5
PREFIX = "Hands/"
CONFIG = """
[wiki]
mode = "live"
host_aliases = ["zh.wikipedia.org"]
shutoff_page = "User:LinkBot/Run"
[proof]
mode = "off"
[bot]
edits_per_minute = 40
[run]
sources = ["-prefixindex:Hands/"]
[retry]
attempts = 5
total_seconds = 40
initial_wait = 0.5
max_wait = 4
"""
# What each command may exit with here: 0; 4 a decision on a proposal that closed meanwhile; 5 a
# page not saved (still conflicting with the editor); 7 another writer holds the run lock.
ALLOWED = {"run": {0, 5, 7}, "apply": {0, 5, 7}, "decide": {0, 4}, "review": {0}, "read": {0, 4}}


def page_text(page: int, tail: str = "尾行") -> str:
    lines = [f'第{line}行 [Hands{page}L{line}](../Page/目标{page}-{line}.md "wikilink")' for line in range(1, LINKS + 1)]
    return "\n\n".join([*lines, tail])


def converted(text: str) -> set[str]:
    """The labels of the page's links that are wikilinks now."""
    return set(re.findall(r"\[\[[^]|]*\|(Hands\d+L\d+)\]\]", text))


@dataclass
class Hands:
    """The actors' shared record: commands run, decisions acknowledged, what went wrong."""

    wiki: object
    config: Path
    queue: Path
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    acknowledged: Counter = field(default_factory=Counter)  # (who, source) -> changes decided, as told
    unanswered: Counter = field(default_factory=Counter)  # (who, source) -> decisions sent that got no answer (a kill)
    exits: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    running: dict[str, subprocess.Popen] = field(default_factory=dict)
    kills: list[str] = field(default_factory=list)

    def linkbot(self, kind: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess | None:
        env = dict(os.environ, PYWIKIBOT_DIR=str(self.wiki.pywikibot_dir), NO_COLOR="1", LINKBOT_QUEUE=str(self.queue))
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", *args, "--config", str(self.config)], cwd=ROOT, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        with self.lock:
            self.running[kind] = process
        out, err = process.communicate(stdin, timeout=300)
        with self.lock:
            self.running.pop(kind, None)
        result = subprocess.CompletedProcess(args, process.returncode, out, err)
        with self.lock:
            self.exits[(kind, process.returncode)] += 1
            if process.returncode == -signal.SIGKILL:
                return None
            if process.returncode not in ALLOWED[kind] or "Traceback" in err:
                self.problems.append(f"{' '.join(args)} -> {process.returncode}: {err.strip()[-800:]}")
        return result

    def told(self, who: str, source: str, changes: int) -> None:
        with self.lock:
            self.acknowledged[(who, source)] += changes

    def open_ids(self) -> list[int]:
        with sqlite3.connect(f"file:{self.queue}?mode=ro", uri=True, timeout=60) as db:
            return [row[0] for row in db.execute("SELECT id FROM proposal WHERE status IN ('pending', 'approved')")]

    def loop(self, body, pause: float) -> threading.Thread:
        def run() -> None:
            while not self.stop.is_set():
                try:
                    body()
                except Exception as error:  # a test thread's own failure is a problem to report, not a hang
                    with self.lock:
                        self.problems.append(f"{body.__name__}: {type(error).__name__}: {error}")
                self.stop.wait(pause)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread


class WebReviewer:
    """A person in a browser: reads the list, opens a proposal, posts a decision with its form's token."""

    def __init__(self, hands: Hands, url: str) -> None:
        import http.cookiejar

        self.hands, self.url = hands, url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.statuses: Counter = Counter()

    def fetch(self, path: str, data: dict | None = None) -> str:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.url + path, data=body, timeout=120) as answer:
                self.statuses[answer.status] += 1
                return answer.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            self.statuses[error.code] += 1
            if error.code >= 500:
                self.hands.problems.append(f"web: {path} -> {error.code}")
            return ""
        except OSError:  # the app was killed: a refused connection until it is back
            self.statuses["down"] += 1
            if data is not None:  # killed after its commit, before its answer: recorded, never acknowledged
                self.hands.unanswered[("erin", "web")] += 1
            return ""

    def decide_once(self) -> None:
        listed = self.fetch("/?status=waiting&p=" + str(random.randint(1, 2)))
        ids = [int(n) for n in re.findall(r'data-id="(\d+)"', listed)]
        if not ids:
            return
        proposal = random.choice(ids)
        page = self.fetch(f"/proposal/{proposal}")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        if token is None:
            return
        decision = random.choices(["approved", "rejected", "pending"], [6, 3, 1])[0]
        number = random.randint(1, LINKS)
        answer = self.fetch(f"/proposal/{proposal}/decide", {
            "csrf_token": token.group(1), "decision": decision, "scope": "change", "value": str(number),
            "next": f"/proposal/{proposal}",
        })  # fmt: skip
        done = re.search(r"(\d+) change\(s\) (approved|rejected|undecided) by erin", answer)
        if done:
            self.hands.told("erin", "web", int(done.group(1)))


def start_serve(hands: Hands, port: int) -> subprocess.Popen:
    env = dict(os.environ, PYWIKIBOT_DIR=str(hands.wiki.pywikibot_dir), NO_COLOR="1", LINKBOT_QUEUE=str(hands.queue))
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port), "--reviewer", "erin", "--config", str(hands.config)],
        cwd=ROOT, env=env, text=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    line = process.stderr.readline()
    assert "reviewing at" in line, line + process.stderr.read()
    threading.Thread(target=_drain, args=(hands, process), daemon=True).start()
    return process


def _drain(hands: Hands, process: subprocess.Popen) -> None:
    """The web app's own log: a traceback or a 5xx in it is a problem."""
    for line in process.stderr:
        if "Traceback" in line or re.search(r'" 5\d\d ', line):
            hands.problems.append(f"serve: {line.strip()}")


def actors(hands: Hands, url: str, editor: Account) -> list[threading.Thread]:
    web = WebReviewer(hands, url)

    def scheduled_run() -> None:
        hands.linkbot("run", "run")

    def live_apply() -> None:
        hands.linkbot("apply", "apply", "--mode", "live")

    def decide() -> None:
        ids = hands.open_ids()
        if not ids:
            return
        verb = random.choices(["approve", "reject"], [2, 1])[0]
        numbers = sorted(random.sample(range(1, LINKS + 1), random.randint(1, 2)))
        result = hands.linkbot("decide", verb, str(random.choice(ids)), "--change", *map(str, numbers), "--reviewer", "carl")
        if result is not None and result.returncode == 0:
            hands.told("carl", "cli", len(numbers))

    def review() -> None:
        result = hands.linkbot("review", "review", "--reviewer", "rita", stdin=random.choice(["1 y\nq\n", "2 n\nq\n", "1-2 y\nq\n"]))
        recorded = re.search(r"(\d+) decision\(s\) recorded as rita", result.stdout) if result else None
        if recorded:
            hands.told("rita", "review", int(recorded.group(1)))

    def read() -> None:
        ids = hands.open_ids()
        hands.linkbot("read", "list")
        if ids:
            hands.linkbot("read", "show", str(random.choice(ids)), "--format", "json")

    def edit_on_the_wiki() -> None:
        page = random.randrange(PAGES)
        title = f"{PREFIX}{page:02d}"
        current = hands.wiki.text(title)
        editor.edit(title, text=re.sub(r"尾行.*$", f"尾行 {random.randint(0, 10**6)}", current))

    return [
        hands.loop(scheduled_run, 0.5), hands.loop(live_apply, 0.5), hands.loop(decide, 0.3), hands.loop(review, 1.0),
        hands.loop(read, 1.0), hands.loop(web.decide_once, 0.1), hands.loop(edit_on_the_wiki, 3.0),
    ]  # fmt: skip



def kill_mid_save(hands: Hands, kind: str) -> None:
    """``kill -9`` a ``kind`` process the moment the wiki starts serving one of its saves (it then waits
    for the wiki's answer inside its queue transaction): the worst moment to die."""
    log = hands.wiki.sandbox.api_log
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not hands.stop.is_set():
        with hands.lock:
            process = hands.running.get(kind)
        if process is None:
            time.sleep(0.02)
            continue
        seen = log.stat().st_size
        while process.poll() is None:
            with log.open("rb") as handle:
                handle.seek(seen)
                if b"action=edit" in handle.read():
                    process.send_signal(signal.SIGKILL)
                    hands.kills.append(kind)
                    return
            time.sleep(0.005)


@pytest.fixture
def hands(wiki, tmp_path) -> Hands:
    for page in range(PAGES):
        wiki.sandbox.edit(f"{PREFIX}{page:02d}", page_text(page))
    config = tmp_path / "linkbot.toml"
    config.write_text(CONFIG, encoding="utf-8")
    shared = Hands(wiki, config, tmp_path / "queue.sqlite3")
    scanned = shared.linkbot("read", "scan", f"-prefixindex:{PREFIX}")  # a person's scan: a dry run, whatever the config says
    assert scanned.returncode == 0, scanned.stderr
    assert 'mode = "live" is for linkbot run; this scan is a dry run' in scanned.stderr
    assert bot_revisions(wiki) == {}
    return shared


def phase(hands: Hands, seconds: float, port: int, kills: bool = False) -> None:
    serve = start_serve(hands, port)
    editor = Account(hands.wiki.sandbox.api_url, *hands.wiki.sandbox.admin)
    hands.stop.clear()
    threads = actors(hands, f"http://127.0.0.1:{port}", editor)
    started = time.monotonic()
    if kills:
        for kind in ("apply", "run"):
            kill_mid_save(hands, kind)
        time.sleep(max(0.0, 8 - (time.monotonic() - started)))
        serve.send_signal(signal.SIGKILL)  # the web app, mid-way through its reviewer's decisions
        serve.wait()
        hands.kills.append("serve")
        serve = start_serve(hands, port)
    time.sleep(max(0.0, seconds - (time.monotonic() - started)))
    hands.stop.set()
    for thread in threads:
        thread.join(timeout=300)
    serve.terminate()
    serve.wait(timeout=30)


def bot_revisions(wiki) -> dict[str, list[tuple[dict, dict]]]:
    """Each page's bot revisions with their parents (both with content)."""
    found = {}
    for page in range(PAGES):
        title = f"{PREFIX}{page:02d}"
        revisions = wiki.revisions(title)  # newest first
        pairs = [(rev, revisions[index + 1]) for index, rev in enumerate(revisions[:-1]) if rev["user"] == "LinkBot"]
        if pairs:
            found[title] = pairs
    return found


def check(hands: Hands) -> None:
    assert hands.problems == []
    db = sqlite3.connect(f"file:{hands.queue}?mode=ro", uri=True, timeout=60)
    db.row_factory = sqlite3.Row
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # No decision lost or made up: every reviewer's acknowledged decisions are their rows in the trail.
    trail = Counter((row["who"], row["source"]) for row in db.execute("SELECT who, source FROM decision"))
    for who_source, told in hands.acknowledged.items():
        assert told <= trail[who_source] <= told + hands.unanswered[who_source], who_source
    assert hands.acknowledged[("erin", "web")] > 0 and hands.acknowledged[("carl", "cli")] > 0
    _check_saves(db, bot_revisions(hands.wiki))
    db.close()


def _check_saves(db: sqlite3.Connection, revisions: dict) -> None:
    changes = {}  # (proposal, number) -> its old text's label
    for row in db.execute("SELECT proposal_id, number, old FROM change"):
        label = re.search(r"Hands\d+L\d+", row["old"])
        changes[(row["proposal_id"], row["number"])] = label.group(0) if label else row["old"]
    recorded = {row["new_revid"]: row for row in db.execute("SELECT * FROM run_edit WHERE kind = 'page'")}
    saved_labels: Counter = Counter()
    for title, pairs in revisions.items():
        for revision, parent in pairs:
            before, after = converted(parent["content"]), converted(revision["content"])
            labels = after - before
            assert before <= after, title  # nothing unconverted
            saved_labels.update(labels)
            expected = parent["content"]
            for label in labels:
                expected = re.sub(rf'\[{label}\]\(\.\./Page/([^)]*)\.md "wikilink"\)', rf"[[\1|{label}]]", expected)
            assert revision["content"] == expected, title  # only link markup, only these links
            proposals = _proposals_of(db, title, parent["revid"])
            assert any(_approved_at_some_moment(db, proposal, labels, changes) for proposal in proposals), (title, labels)
            edit = recorded.get(revision["revid"])
            if edit is not None:  # recorded: exactly the approved set as the trail stood while it was saved
                numbers = {int(n) for n in edit["numbers"].split(",") if n}
                assert {changes[(edit["proposal_id"], n)] for n in numbers} == labels
                assert numbers == _approved_upto(db, edit["proposal_id"], edit["decided_upto"])
    assert all(count == 1 for count in saved_labels.values())  # no change saved twice
    assert saved_labels, "nothing was saved at all"


def _proposals_of(db, title: str, parent: int) -> list[int]:
    return [row[0] for row in db.execute("SELECT id FROM proposal WHERE title = ? AND base_revid <= ? ORDER BY id DESC", (title, parent))]


def _approved_upto(db, proposal: int, last: int) -> set[int]:
    state: dict[int, str] = {}
    for row in db.execute("SELECT number, decision FROM decision WHERE proposal_id = ? AND id <= ? ORDER BY id", (proposal, last)):
        state[row["number"]] = row["decision"]
    return {number for number, decision in state.items() if decision == "approved"}


def _approved_at_some_moment(db, proposal: int, labels: set[str], changes: dict) -> bool:
    state: dict[int, str] = {}
    moments = [set()]
    for row in db.execute("SELECT number, decision FROM decision WHERE proposal_id = ? ORDER BY id", (proposal,)):
        state[row["number"]] = row["decision"]
        moments.append({changes[(proposal, n)] for n, decision in state.items() if decision == "approved"})
    return labels in moments


def test_many_hands_at_once(hands):
    from bot.sandbox.mediawiki import free_port

    port = free_port()
    phase(hands, 60, port)
    check(hands)
    phase(hands, 30, port, kills=True)
    assert set(hands.kills) == {"serve", "apply", "run"}, hands.kills
    settled = hands.linkbot("apply", "apply", "--mode", "live")  # after the kills: no lock left behind, nothing twice
    assert settled is not None and settled.returncode in (0, 5), settled
    check(hands)
    saved = sum(len(pairs) for pairs in bot_revisions(hands.wiki).values())
    print(json.dumps({"bot revisions": saved, "exits": {f"{k}:{c}": n for (k, c), n in hands.exits.items()}, "kills": hands.kills,
                      "acknowledged": {f"{w}/{s}": n for (w, s), n in hands.acknowledged.items()}}))  # fmt: skip
