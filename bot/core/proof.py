"""Proof by the wiki's own parser: does MediaWiki's rendering of the proposed text show what each
change declares, and nothing else different?

Each change declares, from its new wikitext, what readers will get: a link with its label and
target, a category tag, an interlanguage or interwiki link, an external link. Given the wiki's
renderings of the current and the proposed text (bot.core.rendering), a change is *proven* when
the proposed rendering has one more such link (same shown text, same target) than the current
one, or the declared category or interlanguage link; the page's visible text differs only where
the changes are; and its templates, sections, behaviour switches and footnotes are the same. A
change whose rendering disagrees gets the difference as its reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import mwparserfromhell

from bot.core.labels import visible_text
from bot.core.model import Change, Display
from bot.core.profile import SiteProfile
from bot.core.rendering import HIDDEN_TEXT, Rendering, folded, href_title
from bot.core.titles import comparable

PROVEN = "proven"
DISAGREES = "disagrees"
UNPROVEN = "unproven"  # the wiki could not render the page; the reason says why


@dataclass(frozen=True)
class Declaration:
    kind: str  # link, category, langlink, interwiki, external, file, text
    target: str  # a title, a category, "lang:title", "prefix:title" or a URL ("" for text)
    label: str  # the text readers see of the whole change ("" for tags)
    link_text: str = ""  # the text of the link itself (the label without text after the link that no trail takes)


@dataclass(frozen=True)
class ChangeProof:
    status: str  # PROVEN, DISAGREES or UNPROVEN
    why: str = ""


def declaration(change: Change, profile: SiteProfile) -> Declaration:
    """What ``change`` says readers will get: its kind from what it means to do (its ``display``:
    a kept label, a category tag, an interlanguage link, an image), the target from its new
    wikitext, the label from linkbot's model of the new text's visible text (bot.core.labels)."""
    nodes = mwparserfromhell.parse(change.new).nodes
    links = [node for node in nodes if isinstance(node, (mwparserfromhell.nodes.Wikilink, mwparserfromhell.nodes.ExternalLink))]
    label = _CONVERSION.sub(r"\1", visible_text(change.new))
    if change.display == Display.MEMBER or len(links) != 1:
        return Declaration("text", "", label)
    link = links[0]
    after = "".join(str(node) for node in nodes[nodes.index(link) + 1 :])
    trail = re.match(f"(?:{profile.linktrail})", after) if profile.linktrail and isinstance(link, mwparserfromhell.nodes.Wikilink) else None
    link_text = _CONVERSION.sub(r"\1", visible_text(str(link) + (trail.group() if trail else "")))
    if isinstance(link, mwparserfromhell.nodes.ExternalLink):
        return Declaration("external", str(link.url).strip(), label, link_text)
    bare = str(link.title).strip().lstrip(":").strip()
    prefix, _, rest = bare.partition(":")
    if change.display == Display.CATEGORY_TAG:
        return Declaration("category", rest.strip(), "")
    if change.display == Display.INTERLANGUAGE:
        return Declaration("langlink", f"{prefix.strip()}:{rest.strip()}", "")
    if change.display == Display.IMAGE:
        return Declaration("file", bare, "")
    if rest and profile.namespace(prefix) is None and profile.interwiki(prefix) is not None:
        return Declaration("interwiki", f"{prefix.strip()}:{rest.strip()}", label, link_text)
    return Declaration("link", bare.partition("#")[0], label, link_text)


# Simple language-converter markup in a label: MediaWiki shows what is inside it.
_CONVERSION = re.compile(r"-\{([^{}|;:=>]*)\}-")
# Variant rules (-{zh-hans:干酪;zh-hant:乾酪;}-): MediaWiki shows one of the texts, the default
# variant's; any of them is what the change declares (the proof reads which one the wiki showed).
_RULES = re.compile(r"-\{((?:\s*[a-z]{2,3}(?:-[a-z0-9]+)*\s*:[^{};|]*;?)+)\s*\}-", re.I)


def shown_variants(text: str, limit: int = 16) -> list[str]:
    """``text`` with each variant rule replaced by one of its texts: every way the wiki may show it."""
    found = [""]
    position = 0
    for match in _RULES.finditer(text):
        texts = [part.split(":", 1)[1] for part in match.group(1).split(";") if ":" in part]
        found = [done + text[position : match.start()] + choice for done in found for choice in texts][:limit]
        position = match.end()
    return [done + text[position:] for done in found]


# Each change is rendered between markers (private-use characters, which no wikitext syntax reads,
# around the proof's nonce and the change's number): the text between them is what readers get of
# the change, the text outside must render the same. The nonce is new for every proof and unknown
# to the page: a page that writes marker characters (as character references, say) cannot make a
# region of its own pass for a change's.
_OPEN, _SEP, _CLOSE, _END = "\ue000", "\ue001", "\ue002", "\ue003"
_MARKS = re.compile("[\ue000-\ue003][0-9a-z.]*[\ue000-\ue003]?")
NEAR = 200  # characters around a change that hidden text may not be in


def marked(text: str, changes: Sequence[Change], proposed: bool, nonce: str) -> str | None:
    """``text`` with each change (its old text, or with ``proposed`` its new one) between markers
    carrying ``nonce``; None when the text holds a marker character already."""
    if any(mark in text for mark in (_OPEN, _SEP, _CLOSE, _END)):
        return None
    pieces, position = [], 0
    for number, change in enumerate(changes):
        # <nowiki/> shows nothing and ends a bare URL, which would swallow the marker after it.
        pieces += [text[position : change.start], f"{_OPEN}{nonce}.{number}{_SEP}", change.new if proposed else change.old,
                   f"<nowiki/>{_CLOSE}{nonce}.{number}{_END}"]  # fmt: skip
        position = change.end
    pieces.append(text[position:])
    return "".join(pieces)


def _pattern(nonce: str) -> re.Pattern:
    """A change's marked region, with this proof's nonce: (number, the text between)."""
    tag = re.escape(nonce)
    return re.compile(f"{_OPEN}{tag}\\.(\\d+){_SEP}(.*?){_CLOSE}{tag}\\.\\1{_END}", re.S)


def shows_readers_otherwise(before: Rendering, stored: Rendering) -> bool:
    """Whether the page's current text, rendered for the bot (``before``, marked), shows its readers
    something else than the stored revision does (``stored``): a page that depends on who saved it or
    when (``{{REVISIONUSER}}``, the time) would change with the bot's save beyond the changes."""
    return folded(_MARKS.sub("", before.text)) != stored.text


