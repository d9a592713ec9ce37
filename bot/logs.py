"""structlog set-up: human-readable or JSON lines on standard error."""

from __future__ import annotations

import logging
from typing import TextIO

import structlog


def configure_logging(verbosity: int, stream: TextIO, log_format: str = "text", *, wiki: bool = False) -> None:
    """Wiki runs log every page and save at info level; offline commands only warnings unless -v."""
    quiet = logging.INFO if wiki else logging.WARNING
    level = quiet if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=False,
    )


def get_logger(**context) -> structlog.typing.FilteringBoundLogger:
    return structlog.get_logger("linkbot").bind(**context)
