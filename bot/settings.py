"""One settings object per run: built-in defaults < ``config/*.toml`` < environment < command line.

The CLI builds it once and passes it down; nothing reads configuration from anywhere
else. ``load_settings`` is pure apart from reading the one config file it is given.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.configfile import read_config
from bot.core.model import ALL_RULES, DEFAULT_RULES, Rule
from bot.core.options import Options
from bot.core.pagekind import MirrorForms
from bot.core.profile import (
    FIRST_LETTER,
    InterwikiTarget,
    Namespace,
    SiteProfile,
    mobile_host,
)
from bot.core.sites import CANONICAL_NAMESPACES, profile_for_host, wikimedia_interwikis
from bot.core.summary import SUMMARIES, SummaryText, summary_texts
from bot.errors import ConfigError, UnknownSiteError

DEFAULT_CONFIG = Path("config") / "linkbot.toml"
ENV_CONFIG = "LINKBOT_CONFIG"
ENV_PREFIX = "LINKBOT_"


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds of the one retry layer (bot.wiki.retry) for transient wiki failures."""

    attempts: int = 6
    total_seconds: float = 300.0
    initial_wait: float = 1.0
    max_wait: float = 60.0


@dataclass(frozen=True)
class BotSettings:
    """What a bot-approval request asks about, in one place (``[bot]``); shown with every run (linkbot runs show)."""

    edits_per_minute: float = 0.0  # pywikibot's put throttle; 0: pywikibot's own (user-config.py's put_throttle)
    maxlag: int = 0  # the maxlag of the bot's edits (pywikibot's write_maxlag); 0: pywikibot's own (5)
    summary_prefix: str = ""  # put before every edit summary, e.g. "[[WP:BOT|Bot]]: "
    task_page: str = ""  # the bot's task or approval page, linked after every edit summary

    def summary(self, text: str) -> str:
        """An edit summary with the prefix and the task page's link."""
        link = f" [[{self.task_page}]]" if self.task_page else ""
        return f"{self.summary_prefix}{text}{link}"


@dataclass(frozen=True)
class ProofSettings:
    """Proof by the wiki's own parser (``[proof]``, bot.core.proof)."""

    mode: str = "always"  # always | review-only (not for changes a live run auto-approves) | off
    summary_link: str = ""  # a page explaining proofs, linked from the summary of an edit whose changes are all proven


@dataclass(frozen=True)
class RunSettings:
    """``linkbot run``: what a scheduled run scans, and the limits an operator sets."""

    sources: tuple[str, ...] = ()  # page generator arguments, e.g. "-cat:需要整理链接的页面"
    recent_changes: bool = False  # also scan pages changed since the last run
    first_run_hours: int = 24  # how far back recent changes go on the very first run
    max_minutes: float = 0  # 0: no limit
    breaker_failures: int = 5  # stop saving after this many failed saves in a row
    breaker_rate: float = 0.5  # ... or when this share of the run's saves failed
    breaker_minimum: int = 10  # ... once at least this many saves were tried
    talk_page: str = ""  # stop saving when this page has a new message ("" = no check)
    log_file: str = ""  # JSON lines, rotated; "" = standard error only
    log_max_bytes: int = 10 * 1024 * 1024
    log_backups: int = 5
    lock_file: str = ""  # "" = the queue file's name + ".lock"
    review_page: str = ""  # the on-wiki review page, e.g. "User:LinkBot/Review" ("" = none)
    # Who may decide on the page: no default. (A stock wiki puts every new account in autoconfirmed.)
    review_groups: tuple[str, ...] = ()  # users in these groups may decide on the page
    review_users: tuple[str, ...] = ()  # ... and these users, whatever their groups
    review_language: str = ""  # the review page's and template's texts: en, zh-hans, zh-hant ("" = the wiki's)


DEFAULT_IN_USE = ("Inuse", "In use", "In-use", "正在修改", "编辑中", "編輯中", "修改中", "施工中")


