"""Who set each status field of the review page: from the raw history, never from who made a value
visible. Table-driven: each history is the bot's publication and the revisions after it."""

from __future__ import annotations

import dataclasses

import pytest

from bot.core.attribution import PageRevision, decisions_from_history, read_bot_part
from bot.core.review_messages import review_messages
from bot.core.review_subpages import subpage_part
from bot.core.reviewpage import END
from tests.core.test_reviewpage import INDEX, proven

PUBLISHED = subpage_part(proven(), "LinkBot", INDEX, review_messages("en"))
STRETCH = "the bot's part was changed beyond its status words in between (revisions {}): who set the field cannot be established until the bot publishes again"
HIDDEN_WHY = "a revision since the bot's last publication has its text hidden: who set the field cannot be established until the bot publishes again"
REVERTED = "brought back by a revert to an earlier text of the page, and not the reverter's own latest choice: who chose it cannot be established"
SECOND = "{{linkbot change|id=3.2|status=pending}}"
TAGGED = True  # a revision MediaWiki tags as a revert (undo, rollback)
HIDDEN = None  # a revision whose text the wiki hides
FIELDS = ("3.1", "3/md-mirror/title/proven", "3")  # a change, a class of changes, the whole proposal: the same rules


def nobodys(why: str) -> tuple[str, str, str, str]:
    return ("approved", "", "", why)


