"""Where each token of mwparserfromhell's token stream sits in the page.

mwparserfromhell turns text into tokens (in C), then builds a node tree from them (in
Python). The tree costs four times the tokenizing and carries no offsets, so the markup
reader works on the tokens. A token's source text is what mwparserfromhell's nodes print
for it; ``printed`` says that for each token, following ``Tag.__str__``,
``Attribute.__str__``, ``ExternalLink.__str__`` and ``HTMLEntity.__str__``. Most tokens
print a fixed string; tags need a little state: a wikitext tag (``{|``, ``|-``, ``*``)
does not print its name, and an attribute's closing quote and the padding before its
``=`` have no token of their own.

The tests check ``"".join(printed(tokenize(text))) == text`` over the case files, the seeds
and generated wikitext; ``token_offsets`` checks it on every page at run time and returns
None if it ever fails, so a page is never edited from wrong offsets.
"""

from __future__ import annotations

from itertools import accumulate

from mwparserfromhell.parser import Parser
from mwparserfromhell.parser import tokens as t

_FIXED = {
    t.TemplateOpen: "{{", t.TemplateParamSeparator: "|", t.TemplateParamEquals: "=", t.TemplateClose: "}}",
    t.ArgumentOpen: "{{{", t.ArgumentSeparator: "|", t.ArgumentClose: "}}}",
    t.WikilinkOpen: "[[", t.WikilinkSeparator: "|", t.WikilinkClose: "]]",
    t.HTMLEntityStart: "&", t.HTMLEntityNumeric: "#", t.HTMLEntityEnd: ";",
    t.CommentStart: "<!--", t.CommentEnd: "-->",
}  # fmt: skip


class _Tag:
    """What printing the rest of a tag needs: wikitext or HTML, where we are, the open attribute."""

    __slots__ = ("wiki", "in_name_or_closer", "attr_open", "attr_equals", "attr_quote", "pad_before_eq", "pad_after_eq")

    def __init__(self, wiki: bool) -> None:
        self.wiki = wiki
        self.in_name_or_closer = True  # a wikitext tag prints neither its name nor its closing name
        self.attr_open = False
        self.attr_equals = False
        self.attr_quote = ""
        self.pad_before_eq = ""
        self.pad_after_eq = ""

    def end_attribute(self) -> str:
        """The attribute's text that has no token: padding before a missing ``=``, the closing quote."""
        if not self.attr_open:
            return ""
        self.attr_open = False
        return self.attr_quote if self.attr_equals else self.pad_before_eq


def tokenize(text: str) -> list:
    # Parser's tokenizer is the C one when it is built (it is, in the wheels); style tags
    # ('' and ''') are skipped as in mwparserfromhell.parse(text, skip_style_tags=True):
    # the bot never needs them and they make the tokenizer backtrack.
    return Parser()._tokenizer.tokenize(text, 0, True)


class _Printing:
    """Where printing stands between two batches of tokens: the open tags, headings and links."""

    __slots__ = ("tags", "headings", "brackets")

    def __init__(self) -> None:
        self.tags: list[_Tag] = []
        self.headings: list[int] = []
        self.brackets: list[bool] = []  # per open external link: the closing token does not say


def printed(tokens: list) -> list[str]:
    """The source text of each token, in order."""
    return _printed(tokens, _Printing())


def _printed(tokens: list, printing: _Printing) -> list[str]:
    # (Tokens are dicts: ``token.get`` skips the attribute hook their class adds, which is most
    # of the cost per token.)
    sources: list[str] = []
    append = sources.append
    tags, headings, brackets = printing.tags, printing.headings, printing.brackets
    for token in tokens:
        kind = type(token)
        if kind is t.Text:
            append("" if tags and tags[-1].in_name_or_closer and tags[-1].wiki else token["text"])
            continue
        fixed = _FIXED.get(kind)
        if fixed is not None:
            append(fixed)
        elif kind is t.ExternalLinkOpen:
            brackets.append(bool(token.get("brackets")))
            append("[" if brackets[-1] else "")
        elif kind is t.ExternalLinkSeparator:
            append("" if token.get("suppress_space") else " ")
        elif kind is t.ExternalLinkClose:
            append("]" if brackets.pop() else "")
        elif kind is t.HeadingStart:
            headings.append(token["level"])
            append("=" * token["level"])
        elif kind is t.HeadingEnd:
            append("=" * headings.pop())
        elif kind is t.HTMLEntityHex:
            append(token["char"])
        else:
            append(_tag_piece(token, kind, tags))
    return sources


