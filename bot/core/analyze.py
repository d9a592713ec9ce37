"""The page pipeline: parse -> detect -> resolve -> canonicalize -> check -> rewrite.

``analyze(text, profile)`` is the core's one entry point, like black's ``format_str``:
a string and a site profile in, a ``PageResult`` out; no network, no disk.
"""

from __future__ import annotations

import dataclasses
import gc
import re
from collections import Counter
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from bot.core import gallery, invariants
from bot.core.canonicalize import Context, canonicalize, read_label, rule_for
from bot.core.closing import closing_block
from bot.core.detect import find_links, unprotected_links
from bot.core.diff import unified_diff
from bot.core.errors import UnsafeLabelError
from bot.core.markup import Markup, MarkupReading, read_markup
from bot.core.members import member_changes
from bot.core.members.guard import guarded
from bot.core.model import (
    LINK_RULES,
    MEMBER_RULES,
    Change,
    Occurrence,
    PageResult,
    Rule,
    Skip,
    SkipReason,
    Syntax,
)
from bot.core.options import DEFAULT_OPTIONS, Options
from bot.core.pagekind import MirrorForms, is_mirror_page, marks_a_link, shows_header, shows_mirror_marks
from bot.core.profile import SiteProfile
from bot.core.recheck import checked_rewrite, rejected
from bot.core.registry import MemberList
from bot.core.rewrite import apply_changes
from bot.core.urls import Origin, Resolved, resolve

_CUT_LINE = "a <gallery> line that pandoc cut at a space in the file's name: the name is no longer certain"


@dataclass(frozen=True)
class Plan:
    """Proposed changes before the page-level checks, with what they were made from."""

    changes: tuple[Change, ...]  # each already passed the visible-text check
    skipped: tuple[Skip, ...]
    forms: Counter
    markup: Markup
    warnings: tuple[str, ...] = ()
    options: Options = DEFAULT_OPTIONS  # as decided for the page (its kind: bot.core.pagekind)


def analyze(
    text: str,
    profile: SiteProfile,
    options: Options = DEFAULT_OPTIONS,
    title: str = "",
    members: MemberList | None = None,
    redirects: Mapping[str, str] | None = None,
    *,
    earlier: str = "",
) -> PageResult:
    """Find the broken links of one page and propose their canonical form; with a member-list
    registry, also propose the member list's updates (``redirects``: see bot.core.members).
    ``earlier``: the page's text when linkbot last proposed changes to it, if it did."""
    with _no_cyclic_gc():
        return _analyze(text, profile, options, title, members, redirects, earlier)


def _with_page_kind(text: str, profile: SiteProfile, options: Options, earlier: str = "", links=None) -> Options:
    """``options`` with the page's kind decided (bot.core.pagekind) from ``text`` as found (``links``:
    its unprotected links, if read), or from its ``earlier`` text: the check of the rewritten text,
    and a page whose last mirror marks an earlier save repaired, are judged as the mirror's page they were."""
    if options.mirror_forms is not MirrorForms.AUTO:
        return options
    mirror = _mirror_page(text, profile, options, links) or (bool(earlier) and _mirror_page(earlier, profile, options))
    return dataclasses.replace(options, mirror_forms=MirrorForms.ALWAYS if mirror else MirrorForms.NEVER)


def _mirror_page(text: str, profile: SiteProfile, options: Options, links=None) -> bool:
    if not shows_mirror_marks(text):  # the cheap test first: most pages show no mark at all
        return False
    if links is None:
        links = unprotected_links(text, read_markup(text, profile, protect_ref_urls=options.protect_ref_urls))
    return is_mirror_page(text, links)


