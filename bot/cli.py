"""The command line: parse arguments, build settings once, run one command, return an exit code.

Exit codes (also in README.md):
    0   success (for ``--check``: nothing would change)
    1   ``--check``: changes would be made
    2   usage error (bad arguments)
    3   configuration error
    4   some inputs could not be processed (the others were)
    130 interrupted
    141 the output pipe was closed early (e.g. ``| head``)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TextIO

from bot import __version__
from bot.core import analyze
from bot.core.profile import SiteProfile
from bot.errors import ConfigError, InputError
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

EXIT_OK, EXIT_CHANGES, EXIT_USAGE, EXIT_CONFIG, EXIT_INPUT = 0, 1, 2, 3, 4
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 130, 141


@dataclass(frozen=True)
class Streams:
    out: TextIO
    err: TextIO


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", help="configuration file (default: $LINKBOT_CONFIG or config/linkbot.toml)")
    common.add_argument("--site", help="wiki host, e.g. zh.wikipedia.org (default from config)")
    common.add_argument("--rules", help="comma-separated rule ids to apply, or 'all'")
    common.add_argument("--color", choices=("auto", "always", "never"), help="color diffs (default: auto)")
    common.add_argument("-v", "--verbose", action="count", default=0, help="log more (repeat for debug)")

    parser = argparse.ArgumentParser(prog="linkbot", description="Repair broken link markup on MediaWiki pages.")
    parser.add_argument("--version", action="version", version=f"linkbot {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    fix = commands.add_parser("fix", parents=[common], help="print one page with its links repaired")
    fix.add_argument("file", nargs="?", default=STDIN, help="page file, or - for standard input (default)")
    fix.add_argument("--check", action="store_true", help="print nothing; exit 1 if changes would be made")
    fix.add_argument("--diff", action="store_true", help="print a unified diff instead of the new text")
    fix.add_argument("-q", "--quiet", action="store_true", help="no summary line on standard error")

    scan = commands.add_parser("scan", parents=[common], help="dry run over files or folders: diffs and a summary")
    scan.add_argument("paths", nargs="+", metavar="PATH", help="page files or folders of them")
    scan.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    scan.add_argument("--check", action="store_true", help="exit 1 if any page would change")
    scan.add_argument("--no-summary", action="store_true", help="leave out the summary table (text format)")
    return parser


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
            args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    configure_logging(args.verbose, streams.err)
    try:
        settings = load_settings(
            args.config,
            environ,
            {"site": args.site, "rules": args.rules, "color": args.color},
        )
        profile = settings.profile()
        command = {"fix": cmd_fix, "scan": cmd_scan}[args.command]
        return command(args, settings, profile, streams, environ)
    except ConfigError as error:
        print(f"linkbot: configuration error: {error}", file=streams.err)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        print("linkbot: interrupted", file=streams.err)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (| head): stop quietly, and keep Python from complaining at exit.
        _silence_stdout()
        return EXIT_BROKEN_PIPE


def cmd_fix(args, settings: Settings, profile: SiteProfile, streams: Streams, environ) -> int:
    """Formatter style: the repaired page on stdout (or a diff, or nothing with --check)."""
    try:
        text = read_page(args.file)
    except InputError as error:
        print(f"linkbot: {error}", file=streams.err)
        return EXIT_INPUT
    name = "stdin" if args.file == STDIN else args.file
    result = analyze(text, profile, settings.options, title=name)
    if args.check:
        pass
    elif args.diff:
        streams.out.write(colorize_diff(result.diff, _use_color(settings, streams.out, environ)))
    else:
        streams.out.write(result.new_text)
    if not args.quiet:
        verb = "would change" if args.check else "changed"
        state = f"{verb} {len(result.changes)} link(s)" if result.changed else "nothing to change"
        print(f"linkbot: {name}: {state}, {len(result.skipped)} left alone", file=streams.err)
        for line in describe_skips(name, result):
            print(line, file=streams.err)
    return EXIT_CHANGES if args.check and result.changed else EXIT_OK


def cmd_scan(args, settings: Settings, profile: SiteProfile, streams: Streams, environ) -> int:
    """Dry run over local files: a diff per changed page and a summary, or JSON lines."""
    log = get_logger()
    color = _use_color(settings, streams.out, environ)
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
        result = analyze(text, profile, settings.options, title=source)
        tally.add(result)
        log.info("page scanned", page=source, changes=len(result.changes), left_alone=len(result.skipped))
        if args.format == "json":
            streams.out.write(to_json_line(page_record(source, result)) + "\n")
            continue
        streams.out.write(colorize_diff(result.diff, color))
        for line in describe_skips(source, result):
            streams.out.write(line + "\n")
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
