"""An image change's preview read from MediaWiki's rendering (bot.core.preview): both of MediaWiki's
markups, a missing file, and HTML that must not become a preview."""

from __future__ import annotations

import pytest

from bot.core.preview import ImagePreview, from_json, read_preview

BASE = "http://127.0.0.1:8080/index.php"
LEGACY = ('<div class="thumb tright"><div class="thumbinner" style="width:222px;"><a href="/index.php/File:A.jpg" class="image">'
          '<img alt="" src="/images/thumb/a/a9/A.jpg/220px-A.jpg" decoding="async" width="220" height="165" class="thumbimage" />'
          '</a>  <div class="thumbcaption"><div class="magnify"><a href="/index.php/File:A.jpg" class="internal" title="Enlarge">'
          '</a></div>北京的<b>天安门</b></div></div></div>')  # fmt: skip
FIGURE = ('<figure class="mw-default-size mw-halign-left" typeof="mw:File/Frame"><a href="/wiki/File:A.jpg" class="mw-file-description">'
          '<img src="//upload.wikimedia.org/a.jpg" decoding="async" width="220" height="165" class="mw-file-element"></a>'
          '<figcaption>Caption <a href="/wiki/X">x</a></figcaption></figure>')  # fmt: skip
MISSING = ('<figure typeof="mw:Error mw:File/Thumb"><a href="/index.php?title=Special:Upload&amp;wpDestFile=A.jpg" class="new">'
           '<span class="mw-file-element mw-broken-media">File:A.jpg</span></a><figcaption>A</figcaption></figure>')  # fmt: skip


@pytest.mark.parametrize("html, base, expected", [
    (LEGACY, BASE, ImagePreview("http://127.0.0.1:8080/images/thumb/a/a9/A.jpg/220px-A.jpg", 220, 165, "", "北京的天安门", "right",
                                "thumb", "http://127.0.0.1:8080/index.php/File:A.jpg")),
    (FIGURE, "https://zh.wikipedia.org/w/index.php", ImagePreview("https://upload.wikimedia.org/a.jpg", 220, 165, "", "Caption x",
                                                                  "left", "frame", "https://zh.wikipedia.org/wiki/File:A.jpg")),
    (MISSING, BASE, ImagePreview("", 0, 0, "", "A", "", "thumb", "http://127.0.0.1:8080/index.php?title=Special:Upload&wpDestFile=A.jpg")),
])  # fmt: skip
def test_mediawikis_markups(html, base, expected):
    assert read_preview(html, base) == expected
    assert from_json(expected.to_json()) == expected


@pytest.mark.parametrize("html", ["<p>no image</p>", '<img src="javascript:alert(1)">', '<img src="data:image/png;base64,AAAA">', ""])
def test_no_preview(html):
    assert read_preview(html, BASE) is None


@pytest.mark.parametrize("stored", ["", "{", "[]", '{"src": "x"}', '{"src": "javascript:alert(1)", "width": 1, "height": 1, "alt": "", '
                                    '"caption": "", "placement": "", "frame": "", "link": ""}'])  # fmt: skip
def test_a_stored_value_that_is_no_preview_is_none(stored):
    assert from_json(stored) is None