@contextmanager
def _no_cyclic_gc():
    """Hold off the cyclic garbage collector while a page is analysed.

    A large page allocates hundreds of thousands of small objects (tokens, regions, links) that
    live until the analysis ends; the collector, triggered every few hundred allocations, walks
    them again and again (about a tenth of the time on a 500 KB page). They form no cycles;
    memory is freed by reference counting as usual. (Mercurial's ``util.nogc`` does the same.)
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _analyze(text, profile, options, title, members, redirects, earlier) -> PageResult:
    plan = plan_changes(text, profile, options, members, redirects, earlier=earlier)
    skipped = list(plan.skipped)

    def second_pass(new_text: str):  # (judged as the kind of page the text was)
        second = plan_changes(new_text, profile, plan.options, members, redirects, report_protected=False)
        return second.changes, second.markup

    new_text, changes, new_spans = checked_rewrite(text, plan.changes, skipped, second_pass)
    changes = _with_ids(changes)
    old_spans = [(change.start, change.end) for change in changes]
    skipped.sort(key=lambda skip: skip.start)
    forms = tuple((rule.value, plan.forms[rule]) for rule in Rule if plan.forms[rule])
    return PageResult(
        warnings=plan.warnings,
        title=title,
        text=text,
        new_text=new_text,
        changes=tuple(changes),
        skipped=tuple(skipped),
        form_counts=forms,
        diff=unified_diff(text, new_text, title or "page", old_spans, new_spans),
    )


def select_changes(result: PageResult, keep) -> PageResult:
    """The result with only the changes ``keep(change)`` accepts: new text and diff recomputed.

    Changes never overlap and each was checked on its own and in the full page, so any
    subset applies cleanly; the subset is checked again all the same.
    """
    kept = [change for change in result.changes if keep(change)]
    if len(kept) == len(result.changes):
        return result
    new_text, spans = apply_changes(result.text, kept)
    problem = invariants.outside_problem(result.text, new_text, kept, spans)
    if problem is not None:  # pragma: no cover - apply_changes guarantees it
        raise AssertionError(problem)
    old_spans = [(change.start, change.end) for change in kept]
    return dataclasses.replace(
        result,
        new_text=new_text,
        changes=tuple(kept),
        diff=unified_diff(result.text, new_text, result.title or "page", old_spans, spans),
    )


def _with_ids(changes: list[Change]) -> list[Change]:
    seen: Counter = Counter()
    result = []
    for change in changes:
        key = (change.rule, change.old, change.new)
        result.append(change.with_id(seen[key]))
        seen[key] += 1
    return result


def plan_changes(
    text: str,
    profile: SiteProfile,
    options: Options = DEFAULT_OPTIONS,
    members: MemberList | None = None,
    redirects: Mapping[str, str] | None = None,
    *,
    report_protected: bool = True,
    earlier: str = "",
) -> Plan:
    """Detect, resolve and canonicalize every link occurrence (and member-list updates with a
    registry); no page-level checks yet. Without ``report_protected``, links wholly inside
    protected regions are not looked for (the check pass needs only what it could change)."""
    markup = read_markup(text, profile, protect_ref_urls=options.protect_ref_urls)
    forms: Counter = Counter()
    found = find_links(text, markup, look_inside=report_protected)
    options = _with_page_kind(text, profile, options, earlier, found.occurrences)
    resolved_links, skipped = _classified(found, profile, options, forms, shows_mirror_marks(text))
    changes: list[Change] = []
    for occurrence, outcome in _canonicalized(text, resolved_links, profile, options):
        if isinstance(outcome, Change) and (problem := _change_problem(occurrence, outcome)):
            outcome = rejected(outcome, problem)
        (skipped if isinstance(outcome, Skip) else changes).append(outcome)
    warnings: tuple[str, ...] = ()
    if members is not None:
        changes, warnings = _with_member_changes(text, members, profile, options, changes, forms, redirects)
    if report_protected and (other := _other_wiki(resolved_links, profile)):
        warnings = (*warnings, other)
    return Plan(tuple(changes), tuple(skipped), forms, markup, warnings, options)


def _other_wiki(resolved_links, profile: SiteProfile) -> str | None:
    """A warning when most of the page's wikilinks point at one other language edition: the page
    is most likely that wiki's (a ja page read as zh would turn its own links into interlanguage ones)."""
    wikilinks = [  # the links pandoc made from wikilinks, where the mirror wrote a host
        resolved for _occurrence, resolved, rule in resolved_links if rule in _WIKILINK_RULES and resolved.origin is Origin.URL
    ]
    hosts = Counter(
        resolved.title.interwiki.lower() for resolved in wikilinks
        if resolved.title is not None and resolved.title.colon is None and resolved.title.interwiki.lower() in profile.language_prefixes
    )  # fmt: skip
    if not hosts:
        return None
    language, count = hosts.most_common(1)[0]
    if count < 3 or count * 2 <= len(wikilinks):
        return None
    return (
        f"{count} of the page's {len(wikilinks)} wikilink URLs point at the {language} Wikipedia, not at {profile.host}: "
        f"is it that wiki's page? (--site {language}.wikipedia.org)"
    )


_WIKILINK_RULES = frozenset({Rule.MD_MIRROR, Rule.MD_URL, Rule.INTERWIKI, Rule.CATEGORY, Rule.FILE})


