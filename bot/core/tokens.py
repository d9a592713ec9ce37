"""Where each token of mwparserfromhell's token stream sits in the page.

mwparserfromhell turns text into tokens (in C), then builds a node tree from them (in
Python). The tree costs four times the tokenizing and carries no offsets, so the markup
reader works on the tokens. A token's source text is what mwparserfromhell's nodes print
for it; ``render`` says that for each token, following ``Tag.__str__``,
``Attribute.__str__``, ``ExternalLink.__str__`` and ``HTMLEntity.__str__``. Most tokens
print a fixed string; tags need a little state: a wikitext tag (``{|``, ``|-``, ``*``)
does not print its name, and an attribute's closing quote and the padding before its
``=`` have no token of their own.

The tests check ``"".join(render(tokenize(text))) == text`` over the case files, the seeds
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


def render(tokens: list) -> list[str]:
    """The source text of each token, in order. (Tokens are dicts: ``token.get`` skips the
    attribute hook their class adds, which is most of the cost per token.)"""
    sources: list[str] = []
    append = sources.append
    tags: list[_Tag] = []
    headings: list[int] = []
    brackets: list[bool] = []  # per open external link: the closing token does not say
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


def token_offsets(text: str) -> tuple[list, list[int], list[int]] | None:
    """The tokens of ``text``, where each starts (one more offset at the end: ``len(text)``) and
    the indices of the tokens that are not plain text; None if the tokens do not print ``text``."""
    tokens = tokenize(text)
    sources = render(tokens)
    if "".join(sources) != text:
        return None
    text_kind = t.Text
    structure = [index for index, token in enumerate(tokens) if type(token) is not text_kind]
    return tokens, list(accumulate(map(len, sources), initial=0)), structure
