"""Markdown labels are read as pandoc reads them (Debian's pandoc, a CommonMark reader): emphasis by
CommonMark's delimiter-run rules, code spans, escapes, literal leftovers. Thousands of labels made of
the characters that matter, read by both, compared."""

from __future__ import annotations

import html
import random
import re
import shutil
import subprocess

import pytest

from bot.core.labels import from_markdown

PIECES = ("a", "b", "_", "*", "**", "***", "__", " ", "'", "x_y", "(", ")", "中", "`", "\\*", "\\_")


def _labels(seed: int, count: int) -> list[str]:
    generator = random.Random(seed)
    labels = {"".join(generator.choice(PIECES) for _ in range(generator.randint(1, 9))).strip() for _ in range(count)}
    return sorted(label for label in labels if label and not label.endswith("\\"))


def _quotes(markup: str) -> str:
    """pandoc's HTML, or our wikitext, as emphasis quotes and text only."""
    markup = markup.replace("<em>", "''").replace("</em>", "''").replace("<strong>", "'''").replace("</strong>", "'''")
    return " ".join(html.unescape(re.sub(r"</?(?:code|nowiki)>", "", markup)).split())


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="needs Debian's pandoc (bash scripts/test installs it)")
def test_labels_read_as_pandoc_reads_them():
    labels = _labels(seed=12, count=3000)
    document = "\n\n".join(f"[{label}](x)" for label in labels)
    answer = subprocess.run(["pandoc", "-f", "gfm", "-t", "html", "--wrap=none"], input=document, capture_output=True, text=True, check=True)
    paragraphs = re.findall(r"<p>(.*?)</p>", answer.stdout, re.S)
    assert len(paragraphs) == len(labels)
    compared = 0
    for label, paragraph in zip(labels, paragraphs):
        link = re.fullmatch(r'<a href="x">(.*)</a>', paragraph, re.S)
        if link is None:
            continue  # not a link to pandoc either (a code span ran over the brackets)
        compared += 1
        assert _quotes(from_markdown(label).wikitext) == _quotes(link.group(1)), label
    assert compared > 2000
