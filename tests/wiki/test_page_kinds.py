"""What kind of page it is, on the test wiki: pages that are not wikitext are never analysed, and the
Markdown forms are repaired only on pages that show the mirror's marks (bot.core.pagekind)."""

from __future__ import annotations

import json

from bot.cli import EXIT_OK

SELF_LINK = "[https://zh.wikipedia.org/wiki/巴黎 巴黎]"
LUA = f'-- see {SELF_LINK} and <https://example.org/>\nlocal p = {{}}\np.url = "{SELF_LINK}"\nreturn p\n'
CSS = f"/* {SELF_LINK} <https://example.org/> */\n.x {{ color: red; }}\n"
JSON = f'{{"see": "{SELF_LINK}", "site": "<https://example.org/>"}}'


def all_namespaces(wiki, tmp_path):
    config = tmp_path / "all.toml"
    config.write_text(wiki.config.read_text(encoding="utf-8").replace("[wiki]", "[wiki]\nnamespaces = []"), encoding="utf-8")
    return str(config)


def test_pages_that_are_not_wikitext_are_never_analysed(wiki, tmp_path):
    pages = {"Module:Kinds": "Scribunto", "User:LinkBot/kinds.css": "css", "User:LinkBot/kinds.json": "json"}
    for title, text in zip(pages, (LUA, CSS, JSON), strict=True):
        wiki.sandbox.edit(title, text)
    wiki.sandbox.edit("Kinds/wikitext", f"见{SELF_LINK}。")
    before = {title: len(wiki.revisions(title)) for title in pages}
    args = [f"-page:{title}" for title in [*pages, "Kinds/wikitext"]]
    result = wiki.linkbot("--config", all_namespaces(wiki, tmp_path), *args, "--mode", "live")
    assert result.returncode == EXIT_OK, result.stderr
    assert {title: len(wiki.revisions(title)) for title in pages} == before
    for title, model in pages.items():
        assert f"excluded: {title}: not wikitext (content model {model})" in result.stdout
    assert wiki.text("Kinds/wikitext") == "见[[巴黎]]。"  # the run went on


def test_an_ordinary_page_keeps_its_free_links_and_a_mirror_page_is_repaired(wiki):
    ordinary = "Retrieved 2012<http://www.example.org/report.html>. See [Paris](https://zh.wikipedia.org/wiki/巴黎) (France)."
    mirror = '[巴黎](../Page/巴黎.md "wikilink")，2012<http://www.example.org/report.html>'
    wiki.sandbox.edit("Kinds/ordinary", ordinary)
    wiki.sandbox.edit("Kinds/mirror", mirror)
    result = wiki.linkbot("-page:Kinds/ordinary", "-page:Kinds/mirror", "--mode", "live")
    assert result.returncode == EXIT_OK, result.stderr
    assert all(rev["user"] != "LinkBot" for rev in wiki.revisions("Kinds/ordinary"))
    assert "+++ b/Kinds/ordinary" not in result.stdout  # not even proposed
    assert wiki.text("Kinds/mirror") == "[[巴黎]]，2012[http://www.example.org/report.html http://www.example.org/report.html]"
    # MediaWiki's own rendering: the glued address is still a link to readers.
    links = wiki.api(action="parse", page="Kinds/mirror", prop="externallinks")["parse"]["externallinks"]
    assert links == ["http://www.example.org/report.html"]


def test_a_mirror_page_whose_last_mark_was_saved_keeps_its_other_changes_in_review(wiki, tmp_path):
    """The live run saves the approved mirror link (the page's only mark); the autolink still waits
    in review on the saved revision, and a later run still proposes it."""
    config = tmp_path / "mirror.toml"
    config.write_text(wiki.config.read_text(encoding="utf-8").replace('auto_approve = "all"', 'auto_approve = ["md-mirror"]'),
                      encoding="utf-8")  # fmt: skip
    wiki.sandbox.edit("Kinds/partly", '[巴黎](../Page/巴黎.md "wikilink")，见 <https://example.org/x>')
    for _ in range(2):
        result = wiki.linkbot("--config", str(config), "-page:Kinds/partly", "--mode", "live")
        assert result.returncode == EXIT_OK, result.stderr
        assert wiki.text("Kinds/partly") == "[[巴黎]]，见 <https://example.org/x>"
        listed = wiki.linkbot("--config", str(config), "--format", "json", command="list")
        waiting = [json.loads(line) for line in listed.stdout.splitlines() if '"Kinds/partly"' in line]
        assert [(p["status"], [c["old"] for c in p["changes"]]) for p in waiting if p["status"] == "pending"] == [
            ("pending", ["<https://example.org/x>"])
        ]
