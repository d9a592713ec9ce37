"""What every command shares: output streams, exit codes, colors, run ids, member-list registries.

Exit codes (also in README.md):
    0   success (for ``--check``: nothing would change)
    1   ``--check``: changes would be made
    2   usage error (bad arguments)
    3   configuration or authentication error; an unusable queue file
    4   some inputs could not be processed (the others were); an unknown proposal or change
    5   wiki run: some pages were not saved (refused, conflicting, or the wiki stayed down)
    6   wiki run: stopped by the emergency-stop page (``linkbot run``: or a new talk-page message)
    7   another linkbot process is writing to the wiki with this queue (the run lock)
    130 interrupted
    141 the output pipe was closed early (e.g. ``| head``)
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.settings import Settings

EXIT_OK, EXIT_CHANGES, EXIT_USAGE, EXIT_CONFIG, EXIT_INPUT, EXIT_PARTIAL, EXIT_STOPPED = 0, 1, 2, 3, 4, 5, 6
EXIT_LOCKED, EXIT_STORAGE = 7, 8
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141


@dataclass(frozen=True)
class Streams:
    out: TextIO
    err: TextIO


def use_color(settings: Settings, stream: TextIO, environ: Mapping[str, str]) -> bool:
    if settings.color != "auto":
        return settings.color == "always"
    return hasattr(stream, "isatty") and stream.isatty() and not environ.get("NO_COLOR")


def open_queue(args, settings: Settings, environ, create: bool = False):
    """The review queue: ``--queue`` > ``$LINKBOT_QUEUE`` > ``[queue] path`` > the user's state folder.
    Only commands that record proposals create it; the others refuse a path where none exists."""
    from bot.queue.proposals import Queue
    from bot.queue.store import Database

    return Queue(Database(queue_file(args, settings, environ), create=create))


def queue_file(args, settings: Settings, environ) -> Path:
    from bot.queue.store import queue_path

    return queue_path(getattr(args, "queue", None), environ, settings.queue_path)


def writer_lock(settings: Settings, queue: Path, command: str):
    """The run lock of a command that writes to the wiki: one writer per queue at a time (exit 7 for
    the second); nothing to take in a dry run."""
    if settings.mode != "live" and command != "run":  # a scheduled run takes it in either mode: one run at a time
        return contextlib.nullcontext()
    from bot.runs.lock import writer_locks

    return writer_locks(settings, queue, command)


def run_id() -> str:
    import datetime
    import uuid

    return f"{datetime.datetime.now(datetime.UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def run_exit_code(report, check: bool) -> int:
    """A wiki run's exit code, from its report: why it stopped (a ``StopReason``), what failed."""
    from bot.runs.stops import LIMITS, REQUESTED

    stop = report.stop
    if stop is not None and stop.reason in REQUESTED:
        return EXIT_STOPPED
    if report.failed or (stop is not None and stop.reason not in LIMITS):
        return EXIT_PARTIAL
    if report.unanalysed:  # pages over the limits, parts of a dump that cannot be read
        return EXIT_INPUT
    return EXIT_CHANGES if check and report.tally.changed else EXIT_OK


def registries(args, settings: Settings) -> list:
    from bot.inputs.registries import load_all, registry_folder

    named = member_list(args, settings)
    return [named] if named is not None else load_all(registry_folder(settings.config_path))


def member_list(args, settings: Settings):
    name = getattr(args, "member_list", None)
    if not name:
        return None
    from bot.inputs.registries import load_named, registry_folder

    return load_named(name, registry_folder(settings.config_path))
