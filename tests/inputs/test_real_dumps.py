"""Real MediaWiki exports read right: other projects' fixtures (tests/data/dumps, see its SOURCES.md) and
files made from them here the way real dumps differ (newest first, stubs, hidden text, ISO-8859-1, ``mw:``
prefixes, Wikimedia's split-file names, cut and truncated files, another wiki's header, content models).
The command line is run as a real process; exit codes and its one-line messages are checked."""

from __future__ import annotations

import bz2
import gzip
import lzma
import re
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from bot.cli import EXIT_INPUT, EXIT_OK
from bot.errors import UnclosedDumpError
from bot.inputs.dump import dump_pages
from bot.inputs.dumppage import DumpPage, DumpProblem, NotAnalysed

ROOT = Path(__file__).resolve().parents[2]
DUMPS = ROOT / "tests" / "data" / "dumps"
PAIR = DUMPS / "pywikibot" / "pair-0.10.xml"  # enwiki, schema 0.10, two pages of two revisions, oldest first
VIWIKI = DUMPS / "wikiextractor" / "viwiki-test.xml"  # ten vi Wikipedia pages, no </mediawiki> at the end
MIRROR_LINK = '[Pear](../Page/Pear.md "wikilink")'  # a link the scan repairs (escaped in XML below)


def linkbot(*argv: str) -> subprocess.CompletedProcess:
    process = subprocess.run(
        [sys.executable, "-m", "bot", *argv], cwd=ROOT, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL
    )
    assert "Traceback" not in process.stderr, process.stderr
    return process


def messages(process: subprocess.CompletedProcess) -> list[str]:
    return [line for line in process.stderr.splitlines() if line.startswith("linkbot:")]


def pages(path: Path) -> list:
    """What the reader makes of every page, in order (a missing </mediawiki> is only a warning)."""
    items = []
    try:
        items.extend(dump_pages(str(path)))
    except UnclosedDumpError:
        pass
    return items


def latest(path: Path) -> list[tuple[str, int, int, str]]:
    return [(page.title, page.namespace, page.revision_id, page.text) for page in pages(path)]


def summary(process: subprocess.CompletedProcess) -> str:
    return next(line for line in process.stdout.splitlines() if " page(s): " in line)


