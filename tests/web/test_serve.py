"""``linkbot serve`` end to end: proposals of the real test wiki's pages in a real queue file, reviewed
in Debian's Chromium through Selenium; the decisions and the audit trail are read back from the queue."""

from __future__ import annotations

import dataclasses
import re
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from bot.cli import EXIT_OK
from bot.queue.proposals import Queue
from bot.queue.store import Database
from bot.web.app import create_app
from bot.web.server import loopback_server

PAGE = (
    '第一句有[北京](../Page/北京.md "wikilink")。第二句有[上海](https://zh.wikipedia.org/wiki/上海 "wikilink")'
    '和[广州](../Page/广州.md "wikilink")。最后[深圳](../Page/深圳.md "wikilink")与'
    '![A.jpg](https://zh.wikipedia.org/wiki/File:A.jpg "A")。'
)
OTHER = '另一页的[南京](../Page/南京.md "wikilink")。'


@pytest.fixture(scope="module")
def reviewed_queue(wiki, tmp_path_factory) -> Path:
    """The queue a dry run over two test-wiki pages fills (with the wiki's address)."""
    path = tmp_path_factory.mktemp("web") / "queue.sqlite3"
    wiki.sandbox.edit("Web/审阅", PAGE)
    wiki.sandbox.edit("Web/Other", OTHER)
    result = wiki.linkbot("-prefixindex:Web/", "--queue", str(path))
    assert result.returncode == EXIT_OK, result.stderr
    return path


@pytest.fixture
def server(reviewed_queue):
    app = create_app(lambda: Queue(Database(reviewed_queue, create=True)), "erin")
    instance = loopback_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=instance.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{instance.server_address[1]}"
    instance.shutdown()
    instance.server_close()


def proposal_of(path: Path, title: str):
    database = Database(path, create=True)
    queue = Queue(database)
    try:
        proposal = next(p for p in queue.list() if p.title == title)
        return proposal, queue.audit(proposal.id)
    finally:
        database.close()


