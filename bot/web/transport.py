"""How the web review's answers travel: compressed (gzip, by flask-compress) and timed.

Every answer says how long the app took, in milliseconds (``Server-Timing: app;dur=…, cpu;dur=…``,
which the browser's Performance API shows and the tests read): ``app`` from the request's arrival to
its answer, ``cpu`` the processor time the request's thread spent (each request has its own thread),
which a busy machine does not inflate. A decision should take well under 100 ms of either.
"""

from __future__ import annotations

import time

from flask import Flask, g
from flask_compress import Compress


def timed_and_compressed(app: Flask) -> None:
    """Register first: the timing starts before any other hook and ends after compression."""

    @app.before_request
    def start_clock() -> None:
        g.started = (time.perf_counter(), time.thread_time())

    @app.after_request
    def server_timing(response):
        started = g.get("started")
        if started is not None:
            wall, cpu = time.perf_counter() - started[0], time.thread_time() - started[1]
            response.headers["Server-Timing"] = f"app;dur={wall * 1000:.1f}, cpu;dur={cpu * 1000:.1f}"
        return response

    app.config.update(COMPRESS_ALGORITHM=["gzip"], COMPRESS_MIN_SIZE=500, COMPRESS_REGISTER=True)
    Compress(app)  # its after_request runs before server_timing's (Flask runs them last registered first)
