"""Save one page: one edit holding its accepted changes, based on the revision that was analysed.

- ``baserevid`` is the analysed revision and ``basetimestamp`` is None, so MediaWiki's
  conflict check is exact (pywikibot's default timestamp has one-second resolution).
- One request an attempt (``attempt_save``): on an edit conflict the caller reads the page again
  (dropping the text assigned to it) and plans anew from the new revision; nobody's edit is
  overwritten. The caller holds the review queue through the attempt (bot.runs.saving), so the
  put throttle is waited out first (``wait_for_edit_slot``).
- pywikibot's cosmetic changes are off: the saved text is exactly the reviewed one.
- Protection, blocks, missing rights, abuse filters and the spam blacklist are reported
  for the page and not retried; transient failures go through the one retry layer.
- After saving, the saved revision's text is compared with the intended text: MediaWiki
  may merge a concurrent edit silently, and that is reported; a difference with no edit in
  between is MediaWiki's own transform of the text, reported as a bug. The comparison is
  batched (``verify_saved``: one request per 50 saved revisions) rather than one read per edit.
"""

from __future__ import annotations

import collections
import dataclasses
import enum
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.model import PageResult
from bot.settings import RetryPolicy
from bot.wiki.retry import describe, is_transient, root_cause, with_retries
from bot.wiki.sources import LivePage


class SaveStatus(enum.StrEnum):
    SAVED = "saved"
    MERGED = "merged"  # saved, and MediaWiki merged someone's concurrent edit into the revision
    TRANSFORMED = "transformed"  # saved, and MediaWiki changed the text sent: a linkbot bug
    REFUSED = "refused"  # protected, blocked, an abuse filter, the spam blacklist...
    CONFLICT = "conflict"  # someone edited the page since it was read (still so after the re-reads: not saved)
    NOTHING = "nothing"  # nothing left to change, or the wiki recorded no change


@dataclass(frozen=True)
class SaveOutcome:
    status: SaveStatus
    title: str
    base_revision: int
    new_revision: int = 0
    changes: int = 0
    detail: str = ""
    rules: tuple[tuple[str, int], ...] = ()  # saved: each rule's changes in the edit
    summary: str = ""  # saved: the edit summary


def attempt_save(page: LivePage, result: PageResult, summary: str, *, minor: bool) -> SaveOutcome:
    """One save request of ``result`` onto the revision ``page`` was read at: saved, nothing to save,
    an edit conflict (someone edited since: re-read and plan again), or refused. Transient failures
    are raised, for the caller's one retry layer (bot.wiki.retry), which retries the whole attempt."""
    from pywikibot.exceptions import EditConflictError, PageSaveRelatedError

    if not result.changes:
        return SaveOutcome(SaveStatus.NOTHING, page.title, page.revision_id, detail="nothing left to change")
    try:
        _save_once(page, result.new_text, summary, minor)
    except EditConflictError:
        return SaveOutcome(SaveStatus.CONFLICT, page.title, page.revision_id, detail="someone edited the page meanwhile")
    except PageSaveRelatedError as error:
        if is_transient(error):
            raise
        return SaveOutcome(SaveStatus.REFUSED, page.title, page.revision_id, detail=_refusal(error))
    return _saved(page, result, summary)


def wait_for_edit_slot(site) -> None:
    """Wait as long as pywikibot's put throttle would before the next edit, so that the save itself
    does not wait (a save holds the review queue, which must not be held through a throttle wait)."""
    site.throttle.wait(site.throttle.waittime(write=True))


def _save_once(page: LivePage, new_text: str, summary: str, minor: bool) -> None:
    raw = page.page
    raw.text = new_text
    raw.save(
        summary=summary,
        minor=minor,
        bot=True,
        force=True,  # {{bots}}/{{nobots}} were checked from this very text (bot.core.exclusion): no extra query
        apply_cosmetic_changes=False,
        watch="nochange",
        nocreate=True,
        quiet=True,
        baserevid=page.revision_id,
        basetimestamp=None,
    )


def _saved(page: LivePage, result: PageResult, summary: str) -> SaveOutcome:
    new_revision = page.page.latest_revision_id
    if new_revision == page.revision_id:
        return SaveOutcome(SaveStatus.NOTHING, page.title, page.revision_id, detail="the wiki recorded no change")
    # MediaWiki trims trailing white space from every saved text.
    intended = hashlib.sha1(result.new_text.rstrip().encode("utf-8")).hexdigest()
    rules = tuple(collections.Counter(change.rule.value for change in result.changes).items())
    return SaveOutcome(SaveStatus.SAVED, page.title, page.revision_id, new_revision, len(result.changes), intended, rules, summary)


VERIFY_BATCH = 50


def verify_saved(site, outcomes: list[SaveOutcome], policy: RetryPolicy) -> list[SaveOutcome]:
    """Compare each saved revision with the intended text (``detail`` holds its sha1), in batches.

    Returns the outcomes whose saved revision differs, diagnosed: ``merged`` when someone edited the
    page after the revision the bot based its edit on (MediaWiki merged that edit in), ``transformed``
    when nobody did, so MediaWiki itself changed the text sent (its pre-save transform: a linkbot
    bug, never accepted silently).
    """
    saved = revision_facts(site, [outcome.new_revision for outcome in outcomes], policy, "saved revision(s)")
    differing = []
    for outcome in outcomes:
        sha1, parent = saved.get(outcome.new_revision, ("", 0))
        if sha1 != outcome.detail:
            differing.append(_diagnosed(outcome, parent))
    return differing


def revision_facts(site, revisions: Iterable[int], policy: RetryPolicy, what: str = "revision(s)") -> dict[int, tuple[str, int]]:
    """Each revision's (sha1 of its text, parent revision), VERIFY_BATCH revisions a query."""
    revisions = list(dict.fromkeys(revisions))
    facts: dict[int, tuple[str, int]] = {}
    for start in range(0, len(revisions), VERIFY_BATCH):
        batch = revisions[start : start + VERIFY_BATCH]
        request = site.simple_request(action="query", prop="revisions", revids="|".join(map(str, batch)), rvprop="ids|sha1",
                                      formatversion=2)  # fmt: skip
        answer = with_retries(request.submit, policy, f"checking {len(batch)} {what}")
        for page in answer["query"]["pages"]:
            for revision in page.get("revisions", []):
                facts[revision["revid"]] = (revision.get("sha1", ""), revision.get("parentid", 0))
    return facts


def _diagnosed(outcome: SaveOutcome, parent: int) -> SaveOutcome:
    if parent != outcome.base_revision:
        detail = f"MediaWiki merged a concurrent edit (revision {parent}) into the saved revision {outcome.new_revision}"
        return dataclasses.replace(outcome, status=SaveStatus.MERGED, detail=detail)
    detail = (
        f"MediaWiki changed the text sent when saving revision {outcome.new_revision} (its pre-save transform), "
        "though nobody else edited the page: a bug in linkbot; check the revision"
    )
    return dataclasses.replace(outcome, status=SaveStatus.TRANSFORMED, detail=detail)


def _refusal(error: BaseException) -> str:
    from pywikibot.exceptions import (
        AbuseFilterDisallowedError,
        LockedPageError,
        SpamblacklistError,
        TitleblacklistError,
    )

    kinds = [
        (LockedPageError, "protected"),
        (SpamblacklistError, "spam blacklist"),
        (AbuseFilterDisallowedError, "abuse filter"),
        (TitleblacklistError, "title blacklist"),
    ]
    for kind, label in kinds:
        if isinstance(error, kind):
            return f"{label}: {describe(error)}"
    return describe(root_cause(error))
