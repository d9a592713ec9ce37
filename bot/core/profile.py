"""The site profile: every fact about a wiki that the text core needs, as one value.

The core never asks a live wiki anything. Whoever calls it builds a ``SiteProfile``
first: from the built-in table (``profile_for_host``), from a wiki's siteinfo answer
(``profile_from_siteinfo``, used by the live adapter), or by hand in tests.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import cached_property

FIRST_LETTER = "first-letter"
# Prefixes editors write for sister projects (others, e.g. language codes, have one prefix).
PREFERRED_PREFIXES = frozenset({"wikt", "commons", "m", "d", "mw", "species", "b", "q", "s", "n", "v", "voy"})
CASE_SENSITIVE = "case-sensitive"


@dataclass(frozen=True)
class Namespace:
    """A namespace with every name that reaches it (canonical, local, aliases)."""

    id: int
    names: tuple[str, ...]
    case: str = FIRST_LETTER


@dataclass(frozen=True)
class InterwikiTarget:
    """Where an interwiki prefix points: a host and the path its titles live under."""

    prefix: str
    host: str
    article_path: str = "/wiki/"
    script_path: str = "/w/"
    local: bool = False  # another language edition or sister project (interlanguage-style)
    interlanguage: bool = False  # another language edition: [[en:X]] is an interlanguage link
    alias: bool = False  # another name for a prefix (wiktionary: for wikt, be-x-old: for be-tarask): read, never written


@dataclass(frozen=True)
class SiteProfile:
    """Facts about one wiki, as the core needs them."""

    host: str
    language: str
    hosts: frozenset[str]
    namespaces: tuple[Namespace, ...]
    case: str = FIRST_LETTER
    linktrail: str = "[a-z]+"  # the characters a link swallows after ]]; "" for none
    article_path: str = "/wiki/"
    script_path: str = "/w/"
    variant_paths: frozenset[str] = frozenset()
    interwikis: tuple[InterwikiTarget, ...] = ()
    variant_fold: str = ""  # "zh": compare simplified and traditional script as equal
    special_aliases: tuple[tuple[str, str], ...] = ()  # (alias, the special page's real name), from siteinfo

    def __hash__(self) -> int:
        # Profiles key caches that are hit once per page or link; hashing hundreds of
        # interwikis each time cost more than the lookups saved. Computed once per value.
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = hash(dataclasses.astuple(self))
            object.__setattr__(self, "_hash", cached)
        return cached

    def __getstate__(self) -> dict:
        # str hashes differ between processes: a worker computes its own.
        return {key: value for key, value in self.__dict__.items() if key != "_hash"}

    @cached_property
    def namespace_by_name(self) -> dict[str, Namespace]:
        """Lower-cased, underscore-free namespace name -> namespace."""
        table: dict[str, Namespace] = {}
        for ns in self.namespaces:
            for name in ns.names:
                table[_fold_name(name)] = ns
        return table

    @cached_property
    def _special_by_alias(self) -> dict[str, str]:
        return {alias.casefold().replace("_", " "): real for alias, real in self.special_aliases}

    def special_page(self, name: str) -> str:
        """A special page's real name for any of its names (an unknown name as it is)."""
        key = name.casefold().replace("_", " ")
        return self._special_by_alias.get(key, name).casefold()

    @cached_property
    def interwiki_by_prefix(self) -> dict[str, InterwikiTarget]:
        return {iw.prefix.lower(): iw for iw in self.interwikis}

    @cached_property
    def interwiki_by_host(self) -> dict[str, tuple[InterwikiTarget, ...]]:
        table: dict[str, list[InterwikiTarget]] = {}
        for iw in self.interwikis:
            # Only the wiki family's own interwikis (other languages, sister projects) are
            # links a URL should become; a URL to any other mapped site stays a URL.
            if iw.host and iw.local:
                table.setdefault(iw.host, []).append(iw)
        # The prefix written for a host: the conventional one, else the shortest.
        return {
            host: tuple(sorted(items, key=lambda iw: (iw.alias, iw.prefix not in PREFERRED_PREFIXES, len(iw.prefix), iw.prefix)))
            for host, items in table.items()
        }

    @cached_property
    def language_prefixes(self) -> frozenset[str]:
        """Lower-cased prefixes of the other language editions (``[[en:X]]`` is an interlanguage link)."""
        return frozenset(iw.prefix.lower() for iw in self.interwikis if iw.interlanguage)

    @cached_property
    def sister_by_domain(self) -> dict[str, InterwikiTarget]:
        """This language's sister projects (``zh.wiktionary.org``: ``wikt``) by the domain their other
        language editions share (``wiktionary.org``), which are reached as ``wikt:de:``."""
        own = f"{self.language}."
        table: dict[str, InterwikiTarget] = {}
        for host, targets in self.interwiki_by_host.items():
            if host.startswith(own) and not targets[0].interlanguage:
                table.setdefault(host[len(own) :], targets[0])
        return table

    def interwiki_for_host(self, host: str) -> tuple[InterwikiTarget, str] | None:
        """The interwiki a (desktop) host is reached by, and the prefix to write for it:
        ``de.wikipedia.org``: ``de``; ``zh.wiktionary.org``: ``wikt``; ``de.wiktionary.org``: ``wikt:de``."""
        targets = self.interwiki_by_host.get(host)
        if targets:
            return targets[0], targets[0].prefix
        language, _, domain = host.partition(".")
        sister = self.sister_by_domain.get(domain)
        if sister is not None and language in self.language_prefixes:
            return sister, f"{sister.prefix}:{language}"
        return None

    @cached_property
    def linktrail_re(self) -> re.Pattern[str] | None:
        return re.compile(self.linktrail) if self.linktrail else None

    def with_hosts(self, aliases) -> SiteProfile:
        """The same wiki reached under more host names (a mirror host, a test wiki standing in for another)."""
        extra = {alias.strip().lower() for alias in aliases if alias.strip()}
        extra |= {mobile_host(alias) for alias in extra} - {""}
        return dataclasses.replace(self, hosts=self.hosts | frozenset(extra))

    def namespace(self, name: str) -> Namespace | None:
        """The namespace a prefix names, or None (names compare case- and underscore-insensitively)."""
        return self.namespace_by_name.get(_fold_name(name))

    def interwiki(self, prefix: str) -> InterwikiTarget | None:
        return self.interwiki_by_prefix.get(prefix.strip().lower())

    def is_own_host(self, host: str) -> bool:
        return host in self.hosts

    def trail_length(self, text: str) -> int:
        """How many leading characters of ``text`` MediaWiki would glue onto a preceding link."""
        if self.linktrail_re is None:
            return 0
        match = self.linktrail_re.match(text)
        return match.end() if match else 0


