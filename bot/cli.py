"""The command line: parse arguments, build settings once, run one command, return an exit code.

Exit codes (also in README.md):
    0   success (for ``--check``: nothing would change)
    1   ``--check``: changes would be made
    2   usage error (bad arguments)
    3   configuration error
    4   some inputs could not be processed (the others were)
    5   wiki run: some pages were not saved (refused, conflicting, or the wiki stayed down)
    6   wiki run: stopped by the emergency-stop page
    130 interrupted
    141 the output pipe was closed early (e.g. ``| head``)
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import signal
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot import __version__
from bot.core import analyze
from bot.core.profile import SiteProfile
from bot.errors import ConfigError, InputError, LinkbotError, StoppedError
from bot.files import STDIN, expand_paths, read_page
from bot.logs import configure_logging, get_logger
from bot.report import (
    Tally,
    colorize_diff,
    describe_skips,
    error_record,
    page_record,
    to_json_line,
)
from bot.settings import Settings, load_settings

EXIT_OK, EXIT_CHANGES, EXIT_USAGE, EXIT_CONFIG, EXIT_INPUT, EXIT_PARTIAL, EXIT_STOPPED = 0, 1, 2, 3, 4, 5, 6
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141


@dataclass(frozen=True)
class Streams:
    out: TextIO
    err: TextIO


def build_parser() -> argparse.ArgumentParser:
    common = _common_options()

    parser = argparse.ArgumentParser(
        prog="linkbot", description="Repair broken link markup on MediaWiki pages.", allow_abbrev=False
    )
    parser.add_argument("--version", action="version", version=f"linkbot {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    fix = commands.add_parser("fix", parents=[common], help="print one page with its links repaired")
    fix.add_argument("file", nargs="?", default=STDIN, help="page file, or - for standard input (default)")
    fix.add_argument("--check", action="store_true", help="print nothing; exit 1 if changes would be made")
    fix.add_argument("--diff", action="store_true", help="print a unified diff instead of the new text")
    fix.add_argument("-q", "--quiet", action="store_true", help="no summary line on standard error")
    fix.add_argument("--list", dest="member_list", help="also update this member list (config/lists/NAME.toml)")

    scan = commands.add_parser(
        "scan",
        parents=[common],
        help="files, folders or wiki pages: diffs and a summary; saves in --mode live",
        epilog="Wiki pages are selected with pywikibot's page generator arguments (-page:T, -cat:C, "
        "-prefixindex:P, -search:Q, -ns:N, -limit:N, ...) or -xml:DUMP; -family:/-lang: pick the wiki.",
    )
    scan.add_argument("paths", nargs="*", metavar="PATH", help="page files or folders of them")
    scan.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    scan.add_argument("--check", action="store_true", help="exit 1 if any page would change")
    scan.add_argument("--no-summary", action="store_true", help="leave out the summary table (text format)")
    scan.add_argument("--list", dest="member_list", help="files: also update this member list (wiki pages: by title)")
    scan.add_argument("--mode", choices=("dry-run", "live"), help="wiki pages: save (live) or not (default: dry-run)")
    scan.add_argument("--max-edits", type=int, help="wiki pages: stop after this many edits")
    scan.add_argument("--log-format", choices=("text", "json"), help="log lines on stderr as text or JSON")

    scan.add_argument("--auto-approve", help="rules approved without review ('all' or ids); never needs-review changes")

    queue_options = argparse.ArgumentParser(add_help=False)
    queue_options.add_argument("--queue", help="the review queue file (default: $LINKBOT_QUEUE or the user's state folder)")
    scan.add_argument("--queue", help="the review queue file (wiki scans record their proposals there)")
    listing = commands.add_parser("list", parents=[common, queue_options], help="queued proposals, one line each")
    listing.add_argument("--status", choices=("pending", "approved", "rejected", "applied", "stale", "superseded", "failed"))
    listing.add_argument("--rule", help="only proposals with a change of this rule")
    listing.add_argument("--page", help="only proposals for this page")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    show = commands.add_parser("show", parents=[common, queue_options], help="one proposal: diff, numbered changes, decisions")
    show.add_argument("id", type=int)
    show.add_argument("--format", choices=("text", "json"), default="text")
    for verb in ("approve", "reject"):
        decide = commands.add_parser(verb, parents=[common, queue_options], help=f"{verb} a proposal's changes (all, or --change N ...)")
        decide.add_argument("id", type=int)
        decide.add_argument("--change", type=int, nargs="+", metavar="N", help="change numbers (see linkbot show)")
        decide.add_argument("--reason", help="why (kept in the audit trail)")
        decide.add_argument("--reviewer", help="your name in the audit trail (default: config, then $USER)")
    apply = commands.add_parser("apply", parents=[common, queue_options], help="save the approved changes of queued proposals")
    apply.add_argument("--mode", choices=("dry-run", "live"), help="save (live) or only show (default: dry-run)")
    apply.add_argument("--max-edits", type=int, help="stop after this many edits")
    apply.add_argument("--log-format", choices=("text", "json"), help="log lines on stderr as text or JSON")

    review = commands.add_parser("review", parents=[common, queue_options], help="decide on pending proposals in a terminal")
    review.add_argument("--reviewer", help="your name in the audit trail (default: config, then $USER)")

    members = commands.add_parser("members", parents=[common], help="member-list registries")
    members_commands = members.add_subparsers(dest="members_command", required=True, metavar="ACTION")
    # Nested under "members": its copies of the common options must not reset what was given before.
    nested = _common_options(default=argparse.SUPPRESS)
    extract = members_commands.add_parser("extract", parents=[nested], help="build a registry from a page or file")
    extract.add_argument("source", metavar="PAGE_OR_FILE", help="a local file, or the title of a page on the wiki")
    extract.add_argument("--list", dest="member_list", required=True, help="the registry's name")
    extract.add_argument("--page", action="append", default=[], help="a page the registry manages (repeatable)")
    extract.add_argument("--output", help="write the registry here (default: standard output)")

    report = commands.add_parser("report", parents=[common, queue_options], help="pending proposals as one HTML page")
    report.add_argument("--html", required=True, metavar="FILE", help="where to write the page")

    sandbox = commands.add_parser("sandbox", parents=[common], help="run a throwaway local wiki loaded with the seeds")
    sandbox.add_argument("--dir", required=True, help="folder for the wiki (created; must be empty or new)")
    sandbox.add_argument("--port", type=int, default=0, help="loopback port (default: a free one)")
    return parser


def _common_options(default=None) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=default, help="configuration file (default: $LINKBOT_CONFIG or config/linkbot.toml)")
    common.add_argument("--site", default=default, help="wiki host, e.g. zh.wikipedia.org (default from config)")
    common.add_argument("--rules", default=default, help="comma-separated rule ids to apply, or 'all'")
    common.add_argument("--color", default=default, choices=("auto", "always", "never"), help="color diffs (default: auto)")
    common.add_argument(
        "-v", "--verbose", action="count", default=0 if default is None else default, help="log more (repeat for debug)"
    )
    return common


def main(
    argv: list[str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    streams = Streams(stdout or sys.stdout, stderr or sys.stderr)
    environ = os.environ if environ is None else environ
    parser = build_parser()
    try:
        # argparse prints usage, --help and --version itself: point it at our streams.
        with contextlib.redirect_stdout(streams.out), contextlib.redirect_stderr(streams.err):
            args, wiki_args = parser.parse_known_args(argv)
            if wiki_args and (args.command != "scan" or args.paths):
                parser.error(f"unrecognized arguments: {' '.join(wiki_args)} (wiki pages and files do not mix)")
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        settings = load_settings(args.config, environ, _overrides(args))
        configure_logging(args.verbose, streams.err, settings.log_format, wiki=bool(wiki_args))
        return _dispatch(args, wiki_args, settings, streams, environ)
    except ConfigError as error:
        print(f"linkbot: configuration error: {error}", file=streams.err)
        return EXIT_CONFIG
    except LinkbotError as error:
        print(f"linkbot: {error}", file=streams.err)
        return _exit_code_for(error)
    except KeyboardInterrupt:
        print("linkbot: interrupted", file=streams.err)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (| head): stop quietly, and keep Python from complaining at exit.
        _silence_stdout()
        return EXIT_BROKEN_PIPE


def _exit_code_for(error: LinkbotError) -> int:
    """The documented exit code of an error that ends a command (ConfigError is handled before)."""
    if isinstance(error, InputError):
        return EXIT_INPUT
    if isinstance(error, StoppedError):
        return EXIT_STOPPED
    return EXIT_PARTIAL  # WikiError and the rest: the run did not do all it should


def _dispatch(args, wiki_args: list[str], settings: Settings, streams: Streams, environ) -> int:
    if args.command in ("list", "show", "approve", "reject", "apply", "report", "review"):
        return cmd_queue(args, settings, streams, environ)
    if args.command == "scan" and wiki_args:
        return cmd_scan_wiki(args, wiki_args, settings, streams, environ)
    if args.command == "sandbox":
        return cmd_sandbox(args, settings, streams, environ)
    if args.command == "members":
        return cmd_members_extract(args, settings, streams)
    if args.command == "scan" and not args.paths:
        print("linkbot: scan needs files, folders or wiki page arguments (see linkbot scan --help)", file=streams.err)
        return EXIT_USAGE
    command = {"fix": cmd_fix, "scan": cmd_scan}[args.command]
    return command(args, settings, settings.profile(), streams, environ)


def open_queue(args, settings: Settings, environ):
    from bot.queue.proposals import Queue
    from bot.queue.store import Database, queue_path

    return Queue(Database(queue_path(getattr(args, "queue", None), environ, settings.queue_path)))


def cmd_queue(args, settings: Settings, streams: Streams, environ) -> int:
    """list, show, approve, reject (the queue only) and apply (the queue and the wiki)."""
    from bot import queue_commands

    queue = open_queue(args, settings, environ)
    try:
        if args.command == "list":
            return queue_commands.cmd_list(args, queue, streams.out)
        if args.command == "show":
            return queue_commands.cmd_show(args, queue, streams.out, _use_color(settings, streams.out, environ))
        if args.command in ("approve", "reject"):
            who = queue_commands.reviewer_name(args, settings, environ)
            decision = {"approve": "approved", "reject": "rejected"}[args.command]
            return queue_commands.cmd_decide(args, queue, streams.out, who, decision)
        if args.command == "report":
            return cmd_report(args, queue, streams)
        if args.command == "review":
            from bot.review import Review

            who = queue_commands.reviewer_name(args, settings, environ)
            color = _use_color(settings, streams.out, environ)
            return Review(queue, who, _line_reader(streams), streams.out, color).run()
        return cmd_apply(args, settings, queue, streams, environ)
    finally:
        queue.db.close()


def _line_reader(streams: Streams):
    """input() when talking to a real terminal (line editing); a plain read otherwise."""
    if streams.out is sys.stdout and sys.stdin.isatty():
        return input

    def read(prompt: str) -> str:
        streams.out.write(prompt)
        streams.out.flush()
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line

    return read


def cmd_report(args, queue, streams: Streams) -> int:
    from bot.html_report import render_report
    from bot.queue.proposals import now

    pending = [p for p in queue.list() if p.status in ("pending", "approved") and any(i.decision == "pending" for i in p.changes)]
    try:
        Path(args.html).write_text(render_report(pending, now()), encoding="utf-8")
    except OSError as error:
        print(f"linkbot: {args.html}: cannot write the report: {error.strerror or error}", file=streams.err)
        return EXIT_INPUT
    print(f"linkbot: {len(pending)} proposal(s) written to {args.html}", file=streams.err)
    return EXIT_OK


def cmd_apply(args, settings: Settings, queue, streams: Streams, environ) -> int:
    from bot.apply import apply_approved
    from bot.wiki.session import open_session

    session, _ = open_session(
        settings.pywikibot_args,
        login=settings.mode == "live",
        host_aliases=settings.host_aliases,
        policy=settings.retry,
        verbose=args.verbose >= 2,
    )
    color = _use_color(settings, streams.out, environ)
    report = apply_approved(
        session, settings, queue, streams.out, color, run_id=_run_id(), registries=_registries(args, settings)
    )
    streams.out.write("\n" + report.render())
    return _run_exit_code(report, check=False)


def _run_id() -> str:
    import datetime
    import uuid

    return f"{datetime.datetime.now(datetime.UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def _run_exit_code(report, check: bool) -> int:
    if report.stopped_by_shutoff:
        return EXIT_STOPPED
    if report.failed or report.stopped and not report.stopped.startswith("--max-edits"):
        return EXIT_PARTIAL
    return EXIT_CHANGES if check and report.tally.changed else EXIT_OK


def _overrides(args) -> dict:
    return {
        "auto_approve": getattr(args, "auto_approve", None),
        "site": args.site,
        "rules": args.rules,
        "color": args.color,
        "mode": getattr(args, "mode", None),
        "max_edits": getattr(args, "max_edits", None),
        "log_format": getattr(args, "log_format", None),
    }


def cmd_scan_wiki(args, wiki_args: list[str], settings: Settings, streams: Streams, environ) -> int:
    """Pages of a live wiki: dry run by default, saves with --mode live."""
    from bot.live import Scanner
    from bot.wiki.session import open_session
    from bot.wiki.sources import dump_candidates, generator_pages, read_pages, split_source_args

    session, rest = open_session(
        [*settings.pywikibot_args, *wiki_args],
        login=settings.mode == "live",
        host_aliases=settings.host_aliases,
        policy=settings.retry,
        verbose=args.verbose >= 2,
    )
    generator_args, dumps = split_source_args(rest)
    sources = [generator_pages(session.site, generator_args)] if generator_args or not dumps else []
    sources += [dump_candidates(session.site, dump, session.profile, settings.options) for dump in dumps]
    pages = read_pages(
        session.site, itertools.chain.from_iterable(sources), settings.retry, namespaces=settings.namespaces
    )
    queue = open_queue(args, settings, environ)
    scanner = Scanner(
        session,
        settings,
        queue,
        streams.out,
        run_id=_run_id(),
        color=_use_color(settings, streams.out, environ),
        json_output=args.format == "json",
        registries=_registries(args, settings),
    )
    try:
        report = scanner.run(pages)
    finally:
        queue.db.close()
    summary_stream = streams.err if args.format == "json" else streams.out
    if not args.no_summary:
        summary_stream.write("\n" + report.render())
    streams.out.flush()
    return _run_exit_code(report, args.check)


def cmd_sandbox(args, settings: Settings, streams: Streams, environ) -> int:
    """Create a local wiki with the seed pages and serve it until interrupted."""
    from bot.sandbox import prepare_sandbox

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


def _registries(args, settings: Settings) -> list:
    from bot.registries import load_all, registry_folder

    named = _member_list(args, settings)
    return [named] if named is not None else load_all(registry_folder(settings.config_path))


def _member_list(args, settings: Settings):
    name = getattr(args, "member_list", None)
    if not name:
        return None
    from bot.registries import load_named, registry_folder

    return load_named(name, registry_folder(settings.config_path))


def cmd_members_extract(args, settings: Settings, streams: Streams) -> int:
    """A registry from a page revision (a local file, or a page read from the wiki)."""
    from bot.core.members import extract_member_list
    from bot.registries import dump_registry

    if Path(args.source).is_file():
        try:
            text = read_page(args.source)
        except InputError as error:
            print(f"linkbot: {error}", file=streams.err)
            return EXIT_INPUT
        profile, pages = settings.profile(), args.page
    else:
        text, profile, pages = _live_page(args, settings)
    try:
        member_list = extract_member_list(text, profile, args.member_list, tuple(pages))
    except ValueError as error:
        print(f"linkbot: {args.source}: {error}", file=streams.err)
        return EXIT_INPUT
    content = dump_registry(member_list)
    if args.output:
        Path(args.output).write_text(content, encoding="utf-8")
        total = sum(len(section.members) for section in member_list.sections)
        print(f"linkbot: {len(member_list.sections)} section(s), {total} member(s) written to {args.output}", file=streams.err)
    else:
        streams.out.write(content)
    return EXIT_OK


def _live_page(args, settings: Settings):
    from bot.wiki.session import open_session

    session, _ = open_session(settings.pywikibot_args, login=False, host_aliases=settings.host_aliases, policy=settings.retry)
    import pywikibot

    page = pywikibot.Page(session.site, args.source)
    if not page.exists():
        raise InputError(args.source, "no such file, and no such page on the wiki")
    return page.text, session.profile, args.page or [page.title()]


def cmd_fix(args, settings: Settings, profile: SiteProfile, streams: Streams, environ) -> int:
    """Formatter style: the repaired page on stdout (or a diff, or nothing with --check)."""
    try:
        text = read_page(args.file)
    except InputError as error:
        print(f"linkbot: {error}", file=streams.err)
        return EXIT_INPUT
    name = "stdin" if args.file == STDIN else args.file
    result = analyze(text, profile, settings.options, title=name, members=_member_list(args, settings))
    if args.check:
        pass
    elif args.diff:
        streams.out.write(colorize_diff(result.diff, _use_color(settings, streams.out, environ)))
    else:
        streams.out.write(result.new_text)
    if not args.quiet:
        verb = "would change" if args.check else "changed"
        state = f"{verb} {len(result.changes)} change(s)" if result.changed else "nothing to change"
        print(f"linkbot: {name}: {state}, {len(result.skipped)} left alone", file=streams.err)
        for line in describe_skips(name, result):
            print(line, file=streams.err)
        for warning in result.warnings:
            print(f"linkbot: {name}: warning: {warning}", file=streams.err)
    return EXIT_CHANGES if args.check and result.changed else EXIT_OK


def cmd_scan(args, settings: Settings, profile: SiteProfile, streams: Streams, environ) -> int:
    """Dry run over local files: a diff per changed page and a summary, or JSON lines."""
    log = get_logger()
    color = _use_color(settings, streams.out, environ)
    members = _member_list(args, settings)
    tally = Tally()
    for source in expand_paths(args.paths):
        try:
            text = read_page(source)
        except InputError as error:
            tally.add_error()
            print(f"linkbot: {error}", file=streams.err)
            if args.format == "json":
                streams.out.write(to_json_line(error_record(source, error.message)) + "\n")
            continue
        result = analyze(text, profile, settings.options, title=source, members=members)
        tally.add(result)
        log.info("page scanned", page=source, changes=len(result.changes), left_alone=len(result.skipped))
        if args.format == "json":
            streams.out.write(to_json_line(page_record(source, result)) + "\n")
            continue
        streams.out.write(colorize_diff(result.diff, color))
        for line in describe_skips(source, result):
            streams.out.write(line + "\n")
        for warning in result.warnings:
            streams.out.write(f"{source}: warning: {warning}\n")
    if args.format == "text" and not args.no_summary:
        streams.out.write("\n" + tally.render())
    streams.out.flush()
    if tally.errors:
        return EXIT_INPUT
    return EXIT_CHANGES if args.check and tally.changed else EXIT_OK


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _use_color(settings: Settings, stream: TextIO, environ: Mapping[str, str]) -> bool:
    if settings.color != "auto":
        return settings.color == "always"
    return hasattr(stream, "isatty") and stream.isatty() and not environ.get("NO_COLOR")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
