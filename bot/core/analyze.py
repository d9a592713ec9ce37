"""The page pipeline: parse -> detect -> resolve -> canonicalize -> check -> rewrite.

``analyze(text, profile)`` is the core's one entry point, like black's ``format_str``:
a string and a site profile in, a ``PageResult`` out; no network, no disk.
"""

from __future__ import annotations

import dataclasses
import gc
import html
import re
from collections import Counter
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from bot.core import invariants
from bot.core.canonicalize import Context, canonicalize, read_label, rule_for
from bot.core.detect import find_links, unprotected_links
from bot.core.diff import unified_diff
from bot.core.labels import UnsafeLabel
from bot.core.markup import Markup, MarkupReading, read_markup
from bot.core.members import member_changes
from bot.core.model import (
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
from bot.core.profile import SiteProfile
from bot.core.registry import MemberList
from bot.core.rewrite import apply_changes
from bot.core.urls import Resolved, resolve

_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_GAP_LINK = re.compile(r"\[\[\s*:?\s*([^\[\]|:]+):[^\[\]]*\]\]")
_MAX_CHECK_ROUNDS = 3


@dataclass(frozen=True)
class Plan:
    """Proposed changes before the page-level checks, with what they were made from."""

    changes: tuple[Change, ...]
    old_visible: tuple[str, ...]  # per change: what readers saw of the old text
    skipped: tuple[Skip, ...]
    forms: Counter
    markup: Markup
    warnings: tuple[str, ...] = ()


def analyze(
    text: str,
    profile: SiteProfile,
    options: Options = DEFAULT_OPTIONS,
    title: str = "",
    members: MemberList | None = None,
    redirects: Mapping[str, str] | None = None,
) -> PageResult:
    """Find the broken links of one page and propose their canonical form; with a member-list
    registry, also propose the member list's updates (``redirects``: see bot.core.members)."""
    with _no_cyclic_gc():
        return _analyze(text, profile, options, title, members, redirects)


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


def _analyze(text, profile, options, title, members, redirects) -> PageResult:
    plan = plan_changes(text, profile, options, members, redirects)
    changes: list[Change] = []
    skipped = list(plan.skipped)
    for change, old_visible in zip(plan.changes, plan.old_visible):
        problem = invariants.visible_text_problem(change, old_visible)
        if problem is None:
            changes.append(change)
        else:
            skipped.append(_rejected(change, problem))
    new_text, changes, new_spans = _checked_rewrite(text, changes, skipped, profile, options, members, redirects)
    changes = _with_ids(changes)
    old_spans = [(change.start, change.end) for change in changes]
    skipped.sort(key=lambda skip: skip.start)
    forms = {rule.value: plan.forms[rule] for rule in Rule if plan.forms[rule]}
    return PageResult(
        warnings=plan.warnings,
        title=title,
        text=text,
        new_text=new_text,
        changes=tuple(changes),
        skipped=tuple(skipped),
        forms=forms,
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


def _checked_rewrite(text, changes, skipped, profile, options, members=None, redirects=None):
    """Apply the changes; drop (and report) any that fail a page-level check, then try again.

    Returns the new text, the changes kept and where each sits in the new text.
    """
    for _ in range(_MAX_CHECK_ROUNDS):
        new_text, spans = apply_changes(text, changes)
        if not changes:
            return new_text, changes, spans
        problem = invariants.outside_problem(text, new_text, changes, spans)
        if problem is not None:  # pragma: no cover - apply_changes guarantees it; kept as a net
            raise AssertionError(problem)
        second = plan_changes(new_text, profile, options, members, redirects, report_protected=False)
        problems = invariants.structure_problems(changes, spans, second.markup)
        problems.update(invariants.unstable_changes(spans, second.changes))
        if not problems:
            return new_text, changes, spans
        skipped.extend(_rejected(changes[i], reason) for i, reason in sorted(problems.items()))
        changes = [change for i, change in enumerate(changes) if i not in problems]
    skipped.extend(_rejected(change, "output still unstable after rechecking") for change in changes)
    return text, [], []


def _rejected(change: Change, reason: str) -> Skip:
    return Skip(change.start, change.end, change.old, SkipReason.CHECK_FAILED, reason, change.rule)


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
) -> Plan:
    """Detect, resolve and canonicalize every link occurrence (and member-list updates with a
    registry); no page-level checks yet. Without ``report_protected``, links wholly inside
    protected regions are not looked for (the check pass needs only what it could change)."""
    markup = read_markup(text, profile, protect_ref_urls=options.protect_ref_urls)
    forms: Counter = Counter()
    found = find_links(text, markup, look_inside=report_protected)
    resolved_links, skipped = _classified(found, profile, forms)
    changes: list[Change] = []
    old_visible: list[str] = []
    for occurrence, outcome in _canonicalized(text, resolved_links, profile, options):
        if isinstance(outcome, Skip):
            skipped.append(outcome)
        else:
            changes.append(outcome)
            old_visible.append(_old_visible(occurrence))
    warnings: tuple[str, ...] = ()
    if members is not None:
        changes, old_visible, warnings = _with_member_changes(
            text, members, profile, options, changes, old_visible, forms, redirects
        )
    return Plan(tuple(changes), tuple(old_visible), tuple(skipped), forms, markup, warnings)


def has_planned_change(
    text: str, profile: SiteProfile, options: Options = DEFAULT_OPTIONS, *, first_window: int = 0
) -> bool:
    """Whether ``plan_changes`` would propose a link change, stopping at the first one. The final
    checks only ever drop changes, so a page without one has nothing to change (a preselection).

    The markup is read a window at a time (``MarkupReading``; ``first_window`` characters, then
    four times as many each time): a change found early ends the reading there. Constructs still
    open at a window's end are protected whole, so a window can only hold back a change, never
    make one up; the last window is the whole page.
    A link's context (the character after it, the closing block of category links) shapes the
    wikitext a change writes, never whether there is one: any context will do here.
    """
    with _no_cyclic_gc():
        reading = MarkupReading(text, profile, protect_ref_urls=options.protect_ref_urls)
        checked: set[tuple[int, int]] = set()  # spans; a link held back in one window may be free in the next
        window = max(first_window or _FIRST_WINDOW, 1)
        while True:
            whole = window >= len(text)
            markup = reading.markup_until(None if whole else window)
            for occurrence in unprotected_links(text, markup):
                if not whole and occurrence.start >= window:
                    break
                span = (occurrence.start, occurrence.end)
                if span in checked or (not whole and occurrence.end > window):
                    continue  # checked in an earlier window, or not wholly read yet
                if _plans_change(occurrence, profile, options):
                    return True
                checked.add(span)
            if whole:
                return False
            window *= 4


def _plans_change(occurrence: Occurrence, profile: SiteProfile, options: Options) -> bool:
    resolved = _resolve(occurrence, profile)
    rule = rule_for(occurrence, resolved)
    outcome = None if rule is None else canonicalize(occurrence, resolved, rule, _ANY_CONTEXT, profile, options)
    return isinstance(outcome, Change)


_FIRST_WINDOW = 256  # characters: a page with broken links mostly has one in its first lines
_ANY_CONTEXT = Context("", False)


def _canonicalized(text: str, resolved_links, profile: SiteProfile, options: Options):
    """(occurrence, its change or the reason to leave it) for each link, in order, lazily."""
    closing_start = _closing_block_start(text, resolved_links, profile)
    for occurrence, resolved, rule in resolved_links:
        context = Context(text[occurrence.end : occurrence.end + 1], occurrence.start >= closing_start)
        yield occurrence, canonicalize(occurrence, resolved, rule, context, profile, options)


def _classified(found, profile: SiteProfile, forms: Counter):
    """(occurrence, resolved, rule) of each link that is a finding, and skips for protected ones; counts forms."""
    resolved_links: list[tuple[Occurrence, Resolved, Rule]] = []
    skipped: list[Skip] = []
    for occurrence in found.occurrences:
        resolved = _resolve(occurrence, profile)
        rule = rule_for(occurrence, resolved)
        if rule is not None:
            forms[rule] += 1
            resolved_links.append((occurrence, resolved, rule))
    for occurrence, region in found.protected:
        rule = rule_for(occurrence, _resolve(occurrence, profile))
        if rule is not None:
            forms[rule] += 1
            reason = f"inside {region.reason}"
            skipped.append(Skip(occurrence.start, occurrence.end, occurrence.raw, SkipReason.PROTECTED, reason, rule))
    return resolved_links, skipped


def _with_member_changes(text, members, profile, options, changes, old_visible, forms, redirects):
    """Merge member-list changes in; a line proposed for removal takes its link fixes with it."""
    report = member_changes(text, members, profile, redirects)
    chosen = [change for change in report.changes if change.rule in options.rules]
    forms.update(change.rule for change in chosen)
    removed = [(change.start, change.end) for change in chosen if change.start < change.end]
    kept = [
        (change, visible)
        for change, visible in zip(changes, old_visible)
        if not any(start <= change.start and change.end <= end for start, end in removed)
    ]
    merged = sorted(
        [*kept, *((change, "") for change in chosen)], key=lambda pair: (pair[0].start, pair[0].end, pair[0].rule in MEMBER_RULES)
    )
    return [change for change, _ in merged], [visible for _, visible in merged], report.warnings


def _resolve(occurrence: Occurrence, profile: SiteProfile) -> Resolved:
    figure = occurrence.is_image or occurrence.title_attr.startswith("fig:")
    return resolve(
        clean_href(occurrence), profile, wikilink_hint=occurrence.title_attr == "wikilink", figure=figure
    )


def clean_href(occurrence: Occurrence) -> str:
    """The destination with its syntax's escaping undone (Markdown backslashes, HTML entities)."""
    href = occurrence.href
    if occurrence.syntax is Syntax.MARKDOWN:
        href = _MD_ESCAPE.sub(r"\1", href)
    return html.unescape(href)


def _old_visible(occurrence: Occurrence) -> str:
    try:
        return read_label(occurrence).visible
    except UnsafeLabel:  # pragma: no cover - canonicalize already skipped these
        return occurrence.raw


def _closing_block_start(text: str, links: list[tuple[Occurrence, Resolved, Rule]], profile: SiteProfile) -> int:
    """Offset where the page's closing block of category links starts (len(text) when none).

    The closing block is the end of the page holding only category links (Markdown
    or wikitext), interlanguage links and white space: pandoc moves categories there.
    """
    start = len(text)
    for occurrence, _resolved, rule in reversed(links):
        if not _closing_gap(text[occurrence.end : start], profile):
            break
        if rule is not Rule.CATEGORY or occurrence.syntax not in (Syntax.MARKDOWN, Syntax.HTML_A):
            break
        start = occurrence.start
    return start


def _closing_gap(gap: str, profile: SiteProfile) -> bool:
    """True when ``gap`` holds only white space and category or interlanguage tags."""
    for match in _GAP_LINK.finditer(gap):
        namespace = profile.namespace(match.group(1))
        interwiki = profile.interwiki(match.group(1))
        if not ((namespace is not None and namespace.id == 14) or (interwiki is not None and interwiki.local)):
            return False
    return not _GAP_LINK.sub("", gap).strip()

