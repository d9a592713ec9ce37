"""The web review's error pages: in the app's style, the reason in one line, never a traceback."""

from __future__ import annotations

from bot.queue.proposals import Queue
from bot.queue.store import Database
from bot.web.app import create_app


def test_an_unknown_proposal_is_the_apps_404(seed_queue):
    client = create_app(lambda: Queue(Database(seed_queue)), "erin").test_client()
    answer = client.get("/proposal/999")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 404 and "<h1>404 Not found</h1>" in page and "the queue has no proposal 999" in page
    assert '<main id="main"' in page and 'id="reviewer">erin<' in page and "werkzeug" not in page.lower()  # the app's page
    assert client.get("/nowhere").status_code == 404
    wrong = client.get("/proposal/1/decide")
    assert wrong.status_code == 405 and "<h1>405 Not allowed</h1>" in wrong.get_data(as_text=True)
    asked = client.post("/proposal/999/decide", headers={"Accept": "application/json"})
    assert asked.status_code == 400 and asked.is_json and "CSRF" in asked.get_json()["message"]  # the script gets JSON


def test_a_fault_is_a_500_in_one_line_without_a_traceback(seed_queue, capfd):
    def broken_queue():
        raise RuntimeError("the disk caught fire")  # a fault no real queue file produces on demand

    client = create_app(broken_queue, "erin").test_client()
    answer = client.get("/")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 500 and "<h1>500 Internal error</h1>" in page and "Traceback" not in page
    assert "the disk caught fire" not in page  # the cause goes to the log, not to the page
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and err.startswith("linkbot: internal error: RuntimeError: the disk caught fire")
    assert "Traceback" not in err
