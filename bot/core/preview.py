"""An image change as the wiki renders it: what a reviewer checks (the picture, its size, its
placement, its caption), read from MediaWiki's own rendering of the change's new wikitext.

Only plain values are kept (the image's address, its size, the frame and side, the caption as
text): no HTML of the wiki's reaches a review page, which shows them with its own markup.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import asdict, dataclass
from html.parser import HTMLParser


@dataclass(frozen=True)
class ImagePreview:
    src: str  # the image's address (http or https only); "" when the wiki shows no image (no such file)
    width: int
    height: int
    alt: str
    caption: str  # the caption readers see ("" for none)
    placement: str  # right, left, center, none, or "" (inline)
    frame: str  # thumb, frame, frameless, or "" (a plain image)
    link: str = ""  # where the image leads (its file page, or a link= target)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)


def from_json(text: str) -> ImagePreview | None:
    """The preview a queue stored (None for none, or for anything that is not one)."""
    if not text:
        return None
    try:
        fields = json.loads(text)
        preview = ImagePreview(**{key: fields[key] for key in ImagePreview.__dataclass_fields__})
    except (ValueError, TypeError, KeyError):
        return None
    return preview if not preview.src or _safe_address(preview.src) else None


def _safe_address(address: str) -> bool:
    parts = urllib.parse.urlsplit(address)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def read_preview(html: str, base_url: str) -> ImagePreview | None:
    """The first image of a parse's HTML (its ``<img>``, frame, side and caption), addresses made
    absolute against ``base_url`` (the wiki's index.php); an image the wiki cannot show (no such
    file) has no ``src``. None when the HTML holds no image at all."""
    reader = _FigureReader()
    reader.feed(html)
    reader.close()
    if reader.image is None and not (reader.broken or reader.frame or reader.placement):
        return None  # no image, and no frame of one: the text shows none
    image = reader.image or {}
    src = urllib.parse.urljoin(base_url, image["src"]) if image.get("src") else ""
    if src and not _safe_address(src):
        return None
    link = urllib.parse.urljoin(base_url, reader.link) if reader.link else ""
    return ImagePreview(src, _int(image.get("width")), _int(image.get("height")), image.get("alt", ""),
                        " ".join("".join(reader.caption).split()), reader.placement, reader.frame, link)  # fmt: skip


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


# MediaWiki's two markups of an image: the figure of 1.40+ (and $wgParserEnableLegacyMediaDOM = false),
# and the legacy div.thumb of 1.39 (Debian's).
_PLACEMENTS = {"mw-halign-right": "right", "mw-halign-left": "left", "mw-halign-center": "center", "mw-halign-none": "none",
               "tright": "right", "tleft": "left", "tnone": "none", "center": "center", "floatright": "right", "floatleft": "left",
               "floatnone": "none"}  # fmt: skip
_FRAMES = {"mw:File/Thumb": "thumb", "mw:File/Frame": "frame", "mw:File/Frameless": "frameless"}


class _FigureReader(HTMLParser):
    """The first image of a rendering: its ``<img>`` (or that it is broken), the link around it, the
    frame and side around it, and its caption's text (the magnifier's links left out)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.image: dict[str, str] | None = None
        self.broken = False
        self.link, self.placement, self.frame = "", "", ""
        self.caption: list[str] = []
        self._caption_depth = 0  # open elements inside the caption
        self._skipped = 0  # open elements inside the magnifier
        self._href = ""

    def handle_starttag(self, tag: str, attrs) -> None:
        values = {name: value or "" for name, value in attrs}
        classes = set(values.get("class", "").split())
        if self._caption_depth:
            self._caption_depth += tag not in _VOID
            self._skipped += bool(self._skipped or "magnify" in classes) and tag not in _VOID
            return
        if self.image is None and not self.broken:
            self._frame(tag, values, classes)
        if tag == "a" and self.image is None:
            self._href = values.get("href", "")
            self.broken = self.broken or "new" in classes
            self.link = self.link or self._href
        elif tag == "img" and self.image is None and not self.broken:
            self.image, self.link = values, self._href
        elif tag == "figcaption" or "thumbcaption" in classes:
            self._caption_depth = 1

    def _frame(self, tag: str, values: dict, classes: set[str]) -> None:
        self.placement = next((_PLACEMENTS[name] for name in classes if name in _PLACEMENTS), self.placement)
        typeof = values.get("typeof", "")
        self.frame = next((frame for kind, frame in _FRAMES.items() if kind in typeof.split()), self.frame)
        self.broken = self.broken or "mw:Error" in typeof.split()
        if tag == "div" and "thumb" in classes:
            self.frame = "thumb"

    def handle_endtag(self, tag: str) -> None:
        if self._caption_depth and tag not in _VOID:
            self._caption_depth -= 1
            self._skipped = max(0, self._skipped - 1)

    def handle_data(self, data: str) -> None:
        if self._caption_depth and not self._skipped:
            self.caption.append(data)


_VOID = frozenset({"img", "br", "wbr", "hr", "source", "input"})
