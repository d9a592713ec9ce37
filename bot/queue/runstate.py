"""What scheduled runs remember between runs, in the queue file: named values (the last
recent-changes time, the review page's and the talk page's last revisions) and the revision of
each page a run last analysed."""

from __future__ import annotations

from bot.queue.store import Database


class RunState:
    """What scheduled runs remember between runs (in the queue file): keys, and pages' last-seen revisions."""

    def __init__(self, database: Database) -> None:
        self.db = database

    def get(self, key: str, default: str = "") -> str:
        rows = self.db.query("SELECT value FROM run_state WHERE key = ?", (key,))
        return rows[0]["value"] if rows else default

    def set(self, key: str, value: str) -> None:
        with self.db.transaction() as sql:
            sql.execute("INSERT INTO run_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    def named(self, prefix: str) -> dict[str, str]:
        """Every key starting with ``prefix`` (exactly: no pattern characters), with its value."""
        rows = self.db.query("SELECT key, value FROM run_state WHERE substr(key, 1, ?) = ?", (len(prefix), prefix))
        return {row["key"]: row["value"] for row in rows}

    def forget(self, key: str) -> None:
        with self.db.transaction() as sql:
            sql.execute("DELETE FROM run_state WHERE key = ?", (key,))

    def seen(self, wiki: str, title: str) -> int:
        rows = self.db.query("SELECT revid FROM page_seen WHERE wiki = ? AND title = ?", (wiki, title))
        return rows[0]["revid"] if rows else 0

    def mark_seen(self, wiki: str, title: str, revid: int) -> None:
        with self.db.transaction() as sql:
            sql.execute(
                "INSERT INTO page_seen (wiki, title, revid) VALUES (?, ?, ?) ON CONFLICT(wiki, title) DO UPDATE SET revid = excluded.revid",
                (wiki, title, revid),
            )
