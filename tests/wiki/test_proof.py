"""Proof by the wiki's own parser, on the real test wiki: the seed pages, field pages and generated
pages are proven (but where the save changes how the page reads around a change); planted
disagreements are caught and held for review. Every verdict comes from the test wiki's own rendering
(action=parse)."""

from __future__ import annotations

import json
from pathlib import Path

from bot.cli import EXIT_OK

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
# Held, rightly: the page reads otherwise around the change after the save (its visible text is the
# same). A label over two lines (the second indented: a <pre> line) joined into one lets the next line
# run on in its paragraph, or leave a <pre>; a picture's box splits the lines after it into paragraphs.
AROUND = "disagrees: the text around it renders differently"


def proposals(wiki, queue) -> list[dict]:
    listed = wiki.linkbot("--queue", str(queue), "--format", "json", command="list")
    return [json.loads(line) for line in listed.stdout.splitlines()]


def test_seed_pages_are_proven(wiki, tmp_path):
    queue = tmp_path / "queue.sqlite3"
    for seed in SEEDS:
        wiki.sandbox.edit(f"Proof/{seed.stem}", seed.read_text(encoding="utf-8"))
    result = wiki.linkbot("-prefixindex:Proof/", "--queue", str(queue))
    assert result.returncode == EXIT_OK, result.stderr
    found = proposals(wiki, queue)
    assert len(found) == 2
    for proposal in found:
        unproven = [(c["number"], c["old"], c["new"], c["proof"]) for c in proposal["changes"] if c["proof"] != "proven"]
        assert unproven == [], unproven[:5]


FIELD = ROOT / "tests" / "data" / "field" / "mirror" / "zh"


def test_field_pages_are_proven(wiki, tmp_path):
    """The zh mirror pages of the field corpus (real third-party pages): every change linkbot
    proposes renders as it declares, but where the page reads otherwise around it after the save
    (AROUND: 17 of 1,493), and images, which a person checks."""
    queue = tmp_path / "queue.sqlite3"
    pages = sorted(FIELD.glob("*.md"))
    for page in pages:
        wiki.sandbox.edit(f"Field/{page.stem}", page.read_text(encoding="utf-8"))
    result = wiki.linkbot("-prefixindex:Field/", "--queue", str(queue), timeout=600)
    assert result.returncode in (EXIT_OK, 4), result.stderr
    found = proposals(wiki, queue)
    changes = [(p["page"], c) for p in found for c in p["changes"]]
    images = [c for _, c in changes if c["display"] == "image"]  # never proven: a person checks them (bot.core.proof.IMAGE)
    assert images and {c["proof"].partition(":")[0] for c in images} <= {"unproven", "disagrees"}
    changes = [(page, c) for page, c in changes if c["display"] != "image"]
    unproven = [(page, c["old"][:60], c["new"][:60], c["proof"]) for page, c in changes if c["proof"] != "proven"]
    print(f"{len(changes) - len(unproven)} of {len(changes)} changes (not images) on {len(found)} pages proven")
    assert [held for held in unproven if not held[3].startswith(AROUND)] == []
    assert len(unproven) <= 0.015 * len(changes), unproven[:8]


def test_generated_pages_are_proven(wiki, tmp_path):
    """Pages of the benchmark corpus's generator: every broken form, decoys that must not change."""
    import random

    from benchmarks.corpus import _page, filler_sentences

    rng, filler, queue = random.Random(17), filler_sentences(5, 200), tmp_path / "queue.sqlite3"
    for number in range(12):
        wiki.sandbox.edit(f"Generated/{number}", _page(rng, filler, broken_links=8, size=3_000, tricky=number % 3 == 0))
    result = wiki.linkbot("-prefixindex:Generated/", "--queue", str(queue), "--rules", "all")
    assert result.returncode == EXIT_OK, result.stderr
    changes = [c for p in proposals(wiki, queue) for c in p["changes"]]
    assert len(changes) >= 80 and {c["proof"] for c in changes if c["display"] != "image"} == {"proven"}
    assert all(c["proof"].startswith("unproven: an image is never proven") for c in changes if c["display"] == "image")


# Planted: changes that say one thing and render another. The verdict is the test wiki's rendering.
PLANTED_PAGE = '甲[A](../Page/A.md "wikilink")乙[B](../Page/B.md "wikilink")丙[分类:X](../Page/Category:X.md "wikilink")丁[C](../Page/C.md "wikilink")。'


def planted_changes(text: str):
    from bot.core.model import Change, Rule

    spans = [(text.index(f"[{label}]"), text.index(")", text.index(f"[{label}]")) + 1) for label in ("A", "B", "分类:X", "C")]
    news = [
        "[[A]]",  # honest
        "[[B|x<br>y]]",  # a label whose wikitext renders differently (the model says "xy")
        "[[Category:X|分类:X]]",  # a category written as a link: a tag, not the link it declares
        "[[C|{{Linkbot planted}}]]",  # a template in a label
    ]
    return [Change(Rule.MD_MIRROR, start, end, text[start:end], new) for (start, end), new in zip(spans, news, strict=True)]


