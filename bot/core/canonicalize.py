"""Turn one link occurrence, and what it resolves to, into its canonical wikitext.

Output rules (see README, "Canonical output"):
``[[T]]`` when the label is the title as written, else ``[[T|label]]``; fragments
kept; pandoc's glued link trail split back off (``[[计算机]]系统与``) when the site
has no link trail for those letters; interwikis and inline category/file links get
a leading colon; closing-block categories become tags; figures become images.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.core import labels
from bot.core.errors import TitleError, UnsafeLabelError
from bot.core.labels import Label
from bot.core.model import Change, Display, Occurrence, Rule, Skip, SkipReason, Syntax
from bot.core.options import DEFAULT_OPTIONS, Options
from bot.core.profile import SiteProfile
from bot.core.titles import Title, comparable, parse_title
from bot.core.urls import Kind, Origin, Resolved
from bot.core.variants import fold

# Characters after which a bare URL ends in MediaWiki's free-link parser.
_URL_SAFE_FOLLOWER = re.compile(r"(?:[\s<\[\]\"]|$)")
_URL_UNSAFE = re.compile(r"[\s\[\]<>\"{}|]")
_WORD_CHARACTER = re.compile(r"\w")


@dataclass(frozen=True)
class Context:
    """What canonicalization needs to know about the occurrence's surroundings."""

    following: str  # the character after the occurrence ("" at the end of the page)
    closing_block: bool  # the occurrence sits in the page's trailing block of category links
    preceding: str = ""  # the character before the occurrence ("" at the start of the page)

    @classmethod
    def around(cls, text: str, start: int, end: int, closing_block: bool) -> Context:
        """The characters readers' parser sees beside ``text[start:end]``: comments are gone before
        MediaWiki looks for free URLs (``_<!-- x -->https://…`` is glued to the ``_``)."""
        while text.endswith("-->", 0, start) and (opened := text.rfind("<!--", 0, start - 3)) >= 0 and "-->" not in text[opened + 4 : start - 3]:
            start = opened
        while text.startswith("<!--", end):
            closed = text.find("-->", end + 4)
            end = len(text) if closed < 0 else closed + 3
        return cls(text[end : end + 1], closing_block, text[max(start - 1, 0) : start])


def rule_for(occurrence: Occurrence, resolved: Resolved, options: Options = DEFAULT_OPTIONS) -> Rule | None:
    """The rule an occurrence falls under; None when it is not a broken link at all."""
    title = resolved.title
    if resolved.kind is Kind.UNRELATED:
        return None
    if resolved.kind is Kind.INTERWIKI and title is not None and title.colon is None:
        # Another wiki, named by a URL's host: a wikilink pandoc converted, or an external link.
        if was_wikilink(occurrence, resolved):
            return Rule.INTERWIKI
        if occurrence.syntax is Syntax.EXTLINK or Rule.EXT_INTERWIKI in options.rules:
            return Rule.EXT_INTERWIKI
        return Rule.MD_EXTERNAL
    if resolved.kind is Kind.INTERWIKI:
        return Rule.EXT_SELF if occurrence.syntax is Syntax.EXTLINK else Rule.INTERWIKI
    if resolved.kind is Kind.LOCAL and title is not None:
        if title.is_category:
            return Rule.CATEGORY
        if title.is_file or _is_figure(occurrence):
            return Rule.FILE
    if resolved.kind is Kind.EXTERNAL:
        return None if occurrence.syntax is Syntax.EXTLINK else Rule.MD_EXTERNAL
    if occurrence.syntax is Syntax.EXTLINK:
        return Rule.EXT_SELF
    if occurrence.syntax is Syntax.AUTOLINK:
        return Rule.MD_EXTERNAL
    return Rule.MD_MIRROR if resolved.origin in (Origin.MIRROR, Origin.RELATIVE) else Rule.MD_URL


def was_wikilink(occurrence: Occurrence, resolved: Resolved) -> bool:
    """pandoc wrote this link from a wikilink: it marks those with the title "wikilink", and the
    mirror's paths (``../Page/T.md``) and pandoc's relative targets name only wiki pages."""
    return occurrence.title_attr == "wikilink" or resolved.origin in (Origin.MIRROR, Origin.RELATIVE)


