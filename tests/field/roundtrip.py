"""The round trip the mirror ran, with linkbot at its end, over the field corpus's real wikitext.

real wikitext -> pandoc's MediaWiki reader and GFM writer (Debian's pandoc) -> the mirror's link
rewriting (mirror.lua: ``../Page/T.md`` or the wiki's URL, mixed) -> linkbot -> compared with the
original's links: target, label and trail form. A link is *recoverable* when pandoc's output
still tells its form apart: ``[[T|Ts]]``, ``[[T|L]]s`` and ``[[T|T]]`` come out of pandoc just
as ``[[T]]s``, ``[[T|Ls]]`` and ``[[T]]`` do, and a label holding templates or tags loses them.
What readers see of each recovered link is then compared by MediaWiki's own rendering (oracle).

    .venv/bin/python -m tests.field.roundtrip          # the figures, page by page and in total
"""

from __future__ import annotations

import csv
import difflib
import html
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import mwparserfromhell
from mwparserfromhell.nodes import Comment, Tag, Template, Text, Wikilink

from bot.core import Display, PageResult, SiteProfile, analyze, profile_for_host
from bot.core.titles import comparable
from bot.core.variants import fold

FIELD = Path(__file__).resolve().parents[1] / "data" / "field"
MIRROR_FILTER = Path(__file__).with_name("mirror.lua")
_DROPPED_BY_PANDOC = (Template, Comment)  # pandoc's reader drops templates (and what they hold) and comments
_TAGS_PANDOC_DROPS = frozenset({"nowiki", "pre", "math", "gallery", "timeline", "score", "source", "syntaxhighlight", "imagemap", "hiero"})
_TRAIL = re.compile(r"[^\W\d_]+")  # pandoc glues every letter after ]] into the link (Data.Char.isLetter)
_MARKER = "\n\nLINKBOTSEPARATOR{}LINKBOTSEPARATOR\n\n"
_MARKERS = re.compile(r"LINKBOTSEPARATOR(\d+)LINKBOTSEPARATOR")


@dataclass(frozen=True)
class FieldPage:
    path: Path
    language: str
    title: str

    @property
    def site(self) -> str:
        return f"{self.language}.wikipedia.org"

    @property
    def id(self) -> str:
        return f"{self.language}/{self.path.stem}"


def wikitext_pages() -> list[FieldPage]:
    with (FIELD / "MANIFEST.tsv").open(encoding="utf-8") as manifest:
        rows = [row for row in csv.DictReader(manifest, delimiter="\t") if row["kind"] == "wikitext"]
    return [
        FieldPage(FIELD / row["file"], row["lang"], row["title"].split(" (inferred")[0])
        for row in sorted(rows, key=lambda row: row["file"])
    ]


def to_mirror(wikitext: str, site: str) -> str | None:
    """What the mirror made of a page: pandoc, its link rewriting, and its ``\\_`` -> ``_``; None
    when pandoc cannot read the page (the mirror skipped those)."""
    answer = subprocess.run(
        ["pandoc", "-f", "mediawiki", "-t", "gfm-footnotes", "--wrap=none", "--lua-filter", str(MIRROR_FILTER)],
        input=wikitext, capture_output=True, text=True, env=dict(os.environ, MIRROR_HOST=site),
    )  # fmt: skip
    return answer.stdout.replace("\\_", "_") if answer.returncode == 0 else None


@dataclass(frozen=True)
class LinkForm:
    """A wikilink as written: its target (compared the way the wiki compares titles), the label it
    shows, the letters after it, and whether it was piped."""

    target: str
    label: str
    trail: str
    piped: bool
    wikitext: str  # link and trail, as written
    recoverable: bool = True

    @property
    def form(self) -> tuple[str, str, str, bool]:
        return (self.target, self.label, self.trail, self.piped)


def _target_key(raw: str, profile: SiteProfile) -> str:
    raw = html.unescape(raw).strip()
    colon = ":" if raw.startswith(":") else ""
    title, _, fragment = raw.lstrip(":").partition("#")
    key = comparable(title, profile)
    return colon + key + ("#" + " ".join(fragment.replace("_", " ").split()) if fragment else "")


def _shown(label: str) -> str:
    return " ".join(html.unescape(label).split())


def _form(link: Wikilink, trail: str, profile: SiteProfile, *, original: bool) -> LinkForm:
    target = str(link.title)
    piped = link.text is not None
    label = str(link.text) if piped else target.lstrip(":")
    recoverable = True
    if original and piped:
        plain_label = _shown(label)
        same = comparable(plain_label, profile) == comparable(target.lstrip(":").strip(), profile)
        # pandoc writes [[T|T]] as [[T]], [[T|Ts]] as [[T]]s and [[T|L]]s as [[T|Ls]]: not told apart.
        head, rest = plain_label[: len(target.strip())], plain_label[len(target.strip()) :]
        starts = fold(head[1:], profile.variant_fold) == fold(target.strip()[1:], profile.variant_fold) and _TRAIL.fullmatch(rest or "-")
        recoverable = not (trail or same or starts)
        node_types = {type(node) for node in mwparserfromhell.parse(label).nodes}
        recoverable = recoverable and node_types <= {Text, Tag} and "<" not in label and "{{" not in label
    return LinkForm(_target_key(target, profile), _shown(label), trail, piped, str(link) + trail, recoverable)


