"""Stream pages out of a MediaWiki XML export (plain, .bz2 or .gz) in constant memory."""

from __future__ import annotations

import bz2
import gzip
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.errors import InputError


@dataclass(frozen=True)
class DumpPage:
    title: str
    namespace: int
    revision_id: int
    text: str


def open_dump(path: str):
    if path.endswith(".bz2"):
        return bz2.open(path, "rb")
    if path.endswith(".gz"):
        return gzip.open(path, "rb")
    return Path(path).open("rb")


def iter_dump(path: str) -> Iterator[DumpPage]:
    """Each page's latest revision in the dump; elements are cleared as soon as they are read."""
    try:
        with open_dump(path) as stream:
            yield from _pages(stream)
    except FileNotFoundError:
        raise InputError(path, "no such dump file") from None
    except (OSError, EOFError, ElementTree.ParseError) as error:
        raise InputError(path, f"cannot read the XML dump: {error}") from None


def _pages(stream) -> Iterator[DumpPage]:
    root = None
    page: dict = {}
    inside: list[str] = []  # open elements below <page>: revision, contributor
    for event, element in ElementTree.iterparse(stream, events=("start", "end")):
        tag = element.tag.rpartition("}")[2]
        if event == "start":
            if root is None:
                root = element
            elif tag in ("revision", "contributor"):
                inside.append(tag)
            elif tag == "page":
                page = {}
            continue
        if tag in ("revision", "contributor"):
            inside.pop()
        elif tag == "title":
            page["title"] = element.text or ""
        elif tag == "ns":
            page["namespace"] = int(element.text or 0)
        elif tag == "id" and inside == ["revision"]:
            page["revision_id"] = int(element.text or 0)
        elif tag == "text" and inside == ["revision"]:
            page["text"] = element.text or ""
        elif tag == "page":
            yield DumpPage(page.get("title", ""), page.get("namespace", 0), page.get("revision_id", 0), page.get("text", ""))
            root.clear()  # drop finished pages: memory stays flat whatever the dump size
