"""Who set each status field of the review page: from the raw history, never from who made a value
visible. Table-driven: each history is the bot's publication and the revisions after it."""

from __future__ import annotations

import pytest

from bot.core.attribution import PageRevision, decisions_from_history, raw_fields, shown_fields
from bot.core.reviewpage import END, bot_part
from tests.core.test_reviewpage import proposal

PUBLISHED = bot_part([proposal()], "LinkBot")
FIELD = "{{linkbot change|id=3.1|status=pending}}"


def field(status: str) -> str:
    return PUBLISHED.replace(FIELD, "{{linkbot change|id=3.1|status=" + status + "}}")


def wrapped(before: str, after: str) -> str:
    """The approve written where readers do not see it: inside ``before``...``after``."""
    return PUBLISHED.replace(FIELD, before + "{{linkbot change|id=3.1|status=approve}}" + after)


APPROVED, REJECTED = field("approve"), field("reject")
BROKEN_MARKER = APPROVED.replace(END, "<!-- linkbot:en")
HIDDEN = None  # a revision whose text the wiki hides

# (name, revisions after the bot's publication: (user, text), expected (decision, author, restored_by, why))
HISTORIES = [
    ("a_decision", [("Editor", APPROVED)], [("approved", "Editor", "", "")]),
    ("blanked_then_restored_by_undo",
     [("Newbie", APPROVED), ("Vandal", ""), ("Editor", APPROVED)], [("approved", "Newbie", "", "")]),
    ("blanked_then_restored_by_hand",  # the same text saved again: still the first author's
     [("Newbie", APPROVED), ("Vandal", "lol"), ("Editor", APPROVED)], [("approved", "Newbie", "", "")]),
    ("marker_broken_then_fixed",
     [("Newbie", APPROVED), ("Someone", BROKEN_MARKER), ("Editor", APPROVED)], [("approved", "Newbie", "", "")]),
    ("approved_while_breaking_the_marker_then_fixed",
     [("Newbie", BROKEN_MARKER), ("Editor", APPROVED)], [("approved", "Newbie", "", "")]),
    ("reverted_then_the_revert_undone",  # undoing the revert changes the value again: the undoer's decision
     [("Newbie", APPROVED), ("Editor", PUBLISHED), ("Other", APPROVED)],
     [("approved", "Newbie", "", ""), ("approved", "Other", "", "")]),
    ("a_trusted_editor_decides_after_setting_pending",
     [("Newbie", APPROVED), ("Editor", PUBLISHED), ("Editor", APPROVED)],
     [("approved", "Newbie", "", ""), ("approved", "Editor", "", "")]),
    ("an_undo_brings_back_an_older_decision_as_the_undoers",  # never as its first author's
     [("Editor", APPROVED), ("Editor", REJECTED), ("Vandal", APPROVED)],
     [("approved", "Editor", "", ""), ("rejected", "Editor", "", ""), ("approved", "Vandal", "", "")]),
    ("the_bots_own_revisions_decide_nothing", [("LinkBot", APPROVED)], []),
    ("a_forged_signature_is_text", [("Newbie", APPROVED + "\napproved by [[User:Editor]] ~~~~")],
     [("approved", "Newbie", "", "")]),
    # Laundering: an approve written where readers do not see it, made visible by a trusted editor's tidy-up.
    ("inside_nowiki_then_unwrapped",
     [("Newbie", wrapped("<nowiki>", "</nowiki>")), ("Editor", APPROVED)], [("approved", "Newbie", "", "")]),
    ("inside_a_comment_then_uncommented",
     [("Newbie", wrapped("<!-- ", " -->")), ("Editor", APPROVED)], [("approved", "Newbie", "", "")]),
    ("inside_doubled_braces_then_mended",
     [("Newbie", wrapped("{{", "}}")), ("Editor", APPROVED)], [("approved", "Newbie", "", "")]),
    ("inside_pre_then_unwrapped",
     [("Newbie", wrapped("<pre>", "</pre>")), ("Editor", APPROVED)], [("approved", "Newbie", "", "")]),
    ("written_in_entities_then_tidied",
     [("Newbie", field("&#97;pprove")), ("Editor", APPROVED)], [("approved", "Newbie", "", "")]),
    ("a_comment_in_the_value_then_removed",
     [("Newbie", field("app<!---->rove")), ("Editor", APPROVED)], [("approved", "Newbie", "", "")]),
    ("a_trusted_editor_writes_it_with_a_comment", [("Editor", field("approve<!-- checked -->"))], [("approved", "Editor", "", "")]),
    ("a_second_field_uncovered",  # two fields for one change: nobody's
     [("Newbie", PUBLISHED.replace(FIELD, FIELD + "<!-- {{linkbot change|id=3.1|status=approve}} -->")),
      ("Editor", APPROVED)],
     [("approved", "", "", "the field appears more than once on the page: who set it cannot be established")]),
    ("came_back_with_another_value",
     [("Newbie", APPROVED), ("Vandal", ""), ("Someone", REJECTED)],
     [("approved", "Newbie", "", ""),
      ("rejected", "", "", "the field came back with another value than it had: who set it cannot be established")]),
    # A revision whose text the wiki hides (an approval that came with spam; the spam removed, the text hidden).
    ("after_a_hidden_revision_nobody_is_the_author",
     [("Newbie", HIDDEN), ("Admin", APPROVED)],
     [("approved", "", "", "a revision since the bot's last publication has its text hidden: who set the field cannot be established")]),
    ("the_bot_publishing_again_ends_it",
     [("Newbie", HIDDEN), ("LinkBot", PUBLISHED), ("Editor", APPROVED)], [("approved", "Editor", "", "")]),
    # Spellings the wiki resolves and a plain search may not: the bot never credits the wrong person.
    ("a_hidden_copy_with_an_encoded_name_then_a_trusted_rejection",  # the copy is never shown; the rejection is not an approval
     [("Newbie", PUBLISHED.replace(END, "<includeonly>{{linkbot&#32;change|id=3.1|status=approve}}</includeonly>" + END)),
      ("Editor", REJECTED.replace(END, "<includeonly>{{linkbot&#32;change|id=3.1|status=approve}}</includeonly>" + END))],
     [("rejected", "", "", "the field appears more than once on the page: who set it cannot be established")]),
    ("parameter_names_swapped_by_case",
     [("Newbie", PUBLISHED.replace(FIELD, "{{linkbot change|id=3.1|status=pending|ID=3.2}}")
                          .replace("{{linkbot change|id=3.2|status=pending}}", "{{linkbot change|id=3.2|status=approve|ID=3.1}}")),
      ("Editor", PUBLISHED.replace(FIELD, "{{linkbot change|id=3.1|status=reject|ID=3.2}}")
                          .replace("{{linkbot change|id=3.2|status=pending}}", "{{linkbot change|id=3.2|status=approve|ID=3.1}}"))],
     [("approved", "", "", "the field is written in a way linkbot cannot follow (an odd template name or parameter): who set it cannot be established"),
      ("rejected", "", "", "the field is written in a way linkbot cannot follow (an odd template name or parameter): who set it cannot be established")]),
    ("a_second_status_in_another_case_tidied_away",  # Status is another parameter to MediaWiki: status=approve was Newbie's
     [("Newbie", field("approve|Status=pending")), ("Editor", APPROVED)], [("approved", "Newbie", "", "")]),
    ("a_status_named_through_a_comment",  # stat<!-- -->us is status to MediaWiki: the last one wins, as readers see
     [("Newbie", field("approve|stat<!-- -->us=pending"))], []),
    ("a_hidden_base_makes_nothing_anyones", [], []),
    ("a_template_in_the_value_is_refused_loudly",
     [("Editor", field("{{lc:APPROVE}}"))],
     [("unreadable", "Editor", "", "the status is not a plain word the bot reads ('{{lc:approve}}'): write approve or reject")]),
]  # fmt: skip


