"""The test wiki's own exports, scanned: ``Special:Export`` of a history in both orders (``dir=desc``
lists it newest first), the API's ``export``, a revision whose text is hidden, MediaWiki's stub dump
(``dumpBackup.php --stub``), and pages whose content model is not wikitext. Whatever the order,
the latest revision is the one judged."""

from __future__ import annotations

import json
import re
import urllib.parse
import urllib.request

from bot.cli import EXIT_INPUT, EXIT_OK
from tests.wikisession import Account

OLD, NEW = '[A](../Page/A.md "wikilink")', '[B](../Page/B.md "wikilink")'


def special_export(wiki, titles: list[str], **form: str) -> bytes:
    """What ``Special:Export`` gives for a POST of its form (MediaWiki 1.39: ``dir=desc`` without
    ``history`` is the whole history newest first, ``history=1`` the whole history oldest first)."""
    body = urllib.parse.urlencode({"pages": "\n".join(titles), **form}).encode()
    with urllib.request.urlopen(f"{wiki.sandbox.url}/index.php?title=Special:Export", data=body, timeout=60) as answer:
        return answer.read()


def api_export(wiki, titles: list[str]) -> bytes:
    query = urllib.parse.urlencode({"action": "query", "titles": "|".join(titles), "export": 1, "exportnowrap": 1})
    with urllib.request.urlopen(f"{wiki.sandbox.api_url}?{query}", timeout=60) as answer:
        return answer.read()


def revision_ids(xml: bytes) -> list[int]:
    return [int(found) for found in re.findall(rb"<revision>\s*<id>(\d+)</id>", xml)]


def scan(wiki, path, *args: str):
    result = wiki.linkbot("--format", "json", "--no-summary", *args, str(path))
    records = [json.loads(line) for line in result.stdout.splitlines()]
    lines = [line for line in result.stderr.splitlines() if line.startswith("linkbot:") and ": warning: " not in line]
    return result.returncode, {record["page"].rsplit("#", 1)[1]: [change["old"] for change in record["changes"]] for record in records}, lines


def _history(wiki, title: str) -> list[int]:
    """Three revisions: a link to repair in the oldest, none in the middle one, another in the newest."""
    for text in (f"old {OLD}", "middle, nothing to repair", f"new {NEW}"):
        wiki.sandbox.edit(title, text)
    return [revision["revid"] for revision in wiki.revisions(title)][::-1]  # oldest first


def test_special_export_in_both_orders_is_judged_by_its_latest_revision(wiki, tmp_path):
    title = "Export/History"
    ids = _history(wiki, title)
    newest_first = special_export(wiki, [title], dir="desc")
    oldest_first = special_export(wiki, [title], history="1")
    current = api_export(wiki, [title])
    assert revision_ids(newest_first) == ids[::-1] and revision_ids(oldest_first) == ids and revision_ids(current) == ids[-1:]
    for name, xml in (("desc.xml", newest_first), ("asc.xml", oldest_first), ("api.xml", current)):
        path = tmp_path / name
        path.write_bytes(xml)
        for workers in ("1", "2"):
            code, changes, errors = scan(wiki, path, "--workers", workers)
            assert (code, changes, errors) == (EXIT_OK, {title: [NEW]}, []), name
        titles = wiki.linkbot("--format", "titles", str(path))
        assert titles.stdout == f"{title}\n", name


def test_a_hidden_revision_is_said_never_read_as_an_empty_page(wiki, tmp_path):
    """The middle revision's text hidden by an administrator: the export marks it; the latest is
    still judged. With the newer revision left out of the export, the hidden one is the latest:
    said plainly, not analysed, not an error."""
    title = "Export/Hidden"
    ids = _history(wiki, title)
    # Hiding a revision's text is the suppress group's right in MediaWiki 1.39 (not the administrators').
    wiki.sandbox.add_user("Revision hider", "Hider-password-1", "--custom-groups=suppress")
    admin = Account(wiki.sandbox.api_url, "Revision hider", "Hider-password-1")
    token = admin.call(action="query", meta="tokens")["query"]["tokens"]["csrftoken"]
    answer = admin.call(method="POST", action="revisiondelete", type="revision", target=title, ids=ids[1], hide="content", token=token)
    assert answer.get("revisiondelete", {}).get("status") == "Success", answer
    xml = special_export(wiki, [title], dir="desc")
    assert re.search(rb'<text [^>]*deleted="deleted"[^>]*/>', xml)
    path = tmp_path / "hidden-older.xml"
    path.write_bytes(xml)
    assert scan(wiki, path) == (EXIT_OK, {title: [NEW]}, [])
    newest = re.search(rb"<revision>\s*<id>%d</id>.*?</revision>\s*" % ids[-1], xml, flags=re.S)
    path = tmp_path / "hidden-latest.xml"
    path.write_bytes(xml.replace(newest.group(0), b""))
    assert scan(wiki, path) == (EXIT_OK, {}, [f"linkbot: {path}: page {title!r}: not analysed: the text of its latest revision is hidden (deleted)"])