def has_planned_change(
    text: str, profile: SiteProfile, options: Options = DEFAULT_OPTIONS, *, first_window: int = 0, earlier: str = ""
) -> bool:
    """Whether ``plan_changes`` would propose a link change, stopping at the first one. The final
    checks only ever drop changes, so a page without one has nothing to change (a preselection).

    The markup is read a window at a time (``MarkupReading``; ``first_window`` characters, then
    four times as many each time): a change found early ends the reading there. Constructs still
    open at a window's end are protected whole, so a window can only hold back a change, never
    make one up; the last window is the whole page. A page that may be the mirror's is read as
    one, and a Markdown change counts once one of its links is seen to bear a mark.
    A link's context (the character after it, the closing block of category links) shapes the
    wikitext a change writes, never whether there is one: any context will do here.
    """
    undecided = options.mirror_forms is MirrorForms.AUTO and shows_mirror_marks(text)
    options = _with_page_kind("" if undecided else text, profile, options, earlier)
    if undecided and options.mirror_forms is MirrorForms.NEVER:
        options = dataclasses.replace(options, mirror_forms=MirrorForms.ALWAYS)
    else:
        undecided = False
    with _no_cyclic_gc():
        return _windowed_change(text, profile, options, first_window, marked=not undecided or shows_header(text))


def _windowed_change(text: str, profile: SiteProfile, options: Options, first_window: int, marked: bool) -> bool:
    """``has_planned_change``'s reading; ``marked``: whether a Markdown change counts already (else
    only once a link bearing the mirror's mark is seen)."""
    reading = MarkupReading(text, profile, protect_ref_urls=options.protect_ref_urls)
    checked: set[tuple[int, int]] = set()  # spans; a link held back in one window may be free in the next
    markdown_change = False
    window = max(first_window or _FIRST_WINDOW, 1)
    while True:
        whole = window >= len(text)
        for occurrence in unprotected_links(text, reading.markup_until(None if whole else window)):
            if not whole and occurrence.start >= window:
                break
            if not whole and occurrence.end > window:
                continue  # not wholly read yet
            marked = marked or marks_a_link(text, occurrence)
            span = (occurrence.start, occurrence.end)
            if span not in checked and _plans_change(occurrence, profile, options):
                if marked or occurrence.syntax is Syntax.EXTLINK:
                    return True
                markdown_change = True
            checked.add(span)
            if markdown_change and marked:
                return True
        if whole:
            return False
        window *= 4


def _plans_change(occurrence: Occurrence, profile: SiteProfile, options: Options) -> bool:
    if not _form_applies(occurrence, options):
        return False
    occurrence = gallery.as_figure(occurrence, profile) or occurrence
    resolved = _resolve(occurrence, profile)
    rule = rule_for(occurrence, resolved, options)
    outcome = None if rule is None else canonicalize(occurrence, resolved, rule, _ANY_CONTEXT, profile, options)
    return isinstance(outcome, Change) and _change_problem(occurrence, outcome) is None


_FIRST_WINDOW = 256  # characters: a page with broken links mostly has one in its first lines
_ANY_CONTEXT = Context("", False)


def _canonicalized(text: str, resolved_links, profile: SiteProfile, options: Options):
    """(occurrence, its change or the reason to leave it) for each link, in order, lazily."""
    closing_start, notes_start = closing_block(text, [(occurrence, rule) for occurrence, _, rule in resolved_links], profile)
    for occurrence, resolved, rule in resolved_links:
        closing = closing_start <= occurrence.start < notes_start
        context = Context.around(text, occurrence.start, occurrence.end, closing)
        yield occurrence, canonicalize(occurrence, resolved, rule, context, profile, options)


def _classified(found, profile: SiteProfile, options: Options, forms: Counter, marked: bool):
    """(occurrence, resolved, rule) of each link that is a finding, and skips for protected ones; counts forms."""
    resolved_links: list[tuple[Occurrence, Resolved, Rule]] = []
    skipped: list[Skip] = []
    for occurrence in found.occurrences:
        if not _form_applies(occurrence, options):
            continue
        if gallery.is_cut_line(occurrence, profile):
            forms[Rule.FILE] += 1
            skipped.append(Skip(occurrence.start, occurrence.end, occurrence.raw, SkipReason.INCOMPLETE, _CUT_LINE, Rule.FILE))
            continue
        occurrence = gallery.as_figure(occurrence, profile) or occurrence
        resolved = _resolve(occurrence, profile)
        rule = rule_for(occurrence, resolved, options)
        if rule is Rule.FILE and _LABEL_LINK.search(occurrence.label):
            occurrence = _with_caption(occurrence, profile, options)
        if rule is not None:
            forms[rule] += 1
            resolved_links.append((occurrence, resolved, rule))
    for occurrence, region in found.protected:  # reported left alone, on a page that may be the mirror's too
        if not (marked or _form_applies(occurrence, options)):
            continue
        rule = rule_for(occurrence, _resolve(occurrence, profile), options)
        if rule is not None:
            forms[rule] += 1
            reason = f"inside {region.reason}"
            skipped.append(Skip(occurrence.start, occurrence.end, occurrence.raw, SkipReason.PROTECTED, reason, rule))
    return resolved_links, skipped


