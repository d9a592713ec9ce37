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
from bot.core.rendering import Rendering, folded, href_title
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


# Each change is rendered between markers (private-use characters, which no wikitext syntax reads):
# the text between them is what readers get of the change, the text outside must render the same.
_OPEN, _SEP, _CLOSE, _END = "\ue000", "\ue001", "\ue002", "\ue003"
_MARKED = re.compile(f"{_OPEN}(\\d+){_SEP}(.*?){_CLOSE}\\1{_END}", re.S)
_MARKS = re.compile(f"[{_OPEN}{_SEP}{_CLOSE}{_END}]\\d*[{_OPEN}{_SEP}{_CLOSE}{_END}]?")


def marked(text: str, changes: Sequence[Change], proposed: bool) -> str | None:
    """``text`` with each change (its old text, or with ``proposed`` its new one) between markers;
    None when the text holds a marker character already."""
    if any(mark in text for mark in (_OPEN, _SEP, _CLOSE, _END)):
        return None
    pieces, position = [], 0
    for number, change in enumerate(changes):
        # <nowiki/> shows nothing and ends a bare URL, which would swallow the marker after it.
        pieces += [text[position : change.start], f"{_OPEN}{number}{_SEP}", change.new if proposed else change.old,
                   f"<nowiki/>{_CLOSE}{number}{_END}"]  # fmt: skip
        position = change.end
    pieces.append(text[position:])
    return "".join(pieces)


def prove(changes: Sequence[Change], before: Rendering, after: Rendering, profile: SiteProfile, title: str = "") -> list[ChangeProof]:
    """Each change's proof, in order, from the renderings of the current and the proposed text of the
    page ``title``, both ``marked``."""
    declared = [declaration(change, profile) for change in changes]
    page = _page_differences(before, after, changes)
    outside = _outside_differences(before.text, after.text, len(changes))
    outside = {**_undeclared_categories(before, after, changes, declared), **outside}
    shown = {int(match.group(1)): folded(match.group(2)) for match in _MARKED.finditer(after.text)}
    proofs = []
    for number, what in enumerate(declared):
        why = page.get(number) or outside.get(number) or _shown_text(what, shown.get(number)) or _unshown(number, what, after, profile, title)
        proofs.append(ChangeProof(DISAGREES, why) if why else ChangeProof(PROVEN))
    return proofs


def _shown_text(what: Declaration, shown: str | None) -> str:
    """Why the text readers get of the change is not the declared one ("" when it is)."""
    if shown is None:
        return "the change vanished from the rendering (inside something that is not shown as text?)"
    if what.kind == "file":
        return ""
    expected = "" if what.kind in ("category", "langlink") else folded(what.label)
    return "" if shown == expected else f"readers would see {shown!r}, not {expected!r}"


def _outside_differences(before: str, after: str, count: int) -> dict[int, str]:
    """The changes next to text outside them that renders differently: number -> why."""
    old_parts, new_parts = _MARKED.split(before), _MARKED.split(after)
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


def _unshown(number: int, what: Declaration, after: Rendering, profile: SiteProfile, page: str) -> str:
    """Why the proposed rendering does not have ``what``'s link where the change is ("" when it does)."""
    if what.kind in ("text", "file"):
        return ""  # no link to look for: the text between its markers is the check
    if what.kind == "category":
        return "" if what.target.replace(" ", "_") in after.categories else f"the rendering has no category {what.target!r}"
    if what.kind == "langlink":
        lang, _, title = what.target.partition(":")
        return "" if (lang, title.replace("_", " ")) in after.langlinks else f"no interlanguage link {what.target!r} in the rendering"
    label, links = folded(what.link_text), [(href, text) for mark, href, text in after.marked_anchors if mark == number]
    for href, text in links:
        if text != label:
            continue
        if what.kind == "external" and href == what.target:
            return ""
        if what.kind == "interwiki" and href.startswith(("http://", "https://", "//")):
            return ""  # MediaWiki makes the interwiki prefix's address; the text between the markers is checked
        # A link to the page itself is shown as its text, without an address (MediaWiki's self-link).
        title = href_title(href, profile.article_path) if href else page
        if what.kind == "link" and title and comparable(title, profile) == comparable(what.target, profile):
            return ""
    if not links:
        return f"no link where the change is (declared: {what.target!r} showing {label!r})"
    return f"the link shown is {links[0]!r}, not {what.target!r} showing {label!r}"


def _page_differences(before: Rendering, after: Rendering, changes: Sequence[Change]) -> dict[int, str]:
    """Changes the page as a whole renders differently for: number -> why. A difference in templates or
    behaviour switches goes to the changes whose new text holds such markup, else to every change."""
    why = ""
    for name, old, new, markup in (("templates", before.templates, after.templates, "{{"),
                                   ("behaviour switches", before.switches, after.switches, "__")):  # fmt: skip
        if old != new:
            why = f"the {name} differ: {', '.join(sorted(set(new) ^ set(old)))}"
            suspects = [number for number, change in enumerate(changes) if markup in change.new]
            return dict.fromkeys(suspects or range(len(changes)), why)
    if [_MARKS.sub("", line) for line in before.sections] != [_MARKS.sub("", line) for line in after.sections]:
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
