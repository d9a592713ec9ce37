"""Reading a linkbot config file (TOML): every section and key known, every value of its type and range.

What is wrong is one line naming the file, the section and key, and what is expected
(``ConfigError``, exit 3): ``linkbot.toml: [wiki] max_edit: unknown key (did you mean max_edits?)``,
``linkbot.toml: [retry] attempts: expected a whole number, 1 or more, not 'many'``. A typo never
passes for a default silently.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from bot.errors import ConfigError

Check = Callable[[Any], Any]  # returns the value to keep, or raises ValueError with what is expected


def _text(value):
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value


def _flag(value):
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _whole(minimum: int) -> Check:
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise ValueError(f"expected a whole number, {minimum} or more")
        return value

    return check


def _number(minimum: float = 0.0, maximum: float | None = None) -> Check:
    def check(value):
        bounds = f"between {minimum:g} and {maximum:g}" if maximum is not None else f"{minimum:g} or more"
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum or (maximum is not None and value > maximum):
            raise ValueError(f"expected a number {bounds}")
        return float(value)

    return check


def _texts(value):
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError("expected a list of strings")
    return tuple(value)


def _text_or_texts(value):
    if isinstance(value, str):
        return value
    return list(_texts(value))


def _review_groups(value):
    groups = _texts(value)
    if everyone := [group for group in groups if group in ("*", "user")]:
        raise ValueError(f"expected groups not every account is in ({everyone[0]!r} is everyone)")
    return groups


def _numbers(value):
    if not isinstance(value, list) or not all(isinstance(item, int) and not isinstance(item, bool) for item in value):
        raise ValueError("expected a list of whole numbers")
    return value


def _regex(value):
    _text(value)
    try:
        re.compile(value)
    except re.error as error:
        raise ValueError(f"expected a regular expression ({error})") from None
    return value


def _choice(*allowed: str) -> Check:
    def check(value):
        if value not in allowed:
            raise ValueError(f"expected {', '.join(repr(a) for a in allowed[:-1])} or {allowed[-1]!r}")
        return value

    return check


def _table(value):
    if not isinstance(value, dict):
        raise ValueError("expected a table")
    return value


# section -> key -> (setting name, check). None: the section's keys are its own (see below).
SCHEMA: dict[str, dict[str, tuple[str, Check]]] = {
    "linkbot": {"site": ("site", _text)},
    "rules": {
        "enabled": ("rules", _text_or_texts),
        "review": ("review_rules", _text_or_texts),
        "split_trails": ("split_trails", _flag),
        "mirror_forms": ("mirror_forms", _choice("auto", "always", "never")),
    },
    "protect": {"ref_citation_urls": ("protect_ref_urls", _flag)},
    "output": {"color": ("color", _choice("auto", "always", "never")), "log_format": ("log_format", _choice("text", "json"))},
    "wiki": {
        "mode": ("mode", _choice("dry-run", "live")),
        "family": ("family", _text),
        "code": ("code", _text),
        "id": ("wiki_id", _text),
        "namespaces": ("namespaces", _numbers),
        "host_aliases": ("host_aliases", _texts),
        "in_use_templates": ("in_use_templates", _texts),
        "shutoff_page": ("shutoff_page", _text),
        "shutoff_run_value": ("shutoff_run_value", _text),
        "shutoff_max_age": ("shutoff_max_age", _number()),
        "minor": ("minor", _flag),
        "max_edits": ("max_edits", _whole(0)),
    },
    "limits": {"max_page_kb": ("max_page_kb", _whole(1)), "max_analysis_seconds": ("max_analysis_seconds", _number())},
    "members": {"max_removal_share": ("max_member_removal_share", _number(0, 1))},
    "queue": {"path": ("queue_path", _text), "auto_approve": ("auto_approve", _text_or_texts), "reviewer": ("reviewer", _text)},
}
RETRY: dict[str, Check] = {
    "attempts": _whole(1), "total_seconds": _number(), "initial_wait": _number(), "max_wait": _number(),
}  # fmt: skip
RUN: dict[str, Check] = {
    "sources": _texts, "recent_changes": _flag, "first_run_hours": _whole(0), "max_minutes": _number(),
    "breaker_failures": _whole(0), "breaker_rate": _number(0, 1), "breaker_minimum": _whole(0), "talk_page": _text,
    "log_file": _text, "log_max_bytes": _whole(0), "log_backups": _whole(0), "lock_file": _text,
    "review_page": _text, "review_groups": _review_groups, "review_users": _texts,
    "review_language": _choice("", "en", "zh-hans", "zh-hant"),
}  # fmt: skip
BOT: dict[str, Check] = {
    "edits_per_minute": _number(), "maxlag": _whole(0), "summary_prefix": _text, "task_page": _text,
}  # fmt: skip
PROOF: dict[str, Check] = {"mode": _choice("always", "review-only", "off"), "summary_link": _text}
SUMMARY: dict[str, Check] = {
    "template": _text, "separator": _text, "detail": _text, "labels": _table, "members": _text,
    "item_separator": _text, "part_separator": _text,
}  # fmt: skip
SITE: dict[str, Check] = {
    "language": _text, "aliases": _texts, "article_path": _text, "script_path": _text, "linktrail": _regex,
    "namespaces": _table, "interwikis": _table, "wikimedia_interwikis": _flag, "case": _choice("first-letter", "case-sensitive"),
    "variant_paths": _texts,
}  # fmt: skip
SECTIONS = (*SCHEMA, "retry", "run", "bot", "proof", "summary", "sites")


def read_config(path: Path) -> dict[str, Any]:
    """The settings a config file gives (by setting name), every key checked."""
    data = _load(path)
    for section in data:
        if section not in SECTIONS:
            raise ConfigError(f"{path}: [{section}]: unknown section{_did_you_mean(section, SECTIONS)}")
    values: dict[str, Any] = {}
    for section, keys in SCHEMA.items():
        for key, value in _section(data, section, path).items():
            if key not in keys:
                raise ConfigError(f"{path}: [{section}] {key}: unknown key{_did_you_mean(key, keys)}")
            name, check = keys[key]
            values[name] = _checked(path, f"[{section}] {key}", check, value)
    if "retry" in data:
        values["retry"] = _checked_table(path, "[retry]", RETRY, _section(data, "retry", path))
    if "run" in data:
        values["run"] = _checked_table(path, "[run]", RUN, _section(data, "run", path))
    if "bot" in data:
        values["bot"] = _checked_table(path, "[bot]", BOT, _section(data, "bot", path))
    if "proof" in data:
        values["proof"] = _checked_table(path, "[proof]", PROOF, _section(data, "proof", path))
    if "summary" in data:
        values["summaries"] = {
            language: _checked_table(path, f"[summary.{language}]", SUMMARY, _as_table(path, f"[summary.{language}]", table))
            for language, table in _section(data, "summary", path).items()
        }
    if "sites" in data:
        values["sites"] = {
            host.lower(): _checked_table(path, f'[sites."{host}"]', SITE, _as_table(path, f'[sites."{host}"]', table))
            for host, table in _section(data, "sites", path).items()
        }
    return values


def _load(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a config file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read config file: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None


def _section(data: Mapping[str, Any], name: str, path: Path) -> dict[str, Any]:
    return _as_table(path, f"[{name}]", data.get(name, {}))


def _as_table(path: Path, where: str, value) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: {where} must be a table")
    return value


def _checked_table(path: Path, where: str, checks: Mapping[str, Check], table: Mapping[str, Any]) -> dict[str, Any]:
    checked = {}
    for key, value in table.items():
        if key not in checks:
            raise ConfigError(f"{path}: {where} {key}: unknown key{_did_you_mean(key, checks)}")
        checked[key] = _checked(path, f"{where} {key}", checks[key], value)
    return checked


def _checked(path: Path, where: str, check: Check, value):
    try:
        return check(value)
    except ValueError as error:
        raise ConfigError(f"{path}: {where}: {error}, not {value!r}") from None


def _did_you_mean(word: str, known) -> str:
    close = difflib.get_close_matches(word, list(known), n=1)
    return f" (did you mean {close[0]}?)" if close else f" (known: {', '.join(known)})"
