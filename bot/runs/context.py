"""What a wiki run works with: the wiki session, the settings, the review queue, the member lists,
the emergency stop, the run's id (recorded with every proposal), its one edit budget, and what it
checks before each save besides the emergency stop (a scheduled run: the review page's decisions)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.queue.proposals import Queue
from bot.runs.stops import Budget
from bot.settings import Settings
from bot.wiki.session import WikiSession
from bot.wiki.shutoff import Shutoff


@dataclass(frozen=True)
class RunContext:
    session: WikiSession
    settings: Settings
    queue: Queue
    run_id: str = ""
    registries: tuple = ()  # member lists, matched to pages by title
    shutoff: Shutoff | None = None  # one for the whole run (it remembers its last reading); from the settings if None
    budget: Budget = field(default_factory=Budget)  # every edit of the command counts into it
    before_save: Callable[[], None] | None = None  # called before each save, before the queue is held

    def __post_init__(self) -> None:
        if self.shutoff is None:
            object.__setattr__(self, "shutoff", shutoff_for(self.settings))

    @property
    def live(self) -> bool:
        return self.settings.mode == "live"

    def reading(self) -> Shutoff | None:
        """The stop to read along with each batch of pages: only a live run saves."""
        return self.shutoff if self.live else None


def shutoff_for(settings: Settings) -> Shutoff:
    return Shutoff(settings.shutoff_page, settings.shutoff_run_value, settings.shutoff_max_age)