# Every real export: the latest revision of each page (title, namespace, revision id), whatever
# the order its revisions are listed in.
EXPECTED = {
    "mediawiki/export-demo.xml": [("Page title", 0, 100), ("Talk:Page title", 1, 101), ("Image:Some image.jpg", 6, 102)],
    "mediawiki/ImportAnonUserTest.xml": [("Test", 0, 3)],
    "mediawiki/ImportLinkCacheIntegrationTest.xml": [("Lorem ipsum", 0, 1358), ("Category:Lorem ipsum", 14, 1355)],
    "macbre/dump.xml": [("Page title", 0, 0), ("Talk:Page title", 0, 0)],
    "pywikibot/article-pear.xml": [("Pear", 0, 188924)],
    "pywikibot/article-pear-0.10.xml": [("Pear", 0, 638548877)],
    "pywikibot/article-pyrus.xml": [("Pyrus", 0, 238392911)],
    "pywikibot/article-pyrus.xml.bz2": [("Pyrus", 0, 238392911)],
    "pywikibot/article-pyrus.xml.gz": [("Pyrus", 0, 238392911)],
    "pywikibot/article-pyrus-utf16.xml": [("Pyrus", 0, 238392911)],
    "pywikibot/article-pyrus-utf16.xml.bz2": [("Pyrus", 0, 238392911)],
    "pywikibot/pair-0.10.xml": [("Çullu, Agdam", 0, 237383099), ("Talk:Çullu, Agdam", 1, 237383127)],
    "pywikibot/dummy-reflinks.xml": [("Fake page", 0, 123456789), ("Talk:Fake page", 1, 987654321)],
    "wikiextractor/viwiki-test.xml": [
        ("Alexandre De Rhodes", 0, 25321654), ("Trang Chính", 0, 69670100), ("Internet Society", 0, 69358207),
        ("ISOC Vietnam", 0, 43751), ("Tiếng Việt", 0, 70632223), ("Ohio", 0, 70487534), ("Ca Li", 0, 28659),
        ("California", 0, 69958921), ("Wikipedia:Nhật trình tải lên", 4, 11458607), ("Thụy Điển", 0, 70559380),
    ],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_real_export_is_read_by_its_latest_revision(name):
    assert [(title, ns, revision) for title, ns, revision, _ in latest(DUMPS / name)] == EXPECTED[name]


def test_a_history_newest_first_is_judged_by_its_latest_revision():
    # MediaWiki's documented example lists the newer revision first, and its older one has no id:
    # the newer is the one with id 100 (and the later timestamp).
    assert latest(DUMPS / "mediawiki/export-demo.xml")[0] == ("Page title", 0, 100, "A bunch of [[text]] here.")
    # Revisions without ids: by timestamp; of two alike, the one listed last (here an empty text).
    assert [text for *_, text in latest(DUMPS / "macbre/dump.xml")] == ["A bunch of [[Special:MyLanguage/text|text]] here.", ""]


def test_the_order_of_revisions_does_not_change_which_is_judged(tmp_path):
    """pair-0.10.xml and article-pear.xml (oldest first, as dumps list them) with their revisions
    reversed, shuffled: the same latest revision; and the scan finds the change of the latest only."""
    for source in (PAIR, DUMPS / "pywikibot/article-pear.xml"):
        xml = source.read_text(encoding="utf-8")
        reversed_ = tmp_path / f"reversed-{source.name}"
        reversed_.write_text(_reorder(xml, lambda revisions: revisions[::-1]), encoding="utf-8")
        rotated = tmp_path / f"rotated-{source.name}"
        rotated.write_text(_reorder(xml, lambda revisions: revisions[1:] + revisions[:1]), encoding="utf-8")
        assert latest(reversed_) == latest(rotated) == latest(source)
    # A repairable link only in the oldest revision of a page listed newest first: nothing to change.
    xml = PAIR.read_text(encoding="utf-8").replace("#REDIRECT [[Çullu, Quzanlı]]", _escaped(MIRROR_LINK), 1)
    newest_first = tmp_path / "newest-first.xml"
    newest_first.write_text(_reorder(xml, lambda revisions: revisions[::-1]), encoding="utf-8")
    scan = linkbot("scan", "--site", "en.wikipedia.org", "--format", "titles", str(newest_first))
    assert (scan.returncode, scan.stdout, messages(scan)) == (EXIT_OK, "", [])
    # In the newest one (listed first), it is found.
    xml = PAIR.read_text(encoding="utf-8").replace("'''Çullu, Agdam''' may refer to:", _escaped(MIRROR_LINK), 1)
    newest_first.write_text(_reorder(xml, lambda revisions: revisions[::-1]), encoding="utf-8")
    scan = linkbot("scan", "--site", "en.wikipedia.org", "--format", "titles", str(newest_first))
    assert (scan.returncode, scan.stdout) == (EXIT_OK, "Çullu, Agdam\n")


def _reorder(xml: str, order) -> str:
    """The export with each page's revisions put in ``order`` (a function of the list of them)."""

    def page(match: re.Match) -> str:
        revisions = re.findall(r"<revision>.*?</revision>\s*", match.group(0), flags=re.S)
        if len(revisions) < 2:
            return match.group(0)
        head, rest = match.group(0).split(revisions[0], 1)
        return head + "".join(order(revisions)) + rest.split(revisions[-1], 1)[1]

    return re.sub(r"<page>.*?</page>", page, xml, flags=re.S)


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_every_real_export_scans_with_true_counts():
    """All of them in one scan: every page counted, none not processed; only warnings said (other
    wikis' headers, viwiki-test.xml's missing closing tag)."""
    paths = [str(DUMPS / name) for name in sorted(EXPECTED)]
    scan = linkbot("scan", *paths)
    assert scan.returncode == EXIT_OK, scan.stderr
    total = sum(len(found) for found in EXPECTED.values())
    assert summary(scan).startswith(f"{total} page(s): 0 changed, ") and summary(scan).endswith(", 0 not processed")
    assert messages(scan) and all(": warning: " in line for line in messages(scan)), messages(scan)
    assert f"linkbot: {VIWIKI}: warning: no </mediawiki> at the end of the file: it may be cut off after page 'Thụy Điển'" in messages(scan)


def test_utf16_exports_are_read(tmp_path):
    utf8 = latest(DUMPS / "pywikibot/article-pyrus.xml")
    for name in ("article-pyrus-utf16.xml", "article-pyrus-utf16.xml.bz2"):
        assert latest(DUMPS / "pywikibot" / name) == utf8
        scan = linkbot("scan", "--site", "en.wikipedia.org", str(DUMPS / "pywikibot" / name))
        assert (scan.returncode, messages(scan)) == (EXIT_OK, [])
        assert summary(scan) == "1 page(s): 0 changed, 0 with mixed link forms, 0 not processed"


def test_an_iso_8859_1_export_is_read(tmp_path):
    """pair-0.10.xml written as ISO-8859-1 (characters outside it as character references, as an XML
    writer does), its declaration saying so."""
    latin1 = tmp_path / "pair-latin1.xml"
    xml = PAIR.read_text(encoding="utf-8")
    latin1.write_bytes(('<?xml version="1.0" encoding="ISO-8859-1"?>\n' + xml).encode("latin-1", "xmlcharrefreplace"))
    assert b"\xc7ullu" in latin1.read_bytes()  # Ç as one byte: really ISO-8859-1
    assert latest(latin1) == latest(PAIR)
    scan = linkbot("scan", "--site", "en.wikipedia.org", str(latin1))
    assert (scan.returncode, messages(scan)) == (EXIT_OK, [])
    assert summary(scan) == "2 page(s): 0 changed, 0 with mixed link forms, 0 not processed"


def test_an_export_whose_elements_carry_a_namespace_prefix_is_read(tmp_path):
    xml = PAIR.read_text(encoding="utf-8").replace(
        'xmlns="http://www.mediawiki.org/xml/export-0.10/"', 'xmlns:mw="http://www.mediawiki.org/xml/export-0.10/"'
    )
    prefixed = tmp_path / "pair-mw.xml"
    prefixed.write_text(re.sub(r"<(/?)([a-z]\w*)(?=[\s/>])", r"<\1mw:\2", xml), encoding="utf-8")
    assert "<mw:page>" in prefixed.read_text(encoding="utf-8") and "<page>" not in prefixed.read_text(encoding="utf-8")
    assert latest(prefixed) == latest(PAIR)
    scan = linkbot("scan", "--site", "en.wikipedia.org", "--workers", "1", str(prefixed))
    assert (scan.returncode, messages(scan)) == (EXIT_OK, [])
    assert summary(scan) == "2 page(s): 0 changed, 0 with mixed link forms, 0 not processed"


def test_a_split_file_name_is_scanned(tmp_path):
    """Wikimedia names the parts of a split dump ``…pages-articles1.xml-p1p41242.bz2``: scanned as the
    dump it is (a real .bz2, and viwiki-test.xml compressed), with the plain file's results."""
    split = tmp_path / "zhwiki-20261201-pages-articles1.xml-p1p41242.bz2"
    shutil.copy(DUMPS / "pywikibot/article-pyrus.xml.bz2", split)
    scan = linkbot("scan", "--site", "en.wikipedia.org", str(split))
    assert (scan.returncode, messages(scan)) == (EXIT_OK, [])
    assert summary(scan) == "1 page(s): 0 changed, 0 with mixed link forms, 0 not processed"
    split.write_bytes(bz2.compress(VIWIKI.read_bytes()))
    gz = tmp_path / "viwiki-20261201-pages-articles2.xml-p41243p151573.gz"
    gz.write_bytes(gzip.compress(VIWIKI.read_bytes()))
    plain = linkbot("scan", "--site", "vi.wikipedia.org", "--format", "json", str(VIWIKI))
    for path in (split, gz):
        scan = linkbot("scan", "--site", "vi.wikipedia.org", "--format", "json", str(path))
        assert scan.returncode == EXIT_OK and scan.stdout.replace(str(path), str(VIWIKI)) == plain.stdout
    # An archive it does not open is named as such, not called binary data.
    xz = tmp_path / "viwiki-20261201-pages-articles.xml-p1p2.xz"
    xz.write_bytes(lzma.compress(VIWIKI.read_bytes()))
    scan = linkbot("scan", str(xz))
    assert (scan.returncode, messages(scan)) == (EXIT_INPUT, [f"linkbot: {xz}: an xz file, which linkbot does not open: decompress it first"])
    # A page file is still a page file, whatever its content says.
    page = tmp_path / "Page.txt"
    page.write_text('[Pear](../Page/Pear.md "wikilink")\n', encoding="utf-8")
    assert linkbot("scan", "--format", "titles", str(page)).stdout == f"{page}\n"


def test_a_stub_dump_says_it_holds_no_text(tmp_path):
    """pair-0.10.xml as a stub dump has it (each <text> empty, its bytes= kept): no page analysed, and
    said plainly, not "0 changed" as if scanned."""
    stub = tmp_path / "stub.xml"
    stub.write_text(re.sub(r'(<text[^>]*?)>[^<]*</text>', r"\1 />", PAIR.read_text(encoding="utf-8")), encoding="utf-8")
    assert '<text xml:space="preserve" bytes="305" />' in stub.read_text(encoding="utf-8")
    scan = linkbot("scan", "--site", "en.wikipedia.org", str(stub))
    assert scan.returncode == EXIT_INPUT
    assert messages(scan) == [f"linkbot: {stub}: the dump holds no page text (a stub dump?): none of its 2 page(s) could be analysed"]
    assert summary(scan) == "2 page(s): 0 changed, 0 with mixed link forms, 1 not processed, 2 not analysed"
    assert "not analysed: no text in the dump 2" in scan.stdout
    # One page without text among others: counted and said in one line.
    xml = PAIR.read_text(encoding="utf-8")
    partial = tmp_path / "partial.xml"
    partial.write_text(re.sub(r'(<text[^>]*?)>\{\{DisambigProject\}\}</text>', r"\1 />", xml), encoding="utf-8")
    scan = linkbot("scan", "--site", "en.wikipedia.org", str(partial))
    assert scan.returncode == EXIT_INPUT
    assert messages(scan) == [f"linkbot: {partial}: 1 page(s) have no text in the dump (stub revisions): not analysed"]
    assert summary(scan) == "2 page(s): 0 changed, 0 with mixed link forms, 1 not processed, 1 not analysed"
    # An empty page is not a stub: bytes="0".
    empty = tmp_path / "empty.xml"
    empty.write_text(re.sub(r'bytes="19">\{\{DisambigProject\}\}</text>', 'bytes="0" />', xml), encoding="utf-8")
    assert latest(empty)[1] == ("Talk:Çullu, Agdam", 1, 237383127, "")


def test_hidden_text_is_said_not_analysed_as_an_empty_page(tmp_path):
    """The latest revision's text hidden (MediaWiki writes ``<text bytes=… sha1=… deleted="deleted" />``):
    said, counted, not an error; a hidden older revision changes nothing."""
    xml = PAIR.read_text(encoding="utf-8")
    hidden = tmp_path / "hidden.xml"
    hidden.write_text(xml.replace('<text xml:space="preserve" bytes="19">{{DisambigProject}}</text>',
                                  '<text bytes="19" sha1="" deleted="deleted" />'), encoding="utf-8")  # fmt: skip
    scan = linkbot("scan", "--site", "en.wikipedia.org", str(hidden))
    assert scan.returncode == EXIT_OK
    assert messages(scan) == [f"linkbot: {hidden}: page 'Talk:Çullu, Agdam': not analysed: the text of its latest revision is hidden (deleted)"]
    assert summary(scan) == "2 page(s): 0 changed, 0 with mixed link forms, 0 not processed, 1 not analysed"
    older = tmp_path / "older-hidden.xml"
    older.write_text(re.sub(r'<text xml:space="preserve" bytes="35">[^<]*</text>', '<text bytes="35" sha1="" deleted="deleted" />', xml), encoding="utf-8")
    assert latest(older) == latest(PAIR)


def test_a_truncated_compressed_dump_reads_what_it_holds_with_true_counts(tmp_path):
    xml = VIWIKI.read_bytes()
    for name, compressed, readable in (
        ("cut.xml.bz2", bz2.compress(xml, compresslevel=1), lambda data: bz2.BZ2Decompressor().decompress(data)),
        ("cut.xml.gz", gzip.compress(xml), lambda data: zlib.decompressobj(wbits=31).decompress(data)),
    ):
        cut = tmp_path / name
        cut.write_bytes(compressed[: len(compressed) * 3 // 5])
        held = readable(cut.read_bytes())  # what can be decompressed of it, independently
        whole = held.count(b"</page>")
        assert 0 < whole < 10
        partial = re.findall(rb"<title>([^<]*)</title>", held[held.rindex(b"</page>") :])[0].decode()
        for workers in ("1", "2"):
            scan = linkbot("scan", "--site", "vi.wikipedia.org", "--workers", workers, str(cut))
            assert scan.returncode == EXIT_INPUT
            kind = name.rsplit(".", 1)[1]
            assert messages(scan) == [
                f"linkbot: {cut}: the file ends early: its {kind} data stops unfinished at byte {cut.stat().st_size:,}, "
                f"inside page {partial!r}; the {whole} page(s) before it were read"
            ]
            assert summary(scan).startswith(f"{whole} page(s): ")
        assert [title for title, *_ in EXPECTED["wikiextractor/viwiki-test.xml"]][whole] == partial


def test_a_page_missing_its_closing_tag_is_named_and_the_next_read(tmp_path):
    xml = VIWIKI.read_text(encoding="utf-8")
    unclosed = tmp_path / "unclosed.xml"  # the first page's </page> gone
    unclosed.write_text(xml.replace("</page>", "", 1), encoding="utf-8")
    cut_text = tmp_path / "cut-text.xml"  # the second page cut in the middle of its text
    second = xml.index("<title>Trang Chính</title>")
    middle = xml.index("<text", second) + 500
    cut_text.write_text(xml[:middle] + xml[xml.index("</page>", middle) + len("</page>") :], encoding="utf-8")
    for dump, lost in ((unclosed, "Alexandre De Rhodes"), (cut_text, "Trang Chính")):
        items = pages(dump)
        assert [item.message for item in items if isinstance(item, DumpProblem)] == [
            f"page {lost!r}: cut off: no </page> before the next page; not read"
        ]
        assert [item.title for item in items if isinstance(item, DumpPage)] == [
            title for title, *_ in EXPECTED["wikiextractor/viwiki-test.xml"] if title != lost
        ]
        for workers in ("1", "2"):
            scan = linkbot("scan", "--site", "vi.wikipedia.org", "--workers", workers, str(dump))
            assert scan.returncode == EXIT_INPUT
            assert messages(scan)[0] == f"linkbot: {dump}: page {lost!r}: cut off: no </page> before the next page; not read"
            assert summary(scan).startswith("10 page(s): ") and summary(scan).endswith(", 1 not processed")


def test_a_dump_of_another_wiki_gets_a_warning(tmp_path):
    scan = linkbot("scan", str(PAIR))  # the default site is zh.wikipedia.org
    assert scan.returncode == EXIT_OK
    assert messages(scan) == [f"linkbot: {PAIR}: warning: the dump is of another wiki than --site zh.wikipedia.org: "
                              "its <siteinfo> names enwiki <http://en.wikipedia.org/wiki/Main_Page>"]  # fmt: skip
    assert messages(linkbot("scan", "--site", "en.wikipedia.org", str(PAIR))) == []
    # No <base>: the database name says which Wikimedia wiki.
    named = tmp_path / "dbname-only.xml"
    named.write_text(re.sub(r"\s*<base>[^<]*</base>", "", PAIR.read_text(encoding="utf-8")), encoding="utf-8")
    assert messages(linkbot("scan", "--site", "en.wikipedia.org", str(named))) == []
    assert messages(linkbot("scan", "--site", "ja.wikipedia.org", str(named))) == [
        f"linkbot: {named}: warning: the dump is of another wiki than --site ja.wikipedia.org: its <siteinfo> names enwiki"
    ]


def test_pages_that_are_not_wikitext_are_never_analysed(tmp_path):
    """pair-0.10.xml's pages retitled as a Lua module, its /doc page, a CSS and a JSON page in the
    MediaWiki namespace, a user's script and a user page named .js: without <model> (old schemas)
    MediaWiki's defaults by title; with it, what it says. Each with a link the scan repairs: only
    the wikitext pages are scanned, and --format titles never lists the others."""
    cases = {
        "Module:Pear": (828, "Scribunto"), "Module:Pear/doc": (828, "wikitext"), "Module:Pear.json": (828, "json"),
        "MediaWiki:Common.css": (8, "css"), "MediaWiki:Pear.json": (8, "json"), "User:Pear/common.js": (2, "javascript"),
        "User:Pear.js": (2, "wikitext"), "Pear.css": (0, "wikitext"),
    }  # fmt: skip
    xml = PAIR.read_text(encoding="utf-8")
    head, page, tail = xml.partition("<page>")[0], _first_page(xml), "</mediawiki>\n"
    text = _escaped(MIRROR_LINK)
    old_schema = "".join(_retitled(page, title, ns, text, model=None) for title, (ns, _) in cases.items())
    written = _retitled(page, "Pear", 0, text, model="css") + _retitled(page, "Pear/Notes", 0, text, model="wikitext")
    dump = tmp_path / "models.xml"
    dump.write_text(head + old_schema + written + tail, encoding="utf-8")
    read = {item.title: item.model if isinstance(item, DumpPage) else item.reason for item in pages(dump)}
    expected = {title: model if model == "wikitext" else f"not wikitext (content model {model})" for title, (_, model) in cases.items()}
    assert read == {**expected, "Pear": "not wikitext (content model css)", "Pear/Notes": "wikitext"}
    wikitext = sorted(title for title, model in read.items() if model == "wikitext")
    for workers in ("1", "2"):
        titles = linkbot("scan", "--site", "en.wikipedia.org", "--format", "titles", "--workers", workers, str(dump))
        assert titles.returncode == EXIT_OK and sorted(titles.stdout.splitlines()) == wikitext
        scan = linkbot("scan", "--site", "en.wikipedia.org", "--workers", workers, str(dump))
        assert scan.returncode == EXIT_OK
        assert sorted(messages(scan)) == sorted(
            f"linkbot: {dump}: page {title!r}: not analysed: {why}" for title, why in read.items() if why != "wikitext"
        )
        assert summary(scan) == f"10 page(s): {len(wikitext)} changed, 0 with mixed link forms, 0 not processed, {10 - len(wikitext)} not analysed"


def _first_page(xml: str) -> str:
    return xml[xml.index("<page>") : xml.index("</page>") + len("</page>")]


def _retitled(page: str, title: str, ns: int, text: str, model: str | None) -> str:
    page = page.replace("<title>Çullu, Agdam</title>", f"<title>{title}</title>").replace("<ns>0</ns>", f"<ns>{ns}</ns>")
    page = re.sub(r"(<text[^>]*>)[^<]*(</text>)", lambda found: found.group(1) + text + found.group(2), page)
    page = re.sub(r"\s*<format>[^<]*</format>", "", page)
    if model is None:
        return re.sub(r"\s*<model>[^<]*</model>", "", page)
    return page.replace("<model>wikitext</model>", f"<model>{model}</model>")


def test_not_analysed_pages_are_not_dropped_from_a_wiki_runs_preselection_silently(tmp_path):
    """The preselection of a wiki run (``planned_titles``, what ``-xml:`` reads) never selects a page
    that is not wikitext, and says how many it leaves out, and why, in one line."""
    from bot.core import profile_for_host
    from bot.core.options import Options
    from bot.inputs.preselection import planned_titles
    from bot.inputs.limits import PageLimits

    xml = PAIR.read_text(encoding="utf-8")
    page = _first_page(xml)
    dump = tmp_path / "preselect.xml"
    dump.write_text(xml.partition("<page>")[0] + _retitled(page, "Module:Pear", 828, _escaped(MIRROR_LINK), None)
                    + _retitled(page, "Pear", 0, _escaped(MIRROR_LINK), None) + "</mediawiki>\n", encoding="utf-8")  # fmt: skip
    problems, notices = [], []
    titles = planned_titles(str(dump), profile_for_host("en.wikipedia.org"), Options(), problems.append, PageLimits(), notices.append)
    assert list(titles) == ["Pear"] and problems == []
    assert notices == ["1 page(s) left out, not analysed: not wikitext (content model Scribunto) 1"]
    assert isinstance(next(item for item in pages(dump)), NotAnalysed)