def _tag_piece(token, kind, tags: list[_Tag]) -> str:
    if kind is t.TagOpenOpen:
        tags.append(_Tag(bool(token.get("wiki_markup"))))
        return token.get("wiki_markup") or ("</" if token.get("invalid") else "<")
    tag = tags[-1]
    if kind is t.TagAttrStart:
        text = tag.end_attribute() + (token.get("pad_first") or "")
        tag.in_name_or_closer = False
        tag.attr_open, tag.attr_equals, tag.attr_quote = True, False, ""
        tag.pad_before_eq = token.get("pad_before_eq") or ""
        tag.pad_after_eq = token.get("pad_after_eq") or ""
        return text
    if kind is t.TagAttrEquals:
        tag.attr_equals = True
        return tag.pad_before_eq + "=" + tag.pad_after_eq
    if kind is t.TagAttrQuote:
        tag.attr_quote = token["char"]
        return token["char"]
    if kind is t.TagCloseOpen:
        tag.in_name_or_closer = False
        closer = (token.get("wiki_markup") or "") if tag.wiki else ">"
        return tag.end_attribute() + (token.get("padding") or "") + closer
    if kind is t.TagOpenClose:
        tag.in_name_or_closer = True
        return (token.get("wiki_markup") or "") if tag.wiki else "</"
    if kind is t.TagCloseClose:
        tags.pop()
        return "" if tag.wiki else ">"
    if kind is t.TagCloseSelfclose:
        tags.pop()
        closer = "" if tag.wiki else (">" if token.get("implicit") else "/>")
        return tag.end_attribute() + (token.get("padding") or "") + closer
    raise ValueError(f"unexpected token {token!r}")  # pragma: no cover - every token type is handled


class TokenMap:
    """The tokens of a page and where each starts, worked out as far as a caller needs
    (``read_to``): printing the tokens is most of the cost of reading a page's markup, and a
    preselection that stops at the first change rarely needs all of them. The page is tokenized
    whole first: a construct's tokens depend on what follows it.

    ``offsets[i]`` is where token ``i`` starts (one more: where the last read token ends);
    ``structure`` the indices of the tokens read that are not plain text; ``faithful`` whether
    the tokens read so far print the text as it is.
    """

    BATCH = 64  # tokens printed at a time

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.offsets = [0]
        self.structure: list[int] = []
        self.faithful = True
        self._printing = _Printing()
        if "\x00" in text:  # where the C tokenizer stops: find out now, not after a window answered
            self.read_to(None)

    def read_to(self, length: int | None) -> bool:
        """Print tokens until they cover ``text[:length]`` (None: all of them); whether the tokens
        print the text (all of it, once all are read)."""
        tokens, text, offsets = self.tokens, self.text, self.offsets
        while self.faithful and len(offsets) <= len(tokens) and (length is None or offsets[-1] < length):
            start = len(offsets) - 1
            stop = len(tokens) if length is None else min(start + self.BATCH, len(tokens))
            sources = _printed(tokens[start:stop], self._printing)
            base = offsets[-1]
            printed = "".join(sources)
            if not text.startswith(printed, base):
                self.faithful = False
            offsets.pop()  # ``accumulate`` starts again from it
            offsets.extend(accumulate(map(len, sources), initial=base))
            text_kind = t.Text
            self.structure += [index for index in range(start, stop) if type(tokens[index]) is not text_kind]
        if len(offsets) > len(tokens) and offsets[-1] != len(text):
            self.faithful = False
        return self.faithful


def token_offsets(text: str) -> tuple[list, list[int], list[int]] | None:
    """The tokens of ``text``, where each starts (one more offset at the end: ``len(text)``) and
    the indices of the tokens that are not plain text; None if the tokens do not print ``text``."""
    token_map = TokenMap(text)
    if not token_map.read_to(None):
        return None
    return token_map.tokens, token_map.offsets, token_map.structure
