"""The web review's decisions through its endpoints (bot.web.decisions): the JSON the page's script
reads, the plain form's redirect back to the change, the undo of a bulk decision, and the count a
reviewer needs for the seed page's 306 changes."""

from __future__ import annotations

import re

from bot.queue.proposals import Queue
from bot.queue.store import Database
from bot.web.app import create_app

JSON = {"Accept": "application/json"}


def client_and_token(path):
    client = create_app(lambda: Queue(Database(path)), "erin").test_client()
    page = client.get("/proposal/1").get_data(as_text=True)
    return client, re.search(r'name="csrf-token" content="([^"]+)"', page).group(1), page


def undecided_classes(client) -> list[tuple[str, int, bool, bool]]:
    """(class id, undecided, needs review, proven) of proposal 1, as its page shows them."""
    page = client.get("/proposal/1").get_data(as_text=True)
    found = []
    for body in re.findall(r'<tbody class="class([^"]*)" data-class="([^"]+)">.*?class="num c-undecided">(\d+)<', page, re.DOTALL):
        css, class_id, undecided = body
        found.append((class_id, int(undecided), "needs-review" in css, "unproven" not in css))
    return found


def test_the_seed_pages_306_changes_in_at_most_ten_decisions(seed_queue):
    """Every class at once (ticking "include changes the wiki did not prove" where needed), the
    changes that need review one by one: the decisions (requests) a reviewer makes, counted."""
    client, token, _ = client_and_token(seed_queue)
    made = 0
    for class_id, undecided, needs_review, proven in undecided_classes(client):
        if not undecided:
            continue
        if needs_review:
            numbers = [int(n) for n in re.findall(r'aria-label="approve change (\d+)"', client.get(f"/proposal/1?class={class_id}").get_data(as_text=True))]
            for number in numbers:
                made += 1
                client.post("/proposal/1/decide", headers=JSON, data={"csrf_token": token, "scope": "change", "value": number, "decision": "approved"})
            continue
        made += 1
        form = {"csrf_token": token, "class": class_id, "decision": "approved", **({} if proven else {"include_unproven": "1"})}
        answer = client.post("/proposal/1/class", headers=JSON, data=form)
        assert answer.status_code == 200 and answer.get_json()["numbers"], answer.get_json()
    state = client.post("/proposal/1/class", headers=JSON, data={"csrf_token": token, "class": "md-mirror/title/proven", "decision": "approved"}).get_json()
    print(f"the seed page's {state['proposal']['total']} changes decided in {made} decisions")
    assert state["proposal"]["undecided"] == 0 and state["proposal"]["status"] == "decided" and made <= 10


def test_a_decision_answers_small_json_with_the_truthful_status(seed_queue):
    client, token, page = client_and_token(seed_queue)
    assert "status <span class=\"status undecided\" id=\"status\">undecided</span>" in page
    answer = client.post("/proposal/1/decide", headers=JSON, data={"csrf_token": token, "scope": "change", "value": "2", "decision": "approved"})
    data = answer.get_json()
    assert data["numbers"] == [2] and data["decision"] == "approved" and data["by"] == "erin" and not data["undo"]
    assert data["proposal"] == {"status": "partly decided 1/306", "status_key": "partly", "total": 306, "undecided": 305, "approved": 1, "rejected": 0}
    assert sum(found["approved"] for found in data["classes"]) == 1
    assert re.fullmatch(r"app;dur=[0-9.]+, cpu;dur=[0-9.]+", answer.headers["Server-Timing"]) and len(answer.data) < 20_000
    listed = client.get("/").get_data(as_text=True)
    assert "partly decided 1/306</span>" in listed and ">approved</span>" not in listed  # the list tells the truth too


def test_without_the_script_a_decision_comes_back_to_the_change(seed_queue):
    client, token, _ = client_and_token(seed_queue)
    page = client.get("/proposal/1?p=3").get_data(as_text=True)
    nxt = re.search(r'name="next" value="([^"]*#change-120)"', page).group(1).replace("&amp;", "&")
    answer = client.post("/proposal/1/decide", data={"csrf_token": token, "scope": "change", "value": "120", "decision": "rejected", "next": nxt})
    assert answer.status_code == 302 and answer.headers["Location"] == "/proposal/1?p=3#change-120"
    assert "1 change(s) rejected by erin: 120" in client.get("/proposal/1?p=3").get_data(as_text=True)
    assert client.get("/proposal/1?change=120&decision=pending").headers["Location"] == "/proposal/1?p=3#change-120"  # filter dropped
    assert client.get("/proposal/1?change=120&decision=rejected").headers["Location"] == "/proposal/1?p=1&decision=rejected#change-120"


