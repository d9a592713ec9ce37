"""The web review's pages (bot.web.pages): a proposal's classes first, its changes 50 a page with
filters, image previews as the app's own figure, content marked with its language."""

from __future__ import annotations

import dataclasses

from bot.core import ZH_WIKIPEDIA, analyze
from bot.core.model import Display
from bot.core.preview import ImagePreview
from bot.queue.proposals import Queue
from bot.queue.store import Database
from bot.web.app import create_app

IMAGES = ('![A](https://zh.wikipedia.org/wiki/File:A.jpg "fig:A")与'
          '![B](https://zh.wikipedia.org/wiki/File:B.jpg "fig:B")')  # fmt: skip


def test_a_proposal_page_shows_classes_then_a_page_of_changes(seed_queue):
    client = create_app(lambda: Queue(Database(seed_queue)), "erin").test_client()
    page = client.get("/proposal/1").get_data(as_text=True)
    assert page.index('id="classes"') < page.index('id="changes"') < page.index('id="change-1"')
    assert page.count('class="change"') == 50 and "changes 1–50 of 306" in page and "page 1 of 7" in page
    assert 'aria-label="approve class md-mirror/title/proven"' in page and 'aria-label="approve change 50"' in page
    assert '<span class="context" lang="zh">' in page and '<html lang="en">' in page
    assert "<header" in page and "<main" in page and 'class="skip" href="#main"' in page
    last = client.get("/proposal/1?p=7").get_data(as_text=True)
    assert last.count('class="change"') == 6 and 'id="change-306"' in last
    only = client.get("/proposal/1?class=category/category-tag/proven").get_data(as_text=True)
    assert only.count('class="change"') == 2 and "matching the filter (306 in all)" in only
    assert client.get("/proposal/1?change=999").headers["Location"] == "/proposal/1"


def test_an_image_change_shows_the_wikis_preview_as_the_apps_figure(tmp_path):
    result = analyze(IMAGES, ZH_WIKIPEDIA, title="图")
    preview = ImagePreview('https://upload.example/a.jpg?"x"', 220, 165, 'A <b>', "一张<图>", "right", "thumb")
    images = [i for i, change in enumerate(result.changes) if change.display == Display.IMAGE]
    assert len(images) == 2
    changes = list(result.changes)
    changes[images[0]] = dataclasses.replace(changes[images[0]], preview=preview.to_json())
    changes[images[1]] = dataclasses.replace(changes[images[1]], preview=dataclasses.replace(preview, src="javascript:alert(1)").to_json())
    path = tmp_path / "q.sqlite3"
    with Database(path, create=True) as database:
        Queue(database).record("wikipedia:zh", 1, dataclasses.replace(result, changes=tuple(changes)), "run")
    page = create_app(lambda: Queue(Database(path)), "erin").test_client().get("/proposal/1").get_data(as_text=True)
    assert '<img src="https://upload.example/a.jpg?&#34;x&#34;" width="220" height="165" alt="A &lt;b&gt;" lang="zh"' in page
    assert '220×165 px, thumb, right; caption: <q lang="zh">一张&lt;图&gt;</q>' in page
    assert "javascript:" not in page and "no preview recorded" in page  # an address that is not http(s) is no preview


def test_classes_across_the_queue_are_judged_and_decided_at_once(seed_queue):
    """The seed page and a small page share md-mirror/title/proven: one decision on the queue's classes
    page approves it on both; a class that needs nothing more is gone from the page."""
    import re

    client = create_app(lambda: Queue(Database(seed_queue)), "erin").test_client()
    assert 'id="queue-classes"' in client.get("/").get_data(as_text=True)
    page = client.get("/classes").get_data(as_text=True)
    assert '<code>md-mirror/title/proven</code>' in page and "on 2 page(s)" in page and 'href="/proposal/1?change=' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    done = client.post("/classes/decide", data={"csrf_token": token, "class": "md-mirror/title/proven", "decision": "approved"},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "286 change(s) of class md-mirror/title/proven approved by erin on 2 page(s)" in done
    assert '<code>md-mirror/title/proven</code>' not in done
    with Database(seed_queue) as database:
        trail = Queue(database).audit(2)
    assert [(entry.who, entry.reason, entry.source) for entry in trail] == [("erin", "class md-mirror/title/proven", "web")]
    refused = client.post("/classes/decide", data={"csrf_token": token, "class": "md-mirror/title/proven/review", "decision": "approved"},
                          follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "one by one" in refused
    assert client.post("/classes/decide", data={"class": "md-mirror/title/proven", "decision": "approved"}).status_code == 400  # no token


def test_go_to_takes_the_full_width_digits_of_a_chinese_input_method(seed_queue):
    client = create_app(lambda: Queue(Database(seed_queue)), "erin").test_client()
    assert client.get("/proposal/1?change=１５０").headers["Location"] == "/proposal/1?p=3#change-150"
    assert client.get("/proposal/1?change=١٥٠").status_code == 200  # other scripts' digits are not taken for ASCII ones
