"""Classes of changes (bot.core.classes): what readers get, table-driven; ids; samples; grouping order."""

from __future__ import annotations

import pytest

from bot.core import ZH_WIKIPEDIA, analyze
from bot.core.classes import ChangeClass, Outcome, ProofState, class_of, group, member, outcome, pick_samples, proof_state
from bot.core.model import Change, Decision, Display, Rule

OUTCOMES = [
    ("[[北京]]", Display.KEPT, Outcome.TITLE),
    ("[[北京市|北京]]", Display.KEPT, Outcome.LABEL),
    ("[[Apple]]s", Display.KEPT, Outcome.TRAIL),
    ("[[Apple]] s", Display.KEPT, Outcome.OTHER),
    ("[[Apple|pie]]s", Display.KEPT, Outcome.OTHER),
    ("[https://example.org/ 例子]", Display.KEPT, Outcome.EXTERNAL),
    ("https://example.org/", Display.KEPT, Outcome.URL),
    ("[https://example.org/]", Display.KEPT, Outcome.EXTERNAL),
    ("'''[[北京]]'''", Display.KEPT, Outcome.OTHER),
    ("", Display.KEPT, Outcome.OTHER),
    ("[[Category:城市]]", Display.CATEGORY_TAG, Outcome.CATEGORY),
    ("[[en:Beijing]]", Display.INTERLANGUAGE, Outcome.INTERLANGUAGE),
    ("[[File:A.jpg|thumb|A]]", Display.IMAGE, Outcome.IMAGE),
    ("[[北京]]", Display.NUMBERED, Outcome.NUMBERED),
    ("[[北京|B]]", Display.BRACKETS, Outcome.BRACKETS),
    ("* [[北京]]", Display.MEMBER, Outcome.MEMBER),
]


@pytest.mark.parametrize("new, display, expected", OUTCOMES)
def test_what_readers_get(new, display, expected):
    assert outcome(Change(Rule.MD_MIRROR, 0, 1, "x", new, display=display)) == expected


@pytest.mark.parametrize("proof, state", [("proven", ProofState.PROVEN), ("disagrees: the label", ProofState.DISAGREES),
                                          ("unproven: no answer", ProofState.UNPROVEN), ("", ProofState.UNASKED),
                                          ("proven-ish", ProofState.UNASKED)])  # fmt: skip
def test_proof_states(proof, state):
    assert proof_state(proof) == state


def test_ids_read_back_and_nothing_else_reads():
    for change_class in (ChangeClass(Rule.MD_URL, Outcome.LABEL, ProofState.PROVEN),
                         ChangeClass(Rule.FILE, Outcome.IMAGE, ProofState.UNPROVEN, needs_review=True)):  # fmt: skip
        assert ChangeClass.parse(change_class.id) == change_class
    assert ChangeClass(Rule.MD_URL, Outcome.LABEL, ProofState.PROVEN).id == "md-url/label/proven"
    for wrong in ("", "md-url", "md-url/label", "md-url/label/proven/x", "no-rule/title/proven", "md-url/title/maybe",
                  "md-url/title/proven/review/review", " / / "):  # fmt: skip
        assert ChangeClass.parse(wrong) is None


def test_what_a_class_decision_may_take():
    proven = ChangeClass(Rule.MD_MIRROR, Outcome.TITLE, ProofState.PROVEN)
    assert proven.decidable() == ""
    assert "one by one" in ChangeClass(Rule.FILE, Outcome.IMAGE, ProofState.PROVEN, True).decidable(include_unproven=True)
    unasked = ChangeClass(Rule.MD_MIRROR, Outcome.TITLE, ProofState.UNASKED)
    assert "--include-unproven" in unasked.decidable() and unasked.decidable(include_unproven=True) == ""


def test_the_seed_like_page_falls_into_few_classes_odd_ones_first():
    text = ('[北京](../Page/北京.md "wikilink")、[上海](../Page/上海.md "wikilink")、[广州](../Page/广州市.md "wikilink")、'
            '[Apples](../Page/Apple.md "wikilink")、![A](https://zh.wikipedia.org/wiki/File:A.jpg "fig:A")')
    result = analyze(text, ZH_WIKIPEDIA, title="P")
    groups = group(member(number, change, Decision.PENDING) for number, change in enumerate(result.changes, 1))
    assert [g.id for g in groups] == ["file/image/unasked/review", "md-mirror/label/unasked", "md-mirror/trail/unasked",
                                      "md-mirror/title/unasked"]  # fmt: skip
    assert groups[-1].members == (1, 2) and groups[-1].undecided == (1, 2)


def test_decided_changes_are_counted_not_offered():
    changes = [Change(Rule.MD_MIRROR, i, i + 1, "x", "[[北京]]", proof="proven") for i in range(3)]
    decisions = [Decision.APPROVED, Decision.REJECTED, Decision.PENDING]
    (only,) = group(member(number, change, decision) for number, (change, decision) in enumerate(zip(changes, decisions), 1))
    assert (only.approved, only.rejected, only.undecided, only.members) == (1, 1, (3,), (1, 2, 3))


def test_samples_show_the_odd_ones_first_then_a_typical_one():
    members = [(1, "[[北京]]"), (2, "[[上海]]"), (3, "[[桑托斯 (巴西)]]"), (4, "[[广州]]"), (5, "[[2004年]]"), (6, "[[深圳]]")]
    samples = pick_samples(members, 4)
    assert samples[:2] == (3, 5) and samples[2] == 1 and len(samples) == 4 and len(set(samples)) == 4
    assert pick_samples([], 4) == () and pick_samples(members[:1], 4) == (1,)


def test_class_of_names_needs_review():
    change = Change(Rule.MEMBER_REMOVE, 0, 1, "* [[A]]\n", "", needs_review=True, display=Display.MEMBER)
    assert class_of(change).id == "member-remove/member/unasked/review"
