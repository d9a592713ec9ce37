"""Bot exclusion from the page's own text, table-driven; and the keys a run's summary counts them by."""

from __future__ import annotations

import pytest

from bot.core.exclusion import exclusion_kind, exclusion_reason

IN_USE = frozenset({"Inuse", "正在修改"})
CASES = [
    ("plain text", None, None),
    ("{{nobots}}", "{{nobots}}", "nobots"),
    ("{{nobots|allow=LinkBot}}", None, None),
    ("{{bots|deny=LinkBot}}", "{{bots|deny=...}} lists this bot", "bots"),
    ("{{bots|deny=all}}", "{{bots|deny=...}} lists this bot", "bots"),
    ("{{bots|allow=OtherBot}}", "{{bots|allow=...}} does not list this bot", "bots"),
    ("{{bots|allow=LinkBot}}", None, None),
    ("{{inuse}}", "in use ({{inuse}})", "in-use"),
    ("{{正在修改|5}}", "in use ({{正在修改}})", "in-use"),
]


@pytest.mark.parametrize(("text", "reason", "kind"), CASES)
def test_exclusion(text, reason, kind):
    found = exclusion_reason(text, "LinkBot", IN_USE)
    assert found == reason
    if reason is not None:
        assert exclusion_kind(reason) == kind