def _miscounted(rendering: Rendering, count: int, nonce: str) -> dict[int, str]:
    """Changes whose markers the rendering does not hold exactly once each: number -> why. (A page
    may write marker characters, never this proof's nonce: more or fewer is no rendering of ours.)"""
    why = {}
    for number in range(count):
        for mark in (f"{_OPEN}{nonce}.{number}{_SEP}", f"{_CLOSE}{nonce}.{number}{_END}"):
            found = rendering.text.count(mark)
            if found != 1:
                why[number] = f"the rendering holds the change's markers {found} time(s), not once: it cannot be read"
    return why


def _hidden_near(text: str, count: int, nonce: str) -> dict[int, str]:
    """Changes with text hidden from readers in them or near them: number -> why."""
    why = {}
    for match in _pattern(nonce).finditer(text):
        if HIDDEN_TEXT in text[max(0, match.start() - NEAR) : match.end() + NEAR]:
            why[int(match.group(1))] = "text hidden from readers (display:none or the like) is in or near the change"
    return why


def prove(changes: Sequence[Change], before: Rendering, after: Rendering, profile: SiteProfile, title: str = "",
          nonce: str = "") -> list[ChangeProof]:  # fmt: skip
    """Each change's proof, in order, from the renderings of the current and the proposed text of the
    page ``title``, both ``marked`` with ``nonce``. A rendering that does not hold each marker once,
    or text hidden from readers near a change, leaves it *unproven*: never proven by the page's own say."""
    unreadable = {**_miscounted(after, len(changes), nonce), **_miscounted(before, len(changes), nonce),
                  **_hidden_near(after.text, len(changes), nonce), **_hidden_near(before.text, len(changes), nonce)}  # fmt: skip
    declared = [declaration(change, profile) for change in changes]
    page = _page_differences(before, after, changes, nonce)
    outside = _outside_differences(before.text, after.text, len(changes), nonce)
    outside = {**_undeclared_categories(before, after, changes, declared), **outside}
    shown = {int(match.group(1)): folded(match.group(2)) for match in _pattern(nonce).finditer(after.text)}
    proofs = []
    for number, what in enumerate(declared):
        if number in unreadable:
            proofs.append(ChangeProof(UNPROVEN, unreadable[number]))
            continue
        why = page.get(number) or outside.get(number) or _shown_text(what, shown.get(number)) or _unshown(number, what, after, profile, title, nonce)
        proofs.append(ChangeProof(DISAGREES, why) if why else ChangeProof(PROVEN))
    return proofs


def _shown_text(what: Declaration, shown: str | None) -> str:
    """Why the text readers get of the change is not the declared one ("" when it is)."""
    if shown is None:
        return "the change vanished from the rendering (inside something that is not shown as text?)"
    if what.kind == "file":
        return ""
    if what.kind in ("category", "langlink"):
        return "" if shown == "" else f"readers would see {shown!r}, not nothing"
    expected = [folded(label) for label in shown_variants(what.label)]
    return "" if shown in expected else f"readers would see {shown!r}, not {expected[0]!r}"


def _outside_differences(before: str, after: str, count: int, nonce: str) -> dict[int, str]:
    """The changes next to text outside them that renders differently: number -> why."""
    old_parts, new_parts = _pattern(nonce).split(before), _pattern(nonce).split(after)
    # split() gives: outside, number, inside, outside, number, inside, ..., outside
    old_outside, new_outside = [folded(_MARKS.sub("", part)) for part in old_parts[::3]], [folded(_MARKS.sub("", part)) for part in new_parts[::3]]
    if len(old_outside) != len(new_outside):
        return dict.fromkeys(range(count), "the rendering does not keep the changes in their places")
    why = {}
    for index, (old, new) in enumerate(zip(old_outside, new_outside, strict=True)):
        if old != new:
            difference = f"the text around it renders differently: {old[-40:]!r} -> {new[-40:]!r}"
            for number in (index - 1, index):
                if 0 <= number < count:
                    why.setdefault(number, difference)
    return why


