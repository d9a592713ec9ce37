"""MediaWiki as the oracle of what readers see: ``action=parse`` on a local wiki in the page's language.

One throwaway wiki per content language (Debian's MediaWiki, SQLite, ``php -S`` on loopback),
made on first use, with the Wikimedia family's interwiki table so that ``[[en:X]]`` is an
interlanguage link and ``[[wikt:X]]`` an interwiki link, as on a Wikipedia. A rendering is read
back into what a reader gets (bot.core.rendering, which linkbot's proofs read the same way): the
visible text, the links (with their targets), the categories, the interlanguage links.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path

from bot.core.rendering import Rendering, read_html, rendering_from_parse
from bot.core.sites import wikimedia_interwikis
from bot.sandbox.mediawiki import Sandbox

class Oracle:
    """One local wiki in one content language, asked to render wikitext."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    @classmethod
    def start(cls, root: Path, language: str) -> Oracle:
        sandbox = Sandbox.create(root, language=language)
        sandbox.set_interwikis(
            [(target.prefix, f"https://{target.host}{target.article_path}$1") for target in wikimedia_interwikis(language)]
        )
        sandbox.start()
        return cls(sandbox)

    def stop(self) -> None:
        self.sandbox.stop()

    def render(self, text: str, title: str = "Linkbot field test") -> Rendering:
        answer = self._post(
            action="parse", title=title, text=text, contentmodel="wikitext", prop="text|links|categories|langlinks|iwlinks",
            disableeditsection=1, disabletoc=1, disablelimitreport=1,
        )  # fmt: skip
        return rendering_from_parse(answer["parse"])

    def _post(self, **params) -> dict:
        body = urllib.parse.urlencode({**params, "format": "json", "formatversion": 2}).encode()
        with urllib.request.urlopen(self.sandbox.api_url, data=body, timeout=120) as answer:
            result = json.load(answer)
        if "error" in result:
            raise RuntimeError(f"action=parse failed: {result['error']}")
        return result


__all__ = ["Oracle", "Rendering", "read_html"]
