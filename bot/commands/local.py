"""Commands on local files: ``fix`` (formatter style) and ``scan`` of files and folders (a dry run)."""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path

from bot.commands.common import (
    EXIT_CHANGES,
    EXIT_INPUT,
    EXIT_OK,
    Streams,
    member_list,
    use_color,
)
from bot.core import analyze
from bot.core.profile import SiteProfile
from bot.errors import InputError
from bot.inputs.dumppage import DumpProblem, DumpWarning, NotAnalysed
from bot.inputs.dumpscan import DumpStats, is_dump, scan_dump, title_if_changes_planned
from bot.inputs.preselection import notice
from bot.inputs.files import STDIN, expand_paths, read_page
from bot.inputs.limits import Bounded, Overrun, PageLimits, with_site
from bot.logs import get_logger
from bot.present.report import (
    PageCounts,
    Tally,
    colorize_diff,
    describe_skips,
    error_record,
    page_record,
    to_json_line,
)
from bot.settings import Settings


def cmd_fix(args, settings: Settings, profile: SiteProfile, streams: Streams, environ) -> int:
    """Formatter style: the repaired page on stdout (or a diff, or nothing with --check)."""
    try:
        text = read_page(args.file, PageLimits.of(settings).max_bytes)
    except InputError as error:
        print(f"linkbot: {error}", file=streams.err)
        return EXIT_INPUT
    name = "stdin" if args.file == STDIN else args.file
    with analyzer(settings, profile) as bounded:
        result = bounded.call(analyze, text, title=name, members=member_list(args, settings))
    if isinstance(result, Overrun):
        if not (args.check or args.diff):
            streams.out.write(text)  # a formatter's output replaces its input: never lose the page
        print(f"linkbot: {name}: not analysed: {result.reason}", file=streams.err)
        return EXIT_INPUT
    if args.check:  # silent, as documented: the exit code is the answer
        return EXIT_CHANGES if result.changed else EXIT_OK
    if args.diff:
        streams.out.write(colorize_diff(result.diff, use_color(settings, streams.out, environ)))
    else:
        streams.out.write(result.new_text)
    if not args.quiet:
        state = f"changed {len(result.changes)} change(s)" if result.changed else "nothing to change"
        print(f"linkbot: {name}: {state}, {len(result.skipped)} left alone", file=streams.err)
        for line in describe_skips(name, result):
            print(line, file=streams.err)
        for warning in result.warnings:
            print(f"linkbot: {name}: warning: {warning}", file=streams.err)
    return EXIT_OK


def cmd_scan(args, settings: Settings, profile: SiteProfile, streams: Streams, environ) -> int:
    """Dry run over local files: a diff per changed page and a summary, JSON lines, or the names
    of the pages with something to change (``--format titles``)."""
    color = use_color(settings, streams.out, environ)
    members = member_list(args, settings)
    tally = Tally()
    with analyzer(settings, profile) as bounded:
        for source in expand_paths(args.paths):
            _scan_source(source, args, settings, profile, streams, tally, color, bounded, members)
    if args.format == "text" and not args.no_summary:
        streams.out.write("\n" + tally.render())
    streams.out.flush()
    if tally.errors:
        return EXIT_INPUT
    return EXIT_CHANGES if args.check and tally.changed else EXIT_OK


def analyzer(settings: Settings, profile: SiteProfile) -> Bounded:
    """The run's page analysis, bounded by ``[limits] max_analysis_seconds``."""
    return Bounded(PageLimits.of(settings).seconds, partial(with_site, profile, settings.options))


def _scan_source(source, args, settings: Settings, profile, streams: Streams, tally, color: bool, bounded, members) -> None:
    """One input of a scan: a dump, or a page file (or a problem found while listing a folder)."""
    if isinstance(source, InputError):
        _report_problem(source, args.format, streams, tally)
        return
    if is_dump(source):
        _scan_dump(source, args, settings, profile, streams, tally, color)
        return
    try:
        text = read_page(source, PageLimits.of(settings).max_bytes)
    except InputError as error:
        _report_problem(error, args.format, streams, tally)
        return
    result = bounded.call(analyze, text, title=source, members=members)
    if isinstance(result, Overrun):
        _report_problem(InputError(source, f"not analysed: {result.reason}"), args.format, streams, tally)
        return
    get_logger().info("page scanned", page=source, changes=len(result.changes), left_alone=len(result.skipped))
    tally.add(result)
    if args.format == "titles":
        streams.out.write(f"{source}\n" if result.changes else "")
    else:
        streams.out.write(page_output(result, args.format, color, source))


