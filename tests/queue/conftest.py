"""A fresh queue file for each test of the queue package."""

from __future__ import annotations

import pytest

from bot.queue.proposals import Queue
from bot.queue.store import Database


@pytest.fixture
def queue(tmp_path):
    database = Database(tmp_path / "queue.sqlite3", create=True)
    yield Queue(database)
    database.close()