def rendered(wiki, text: str):
    from bot.core.rendering import rendering_from_parse
    from bot.wiki.render import PROPS

    answer = wiki.post(action="parse", title="Planted", text=text, contentmodel="wikitext", prop=PROPS,
                       disableeditsection=1, disablelimitreport=1)  # fmt: skip
    return rendering_from_parse(answer["parse"])


def proven(wiki, text: str, changes, profile, nonce: str = "n0nce"):
    """The proof of ``changes`` to ``text``, from the test wiki's four renderings (as a run asks for them)."""
    from bot.core.markers import marked
    from bot.core.proof import Renderings, prove
    from bot.core.rewrite import apply_changes

    new_text, _ = apply_changes(text, changes)
    renderings = Renderings(rendered(wiki, marked(text, changes, False, nonce)), rendered(wiki, marked(text, changes, True, nonce)),
                            rendered(wiki, text), rendered(wiki, new_text))  # fmt: skip
    return prove(changes, renderings, profile, "Planted", nonce)


def test_planted_disagreements_are_caught(wiki):
    from bot.core.proof import DISAGREES, PROVEN

    wiki.sandbox.edit("Template:Linkbot planted", "模板的文字")
    changes = planted_changes(PLANTED_PAGE)
    profile = _profile(wiki)
    proofs = proven(wiki, PLANTED_PAGE, changes, profile)
    assert [proof.status for proof in proofs] == [PROVEN, DISAGREES, DISAGREES, DISAGREES], proofs
    assert "readers would see 'x y', not 'xy'" in proofs[1].why  # MediaWiki's rendering, against the model's
    assert proofs[2].why == "it puts the page in the category 'X', which it does not declare"
    assert proofs[3].why == "the templates differ: Template:Linkbot planted"
    every = proven(wiki, PLANTED_PAGE, changes[:1], profile)
    assert [proof.status for proof in every] == [PROVEN]


def _profile(wiki):
    from bot.core.profile import profile_from_siteinfo

    siteinfo = wiki.api(action="query", meta="siteinfo", siprop="general|namespaces|namespacealiases|interwikimap")["query"]
    return profile_from_siteinfo(siteinfo).with_hosts(("zh.wikipedia.org",))


def test_a_held_change_needs_review_and_says_why():
    from bot.core.model import Change, Rule
    from bot.core.proof import DISAGREES, ChangeProof
    from bot.runs.proving import _marked

    change = Change(Rule.MD_MIRROR, 0, 5, "old", "[[new]]")
    held = _marked(change, ChangeProof(DISAGREES, "readers would see 'x y', not 'xy'"))
    assert held.needs_review and held.proof == "disagrees: readers would see 'x y', not 'xy'" and "rendering disagrees" in held.note
    assert _marked(change, ChangeProof("proven")).proof == "proven" and not _marked(change, ChangeProof("proven")).needs_review


def test_proven_edit_links_its_proof_and_modes_set_the_cost(wiki, tmp_path):
    page = '见[甲](../Page/甲.md "wikilink")与[乙](https://zh.wikipedia.org/wiki/乙 "wikilink")。'
    config = tmp_path / "proof.toml"
    config.write_text(wiki.config.read_text(encoding="utf-8") + '\n[proof]\nsummary_link = "User:LinkBot/Proof"\n', encoding="utf-8")
    wiki.sandbox.edit("ProofLive/a", page)
    result = wiki.linkbot("-page:ProofLive/a", "--mode", "live", "--config", str(config), "--queue", str(tmp_path / "q.sqlite3"))
    assert result.returncode == EXIT_OK, result.stderr
    assert wiki.revisions("ProofLive/a")[0]["comment"].endswith("[[User:LinkBot/Proof|✔ 2/2]]")

    for mode, parses in (("off", 0), ("review-only", 0), ("always", 4)):  # review-only: auto_approve = "all" here
        wiki.sandbox.edit(f"ProofCost/{mode}", page)
        config.write_text(wiki.config.read_text(encoding="utf-8") + f'\n[proof]\nmode = "{mode}"\n', encoding="utf-8")
        before = len(wiki.sandbox.api_requests())
        result = wiki.linkbot(f"-page:ProofCost/{mode}", "--mode", "live", "--config", str(config), "--queue", str(tmp_path / "q.sqlite3"))
        assert result.returncode == EXIT_OK, result.stderr
        assert sum("action=parse" in line for line in wiki.sandbox.api_requests()[before:]) == parses, mode