def table(field_id: str) -> list:
    """(name, revisions after the bot's publication: (user, text[, tagged as a revert[, vouched for as the bot's
    publication]]), expected (decision, author, restored_by, why)) for the field ``field_id``."""
    FIELD = "{{linkbot change|id=%s|status=pending}}" % field_id

    def field(status: str) -> str:
        return PUBLISHED.replace(FIELD, "{{linkbot change|id=%s|status=%s}}" % (field_id, status))

    def wrapped(before: str, after: str) -> str:
        """The approve written where readers do not see it: inside ``before``...``after``."""
        return PUBLISHED.replace(FIELD, before + "{{linkbot change|id=%s|status=approve}}" % field_id + after)

    APPROVED, REJECTED = field("approve"), field("reject")
    BROKEN_MARKER = APPROVED.replace(END, "<!-- linkbot:en")
    FORGED = PUBLISHED.replace("→ <code><nowiki>[[B]]</nowiki></code>", "→ <code><nowiki>[[C]]</nowiki></code>")
    # (name, revisions after the bot's publication: (user, text[, tagged as a revert[, vouched for as the bot's publication]]),
    #  expected (decision, author, restored_by, why))
    return [
        ("a_decision", [("Editor", APPROVED)], [("approved", "Editor", "", "")]),
        ("any_case_and_spaces", [("Editor", field(" Approve "))], [("approved", "Editor", "", "")]),
        ("blanked_then_restored_by_undo",  # the value merely came back: it keeps its setter
         [("Newbie", APPROVED), ("Vandal", ""), ("Editor", APPROVED, TAGGED)], [("approved", "Newbie", "", "")]),
        ("blanked_then_restored_by_hand",
         [("Newbie", APPROVED), ("Vandal", "lol"), ("Editor", APPROVED)], [("approved", "Newbie", "", "")]),
        ("marker_broken_then_fixed",
         [("Newbie", APPROVED), ("Someone", BROKEN_MARKER), ("Editor", APPROVED)], [("approved", "Newbie", "", "")]),
        ("approved_while_breaking_the_marker_then_fixed",
         [("Newbie", BROKEN_MARKER), ("Editor", APPROVED)], [nobodys(STRETCH.format(2))]),
        ("reverted_then_the_revert_undone",  # the undo brings back Newbie's value: not the undoer's choice
         [("Newbie", APPROVED), ("Editor", PUBLISHED), ("Other", APPROVED, TAGGED)],
         [("approved", "Newbie", "", ""), ("pending", "Editor", "Editor", ""), nobodys(REVERTED)]),
        ("a_trusted_editor_reverts_then_decides_otherwise",
         [("Newbie", APPROVED), ("Editor", PUBLISHED), ("Editor", field("approved"))],
         [("approved", "Newbie", "", ""), ("pending", "Editor", "Editor", ""), ("approved", "Editor", "", "")]),
        ("a_revert_to_ones_own_value_is_ones_own",
         [("Editor", APPROVED), ("Vandal", REJECTED), ("Editor", APPROVED, TAGGED)],
         [("approved", "Editor", "", ""), ("rejected", "Vandal", "", ""), ("approved", "Editor", "Editor", "")]),
        ("an_undo_brings_back_someone_elses_decision",
         [("Editor", APPROVED), ("Editor", REJECTED), ("Vandal", APPROVED, TAGGED)],
         [("approved", "Editor", "", ""), ("rejected", "Editor", "", ""), nobodys(REVERTED)]),
        ("an_untagged_repeat_of_an_earlier_text_is_a_revert",
         [("Vandal", APPROVED), ("Editor", PUBLISHED + "\nspam"), ("Editor", APPROVED)],
         [("approved", "Vandal", "", ""), ("pending", "Editor", "", ""), nobodys(REVERTED)]),
        ("a_spam_rollback_does_not_credit_the_admin",  # the admin meant to remove spam, not to approve
         [("Vandal", APPROVED), ("Helper", PUBLISHED + "\n[http://spam.example buy]"), ("Admin", APPROVED, TAGGED)],
         [("approved", "Vandal", "", ""), ("pending", "Helper", "", ""), nobodys(REVERTED)]),
        ("a_retracted_approval_brought_back_by_the_retractors_undo",  # the undo removes spam; the approval was withdrawn
         [("Editor", APPROVED), ("Editor", REJECTED), ("Vandal", APPROVED, TAGGED), ("Vandal", PUBLISHED + "\n[http://spam.example buy]"),
          ("Editor", APPROVED, TAGGED)],
         [("approved", "Editor", "", ""), ("rejected", "Editor", "", ""), nobodys(REVERTED), ("pending", "Vandal", "", ""), nobodys(REVERTED)]),
        ("a_withdrawal_by_undo_is_the_undoers", [("Editor", APPROVED), ("Editor", PUBLISHED, TAGGED)],
         [("approved", "Editor", "", ""), ("pending", "Editor", "Editor", "")]),
        ("a_bot_save_it_does_not_vouch_for_is_no_publication",  # a merge kept a forged description
         [("LinkBot", FORGED), ("Editor", FORGED.replace(SECOND, "{{linkbot change|id=3.2|status=approve}}"))], []),
        ("the_bots_own_revisions_decide_nothing", [("LinkBot", APPROVED)], []),
        ("a_forged_signature_outside_the_part_is_text", [("Newbie", APPROVED + "\napproved by [[User:Editor]] ~~~~")],
         [("approved", "Newbie", "", "")]),
        # Laundering: an approve readers do not see (or not as a plain word), made plain by a trusted editor's tidy-up.
        ("inside_nowiki_then_unwrapped", [("Newbie", wrapped("<nowiki>", "</nowiki>")), ("Editor", APPROVED)], [nobodys(STRETCH.format(2))]),
        ("inside_a_comment_then_uncommented", [("Newbie", wrapped("<!-- ", " -->")), ("Editor", APPROVED)], [nobodys(STRETCH.format(2))]),
        ("inside_doubled_braces_then_mended", [("Newbie", wrapped("{{", "}}")), ("Editor", APPROVED)], [nobodys(STRETCH.format(2))]),
        ("inside_pre_then_unwrapped", [("Newbie", wrapped("<pre>", "</pre>")), ("Editor", APPROVED)], [nobodys(STRETCH.format(2))]),
        ("written_in_entities_then_tidied", [("Newbie", field("&#97;pprove")), ("Editor", APPROVED)], [nobodys(STRETCH.format(2))]),
        ("a_comment_in_the_value_then_removed", [("Newbie", field("app<!---->rove")), ("Editor", APPROVED)], [nobodys(STRETCH.format(2))]),
        ("a_template_in_the_value_then_tidied", [("Newbie", field("{{lc:APPROVE}}")), ("Editor", APPROVED)], [nobodys(STRETCH.format(2))]),
        ("a_no_break_space_then_tidied", [("Newbie", field("approve\xa0")), ("Editor", APPROVED)], [nobodys(STRETCH.format(2))]),
        ("a_second_status_then_tidied", [("Newbie", field("approve|Status=pending")), ("Editor", APPROVED)], [nobodys(STRETCH.format(2))]),
        ("a_second_field_uncovered",
         [("Newbie", PUBLISHED.replace(FIELD, FIELD + "<!-- {{linkbot change|id=%s|status=approve}} -->" % field_id)), ("Editor", APPROVED)],
         [nobodys(STRETCH.format(2))]),
        ("came_back_with_another_value",
         [("Newbie", APPROVED), ("Vandal", ""), ("Someone", REJECTED)], [("approved", "Newbie", "", ""), ("rejected", "", "", STRETCH.format(3))]),
        ("ids_swapped_then_swapped_back",  # the approve was put on the line describing the other change
         [("Newbie", APPROVED.replace("id=3.1|", "id=3.x|").replace("id=3.2|", "id=3.1|").replace("id=3.x|", "id=3.2|")),
          ("Editor", PUBLISHED.replace(SECOND, "{{linkbot change|id=3.2|status=approve}}"))],
         [nobodys(STRETCH.format(2))]),
        ("a_field_for_a_change_not_listed", [("Newbie", PUBLISHED.replace(END, "{{linkbot change|id=9.1|status=approve}}\n" + END))], []),
        # Written otherwise than as a plain word: read as nobody's, whoever wrote it.
        ("a_trusted_editor_writes_it_with_a_comment", [("Editor", field("approve<!-- checked -->"))], []),
        ("a_signature_in_the_field", [("Editor", field("approve ~~~~"))], []),
        ("a_template_in_the_value", [("Editor", field("{{lc:APPROVE}}"))], []),
        ("a_no_break_space_around_the_word", [("Editor", field("\xa0approve"))], []),
        ("an_unknown_word", [("Editor", field("yes"))], []),
        ("a_hidden_copy_with_an_encoded_name",
         [("Newbie", PUBLISHED.replace(END, "<includeonly>{{linkbot&#32;change|id=%s|status=approve}}</includeonly>" % field_id + END)),
          ("Editor", REJECTED.replace(END, "<includeonly>{{linkbot&#32;change|id=%s|status=approve}}</includeonly>" % field_id + END))], []),
        ("parameter_names_swapped_by_case",
         [("Newbie", PUBLISHED.replace(FIELD, "{{linkbot change|id=%s|status=pending|ID=3.2}}" % field_id))], []),
        # A revision whose text the wiki hides (an approval that came with spam; the spam removed, the text hidden).
        ("after_a_hidden_revision_nobody_is_the_author", [("Newbie", HIDDEN), ("Admin", APPROVED)], [nobodys(HIDDEN_WHY)]),
        ("the_bot_publishing_again_ends_it", [("Newbie", HIDDEN), ("LinkBot", PUBLISHED, False, True), ("Editor", APPROVED)],
         [("approved", "Editor", "", "")]),
        # Beside the part: plain discussion is fine; anything that could wrap, hide, overlay or restyle the part is not.
        ("a_discussion_beside_the_part",
         [("Editor", "说明：'''请'''看[[Help:审核|帮助]]。\n\n" + APPROVED + "\n\n== 讨论 ==\n* 好 —— [[User:A|A]]（[[User talk:A|讨论]]）<br>")],
         [("approved", "Editor", "", "")]),
        ("wrapped_in_a_template", [("Vandal", "{{Fake|1=\n" + PUBLISHED + "\n}}"), ("Editor", "{{Fake|1=\n" + APPROVED + "\n}}")], []),
        ("hidden_by_an_unclosed_div", [("Editor", '<div style="display:none">\n' + APPROVED)], []),
        ("restyled_by_template_styles", [("Editor", APPROVED + '\n<templatestyles src="User:Vandal/x.css" />')], []),
        ("an_overlay_after_the_part", [("Editor", APPROVED + '\n<span style="position:absolute;top:0">假的</span>')], []),
        ("a_variant_rule_before_the_part", [("Editor", "-{H|zh-hans:A=>zh-hans:B;}-\n" + APPROVED)], []),
    ]  # fmt: skip


