"""Options switch rules, review marking, ref protection and trail splitting."""

from __future__ import annotations

from bot.core import ALL_RULES, MirrorForms, Options, Rule, SkipReason, analyze

REF = "<ref>[https://zh.wikipedia.org/wiki/X]</ref>"


def test_ref_citation_urls_protected_by_default(zh):
    assert analyze(REF, zh).new_text == REF


def test_ref_citation_urls_can_be_unprotected(zh):
    result = analyze(REF, zh, Options(protect_ref_urls=False))
    assert result.new_text == "<ref>[[X]]</ref>"
    assert result.changes[0].needs_review  # a numbered link now shows the title


def test_review_rules_mark_every_change(zh):
    text = '[A](../Page/A.md "wikilink") [B](https://zh.wikipedia.org/wiki/B)'
    result = analyze(text, zh, Options(review_rules=frozenset({Rule.MD_URL})))
    review = {change.rule: change.needs_review for change in result.changes}
    assert review == {Rule.MD_MIRROR: False, Rule.MD_URL: True}


def test_disabled_rule_is_reported(zh):
    result = analyze("[x](https://example.org/)", zh, Options(rules=frozenset({Rule.MD_MIRROR}), mirror_forms=MirrorForms.ALWAYS))
    assert result.new_text == "[x](https://example.org/)"
    assert [skip.reason for skip in result.skipped] == [SkipReason.RULE_DISABLED]
    assert result.forms == {"md-external": 1}


def test_trail_splitting_can_be_switched_off(zh):
    text = '[计算机系统与](../Page/计算机.md "wikilink")'
    assert analyze(text, zh, Options(split_trails=False)).new_text == "[[计算机|计算机系统与]]"


def test_change_ids_are_stable_across_offsets(zh):
    first = analyze('[A](../Page/A.md "wikilink")', zh).changes[0]
    moved = analyze('前言 [A](../Page/A.md "wikilink")', zh).changes[0]
    assert first.id == moved.id and first.start != moved.start
    twice = analyze('[A](../Page/A.md "wikilink") [A](../Page/A.md "wikilink")', zh).changes
    assert twice[0].id == first.id and twice[1].id != first.id


OPT_IN = Options(rules=ALL_RULES)


def test_prefilter_on_the_seeds_and_clean_pages(zh):
    from pathlib import Path

    from bot.core.prefilter import might_change

    for seed in sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt")):
        assert might_change(seed.read_text(encoding="utf-8"), zh, Options())
    clean = "正文[[北京]]与[[上海|沪]]。{{cite web|url=https://example.org}} [https://example.org 外部] <ref>书</ref>"
    assert not might_change(clean, zh, Options())
    for text in (
        "[https://ZH.M.WIKIPEDIA.ORG/wiki/X x]",
        "[//en.wikipedia.org/wiki/X]",
        "[https://en.m.wikipedia.org/wiki/X x]",
        "[https://zh.wikipedia.org./wiki/X x]",
        "[https://zh.wikipedia.org:443/wiki/X x]",
        "[https://zh.wiktionary.org/wiki/x x]",
        "[https://de.wiktionary.org/wiki/x x]",
    ):
        assert analyze(text, zh, OPT_IN).changes, text  # each is a finding (other wikis: with the opt-in rule)...
        assert might_change(text, zh, OPT_IN), text  # ...so the prefilter must let it through