def original_links(wikitext: str, profile: SiteProfile) -> tuple[list[LinkForm], set[str]]:
    """The links of a page that pandoc carries over (not those inside templates, comments,
    nowiki and the like), in order, and the page's categories."""
    links: list[LinkForm] = []
    categories: set[str] = set()
    text = str(wikitext)
    cursor = 0  # links come in page order: each is looked for after the one before

    def walk(code) -> None:
        nonlocal cursor
        for node in code.nodes:
            if isinstance(node, _DROPPED_BY_PANDOC):
                continue
            if isinstance(node, Tag):
                if str(node.tag).lower() in _TAGS_PANDOC_DROPS:
                    continue
                if node.contents is not None:
                    walk(node.contents)
                continue
            if isinstance(node, Wikilink):
                target = str(node.title)
                prefix = target.split(":", 1)[0].strip() if ":" in target else ""
                namespace = profile.namespace(prefix) if prefix else None
                if namespace is not None and namespace.id == 14 and not target.strip().startswith(":"):
                    categories.add(comparable(target.split(":", 1)[1], profile))
                    continue
                if namespace is not None and namespace.id in (6, -2) and not target.strip().startswith(":"):
                    if node.text is not None:
                        walk(mwparserfromhell.parse(str(node.text)))  # a caption's links
                    continue
                written = str(node)
                at = text.find(written, cursor)
                trail = ""
                if at >= 0:
                    cursor = at + len(written)
                    match = _TRAIL.match(text, cursor)
                    trail = match.group() if match else ""
                links.append(_form(node, trail, profile, original=True))

    walk(mwparserfromhell.parse(text))
    return links, categories


def recovered_links(result: PageResult, profile: SiteProfile) -> tuple[list[LinkForm], set[str]]:
    """The wikilinks linkbot wrote, in order (a figure's caption links included), and the categories."""
    links: list[LinkForm] = []
    categories: set[str] = set()
    for change in result.changes:
        if change.display is Display.CATEGORY_TAG:
            title = str(mwparserfromhell.parse(change.new).filter_wikilinks()[0].title)
            categories.add(comparable(title.split(":", 1)[1], profile))
            continue
        code = mwparserfromhell.parse(change.new)
        for node in code.nodes:
            if not isinstance(node, Wikilink):
                continue
            if change.display is Display.IMAGE:
                if node.text is not None:
                    caption = str(node.text)
                    cursor = 0
                    for inner in mwparserfromhell.parse(caption).filter_wikilinks(recursive=False):
                        cursor = caption.find(str(inner), cursor) + len(str(inner))
                        trail = _TRAIL.match(caption, cursor)
                        links.append(_form(inner, trail.group() if trail else "", profile, original=False))
                continue
            trail = change.new[len(str(node)) :] if change.new.startswith(str(node)) else ""
            links.append(_form(node, trail, profile, original=False))
    return links, categories


@dataclass
class PageReport:
    page: FieldPage
    links: int = 0  # original links pandoc carries over
    recovered: list[tuple[LinkForm, LinkForm]] = field(default_factory=list)
    missed: list[LinkForm] = field(default_factory=list)
    categories: tuple[set[str], set[str]] = (set(), set())
    render_differences: list[str] = field(default_factory=list)
    unreadable: bool = False  # pandoc could not read the page

    @property
    def recoverable(self) -> list[tuple[LinkForm, LinkForm]]:
        return [(a, b) for a, b in self.recovered if a.recoverable]

    @property
    def exact(self) -> list[tuple[LinkForm, LinkForm]]:
        return [(a, b) for a, b in self.recoverable if a.form == b.form]

    @property
    def differences(self) -> list[tuple[LinkForm, LinkForm]]:
        return [(a, b) for a, b in self.recoverable if a.form != b.form]


def round_trip(page: FieldPage) -> tuple[PageReport, PageResult | None]:
    """The page's links before and after; no result when pandoc cannot read the page."""
    profile = profile_for_host(page.site)
    wikitext = page.path.read_text(encoding="utf-8")
    mirrored = to_mirror(wikitext, page.site)
    if mirrored is None:
        return PageReport(page, unreadable=True), None
    result = analyze(mirrored, profile, title=page.title)
    original, original_categories = original_links(wikitext, profile)
    recovered, recovered_categories = recovered_links(result, profile)
    report = PageReport(page, links=len(original), categories=(original_categories, recovered_categories))
    matcher = difflib.SequenceMatcher(None, [link.target for link in original], [link.target for link in recovered], autojunk=False)
    matched: set[int] = set()
    for block in matcher.get_matching_blocks():
        for i in range(block.size):
            report.recovered.append((original[block.a + i], recovered[block.b + i]))
            matched.add(block.a + i)
    # pandoc moves footnotes (and their links) to the end: what is left pairs up by target.
    unmatched = {}
    used = {block.b + i for block in matcher.get_matching_blocks() for i in range(block.size)}
    for index, link in enumerate(recovered):
        if index not in used:
            unmatched.setdefault(link.target, []).append(link)
    for index, link in enumerate(original):
        if index not in matched and unmatched.get(link.target):
            report.recovered.append((link, unmatched[link.target].pop(0)))
            matched.add(index)
    report.missed = [link for index, link in enumerate(original) if index not in matched]
    return report, result


