"""The pure parts of a run, without a wiki: the circuit breaker, the run's limits, reports that add up."""

from __future__ import annotations

from collections import Counter

from bot.core import ZH_WIKIPEDIA, analyze
from bot.present.report import Tally
from bot.runs.breaker import Breaker
from bot.runs.report import RunReport
from bot.runs.stops import LIMITS, REQUESTED, RunLimits, Stop, StopReason


def test_breaker_opens_after_failures_in_a_row():
    breaker = Breaker(in_a_row=3, rate=1.0, minimum=100)
    assert [breaker.record(failed) for failed in (True, True, False, True, True)] == [None] * 5
    assert breaker.record(True) == "circuit breaker: 3 saves failed in a row"


def test_breaker_opens_on_the_share_of_failures():
    """More than ``rate`` of the saves failed, once ``minimum`` saves were tried."""
    breaker = Breaker(in_a_row=0, rate=0.5, minimum=4)
    assert [breaker.record(failed) for failed in (False, True, True, False)] == [None] * 4  # 2 of 4: not more than half
    assert breaker.record(True) == "circuit breaker: 3 of 5 saves failed (60%)"
    early = Breaker(in_a_row=0, rate=0.5, minimum=4)
    assert [early.record(True) for _ in range(3)] == [None] * 3  # every save failed, but only 3 were tried


def test_breaker_switched_off():
    breaker = Breaker(in_a_row=0, rate=1.0, minimum=0)
    assert all(breaker.record(True) is None for _ in range(50))


def test_run_limits():
    limits = RunLimits.starting(now=1000.0, max_edits=2, max_minutes=1)
    assert limits.before_page(edits=1, now=1059.0) is None
    assert limits.before_page(edits=2, now=1001.0) == Stop(StopReason.MAX_EDITS, "--max-edits 2 reached")
    assert limits.before_page(edits=0, now=1061.0) == Stop(StopReason.MAX_MINUTES, "max_minutes 1 reached")
    assert RunLimits().before_page(edits=10**6, now=10.0**9) is None  # no limits
    assert StopReason.MAX_EDITS in LIMITS and StopReason.SHUTOFF in REQUESTED and StopReason.BREAKER not in LIMITS | REQUESTED


def test_reports_add_up():
    page = analyze('[A](../Page/A.md "wikilink") [B](https://zh.wikipedia.org/wiki/B)', ZH_WIKIPEDIA, title="P")
    scanned = RunReport(outcomes=Counter(saved=2, refused=1), failed=[("X", "protected")], held=3, edits=2, saved_changes=5)
    scanned.tally.add(page)
    applied = RunReport(outcomes=Counter(saved=1), merged=["Y"], unanalysed=[("Z", "too large")], edits=1, saved_changes=1,
                        stop=Stop(StopReason.MAX_EDITS, "--max-edits 3 reached"))  # fmt: skip
    applied.tally.add_error()
    total = scanned + applied
    assert (total.edits, total.saved_changes, total.held) == (3, 6, 3)
    assert total.outcomes == Counter(saved=3, refused=1)
    assert (total.failed, total.merged, total.unanalysed) == ([("X", "protected")], ["Y"], [("Z", "too large")])
    assert total.stop == applied.stop and total.stopped == "--max-edits 3 reached"
    assert (total.tally.pages, total.tally.changed, total.tally.errors) == (2, 1, 1)
    assert total.tally.changes == Counter({"md-mirror": 1, "md-url": 1})
    assert (RunReport() + total).render() == total.render() == (total + RunReport()).render()
    assert "stopped early: --max-edits 3 reached" in total.render()


def test_tally_sum_is_the_tally_of_both():
    pages = [analyze(text, ZH_WIKIPEDIA, title=str(n)) for n, text in enumerate(['[A](../Page/A.md "wikilink")', "[[B]]", "[C](https://zh.wikipedia.org/wiki/C)"])]
    one, two, both = Tally(), Tally(), Tally()
    for page in pages[:2]:
        one.add(page)
    two.add(pages[2])
    for page in pages:
        both.add(page)
    assert (one + two).render() == both.render()


def test_one_budget_for_a_whole_command():
    """The scan and the apply of the backlog spend the same edits: the second part starts where the first stopped."""
    from bot.runs.stops import Budget

    budget = Budget(RunLimits.starting(now=0.0, max_edits=2, max_minutes=1))
    assert budget.stop(1.0) is None
    budget.edits += 1  # the scan saved one page
    assert budget.stop(2.0) is None  # ...the apply of the backlog may save one more
    budget.edits += 1
    assert budget.stop(3.0) == Stop(StopReason.MAX_EDITS, "--max-edits 2 reached")
    assert Budget(RunLimits.starting(now=0.0, max_minutes=1)).stop(61.0).reason == StopReason.MAX_MINUTES
