"""After saving, a stored text that differs from the text sent is diagnosed honestly, from the wiki's
own revisions: a concurrent edit merged in, or MediaWiki's transform of the text (a bug, reported)."""

from __future__ import annotations

import hashlib

from bot.settings import RetryPolicy

POLICY = RetryPolicy(attempts=2, total_seconds=10, initial_wait=0.1, max_wait=1)


def _sha1(text: str) -> str:
    return hashlib.sha1(text.rstrip().encode("utf-8")).hexdigest()


def test_transformed_and_merged_saves_are_told_apart(wiki):
    import pywikibot

    from bot.wiki.save import SaveOutcome, verify_saved

    site = pywikibot.Site()
    site.login()
    wiki.sandbox.edit("Save check/transform", "before")
    page = pywikibot.Page(site, "Save check/transform")
    base = page.latest_revision_id
    sent = "signed ~~~~"  # what linkbot never sends: MediaWiki turns it into a signature
    page.text = sent
    page.save(summary="test", baserevid=base, basetimestamp=None, quiet=True, force=True, apply_cosmetic_changes=False)
    transformed = SaveOutcome("saved", page.title(), base, page.latest_revision_id, 1, _sha1(sent))

    wiki.sandbox.edit("Save check/merge", "first line\n\nmiddle\n\nlast line")
    other = pywikibot.Page(site, "Save check/merge")
    base = other.latest_revision_id
    wiki.sandbox.edit("Save check/merge", "first line, edited by a person\n\nmiddle\n\nlast line", user="Admin")
    intended = "first line\n\nmiddle\n\nlast line, edited by the bot"
    other.text = intended
    other.save(summary="test", baserevid=base, basetimestamp=None, quiet=True, force=True, apply_cosmetic_changes=False)
    merged = SaveOutcome("saved", other.title(), base, other.latest_revision_id, 1, _sha1(intended))

    stored = wiki.text("Save check/merge")
    clean = SaveOutcome("saved", "stored as sent", base, other.latest_revision_id, 1, _sha1(stored))
    found = verify_saved(site, [transformed, merged, clean], POLICY)
    assert [(outcome.title, outcome.status) for outcome in found] == [
        ("Save check/transform", "transformed"), ("Save check/merge", "merged"),
    ]  # fmt: skip
    assert "bug" in found[0].detail