CLASS, OTHER_CLASS = "{{linkbot change|id=3/md-mirror/title/proven|status=%s}}", "{{linkbot change|id=3/md-url/title/proven|status=%s}}"
WHOLE = "{{linkbot change|id=3|status=%s}}"


def edited(*replacements: tuple[str, str]) -> str:
    text = PUBLISHED
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return text


# Fields that decide many changes at once: set by one user, moved, forged, a class the bot did not publish.
WIDE = [
    ("a_class_and_the_proposal_by_one_user", [("Editor", edited((CLASS % "pending", CLASS % "approve"))), ("Editor", edited(
        (CLASS % "pending", CLASS % "approve"), (WHOLE % "pending", WHOLE % "reject")))],
     [("3/md-mirror/title/proven", "approved", "Editor", ""), ("3", "rejected", "Editor", "")]),
    ("a_class_approved_then_reverted_by_another", [("Newbie", edited((CLASS % "pending", CLASS % "approve"))), ("Editor", PUBLISHED, TAGGED)],
     [("3/md-mirror/title/proven", "approved", "Newbie", ""), ("3/md-mirror/title/proven", "pending", "Editor", "")]),
    ("two_class_fields_swapped",  # each approve now stands beside the other class's description
     [("Newbie", edited((CLASS % "pending", "@"), (OTHER_CLASS % "pending", CLASS % "approve"), ("@", OTHER_CLASS % "pending"))),
      ("Editor", edited((CLASS % "pending", CLASS % "approve")))],
     [("3/md-mirror/title/proven", "approved", "", STRETCH.format(2))]),
    ("the_proposal_field_moved_beside_a_change", [("Newbie", edited((WHOLE % "pending", ""), ("* {{linkbot change|id=3.3|", "* " + WHOLE % "approve" + " {{linkbot change|id=3.3|")))], []),
    ("a_class_the_bot_did_not_publish", [("Newbie", edited((CLASS % "pending", CLASS % "pending" + " " + "{{linkbot change|id=3/md-mirror/label/proven|status=approve}}")))], []),
    ("a_class_of_changes_that_need_review", [("Newbie", edited((CLASS % "pending", "{{linkbot change|id=3/md-mirror/title/proven/review|status=approve}}")))], []),
    ("another_proposals_class", [("Newbie", edited((CLASS % "pending", "{{linkbot change|id=4/md-mirror/title/proven|status=approve}}")))], []),
    ("a_class_field_in_a_comment", [("Newbie", edited((CLASS % "pending", CLASS % "pending" + "<!-- " + WHOLE % "approve" + " -->")))], []),
    ("the_proposal_field_in_nowiki", [("Newbie", edited((WHOLE % "pending", "<nowiki>" + WHOLE % "approve" + "</nowiki>")))], []),
    ("a_class_field_in_another_template", [("Newbie", edited((CLASS % "pending", "{{tl|" + CLASS % "approve" + "}}")))], []),
    ("a_class_field_below_the_part", [("Newbie", PUBLISHED + "\n" + CLASS % "approve")], []),
    ("a_hidden_revision_then_a_class_approval", [("Newbie", HIDDEN), ("Admin", edited((CLASS % "pending", CLASS % "approve")))],
     [("3/md-mirror/title/proven", "approved", "", HIDDEN_WHY)]),
    ("published_again_then_approved", [("Newbie", HIDDEN), ("LinkBot", PUBLISHED, False, True),
                                       ("Editor", edited((CLASS % "pending", CLASS % "approve")))],
     [("3/md-mirror/title/proven", "approved", "Editor", "")]),
]  # fmt: skip