def _report_problem(error: InputError, fmt: str, streams: Streams, tally, pages: int = 1) -> None:
    """One line on stderr (and an error record in JSON output) for an input, or a part of one, that
    cannot be read; the scan goes on and exits 4. ``pages``: how many pages it counts for."""
    tally.add_error(pages)
    print(f"linkbot: {error}", file=streams.err)
    if fmt == "json":
        streams.out.write(to_json_line(error_record(error.source, error.message)) + "\n")


def _scan_dump(source, args, settings: Settings, profile: SiteProfile, streams: Streams, tally, color: bool) -> None:
    """Every page of an XML dump (plain, .bz2, .gz), prefiltered, analysed on all cores."""
    stats = DumpStats()
    progress = Progress(streams.err, source, stats) if args.format == "text" and _is_terminal(streams.err) else None
    titles = args.format == "titles"
    examine = title_if_changes_planned if titles else partial(_dump_output, args.format, color, source)
    try:
        workers = getattr(args, "workers", None)
        for output in scan_dump(source, profile, settings.options, workers, stats, examine, PageLimits.of(settings)):
            if isinstance(output, DumpProblem | NotAnalysed | DumpWarning):
                _report_item(output, source, args.format, streams, tally)
            elif titles:
                tally.changed += 1  # a page with something to change (planned; the live run decides)
                streams.out.write(output + "\n")
            else:
                text, counts = output
                tally.add(counts)
                streams.out.write(text)
                if progress is not None:
                    progress.update(tally)
    except InputError as error:  # the dump cannot be read on: said once every page before it is
        _report_problem(error, args.format, streams, tally, pages=0)
    finally:
        if progress is not None:
            progress.done()
    # Pages the prefilter cleared: read, nothing to change. Pages without text: counted, said in one line.
    tally.pages += stats.pages - stats.listed - stats.textless
    if stats.textless:
        tally.add_unanalysed("no text in the dump", stats.textless)


def _report_item(item, source: str, fmt: str, streams: Streams, tally) -> None:
    """A problem (exit 4), a page not analysed for what it is, or a warning: a line on stderr each."""
    if isinstance(item, DumpProblem):
        _report_problem(InputError(source, item.message), fmt, streams, tally, item.pages)
        return
    if isinstance(item, NotAnalysed):
        tally.add_unanalysed(item.reason)
    print(f"linkbot: {source}: {notice(item)}", file=streams.err)


def _is_terminal(stream) -> bool:
    return hasattr(stream, "isatty") and stream.isatty()


class Progress:
    """One status line on a terminal: pages, MB/s of XML, changes so far, and the ETA from how far
    into the dump file (compressed or not) the scan is."""

    def __init__(self, stream, source: str, stats: DumpStats, every: float = 0.5) -> None:
        # The raw terminal: this line moves the cursor back on purpose.
        self.stream, self.stats, self.every = getattr(stream, "raw", stream), stats, every
        self.started = self.shown = time.monotonic()
        self.size = Path(source).stat().st_size

    def update(self, tally) -> None:
        now = time.monotonic()
        if now - self.shown < self.every:
            return
        self.shown = now
        elapsed = max(now - self.started, 1e-6)
        rate = self.stats.bytes / elapsed / 1e6
        eta = ""
        if self.size and self.stats.position > 0:
            eta = f", ETA {max(self.size - self.stats.position, 0) * elapsed / self.stats.position:.0f} s"
        changes = sum(tally.changes.values())
        self.stream.write(f"\r{self.stats.pages} pages, {rate:.1f} MB/s, {changes} changes{eta}   ")
        self.stream.flush()

    def done(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


def page_output(result, fmt: str, color: bool, name: str, every_page: bool = True, with_text: bool = True) -> str:
    """One page's output: a JSON record, or its diff, skips and warnings."""
    if fmt == "json":
        if every_page or result.changed or result.skipped or result.warnings:
            return to_json_line(page_record(name, result, with_text)) + "\n"
        return ""
    lines = [colorize_diff(result.diff, color)]
    lines += [line + "\n" for line in describe_skips(name, result)]
    lines += [f"{name}: warning: {warning}\n" for warning in result.warnings]
    return "".join(lines)


def _dump_output(fmt: str, color: bool, source: str, page, profile: SiteProfile, options) -> tuple[str, PageCounts]:
    """What a dump worker sends back for a candidate page: its output (JSON records only for pages
    with something to say, without their new text) and its counts."""
    result = analyze(page.text, profile, options, title=page.title)
    name = f"{source}#{result.title}"
    return page_output(result, fmt, color, name, every_page=False, with_text=False), PageCounts.of(result)