def test_a_stub_dump_of_the_wiki_says_it_holds_no_text(wiki, tmp_path):
    wiki.sandbox.edit("Export/Stub", f"text {NEW}")
    stub = wiki.sandbox.dump(tmp_path / "stub-meta-history.xml", stub=True)
    pages = stub.read_bytes().count(b"<page>")
    assert pages > 1 and b"</text>" not in stub.read_bytes()
    result = wiki.linkbot(str(stub))
    assert result.returncode == EXIT_INPUT
    assert [line for line in result.stderr.splitlines() if ": warning: " not in line] == [
        f"linkbot: {stub}: the dump holds no page text (a stub dump?): none of its {pages} page(s) could be analysed"
    ]
    assert f"{pages} page(s): 0 changed, 0 with mixed link forms, 1 not processed, {pages} not analysed" in result.stdout


def test_pages_that_are_not_wikitext_are_left_alone(wiki, tmp_path):
    """A site stylesheet, a JSON message, a user script: MediaWiki gives them their content models;
    their text holds a link the scan would repair on a wikitext page. Neither a scan nor the
    preselection of a wiki run (``-xml:``) touches them, and both say so."""
    code_pages = {"MediaWiki:Linkbot-test.css": "css", "MediaWiki:Linkbot-test.json": "json", "User:Admin/linkbot-test.js": "javascript"}
    texts = {"MediaWiki:Linkbot-test.css": f"/* {NEW} */", "MediaWiki:Linkbot-test.json": json.dumps({"link": NEW}),
             "User:Admin/linkbot-test.js": f"// {NEW}", "Export/Wikitext": f"text {NEW}"}  # fmt: skip
    for title, text in texts.items():
        wiki.sandbox.edit(title, text)
    try:
        _scanned_alone(wiki, tmp_path, list(texts), code_pages)
    finally:
        wiki.sandbox.delete(*texts)  # (whole-wiki dumps in other tests hold only wikitext)


def _scanned_alone(wiki, tmp_path, titles: list[str], code_pages: dict[str, str]) -> None:
    xml = special_export(wiki, titles, curonly="1")
    assert {title: re.search(rb"<title>%s</title>.*?<model>([^<]*)</model>" % title.encode(), xml, flags=re.S).group(1).decode()
            for title in code_pages} == code_pages  # fmt: skip
    path = tmp_path / "models.xml"
    path.write_bytes(xml)
    said = sorted(f"linkbot: {path}: page {title!r}: not analysed: not wikitext (content model {model})" for title, model in code_pages.items())
    code, changes, errors = scan(wiki, path)
    assert (code, changes, sorted(errors)) == (EXIT_OK, {"Export/Wikitext": [NEW]}, said)
    assert wiki.linkbot("--format", "titles", str(path)).stdout == "Export/Wikitext\n"
    # A wiki run reads only its namespaces: its preselection says in one line what it leaves out.
    run = wiki.linkbot(f"-xml:{path}", "--format", "json")
    assert run.returncode == EXIT_OK, run.stderr
    reasons = ", ".join(f"not wikitext (content model {model}) 1" for model in sorted(code_pages.values()))
    assert [line for line in run.stderr.splitlines() if line.startswith("linkbot:")] == [
        f"linkbot: {path}: {len(code_pages)} page(s) left out, not analysed: {reasons}"
    ]
    assert [json.loads(line)["page"] for line in run.stdout.splitlines()] == ["Export/Wikitext"]
