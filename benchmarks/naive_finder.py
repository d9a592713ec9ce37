"""The baseline of the real-text dump benchmark: the finder an operator would write without linkbot.

Run:  python benchmarks/naive_finder.py DUMP.xml [HOST]  (prints the titles of the pages it finds)

One process, the standard library's ``iterparse`` and mwparserfromhell, written to be fast the
simple way: a page is parsed only when a substring shows it may hold a form (the mirror's
``"wikilink"`` titles and ``../Page/`` paths, or a URL of a Wikipedia); then its bracketed external
links to the wiki or another Wikipedia, and the mirror's Markdown and HTML links in its text, are
looked for. It knows nothing of nowiki, comments or page kinds: it finds (roughly) the pages a
careful tool would look at, not what such a tool would change.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ElementTree
from urllib.parse import urlsplit

import mwparserfromhell

MARKDOWN = re.compile(r'\]\((?:\.\./Page/[^)\s]+|https?://[a-z-]+\.wikipedia\.org/wiki/[^)\s]+) "wikilink"\)')
HTML = re.compile(r'<a href="\.\./Page/')


def finds(text: str, host: str) -> bool:
    """Whether the page's text holds one of the forms."""
    if '"wikilink")' not in text and "../Page/" not in text and "wikipedia.org" not in text:
        return False
    code = mwparserfromhell.parse(text)
    for link in code.filter_external_links():
        if link.brackets and (urlsplit(str(link.url)).hostname or "").endswith((host, ".wikipedia.org")):
            return True
    return any(MARKDOWN.search(str(node)) or HTML.search(str(node)) for node in code.filter_text())


def main(path: str, host: str = "zh.wikipedia.org") -> int:
    title = text = ""
    for _, element in ElementTree.iterparse(path):
        tag = element.tag.rpartition("}")[2]
        if tag == "title":
            title = element.text or ""
        elif tag == "text":
            text = element.text or ""
        elif tag == "page":
            if finds(text, host):
                print(title)
            element.clear()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