@pytest.mark.parametrize("name, edits, expected", HISTORIES, ids=[h[0] for h in HISTORIES])
def test_decisions_belong_to_who_changed_the_raw_value(name, edits, expected):
    history = [PageRevision(1, "LinkBot", PUBLISHED)]
    history += [PageRevision(n, user, text) for n, (user, text) in enumerate(edits, 2)]
    found = decisions_from_history(history, "LinkBot")
    assert [(d.decision, d.user, d.restored_by, d.why) for d in found] == expected


def test_raw_and_shown_readings():
    page = wrapped("<nowiki>", "</nowiki>")
    assert raw_fields(page) == {(3, 1): ("approve",), (3, 2): ("pending",)}
    assert shown_fields(page) == {(3, 2): "pending"}  # readers see no field 3.1 at all
    assert raw_fields(field("{{lc:APPROVE}}"))[(3, 1)] == ("{{lc:approve}}",)
    assert shown_fields("{{Linkbot_change| status = approve | id = 3.1 }}") == {(3, 1): "approved"}  # as MediaWiki resolves it
    assert raw_fields("{{Template:linkbot change|status=approve|id=3.1}}") == {(3, 1): ("approve",)}
    assert shown_fields("{{linkbot change|id=99999999999999999999999.1|status=approve}}") == {}  # no such proposal number


def test_after_a_hidden_base_nobody_is_the_author():
    """The revision the last run read up to is hidden since (spam removed, its text deleted): what
    follows is nobody's until the bot publishes again."""
    history = [PageRevision(20, "Vandal", None), PageRevision(21, "Editor", APPROVED)]
    (decision,) = decisions_from_history(history, "LinkBot")
    assert (decision.decision, decision.user) == ("approved", "") and "has its text hidden" in decision.why
