"""Run every case in tests/core/cases/*.cases through the core, with the safety checks."""

from __future__ import annotations

import pytest

from bot.core import Options, analyze, plan_changes, profile_for_host
from bot.core.analyze import has_planned_change
from bot.core.pagekind import MirrorForms
from bot.settings import parse_rules
from tests.core.casefile import load_cases

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(case):
    profile = profile_for_host(case.site)
    options = Options(rules=parse_rules(case.rules, "rules"), mirror_forms=MirrorForms(case.mirror_forms))
    result = analyze(case.input, profile, options)
    assert result.new_text == case.output
    if case.skip is not None:
        assert case.skip in {skip.reason.value for skip in result.skipped}, result.skipped
    if case.review is not None:
        assert result.changes and all(change.needs_review == case.review for change in result.changes)
    if case.rule is not None:
        rules = {change.rule.value for change in result.changes} | {
            skip.rule.value for skip in result.skipped if skip.rule
        }
        assert rules == {case.rule}
    # Idempotence: the output is a fixed point.
    assert analyze(result.new_text, profile, options).changes == ()
    # The dump preselection says "something to change" exactly when the plan has a change, however
    # small the windows it reads the markup in.
    planned = bool(plan_changes(case.input, profile, options).changes)
    for first_window in (0, 1, 5, 16, 60):
        assert has_planned_change(case.input, profile, options, first_window=first_window) == planned, first_window


def test_every_link_rule_has_a_case_file():
    from bot.core.model import LINK_RULES

    files = {case.file for case in CASES}
    assert {rule.value for rule in LINK_RULES} <= files  # member rules: tests/core/test_members.py


M = '[甲](../Page/甲.md "wikilink")'


@pytest.mark.parametrize(
    "page, expected",
    [
        # MediaWiki drops comments before it looks for free URLs: the URL is glued to what the comment hides.
        (M + "_<!-- 注 --><https://example.org/X>", "[[甲]]_<!-- 注 -->[https://example.org/X https://example.org/X]"),
        (M + " <!-- 注 --><https://example.org/X><!-- 注 -->乙", "[[甲]] <!-- 注 -->[https://example.org/X https://example.org/X]<!-- 注 -->乙"),
        (M + " <https://example.org/X> 乙", "[[甲]] https://example.org/X 乙"),
    ],
)
def test_a_comment_hides_no_neighbour_from_a_bare_url(page, expected):  # on a converted page (M)
    from bot.core import ZH_WIKIPEDIA, analyze

    assert analyze(page, ZH_WIKIPEDIA).new_text == expected
