"""The on-wiki review pages beside a run: a decision a trusted editor makes on a proposal's subpage
while the run works, or while it publishes, is taken (into the queue, once), never reset to pending;
approvals laundered through a trusted editor's tidy-up, a revert or a hidden revision are nobody's."""

from __future__ import annotations

import json
import secrets

import pytest

from bot.cli import EXIT_OK
from tests.runs.test_live_decisions import BROKEN, Bot, bot_edits, lines, wait_for
from tests.wikisession import TEST_CONFIG, Account


@pytest.fixture
def review(wiki, tmp_path):
    """(a Bot whose runs publish a review page of their own, the page's title, a trusted editor)."""
    name, password = f"Rev{secrets.token_hex(3)}", "Reviewer-pass-123"
    wiki.sandbox.add_user(name, password)
    title = f"User:LinkBot/Review-{name}"
    config = tmp_path / "linkbot.toml"
    config.write_text(
        TEST_CONFIG.replace('auto_approve = "all"', "auto_approve = []") + '[proof]\nmode = "off"\n[bot]\nedits_per_minute = 30\n'
        f'[run]\nreview_page = "{title}"\nreview_users = ["{name}"]\nsources = ["-prefixindex:{name}/many"]\n',
        encoding="utf-8",
    )  # fmt: skip
    return Bot(wiki, config, tmp_path / "queue.sqlite3"), title, Account(wiki.sandbox.api_url, name, password), name


def audit(bot: Bot, proposal: int) -> list[tuple]:
    shown = json.loads(bot("show", str(proposal), "--format", "json").stdout)
    return [(entry["number"], entry["decision"], entry["who"], entry["source"]) for entry in shown["audit"]]


def test_a_decision_made_on_the_wiki_while_a_run_works_is_taken(review, wiki):
    bot, title, editor, name = review
    wiki.sandbox.edit(f"{name}/a", lines("R1", "R2"))
    bot("scan", f"-prefixindex:{name}/a")
    bot("run", "--mode", "live")  # publishes proposal 1
    assert "{{linkbot change|id=1.1|status=pending}}" in wiki.text(f"{title}/1")
    for number in range(8):
        wiki.sandbox.edit(f"{name}/many{number}", lines(f"M{number}"))
    running = bot.start("run", "--mode", "live", "--auto-approve", "all")  # eight saves, two seconds apart
    wait_for(lambda: bot_edits(wiki, f"{name}/many0"))
    editor.edit(f"{title}/1", text=wiki.text(f"{title}/1").replace("id=1.1|status=pending", "id=1.1|status=approve"))
    out, err = running.communicate(timeout=300)
    assert running.returncode == EXIT_OK, out + err
    summary = json.loads(out.splitlines()[-1])
    assert summary["review_page"]["accepted"] == 1 and summary["saved"] == 9  # eight pages, then the approved change
    assert audit(bot, 1) == [(1, "approved", name, "wiki")]
    assert wiki.text(f"{name}/a") == lines("R1", "R2").replace(BROKEN.format("R1"), "[[R1]]")
    assert "id=1.1" not in wiki.text(f"{title}/1")  # saved: neither pending again nor listed
    bot("run", "--mode", "live")
    assert audit(bot, 1) == [(1, "approved", name, "wiki")]  # taken once, never again, never reset


def test_an_edit_racing_the_publication_is_taken_then_published_again(review, wiki):
    """The editor saves on proposal 1's subpage right after the run looked at it and before its
    publication is saved: MediaWiki merges the two (or reports a conflict); the run takes the
    editor's decision from the newer revision and publishes again."""
    from bot.queue.proposals import Queue
    from bot.queue.runstate import RunState
    from bot.queue.store import Database
    from bot.runs.context import RunContext
    from bot.runs.review_page import OnWikiReview
    from bot.settings import load_settings
    from bot.wiki.session import open_session

    bot, title, editor, name = review
    wiki.sandbox.edit(f"{name}/a", lines("R1", "R2", "R3"))
    bot("scan", f"-prefixindex:{name}/a")
    bot("run", "--mode", "live")  # publishes proposal 1
    bot("approve", "1", "--change", "1", "--reviewer", "op")  # decided elsewhere: the subpage has to be written again
    subpage = f"{title}/1"

    class Racing(OnWikiReview):
        raced = False

        def take(self, titles=None) -> None:
            super().take(titles)
            if titles == [subpage] and not self.raced:  # the editor, just after the bot looked
                self.raced = True
                editor.edit(subpage, text=wiki.text(subpage).replace("id=1.2|status=pending", "id=1.2|status=reject"))

    settings = load_settings(str(bot.config), environ={}, overrides={"mode": "live"})
    session, _ = open_session([], login=True, host_aliases=settings.host_aliases, policy=settings.retry)
    with Database(bot.queue) as database:
        queue = Queue(database)
        racing = Racing(RunContext(session, settings, queue, "race"), RunState(database))
        racing.publish_open_proposals()
        assert racing.raced and racing.accepted == 1
    assert audit(bot, 1) == [(1, "approved", "op", "cli"), (2, "rejected", name, "wiki")]
    published = wiki.text(subpage)
    assert "id=1.2" not in published and "id=1.1" not in published and "{{linkbot change|id=1.3|status=pending}}" in published
    assert wiki.revisions(subpage)[0]["user"] == "LinkBot"


