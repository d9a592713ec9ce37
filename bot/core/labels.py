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

from bot.core.emphasis import Run, delimiter_run, pair_runs
from bot.core.errors import UnsafeLabelError

_MD_ESCAPABLE = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_SPECIAL = {"[": "&#91;", "]": "&#93;", "{": "&#123;", "}": "&#125;", "|": "&#124;"}
# Language-converter markup (-{zh-cn:域;zh-tw:體}-) is wikitext that readers never see as written
# (it shows one variant): kept as it is. Otherwise the characters that would start syntax.
_SPECIAL_RE = re.compile(r"-\{[^{}\n]*\}-|[\[\]{}|]|'(?=')|~(?=~~)|(?<=')'|<")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_LINE_BREAK = re.compile(r"[ \t]*\n[ \t]*")


@dataclass(frozen=True)
class Label:
    wikitext: str  # what goes after the pipe
    visible: str  # what a reader sees
    plain: bool  # no markup at all: the wikitext is the visible text


def escape_text(text: str, *, escape_lt: bool = False) -> str:
    """Escape plain text for use inside a link label."""

    def repl(match: re.Match[str]) -> str:
        char = match.group()
        if len(char) > 1:  # -{...}-
            return char
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
        raise UnsafeLabelError("empty label")
    if (block := _BLOCK_LINE.search(raw)) is not None:
        # In the page as it stands MediaWiki reads that line as a heading, list, table or pre block;
        # joined into a link label it would not be one any more (a heading's section would vanish).
        raise UnsafeLabelError(f"the label runs over a line MediaWiki reads as a block ({block.group(1).strip() or 'space'!r})")
    return _MarkdownLabel(_LINE_BREAK.sub(" ", raw)).read()


# A line that MediaWiki starts a block with: heading, list, definition, table, rule. (A line that
# begins with spaces is read as text here, as everywhere in linkbot: the mirror indents its lists.)
_BLOCK_LINE = re.compile(r"\n([=*#:;|!]|\{\||-{4})")