@dataclass(frozen=True)
class Settings:
    site: str = "zh.wikipedia.org"
    rules: frozenset[Rule] = DEFAULT_RULES
    review_rules: frozenset[Rule] = frozenset({Rule.FILE})
    protect_ref_urls: bool = True
    split_trails: bool = True
    mirror_forms: MirrorForms = MirrorForms.AUTO  # where Markdown forms are repaired (bot.core.pagekind)
    color: str = "auto"  # auto | always | never
    sites: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    config_path: str = ""
    # Live wiki (pywikibot) runs.
    mode: str = "dry-run"  # dry-run | live
    family: str = ""  # pywikibot family of the wiki ("" = user-config.py's)
    code: str = ""  # pywikibot site code ("" = user-config.py's mylang)
    wiki_id: str = ""  # how the queue names the wiki ("" = pywikibot's family:code); a sandbox has its own
    host_aliases: tuple[str, ...] = ()
    in_use_templates: frozenset[str] = frozenset(DEFAULT_IN_USE)
    shutoff_page: str = ""
    shutoff_run_value: str = "run"
    shutoff_max_age: float = 30.0  # seconds a reading of the stop page stays good for; 0: read before every save
    minor: bool = False
    max_edits: int = 0  # 0: no limit
    namespaces: tuple[int, ...] = (0,)  # wiki runs: namespaces to work in; () for all
    retry: RetryPolicy = RetryPolicy()
    # A page larger than this is reported and skipped (MediaWiki's own default $wgMaxArticleSize).
    max_page_kb: int = 2048
    # A page whose analysis runs longer is reported and skipped (0: no limit, analysed in-process).
    max_analysis_seconds: float = 20.0
    # A run proposes no member changes for a page whose registry would remove more than this share of
    # its listed members (``[members] max_removal_share``; an out-of-date registry, bot.core.members.guard).
    max_member_removal_share: float = 0.2
    summaries: Mapping[str, SummaryText] = field(default_factory=lambda: dict(SUMMARIES))  # per language, built once
    log_format: str = "text"  # text | json
    # The review queue.
    queue_path: str = ""  # "" = $LINKBOT_QUEUE or the user's state folder
    auto_approve: frozenset[Rule] = frozenset()  # rules approved without a person (never needs-review changes)
    reviewer: str = ""  # the name recorded with decisions ("" = the login user)
    run: RunSettings = RunSettings()
    bot: BotSettings = BotSettings()
    proof: ProofSettings = ProofSettings()

    def digest(self) -> str:
        """A short fingerprint of every setting in effect: a run records it, so two runs' configurations
        can be told apart."""
        plain = json.dumps(dataclasses.asdict(self), sort_keys=True, ensure_ascii=False, default=_plain)
        return hashlib.sha256(plain.encode("utf-8")).hexdigest()[:12]

    @property
    def pywikibot_args(self) -> list[str]:
        """pywikibot global arguments selecting the configured wiki (the command line may add its own)."""
        args = [f"-family:{self.family}"] if self.family else []
        return args + ([f"-lang:{self.code}"] if self.code else [])

    @property
    def options(self) -> Options:
        return Options(
            rules=self.rules,
            review_rules=self.review_rules,
            protect_ref_urls=self.protect_ref_urls,
            split_trails=self.split_trails,
            mirror_forms=self.mirror_forms,
            max_member_removal_share=self.max_member_removal_share,
        )

    def profile(self) -> SiteProfile:
        """The site profile for ``site``: a configured one, else the built-in Wikipedia profile."""
        host = self.site.strip().lower()
        if host in self.sites:
            return _configured_profile(host, self.sites[host])
        try:
            return profile_for_host(host)
        except UnknownSiteError as error:
            where = f" in {self.config_path}" if self.config_path else ""
            raise UnknownSiteError(f"{error} (add a [sites.\"{host}\"] table{where})") from None


