"""Link labels: carry a label from Markdown or wikitext into a wikilink without changing what readers see.

A Markdown label loses only its Markdown escaping; code spans and emphasis become
``<code>``, ``''`` and ``'''``. Characters that would turn into wikitext syntax inside
``[[...|label]]`` (``[ ] { } |``, ``''``, ``~~~``) become numeric character references,
which MediaWiki renders as the characters themselves. ``visible_text`` is what a
reader sees of a piece of wikitext; the invariants check compares it before and after.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import mwparserfromhell
from mwparserfromhell.nodes import ExternalLink, Text, Wikilink

_MD_ESCAPABLE = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_SPECIAL = {"[": "&#91;", "]": "&#93;", "{": "&#123;", "}": "&#125;", "|": "&#124;"}
_SPECIAL_RE = re.compile(r"[\[\]{}|]|'(?=')|~(?=~~)|(?<=')'|<")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")


class UnsafeLabel(ValueError):
    """The label cannot be carried into a wikilink safely; the message says why."""


@dataclass(frozen=True)
class Label:
    wikitext: str  # what goes after the pipe
    visible: str  # what a reader sees
    plain: bool  # no markup at all: the wikitext is the visible text


def escape_text(text: str, *, escape_lt: bool = False) -> str:
    """Escape plain text for use inside a link label."""

    def repl(match: re.Match[str]) -> str:
        char = match.group()
        if char == "<":
            return "&lt;" if escape_lt else char
        if char == "'":
            return "&#39;"
        if char == "~":
            return "&#126;"
        return _SPECIAL[char]

    return _SPECIAL_RE.sub(repl, text)


def from_markdown(raw: str) -> Label:
    """Read a Markdown label (pandoc's output) into wikitext."""
    if not raw.strip():
        raise UnsafeLabel("empty label")
    raw = _LINE_BREAK.sub(" ", raw)
    parts: list[str] = []
    visible: list[str] = []
    plain = True
    stack: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        char = raw[i]
        if char == "\\" and i + 1 < n and raw[i + 1] in _MD_ESCAPABLE:
            escaped = raw[i + 1]
            parts.append(escape_text(escaped, escape_lt=True) if escaped in "<[]{}|~'" else escaped)
            visible.append(escaped)
            i += 2
            continue
        if char == "`":
            run = len(raw) - len(raw[i:].lstrip("`"))
            fence = raw[i : i + run]
            close = raw.find(fence, i + run)
            if close < 0:
                raise UnsafeLabel("unclosed code span in label")
            code = raw[i + run : close]
            code_text = code.strip() if code.strip() else code
            parts.append(f"<code><nowiki>{code_text}</nowiki></code>" if _needs_nowiki(code_text) else f"<code>{code_text}</code>")
            visible.append(code_text)
            plain = False
            i = close + run
            continue
        if char in "*_":
            run = 2 if raw.startswith(char * 2, i) else 1
            marker = char * run
            if char == "_" and _intraword(raw, i, run):
                parts.append(escape_text(marker))
                visible.append(marker)
                i += run
                continue
            if stack and stack[-1] == marker:
                stack.pop()
            else:
                stack.append(marker)
            parts.append("''" if run == 1 else "'''")
            plain = False
            i += run
            continue
        if char == "!" and raw.startswith("![", i):
            raise UnsafeLabel("label holds a Markdown image")
        end = _next_special(raw, i)
        chunk = raw[i:end]
        parts.append(escape_text(chunk))
        # Raw HTML in a Markdown label renders as HTML there too: its tags are not visible text.
        visible.append(_HTML_TAG.sub("", chunk))
        i = end
    if stack:
        raise UnsafeLabel("unbalanced emphasis in label")
    wikitext = "".join(parts)
    if not plain and "'" in "".join(visible):
        raise UnsafeLabel("apostrophes next to emphasis would merge into wikitext quotes")
    shown = "".join(visible)
    return Label(wikitext, shown, plain and wikitext == shown)


def _needs_nowiki(code: str) -> bool:
    return any(token in code for token in ("[", "]", "{{", "}}", "|", "''", "<", "~~~", "&"))


def _intraword(raw: str, i: int, run: int) -> bool:
    before = raw[i - 1] if i > 0 else " "
    after = raw[i + run] if i + run < len(raw) else " "
    return before.isalnum() and after.isalnum()


_STOP = re.compile(r"[\\`*_!]")


def _next_special(raw: str, i: int) -> int:
    match = _STOP.search(raw, i + 1)
    return match.start() if match else len(raw)


def from_wikitext(raw: str) -> Label:
    """Carry a wikitext label (of ``[url label]`` or ``<a>label</a>``) into a wikilink."""
    if not raw.strip():
        raise UnsafeLabel("empty label")
    if _MARKUP_CHARS.search(raw) is None:
        return Label(raw, " ".join(raw.split()), True)
    code = mwparserfromhell.parse(raw, skip_style_tags=True)
    parts: list[str] = []
    for node in code.nodes:
        if isinstance(node, (Wikilink, ExternalLink)):
            raise UnsafeLabel("label holds a link")
        if isinstance(node, Text):
            parts.append(_escape_brackets(node.value))
        else:
            parts.append(str(node))
    wikitext = "".join(parts)
    shown = visible_text(raw)
    return Label(wikitext, shown, wikitext == shown == raw)


def _escape_brackets(text: str) -> str:
    return re.sub(r"[\[\]|]", lambda m: _SPECIAL[m.group()], text)


_SIMPLE_LINK = re.compile(r"\[\[:?([^\[\]{}|<>&'~_=]*?)(?:\|([^\[\]{}|<>&'~=]*))?\]\]([^\[\]{}|<>&'~=]*)")
_SIMPLE_EXTERNAL = re.compile(r"\[(?:(?:https?|ftp):)?//[^\s\[\]<>\"{}|]+ ([^\[\]{}|<>&'~=]*)\]|((?:https?|ftp)://[^\s\[\]<>\"{}|]+)")
_MARKUP_CHARS = re.compile(r"[\[\]{}|<>&'~]|__|://")


def visible_text(wikitext: str) -> str:
    """What a reader sees of ``wikitext``: markup stripped, entities decoded, white space folded."""
    simple = _SIMPLE_LINK.fullmatch(wikitext)
    if simple is not None:
        # The common case, [[T]]trail or [[T|label]]trail with no markup: no need to parse.
        shown = simple.group(2) if simple.group(2) is not None else simple.group(1)
        return " ".join((shown + simple.group(3)).split())
    external = _SIMPLE_EXTERNAL.fullmatch(wikitext)
    if external is not None and "''" not in wikitext:
        return " ".join((external.group(1) if external.group(1) is not None else external.group(2)).split())
    code = mwparserfromhell.parse(wikitext)
    for link in code.ifilter_wikilinks(recursive=True):
        # [[:Category:X]] and [[:en:Y]] show their title without the leading colon.
        if link.text is None and str(link.title).lstrip().startswith(":"):
            link.title = str(link.title).lstrip()[1:]
    stripped = code.strip_code(normalize=False, collapse=True)
    return " ".join(html.unescape(stripped).split())


def fold_space(text: str) -> str:
    return " ".join(html.unescape(text).split())
