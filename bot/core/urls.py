"""Resolve a link destination (mirror path, URL, pandoc relative target) to what it points at.

The answer is a ``Resolved`` value: a page of this wiki, a page of another wiki we
have an interwiki prefix for, an external URL, or a reason to leave the link alone
(not a plain page URL, undecodable, or a title MediaWiki cannot have).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote_to_bytes

from bot.core.errors import TitleError, UndecodableError
from bot.core.profile import SiteProfile, mobile_to_desktop
from bot.core.titles import Title, parse_title


class Kind(enum.StrEnum):
    UNRELATED = "unrelated"  # a relative link that is not a wiki page (foo.html): not ours
    LOCAL = "local"
    INTERWIKI = "interwiki"
    EXTERNAL = "external"
    NOT_PLAIN = "not-plain"
    INVALID = "invalid"
    BAD_ENCODING = "bad-encoding"


class Origin(enum.StrEnum):
    MIRROR = "mirror"  # ../Page/T.md
    RELATIVE = "relative"  # pandoc's own output before the mirror: T "wikilink"
    URL = "url"


@dataclass(frozen=True)
class Resolved:
    kind: Kind
    origin: Origin
    title: Title | None = None
    url: str = ""
    detail: str = ""


# ../Page/T.md#S, and ../Page/T#S.md as the mirror wrote a link to a section (its ".md" after the target).
# The mirror kept some namespaces in folders of their own (../Category/X.md) and redirects in
# ../Redirect/T.md (T is the redirect's own title).
_MIRROR = re.compile(
    r"^(?:\.\./)*(?P<folder>Page|Redirect|Category|Template|MediaWiki|Wikipedia|Help|Portal|Draft|Module)/"
    r"(?P<path>[^#]+?)(?:\.md(?:#(?P<fragment>.*))?|#(?P<inner>[^#]*)\.md)$",
    re.S,
)
_MIRROR_PAGE_FOLDERS = ("Page", "Redirect")
_URL = re.compile(r"^(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):)?//(?P<host>[^/?#\s]*)(?P<rest>.*)$", re.S)
# MediaWiki's default $wgUrlProtocols: what it links as an external URL (anything else with a
# colon, File:X or doi:Y, is not a URL to it).
_URL_PROTOCOL = re.compile(
    r"^(?:(?:bitcoin|geo|magnet|mailto|matrix|news|sip|sips|sms|tel|urn|xmpp):"
    r"|(?:ftp|ftps|git|gopher|http|https|irc|ircs|mms|nntp|redis|sftp|ssh|svn|telnet|worldwind)://)",
    re.I,
)
_STANDARD_ARTICLE_PATH, _STANDARD_SCRIPT_PATH = "/wiki/", "/w/"
_NON_PAGE_SCHEMES = ("mailto:", "ftp:", "ftps:", "news:", "irc:", "ircs:", "tel:", "http:", "https:")
_LEGACY_RUN = re.compile(r"(?:\.[0-9A-F]{2})+")
_LEGACY_ASCII = re.compile(r"\.([2-7][0-9A-F])")


@lru_cache(maxsize=8192)  # pure, and a page (or a dump) links the same titles over and over
def resolve(href: str, profile: SiteProfile, *, wikilink_hint: bool = False, figure: bool = False) -> Resolved:
    """Say what ``href`` (already free of Markdown escapes and HTML entities) points at.

    ``wikilink_hint``: pandoc marked the link as a wikilink (title "wikilink"), so a
    relative destination is a page title. ``figure``: pandoc's image form, whose
    relative destination is a file name.
    """
    if figure and not _URL.match(href.strip()) and not _MIRROR.match(href.strip()):
        resolved = resolve(href, profile, wikilink_hint=True)
        if resolved.kind is Kind.LOCAL and resolved.title is not None and resolved.title.namespace == 0:
            return resolve(f"File:{href.strip()}", profile, wikilink_hint=True)
        return resolved
    href = href.strip()
    if (mirror := _MIRROR.match(href)) is not None:
        fragment = mirror.group("fragment") or mirror.group("inner") or ""
        folder = mirror.group("folder")
        path = mirror.group("path") if folder in _MIRROR_PAGE_FOLDERS else f"{folder}:{mirror.group('path')}"
        return _local(path, fragment, Origin.MIRROR, profile)
    if (url := _URL.match(href)) is not None:
        scheme = (url.group("scheme") or "").lower()
        if scheme not in ("", "http", "https"):
            return Resolved(Kind.EXTERNAL, Origin.URL, url=href)
        return _resolve_url(href, url.group("host"), url.group("rest"), profile)
    if wikilink_hint and not href.lower().startswith(_NON_PAGE_SCHEMES):
        # pandoc's reader writes a wikilink's target as the destination: T, Category:X, en:X, #S.
        path, _, fragment = href.partition("#")
        return _local(path, fragment, Origin.RELATIVE, profile)
    if _URL_PROTOCOL.match(href):
        return Resolved(Kind.EXTERNAL, Origin.URL, url=href)
    return Resolved(Kind.UNRELATED, Origin.URL, detail=f"relative link {href!r} is not a page URL")


def _local(path: str, fragment: str, origin: Origin, profile: SiteProfile) -> Resolved:
    try:
        title_text = _percent_decode(path)
        fragment_text = decode_fragment(fragment)
    except UndecodableError as error:
        return Resolved(Kind.BAD_ENCODING, origin, detail=str(error))
    return _titled(title_text, fragment_text, origin, profile)


def _titled(title_text: str, fragment: str, origin: Origin, profile: SiteProfile, host_prefix: str = "") -> Resolved:
    try:
        title = parse_title(title_text, profile, fragment=fragment, host_prefix=host_prefix)
    except TitleError as error:
        return Resolved(Kind.INVALID, origin, detail=str(error))
    kind = Kind.INTERWIKI if title.interwiki else Kind.LOCAL
    return Resolved(kind, origin, title=title)


def _resolve_url(href: str, host: str, rest: str, profile: SiteProfile) -> Resolved:
    host = host.lower().rstrip(".")
    if "@" in host:
        return Resolved(Kind.EXTERNAL, Origin.URL, url=href)
    host = host.split(":", 1)[0]
    desktop = mobile_to_desktop(host)
    path, pairs, fragment = _split(rest)
    if profile.is_own_host(host) or profile.is_own_host(desktop):
        paths, prefix = (profile.article_path, profile.script_path, profile.variant_paths), ""
        if (path.startswith(_STANDARD_ARTICLE_PATH) or path.startswith(_STANDARD_SCRIPT_PATH)) and not (
            path.startswith(profile.article_path) or path.startswith(profile.script_path + "index.php")
        ):
            # A host alias laid out like Wikimedia's wikis (/wiki/T, /w/index.php) on a wiki that is not.
            paths = (_STANDARD_ARTICLE_PATH, _STANDARD_SCRIPT_PATH, profile.variant_paths)
    elif (found := profile.interwiki_for_host(desktop)) is not None:
        target, prefix = found
        paths = (target.article_path, target.script_path, frozenset())
    else:
        return Resolved(Kind.EXTERNAL, Origin.URL, url=href)
    try:
        raw = _page_title(path, pairs, *paths)
        if raw is None and path == f"{paths[1]}index.php" and pairs:
            extra = _extra_parameters(path, pairs, paths[1])
            return Resolved(Kind.NOT_PLAIN, Origin.URL, detail=f"URL carries {extra}")
        if raw is None:
            return Resolved(Kind.EXTERNAL, Origin.URL, url=href)
        if extra := _extra_parameters(path, pairs, paths[1]):
            return Resolved(Kind.NOT_PLAIN, Origin.URL, detail=f"URL carries {extra}")
        if ":~:" in fragment:
            return Resolved(Kind.NOT_PLAIN, Origin.URL, detail="URL carries a text fragment (#:~:text=)")
        fragment_text = decode_fragment(fragment)
    except UndecodableError as error:
        return Resolved(Kind.BAD_ENCODING, Origin.URL, detail=str(error))
    return _titled(raw, fragment_text, Origin.URL, profile, host_prefix=prefix)


_Pairs = tuple[tuple[str, str], ...]


def _split(rest: str) -> tuple[str, _Pairs, str]:
    rest, _, fragment = rest.partition("#")
    path, _, query = rest.partition("?")
    pairs = tuple(
        (key, value) for part in query.split("&") if part for key, _, value in [part.partition("=")]
    )
    return path, pairs, fragment


def _page_title(
    path: str, pairs: _Pairs, article_path: str, script_path: str, variant_paths: frozenset[str]
) -> str | None:
    """The decoded title a page URL names, or None when the URL is not a page URL."""
    index = f"{script_path}index.php"
    if path == index:
        titles = [value for key, value in pairs if key == "title"]
        return _percent_decode(titles[0].replace("+", " ")) if titles and titles[0] else None
    if path.startswith(index + "/"):
        return _percent_decode(path[len(index) + 1 :])
    if path.startswith(article_path) and len(path) > len(article_path):
        return _percent_decode(path[len(article_path) :])
    first, _, remainder = path.lstrip("/").partition("/")
    if first in variant_paths and remainder:
        return _percent_decode(remainder)
    return None


# Parameters that do not change which page a URL shows: the interface's language and skin, the
# mobile switch, a tracking tag, and a red link's marker (a red link points at the edit form with
# redlink=1: the page itself is what it links to).
_HARMLESS_PARAMETERS = frozenset({"redlink", "uselang", "useskin", "mobileaction", "wprov"})


def _extra_parameters(path: str, pairs: _Pairs, script_path: str) -> str:
    """Name the query parameters beyond a plain title, e.g. ``oldid=123, action=edit``."""
    on_index = path == f"{script_path}index.php"
    redlink = any(key == "redlink" for key, _ in pairs)
    return ", ".join(
        f"{key}={value}" if value else key
        for key, value in pairs
        if not (
            (on_index and key == "title")
            or key in _HARMLESS_PARAMETERS
            or (key == "action" and (value == "view" or (value == "edit" and redlink)))
        )
    )


def _percent_decode(text: str) -> str:
    """Percent-decode as UTF-8; invalid or truncated sequences raise instead of becoming U+FFFD."""
    if "%" not in text:
        return text
    try:
        return unquote_to_bytes(text).decode("utf-8")
    except UnicodeDecodeError as error:
        raise UndecodableError(f"invalid percent-encoding in {text!r}") from error


def decode_fragment(fragment: str) -> str:
    """Decode a URL fragment: percent-encoding, then MediaWiki's legacy ``.E5.8F.B2`` dot-encoding."""
    text = _percent_decode(fragment)
    decoded_any = False

    def multibyte(match: re.Match[str]) -> str:
        nonlocal decoded_any
        run = match.group()
        data = bytes(int(run[i + 1 : i + 3], 16) for i in range(0, len(run), 3))
        if max(data) < 0x80:
            return run
        try:
            value = data.decode("utf-8")
        except UnicodeDecodeError:
            return run
        decoded_any = True
        return value

    text = _LEGACY_RUN.sub(multibyte, text)
    if decoded_any:
        # The fragment is legacy-encoded: its ASCII punctuation was dot-encoded too.
        text = _LEGACY_ASCII.sub(
            lambda m: chr(int(m.group(1), 16)) if not chr(int(m.group(1), 16)).isalnum() else m.group(),
            text,
        )
    return text.replace("_", " ")
