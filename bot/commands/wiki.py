"""Commands that talk to a wiki: ``scan`` of wiki pages, ``apply``, and ``sandbox`` (a local test wiki)."""

from __future__ import annotations

import dataclasses
import itertools
import signal
import sys
import time
from functools import partial
from pathlib import Path

from bot.commands.common import (
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_USAGE,
    Streams,
    open_queue,
    queue_file,
    registries,
    run_exit_code,
    run_id,
    use_color,
    writer_lock,
)
from bot.errors import InputError, LinkbotError
from bot.queue.store import default_queue_path
from bot.settings import Settings


def connect(settings: Settings, args, environ, extra_args: list[str] = (), login: bool | None = None):
    """The wiki session for a command: pywikibot's site with linkbot's profile and retry layer.

    Live mode must log in; a dry run logs in when an account is configured (bigger batches).
    Without a configured pywikibot folder, pywikibot's own files go to linkbot's state folder.
    """
    from bot.wiki.session import open_session

    return open_session(
        [*settings.pywikibot_args, *extra_args],
        login=(True if settings.mode == "live" else None) if login is None else login,
        host_aliases=settings.host_aliases,
        policy=settings.retry,
        verbose=getattr(args, "verbose", 0) >= 2,
        files_dir=default_queue_path(environ).parent / "pywikibot",
        load=settings.bot,
        wiki_id=settings.wiki_id,
    )


def cmd_scan_wiki(args, wiki_args: list[str], settings: Settings, streams: Streams, environ) -> int:
    """Pages of a live wiki: dry run by default, saves with --mode live (under the run lock)."""
    if args.format == "titles":
        print("linkbot: --format titles is for files and dumps; a wiki scan records its proposals", file=streams.err)
        return EXIT_USAGE
    if _dry_trial(args, settings, streams):
        return EXIT_USAGE
    from bot.runs.journal import finish_run, start_run
    from bot.runs.scan import ScanLoop  # (pywikibot is imported only when a wiki is used)
    from bot.wiki.sources import read_pages

    with writer_lock(settings, queue_file(args, settings, environ), "scan"):
        session, rest = connect(settings, args, environ, wiki_args)
        queue = open_queue(args, settings, environ, create=True)
        try:
            context = run_context(session, settings, queue, args)
            if context.live:
                start_run(context, "scan", wiki_args, args.trial)
            unreadable: list[tuple[str, str]] = []  # parts of dumps: reported now and in the summary; exit 4
            pages = read_pages(
                session.site, _selected_pages(session, settings, rest, unreadable, streams), settings.retry,
                namespaces=settings.namespaces, shutoff=context.reading(),
            )  # fmt: skip
            loop = ScanLoop(context, streams.out, color=use_color(settings, streams.out, environ), json_output=args.format == "json")
            report = loop.run(pages)
            report.unanalysed[:0] = unreadable
            if context.live:
                finish_run(context, report)
                write_trial_report(args, queue, context.run_id, streams)
        finally:
            queue.db.close()
    summary_stream = streams.err if args.format == "json" else streams.out
    if not args.no_summary:
        summary_stream.write("\n" + report.render())
    streams.out.flush()
    return run_exit_code(report, args.check)


def _selected_pages(session, settings: Settings, source_args: list[str], unreadable: list, streams: Streams):
    """The pages pywikibot's generator arguments select, then those each ``-xml:`` dump preselects
    (a part of a dump that cannot be read is reported on stderr and noted in ``unreadable``)."""
    from bot.inputs.preselection import planned_titles
    from bot.inputs.limits import PageLimits
    from bot.wiki.sources import generator_pages, pages_named, split_source_args

    def dump_problem(error) -> None:
        unreadable.append((error.source, error.message))
        print(f"linkbot: {error}", file=streams.err)

    generator_args, dumps = split_source_args(source_args)
    sources = [generator_pages(session.site, generator_args)] if generator_args or not dumps else []
    for dump in dumps:
        notice = partial(_dump_notice, dump, streams.err)  # a page not analysed (not wikitext), another wiki's dump
        titles = planned_titles(dump, session.profile, settings.options, dump_problem, PageLimits.of(settings), notice)
        sources.append(pages_named(session.site, titles))
    return itertools.chain.from_iterable(sources)