def test_review_in_chromium(server, browser, reviewed_queue, wiki, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.get(server + "/")
    assert browser.find_element(By.ID, "reviewer").text == "erin"
    assert len(browser.find_elements(By.CSS_SELECTOR, "tr.proposal-row")) == 2
    browser.find_element(By.ID, "filter-page").send_keys("审阅")  # filter: one page
    Select(browser.find_element(By.ID, "filter-rule")).select_by_value("md-mirror")
    browser.find_element(By.ID, "apply-filters").click()
    WebDriverWait(browser, 15).until(lambda driver: "page=" in driver.current_url)  # the filtered list has loaded
    rows = browser.find_elements(By.CSS_SELECTOR, "tr.proposal-row")
    assert [row.find_element(By.CSS_SELECTOR, "a.proposal-link").text for row in rows] == ["Web/审阅"]
    rows[0].find_element(By.CSS_SELECTOR, "a.proposal-link").click()
    WebDriverWait(browser, 15).until(lambda driver: "/proposal/" in driver.current_url)

    def button(number: int, css: str):
        return browser.find_element(By.CSS_SELECTOR, f"tr#change-{number} button.{css}")

    def flashed(text: str) -> None:
        from selenium.common.exceptions import StaleElementReferenceException

        def shown(driver) -> bool:
            try:
                return any(text in element.text for element in driver.find_elements(By.CSS_SELECTOR, ".flash"))
            except StaleElementReferenceException:
                return False

        WebDriverWait(browser, 15).until(shown)

    assert "第一句有" in browser.find_element(By.ID, "change-1").text  # the change in its sentence
    button(1, "approve").click()
    flashed("1 change(s) approved by erin: 1")
    button(2, "approve").click()
    flashed("approved by erin: 2")
    button(3, "reject").click()
    flashed("rejected by erin: 3")
    assert browser.switch_to.active_element.get_attribute("id") == "change-4"  # the focus moved on to the next undecided change
    ActionChains(browser).send_keys("a").perform()  # the keyboard: the focused change
    flashed("1 change(s) approved by erin: 4")
    browser.execute_script("window.scrollTo(0, 0)")
    screenshot = tmp_path / "web-review.png"
    browser.save_screenshot(str(screenshot))
    print(f"screenshot: {screenshot}")  # (the README's pictures come from test_review_at_size: a real-size page)
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    proposal, audit = proposal_of(reviewed_queue, "Web/审阅")
    assert [(item.number, item.decision, item.decided_by) for item in proposal.changes] == [
        (1, "approved", "erin"), (2, "approved", "erin"), (3, "rejected", "erin"), (4, "approved", "erin"), (5, "pending", ""),
    ]  # fmt: skip
    assert [(entry.number, entry.decision, entry.who, entry.source) for entry in audit] == [
        (1, "approved", "erin", "web"), (2, "approved", "erin", "web"), (3, "rejected", "erin", "web"), (4, "approved", "erin", "web"),
    ]  # fmt: skip
    browser.refresh()  # decisions answer in place; the audit trail is the page's as loaded
    trail = browser.find_element(By.CSS_SELECTOR, "table.audit").text
    assert trail.count("erin") == 4 and "web" in trail

    links = {name: browser.find_element(By.CSS_SELECTOR, f"a.wiki-{name}").get_attribute("href") for name in ("page", "revision", "diff")}
    for name, link in links.items():
        assert link.startswith(wiki.sandbox.url), link
        with urllib.request.urlopen(link, timeout=30) as answer:  # the links resolve on the wiki
            assert answer.status == 200
            assert "Web/审阅" in answer.read().decode("utf-8"), name
    assert f"oldid={proposal.base_revid}" in links["revision"]


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_a_form_without_its_token_is_refused(reviewed_queue):
    app = create_app(lambda: Queue(Database(reviewed_queue, create=True)), "erin")
    client = app.test_client()
    proposal, _ = proposal_of(reviewed_queue, "Web/Other")
    answer = client.post(f"/proposal/{proposal.id}/decide", data={"decision": "approved", "scope": "page"})
    assert answer.status_code == 400 and "CSRF token is missing" in answer.get_data(as_text=True)
    forged = client.post(f"/proposal/{proposal.id}/decide", data={"decision": "approved", "scope": "page", "csrf_token": "x"})
    assert forged.status_code == 400
    assert proposal_of(reviewed_queue, "Web/Other")[1] == []  # nothing decided

    page = client.get(f"/proposal/{proposal.id}").get_data(as_text=True)
    answer = client.post(f"/proposal/{proposal.id}/decide", data={
        "decision": "approved", "scope": "page", "csrf_token": csrf_token(page), "reviewer": "mallory", "next": "https://evil.example/",
    })  # fmt: skip
    assert answer.status_code == 302 and answer.headers["Location"] == f"/proposal/{proposal.id}"  # never off-site
    assert [(entry.who, entry.source) for entry in proposal_of(reviewed_queue, "Web/Other")[1]] == [("erin", "web")]


def test_approving_a_rule_leaves_changes_that_need_review(reviewed_queue, tmp_path):
    path = tmp_path / "copy.sqlite3"
    shutil.copy(reviewed_queue, path)
    app = create_app(lambda: Queue(Database(path, create=True)), "erin")
    client = app.test_client()
    proposal, _ = proposal_of(path, "Web/审阅")
    token = csrf_token(client.get(f"/proposal/{proposal.id}").get_data(as_text=True))
    answer = client.post(f"/proposal/{proposal.id}/decide", follow_redirects=True,
                         data={"decision": "approved", "scope": "page", "csrf_token": token})  # fmt: skip
    assert "need review or were not proven by the wiki, and were left undecided: approve them one by one, or by their class (5)" in answer.get_data(as_text=True)
    assert proposal_of(path, "Web/审阅")[0].changes[4].decision == "pending"


def test_serve_listens_on_loopback_only():
    from bot.errors import InputError

    with pytest.raises(InputError, match="not a loopback address"):
        loopback_server(create_app(lambda: None, "x"), "0.0.0.0", 0)


def test_the_list_comes_a_page_at_a_time(tmp_path):
    """250 proposals: 100 a page, with the counts of all of them; filters and pages keep each other."""
    from bot.core import ZH_WIKIPEDIA, analyze

    path = tmp_path / "big.sqlite3"
    with Database(path, create=True) as database:
        queue = Queue(database)
        for number in range(250):
            text = OTHER if number % 2 else PAGE
            queue.record("wikipedia:zh", number + 1, analyze(text, ZH_WIKIPEDIA, title=f"Big/{number:03d}"), "run")
    client = create_app(lambda: Queue(Database(path)), "erin").test_client()
    first = client.get("/").get_data(as_text=True)
    assert "250 proposal(s), 750 change(s); proposals 1–100 on this page" in first
    assert first.count('class="proposal-row"') == 100 and "page 1 of 3" in first and 'class="prev-page"' not in first
    assert len(first.encode()) < 200_000
    last = client.get("/?p=3").get_data(as_text=True)
    assert last.count('class="proposal-row"') == 50 and "proposals 201–250" in last and 'class="next-page"' not in last
    assert "page 3 of 3" in client.get("/?p=999").get_data(as_text=True)  # past the end: the last page
    assert "page 1 of 3" in client.get("/?p=nonsense").get_data(as_text=True)
    filtered = client.get("/?status=waiting&rule=md-url&page=Big/0").get_data(as_text=True)
    assert "50 proposal(s)" in filtered  # Big/000..099, every other one has an md-url change
    assert filtered.count('class="proposal-row"') == 50 and 'class="pager"' not in filtered


def test_a_page_decision_leaves_a_decision_made_meanwhile(reviewed_queue, tmp_path):
    """The reviewer opened the page; someone else rejected a change since; approving the page takes
    only what is still undecided (read when the form arrives, and again as the decision is written)."""
    path = tmp_path / "copy.sqlite3"
    shutil.copy(reviewed_queue, path)
    client = create_app(lambda: Queue(Database(path)), "erin").test_client()
    proposal, _ = proposal_of(path, "Web/审阅")
    token = csrf_token(client.get(f"/proposal/{proposal.id}").get_data(as_text=True))
    with Database(path) as other:
        Queue(other).decide(proposal.id, [2], "rejected", "dave")
    client.post(f"/proposal/{proposal.id}/decide", data={"decision": "approved", "scope": "page", "csrf_token": token})
    changes = proposal_of(path, "Web/审阅")[0].changes
    assert (changes[0].decision, changes[1].decision, changes[1].decided_by) == ("approved", "rejected", "dave")


def test_a_queue_that_fails_is_one_line_not_a_traceback(tmp_path, capfd):
    """The queue gone (or busy past its timeout, damaged) while serve runs: 503, the cause in one
    line for the reviewer and the log, and nothing recorded."""
    from bot.core import ZH_WIKIPEDIA, analyze

    path = tmp_path / "q.sqlite3"
    with Database(path, create=True) as database:
        Queue(database).record("wikipedia:zh", 1, analyze(OTHER, ZH_WIKIPEDIA, title="X"), "run")
    client = create_app(lambda: Queue(Database(path)), "erin").test_client()
    assert client.get("/").status_code == 200
    path.rename(tmp_path / "moved.sqlite3")
    answer = client.get("/")
    assert answer.status_code == 503 and "no queue there" in answer.get_data(as_text=True)
    assert "nothing was recorded" in answer.get_data(as_text=True)
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err and captured.err.count("linkbot: ") == 1


def test_only_its_own_address_and_never_framed(tmp_path):
    """A page of another site cannot drive the app: a Host other than the app's own address (DNS
    rebinding) is refused, a POST from another origin is refused even with a valid token, every
    answer forbids framing, and numbers are ASCII and bounded."""
    import http.cookiejar

    from bot.core import ZH_WIKIPEDIA, analyze

    path = tmp_path / "q.sqlite3"
    with Database(path, create=True) as database:
        scanned = analyze(OTHER, ZH_WIKIPEDIA, title="Web/Other")  # proven, as a wiki scan records it
        scanned = dataclasses.replace(scanned, changes=tuple(dataclasses.replace(c, proof="proven") for c in scanned.changes))
        Queue(database).record("wikipedia:zh", 1, scanned, "run")
    app = create_app(lambda: Queue(Database(path)), "erin")
    instance = loopback_server(app, "127.0.0.1", 0)
    threading.Thread(target=instance.serve_forever, daemon=True).start()
    port = instance.server_address[1]
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def fetch(path: str, host: str = f"127.0.0.1:{port}", data: dict | None = None, origin: str = "") -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, headers={"Host": host, **({"Origin": origin} if origin else {})})
        try:
            with opener.open(request, timeout=30) as answer:
                return answer.status, answer.read().decode(), dict(answer.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    try:
        status, _, headers = fetch("/")
        policy = headers["Content-Security-Policy"]
        assert status == 200 and "frame-ancestors 'none'" in policy and headers["X-Frame-Options"] == "DENY"
        assert "script-src 'nonce-" in policy and "unsafe-inline" not in policy and "img-src http: https:" in policy
        assert fetch("/", host=f"localhost:{port}")[0] == 200
        assert fetch("/", host=f"evil.example:{port}")[0] == 421  # DNS rebinding: the name resolves here, the app still refuses
        proposal, _ = proposal_of(path, "Web/Other")
        token = csrf_token(fetch(f"/proposal/{proposal.id}")[1])
        form = {"decision": "approved", "scope": "page", "csrf_token": token}
        assert fetch(f"/proposal/{proposal.id}/decide", data=form, host=f"evil.example:{port}", origin=f"http://evil.example:{port}")[0] == 421
        assert fetch(f"/proposal/{proposal.id}/decide", data=form, origin="http://evil.example")[0] == 403
        assert proposal_of(path, "Web/Other")[1] == []  # nothing decided
        assert fetch(f"/proposal/{proposal.id}/decide", data=form, origin=f"http://127.0.0.1:{port}")[0] == 200  # (after the redirect)
        assert [entry.who for entry in proposal_of(path, "Web/Other")[1]] == ["erin"]
        assert fetch("/proposal/%D9%A1")[0] == 404  # "١" (ARABIC-INDIC DIGIT ONE) is no proposal number
        assert fetch("/proposal/" + "9" * 30)[0] == 404
        change = {"decision": "rejected", "scope": "change", "csrf_token": token}
        assert fetch(f"/proposal/{proposal.id}/decide", data={**change, "value": "²"})[0] == 400
        assert fetch(f"/proposal/{proposal.id}/decide", data={**change, "value": "9" * 30})[0] == 400
        assert fetch("/?p=%D9%A1")[0] == 200
    finally:
        instance.shutdown()
        instance.server_close()


def test_each_server_has_a_session_cookie_of_its_own(server):
    """Browsers share cookies between the ports of 127.0.0.1: two servers (two queues) open in one
    browser must not overwrite each other's session, whose CSRF token each form carries."""
    port = server.rpartition(":")[2]
    with urllib.request.urlopen(server + "/", timeout=30) as answer:
        cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith(f"linkbot_{port}=") and "SameSite=Strict" in cookie and "HttpOnly" in cookie
