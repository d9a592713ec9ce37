"""The pywikibot side of a run: the site, the login, and the site profile from the wiki's siteinfo."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.core.profile import SiteProfile, profile_from_siteinfo
from bot.errors import AuthError, ConfigError
from bot.settings import BotSettings, RetryPolicy
from bot.wiki.retry import describe, with_retries

DEFAULT_POLICY = RetryPolicy()
SITEINFO_PROPS = "general|namespaces|namespacealiases|interwikimap|specialpagealiases"


@dataclass
class WikiSession:
    site: object  # pywikibot.site.APISite
    profile: SiteProfile
    user: str
    language: str
    edit_delay: float = 0.0  # seconds pywikibot waits between edits (its put throttle)
    maxlag: int = 0
    queue_name: str = ""  # [wiki] id: the name the configuration gives the wiki in the queue

    @property
    def wiki_id(self) -> str:
        """How the queue names this wiki: ``[wiki] id`` if set, else pywikibot's family and site code."""
        return self.queue_name or f"{self.site.family.name}:{self.site.code}"

    @property
    def index_url(self) -> str:
        """The wiki's index.php, for links to a page, a revision or a diff."""
        return self.site.base_url(self.site.path())


def load_pywikibot(verbose: bool = False, files_dir: Path | None = None):
    """Import pywikibot with linkbot's single retry layer in place of pywikibot's own.

    Without a pywikibot folder holding a user-config.py, pywikibot keeps its own files (``logs/``,
    ``throttle.ctrl``, cookies) in the current folder; they go to ``files_dir`` instead.

    pywikibot logs ERROR tracebacks for connection failures even when a retry then
    succeeds; linkbot reports failures itself, so pywikibot's own log is silenced
    unless asked for (``-vv``).
    """
    try:
        import pywikibot
        from pywikibot import config
    except (ImportError, RuntimeError) as error:
        raise ConfigError(f"pywikibot cannot start: {str(error).splitlines()[0]}") from None
    if files_dir is not None and not (Path(config.base_dir) / "user-config.py").exists():
        try:
            files_dir.mkdir(parents=True, exist_ok=True)
            config.base_dir = str(files_dir)
        except OSError:
            pass  # pywikibot's own choice then: its files are a convenience, not worth failing a run for
    config.max_retries = 0  # transient failures are retried by bot.wiki.retry, once
    # {{bots}}/{{nobots}} and in-use templates are checked from the very text being edited
    # (bot.core.exclusion); pywikibot's own check asks the wiki for each page's templates
    # when the new text is set: one extra request per edit.
    config.ignore_bot_templates = True
    from pywikibot.bot import init_handlers

    init_handlers()  # later calls keep the level set here
    if not verbose:
        logging.getLogger("pywiki").setLevel(logging.CRITICAL + 1)
    return pywikibot


def open_session(
    args: Iterable[str] = (),
    *,
    login: bool | None,
    host_aliases: Iterable[str] = (),
    policy: RetryPolicy = DEFAULT_POLICY,
    verbose: bool = False,
    files_dir: Path | None = None,
    load: BotSettings = BotSettings(),
    wiki_id: str = "",
) -> tuple[WikiSession, list[str]]:
    """Connect to the wiki pywikibot is configured for; pywikibot's global arguments
    (``-family:``, ``-lang:``, ``-user:``) are taken from ``args``, the rest is returned.

    ``login``: True logs in (or fails), None logs in when user-config.py names an account for
    the wiki (a bot account reads 500 pages a request instead of 50), False reads anonymously.
    """
    pywikibot = load_pywikibot(verbose, files_dir)
    from pywikibot.exceptions import Error as PywikibotError

    edit_delay, maxlag = _rate_and_load(load)
    try:
        # Creating the site already asks the wiki who we are (handle_args creates it too): retried.
        args = list(args)
        rest = with_retries(lambda: pywikibot.handle_args(args, do_help=False), policy, "connecting to the wiki") if args else []
        site = with_retries(pywikibot.Site, policy, "connecting to the wiki")
    except PywikibotError as error:
        raise ConfigError(f"pywikibot: {describe(error)}") from None
    except SystemExit:  # pywikibot exits on an unknown family or site
        raise ConfigError("pywikibot: unknown wiki (check family and mylang in user-config.py)") from None
    if login or (login is None and site.username()):
        _login(site, policy)
    siteinfo = with_retries(
        lambda: site.simple_request(action="query", meta="siteinfo", siprop=SITEINFO_PROPS, formatversion=2).submit(),
        policy,
        "reading siteinfo",
    )["query"]
    profile = profile_from_siteinfo(siteinfo).with_hosts(host_aliases)
    return WikiSession(site, profile, site.username() or "", profile.language, edit_delay, maxlag, wiki_id), rest


def _rate_and_load(load: BotSettings) -> tuple[float, int]:
    """Set the rate and load the bot's approval names ([bot]; unset, user-config.py's stay):
    (seconds between edits, maxlag of edits) in effect."""
    from pywikibot import config

    if load.edits_per_minute:
        config.put_throttle = 60.0 / load.edits_per_minute
    if load.maxlag:
        config.write_maxlag = load.maxlag  # (pywikibot 11.8 split maxlag into read_ and write_maxlag)
    return float(config.put_throttle), int(config.write_maxlag or 0)


def _login(site, policy: RetryPolicy) -> None:
    from pywikibot.exceptions import Error as PywikibotError

    try:
        with_retries(site.login, policy, "logging in")
    except PywikibotError as error:
        raise AuthError(f"login to {site} failed: {describe(error)}") from None
    if not site.logged_in():
        raise AuthError(f"login to {site} failed: check the account and password file")
    if not site.has_right("edit"):
        raise AuthError(f"the account {site.username()} may not edit {site}")