def test_a_page_the_wiki_cannot_render_is_unproven_and_held(wiki, tmp_path):
    """The wiki refuses to render (here: a title it cannot have): every change says why and needs review."""
    from bot.core import analyze
    from bot.queue.proposals import Queue
    from bot.queue.store import Database
    from bot.runs.context import RunContext
    from bot.runs.proving import with_proof
    from bot.settings import load_settings
    from bot.wiki.session import open_session

    settings = load_settings(str(wiki.config), environ={}, overrides={})
    session, _ = open_session([], login=False, host_aliases=settings.host_aliases, policy=settings.retry)
    result = analyze('[A](../Page/A.md "wikilink")', session.profile, title="Bad[title]")
    context = RunContext(session, settings, Queue(Database(tmp_path / "queue.sqlite3", create=True)))
    (change,) = with_proof(context, 1, result).changes
    assert change.proof.startswith("unproven: the wiki could not render the page:") and change.needs_review, change.proof


def test_a_page_cannot_forge_its_own_proof(wiki, tmp_path):
    """A page writes the proof's marker characters as character references, around the declared text,
    in a block hidden from readers: the change whose rendering really disagrees is never proven, so
    never auto-approved or saved. The same page without the block: held as well (the control)."""
    forged = ('<div style="display:none">&#xE000;0&#xE001;[[B|xy]]&#xE002;0&#xE003;'
              '&#xE000;1&#xE001;[[B|xy]]&#xE002;1&#xE003;</div>\n\n')  # fmt: skip
    honest = '见[x<br>y](../Page/B.md "wikilink")。'
    for title, text in (("Forged/hidden-markers", forged + honest), ("Forged/control", honest)):
        wiki.sandbox.edit(title, text)
        result = wiki.linkbot(f"-page:{title}", "--mode", "live", "--format", "json", "--queue", str(tmp_path / "q.sqlite3"))
        assert result.returncode == EXIT_OK, result.stderr
        (record,) = [json.loads(line) for line in result.stdout.splitlines()]
        (change,) = record["changes"]
        assert change["proof"] != "proven" and change["needs_review"], change
        assert record["approved"] == [] and len(wiki.revisions(title)) == 1  # nothing saved


def test_special_page_aliases_and_variant_rules_are_read_as_the_wiki_resolves_them(wiki, tmp_path):
    """No false alarms: a link to a special page by its canonical name is shown under the wiki's local
    alias (Special:BookSources as 特殊:网络书源), and a label with variant rules shows the default
    variant's text: both are what the change declares, and proven."""
    page = ('书源见[书](https://zh.wikipedia.org/wiki/Special:BookSources/9787 "wikilink")，'
            '奶酪见[-{zh-hans:干酪;zh-hant:乾酪;}-](../Page/干酪.md "wikilink")。')  # fmt: skip
    wiki.sandbox.edit("Aliases/page", page)
    result = wiki.linkbot("-page:Aliases/page", "--format", "json", "--queue", str(tmp_path / "q.sqlite3"))
    assert result.returncode == EXIT_OK, result.stderr
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(change["new"], change["proof"]) for change in record["changes"]] == [
        ("[[Special:BookSources/9787|书]]", "proven"), ("[[干酪|-{zh-hans:干酪;zh-hant:乾酪;}-]]", "proven"),
    ]  # fmt: skip


def test_a_change_in_a_heading_of_a_page_with_a_table_of_contents_is_proven(wiki, tmp_path):
    """The table of contents repeats each heading's text (the markers with it): it is not read as page text."""
    page = "\n\n".join(["== 见[巴黎](../Page/巴黎.md \"wikilink\") ==", "正文。", "== 二 ==", "正文。", "== 三 ==", "正文。", "== 四 ==", "正文。"])
    wiki.sandbox.edit("Headings/page", page)
    result = wiki.linkbot("-page:Headings/page", "--format", "json", "--queue", str(tmp_path / "q.sqlite3"))
    assert result.returncode == EXIT_OK, result.stderr
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert [change["proof"] for change in record["changes"]] == ["proven"]


def test_a_page_that_shows_the_bot_something_else_is_not_proven(wiki, tmp_path):
    """A page whose text depends on who saved it ({{REVISIONUSER}}): the bot's preview shows what its
    own save would make of it, not what readers see now. Not proven, so never auto-approved."""
    from tests.wikisession import Account

    wiki.sandbox.add_user("Tricky", "Tricky-pass-123")
    text = "Intro [Paris](https://example.org/paris) and more. {{#ifeq:{{REVISIONUSER}}|LinkBot|BUY PILLS AT EVIL.EXAMPLE|}}"
    Account(wiki.sandbox.api_url, "Tricky", "Tricky-pass-123").edit("Varies/page", text=text)
    result = wiki.linkbot("-page:Varies/page", "--mode", "live", "--mirror-forms", "always", "--format", "json",
                          "--queue", str(tmp_path / "q.sqlite3"))  # fmt: skip
    assert result.returncode == EXIT_OK, result.stderr
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    (change,) = record["changes"]
    assert change["proof"].startswith("unproven: the page shows its readers something else than the bot sees of it")
    assert record["approved"] == [] and wiki.revisions("Varies/page")[0]["user"] == "Tricky"  # nothing saved
