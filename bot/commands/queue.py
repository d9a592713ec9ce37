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
from bot.present.terminal import visible
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
        if args.command == "classes":
            return cmd_classes(args, queue, streams.out)
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
    if args.change_class:
        return _decide_class(args, queue, out, who, decision)
    if args.id is None:
        raise InputError(f"linkbot {args.command}", "needs a proposal's number (or --class CLASS for every waiting proposal)")
    if args.change or decision != Decision.APPROVED:
        proposal = queue.decide(args.id, args.change or None, decision, who, args.reason or "", source=Source.CLI)
        out.write(proposal_line(proposal) + "\n")
        return 0
    return _approve_page(args, queue, out, who)


def _approve_page(args, queue: Queue, out, who: str) -> int:
    """``approve ID``: the proposal's undecided changes, but those that need review (named with --change
    only) and those the wiki did not prove (with --include-unproven only), which it names."""
    from bot.core.classes import ProofState, proof_state

    undecided = [item for item in queue.get(args.id).changes if item.decision == Decision.PENDING]
    held = [item.number for item in undecided if item.change.needs_review]
    unproven = [item.number for item in undecided if item.number not in held and not args.include_unproven
                and proof_state(item.change.proof) != ProofState.PROVEN]  # fmt: skip
    chosen = [item.number for item in undecided if item.number not in held and item.number not in unproven]
    if chosen:
        queue.decide_undecided(args.id, chosen, Decision.APPROVED, who, args.reason or "", source=Source.CLI)
    out.write(proposal_line(queue.get(args.id)) + "\n")
    for numbers, why, how in ((held, "need review", "name them: --change"), (unproven, "were not proven by the wiki", "add --include-unproven")):
        if numbers:
            out.write(f"  not approved: {len(numbers)} change(s) {why} ({how}): {' '.join(map(str, numbers))}\n")
    return 0


def _decide_class(args, queue: Queue, out, who: str, decision: Decision) -> int:
    """One class's undecided changes, of one proposal or of every waiting one: one line, then each proposal's."""
    from bot.queue.classes import decide_class

    decided = decide_class(queue, args.change_class, decision, who, proposal_id=args.id, include_unproven=args.include_unproven,
                           reason=args.reason or "", source=Source.CLI)  # fmt: skip
    count = sum(len(numbers) for numbers in decided.values())
    if not count:
        out.write(f"nothing undecided in class {args.change_class}: nothing decided\n")
        return 0
    out.write(f"{decision} {count} change(s) of class {args.change_class} on {len(decided)} proposal(s)\n")
    for proposal_id in decided:
        out.write(proposal_line(queue.get(proposal_id)) + "\n")
    return 0


def cmd_classes(args, queue: Queue, out) -> int:
    """A proposal's classes, or the whole waiting queue's: each with counts, a label and samples."""
    from bot.present.classes import class_line, class_record
    from bot.queue.classes import queue_classes

    if args.id is not None:
        queue.get(args.id)  # an unknown proposal is an error, not an empty list
    found = queue_classes(queue, args.id)
    if args.id is None:  # the whole queue: what is left to decide
        found = [group for group in found if group.undecided]
    changes = _sampled_changes(queue, {key for group in found for key in group.samples})
    for group in found:
        if args.format == "json":
            out.write(json.dumps(class_record(group, lambda key: _sample_record(key, changes[key])), ensure_ascii=False) + "\n")
        else:
            out.write(class_line(group, lambda key: _sample_text(key, changes[key])) + "\n")
    if args.format == "text" and not found:
        out.write("no changes\n")
    return 0


def _sampled_changes(queue: Queue, keys: set) -> dict:
    """(proposal, number) -> (page title, old, new) of the samples shown."""
    found = {}
    for proposal_id in sorted({key[0] for key in keys}):
        rows = queue.db.query("SELECT p.title, c.number, c.old, c.new FROM change c JOIN proposal p ON p.id = c.proposal_id "
                              "WHERE c.proposal_id = ?", (proposal_id,))  # fmt: skip
        found.update({(proposal_id, row["number"]): (row["title"], row["old"], row["new"]) for row in rows if (proposal_id, row["number"]) in keys})
    return found


def _sample_text(key, sample) -> str:
    return f"{key[0]}.{key[1]} {sample[0]}: {visible(sample[1])!r} -> {visible(sample[2])!r}"


def _sample_record(key, sample) -> dict:
    return {"proposal": key[0], "number": key[1], "page": sample[0], "old": sample[1], "new": sample[2]}
