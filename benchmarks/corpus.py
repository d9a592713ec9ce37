"""A deterministic synthetic zh corpus: an XML dump (.xml and .bz2) and a folder of the same pages.

A share of the pages carries the broken link forms (each placed link is exactly one change);
the rest are clean articles. Pages carry decoys that must not change: cite-web URLs to the wiki,
links to other sites and other wikis, valid wikilinks, templates; the broken pages and 5% of the
clean ones also carry decoys that look broken but are protected (nowiki, pre, comments). A few pages are
500 KB with 5,000 links. ``expected_changes`` is what a correct scan proposes, on
``expected_pages`` pages: every placed link, but on a page without the mirror's marks (bot.core.pagekind)
only the wikitext ones (the Markdown forms are repaired on the mirror's pages only).
"""

from __future__ import annotations

import bz2
import itertools
import json
import random
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from bot.core import ZH_WIKIPEDIA, MirrorForms, plan_changes
from bot.core.pagekind import shows_mirror_marks

FORMS = (
    '[{t}](../Page/{t}.md "wikilink")',
    '[{t}](https://zh.wikipedia.org/wiki/{t} "wikilink")',
    "[https://zh.wikipedia.org/wiki/{t} {t}]",
    '[{t}系统](../Page/{t}.md "wikilink")',
    '<a href="../Page/{t}.md" title="wikilink">{t}</a>',
    "[{t}](https://en.wikipedia.org/wiki/{t})",
    "[外部](https://example.org/{t})",
)
WIKITEXT_FORM = FORMS[2]  # repaired on every page; the others on the mirror's pages only
# Decoys a clean article has: none of them may change, and none looks like a broken form.
CLEAN_DECOYS = (
    "<ref>{{{{cite web|url=https://zh.wikipedia.org/wiki/{t}|title={t}}}}}</ref>",
    "[https://example.org/{t} 外部网站]",
    "[[{t}]]与[[{t}市|{t}]]",
    "[[:en:{t}|{t}]]",
    "{{{{lang|en|{t}}}}}",
)
# Decoys that look like broken forms but are protected: on the broken pages and a few clean ones.
TRICKY_DECOYS = (
    '<nowiki>[{t}](../Page/{t}.md "wikilink")</nowiki>',
    '<!-- [{t}](../Page/{t}.md "wikilink") -->',
    "<pre>[https://zh.wikipedia.org/wiki/{t} {t}]</pre>",
)
CHARS = "城市网络文学音乐电影设计美食媒体艺术创意之都北京上海"


@dataclass(frozen=True)
class Corpus:
    xml: Path
    bz2: Path
    multistream: Path  # Wikimedia's layout: the header, then streams of 100 pages, then the closing tag
    folder: Path
    pages: int
    expected_changes: int
    xml_bytes: int
    expected_pages: int = 0


def filler_sentences(seed: int, count: int = 20_000) -> list[str]:
    """Prose to put between the links: sentences of words drawn from a vocabulary with Zipf's
    law, so that the dump compresses about as much as real articles (one sentence repeated, as
    before, let bzip2 squeeze the dump to a twentieth and decompress it twice as fast as a real
    one). More sentences than fit in a bzip2 block, so blocks do not just repeat them."""
    rng = random.Random(seed)
    alphabet = [chr(code) for code in rng.sample(range(0x4E00, 0x9FA6), 2_500)]
    by_rank = list(itertools.accumulate(1 / rank for rank in range(1, len(alphabet) + 1)))
    words = ["".join(rng.choices(alphabet, cum_weights=by_rank, k=rng.choice((1, 2, 2, 2, 3, 4)))) for _ in range(6_000)]
    word_ranks = list(itertools.accumulate(1 / rank for rank in range(1, len(words) + 1)))
    sentences = []
    for _ in range(count):
        chosen = rng.choices(words, cum_weights=word_ranks, k=rng.randint(6, 30))
        sentences.append("".join(word + ("，" if rng.random() < 0.08 else "") for word in chosen) + "。")
    return sentences


def _title(rng: random.Random) -> str:
    return "".join(rng.choice(CHARS) for _ in range(rng.randint(2, 5)))


def _page(rng: random.Random, filler: list[str], broken_links: int, size: int, tricky: bool) -> str:
    """About ``size`` bytes: lines of prose, each ending with a broken link or a decoy. A page with
    more links than its size allows for (the 500 KB page with 5,000 links) gets shorter lines."""
    return _placed(rng, filler, broken_links, size, tricky)[0]


def _placed(rng: random.Random, filler: list[str], broken_links: int, size: int, tricky: bool) -> tuple[str, int]:
    """``_page``'s text, and how many of the links placed in it are wikitext."""
    parts, length, placed, wikitext = [], 0, 0, 0
    decoys = CLEAN_DECOYS + TRICKY_DECOYS if tricky else CLEAN_DECOYS
    dense = broken_links * 100 >= size
    while length < size or placed < broken_links:
        title = _title(rng)
        if placed < broken_links and (dense or rng.random() < 0.5):
            form = rng.choice(FORMS)
            piece, placed, wikitext = form.format(t=title), placed + 1, wikitext + (form == WIKITEXT_FORM)
        else:
            piece = rng.choice(decoys).format(t=title)
        prose = rng.choice(filler)
        line = f"{prose[: rng.randint(4, 12)] if dense else prose}{piece}。\n\n"
        parts.append(line)
        length += len(line.encode())
    return "".join(parts), wikitext


