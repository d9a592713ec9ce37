"""The emergency stop's readings: taken along with each batch of pages, read again once too old."""

from __future__ import annotations

import pytest

from bot.errors import StoppedError
from bot.settings import RetryPolicy

POLICY = RetryPolicy(attempts=2, total_seconds=10, initial_wait=0.1, max_wait=1)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_fresh_reading_decides_without_a_request(wiki):
    # (``wiki``: importing the adapter imports pywikibot, which must find the test wiki's configuration.)
    from bot.wiki.shutoff import Shutoff

    clock = Clock()
    shutoff = Shutoff("User:LinkBot/Run", max_age=30, clock=clock)
    shutoff.note("run\n")
    clock.now += 30
    shutoff.check(site=None, policy=POLICY)  # no site: a request would fail
    shutoff.note("stop")
    with pytest.raises(StoppedError, match="says 'stop', not 'run'"):
        shutoff.check(site=None, policy=POLICY)
    shutoff.note(None)
    with pytest.raises(StoppedError, match="does not exist"):
        shutoff.check(site=None, policy=POLICY)


def test_an_old_reading_is_read_again(wiki):
    import pywikibot

    from bot.wiki.shutoff import Shutoff

    site = pywikibot.Site()
    clock = Clock()
    shutoff = Shutoff("User:LinkBot/Run", max_age=30, clock=clock)
    shutoff.note("run")
    wiki.sandbox.edit("User:LinkBot/Run", "stop")
    try:
        shutoff.check(site, POLICY)  # 0 s old: the reading stands
        clock.now += 31
        with pytest.raises(StoppedError):
            shutoff.check(site, POLICY)  # too old: read again, and it says stop
        every_save = Shutoff("User:LinkBot/Run", max_age=0, clock=clock)
        every_save.note("run")
        clock.now += 0.001
        with pytest.raises(StoppedError):
            every_save.check(site, POLICY)
    finally:
        wiki.sandbox.edit("User:LinkBot/Run", "run")