def canonicalize(
    occurrence: Occurrence,
    resolved: Resolved,
    rule: Rule,
    context: Context,
    profile: SiteProfile,
    options: Options,
) -> Change | Skip:
    """The change that makes ``occurrence`` canonical, or the reason to leave it alone."""
    old_span = (occurrence.start, occurrence.end)
    if resolved.kind in (Kind.NOT_PLAIN, Kind.INVALID, Kind.BAD_ENCODING):
        reason = {
            Kind.NOT_PLAIN: SkipReason.NOT_PLAIN,
            Kind.INVALID: SkipReason.INVALID_TITLE,
            Kind.BAD_ENCODING: SkipReason.BAD_ENCODING,
        }[resolved.kind]
        return Skip(*old_span, occurrence.raw, reason, resolved.detail, rule)
    if rule not in options.rules:
        return Skip(*old_span, occurrence.raw, SkipReason.RULE_DISABLED, f"rule {rule} is disabled", rule)
    try:
        if rule is Rule.CATEGORY and context.closing_block and occurrence.label and not occurrence.label.strip():
            label = Label(" ", " ", True)  # [[Category:X| ]]: a blank sort key, which pandoc kept as the label
        else:
            label = read_label(occurrence)
        new, display, review, note = _render(occurrence, resolved, rule, label, context, profile, options)
    except UnsafeLabelError as error:
        return Skip(*old_span, occurrence.raw, SkipReason.UNSAFE_LABEL, str(error), rule)
    if occurrence.piped and display in (Display.KEPT, Display.BRACKETS):
        # MediaWiki read "url|label" as one URL and showed a number; the label shows now.
        display, review, note = Display.NUMBERED, True, "the label after the pipe was part of the URL, shown as a number"
    return Change(
        rule,
        occurrence.start,
        occurrence.end,
        occurrence.raw,
        new,
        needs_review=review or rule in options.review_rules,
        display=display,
        note=note,
    )


@lru_cache(maxsize=64)  # the page pipeline reads each label twice: to render it, then to check it
def read_label(occurrence: Occurrence) -> Label:
    if occurrence.syntax is Syntax.MARKDOWN:
        return labels.from_markdown(occurrence.label)
    if occurrence.syntax is Syntax.AUTOLINK:
        return Label(occurrence.label, occurrence.label, True)
    if occurrence.syntax is Syntax.EXTLINK and not occurrence.label.strip():
        return Label("", "", True)  # [https://own.wiki/wiki/T]: shown as a number
    if occurrence.syntax is Syntax.EXTLINK:
        # White space around an external link's label shows as nothing: not carried into the wikilink.
        return labels.from_wikitext(occurrence.label.strip())
    return labels.from_wikitext(occurrence.label)


def _render(occurrence, resolved, rule, label, context, profile, options):
    """(new text, display, needs review, note) for one occurrence."""
    if rule is Rule.MD_EXTERNAL:
        return _external(resolved.url or occurrence.href, label, context), Display.KEPT, False, ""
    title = resolved.title
    assert title is not None
    if rule is Rule.FILE and _is_figure(occurrence):
        return _figure(title, occurrence, label, profile)
    if context.closing_block and _written_as_tag(occurrence, title, label, profile):
        if title.is_category:
            return _category_tag(title, label, profile)
        if title.interwiki.lower() in profile.language_prefixes and _shows_title(label, title, profile):
            return f"[[{title.text}]]", Display.INTERLANGUAGE, False, ""
    if not label.wikitext.strip():
        # [https://own.wiki/wiki/T] showed a number: the link shows its title now. (Never the pipe
        # trick's [[T|]]: MediaWiki expands it only when saving, and not inside <ref>.)
        return _visible_link(title, label, profile, force=True), Display.NUMBERED, True, "numbered external link becomes the title"
    display = Display.BRACKETS if occurrence.doubled else Display.KEPT
    if title.interwiki or title.is_category or title.is_file:
        return _visible_link(title, label, profile), display, False, ""
    return _wikilink(occurrence, resolved, title, label, profile, options), display, False, ""


def _written_as_tag(occurrence: Occurrence, title: Title, label: Label, profile: SiteProfile) -> bool:
    """Whether a link in the page's closing block was a category or interlanguage tag: pandoc keeps
    the leading colon of a visible link (``[[:Category:X]]``) in its target and its default label."""
    written_by_pandoc = occurrence.syntax in (Syntax.MARKDOWN, Syntax.HTML_A)
    return written_by_pandoc and title.colon is False and not label.visible.startswith(":")


def _shows_title(label: Label, title: Title, profile: SiteProfile) -> bool:
    return label.plain and comparable(label.visible, profile) == comparable(title.text, profile)


def _is_figure(occurrence: Occurrence) -> bool:
    return occurrence.is_image or occurrence.title_attr.startswith("fig:")


def _external(url: str, label: Label, context: Context) -> str:
    url = _URL_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", url.strip())
    if label.plain and label.visible == url:
        # A bare URL reads the same, but only if MediaWiki's free-link parser finds it: a word
        # boundary before it (2012http://... is no link) and nothing after it that it would take in.
        if _URL_SAFE_FOLLOWER.match(context.following) and not _WORD_CHARACTER.match(context.preceding):
            return url
        return f"[{url} {url}]"
    return f"[{url} {label.wikitext}]"