class _MarkdownLabel:
    """A Markdown label read in two steps, as CommonMark reads inlines: escapes, code spans, raw
    HTML and text are read in one pass that sets the runs of ``*`` and ``_`` aside; the runs are
    then paired into emphasis (bot.core.emphasis) and the rest of each run stays text."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.items: list[tuple[str, str] | Run] = []  # (wikitext, what readers see), or a delimiter run
        self.plain = True

    def read(self) -> Label:
        i = 0
        while i < len(self.raw):
            char = self.raw[i]
            if char == "\\" and i + 1 < len(self.raw) and self.raw[i + 1] in _MD_ESCAPABLE:
                i = self._escape(i)
            elif char == "`":
                i = self._code_span(i)
            elif char in "*_":
                i = self._delimiters(i)
            elif self.raw.startswith("![", i):
                raise UnsafeLabelError("label holds a Markdown image")
            else:
                i = self._text(i)
        pair_runs([item for item in self.items if isinstance(item, Run)])
        parts: list[str] = []
        visible: list[str] = []
        for item in self.items:
            if isinstance(item, Run):
                wikitext, shown = self._emphasis(item)
            else:
                wikitext, shown = item
            parts.append(wikitext)
            visible.append(shown)
        wikitext = _APOSTROPHE_BESIDE_QUOTES.sub("&#39;", "\x00".join(parts)).replace("\x00", "")
        # Pieces that were harmless apart can meet here (\~\~\~ is three tildes, \_\_NOINDEX\_\_ a
        # behaviour switch): what the pre-save transform or the parser would act on is escaped last.
        wikitext = _TRANSFORMED.sub(lambda mark: _ESCAPED[mark.group()], wikitext)
        shown = "".join(visible)
        return Label(wikitext, shown, self.plain and wikitext == shown)

    def _escape(self, i: int) -> int:
        escaped = self.raw[i + 1]
        self.items.append((escape_text(escaped, escape_lt=True) if escaped in "<[]{}|~'" else escaped, escaped))
        return i + 2

    def _code_span(self, i: int) -> int:
        run = len(self.raw[i:]) - len(self.raw[i:].lstrip("`"))
        closer = re.compile(f"(?<!`)`{{{run}}}(?!`)")
        found = closer.search(self.raw, i + run)
        close = found.start() if found else -1
        if close < 0:  # no closing run of the same length: the backticks are text
            self.items.append((self.raw[i : i + run], self.raw[i : i + run]))
            return i + run
        code = self.raw[i + run : close]
        if code.startswith(" ") and code.endswith(" ") and code.strip(" "):
            code = code[1:-1]  # CommonMark strips one space from each end, when both ends have one
        self.items.append((f"<code><nowiki>{code}</nowiki></code>" if _needs_nowiki(code) else f"<code>{code}</code>", code))
        self.plain = False
        return close + run

    def _delimiters(self, i: int) -> int:
        char = self.raw[i]
        end = len(self.raw) - len(self.raw[i:].lstrip(char))
        # At the label's ends the neighbours are the link's own brackets, as CommonMark sees them.
        before = self.raw[i - 1] if i > 0 else "["
        after = self.raw[end] if end < len(self.raw) else "]"
        self.items.append(delimiter_run(char, end - i, before, after))
        return end

    def _emphasis(self, run: Run) -> tuple[str, str]:
        """A run's wikitext: the emphasis it closes (innermost first), its unpaired delimiters as
        text, then the emphasis it opens (outermost first)."""
        if run.opened or run.closed:
            self.plain = False
        closed = "".join(_QUOTES[size] for size in run.closed)
        opened = "".join(_QUOTES[size] for size in reversed(run.opened))
        literal = run.char * run.left
        return closed + escape_text(literal) + opened, literal

    def _text(self, i: int) -> int:
        end = _next_special(self.raw, i)
        chunk = self.raw[i:end]
        # Raw HTML in a Markdown label renders as HTML there too: its tags are not visible text.
        self.items.append((escape_text(chunk), _HTML_TAG.sub("", chunk)))
        return end


_QUOTES = {1: "''", 2: "'''"}
# Signatures (~~~, ~~~~, ~~~~~ on saving) and behaviour switches (__NOINDEX__): the first character
# of each is written as a reference, which renders as itself.
_TRANSFORMED = re.compile(r"~(?=~~)|_(?=_)")
_ESCAPED = {"~": "&#126;", "_": "&#95;"}
# A text's apostrophe beside the quotes of emphasis would merge with them (' + '' is bold): written
# as a character reference there. (Apostrophes within a text are escaped when doubled already.)
_APOSTROPHE_BESIDE_QUOTES = re.compile("'(?=\x00'')|(?<=''\x00)'")


def _needs_nowiki(code: str) -> bool:
    return any(token in code for token in ("[", "]", "{{", "}}", "|", "''", "<", "~~~", "&"))


_STOP = re.compile(r"[\\`*_!]")


def _next_special(raw: str, i: int) -> int:
    match = _STOP.search(raw, i + 1)
    return match.start() if match else len(raw)


def from_wikitext(raw: str) -> Label:
    """Carry a wikitext label (of ``[url label]`` or ``<a>label</a>``) into a wikilink."""
    if not raw.strip():
        raise UnsafeLabelError("empty label")
    if _MARKUP_CHARS.search(raw) is None:
        return Label(raw, " ".join(raw.split()), True)
    code = mwparserfromhell.parse(raw, skip_style_tags=True)
    parts: list[str] = []
    for node in code.nodes:
        if isinstance(node, (Wikilink, ExternalLink)):
            raise UnsafeLabelError("label holds a link")
        if isinstance(node, Text):
            parts.append(_escape_brackets(node.value))
        else:
            parts.append(str(node))
    wikitext = "".join(parts)
    shown = visible_text(raw)
    return Label(wikitext, shown, wikitext == shown == raw)


def _escape_brackets(text: str) -> str:
    return re.sub(r"-\{[^{}\n]*\}-|[\[\]|]", lambda m: _SPECIAL.get(m.group(), m.group()), text)


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
