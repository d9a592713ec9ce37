"""structlog set-up: key=value lines on standard error, quiet unless asked (-v info, -vv debug)."""

from __future__ import annotations

import logging
from typing import TextIO

import structlog


def configure_logging(verbosity: int, stream: TextIO) -> None:
    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.dev.ConsoleRenderer(colors=False),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=False,
    )


def get_logger(**context) -> structlog.typing.FilteringBoundLogger:
    return structlog.get_logger("linkbot").bind(**context)