def _category_tag(title: Title, label: Label, profile: SiteProfile):
    text = title.text
    if _shows_title(label, title, profile):
        return f"[[{text}]]", Display.CATEGORY_TAG, False, ""
    note = "label kept as the sort key; check it"
    return f"[[{text}|{label.wikitext}]]", Display.CATEGORY_TAG, True, note


def _figure(title: Title, occurrence: Occurrence, label: Label, profile: SiteProfile):
    if not title.is_file:
        raise UnsafeLabelError(f"an image of {title.text!r}, which is not a file")
    caption = occurrence.title_attr[4:] if occurrence.title_attr.startswith("fig:") else label.visible
    note = "image options and caption were lost in conversion; check size, placement and caption"
    if occurrence.caption is not None:
        return f"[[{title.text}|thumb|{occurrence.caption}]]", Display.IMAGE, True, note
    if caption.strip() and not _names_file(caption, title, profile):
        safe = labels.escape_text(caption.strip())
        return f"[[{title.text}|thumb|{safe}]]", Display.IMAGE, True, note
    return f"[[{title.text}]]", Display.IMAGE, True, note


def _names_file(caption: str, title: Title, profile: SiteProfile) -> bool:
    """Whether a figure's caption is only pandoc's stand-in for a missing one: the file's name
    (as pandoc wrote it: underscores, maybe percent-encoded, maybe with the namespace)."""
    name = title.text.split(":", 1)[1]
    written = caption.strip()
    try:
        written = parse_title(written, profile).text
    except TitleError:
        return False
    if ":" in written and profile.namespace(written.split(":", 1)[0]) is not None:
        written = written.split(":", 1)[1]
    return comparable(written, profile) == comparable(name, profile)


def _visible_link(title: Title, label: Label, profile: SiteProfile, *, force: bool = False) -> str:
    """A link that must stay a visible link: categories, files and other languages need the
    colon; other interwikis (``wikt:``) keep it only where it was written. ``force``: write the
    title as the label (a numbered link)."""
    language = title.interwiki.lower() in profile.language_prefixes
    colon = ":" if (title.is_category or title.is_file or language or title.colon) else ""
    if force or (label.plain and not title.fragment and label.visible in (title.text, f":{title.text}")):
        return f"[[{colon}{title.full}]]"
    return f"[[{colon}{title.full}|{label.wikitext}]]"


def _wikilink(occurrence, resolved, title: Title, label: Label, profile: SiteProfile, options: Options) -> str:
    if label.plain and _same_as_written(label.visible, title, profile):
        return f"[[{label.visible}]]"
    if options.split_trails and label.plain and was_wikilink(occurrence, resolved):
        split = _split_trail(label.visible, title, profile)
        if split is not None:
            head, trail = split
            linked = f"[[{head}]]" if _same_as_written(head, title, profile) else f"[[{title.full}|{head}]]"
            return linked + trail
    return f"[[{title.full}|{label.wikitext}]]"


def _same_as_written(text: str, title: Title, profile: SiteProfile) -> bool:
    """``[[text]]`` shows ``text`` and links to ``title`` (and its section): the same title but for
    the first letter's case and underscores, which an unpiped link shows as written."""
    if text != text.strip() or "__" in text or "  " in text or "#" in text and not title.fragment:
        return False
    page, _, section = text.partition("#")
    if section.replace("_", " ") != title.fragment or page.replace("_", " ")[1:] != title.text[1:]:
        return False
    return comparable(page, profile) == comparable(title.text, profile)


def _split_trail(label: str, title: Title, profile: SiteProfile) -> tuple[str, str] | None:
    """Undo pandoc gluing the letters after ``]]`` into the label: ``计算机系统与`` -> (``计算机``, ``系统与``).

    pandoc glues every letter; MediaWiki then glues those of the site's link trail back onto the
    link (``[[nutrient]]s`` shows as one link, ``nutrients``), so ``[[T]]letters`` is what the
    editor wrote, whatever the site's trail.
    """
    size = len(title.full)
    head, trail = label[:size], label[size:]
    if not trail or not trail.isalpha():
        # pandoc glues letters only: anything else means the original was piped.
        return None
    scheme = profile.variant_fold
    head_page, _, head_section = head.partition("#")
    if head_section.replace("_", " ") != title.fragment:
        return None
    if fold(comparable(head_page, profile), scheme) != fold(comparable(title.text, profile), scheme):
        return None
    return head, trail
