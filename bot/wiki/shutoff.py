"""The on-wiki emergency stop: a page that must say the configured "run" value for the bot to save.

Any editor can stop the bot by changing the page. Before every save the bot looks at its latest
reading of the page: the page is read along with every batch of pages (no request of its own),
and read again on its own when the latest reading is older than ``max_age`` seconds (0: before
every save). A missing page counts as "stop", so a typo in the configuration cannot disable
the brake.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.errors import StoppedError
from bot.settings import RetryPolicy
from bot.wiki.retry import with_retries


@dataclass
class Shutoff:
    page_title: str  # "" disables the check
    run_value: str = "run"
    max_age: float = 30.0  # seconds a reading stays good for
    clock: Callable[[], float] = time.monotonic
    reading: tuple[float, str | None] | None = field(default=None, init=False)  # (when, text; None: missing)

    def note(self, text: str | None) -> None:
        """A reading of the page made along with other pages (None: the page does not exist)."""
        self.reading = (self.clock(), text)

    def check(self, site, policy: RetryPolicy) -> None:
        """Raise StoppedError unless the page says the run value (reading it if the latest reading is too old)."""
        if not self.page_title:
            return
        if self.reading is None or self.clock() - self.reading[0] > self.max_age:
            self.note(self._fetch(site, policy))
        assert self.reading is not None
        text = self.reading[1]
        if text is None:
            raise StoppedError(f"emergency stop: {self.page_title} does not exist")
        if text.strip() != self.run_value:
            value = text.strip()[:40]
            raise StoppedError(f"emergency stop: {self.page_title} says {value!r}, not {self.run_value!r}")

    def _fetch(self, site, policy: RetryPolicy) -> str | None:
        import pywikibot
        from pywikibot.exceptions import IsRedirectPageError, NoPageError

        page = pywikibot.Page(site, self.page_title)

        def current_text() -> str | None:
            try:
                return page.get(force=True)
            except NoPageError:
                return None
            except IsRedirectPageError:
                return ""

        return with_retries(current_text, policy, f"reading the emergency-stop page {self.page_title}")
