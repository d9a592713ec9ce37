"""axe-core (from the npm registry, pinned in tests/web/package.json; ``scripts/bootstrap test``
installs it) run in Debian's Chromium on the list, a 306-change proposal, the report file and the
statistics page: no serious or critical violation of WCAG 2.2 A/AA (the others are printed)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli import EXIT_OK, main

AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def axe_violations(browser) -> list[dict]:
    """axe's violations of the page the browser shows (its script injected through the driver, so
    the page's Content-Security-Policy has no say)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: bash scripts/bootstrap test (npm ci in tests/web) installs axe-core")
    browser.execute_script(AXE.read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(TAGS)}}}}}).then(r => done(r.violations), e => done(String(e)));"
    )
    assert isinstance(result, list), result
    return result


def serious(violations: list[dict], where: str) -> list[str]:
    """The serious and critical violations, each a line; the others printed."""
    for violation in violations:
        print(f"{where}: {violation['impact']}: {violation['id']} ({len(violation['nodes'])}): {violation['help']}")
    return [f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in violations if v["impact"] in ("serious", "critical")]


def test_the_list_and_a_306_change_proposal(seed_server, browser):
    browser.get(seed_server + "/")
    assert serious(axe_violations(browser), "list") == []
    browser.get(seed_server + "/proposal/1")
    assert serious(axe_violations(browser), "proposal") == []
    browser.get(seed_server + "/proposal/1?p=4")
    assert serious(axe_violations(browser), "proposal, page 4") == []
    browser.get(seed_server + "/proposal/404")
    assert serious(axe_violations(browser), "404") == []
    browser.get(seed_server + "/classes")
    assert serious(axe_violations(browser), "classes across the queue") == []


def test_the_report_and_the_statistics(seed_queue, browser, tmp_path):
    report, stats = tmp_path / "report.html", tmp_path / "stats.html"
    for command in (["report", "--html", str(report)], ["stats", "--html", str(stats)]):
        code = main([command[0], "--queue", str(seed_queue), *command[1:]], stdout=io.StringIO(), stderr=io.StringIO(), environ={})
        assert code == EXIT_OK
    browser.get(report.as_uri())
    assert serious(axe_violations(browser), "report") == []
    browser.get(stats.as_uri())
    assert serious(axe_violations(browser), "stats") == []


def test_diff_marks_do_not_rest_on_colour(seed_server, browser):
    """Removed text struck through, added text underlined, and so in forced-colours mode (where colours go)."""
    browser.get(seed_server + "/proposal/1")
    marks = "return [getComputedStyle(document.querySelector('del.old')).textDecorationLine, getComputedStyle(document.querySelector('ins.new')).textDecorationLine]"
    assert browser.execute_script(marks) == ["line-through", "underline"]
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "forced-colors", "value": "active"}]})
    assert browser.execute_script("return matchMedia('(forced-colors: active)').matches")
    assert browser.execute_script(marks) == ["line-through", "underline"]
    assert browser.execute_script("return document.querySelector('.sign').textContent") == "−"
