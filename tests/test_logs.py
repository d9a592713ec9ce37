"""Log lines: JSON to a rotating file besides the terminal."""

from __future__ import annotations

import io
import json

from bot.logs import configure_logging, get_logger


def test_log_file_rotates(tmp_path):
    path = tmp_path / "logs" / "linkbot.jsonl"
    configure_logging(0, io.StringIO(), wiki=True, log_file=str(path), max_bytes=2000, backups=2)
    log = get_logger(run="r1")
    for number in range(100):
        log.info("page done", page=f"页面{number}", token_like="x" * 10)
    files = sorted(p.name for p in path.parent.iterdir())
    assert files == ["linkbot.jsonl", "linkbot.jsonl.1", "linkbot.jsonl.2"]
    last = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert last[-1]["page"] == "页面99" and last[-1]["run"] == "r1" and last[-1]["level"] == "info"
