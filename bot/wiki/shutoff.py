"""The on-wiki emergency stop: a page that must say the configured "run" value for the bot to save.

Any editor can stop the bot by changing the page; the check runs before every save.
A missing page counts as "stop", so a typo in the configuration cannot disable the brake.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import StoppedError
from bot.settings import RetryPolicy
from bot.wiki.retry import with_retries


@dataclass(frozen=True)
class Shutoff:
    page_title: str  # "" disables the check
    run_value: str = "run"

    def check(self, site, policy: RetryPolicy) -> None:
        """Raise StoppedError unless the page says the run value."""
        if not self.page_title:
            return
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

        text = with_retries(current_text, policy, f"reading the emergency-stop page {self.page_title}")
        if text is None:
            raise StoppedError(f"emergency stop: {self.page_title} does not exist")
        if text.strip() != self.run_value:
            value = text.strip()[:40]
            raise StoppedError(f"emergency stop: {self.page_title} says {value!r}, not {self.run_value!r}")
