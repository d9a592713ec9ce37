"""The one retry layer: tenacity, for transient failures only.

pywikibot's own retries are switched off (``max_retries = 0``, see ``session``): with its
defaults one request to a wiki that stays down stalls for about 22 minutes. Here transient
failures (connection errors, timeouts, HTTP 5xx, maxlag, ratelimited, readonly) are retried
with exponential back-off and jitter, bounded in count and in total time; then the caller
reports the page and stops the run. Everything else (edit conflicts, protection, abuse
filters, spam blacklist, blocks, missing rights) is raised at once: never retried blindly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

import requests
import tenacity
from pywikibot.exceptions import (
    APIError,
    ApiTimeoutError,
    MaxlagTimeoutError,
    OtherPageSaveError,
    ServerError,
)

from bot.errors import WikiUnavailableError
from bot.logs import get_logger
from bot.settings import RetryPolicy

T = TypeVar("T")
TRANSIENT_CODES = frozenset({"readonly", "ratelimited", "maxlag", "internal_api_error_DBConnectionError"})


def root_cause(error: BaseException) -> BaseException:
    """pywikibot wraps non-save errors raised while saving in OtherPageSaveError(.reason)."""
    if isinstance(error, OtherPageSaveError) and isinstance(error.reason, BaseException):
        return error.reason
    return error


def is_transient(error: BaseException) -> bool:
    cause = root_cause(error)
    if isinstance(cause, APIError):
        return cause.code in TRANSIENT_CODES
    return isinstance(
        cause, (ApiTimeoutError, MaxlagTimeoutError, ServerError, requests.ConnectionError, requests.Timeout)
    )


def with_retries(action: Callable[[], T], policy: RetryPolicy, what: str) -> T:
    """Run ``action``; retry transient failures; raise WikiUnavailableError when they persist."""
    log = get_logger()

    def before_sleep(state: tenacity.RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        log.warning(
            "transient failure, retrying",
            what=what,
            attempt=state.attempt_number,
            error=_describe(error),
            wait=round(state.next_action.sleep if state.next_action else 0, 1),
        )

    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception(is_transient),
        # initial, 2x, 4x ... up to max_wait, each plus up to initial_wait of jitter: a real floor
        # under the total wait, and no two bots hammering a recovering wiki in step.
        wait=tenacity.wait_exponential_jitter(multiplier=policy.initial_wait, max=policy.max_wait, jitter=policy.initial_wait),
        stop=tenacity.stop_after_attempt(policy.attempts) | tenacity.stop_after_delay(policy.total_seconds),
        before_sleep=before_sleep,
        reraise=True,
    )
    try:
        return retrying(action)
    except ConnectionError as error:
        # pywikibot's own (the built-in, not requests'): a host name that does not resolve. Not
        # retried, by pywikibot's decision: a typo in the configuration is the common cause.
        raise WikiUnavailableError(f"{what}: cannot reach the wiki: {_unresolved(error)}") from None
    except Exception as error:
        if is_transient(error):
            raise WikiUnavailableError(f"{what}: {_describe(error)} (gave up after retries)") from None
        raise


def _unresolved(error: ConnectionError) -> str:
    message = str(error)
    host = re.search(r"host='([^']+)'", message)
    reason = re.search(r"\[Errno [^]]+\] ([^)\"']+)", message)
    if host is None:
        return message.splitlines()[0][:200] if message else "connection failed"
    return f"the host {host.group(1)} does not resolve ({reason.group(1) if reason else 'name resolution failed'})"


def _describe(error: BaseException | None) -> str:
    if error is None:
        return "unknown error"
    cause = root_cause(error)
    if isinstance(cause, APIError):
        return f"API error {cause.code}"
    return f"{type(cause).__name__}: {str(cause).splitlines()[0] if str(cause) else ''}".rstrip(": ")


def describe(error: BaseException) -> str:
    """One line for a report: the error's kind and message, no traceback."""
    return _describe(error)

