"""A deterministic dump of real wikitext: what linkbot meets in a real wiki's dump.

The synthetic corpus (``corpus.py``) is the mirror's world: a third of its pages are broken.
Real dumps are mostly ordinary articles written by people, full of what only looks like the
broken forms (``[[Paris]] (France)``, ``<ref>``, ``[https://...]`` citations). This corpus is
made of real pages only: the field corpus's ordinary wikitext (``tests/data/field/wikitext``,
many languages) and the pages of other projects' dump fixtures (``../shared/field/dumps``, when
present), repeated to the size asked for; a small share (``mirror_share``) is the Markdown
mirror's, half of them real mirror pages (``tests/data/field/mirror``), half real ordinary pages
with the mirror's links planted in them. Written as Wikimedia writes dumps (quotes escaped as
``&quot;``). Seeded: the same parameters give the same dump; cached in ``benchmarks/out/``.
"""

from __future__ import annotations

import csv
import json
import random
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
FIELD = ROOT / "tests" / "data" / "field"
FIXTURE_DUMPS = ROOT.parent / "shared" / "field" / "dumps"
VERSION = 1
HEADER = (
    '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="zh">\n'
    "  <siteinfo><sitename>Wikipedia</sitename><dbname>zhwiki</dbname></siteinfo>\n"
)
# The mirror's link, as pandoc wrote it from a wikilink (what a planted page carries).
PLANTED = '[{t}](../Page/{t}.md "wikilink")'


@dataclass(frozen=True)
class RealCorpus:
    xml: Path
    pages: int
    mirror_pages: int  # pages of the mirror's (real or planted)
    xml_bytes: int
    sources: int  # distinct real pages the dump repeats


def ordinary_pages(dumps: Path = FIXTURE_DUMPS) -> list[tuple[str, str]]:
    """(title, text) of every real ordinary page: the field corpus's, then the dump fixtures'."""
    pages = [(row["title"].split(" (inferred")[0], (FIELD / row["file"]).read_text(encoding="utf-8"))
             for row in _manifest() if row["kind"] == "wikitext"]  # fmt: skip
    for path in sorted(dumps.rglob("*.xml")) if dumps.is_dir() else ():
        pages += _dump_pages(path)
    return [(title, text) for title, text in pages if text.strip()]


def mirror_pages() -> list[tuple[str, str]]:
    """(title, text) of the field corpus's real mirror pages (hidden files too: pathlib keeps them)."""
    return [(path.stem, path.read_text(encoding="utf-8")) for path in sorted((FIELD / "mirror").rglob("*.md"))]


def _manifest() -> list[dict]:
    with (FIELD / "MANIFEST.tsv").open(encoding="utf-8") as manifest:
        return sorted(csv.DictReader(manifest, delimiter="\t"), key=lambda row: row["file"])


def _dump_pages(path: Path) -> list[tuple[str, str]]:
    """Each page's last revision in one export file (any schema: tags are read without their namespace)."""
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError:  # (an encoding the standard library cannot read: not needed here)
        return []
    pages = []
    for page in root.iter():
        if page.tag.rpartition("}")[2] != "page":
            continue
        title = next((child.text or "" for child in page if child.tag.endswith("title")), "")
        texts = [element.text or "" for element in page.iter() if element.tag.rpartition("}")[2] == "text"]
        if texts:
            pages.append((title, texts[-1]))
    return pages


def planted(text: str, rng: random.Random, links: int) -> str:
    """``text`` with ``links`` of the mirror's links put at the ends of some of its lines."""
    lines = text.split("\n")
    for _ in range(links):
        at = rng.randrange(len(lines))
        lines[at] += PLANTED.format(t=rng.choice(("北京", "上海", "数学", "Paris", "Linux", "音乐")))
    return "\n".join(lines)


def generate(out: Path, megabytes: float = 120, seed: int = 23, mirror_share: float = 0.015) -> RealCorpus:
    """Write ``out/dump.xml``: real pages drawn at random (each a distinct title) until the dump
    holds ``megabytes`` of XML, ``mirror_share`` of them the mirror's."""
    (out / "corpus.json").unlink(missing_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    ordinary, mirror = ordinary_pages(), mirror_pages()
    xml_path, target = out / "dump.xml", int(megabytes * 1e6)
    count = mirrored = 0
    with xml_path.open("w", encoding="utf-8") as xml:
        written = xml.write(HEADER)
        while written < target:
            count += 1
            title, text = rng.choice(ordinary)
            if rng.random() < mirror_share:
                mirrored += 1
                title, text = rng.choice(mirror) if rng.random() < 0.5 else (title, planted(text, rng, rng.randint(1, 5)))
            page = _page_xml(f"{title} ({count})", count, text)
            written += len(page.encode())
            xml.write(page)
        xml.write("</mediawiki>\n")
    return RealCorpus(xml_path, count, mirrored, xml_path.stat().st_size, len(ordinary) + len(mirror))


def _page_xml(title: str, number: int, text: str) -> str:
    quoted = {'"': "&quot;"}  # what Wikimedia's dumps do
    return (
        f"  <page>\n    <title>{escape(title)}</title>\n    <ns>0</ns>\n    <id>{number}</id>\n"
        f"    <revision>\n      <id>{number}</id>\n      <timestamp>2024-01-01T00:00:00Z</timestamp>\n"
        "      <contributor>\n        <username>Corpus</username>\n        <id>1</id>\n      </contributor>\n"
        "      <model>wikitext</model>\n      <format>text/x-wiki</format>\n"
        f'      <text bytes="{len(text.encode())}" xml:space="preserve">{escape(text, quoted)}</text>\n'
        "    </revision>\n  </page>\n"
    )


def cached(out: Path, **parameters) -> RealCorpus:
    """The corpus in ``out`` if it was made with these parameters, else a fresh one."""
    stamp = out / "corpus.json"
    wanted = {"version": VERSION, **parameters}
    if stamp.exists():
        saved = json.loads(stamp.read_text())
        if saved["parameters"] == wanted:
            xml = out / "dump.xml"
            return RealCorpus(xml, saved["pages"], saved["mirror_pages"], xml.stat().st_size, saved["sources"])
    corpus = generate(out, **parameters)
    facts = {"pages": corpus.pages, "mirror_pages": corpus.mirror_pages, "sources": corpus.sources}
    stamp.write_text(json.dumps({"parameters": wanted, **facts}))
    return corpus
