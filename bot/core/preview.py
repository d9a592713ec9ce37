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
    src: str  # the image's address (http or https only)
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
    return preview if _safe_address(preview.src) else None


def _safe_address(address: str) -> bool:
    parts = urllib.parse.urlsplit(address)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def read_preview(html: str, base_url: str) -> ImagePreview | None:
    """The first image of a parse's HTML (its ``<img>``, figure and caption); None when it shows none.
    Relative addresses are made absolute against ``base_url`` (the wiki's index.php)."""
    reader = _FigureReader()
    reader.feed(html)
    reader.close()
    if not reader.image:
        return None
    image = reader.image
    src = urllib.parse.urljoin(base_url, image.get("src", ""))
    if not _safe_address(src):
        return None
    link = urllib.parse.urljoin(base_url, reader.link) if reader.link else ""
    return ImagePreview(src, _int(image.get("width")), _int(image.get("height")), image.get("alt", ""),
                        " ".join("".join(reader.caption).split()), reader.placement, reader.frame, link)  # fmt: skip


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


_PLACEMENTS = {"mw-halign-right": "right", "mw-halign-left": "left", "mw-halign-center": "center", "mw-halign-none": "none",
               "tright": "right", "tleft": "left", "center": "center", "floatright": "right", "floatleft": "left", "tnone": "none"}  # fmt: skip
_FRAMES = {"mw-default-size": "", "thumb": "thumb", "mw-image-border": "", "thumbinner": "thumb"}


class _FigureReader(HTMLParser):
    """The first ``<img>`` of a rendering, the classes around it and its caption's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.image: dict[str, str] | None = None
        self.link, self.placement, self.frame = "", "", ""
        self.caption: list[str] = []
        self._in_caption = 0
        self._pending_link = ""

    def handle_starttag(self, tag: str, attrs) -> None:
        values = {name: value or "" for name, value in attrs}
        classes = values.get("class", "").split()
        if self.image is None:
            self._classes(tag, values, classes)
        if tag == "a" and self.image is None:
            self._pending_link = values.get("href", "")
        elif tag == "img" and self.image is None:
            self.image, self.link = values, self._pending_link
        elif tag == "figcaption" or "thumbcaption" in classes:
            self._in_caption += 1

    def _classes(self, tag: str, values: dict, classes: list[str]) -> None:
        for name in classes:
            self.placement = _PLACEMENTS.get(name, self.placement)
        if tag == "figure" or "thumb" in classes:
            typeof = values.get("typeof", "")
            self.frame = "frame" if "mw:File/Frame" in typeof else "frameless" if "mw:File/Frameless" in typeof else "thumb"
            if "mw:File/Frameless" in typeof or ("mw:File" in typeof and "Thumb" not in typeof and "Frame" not in typeof):
                self.frame = "frameless" if "Frameless" in typeof else ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("figcaption", "div") and self._in_caption:
            self._in_caption -= 1

    def handle_data(self, data: str) -> None:
        if self._in_caption:
            self.caption.append(data)