def load_settings(
    config: str | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Build the run's settings. ``overrides`` are the command line's values (None = not given)."""
    environ = os.environ if environ is None else environ
    path = config or environ.get(ENV_CONFIG) or (str(DEFAULT_CONFIG) if DEFAULT_CONFIG.is_file() else "")
    values: dict[str, Any] = {}
    if path:
        values.update(_read_config(Path(path)))
        values["config_path"] = path
    values.update(_from_environment(environ))
    values.update({key: value for key, value in (overrides or {}).items() if value is not None})
    return _build(values)


def _read_config(path: Path) -> dict[str, Any]:
    values = read_config(path)
    if "retry" in values:
        values["retry"] = RetryPolicy(**values["retry"])
    if "run" in values:
        values["run"] = RunSettings(**values["run"])
    if "bot" in values:
        values["bot"] = BotSettings(**values["bot"])
    if "proof" in values:
        values["proof"] = ProofSettings(**values["proof"])
    return values


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    names = {
        "SITE": "site",
        "RULES": "rules",
        "REVIEW_RULES": "review_rules",
        "COLOR": "color",
        "MODE": "mode",
        "SHUTOFF_PAGE": "shutoff_page",
        "LOG_FORMAT": "log_format",
        "FAMILY": "family",
        "CODE": "code",
        "AUTO_APPROVE": "auto_approve",
        "REVIEWER": "reviewer",
        "MIRROR_FORMS": "mirror_forms",
    }
    return {name: environ[ENV_PREFIX + key] for key, name in names.items() if environ.get(ENV_PREFIX + key)}


def _build(values: dict[str, Any]) -> Settings:
    if "rules" in values:
        values["rules"] = parse_rules(values["rules"], "rules")
    if "auto_approve" in values:
        values["auto_approve"] = parse_rules(values["auto_approve"], "auto-approve rules", allow_empty=True)
    if "review_rules" in values:
        values["review_rules"] = parse_rules(values["review_rules"], "review rules", allow_empty=True)
    choices = (("color", ("auto", "always", "never")), ("mode", ("dry-run", "live")), ("log_format", ("text", "json")),
               ("mirror_forms", tuple(MirrorForms)))  # fmt: skip
    for key, allowed in choices:
        if key in values and values[key] not in allowed:
            raise ConfigError(f"{key} must be {', '.join(allowed[:-1])} or {allowed[-1]}, not {values[key]!r}")
    if "mirror_forms" in values:
        values["mirror_forms"] = MirrorForms(values["mirror_forms"])
    if "max_edits" in values:
        values["max_edits"] = _non_negative(values["max_edits"], "max_edits")
    if "shutoff_max_age" in values:
        age = values["shutoff_max_age"]
        if isinstance(age, bool) or not isinstance(age, (int, float)) or age < 0:
            raise ConfigError(f"shutoff_max_age must be a number of seconds, 0 or more, not {age!r}")
        values["shutoff_max_age"] = float(age)
    if "host_aliases" in values:
        values["host_aliases"] = tuple(str(item) for item in values["host_aliases"])
    if "namespaces" in values:
        try:
            values["namespaces"] = tuple(int(item) for item in values["namespaces"])
        except (TypeError, ValueError):
            raise ConfigError(f"namespaces must be namespace numbers, not {values['namespaces']!r}") from None
    if "summaries" in values:
        values["summaries"] = summary_texts(values["summaries"])
    if "in_use_templates" in values:
        values["in_use_templates"] = frozenset(str(item) for item in values["in_use_templates"])
    known = {f.name for f in dataclasses.fields(Settings)}
    return Settings(**{key: value for key, value in values.items() if key in known})


def _plain(value):
    """JSON for what json does not know: sets in a stable order, anything else as text."""
    return sorted(str(item) for item in value) if isinstance(value, (set, frozenset)) else str(value)


def _non_negative(value, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None
    if number < 0:
        raise ConfigError(f"{name} must not be negative")
    return number


def parse_rules(value: str | list | frozenset, what: str, allow_empty: bool = False) -> frozenset[Rule]:
    """``"default"``, ``"all"``, ``"md-mirror,md-url"``, ``"default,ext-interwiki"`` or a list of
    those -> rules. ``default`` is every rule that repairs broken markup; ``all`` adds the opt-in
    rules (``ext-interwiki``)."""
    if isinstance(value, frozenset):
        return value
    items = [item.strip() for item in (value.split(",") if isinstance(value, str) else value)]
    items = [item for item in items if item]
    if items == ["none"] or not items:
        if allow_empty:
            return frozenset()
        raise ConfigError(f"{what}: at least one rule is needed")
    known = {rule.value: frozenset({rule}) for rule in Rule} | {"default": DEFAULT_RULES, "all": ALL_RULES}
    unknown = [item for item in items if item not in known]
    if unknown:
        raise ConfigError(f"{what}: unknown rule {unknown[0]!r} (known: default, all, {', '.join(rule.value for rule in Rule)})")
    return frozenset().union(*(known[item] for item in items))


def _configured_profile(host: str, table: Mapping[str, Any]) -> SiteProfile:
    """A profile from a ``[sites."host"]`` table (for wikis that are not Wikipedias)."""
    try:
        language = str(table.get("language", "en"))
        names: dict[int, list[str]] = {ns_id: [name] for ns_id, name in CANONICAL_NAMESPACES.items()}
        for ns_id, extra in dict(table.get("namespaces", {})).items():
            names.setdefault(int(ns_id), []).extend(str(name) for name in extra)
        interwikis = tuple(
            InterwikiTarget(str(prefix), str(target).lower(), local=True)
            for prefix, target in dict(table.get("interwikis", {})).items()
        )
        if table.get("wikimedia_interwikis", False):
            interwikis += wikimedia_interwikis(language)
        hosts = {host, *(str(alias).lower() for alias in table.get("aliases", []))}
        return SiteProfile(
            host=host,
            language=language,
            hosts=frozenset(hosts | {mobile_host(host)} - {""}),
            namespaces=tuple(Namespace(ns_id, tuple(dict.fromkeys(n))) for ns_id, n in sorted(names.items())),
            case=str(table.get("case", FIRST_LETTER)),
            linktrail=str(table.get("linktrail", "[a-z]+")),
            article_path=str(table.get("article_path", "/wiki/")),
            script_path=str(table.get("script_path", "/w/")),
            variant_paths=frozenset(table.get("variant_paths", [])),
            interwikis=interwikis,
            variant_fold="zh" if language.startswith("zh") else "",
        )
    except (TypeError, ValueError) as error:
        raise ConfigError(f"[sites.\"{host}\"]: {error}") from None