def _fold_name(name: str) -> str:
    return " ".join(name.replace("_", " ").split()).lower()


def mobile_to_desktop(host: str) -> str:
    """``zh.m.wikipedia.org`` -> ``zh.wikipedia.org`` (and ``m.wikidata.org`` -> ``wikidata.org``)."""
    labels = host.split(".")
    if "m" in labels[:-2]:
        labels.remove("m")
    return ".".join(labels)


def profile_from_siteinfo(siteinfo: dict, host: str | None = None) -> SiteProfile:
    """Build a profile from a MediaWiki ``meta=siteinfo`` answer.

    ``siteinfo`` holds the ``general``, ``namespaces``, ``namespacealiases`` and
    ``interwikimap`` parts of ``action=query&meta=siteinfo&siprop=...`` (formatversion 2).
    """
    general = siteinfo["general"]
    server = general.get("server", "")
    own_host = (host or server.split("//", 1)[-1].split("/", 1)[0]).lower().split(":", 1)[0]
    namespaces = _namespaces_from_siteinfo(siteinfo)
    interwikis = tuple(
        iw
        for entry in siteinfo.get("interwikimap", [])
        if (iw := _interwiki_from_map(entry)) is not None
    )
    article_path = general.get("articlepath", "/wiki/$1").replace("$1", "")
    language = general.get("lang", "en")
    variants = {v.get("code") for v in general.get("variants", []) if v.get("code")}
    hosts = {own_host, mobile_host(own_host)}
    return SiteProfile(
        host=own_host,
        language=language,
        hosts=frozenset(h for h in hosts if h),
        namespaces=namespaces,
        case=general.get("case", FIRST_LETTER),
        linktrail=linktrail_from_php(general.get("linktrail", "")),
        article_path=article_path,
        script_path=general.get("scriptpath", "/w").rstrip("/") + "/",
        variant_paths=frozenset(variants),
        interwikis=interwikis,
        variant_fold="zh" if language.startswith("zh") else "",
        special_aliases=tuple((alias, entry["realname"]) for entry in siteinfo.get("specialpagealiases", [])
                              for alias in (entry["realname"], *entry.get("aliases", ()))),  # fmt: skip
    )