def _unshown(number: int, what: Declaration, after: Rendering, profile: SiteProfile, page: str, nonce: str) -> str:
    """Why the proposed rendering does not have ``what``'s link where the change is ("" when it does)."""
    if what.kind in ("text", "file"):
        return ""  # no link to look for: the text between its markers is the check
    if what.kind == "category":
        return "" if what.target.replace(" ", "_") in after.categories else f"the rendering has no category {what.target!r}"
    if what.kind == "langlink":
        lang, _, title = what.target.partition(":")
        return "" if (lang, title.replace("_", " ")) in after.langlinks else f"no interlanguage link {what.target!r} in the rendering"
    labels = [folded(text) for text in shown_variants(what.link_text)]
    label, links = labels[0], [(href, text) for mark, href, text in after.marked_anchors if mark == f"{nonce}.{number}"]
    for href, text in links:
        if text not in labels:
            continue
        if what.kind == "external" and href == what.target:
            return ""
        if what.kind == "interwiki" and href.startswith(("http://", "https://", "//")) and _interwiki_listed(what.target, after):
            return ""  # MediaWiki makes the interwiki prefix's address; the parse lists the link itself
        # A link to the page itself is shown as its text, without an address (MediaWiki's self-link).
        title = href_title(href, profile.article_path) if href else page
        if what.kind == "link" and title and _same_page(title, what.target, profile):
            return ""
    if not links:
        return f"no link where the change is (declared: {what.target!r} showing {label!r})"
    return f"the link shown is {links[0]!r}, not {what.target!r} showing {label!r}"


def _interwiki_listed(target: str, rendering: Rendering) -> bool:
    """Whether the parse lists the declared interwiki link (prefix and title)."""
    prefix, _, title = target.partition(":")
    listed = {(shown_prefix.lower(), name.replace("_", " ").strip()) for shown_prefix, name in rendering.iwlinks}
    return (prefix.strip().lower(), title.replace("_", " ").strip()) in listed


def _same_page(shown: str, declared: str, profile: SiteProfile) -> bool:
    """Whether the page a rendered link goes to is the declared one: titles compared as the wiki
    compares them, a special page by its real name whatever alias names it (Special:BookSources
    is shown as 特殊:网络书源 on zh)."""
    return _special(comparable(shown, profile), profile) == _special(comparable(declared, profile), profile)


def _special(key: str, profile: SiteProfile) -> str:
    if not key.startswith("-1:"):
        return key
    name, slash, rest = key[3:].partition("/")
    return f"-1:{profile.special_page(name)}{slash}{rest}"


def _page_differences(before: Rendering, after: Rendering, changes: Sequence[Change], nonce: str) -> dict[int, str]:
    """Changes the page as a whole renders differently for: number -> why. A difference in templates or
    behaviour switches goes to the changes whose new text holds such markup, else to every change."""
    why = ""
    for name, old, new, markup in (("templates", before.templates, after.templates, "{{"),
                                   ("behaviour switches", before.switches, after.switches, "__")):  # fmt: skip
        if old != new:
            why = f"the {name} differ: {', '.join(sorted(set(new) ^ set(old)))}"
            suspects = [number for number, change in enumerate(changes) if markup in change.new]
            return dict.fromkeys(suspects or range(len(changes)), why)
    # A heading may hold a change: compared without the changes (their own text is checked between their markers).
    if [_MARKS.sub("", _pattern(nonce).sub("", line)) for line in before.sections] != \
            [_MARKS.sub("", _pattern(nonce).sub("", line)) for line in after.sections]:  # fmt: skip
        why = "the section headings differ"
    elif before.references != after.references:
        why = f"the footnotes differ ({before.references} -> {after.references})"
    elif before.categories - after.categories:
        why = f"categories are lost: {', '.join(sorted(before.categories - after.categories))}"
    return dict.fromkeys(range(len(changes)), why) if why else {}


def _undeclared_categories(before: Rendering, after: Rendering, changes: Sequence[Change], declared: Sequence[Declaration]) -> dict[int, str]:
    """Changes whose new text puts the page in a category they do not declare as a tag: number -> why.
    (A category the wiki adds by itself, a tracking category such as a missing file's, is not one.)"""
    tags = {what.target.replace("_", " ") for what in declared if what.kind == "category"}
    gained = {name.replace("_", " ") for name in after.categories - before.categories} - tags
    why = {}
    for number, change in enumerate(changes):
        written = [name for name in gained if name in change.new.replace("_", " ")]
        if written:
            why[number] = f"it puts the page in the category {written[0]!r}, which it does not declare"
    return why
