"""structlog set-up: human-readable or JSON lines on standard error."""

from __future__ import annotations

import logging
from typing import TextIO

import structlog


def configure_logging(
    verbosity: int,
    stream: TextIO,
    log_format: str = "text",
    *,
    wiki: bool = False,
    log_file: str = "",
    max_bytes: int = 10 * 1024 * 1024,
    backups: int = 5,
) -> None:
    """Wiki runs log every page and save at info level; offline commands only warnings unless -v.
    With ``log_file``, JSON lines also go to that file, rotated at ``max_bytes`` (``backups`` kept)."""
    quiet = logging.INFO if wiki else logging.WARNING
    level = quiet if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    processors = [structlog.processors.add_log_level, structlog.processors.TimeStamper(fmt="iso", utc=True)]
    if log_file:
        processors.append(_FileCopy(log_file, max_bytes, backups))
    structlog.configure(
        processors=[*processors, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=False,
    )


class _FileCopy:
    """A structlog processor writing each event as a JSON line to a rotating file, then passing it on."""

    def __init__(self, path: str, max_bytes: int, backups: int) -> None:
        import json
        import logging.handlers
        from pathlib import Path

        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._json = json
        self._handler = logging.handlers.RotatingFileHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
        self._handler.setFormatter(logging.Formatter("%(message)s"))

    def __call__(self, logger, method_name, event_dict):
        line = self._json.dumps(event_dict, ensure_ascii=False, default=str)
        self._handler.emit(logging.LogRecord("linkbot", logging.INFO, "", 0, line, None, None))
        return event_dict


def get_logger(**context) -> structlog.typing.FilteringBoundLogger:
    return structlog.get_logger("linkbot").bind(**context)