@pytest.mark.parametrize("name, edits, expected", WIDE, ids=[w[0] for w in WIDE])
def test_class_and_proposal_fields(name, edits, expected):
    history = [PageRevision(1, "LinkBot", PUBLISHED, published=True)]
    history += [PageRevision(n, edit[0], edit[1], *edit[2:]) for n, edit in enumerate(edits, 2)]
    found = decisions_from_history(history, "LinkBot")
    assert [(d.field, d.decision, d.user, d.why) for d in found] == expected


HISTORIES = [(field_id, *case) for field_id in FIELDS for case in table(field_id)]


@pytest.mark.parametrize("field_id, name, edits, expected", HISTORIES, ids=[f"{h[0]}:{h[1]}" for h in HISTORIES])
def test_decisions_belong_to_who_chose_the_status_word(field_id, name, edits, expected):
    history = [PageRevision(1, "LinkBot", PUBLISHED, published=True)]
    history += [PageRevision(n, edit[0], edit[1], *edit[2:]) for n, edit in enumerate(edits, 2)]
    found = decisions_from_history(history, "LinkBot")
    assert [(d.decision, d.user, d.restored_by, d.why) for d in found] == expected


def test_the_bots_part_read():
    field = lambda status: edited(("{{linkbot change|id=3.1|status=pending}}", "{{linkbot change|id=3.1|status=%s}}" % status))  # noqa: E731
    wrapped = lambda before, after: edited(("{{linkbot change|id=3.1|status=pending}}", before + "{{linkbot change|id=3.1|status=approve}}" + after))  # noqa: E731
    APPROVED = field("approve")
    assert read_bot_part(PUBLISHED).values == dict.fromkeys(["3", "3/md-url/title/proven", "3/md-mirror/title/proven", "3.1", "3.2", "3.3"], "pending")
    assert read_bot_part(field(" 批准 ")).values["3.1"] == "approved"
    assert read_bot_part(PUBLISHED.replace(END, "")) is None and read_bot_part(PUBLISHED + PUBLISHED) is None
    assert read_bot_part(wrapped("<nowiki>", "</nowiki>")).skeleton != read_bot_part(PUBLISHED).skeleton
    assert read_bot_part(APPROVED).skeleton == read_bot_part(PUBLISHED).skeleton