def _dump_notice(dump: str, stream, line: str) -> None:
    print(f"linkbot: {dump}: {line}", file=stream)


def run_context(session, settings: Settings, queue, args, max_minutes: float = 0.0):
    """What a wiki command works with; its one budget starts now (``--max-edits``/``--trial``, and for
    ``linkbot run`` ``[run] max_minutes``)."""
    from bot.runs.context import RunContext
    from bot.runs.stops import Budget, RunLimits

    queue.remember_wiki(session.wiki_id, session.index_url)
    limit = "--trial" if getattr(args, "trial", None) else "--max-edits"  # (a trial of N is a run of at most N edits)
    budget = Budget(RunLimits.starting(time.monotonic(), settings.max_edits, max_minutes, limit))
    return RunContext(session, settings, queue, run_id(), tuple(registries(args, settings)), budget=budget)


def cmd_apply(args, settings: Settings, streams: Streams, environ) -> int:
    """Save the approved changes. A live apply takes the run lock: two savers working through one
    queue at once would each find the other's saves and call them stale."""
    queue = open_queue(args, settings, environ)  # first: a queue that is not there never loads pywikibot
    from bot.runs.apply import apply_approved
    from bot.runs.journal import finish_run, start_run

    try:
        with writer_lock(settings, queue.db.path, "apply"):
            session, _ = connect(settings, args, environ)
            context = run_context(session, settings, queue, args)
            if context.live:
                start_run(context, "apply", ["the queue's approved proposals"])
            report = apply_approved(context, streams.out, use_color(settings, streams.out, environ))
            report.held = queue.waiting(session.wiki_id)  # the queue's count: apply itself proposes nothing
            if context.live:
                finish_run(context, report)
    finally:
        queue.db.close()
    streams.out.write("\n" + report.render())
    return run_exit_code(report, check=False)


def cmd_sandbox(args, settings: Settings, streams: Streams, environ) -> int:
    """Create a local wiki with the seed pages and serve it until interrupted."""
    from bot.sandbox.mediawiki import prepare_sandbox

    sandbox = prepare_sandbox(Path(args.dir), port=args.port or None)
    folder = Path(args.dir).resolve()
    print(
        f"A local wiki is running at {sandbox.url}/index.php (Ctrl-C stops it).\n"
        f"The seed pages are under Sandbox/; the bot account is {sandbox.bot[0]}.\n"
        "Try:\n"
        f"  PYWIKIBOT_DIR={folder}/pywikibot linkbot scan --config {folder}/linkbot.toml -prefixindex:Sandbox/\n"
        f"  PYWIKIBOT_DIR={folder}/pywikibot linkbot scan --config {folder}/linkbot.toml -prefixindex:Sandbox/ --mode live",
        file=streams.out,
        flush=True,
    )
    # SIGTERM (a service manager, a test) must stop the wiki too, not orphan php -S.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(EXIT_OK))
    try:
        sandbox.process.wait()
    finally:
        sandbox.stop()
    return EXIT_OK



