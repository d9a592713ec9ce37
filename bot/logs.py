"""structlog set-up: human-readable or JSON lines on standard error."""

from __future__ import annotations

import json
import logging
import logging.handlers
from pathlib import Path
from typing import TextIO

import structlog

from bot.errors import ConfigError, LinkbotError, storage_error


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
        self._path = path
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._handler = _RaisingHandler(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
        except OSError as error:
            raise self._failure(error) from None
        self._handler.setFormatter(logging.Formatter("%(message)s"))

    def __call__(self, logger, method_name, event_dict):
        line = json.dumps(event_dict, ensure_ascii=False, default=str)
        try:
            self._handler.emit(logging.LogRecord("linkbot", logging.INFO, "", 0, line, None, None))
        except OSError as error:
            raise self._failure(error) from None
        return event_dict

    def _failure(self, error: OSError) -> LinkbotError:
        return storage_error(f"{self._path} (the log file)", error) or ConfigError(
            f"{self._path}: cannot write the log file: {error.strerror or error}"
        )


class _RaisingHandler(logging.handlers.RotatingFileHandler):
    """logging's handlers print a traceback and go on when a write fails; this one raises, so a
    full disk is the run's one-line storage error."""

    def handleError(self, record) -> None:
        raise  # noqa: PLE0704 - called by emit() inside its except block: re-raises the OSError


def get_logger(**context) -> structlog.typing.FilteringBoundLogger:
    return structlog.get_logger("linkbot").bind(**context)