def _namespaces_from_siteinfo(siteinfo: dict) -> tuple[Namespace, ...]:
    names: dict[int, list[str]] = {}
    cases: dict[int, str] = {}
    for key, ns in siteinfo.get("namespaces", {}).items():
        ns_id = int(ns.get("id", key))
        if ns_id == 0:
            continue
        names[ns_id] = [value for value in (ns.get("canonical"), ns.get("name")) if value]
        cases[ns_id] = ns.get("case", FIRST_LETTER)
    for alias in siteinfo.get("namespacealiases", []):
        names.setdefault(int(alias["id"]), []).append(alias["alias"])
    return tuple(
        Namespace(ns_id, tuple(dict.fromkeys(ns_names)), cases.get(ns_id, FIRST_LETTER))
        for ns_id, ns_names in sorted(names.items())
    )


def mobile_host(host: str) -> str:
    """The mobile host of a Wikimedia-style host (``zh.wikipedia.org`` -> ``zh.m.wikipedia.org``)."""
    labels = host.split(".")
    if len(labels) < 3 or "m" in labels or all(label.isdigit() for label in labels):
        return ""
    return ".".join(labels[:-2] + ["m"] + labels[-2:])


def linktrail_from_php(pattern: str) -> str:
    """Turn MediaWiki's PHP link trail (``/^([a-z]+)(.*)$/sD``) into the trail's character class.

    Returns "" when the wiki has no link trail (``/^()(.*)$/sD``, as on zh).
    """
    match = re.match(r"^/\^\((.*)\)\(\.\*\)\$/[a-zA-Z]*$", pattern.strip())
    if not match:
        return ""
    inner = match.group(1)
    if not inner:
        return ""
    # PCRE's \x{HHHH} is Python's \uHHHH; literal characters and classes carry over as they are.
    inner = re.sub(r"\\x\{([0-9A-Fa-f]{1,6})\}", lambda m: f"\\U{int(m.group(1), 16):08x}", inner)
    try:
        re.compile(inner)
    except re.error:
        return ""
    return inner


def _interwiki_from_map(entry: dict) -> InterwikiTarget | None:
    url = entry.get("url", "")
    match = re.match(r"^(?:https?:)?//([^/]+)(/[^?]*)\$1$", url)
    if not match:
        # The prefix is still an interwiki in titles; its URLs just cannot be matched back.
        return InterwikiTarget(
            prefix=entry["prefix"], host="", local=bool(entry.get("local")), interlanguage="language" in entry
        )
    host, path = match.group(1).lower(), match.group(2)
    script_path = "/w/" if path == "/wiki/" else path
    return InterwikiTarget(
        prefix=entry["prefix"],
        host=mobile_to_desktop(host),
        article_path=path,
        script_path=script_path,
        local=bool(entry.get("local")) or "language" in entry,  # interlanguage links are the family's own
        interlanguage="language" in entry,
    )
