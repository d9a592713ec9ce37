"""A real MediaWiki for the live tests (a pytest plugin, see tests/conftest.py): Debian's package, SQLite, ``php -S`` on loopback, fresh per session.

Tests drive linkbot as a real process (``python -m bot``) against it and assert on the wiki's
own revision history, read over plain HTTP (not through pywikibot).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.sandbox.mediawiki import Sandbox, require_packages

ROOT = Path(__file__).resolve().parents[1]
TEST_CONFIG = """
[wiki]
host_aliases = ["zh.wikipedia.org"]
shutoff_page = "User:LinkBot/Run"
[queue]
auto_approve = "all"
[retry]
attempts = 5
total_seconds = 40
initial_wait = 0.5
max_wait = 4
"""


@dataclass
class Wiki:
    sandbox: Sandbox
    pywikibot_dir: Path
    config: Path
    queue: Path

    def api(self, **params) -> dict:
        query = urllib.parse.urlencode({**params, "format": "json", "formatversion": 2})
        with urllib.request.urlopen(f"{self.sandbox.api_url}?{query}", timeout=30) as answer:
            return json.load(answer)

    def post(self, **params) -> dict:
        body = urllib.parse.urlencode({**params, "format": "json", "formatversion": 2}).encode()
        with urllib.request.urlopen(self.sandbox.api_url, data=body, timeout=60) as answer:
            return json.load(answer)

    def pre_save_transform(self, text: str, title: str = "Linkbot PST") -> str:
        """What MediaWiki would store for ``text`` (its pre-save transform, as an anonymous user)."""
        return self.post(action="parse", title=title, text=text, contentmodel="wikitext", onlypst=1)["parse"]["text"]

    def revisions(self, title: str) -> list[dict]:
        """Newest first: revid, user, comment, content."""
        answer = self.api(
            action="query", prop="revisions", titles=title, rvprop="ids|user|comment|content", rvslots="main", rvlimit=50
        )
        page = answer["query"]["pages"][0]
        return [
            {**rev, "content": rev["slots"]["main"].get("content")} for rev in page.get("revisions", [])  # None: hidden
        ]

    def text(self, title: str) -> str:
        return self.revisions(title)[0]["content"]

    def bot_edits(self) -> list[dict]:
        answer = self.api(action="query", list="recentchanges", rcshow="bot", rcprop="title|ids|user|comment", rclimit=500)
        return answer["query"]["recentchanges"]

    def linkbot(
        self, *args: str, pywikibot_dir: Path | None = None, timeout: float = 300, command: str = "scan"
    ) -> subprocess.CompletedProcess:
        env = dict(
            os.environ, PYWIKIBOT_DIR=str(pywikibot_dir or self.pywikibot_dir), NO_COLOR="1", LINKBOT_QUEUE=str(self.queue)
        )
        return subprocess.run(
            [sys.executable, "-m", "bot", command, "--config", str(self.config), *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )


class Account:
    """Someone editing the test wiki over its API, as a person does: logged in (``user``) or not (an IP)."""

    def __init__(self, api_url: str, user: str = "", password: str = "") -> None:
        import http.cookiejar

        self.api_url = api_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        if user:
            token = self.call(action="query", meta="tokens", type="login")["query"]["tokens"]["logintoken"]
            answer = self.call(action="clientlogin", username=user, password=password, logintoken=token,
                               loginreturnurl="http://127.0.0.1/", method="POST")  # fmt: skip
            assert answer["clientlogin"]["status"] == "PASS", answer

    def call(self, method: str = "GET", **params) -> dict:
        query = urllib.parse.urlencode({**params, "format": "json", "formatversion": 2})
        if method == "POST":
            request = urllib.request.Request(self.api_url, data=query.encode())
        else:
            request = urllib.request.Request(f"{self.api_url}?{query}")
        with self.opener.open(request, timeout=60) as answer:
            return json.load(answer)

    def edit(self, title: str, **change) -> dict:
        """``text=`` to save a text, ``undo=REVID`` to undo a revision (MediaWiki tags it mw-undo)."""
        token = self.call(action="query", meta="tokens")["query"]["tokens"]["csrftoken"]
        answer = self.call(action="edit", title=title, token=token, summary="test", method="POST", **change)
        assert answer.get("edit", {}).get("result") == "Success", answer
        return answer["edit"]


def _make_wiki(root: Path, pywikibot_dir: Path) -> Wiki:
    try:
        require_packages()
    except Exception as error:  # the test command installs them; a bare pytest run may not have
        pytest.fail(f"{error} (run the tests with: bash scripts/test)")
    sandbox = Sandbox.create(root / "wiki")
    sandbox.edit("User:LinkBot/Run", "run")
    sandbox.write_pywikibot_config(pywikibot_dir)
    config = root / "linkbot.toml"
    config.write_text(TEST_CONFIG, encoding="utf-8")
    sandbox.start()
    return Wiki(sandbox, pywikibot_dir, config, root / "queue.sqlite3")


@pytest.fixture(scope="session")
def wiki(tmp_path_factory, isolated_configuration):
    """The session's wiki; pywikibot in this process and in linkbot processes points at it."""
    instance = _make_wiki(tmp_path_factory.mktemp("mediawiki"), Path(isolated_configuration))
    yield instance
    instance.sandbox.stop()


@pytest.fixture
def private_wiki(tmp_path):
    """A wiki of the test's own, for tests that stop the server."""
    instance = _make_wiki(tmp_path, tmp_path / "pywikibot")
    yield instance
    instance.sandbox.stop()