def cmd_run(args, settings: Settings, streams: Streams, environ) -> int:
    """One scheduled run (see bot.runs.scheduled); prints one JSON summary line. The only command
    whose configuration may say live (``[wiki] mode``): the others need ``--mode live``."""
    from bot.runs.journal import finish_run, start_run
    from bot.runs.scheduled import failed_summary, scheduled_run, summary_line

    if _dry_trial(args, settings, streams):
        return EXIT_USAGE
    this_run = run_id()
    with writer_lock(settings, queue_file(args, settings, environ), "run"):
        try:
            session, _ = connect(settings, args, environ)
            queue = open_queue(args, settings, environ, create=True)
        except LinkbotError as error:
            # cron's log still gets its one summary line (then the error's own line, and its exit code).
            streams.out.write(summary_line(failed_summary(settings.mode, this_run, error)) + "\n")
            raise
        try:
            context = dataclasses.replace(run_context(session, settings, queue, args, settings.run.max_minutes), run_id=this_run)
            start_run(context, "run", settings.run.sources, args.trial)
            outcome = scheduled_run(context, args.acknowledge_talk)
            finish_run(context, outcome.report)
            write_trial_report(args, queue, this_run, streams)
        finally:
            queue.db.close()
    streams.out.write(summary_line(outcome.summary) + "\n")
    return run_exit_code(outcome.report, check=False)


def cmd_template(args, settings: Settings, streams: Streams, environ) -> int:
    """Create or update the review page's ``{{linkbot change}}`` template, in the review language:
    a dry run prints the diff, a live run saves it with its own edit summary."""
    import difflib

    from bot.core.review_messages import review_language, review_messages
    from bot.core.reviewpage import TEMPLATE_TITLE
    from bot.present.html import TEMPLATES
    from bot.present.report import colorize_diff
    from bot.wiki.reviewpage import protect_template, publish_template

    live = settings.mode == "live"
    with writer_lock(settings, queue_file(args, settings, environ), "template"):
        session, _ = connect(settings, args, environ)
        language = review_language(session.language, settings.run.review_language)
        skeleton = (TEMPLATES / "linkbot-change.wikitext").read_text(encoding="utf-8")
        current, new_text, revision, why = publish_template(session.site, skeleton, review_messages(language), settings.retry, live)
        protection = protect_template(session.site, settings.retry, live)
    diff = difflib.unified_diff(current.splitlines(True), new_text.splitlines(True), "a/" + TEMPLATE_TITLE, "b/" + TEMPLATE_TITLE)
    streams.out.write(colorize_diff("".join(diff), use_color(settings, streams.out, environ)))
    if revision:
        print(f"linkbot: {TEMPLATE_TITLE} saved ({language}), revision {revision}", file=streams.err)
    elif why == "unchanged" or (not live and current.rstrip() == new_text.rstrip()):
        print(f"linkbot: {TEMPLATE_TITLE} is up to date ({language})", file=streams.err)
    elif live:
        print(f"linkbot: {TEMPLATE_TITLE} not saved: {why}", file=streams.err)
        return EXIT_PARTIAL
    else:
        print(f"linkbot: dry run ({language}): nothing saved; --mode live saves it", file=streams.err)
    print(f"linkbot: {protection}", file=streams.err)
    return EXIT_OK


def _dry_trial(args, settings: Settings, streams: Streams) -> bool:
    """A trial asked for in a dry run (said on standard error): a trial saves edits."""
    if args.trial and settings.mode != "live":
        print("linkbot: a trial saves edits: add --mode live", file=streams.err)
        return True
    return False


def write_trial_report(args, queue, run: str, streams: Streams) -> None:
    """After a trial: its report as wikitext (for the approval request), Markdown and HTML."""
    if not getattr(args, "trial", None):
        return
    from bot.inputs.files import write_output
    from bot.present.runs import TRIAL_FORMATS
    from bot.queue.runlog import RunLog

    record = RunLog(queue.db).get(run)
    index_url = queue.wiki_urls().get(record.wiki, "")
    folder = Path(args.trial_report) if args.trial_report else queue.db.path.parent / "trials"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(str(folder), f"cannot create the trial report's folder: {error.strerror or error}") from None
    paths = []
    for suffix, render in TRIAL_FORMATS.items():
        path = folder / f"{run}.{suffix}"
        write_output(str(path), render(record, index_url), "the trial report")
        paths.append(str(path))
    print(f"linkbot: trial report ({len(record.page_edits)} edit(s)): {', '.join(paths)}", file=streams.err)