def test_a_description_that_spells_a_field_is_not_one():
    """A page's own text shown in the bot's part cannot plant a field there."""
    shown = proven()
    planted = dataclasses.replace(shown.changes[0].change, old="[A](../Page/A.md) {{linkbot change|id=3.2|status=approve}} {{linkbot change|id=3|status=approve}}",
                                  new="[[A]] {{linkbot change|id=3/md-mirror/title/proven|status=approve}}")  # fmt: skip
    shown = dataclasses.replace(shown, changes=(dataclasses.replace(shown.changes[0], change=planted), *shown.changes[1:]))
    values = read_bot_part(subpage_part(shown, "LinkBot", INDEX, review_messages("en"))).values
    assert set(values.values()) == {"pending"} and "3.1" in values


def test_before_the_bots_first_publication_nothing_is_anyones():
    """Read from the page's creation (the bot's publication unknown): a part someone else wrote is
    not the bot's, so no field in it is read until the bot publishes."""
    approved = edited(("{{linkbot change|id=3|status=pending}}", "{{linkbot change|id=3|status=approve}}"))
    history = [PageRevision(0, "", ""), PageRevision(5, "Vandal", PUBLISHED), PageRevision(6, "Editor", approved)]
    assert decisions_from_history(history, "LinkBot") == []
    unvouched = [PageRevision(5, "LinkBot", PUBLISHED), PageRevision(6, "Editor", approved)]  # a base the bot did not vouch for
    assert decisions_from_history(unvouched, "LinkBot") == []


def test_after_a_hidden_base_nobody_is_the_author():
    """The revision the history is read from is hidden since (spam removed, its text deleted): what
    follows is nobody's until the bot publishes again."""
    approved = edited(("{{linkbot change|id=3|status=pending}}", "{{linkbot change|id=3|status=approve}}"))
    history = [PageRevision(20, "LinkBot", None, published=True), PageRevision(21, "Editor", approved)]
    assert decisions_from_history(history, "LinkBot") == []  # nothing is readable against an unknown part


@pytest.mark.parametrize("beside, plain", [
    ("Notes: see [[Talk:X]]. '''bold''' <b>b</b> <br/>", True),
    ("<s/>", False), ("<small/>", False), ("<S/>", False), ("<strong/>", False),  # MediaWiki leaves them open over the part
    ("#REDIRECT [[User:LinkBot/Review/2]]\n", False), ("#重定向 [[X]]\n", False), ("# redirect [[X]]\n", False),
    ("{{Foo}}\n", False), ('<span style="display:none">', False),
])  # fmt: skip
def test_what_may_stand_beside_the_part(beside, plain):
    from bot.core.attribution import beside_is_plain

    assert (read_bot_part(beside + PUBLISHED) is not None) is plain
    assert beside_is_plain(beside + PUBLISHED) is plain


def test_a_moved_page_is_a_redirect_and_no_page_to_add_to():
    from bot.core.attribution import beside_is_plain, is_redirect

    assert is_redirect("#REDIRECT [[User:X/moved]]") and is_redirect("  #重定向 [[X]]") and not is_redirect("text #REDIRECT")
    assert not beside_is_plain("#REDIRECT [[User:X/moved]]") and beside_is_plain("editors' notes") and beside_is_plain("")
