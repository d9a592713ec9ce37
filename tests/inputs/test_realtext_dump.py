"""The real-text dump of the benchmarks (benchmarks/realtext.py), small: a valid export whose
preselection holds every page the full scan changes, and few others."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from benchmarks.realtext import generate
from bot.core import ZH_WIKIPEDIA, Options
from bot.inputs.dump import DumpProblem
from bot.inputs.dumpscan import DumpStats, scan_dump, title_if_changes_planned


def test_the_real_text_dump_is_valid_and_its_preselection_holds_every_changed_page(tmp_path):
    corpus = generate(tmp_path, megabytes=3, seed=5, mirror_share=0.05)
    assert generate(tmp_path / "again", megabytes=3, seed=5, mirror_share=0.05).xml.read_bytes() == corpus.xml.read_bytes()
    titles = [element.text for element in ElementTree.parse(corpus.xml).getroot().iterfind(".//{*}title")]
    assert len(titles) == len(set(titles)) == corpus.pages and corpus.xml_bytes >= 3e6 and corpus.mirror_pages >= 3

    stats = DumpStats()
    preselected = list(scan_dump(str(corpus.xml), ZH_WIKIPEDIA, Options(), 2, stats, title_if_changes_planned))
    results = list(scan_dump(str(corpus.xml), ZH_WIKIPEDIA, Options(), workers=2))
    assert not [item for item in preselected + results if isinstance(item, DumpProblem)]
    changed = {result.title for result in results if result.changes}
    assert changed and changed <= set(preselected)
    # Real articles are left out unread: only the mirror's pages (and so few others) are candidates.
    assert stats.pages == corpus.pages and stats.candidates <= corpus.mirror_pages
