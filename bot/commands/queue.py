"""Commands on the review queue: list, show, approve, reject, review, report (apply is in commands.wiki)."""

from __future__ import annotations

import getpass
import json
import sys

from bot.commands.common import EXIT_INPUT, EXIT_OK, Streams, open_queue, use_color
from bot.errors import InputError
from bot.inputs.files import write_output
from bot.present.proposals import listed_line, proposal_line, proposal_record
from bot.present.report import colorize_diff
from bot.queue.proposals import Queue
from bot.queue.states import Decision, Source
from bot.settings import Settings


def cmd_queue(args, settings: Settings, streams: Streams, environ) -> int:
    """list, show, approve, reject, report, review, serve: the queue only (apply is a wiki command)."""
    queue = open_queue(args, settings, environ)
    try:
        if args.command == "list":
            return cmd_list(args, queue, streams.out)
        if args.command == "show":
            return cmd_show(args, queue, streams.out, use_color(settings, streams.out, environ))
        if args.command in ("approve", "reject"):
            who = reviewer_name(args, settings, environ)
            decision = {"approve": Decision.APPROVED, "reject": Decision.REJECTED}[args.command]
            return cmd_decide(args, queue, streams.out, who, decision)
        if args.command == "report":
            return cmd_report(args, queue, streams)
        if args.command == "review":
            return cmd_review(args, settings, queue, streams, environ)
        if args.command == "serve":
            return cmd_serve(args, settings, queue, streams, environ)
        raise AssertionError(f"not a queue command: {args.command}")  # pragma: no cover - cli dispatches
    finally:
        queue.db.close()


def cmd_review(args, settings: Settings, queue: Queue, streams: Streams, environ) -> int:
    """In a terminal: screens that fit it, and a pager; from a pipe: everything at once, no pager."""
    import shutil

    from bot.present.review import Review, Screen, terminal_pager

    who = reviewer_name(args, settings, environ)
    color = use_color(settings, streams.out, environ)
    interactive = _interactive(streams)
    if interactive:
        size = shutil.get_terminal_size()
        screen, pager = Screen(size.columns, size.lines), terminal_pager(environ)
    else:
        screen, pager = Screen(), None
    return Review(queue, who, _line_reader(streams), streams.out, color, screen, pager).run()


def cmd_serve(args, settings: Settings, queue: Queue, streams: Streams, environ) -> int:
    """The web review on loopback until interrupted; each request opens the queue file anew."""
    from bot.queue.store import Database
    from bot.web.app import create_app
    from bot.web.server import loopback_server, serve_until_interrupted

    path = queue.db.path
    app = create_app(lambda: Queue(Database(path)), reviewer_name(args, settings, environ))
    server = loopback_server(app, args.host, args.port)
    serve_until_interrupted(server, lambda line: print(line, file=streams.err, flush=True))
    return EXIT_OK


def _interactive(streams: Streams) -> bool:
    return getattr(streams.out, "raw", streams.out) is sys.stdout and sys.stdin.isatty() and sys.stdout.isatty()


def _line_reader(streams: Streams):
    """input() when talking to a real terminal (line editing); a plain read otherwise."""
    if _interactive(streams):
        return input

    def read(prompt: str) -> str:
        streams.out.write(prompt)
        streams.out.flush()
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line

    return read


def cmd_report(args, queue: Queue, streams: Streams) -> int:
    from bot.present.html import UNDECIDED, render_report
    from bot.queue.listing import Listing
    from bot.queue.proposals import now

    listing = Listing(queue.db)
    try:
        write_output(args.html, render_report(listing, now(), queue.wiki_urls()), "the report")
    except InputError as error:
        print(f"linkbot: {error}", file=streams.err)
        return EXIT_INPUT
    print(f"linkbot: {listing.count(UNDECIDED)} proposal(s) written to {args.html}", file=streams.err)
    return EXIT_OK


def reviewer_name(args, settings, environ) -> str:
    name = getattr(args, "reviewer", None) or settings.reviewer or environ.get("USER") or environ.get("LOGNAME")
    if not name:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):
            name = "unknown"
    return name


def cmd_list(args, queue: Queue, out) -> int:
    """Streamed from the queue in batches: any size of queue in bounded memory."""
    from bot.queue.listing import Filters, Listing

    listing = Listing(queue.db)
    filters = Filters(status=args.status or "", rule=args.rule or "", exact_title=args.page or "")
    shown = 0
    if args.format == "json":
        for proposal in listing.proposals(filters):
            out.write(json.dumps(proposal_record(proposal), ensure_ascii=False) + "\n")
            shown += 1
    else:
        for summary in listing.summaries(filters):
            out.write(listed_line(summary) + "\n")
            shown += 1
    if args.format == "text" and not shown:
        out.write("no proposals\n")
    return 0


def cmd_show(args, queue: Queue, out, color: bool) -> int:
    proposal = queue.get(args.id)
    if args.format == "json":
        out.write(json.dumps(proposal_record(proposal, queue.audit(proposal.id)), ensure_ascii=False) + "\n")
        return 0
    out.write(proposal_line(proposal) + "\n")
    if proposal.error:
        out.write(f"       {proposal.error}\n")
    out.write(colorize_diff(proposal.diff, color))
    for item in proposal.changes:
        change = item.change
        who = f" by {item.decided_by}" if item.decided_by else ""
        flag = " (needs review)" if change.needs_review else ""
        proof = " [proven by the wiki]" if change.proof == "proven" else ""
        out.write(f"  [{item.number}] {item.decision}{who}  {change.rule}{flag}{proof}: {change.old!r} -> {change.new!r}\n")
        if change.note:
            out.write(f"        {change.note}\n")
    for decision in queue.audit(proposal.id):
        reason = f" ({decision.reason})" if decision.reason else ""
        out.write(f"  audit: {decision.at} {decision.who} {decision.decision} [{decision.number}] via {decision.source}{reason}\n")
    return 0


def cmd_decide(args, queue: Queue, out, who: str, decision: Decision) -> int:
    proposal = queue.decide(args.id, args.change or None, decision, who, args.reason or "", source=Source.CLI)
    out.write(proposal_line(proposal) + "\n")
    return 0
