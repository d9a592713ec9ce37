"""Recorded runs on the command line: the list, one run, its trial report in three formats."""

from __future__ import annotations

import io
import json

from bot.cli import EXIT_INPUT, EXIT_OK, EXIT_USAGE, main
from bot.queue.proposals import Queue
from bot.queue.runlog import RunEdit, RunLog, RunRecord, RunSkip
from bot.queue.store import Database

INDEX = "http://127.0.0.1:9/index.php"


def runs(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["runs", *argv], stdout=out, stderr=err, environ={})
    return code, out.getvalue(), err.getvalue()


def filled(path) -> None:
    database = Database(path, create=True)
    Queue(database).remember_wiki("wikipedia:zh", INDEX)
    log = RunLog(database)
    log.start(RunRecord("r1", "run", "wikipedia:zh", "live", 2, None, "2026-12-06T10:00:00+00:00", None, "abc123",
                        ("-cat:X",), {"seconds_between_edits": 10.0, "maxlag": 5, "task_page": "User:LinkBot/任务"}, {}))  # fmt: skip
    log.edit("r1", RunEdit("甲|<b>", 10, 11, {"md-url": 2}, 2, "机器人：修复 2 个链接 [[User:LinkBot/任务]]", ""))
    log.finish("r1", {"edits": 1, "stopped": ""}, [RunSkip("乙", "{{nobots}}")])
    database.close()


def test_list_show_and_trial_reports(tmp_path):
    path = tmp_path / "queue.sqlite3"
    filled(path)
    code, out, _ = runs("--queue", str(path))
    assert code == EXIT_OK and out.startswith("r1  run   live    wikipedia:zh  2026-12-06T10:00:00+00:00  1 edit(s) trial of 2  (done)")
    assert json.loads(runs("--queue", str(path), "--format", "json")[1])["edits"][0]["new_revid"] == 11
    shown = runs("--queue", str(path), "show", "r1")[1]
    assert "rate and load: seconds_between_edits 10.0, maxlag 5, task_page User:LinkBot/任务" in shown
    assert f"{INDEX}?diff=11&oldid=10" in shown and "left alone: 乙: {{nobots}}" in shown
    wikitext = runs("--queue", str(path), "show", "r1", "--format", "wikitext")[1]
    assert (f"# [{INDEX}?title=%E7%94%B2%7C%3Cb%3E <nowiki>甲|&lt;b&gt;</nowiki>] ([{INDEX}?diff=11&oldid=10 diff]): "
            "<nowiki>md-url 2</nowiki>; summary: <nowiki>机器人") in wikitext  # every field quoted: the title's "|" links nothing
    markdown = runs("--queue", str(path), "show", "r1", "--format", "markdown")[1]
    assert f"| 甲\\|<b> | [r11]({INDEX}?diff=11&oldid=10) | md-url 2 |" in markdown
    html = runs("--queue", str(path), "show", "r1", "--format", "html")[1]
    assert "甲|&lt;b&gt;" in html and f'href="{INDEX}?diff=11&amp;oldid=10"' in html and "<script" not in html


def test_usage_and_unknown_run(tmp_path):
    path = tmp_path / "queue.sqlite3"
    filled(path)
    assert runs("--queue", str(path), "--format", "wikitext")[0] == EXIT_USAGE
    assert runs("--queue", str(path), "list", "r1")[0] == EXIT_USAGE
    code, _, err = runs("--queue", str(path), "show", "nope")
    assert code == EXIT_INPUT and err == "linkbot: run nope: no such run in the queue (see linkbot runs)\n"
