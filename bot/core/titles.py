"""Page titles: split a decoded target into namespace, interwiki prefix and fragment; validate; compare.

Rules follow MediaWiki's ``TitleParser``: underscores are spaces, runs of white
space collapse, the first letter is case-insensitive where the site says so, and
``< > [ ] { } |``, control characters, ``~~~`` and ``%XX`` sequences cannot occur.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.core.errors import TitleError
from bot.core.profile import FIRST_LETTER, SiteProfile

_ILLEGAL = re.compile(r"[<>\[\]{}|\x00-\x1f\x7f\ufffd]|~~~|%[0-9A-Fa-f]{2}")
_FRAGMENT_ILLEGAL = re.compile(r"[<>\[\]{}|\x00-\x1f\x7f\ufffd]")
_HIDDEN = re.compile(r"[\t\n\r\x0b\x0c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_RELATIVE = re.compile(r"^\.\.?(?:/|$)|/\.\.?(?:/|$)")
_MAX_TITLE_BYTES = 255


@dataclass(frozen=True)
class Title:
    """A link target, as it will be written inside ``[[...]]`` (without the leading colon)."""

    text: str  # prefix(es) included as written, spaces not underscores, no fragment
    namespace: int = 0
    interwiki: str = ""  # the interwiki prefix, "" for this wiki
    fragment: str = ""
    # How the target was written: with a leading colon (``:Category:X``, ``:en:Y``), without one,
    # or None when the form does not say (an interwiki prefix taken from a URL's host).
    colon: bool | None = field(default=False, compare=False)

    @property
    def full(self) -> str:
        """The target with its fragment, as written in a link."""
        return f"{self.text}#{self.fragment}" if self.fragment else self.text

    @property
    def is_category(self) -> bool:
        return not self.interwiki and self.namespace == 14

    @property
    def is_file(self) -> bool:
        return not self.interwiki and self.namespace in (6, -2)


def clean_spaces(text: str) -> str:
    """Underscores to spaces, white-space runs (line wraps included) to one space, trimmed."""
    return " ".join(text.replace("_", " ").split())


def parse_title(raw: str, profile: SiteProfile, fragment: str | None = None, *, host_prefix: str = "") -> Title:
    """Parse a decoded link target (``Category:X``, ``:en:Y#Z``, ``T``) into a ``Title``.

    With ``fragment`` given, ``raw`` is the title alone and a ``#`` in it is an error
    (it came from a percent-encoded ``%23`` in a URL path). ``host_prefix``: the interwiki
    prefix a URL's host stands for (``wikt:de``), put before ``raw``.
    """
    if fragment is None:
        target, _, fragment = raw.partition("#")
    elif "#" in raw:
        raise TitleError(f"title contains '#': {raw!r}")
    else:
        target = raw
    if (hidden := _HIDDEN.search(target + fragment)) is not None:
        # A line break or tab in a title makes no link in MediaWiki; bidi controls are dropped from
        # titles: either way, not the link that was written. (Before white space is folded.)
        raise TitleError(f"title contains {hidden.group()!r}, which MediaWiki titles cannot have as written")
    target = clean_spaces(target)
    fragment = " ".join(fragment.replace("_", " ").split())
    leading_colon: bool | None = target.startswith(":")
    if leading_colon:
        target = target[1:].lstrip()
    if host_prefix:
        target, leading_colon = f"{host_prefix}:{target}", None
    namespace, interwiki = 0, ""
    prefix, colon, rest = target.partition(":")
    if colon:
        ns = profile.namespace(prefix)
        iw = profile.interwiki(prefix) if ns is None else None
        if ns is not None:
            namespace = ns.id
            target = f"{prefix.strip()}:{rest.strip()}"
            if not rest.strip():
                raise TitleError(f"title is only a namespace prefix: {raw!r}")
        elif iw is not None:
            interwiki = prefix.strip()
            target = f"{interwiki}:{rest.strip()}"
    _validate(target, fragment, raw, interwiki)
    return Title(target, namespace, interwiki, fragment, leading_colon)


def _validate(target: str, fragment: str, raw: str, interwiki: str) -> None:
    if not target and not fragment:
        raise TitleError("empty title after decoding")
    if (bad := _ILLEGAL.search(target)) is not None:
        raise TitleError(f"title contains {bad.group()!r}, which MediaWiki titles cannot have")
    if _FRAGMENT_ILLEGAL.search(fragment):
        raise TitleError(f"fragment contains characters a link cannot carry: {fragment!r}")
    if not interwiki and _RELATIVE.search(target):
        raise TitleError(f"relative path in title: {raw!r}")
    if len(target.encode("utf-8")) > _MAX_TITLE_BYTES:
        raise TitleError("title longer than 255 bytes")


def _upper_first(text: str, case: str) -> str:
    if case != FIRST_LETTER or not text:
        return text
    return text[0].upper() + text[1:]


def comparable(text: str, profile: SiteProfile) -> str:
    """A key under which two spellings of one title compare equal on this site."""
    text = clean_spaces(text)
    if text.startswith(":"):
        text = text[1:]
    prefix, colon, rest = text.partition(":")
    if colon and (ns := profile.namespace(prefix)) is not None:
        return f"{ns.id}:{_upper_first(rest.strip(), ns.case)}"
    return _upper_first(text, profile.case)
