"""The request budget, counted in the real MediaWiki's own log of API requests (POST bodies included).

A live run reads pages in batches (the emergency-stop page rides along with each batch), saves
each edit with one request and asks for one edit token per run; the bot-exclusion check is
made from the text it already has, never with a request per page.
"""

from __future__ import annotations

BROKEN = '见[{t}](../Page/{t}.md "wikilink")。'
CLEAN = "已经正确：[[{t}]]。"
# Requests every run makes once, whatever the number of pages: pywikibot learning the API and the site.
STARTUP = ("action=paraminfo", "meta=siteinfo", "meta=tokens", "action=clientlogin", "action=login", "meta=allmessages")


def _once(line: str) -> bool:
    return any(part in line for part in STARTUP) or line.endswith("meta=userinfo")


def test_live_run_reads_in_batches_and_writes_once_per_edit(wiki):
    titles = [f"Budget/{n:02d}" for n in range(60)]
    for n, title in enumerate(titles):
        wiki.sandbox.edit(title, (BROKEN if n % 3 == 0 else CLEAN).format(t=f"页{n}"))
    before = len(wiki.sandbox.api_requests())
    result = wiki.linkbot("-prefixindex:Budget/", "--mode", "live", "--no-summary")
    assert result.returncode == 0, result.stderr[-2000:]
    logged = wiki.sandbox.api_requests()[before:]
    edits = [line for line in logged if "action=edit" in line]
    saved = [title for title in titles if wiki.revisions(title)[0]["user"] == "LinkBot"]
    assert len(saved) == 20 and len(edits) == 20, logged
    assert sum("meta=tokens type=csrf" in line for line in logged) <= 1, logged  # (logging in takes its own token)
    # Proofs: for each page with changes the wiki renders the stored revision, the current text with markers,
    # and a preview of the bot's own save with markers and without (the markers must change nothing there,
    # bot.core.faithful); nothing else is parsed.
    parses = [line for line in logged if "action=parse" in line]
    assert len(parses) == 4 * len(saved), parses
    # The listing, one read of the 60 pages and the stop page, one batched check of the saved revisions.
    per_page = [line for line in logged if line not in edits and line not in parses and not _once(line)]
    assert len(per_page) <= 3, per_page
    assert not any("generator=templates" in line for line in logged), logged
