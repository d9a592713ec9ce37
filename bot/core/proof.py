"""Proof by the wiki's own parser: does MediaWiki's rendering of the proposed text show what each
change declares, and nothing else different?

Each change declares, from its new wikitext, what readers will get: a link with its label and
target, a category tag, an interlanguage or interwiki link, an external link. Given the wiki's
renderings of the current and the proposed text (bot.core.rendering), each with the changes between
markers (bot.core.markers), a change is *proven* when the proposed rendering shows between its
markers the declared text and link (same shown text, same target), or the declared category or
interlanguage link; the page reads the same outside the changes (its text and elements); and its
templates, sections, behaviour switches and footnotes are the same. A change whose rendering
disagrees gets the difference as its reason.

The marked renderings are trusted only where they read as the texts without markers do: the text
to be saved and the stored revision are rendered too (bot.core.faithful). A page where the markers
changed the reading, or that shows its readers something else than the bot's preview, is unproven.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import mwparserfromhell

from bot.core.faithful import Difference, misaligned, outside_differences, reading_difference
from bot.core.labels import visible_text
from bot.core.markers import MARKS, closing, opening, reading_of, region_pattern
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


NEAR = 200  # characters around a change that hidden text may not be in


@dataclass(frozen=True)
class Renderings:
    """The wiki's renderings of a page, for its proof (each a preview of the bot's own save but ``current``)."""

    before: Rendering  # the current text, each change's old text between markers
    after: Rendering  # the proposed text, each change's new text between markers
    current: Rendering  # the current text as its readers get it (the stored revision), no markers
    proposed: Rendering  # the proposed text, no markers: exactly the text to be saved


def _near(difference: Difference) -> str:
    return "" if difference.near is None else f" near change {difference.near + 1}"


def _miscounted(rendering: Rendering, count: int, nonce: str) -> dict[int, str]:
    """Changes whose markers the rendering does not hold exactly once each: number -> why. (A page
    may write marker characters, never this proof's nonce: more or fewer is no rendering of ours.)"""
    why = {}
    for number in range(count):
        for mark in (opening(nonce, number), closing(nonce, number)):
            found = rendering.text.count(mark)
            if found != 1:
                why[number] = f"the rendering holds the change's markers {found} time(s), not once: it cannot be read"
    return why


def _hidden_near(text: str, count: int, nonce: str) -> dict[int, str]:
    """Changes with text hidden from readers in them or near them: number -> why."""
    why = {}
    for match in region_pattern(nonce).finditer(text):
        if HIDDEN_TEXT in text[max(0, match.start() - NEAR) : match.end() + NEAR]:
            why[int(match.group(1))] = "text hidden from readers (display:none or the like) is in or near the change"
    return why


def prove(changes: Sequence[Change], renderings: Renderings, profile: SiteProfile, title: str = "",
          nonce: str = "") -> list[ChangeProof]:  # fmt: skip
    """Each change's proof, in order, from the wiki's renderings of the page ``title`` (its marked ones
    ``marked`` with ``nonce``). The marked renderings are read only where they read as the texts they
    mark do (bot.core.faithful): the proposed one everywhere, else every change is *unproven* (a marker,
    not the text to be saved, could be what a verdict rests on); the current one around each change,
    else that change is. A rendering that does not hold each marker once, or text hidden from readers
    near a change, leaves it *unproven* too: never proven by the page's own say."""
    count = len(changes)
    misread = reading_difference(renderings.after, renderings.proposed, nonce)
    if misread:
        return [ChangeProof(UNPROVEN, f"the markers changed how the page reads{_near(misread)}: {misread.what}")] * count
    before, after, current = reading_of(renderings.before, nonce), reading_of(renderings.after, nonce), reading_of(renderings.current)
    unreadable = {**_miscounted(renderings.after, count, nonce), **_miscounted(renderings.before, count, nonce),
                  **_hidden_near(renderings.after.text, count, nonce), **_hidden_near(renderings.before.text, count, nonce)}  # fmt: skip
    # The current text marked, against the stored revision: the markers, or a page that depends on who saved
    # it or when ({{REVISIONUSER}}, the time), which the bot's save would change beyond its changes.
    for number, why in misaligned(before, current, count).items():
        unreadable.setdefault(number, "the page shows its readers something else than the bot sees of it near the change (the "
                                      f"markers change how its current text reads there, or it depends on who saved it or when): {why}")  # fmt: skip
    declared = [declaration(change, profile) for change in changes]
    page = _page_differences(renderings, changes, nonce)
    outside = {**_undeclared_categories(renderings.current, renderings.proposed, changes, declared), **outside_differences(before, after, count)}
    shown = {int(match.group(1)): folded(match.group(2)) for match in region_pattern(nonce).finditer(renderings.after.text)}
    proofs = []
    for number, what in enumerate(declared):
        if number in unreadable:
            proofs.append(ChangeProof(UNPROVEN, unreadable[number]))
            continue
        why = page.get(number) or outside.get(number) or _shown_text(what, shown.get(number)) or \
            _unshown(number, what, renderings.after, profile, title, nonce)  # fmt: skip
        proofs.append(ChangeProof(DISAGREES, why) if why else ChangeProof(UNPROVEN, IMAGE) if what.kind == "file" else ChangeProof(PROVEN))
    return proofs


# The wiki shows the file, but whether its size, placement and caption are right is a person's call.
IMAGE = "an image is never proven: check its size, placement and caption in the wiki's preview"



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


def _page_differences(renderings: Renderings, changes: Sequence[Change], nonce: str) -> dict[int, str]:
    """Changes the page as a whole renders differently for, as its readers get it now and will after the
    save: number -> why. A difference in templates or behaviour switches goes to the changes whose new
    text holds such markup, else to every change."""
    why, now, saved = "", renderings.current, renderings.proposed
    for name, old, new, markup in (("templates", now.templates, saved.templates, "{{"),
                                   ("behaviour switches", now.switches, saved.switches, "__")):  # fmt: skip
        if old != new:
            why = f"the {name} differ: {', '.join(sorted(set(new) ^ set(old)))}"
            suspects = [number for number, change in enumerate(changes) if markup in change.new]
            return dict.fromkeys(suspects or range(len(changes)), why)
    # A heading may hold a change: compared without the changes (their own text is checked between their markers).
    if [MARKS.sub("", region_pattern(nonce).sub("", line)) for line in renderings.before.sections] != \
            [MARKS.sub("", region_pattern(nonce).sub("", line)) for line in renderings.after.sections]:  # fmt: skip
        why = "the section headings differ"
    elif now.references != saved.references:
        why = f"the footnotes differ ({now.references} -> {saved.references})"
    elif now.categories - saved.categories:
        why = f"categories are lost: {', '.join(sorted(now.categories - saved.categories))}"
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