def test_a_second_sandbox_never_saves_a_decision_made_on_the_first(tmp_path):
    """Each sandbox has its own queue and its own name for the wiki: decisions on one never reach the other."""
    import os
    import subprocess
    import sys
    import tomllib

    from bot.sandbox.mediawiki import prepare_sandbox
    from tests.wikisession import ROOT

    boxes = [prepare_sandbox(tmp_path / name) for name in ("first", "second")]
    try:
        configs = [tomllib.loads((tmp_path / name / "linkbot.toml").read_text(encoding="utf-8")) for name in ("first", "second")]
        assert configs[0]["wiki"]["id"] != configs[1]["wiki"]["id"]
        assert [c["queue"]["path"] for c in configs] == [str(tmp_path / name / "queue.sqlite3") for name in ("first", "second")]

        def linkbot(box: str, *args: str) -> subprocess.CompletedProcess:
            env = dict(os.environ, PYWIKIBOT_DIR=str(tmp_path / box / "pywikibot"))
            env.pop("LINKBOT_QUEUE", None)
            result = subprocess.run([sys.executable, "-m", "bot", *args, "--config", str(tmp_path / box / "linkbot.toml")],
                                    capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)  # fmt: skip
            assert result.returncode == EXIT_OK, result.stdout + result.stderr
            return result

        linkbot("first", "scan", "-prefixindex:Sandbox/")
        for line in linkbot("first", "list").stdout.splitlines():
            linkbot("first", "approve", line.split()[0])
        assert not (tmp_path / "second" / "queue.sqlite3").exists()
        for queue in ([], ["--queue", str(tmp_path / "first" / "queue.sqlite3")]):  # even pointed at the first's queue
            saved = linkbot("second", "scan", "-prefixindex:Sandbox/", "--mode", "live", *queue)
            assert "edits: 0 saved" in saved.stdout
    finally:
        for box in boxes:
            box.stop()


def test_a_trial_lists_its_review_page_edits_apart(review, wiki, tmp_path):
    """A trial of 2 makes 2 edits of the task; its publication of the review page is listed after them, never hidden."""
    bot, title, _, name = review
    for number in range(3):
        wiki.sandbox.edit(f"{name}/many{number}", lines(f"T{number}"))
    wiki.sandbox.edit(f"{name}/held", lines("H1"))
    bot("scan", f"-prefixindex:{name}/held")  # something waits for review: the run publishes the page
    result = bot("run", "--mode", "live", "--trial", "2", "--auto-approve", "all", "--trial-report", str(tmp_path / "trial"))
    summary = json.loads(result.stdout.splitlines()[-1])
    (held,) = [p["id"] for p in bot.proposals() if p["page"] == f"{name}/held"]
    assert summary["saved"] == 2 and set(summary["review_page"]["published"]) == {title, f"{title}/{held}"}  # the held page's subpage, the index
    (report,) = (tmp_path / "trial").glob("*.wiki")
    text = report.read_text(encoding="utf-8")
    assert "2 edit(s) of 2 allowed" in text and text.count("\n# [") == 2
    assert "Besides, 2 edit(s) of the bot's review page:\n* [" in text and f"<nowiki>{title}</nowiki>]" in text
    assert "trial report (2 edit(s))" in result.stderr


