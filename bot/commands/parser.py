"""The command line's grammar: each command, its own options (each with its help) and the option
groups commands share (argparse parents: a command's --help lists only what it uses)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from bot import __version__
from bot.inputs.files import STDIN


def build_parser() -> argparse.ArgumentParser:
    options = _OptionGroups.make()
    parser = argparse.ArgumentParser(
        prog="linkbot", description="Repair broken link markup on MediaWiki pages.", allow_abbrev=False
    )
    parser.add_argument("--version", action="version", version=f"linkbot {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_file_and_scan_commands(commands, options)
    _add_queue_commands(commands, options)
    _add_review_commands(commands, options)
    _add_run_commands(commands, options)
    _add_account_commands(commands, options)
    _add_other_commands(commands, options)
    return parser


@dataclass(frozen=True)
class _OptionGroups:
    """The options several commands share, as argparse parents: a command takes the groups that
    mean something to it, so its --help lists only options it uses."""

    base: argparse.ArgumentParser  # --config, -v
    site: argparse.ArgumentParser  # --site: the wiki a local file belongs to
    analysis: argparse.ArgumentParser  # --rules and the page limits: commands that analyse pages
    color: argparse.ArgumentParser  # --color: commands that print diffs
    queue: argparse.ArgumentParser  # --queue
    logs: argparse.ArgumentParser  # --log-format: commands that talk to a wiki

    @classmethod
    def make(cls, default=None) -> _OptionGroups:
        groups = [argparse.ArgumentParser(add_help=False) for _ in range(6)]
        base, site, analysis, color, queue, logs = groups
        base.add_argument("--config", default=default, help="configuration file (default: $LINKBOT_CONFIG or config/linkbot.toml)")
        base.add_argument("-v", "--verbose", action="count", default=0 if default is None else default,
                          help="log more (repeat for debug)")  # fmt: skip
        site.add_argument("--site", default=default, help="wiki host the pages belong to, e.g. zh.wikipedia.org (default from config)")
        analysis.add_argument("--rules", default=default, help="comma-separated rule ids to apply, or 'all' (default from config)")
        analysis.add_argument("--mirror-forms", choices=("auto", "always", "never"), default=default,
                              help="where Markdown links and autolinks are repaired: on pages showing the Markdown "
                              "mirror's marks (auto, the default), on every page, or on none")  # fmt: skip
        analysis.add_argument("--max-page-kb", type=_positive_int, default=default,
                              help="skip (and report) pages larger than this (default: 2048)")  # fmt: skip
        analysis.add_argument("--max-analysis-seconds", type=_seconds, default=default, metavar="SECONDS",
                              help="skip (and report) a page whose analysis runs longer (default: 20; 0: no limit)")  # fmt: skip
        color.add_argument("--color", default=default, choices=("auto", "always", "never"), help="color diffs (default: auto)")
        queue.add_argument("--queue", default=default, help="the review queue file (default: $LINKBOT_QUEUE or the user's state folder)")
        logs.add_argument("--log-format", choices=("text", "json"), help="log lines on stderr as text or JSON")
        return cls(*groups)


def _add_file_and_scan_commands(commands, options: _OptionGroups) -> None:
    page_options = [options.base, options.site, options.analysis, options.color]
    fix = commands.add_parser("fix", parents=page_options, help="print one page with its links repaired")
    fix.add_argument("file", nargs="?", default=STDIN, help="page file, or - for standard input (default)")
    fix.add_argument("--check", action="store_true", help="print nothing; exit 1 if changes would be made")
    fix.add_argument("--diff", action="store_true", help="print a unified diff instead of the new text")
    fix.add_argument("-q", "--quiet", action="store_true", help="no summary line on standard error")
    fix.add_argument("--list", dest="member_list", help="also update this member list (config/lists/NAME.toml)")

    scan = commands.add_parser(
        "scan",
        parents=[*page_options, options.queue, options.logs],
        help="files, folders or wiki pages: diffs and a summary; saves in --mode live",
        epilog="Wiki pages are selected with pywikibot's page generator arguments (-page:T, -cat:C, "
        "-prefixindex:P, -search:Q, -ns:N, -limit:N, ...) or -xml:DUMP; -family:/-lang: pick the wiki.",
    )
    scan.add_argument("paths", nargs="*", metavar="PATH", help="page files or folders of them")
    scan.add_argument(
        "--format", choices=("text", "json", "titles"), default="text",
        help="output format (default: text); titles: only the pages with something to change, one a line "
        "(dumps: a fast preselection for -file: in a live run)",
    )  # fmt: skip
    scan.add_argument("--check", action="store_true", help="exit 1 if any page would change")
    scan.add_argument("--no-summary", action="store_true", help="leave out the summary table (text format)")
    scan.add_argument("--list", dest="member_list", help="files: also update this member list (wiki pages: by title)")
    scan.add_argument("--mode", choices=("dry-run", "live"), help=_mode_help("wiki pages: save (live, under the run lock) or not"))
    scan.add_argument("--max-edits", type=int, help="wiki pages: stop after this many edits")
    scan.add_argument("--workers", type=int, help="XML dumps: worker processes (default: all cores)")
    scan.add_argument("--auto-approve", help="rules approved without review ('all' or ids); never needs-review changes")
    _trial_options(scan)


def _add_queue_commands(commands, options: _OptionGroups) -> None:
    plain = [options.base, options.queue]
    listing = commands.add_parser("list", parents=plain, help="queued proposals, one line each")
    listing.add_argument("--status", choices=("pending", "approved", "rejected", "applied", "stale", "superseded", "failed"),
                         help="only proposals in this state")  # fmt: skip
    listing.add_argument("--rule", help="only proposals with a change of this rule")
    listing.add_argument("--page", help="only proposals for this page")
    listing.add_argument("--format", choices=("text", "json"), default="text", help="one line each, or JSON lines")
    show = commands.add_parser("show", parents=[*plain, options.color], help="one proposal: diff, numbered changes, decisions")
    show.add_argument("id", type=int, help="the proposal's number (see linkbot list)")
    show.add_argument("--format", choices=("text", "json"), default="text", help="text, or one JSON object")
    classes = commands.add_parser("classes", parents=plain, help="changes by class (alike changes, decided at once), with samples")
    classes.add_argument("id", type=int, nargs="?", help="one proposal (default: every proposal waiting for review)")
    classes.add_argument("--format", choices=("text", "json"), default="text", help="text, or JSON lines (one per class)")
    for verb in ("approve", "reject"):
        what = "its undecided changes but those that need review or are not proven" if verb == "approve" else "all its changes"
        decide = commands.add_parser(verb, parents=plain, help=f"{verb} a proposal's changes ({what}; --change N ...; or --class C)")
        decide.add_argument("id", type=int, nargs="?", help="the proposal's number (see linkbot list); with --class, "
                            "leave it out to decide the class on every waiting proposal")  # fmt: skip
        chosen = decide.add_mutually_exclusive_group()
        chosen.add_argument("--change", type=int, nargs="+", metavar="N", help="change numbers (see linkbot show)")
        chosen.add_argument("--class", dest="change_class", metavar="CLASS",
                            help="every undecided change of this class (see linkbot classes); never changes that need review")
        decide.add_argument("--include-unproven", action="store_true",
                            help="approve changes the wiki did not prove too (an offline scan's, say): with --class, or a whole proposal")
        decide.add_argument("--reason", help="why (kept in the audit trail)")
        decide.add_argument("--reviewer", help=REVIEWER_HELP)
    report = commands.add_parser("report", parents=plain, help="pending proposals as one self-contained HTML page")
    report.add_argument("--html", required=True, metavar="FILE", help="where to write the page")


REVIEWER_HELP = "your name in the audit trail (default: config's reviewer, then $USER)"


def _add_review_commands(commands, options: _OptionGroups) -> None:
    from bot.present.review import KEYS_HELP

    review = commands.add_parser(
        "review", parents=[options.base, options.queue, options.color], help="decide on pending proposals in a terminal",
        epilog=KEYS_HELP, formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    review.add_argument("--reviewer", help=REVIEWER_HELP)
    serve = commands.add_parser("serve", parents=[options.base, options.queue], help="review in a browser: a local web app")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8765, help="port (default: 8765; 0: a free one)")
    serve.add_argument("--reviewer", help=REVIEWER_HELP)


def _add_run_commands(commands, options: _OptionGroups) -> None:
    wiki = [options.base, options.analysis, options.queue, options.logs]
    apply = commands.add_parser("apply", parents=[*wiki, options.color], help="save the approved changes of queued proposals")
    apply.add_argument("--mode", choices=("dry-run", "live"), help=_mode_help("save (live, under the run lock) or only show"))
    apply.add_argument("--max-edits", type=int, help="stop after this many edits")
    run = commands.add_parser("run", parents=wiki, help="one scheduled run (for cron): scan, record, apply, summary")
    run.add_argument("--mode", choices=("dry-run", "live"), help="save (live) or not (default: [wiki] mode of the configuration, else dry-run: "
                     "the one command whose configuration may say live)")
    run.add_argument("--max-edits", type=int, help="stop saving after this many edits")
    run.add_argument("--acknowledge-talk", action="store_true", help="the talk page was read: saving may resume")
    run.add_argument("--auto-approve", help="rules approved without review ('all', 'none' or ids); never needs-review changes")
    _trial_options(run)
    template = commands.add_parser(
        "template", parents=[options.base, options.queue, options.logs],
        help="create or update the review page's {{linkbot change}} template on the wiki (in --mode live)",
    )  # fmt: skip
    template.add_argument("--mode", choices=("dry-run", "live"), help=_mode_help("save (live, under the run lock) or show the diff"))


def _trial_options(parser) -> None:
    parser.add_argument("--trial", type=_positive_int, metavar="N",
                        help="a bot-approval trial (live): save at most N edits, then write the trial report")  # fmt: skip
    parser.add_argument("--trial-report", metavar="DIR",
                        help="where the trial report goes (RUN.wiki, RUN.md, RUN.html; default: the queue's folder/trials)")  # fmt: skip


def _add_account_commands(commands, options: _OptionGroups) -> None:
    plain = [options.base, options.queue]
    runs = commands.add_parser("runs", parents=plain, help="recorded runs: list them, or show one (runs show ID)")
    runs.add_argument("action", nargs="*", metavar="show ID", help="show one run: its settings, edits with diff links, skips")
    runs.add_argument("--format", choices=("text", "json", "wikitext", "markdown", "html"), default="text",
                      help="text or JSON lines; for one run also its trial report as wikitext, Markdown or HTML")  # fmt: skip
    undo = commands.add_parser("undo", parents=[*plain, options.logs],
                               help="revert the revisions a run saved (where nobody edited since)")  # fmt: skip
    undo.add_argument("run", metavar="RUN_ID", help="the run to undo (see linkbot runs)")
    undo.add_argument("--mode", choices=("dry-run", "live"), help=_mode_help("revert (live, under the run lock) or list what would be"))
    undo.add_argument("--force", action="store_true", help="undo a run that was itself an undo (saves the bot's edits again)")
    stats = commands.add_parser("stats", parents=plain, help="edits, changes, decisions and reverts per rule over time")
    stats.add_argument("--format", choices=("text", "json"), default="text", help="a table, or one JSON object")
    stats.add_argument("--by", choices=("day", "week"), default="day", help="period of the counts (default: day)")
    stats.add_argument("--html", metavar="FILE", help="also write a page with plots (inline SVG, no scripts)")


def _add_other_commands(commands, options: _OptionGroups) -> None:
    members = commands.add_parser("members", parents=[options.base, options.site], help="member-list registries")
    members_commands = members.add_subparsers(dest="members_command", required=True, metavar="ACTION")
    # Nested under "members": its copies of the shared options must not reset what was given before.
    nested = _OptionGroups.make(default=argparse.SUPPRESS)
    extract = members_commands.add_parser("extract", parents=[nested.base, nested.site], help="build a registry from a page or file")
    extract.add_argument("source", metavar="PAGE_OR_FILE", help="a local file, or the title of a page on the wiki")
    extract.add_argument("--list", dest="member_list", required=True, help="the registry's name")
    extract.add_argument("--page", action="append", default=[], help="a page the registry manages (repeatable)")
    extract.add_argument("--output", help="write the registry here (default: standard output)")
    _add_import_and_check(members_commands, nested)

    sandbox = commands.add_parser("sandbox", parents=[options.base], help="run a throwaway local wiki loaded with the seeds")
    sandbox.add_argument("--dir", required=True, help="folder for the wiki (created; must be empty or new)")
    sandbox.add_argument("--port", type=int, default=0, help="loopback port (default: a free one)")


def _add_import_and_check(members_commands, nested: _OptionGroups) -> None:
    importing = members_commands.add_parser("import", parents=[nested.base, nested.site],
                                            help="compare a published list with a registry; --write updates it")  # fmt: skip
    importing.add_argument("member_list", metavar="LIST", help="the registry (config/lists/LIST.toml, or a .toml path)")
    source = importing.add_mutually_exclusive_group(required=True)
    source.add_argument("--from", dest="from_file", metavar="FILE", help="a CSV (header row) or JSON file (.json) of members")
    source.add_argument("--from-page", metavar="TITLE", help="a page with the same list, on this wiki or another (en:Title)")
    importing.add_argument("--write", action="store_true", help="write the changes into the registry (comments and order kept)")
    importing.add_argument("--redirects", action="store_true", help="--from FILE: resolve the names' redirects on the wiki")
    importing.add_argument("--format", choices=("text", "json"), default="text", help="the diff as text or one JSON object")
    check = members_commands.add_parser("check", parents=[nested.base, nested.site],
                                        help="what a registry and its pages disagree on (exit 1 when they do)")  # fmt: skip
    check.add_argument("member_list", metavar="LIST", help="the registry (config/lists/LIST.toml, or a .toml path)")
    check.add_argument("--file", action="append", default=[], help="check this file instead of the wiki's pages (repeatable)")
    check.add_argument("--format", choices=("text", "json"), default="text", help="a table, or one JSON object")


def _mode_help(what: str) -> str:
    return f"{what} (default: dry-run; [wiki] mode in the configuration is for linkbot run only)"


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {number}")
    return number


def _seconds(value: str) -> float:
    number = float(value)
    if not number >= 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return number