def _form_applies(occurrence: Occurrence, options: Options) -> bool:
    """Whether the occurrence's form is repaired on this page: wikitext forms always, the Markdown
    mirror's forms only on the mirror's pages (``options`` already decided for the page)."""
    return occurrence.syntax is Syntax.EXTLINK or options.mirror_forms is MirrorForms.ALWAYS


def _with_caption(occurrence: Occurrence, profile: SiteProfile, options: Options) -> Occurrence:
    """A figure whose caption holds links (pandoc keeps a caption's links): the caption as wikitext,
    its links converted like the page's and the rest read as any Markdown label. The page-level
    checks then judge the figure with its links in place."""
    label = occurrence.label
    inner = [change for change in plan_changes(label, profile, options, report_protected=False).changes if change.rule in LINK_RULES]
    if not inner:
        return occurrence
    pieces, cursor = [], 0
    for index, change in enumerate(inner):
        pieces += [label[cursor : change.start], f"\ue000{index}\ue001"]  # private-use marks: plain text to the reader
        cursor = change.end
    try:
        read = read_label(dataclasses.replace(occurrence, label="".join(pieces) + label[cursor:]))
    except UnsafeLabelError:
        return occurrence
    caption = _PLACEHOLDER.sub(lambda mark: inner[int(mark.group(1))].new, read.wikitext)
    return dataclasses.replace(occurrence, caption=caption)


_LABEL_LINK = re.compile(r"\]\(|<a\s", re.I)
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")


def _with_member_changes(text, members, profile, options, changes, forms, redirects):
    """Merge member-list changes in; a line proposed for removal takes its link fixes with it. A member
    change within a link being fixed (a link across lines, a total in a link's label) is left with a warning."""
    report = guarded(member_changes(text, members, profile, redirects), members.name, options.max_member_removal_share)
    chosen, warnings = [change for change in report.changes if change.rule in options.rules], []
    while True:  # until no member change clashes with a link fix it leaves standing
        kept = [fix for fix in changes if not any(line.start <= fix.start and fix.end <= line.end for line in chosen if line.start < line.end)]
        clashing = [change for change in chosen if any(_overlap(change, fix) for fix in kept)]
        if not clashing:
            break
        warnings += [f"{members.name}: {change.rule.value} at offset {change.start} falls within a link being fixed; not proposed" for change in clashing]
        chosen = [change for change in chosen if change not in clashing]
    forms.update(change.rule for change in chosen)
    return sorted([*kept, *chosen], key=lambda change: (change.start, change.end, change.rule in MEMBER_RULES)), report.warnings + tuple(warnings)


def _overlap(one: Change, other: Change) -> bool:
    return other.start < one.start < other.end if one.start == one.end else one.start < other.end and other.start < one.end


def _resolve(occurrence: Occurrence, profile: SiteProfile) -> Resolved:
    figure = occurrence.is_image or occurrence.title_attr.startswith("fig:")
    return resolve(
        occurrence.destination, profile, wikilink_hint=occurrence.title_attr == "wikilink", figure=figure
    )


def _change_problem(occurrence: Occurrence, change: Change) -> str | None:
    """Why a change fails the checks that need only the change itself, or None."""
    return invariants.pre_save_problem(change) or _visible_text_problem(occurrence, change)


def _visible_text_problem(occurrence: Occurrence, change: Change) -> str | None:
    try:
        old_visible = read_label(occurrence).visible
    except UnsafeLabelError:  # pragma: no cover - canonicalize already skipped these
        old_visible = occurrence.raw
    if old_visible.startswith(":") and change.new == f"[[{old_visible}]]":
        # pandoc labels [[:Category:X]] with its target, colon and all; MediaWiki shows it without.
        old_visible = old_visible[1:]
    return invariants.visible_text_problem(change, old_visible)