def test_a_decision_on_a_proposal_superseded_since_goes_to_the_same_change(review, wiki):
    """The review page shows proposal 1; a scan supersedes it (someone edited the page elsewhere);
    the trusted editor then approves 1.1 on the page: the run takes it for the same change of the
    page's new proposal, never drops it."""
    bot, title, editor, name = review
    wiki.sandbox.edit(f"{name}/a", lines("R1", "R2"))
    bot("scan", f"-prefixindex:{name}/a")
    bot("run", "--mode", "live")  # publishes proposal 1
    wiki.sandbox.edit(f"{name}/a", lines("R1", "R2") + "\n\n新的一段。", user="Admin")
    bot("scan", f"-prefixindex:{name}/a")  # proposal 2 supersedes 1
    editor.edit(f"{title}/1", text=wiki.text(f"{title}/1").replace("id=1.1|status=pending", "id=1.1|status=approve"))
    summary = json.loads(bot("run", "--mode", "live").stdout.splitlines()[-1])
    assert summary["review_page"]["accepted"] == 1 and summary["review_page"]["ignored"] == []
    (entry,) = json.loads(bot("show", "2", "--format", "json").stdout)["audit"]
    assert (entry["number"], entry["decision"], entry["who"], entry["source"]) == (1, "approved", name, "wiki")
    assert "made on 1.1 (superseded since)" in entry["reason"]
    assert wiki.text(f"{name}/a").startswith("第1段 [[R1]]")


def test_approvals_laundered_through_a_trusted_tidy_up_are_nobodys(review, wiki):
    """An untrusted account writes approvals readers cannot see (inside nowiki, a comment, doubled
    braces), a trusted reviewer tidies the markup away (the approvals are nobody's); an untrusted
    approval comes with spam, an administrator removes the spam (and, once, hides that revision's
    text). None of it becomes the trusted reviewer's or the administrator's decision; the trusted
    reviewer's own decision is taken."""
    bot, title, trusted, name = review
    vandal_name = f"Van{secrets.token_hex(3)}"
    wiki.sandbox.add_user(vandal_name, "Vandal-pass-123")
    admin_name = f"Adm{secrets.token_hex(3)}"  # an administrator who may also hide revisions (MediaWiki's suppress group)
    wiki.sandbox.add_user(admin_name, "Admin-pass-123", "--sysop", "--custom-groups", "suppress")
    vandal, admin = Account(wiki.sandbox.api_url, vandal_name, "Vandal-pass-123"), Account(wiki.sandbox.api_url, admin_name, "Admin-pass-123")
    for page in "abcde":
        wiki.sandbox.edit(f"{name}/{page}", lines(f"{page.upper()}1", f"{page.upper()}2"))
    bot("scan", f"-prefixindex:{name}/")
    bot("run", "--mode", "live")  # publishes proposals 1 to 5

    def edit(account, proposal: int, *replacements) -> dict:
        """``account`` edits proposal ``proposal``'s subpage."""
        text = wiki.text(f"{title}/{proposal}")
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new)
        return account.edit(f"{title}/{proposal}", text=text)

    field = "{{linkbot change|id=%s|status=%s}}"
    edit(trusted, 5, (field % ("5.2", "pending"), field % ("5.2", "approve")))  # the control
    hidden_approvals = {"1.1": ("<nowiki>", "</nowiki>"), "2.1": ("<!-- ", " -->"), "3.1": ("{{", "}}")}
    for key, (before, after) in hidden_approvals.items():
        edit(vandal, int(key[0]), (field % (key, "pending"), before + field % (key, "approve") + after))
    for key, (before, after) in hidden_approvals.items():
        edit(trusted, int(key[0]), (before + field % (key, "approve") + after, field % (key, "approve")))
    edit(vandal, 4, (field % ("4.1", "pending"), field % ("4.1", "approve")), ("<!-- linkbot:end -->", "<!-- linkbot:end -->\n买便宜药 http://spam.example"))
    edit(admin, 4, ("\n买便宜药 http://spam.example", ""))  # the spam removed, the approval kept
    summary = json.loads(bot("run", "--mode", "live").stdout.splitlines()[-1])["review_page"]
    assert summary["accepted"] == 1
    ignored = {item["change"]: (item["user"], item["why"]) for item in summary["ignored"]}
    assert {key: user for key, (user, _) in ignored.items()} == {"1.1": "(unknown)", "2.1": "(unknown)", "3.1": "(unknown)", "4.1": vandal_name}
    assert all("changed beyond its status words in between" in ignored[key][1] for key in hidden_approvals)
    assert "is not allowed to decide" in ignored["4.1"][1]
    assert wiki.text(f"{name}/e") == lines("E1", "E2").replace(BROKEN.format("E2"), "[[E2]]")
    assert all(bot_edits(wiki, f"{name}/{page}") == [] for page in "abcd")

    # The same approval with spam, and this time the administrator also hides the spammer's revision.
    spam = edit(vandal, 4, (field % ("4.2", "pending"), field % ("4.2", "approve")), ("<!-- linkbot:end -->", "<!-- linkbot:end -->\n垃圾"))
    edit(admin, 4, ("\n垃圾", ""))
    token = admin.call(action="query", meta="tokens")["query"]["tokens"]["csrftoken"]
    hidden = admin.call(action="revisiondelete", type="revision", target=f"{title}/4", ids=spam["newrevid"], hide="content",
                        reason="spam", token=token, method="POST")  # fmt: skip
    assert hidden.get("revisiondelete", {}).get("status") == "Success", hidden
    edit(trusted, 4, (field % ("4.1", "pending"), field % ("4.1", "approve")))  # after a hidden revision: nobody's...
    summary = json.loads(bot("run", "--mode", "live").stdout.splitlines()[-1])["review_page"]
    ignored = {item["change"]: (item["user"], item["why"]) for item in summary["ignored"]}
    assert summary["accepted"] == 0 and set(ignored) == {"4.2", "4.1"}
    assert all(user == "(unknown)" and "has its text hidden" in why for user, why in ignored.values())
    edit(trusted, 4, (field % ("4.1", "pending"), field % ("4.1", "approve")))  # ...until the bot publishes again
    # (The text is new although it repeats the approval the vandal made: each publication is stamped with its base
    # revision, so MediaWiki does not tag the reviewer's edit as a manual revert to the vandal's revision.)
    assert json.loads(bot("run", "--mode", "live").stdout.splitlines()[-1])["review_page"]["accepted"] == 1
    assert wiki.text(f"{name}/d") == lines("D1", "D2").replace(BROKEN.format("D1"), "[[D1]]")