def render_differences(report: PageReport, oracle) -> list[str]:
    """Each recovered link beside its original, rendered by the wiki: what a reader sees of it, the
    page it points at; and the page's categories."""
    pairs = report.recovered
    if not pairs:
        return []
    wiki = oracle(report.page.language)
    original = wiki.render("".join(_MARKER.format(i) + a.wikitext for i, (a, _) in enumerate(pairs)), report.page.title)
    recovered = wiki.render("".join(_MARKER.format(i) + b.wikitext for i, (_, b) in enumerate(pairs)), report.page.title)
    differences = []
    for (index, shown_a), (_, shown_b) in zip(_segments(original.text), _segments(recovered.text)):
        if shown_a != shown_b:
            differences.append(f"{pairs[index][0].wikitext!r} shows {shown_a!r}, {pairs[index][1].wikitext!r} shows {shown_b!r}")
    for name in ("links", "iwlinks", "langlinks"):
        if getattr(original, name) != getattr(recovered, name):
            differences.append(f"{name}: {sorted(getattr(original, name) ^ getattr(recovered, name))[:5]}")
    if report.categories[0] != report.categories[1]:
        differences.append(f"categories: {sorted(report.categories[0] ^ report.categories[1])[:5]}")
    return differences


def _segments(text: str) -> list[tuple[int, str]]:
    parts = _MARKERS.split(text)
    return [(int(parts[i]), " ".join(parts[i + 1].split())) for i in range(1, len(parts) - 1, 2)]


def mirror_figures() -> str:
    """The mirror pages' "wikilink" links: how many were converted, how many reported and why."""
    converted = reported = marks = 0
    reasons: Counter = Counter()
    pages = sorted((FIELD / "mirror").rglob("*.md"))
    for path in pages:
        text = path.read_text(encoding="utf-8")
        result = analyze(text, profile_for_host(f"{path.parent.name}.wikipedia.org"))
        for mark in re.finditer(r'"wikilink"\)|title="wikilink"', text):
            marks += 1
            if any(c.start <= mark.start() < c.end for c in result.changes):
                converted += 1
            elif skip := next((k for k in result.skipped if k.start <= mark.start() < k.end), None):
                reported += 1
                reasons[skip.reason.value] += 1
    why = ", ".join(f"{reason} {count}" for reason, count in reasons.most_common()) or "none"
    return f"{len(pages)} mirror pages: {marks} \"wikilink\" links, {converted} converted, {reported} reported ({why})"


def main() -> int:
    from tests.field.oracle import Oracle

    print(mirror_figures(), end="\n\n")
    totals: Counter = Counter()
    with tempfile.TemporaryDirectory() as root:
        wikis: dict[str, Oracle] = {}

        def oracle(language: str) -> Oracle:
            if language not in wikis:
                wikis[language] = Oracle.start(Path(root) / language, language)
            return wikis[language]

        try:
            for page in wikitext_pages():
                report, _ = round_trip(page)
                if report.unreadable:
                    print(f"{page.id:40} pandoc cannot read this page (the mirror skipped such pages)")
                    continue
                totals["pages"] += 1
                report.render_differences = render_differences(report, oracle)
                figures = (report.links, len(report.recovered), len(report.recoverable), len(report.exact), len(report.render_differences))
                totals.update(dict(zip(("links", "recovered", "recoverable", "exact", "render differences"), figures)))
                print(f"{page.id:40} links {figures[0]:4}  recovered {figures[1]:4}  recoverable {figures[2]:4}  exact {figures[3]:4}  render differences {figures[4]}")
                for original, recovered in report.differences[:5]:
                    print(f"    {original.wikitext!r} -> {recovered.wikitext!r}")
                for difference in report.render_differences[:3]:
                    print(f"    render: {difference}")
        finally:
            for wiki in wikis.values():
                wiki.stop()
    share = totals["exact"] / totals["recoverable"] if totals["recoverable"] else 1.0
    print(
        f"\n{totals['pages']} of {len(wikitext_pages())} pages read by pandoc: {totals['links']} links, {totals['recovered']} recovered, "
        f"{totals['recoverable']} recoverable, {totals['exact']} exact ({share:.2%}), "
        f"{totals['render differences']} render differences"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
