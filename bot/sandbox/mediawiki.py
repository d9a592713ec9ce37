"""A throwaway local MediaWiki: Debian's ``mediawiki`` package, SQLite, served by ``php -S`` on loopback.

Used by ``linkbot sandbox`` (try live mode safely) and by the test suite (a fresh wiki per
session). Pages are created with MediaWiki's maintenance scripts, not over HTTP, so the
server's log counts only the bot's own requests.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import SandboxError

MEDIAWIKI = Path("/usr/share/mediawiki")
APT_PACKAGES = ("mediawiki", "php-cli", "php-sqlite3", "php-intl", "php-mbstring", "php-xml", "lua5.1")
_API_LOG_PHP = """<?php
// linkbot sandbox: log what each API request asks (method, modules, how many titles/ids).
if (PHP_SAPI === 'cli-server' && substr($_SERVER['SCRIPT_NAME'] ?? '', -7) === 'api.php') {
    $q = $_POST + $_GET;
    $parts = [$_SERVER['REQUEST_METHOD']];
    foreach (['action', 'list', 'prop', 'meta', 'generator', 'type'] as $key) {
        if (isset($q[$key])) { $parts[] = "$key=" . $q[$key]; }
    }
    foreach (['titles', 'pageids', 'revids'] as $key) {
        if (isset($q[$key])) { $parts[] = "$key#" . count(explode('|', $q[$key])); }
    }
    file_put_contents('LOG_PATH', implode(' ', $parts) . PHP_EOL, FILE_APPEND | LOCK_EX);
    // A test that must act while a save is being served asks for the save to wait (Sandbox.delay_edits).
    if (($q['action'] ?? '') === 'edit' && is_file('DELAY_PATH')) {
        usleep((int) (1e6 * (float) file_get_contents('DELAY_PATH')));
    }
}
"""
_REQUEST_LINE = re.compile(r"\[\d{3}\]: (GET|POST) (\S+)")


def require_packages() -> None:
    if shutil.which("php") is None or not (MEDIAWIKI / "maintenance" / "install.php").is_file() or shutil.which("lua5.1") is None:
        raise SandboxError(
            "the local wiki needs Debian's MediaWiki: apt-get install " + " ".join(APT_PACKAGES)
        )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Sandbox:
    """One local wiki in ``root``: its config, SQLite files, server log and pywikibot folder."""

    root: Path
    port: int
    language: str = "zh"
    admin: tuple[str, str] = ("Admin", "")
    bot: tuple[str, str] = ("LinkBot", "")
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api.php"

    @property
    def config(self) -> Path:
        return self.root / "LocalSettings.php"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    @property
    def api_log(self) -> Path:
        return self.root / "api.log"

    @property
    def edit_delay(self) -> Path:
        return self.root / "edit-delay"

    @contextlib.contextmanager
    def delay_edits(self, seconds: float) -> Iterator[None]:
        """Make the wiki wait ``seconds`` after logging a save before making it, so that a test can
        act (kill the saving process) while the save is being served."""
        self.edit_delay.write_text(str(seconds), encoding="utf-8")
        try:
            yield
        finally:
            self.edit_delay.unlink(missing_ok=True)

    @classmethod
    def create(cls, root: Path, port: int | None = None, language: str = "zh") -> Sandbox:
        """Install a fresh wiki in ``root`` with an administrator and a bot account."""
        require_packages()
        root.mkdir(parents=True, exist_ok=True)
        (root / "data").mkdir(exist_ok=True)
        sandbox = cls(
            root,
            port or free_port(),
            language,
            admin=("Admin", "Admin-" + secrets.token_hex(8)),
            bot=("LinkBot", "Bot-" + secrets.token_hex(8)),
        )
        sandbox._maintenance(
            "install.php", "--dbtype", "sqlite", "--dbpath", str(root / "data"), "--dbname", "wiki",
            "--confpath", str(root), "--server", sandbox.url, "--scriptpath", "", "--lang", language,
            "--pass", sandbox.admin[1], "--skins", "Vector", "linkbot sandbox", sandbox.admin[0],
            with_conf=False,
        )  # fmt: skip
        with sandbox.config.open("a", encoding="utf-8") as settings:
            # Bots edit without rate limits here; e-mail and uploads are not needed. ParserFunctions, as
            # Wikipedia has it: the review page's {{linkbot change}} template switches on the status.
            # Scribunto (Debian's Lua 5.1), as Wikipedia has it: Module: pages, which are not wikitext.
            settings.write('\n$wgEnableEmail = false;\n$wgRateLimits = [];\n$wgGroupPermissions["bot"]["noratelimit"] = true;\n'
                           'wfLoadExtension("ParserFunctions");\nwfLoadExtension("Scribunto");\n'
                           '$wgScribuntoDefaultEngine = "luastandalone";\n')
        sandbox.add_user(*sandbox.bot, "--bot")
        return sandbox

    def set_interwikis(self, rows: list[tuple[str, str]]) -> None:
        """Replace the wiki's interwiki table with ``(prefix, url with $1)`` rows of the wiki family
        (iw_local: links to them are the family's own, and a language code's prefix makes
        interlanguage links), as a Wikimedia wiki has them. MediaWiki has no maintenance script for
        this table; it is written directly, while no request is being served."""
        with sqlite3.connect(self.root / "data" / "wiki.sqlite") as database:
            database.execute("DELETE FROM interwiki")
            database.executemany(
                "INSERT INTO interwiki (iw_prefix, iw_url, iw_api, iw_wikiid, iw_local, iw_trans) VALUES (?, ?, '', '', 1, 0)",
                rows,
            )

    def add_user(self, name: str, password: str, *groups: str) -> None:
        self._maintenance("createAndPromote.php", *groups, name, password)

    def edit(self, title: str, text: str, *, user: str | None = None, summary: str = "sandbox") -> None:
        """Save a revision directly (no HTTP request)."""
        self._maintenance("edit.php", "-u", user or self.admin[0], "-s", summary, title, stdin=text)

    def delete(self, *titles: str) -> None:
        """Delete pages, as the administrator (a test leaving the session's wiki as it found it)."""
        self._maintenance("deleteBatch.php", "-u", self.admin[0], "-r", "test", stdin="".join(f"{title}\n" for title in titles))

    def block(self, name: str) -> None:
        """Block an account (no autoblock: other accounts on 127.0.0.1 stay unblocked)."""
        self._maintenance(
            "blockUsers.php", "--performer", self.admin[0], "--disable-autoblock", "--disable-hardblock",
            "--reason", "test", stdin=name + "\n",
        )  # fmt: skip

    def protect(self, title: str) -> None:
        """Full protection: only administrators may edit."""
        self._maintenance("protect.php", "-u", self.admin[0], title)

    def dump(self, path: Path, *, stub: bool = False) -> Path:
        """A current-revisions XML dump of the whole wiki (``stub``: the stub dump of its whole history,
        revisions without their text, as Wikimedia's stub-meta-history)."""
        which = ("--full", "--stub") if stub else ("--current",)
        with path.open("wb") as out:
            self._maintenance("dumpBackup.php", *which, "--quiet", stdout=out)
        return path

    def start(self, timeout: float = 30.0) -> None:
        env = dict(os.environ, MW_CONFIG_FILE=str(self.config))
        log = self.log.open("ab")
        prepend = self.root / "api-log.php"
        prepend.write_text(_API_LOG_PHP.replace("LOG_PATH", str(self.api_log)).replace("DELAY_PATH", str(self.edit_delay)), encoding="utf-8")
        self.process = subprocess.Popen(
            ["php", "-d", f"auto_prepend_file={prepend}", "-S", f"127.0.0.1:{self.port}", "-t", str(MEDIAWIKI)],
            env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=self.root,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SandboxError(f"php -S exited with {self.process.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.api_url}?action=query&format=json", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        raise SandboxError(f"the local wiki did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def api_requests(self) -> list[str]:
        """What each API request asked, one line each: the method, then action/list/prop/meta/
        generator/type values and how many titles, page ids or revision ids (POST bodies included,
        which php's own log does not show)."""
        if not self.api_log.exists():
            return []
        return self.api_log.read_text(encoding="utf-8").splitlines()

    def requests(self) -> list[tuple[str, str]]:
        """(method, path) of every request the server has logged."""
        if not self.log.exists():
            return []
        return _REQUEST_LINE.findall(self.log.read_text(encoding="utf-8", errors="replace"))

    def write_pywikibot_config(self, folder: Path, *, user: tuple[str, str] | None = None, extra: str = "") -> Path:
        """A pywikibot folder (user-config.py, user-password.py) pointing at this wiki."""
        name, password = user or self.bot
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "user-config.py").write_text(
            f"family_files['sandbox'] = {self.api_url!r}\n"
            "family = 'sandbox'\nmylang = 'sandbox'\n"
            f"usernames['sandbox']['sandbox'] = {name!r}\n"
            "password_file = 'user-password.py'\n"
            "put_throttle = 0\nminthrottle = 0\nwrite_maxlag = 5\n"
            "max_retries = 0\nretry_wait = 1\nretry_max = 2\n"
            "cosmetic_changes = False\nnoisysleep = 3600\n" + extra,
            encoding="utf-8",
        )
        secret = folder / "user-password.py"
        secret.write_text(f"({name!r}, {password!r})\n", encoding="utf-8")
        secret.chmod(0o600)
        return folder

    def _maintenance(self, script: str, *args: str, with_conf: bool = True, stdin: str | None = None, stdout=None) -> None:
        command = ["php", str(MEDIAWIKI / "maintenance" / script)]
        if with_conf:
            command += ["--conf", str(self.config)]
        result = subprocess.run(
            [*command, *args],
            input=stdin.encode("utf-8") if stdin is not None else None,
            stdout=stdout if stdout is not None else subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=self.root,
            timeout=300,
        )
        if result.returncode != 0:
            message = (result.stderr or b"").decode("utf-8", "replace").strip().splitlines()
            raise SandboxError(f"{script} failed: {message[-1] if message else result.returncode}")


SEED_FOLDER = Path(__file__).resolve().parents[2] / "seeds"
SANDBOX_CONFIG = """# linkbot settings for the local sandbox wiki (which stands in for zh Wikipedia).
[wiki]
host_aliases = ["zh.wikipedia.org"]
shutoff_page = "User:LinkBot/Run"
# This wiki's own name in the queue, and its own queue: no decision made on another sandbox (or on
# the wiki it stands in for) ever reaches it.
id = {wiki_id}

[queue]
path = {queue}
"""


def sandbox_config(root: Path) -> str:
    """The linkbot configuration of a sandbox in ``root``: its own wiki id and queue file."""
    quote = json.dumps  # a JSON string is a TOML basic string
    return SANDBOX_CONFIG.format(wiki_id=quote(f"sandbox-{secrets.token_hex(6)}"), queue=quote(str(root.resolve() / "queue.sqlite3")))


def seed_title(path: Path) -> str:
    return f"Sandbox/{path.stem}"


def prepare_sandbox(root: Path, port: int | None = None, seeds: Path = SEED_FOLDER) -> Sandbox:
    """A started local wiki in ``root`` with the seed pages, an emergency-stop page saying "run",
    a pywikibot folder (``root/pywikibot``) and a linkbot config (``root/linkbot.toml``)."""
    if root.exists() and any(root.iterdir()):
        raise SandboxError(f"{root} is not empty")
    sandbox = Sandbox.create(root, port)
    for seed in sorted(seeds.glob("*.txt")):
        sandbox.edit(seed_title(seed), seed.read_text(encoding="utf-8"))
    sandbox.edit("User:LinkBot/Run", "run")
    sandbox.write_pywikibot_config(root / "pywikibot")
    (root / "linkbot.toml").write_text(sandbox_config(root), encoding="utf-8")
    sandbox.start()
    return sandbox