def _mirror_page(text: str) -> bool:
    """Whether the page is judged the mirror's: a mark in a link it really has (a decoy's mark inside
    ``<nowiki>`` or a comment marks nothing), as the analysis decides it."""
    return shows_mirror_marks(text) and plan_changes(text, ZH_WIKIPEDIA).options.mirror_forms is MirrorForms.ALWAYS


def cached(out: Path, **parameters) -> Corpus:
    """The corpus in ``out`` if it was generated with these parameters, else a fresh one."""
    stamp = out / "corpus.json"
    wanted = {"version": 8, **parameters}
    if stamp.exists():
        saved = json.loads(stamp.read_text())
        if saved["parameters"] == wanted:
            xml = out / "dump.xml"
            return Corpus(xml, out / "dump.xml.bz2", out / "dump-multistream.xml.bz2", out / "pages",
                          saved["pages"], saved["expected_changes"], xml.stat().st_size, saved["expected_pages"])  # fmt: skip
    corpus = generate(out, **parameters)
    stamp.write_text(json.dumps({"parameters": wanted, "pages": corpus.pages, "expected_changes": corpus.expected_changes,
                                 "expected_pages": corpus.expected_pages}))  # fmt: skip
    return corpus


def generate(out: Path, pages: int = 20_000, seed: int = 7, broken_share: float = 0.3,
             big_pages: int = 3, page_size: int = 4_250, folder: bool = True) -> Corpus:  # fmt: skip
    """Write the corpus into ``out`` (dump.xml, dump.xml.bz2, pages/) and say what a scan must find."""
    (out / "corpus.json").unlink(missing_ok=True)
    rng = random.Random(seed)
    filler = filler_sentences(seed)
    out.mkdir(parents=True, exist_ok=True)
    pages_dir = out / "pages"
    if folder:
        pages_dir.mkdir(exist_ok=True)
    xml_path, bz2_path = out / "dump.xml", out / "dump.xml.bz2"
    expected = changed_pages = 0
    with xml_path.open("w", encoding="utf-8") as xml:
        xml.write('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10" xml:lang="zh">\n')
        xml.write("  <siteinfo><sitename>Wikipedia</sitename><dbname>zhwiki</dbname></siteinfo>\n")
        for number in range(1, pages + 1):
            big = number <= big_pages
            links = 5_000 if big else (rng.randint(1, 12) if rng.random() < broken_share else 0)
            tricky = links > 0 or rng.random() < 0.05
            text, wikitext = _placed(rng, filler, links, 500_000 if big else rng.randint(page_size // 2, page_size * 2), tricky)
            changes = links if _mirror_page(text) else wikitext
            expected += changes
            changed_pages += changes > 0
            title = f"页面{number:06d}"
            xml.write(
                f"  <page>\n    <title>{title}</title>\n    <ns>0</ns>\n    <id>{number}</id>\n"
                f"    <revision>\n      <id>{number}</id>\n      <timestamp>2024-01-01T00:00:00Z</timestamp>\n"
                "      <contributor>\n        <username>Corpus</username>\n        <id>1</id>\n      </contributor>\n"
                f'      <text bytes="{len(text.encode())}" xml:space="preserve">{escape(text)}</text>\n'
                "    </revision>\n  </page>\n"
            )
            if folder:
                (pages_dir / f"{title}.txt").write_text(text, encoding="utf-8")
        xml.write("</mediawiki>\n")
    with xml_path.open("rb") as source, bz2.open(bz2_path, "wb", compresslevel=6) as target:
        while chunk := source.read(1 << 20):
            target.write(chunk)
    multistream_path = out / "dump-multistream.xml.bz2"
    write_multistream(xml_path, multistream_path)
    return Corpus(xml_path, bz2_path, multistream_path, pages_dir, pages, expected, xml_path.stat().st_size, changed_pages)


def write_multistream(xml_path: Path, target: Path, pages_per_stream: int = 100) -> None:
    """Compress like Wikimedia's multistream dumps: the header in a stream of its own, then one
    bzip2 stream per 100 pages, then the closing tag."""
    with xml_path.open("rb") as source, target.open("wb") as out:
        group: list[bytes] = []
        pages_in_group, header_done = 0, False
        for line in source:
            if not header_done and line.lstrip().startswith(b"<page>"):
                out.write(bz2.compress(b"".join(group), 6))
                group, header_done = [], True
            group.append(line)
            if line.strip() == b"</page>":
                pages_in_group += 1
                if pages_in_group == pages_per_stream:
                    out.write(bz2.compress(b"".join(group), 6))
                    group, pages_in_group = [], 0
        if group:
            out.write(bz2.compress(b"".join(group), 6))
