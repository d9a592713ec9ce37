"""Answering for the bot's edits: ``linkbot runs`` (what each run saved), ``linkbot undo`` (revert a
run) and ``linkbot stats`` (edits, changes, decisions and reverts per rule over time)."""

from __future__ import annotations

import json

from bot.commands.common import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, Streams, open_queue, run_id, writer_lock
from bot.errors import ConfigError
from bot.queue.proposals import Queue
from bot.queue.runlog import RunLog
from bot.settings import Settings


def cmd_accounts(args, settings: Settings, streams: Streams, environ) -> int:
    queue = open_queue(args, settings, environ)
    try:
        if args.command == "runs":
            return cmd_runs(args, queue, streams)
        if args.command == "stats":
            return cmd_stats(args, queue, streams)
        return cmd_undo(args, settings, queue, streams, environ)
    finally:
        queue.db.close()


def cmd_runs(args, queue: Queue, streams: Streams) -> int:
    from bot.present.runs import run_line, run_record, run_text, trial_html, trial_markdown, trial_wikitext

    log = RunLog(queue.db)
    if not args.action:
        if args.format not in ("text", "json"):
            print("linkbot: --format wikitext, markdown and html are for one run: linkbot runs show ID", file=streams.err)
            return EXIT_USAGE
        runs = log.list()
        for run in runs:
            streams.out.write((json.dumps(run_record(run), ensure_ascii=False) if args.format == "json" else run_line(run)) + "\n")
        if not runs and args.format == "text":
            streams.out.write("no runs recorded (live scans, applies, runs and undos are)\n")
        return EXIT_OK
    if len(args.action) != 2 or args.action[0] != "show":
        print("linkbot: runs takes nothing (the list) or: show RUN_ID", file=streams.err)
        return EXIT_USAGE
    run = log.get(args.action[1])
    index_url = queue.wiki_urls().get(run.wiki, "")
    render = {"text": run_text, "wikitext": trial_wikitext, "markdown": trial_markdown, "html": trial_html}.get(args.format)
    streams.out.write(json.dumps(run_record(run), ensure_ascii=False) + "\n" if render is None else render(run, index_url))
    return EXIT_OK


def cmd_undo(args, settings: Settings, queue: Queue, streams: Streams, environ) -> int:
    """Revert a run's edits; a live undo takes the run lock and is recorded as a run of its own."""
    target = RunLog(queue.db).get(args.run)  # first: an unknown run never loads pywikibot
    if target.undoes and not args.force:
        print(f"linkbot: run {target.id} undid run {target.undoes}: undoing it saves the bot's edits again; "
              "add --force if that is what you want", file=streams.err)  # fmt: skip
        return EXIT_USAGE
    from bot.commands.wiki import connect
    from bot.runs.context import RunContext
    from bot.runs.journal import finish_run, start_run
    from bot.runs.report import RunReport
    from bot.runs.undo import undo_run

    live = settings.mode == "live"
    with writer_lock(settings, queue.db.path, "undo"):
        session, _ = connect(settings, args, environ)
        if session.wiki_id != target.wiki:
            raise ConfigError(f"run {target.id} edited {target.wiki}; pywikibot is set up for {session.wiki_id}")
        queue.remember_wiki(session.wiki_id, session.index_url)  # the same wiki at the same address, or a refusal
        context = RunContext(session, settings, queue, run_id())
        if live:
            start_run(context, "undo", [target.id], undoes=target.id)
        report = undo_run(context, target, queue.wiki_urls().get(target.wiki, ""), streams.out)
        if live:
            finish_run(context, RunReport(edits=sum(1 for *_, new in report.undone if new), failed=list(report.failed),
                                          excluded=[(title, f"edited since by {who}") for title, who, _ in report.edited]))  # fmt: skip
    streams.out.write(report.render(target.id, live))
    return EXIT_PARTIAL if report.needs_a_person else EXIT_OK


def cmd_stats(args, queue: Queue, streams: Streams) -> int:
    from bot.present.stats import stats_html, stats_text
    from bot.queue.stats import collect_stats

    stats = collect_stats(queue.db, args.by)
    if args.format == "json":
        streams.out.write(json.dumps(stats.as_dict(), ensure_ascii=False) + "\n")
    else:
        streams.out.write(stats_text(stats))
    if args.html:
        from bot.inputs.files import write_output
        from bot.queue.proposals import now

        write_output(args.html, stats_html(stats, now()), "the statistics page")
        print(f"linkbot: statistics written to {args.html}", file=streams.err)
    return EXIT_OK