def test_history_is_read_from_the_bots_publication_and_reverts_choose_nothing(review, wiki):
    """A dry run takes the page's decisions while a vandal's blanking is the latest revision; the
    trusted reviewer's undo then brings the vandal's approval back: still the vandal's, never the
    reviewer's (the history is read from the bot's publication, not from where the last run
    stopped). A reviewer's undo of someone's reset (MediaWiki tags it mw-undo) brings back another
    account's approval: nobody's. The reviewer's own decision is taken."""
    bot, title, trusted, name = review
    vandal_name = f"Van{secrets.token_hex(3)}"
    wiki.sandbox.add_user(vandal_name, "Vandal-pass-123")
    vandal = Account(wiki.sandbox.api_url, vandal_name, "Vandal-pass-123")
    for page in "ab":
        wiki.sandbox.edit(f"{name}/{page}", lines(f"{page.upper()}1", f"{page.upper()}2"))
    bot("scan", f"-prefixindex:{name}/")
    bot("run", "--mode", "live")  # publishes proposals 1 and 2

    def edit(account, old: str, new: str, tail: str = "") -> dict:
        page = f"{title}/{old.split('id=')[1][0]}"  # the subpage of the field's proposal
        text = wiki.text(page)
        assert old in text, old
        return account.edit(page, text=text.replace(old, new) + tail)

    field = "{{linkbot change|id=%s|status=%s}}"
    edit(vandal, field % ("1.1", "pending"), field % ("1.1", "approve"))
    blanked = vandal.edit(f"{title}/1", text="")
    first = json.loads(bot("run", "--mode", "dry-run").stdout.splitlines()[-1])["review_page"]
    assert [(item["user"], item["change"]) for item in first["ignored"] if "change" in item] == [(vandal_name, "1.1")]
    assert any("cannot be read" in item["why"] for item in first["ignored"] if "change" not in item)  # the page is damaged
    trusted.edit(f"{title}/1", undo=blanked["newrevid"])  # the vandal's approval is back: not the reviewer's
    edit(trusted, field % ("1.2", "pending"), field % ("1.2", "approve"))  # the control
    edit(vandal, field % ("2.1", "pending"), field % ("2.1", "approve"))
    reset = edit(vandal, field % ("2.1", "approve"), field % ("2.1", "pending"), tail="\n[http://spam.example buy]")
    wiki.sandbox.edit(f"{title}/2", "说明。\n" + wiki.text(f"{title}/2"))  # so that the undo's text is new: only its tag tells it is a revert
    trusted.edit(f"{title}/2", undo=reset["newrevid"])
    assert "{{linkbot change|id=2.1|status=approve}}" in wiki.text(f"{title}/2")
    second = json.loads(bot("run", "--mode", "dry-run").stdout.splitlines()[-1])["review_page"]
    assert second["accepted"] == 1 and audit(bot, 1) == [(2, "approved", name, "wiki")]
    assert [(item["user"], item["change"], item["decision"]) for item in second["ignored"]] == [
        (vandal_name, "2.1", "approved"), (vandal_name, "2.1", "pending"), ("(unknown)", "2.1", "approved")]
    assert "revert" in second["ignored"][2]["why"]