def test_the_undo_withdraws_exactly_the_bulk_decision(seed_queue):
    client, token, _ = client_and_token(seed_queue)
    bulk = client.post("/proposal/1/decide", headers=JSON, data={"csrf_token": token, "scope": "page", "decision": "rejected"}).get_json()
    assert bulk["undo"] and len(bulk["numbers"]) == 306 and len(str(bulk)) < 20_000
    client.post("/proposal/1/decide", headers=JSON, data={"csrf_token": token, "scope": "change", "value": "5", "decision": "approved"})
    # The same reviewer, from another window, rejects 6 again one by one: a decision since, which the undo leaves.
    for decision in ("approved", "rejected"):
        client.post("/proposal/1/decide", headers=JSON, data={"csrf_token": token, "scope": "change", "value": "6", "decision": decision})
    numbers, mark = ",".join(map(str, bulk["numbers"])), bulk["mark"]
    undone = client.post("/proposal/1/undo", headers=JSON,
                         data={"csrf_token": token, "decision": "rejected", "numbers": numbers, "mark": mark}).get_json()  # fmt: skip
    assert len(undone["numbers"]) == 304 and {5, 6}.isdisjoint(undone["numbers"])
    assert "decided meanwhile, left as they are: 5–6" in undone["message"]
    with Database(seed_queue) as database:
        proposal = Queue(database).get(1)
    assert {item.number: str(item.decision) for item in proposal.changes if item.decision != "pending"} == {5: "approved", 6: "rejected"}
    for form in ({"numbers": "1;DROP", "mark": mark}, {"numbers": "7", "mark": ""}, {"numbers": "7", "mark": "bulk 0123456789ab"}):
        refused = client.post("/proposal/1/undo", headers=JSON, data={"csrf_token": token, "decision": "rejected", **form})
        assert refused.status_code in (400, 409) or refused.get_json()["numbers"] == []  # only a bulk's own rows, named by its mark


def test_an_unproven_class_needs_the_box_and_a_needs_review_class_is_one_by_one(tmp_path):
    from bot.core import ZH_WIKIPEDIA, analyze

    path = tmp_path / "q.sqlite3"
    text = '[北京](../Page/北京.md "wikilink")、[上海](../Page/上海.md "wikilink")、![A](https://zh.wikipedia.org/wiki/File:A.jpg "fig:A")'
    with Database(path, create=True) as database:
        Queue(database).record("wikipedia:zh", 1, analyze(text, ZH_WIKIPEDIA, title="P"), "run")  # no wiki asked: unproven
    client, token, page = client_and_token(path)
    assert "include changes the wiki did not prove" in page and "needs review: one by one" in page
    form = {"csrf_token": token, "class": "md-mirror/title/unasked", "decision": "approved"}
    refused = client.post("/proposal/1/class", headers=JSON, data=form)
    assert refused.status_code == 409 and "not proven" in refused.get_json()["message"]
    taken = client.post("/proposal/1/class", headers=JSON, data={**form, "include_unproven": "1"}).get_json()
    assert taken["numbers"] == [1, 2] and taken["undo"]
    review = client.post("/proposal/1/class", headers=JSON, data={**form, "class": "file/image/unasked/review"})
    assert review.status_code == 409 and "one by one" in review.get_json()["message"]
    page = client.post("/proposal/1/decide", follow_redirects=True, data={"csrf_token": token, "scope": "page", "decision": "approved"})
    assert "need review or were not proven by the wiki, and were left undecided: approve them one by one, or by their class (3)" in page.get_data(as_text=True)


def test_an_answer_carries_what_others_decided_meanwhile(seed_queue):
    """bob approves a class from the command line while the page is open; the next answer tells the page
    every change's decision, and who decided those that are not the reviewer's, so the rows show it."""
    from bot.queue.classes import decide_class
    from bot.queue.states import Decision

    client, token, _ = client_and_token(seed_queue)
    with Database(seed_queue) as database:
        decide_class(Queue(database), "md-external/external/proven", Decision.APPROVED, "bob")
    data = client.post("/proposal/1/decide", headers=JSON, data={"csrf_token": token, "scope": "change", "value": "1", "decision": "rejected"}).get_json()
    assert len(data["decisions"]) == 306 and data["decisions"][0] == "r"
    bobs = {int(number) for number, who in data["others"].items() if who == "bob"}
    assert len(bobs) == 3 and all(data["decisions"][number - 1] == "a" for number in bobs) and len(str(data)) < 20_000


def test_a_second_click_records_nothing(seed_queue):
    client, token, _ = client_and_token(seed_queue)
    form = {"csrf_token": token, "scope": "change", "value": "7", "decision": "approved"}
    assert client.post("/proposal/1/decide", headers=JSON, data=form).get_json()["numbers"] == [7]
    again = client.post("/proposal/1/decide", headers=JSON, data=form)
    assert again.status_code == 409 and "change 7 is approved already: nothing recorded" in again.get_json()["message"]
    with Database(seed_queue) as database:
        assert [entry.number for entry in Queue(database).audit(1)] == [7]
