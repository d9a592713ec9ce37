"""The command line: parse arguments (bot.commands.parser), build settings once, run one command, return an exit code.

The exit codes are documented in bot.commands.common and README.md.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import sys
from collections.abc import Mapping
from typing import TextIO

from bot.commands.common import (
    EXIT_BROKEN_PIPE,
    EXIT_CHANGES,
    EXIT_CONFIG,
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_STOPPED,
    EXIT_STORAGE,
    EXIT_USAGE,
    Streams,
)
from bot.commands.parser import build_parser
from bot.errors import (
    ConfigError,
    InputError,
    LinkbotError,
    LockBusyError,
    MemberListError,
    StoppedError,
    StorageError,
)
from bot.logs import configure_logging
from bot.present.terminal import OutputStream
from bot.settings import Settings, load_settings

__all__ = [
    "EXIT_CHANGES", "EXIT_CONFIG", "EXIT_INPUT", "EXIT_LOCKED", "EXIT_OK", "EXIT_PARTIAL", "EXIT_STOPPED", "EXIT_USAGE", "main",
]  # fmt: skip


def main(
    argv: list[str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    streams = Streams(
        OutputStream(stdout or sys.stdout, "standard output"), OutputStream(stderr or sys.stderr, "standard error")
    )
    environ = os.environ if environ is None else environ
    parsed = _parse(sys.argv[1:] if argv is None else argv, streams)
    if isinstance(parsed, int):
        return parsed
    args, wiki_args = parsed
    try:
        settings = _command_mode(args, wiki_args, load_settings(args.config, environ, _overrides(args)), streams)
        configure_logging(
            args.verbose,
            streams.err,
            settings.log_format,
            wiki=bool(wiki_args) or args.command in ("run", "apply", "template", "undo"),
            log_file=settings.run.log_file if args.command == "run" else "",
            max_bytes=settings.run.log_max_bytes,
            backups=settings.run.log_backups,
        )
        return _dispatch(args, wiki_args, settings, streams, environ)
    except LinkbotError as error:
        return _failed(error, streams)
    except KeyboardInterrupt:
        print("linkbot: interrupted", file=streams.err)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (| head): stop quietly, and keep Python from complaining at exit.
        _silence_stdout()
        return EXIT_BROKEN_PIPE


def _parse(argv: list[str], streams: Streams):
    """(linkbot's own arguments, pywikibot's), or the exit code of a usage error, --help or --version."""
    parser = build_parser()
    try:
        # argparse prints usage, --help and --version itself: point it at our streams.
        with contextlib.redirect_stdout(streams.out), contextlib.redirect_stderr(streams.err):
            own_args, wiki_args = split_wiki_args(argv)
            args = parser.parse_args(own_args)
            if wiki_args and (args.command != "scan" or args.paths):
                parser.error(f"unrecognized arguments: {' '.join(wiki_args)} (wiki pages and files do not mix)")
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return args, wiki_args


def _failed(error: LinkbotError, streams: Streams) -> int:
    """One line for the error that ended the command; its documented exit code."""
    if isinstance(error, StorageError):
        # Standard error may sit on the full disk too; what standard output holds is kept if it can be.
        with contextlib.suppress(OSError, LinkbotError):
            print(f"linkbot: {error}", file=streams.err)
        try:
            streams.out.flush()
        except (OSError, LinkbotError):
            _silence_stdout()  # else Python's own flush at exit would fail again, with a traceback
        return EXIT_STORAGE
    prefix = "configuration error: " if isinstance(error, ConfigError) else ""
    print(f"linkbot: {prefix}{error}", file=streams.err)
    return exit_code_for(error)


# pywikibot's own arguments (page generators, -family:, -lang:, -xml:...): one dash, a lower-case
# name, and after a colon a value that may hold anything: -page:Main Page, -cat:Living people.
_WIKI_ARG = re.compile(r"-[a-z][a-z0-9_]*(?::.*)?", re.S)
_OWN_SHORT_OPTIONS = frozenset({"-h", "-q", "-v", "-vv", "-vvv"})


def split_wiki_args(argv: list[str]) -> tuple[list[str], list[str]]:
    """(linkbot's arguments, pywikibot's), in their order. argparse cannot be left to find
    pywikibot's: it takes an argument holding a space (-page:"Main Page") for a file name."""
    own: list[str] = []
    wiki: list[str] = []
    for index, arg in enumerate(argv):
        if arg == "--":  # the rest are positional, as argparse reads them
            return own + argv[index:], wiki
        (wiki if arg not in _OWN_SHORT_OPTIONS and _WIKI_ARG.fullmatch(arg) else own).append(arg)
    return own, wiki


def exit_code_for(error: LinkbotError) -> int:
    """The documented exit code of an error that ends a command: decided by its class in the tree."""
    if isinstance(error, ConfigError):
        return EXIT_CONFIG
    if isinstance(error, StorageError):
        return EXIT_STORAGE
    if isinstance(error, (InputError, MemberListError)):
        return EXIT_INPUT
    if isinstance(error, StoppedError):
        return EXIT_STOPPED
    if isinstance(error, LockBusyError):
        return EXIT_LOCKED
    return EXIT_PARTIAL  # WikiError and the rest: the run did not do all it should


def _dispatch(args, wiki_args: list[str], settings: Settings, streams: Streams, environ) -> int:
    from bot.commands import local, members, queue, wiki

    if args.command in ("list", "show", "classes", "approve", "reject", "report", "review", "serve"):
        return queue.cmd_queue(args, settings, streams, environ)
    if args.command == "apply":
        return wiki.cmd_apply(args, settings, streams, environ)
    if args.command == "scan" and wiki_args:
        return wiki.cmd_scan_wiki(args, wiki_args, settings, streams, environ)
    if args.command == "sandbox":
        return wiki.cmd_sandbox(args, settings, streams, environ)
    if args.command == "members":
        return members.cmd_members(args, settings, streams, environ)
    if args.command == "run":
        return wiki.cmd_run(args, settings, streams, environ)
    if args.command == "template":
        return wiki.cmd_template(args, settings, streams, environ)
    if args.command in ("runs", "undo", "stats"):
        from bot.commands import accounts

        return accounts.cmd_accounts(args, settings, streams, environ)
    if args.command == "scan" and not args.paths:
        print("linkbot: scan needs files, folders or wiki page arguments (see linkbot scan --help)", file=streams.err)
        return EXIT_USAGE
    command = {"fix": local.cmd_fix, "scan": local.cmd_scan}[args.command]
    return command(args, settings, settings.profile(), streams, environ)


_OVERRIDES = ("auto_approve", "site", "rules", "color", "mode", "max_edits", "log_format", "max_page_kb",
              "max_analysis_seconds", "mirror_forms")  # fmt: skip


def _overrides(args) -> dict:
    """The settings the command line gives (a command without an option gives None: the config's)."""
    values = {name: getattr(args, name, None) for name in _OVERRIDES}
    if getattr(args, "trial", None):  # a trial of N edits is a run that stops after N
        values["max_edits"] = args.trial
    return values


# Commands that write to the wiki with --mode live; of them only `run` may take "live" from the configuration.
_WRITING = ("scan", "apply", "template", "undo")


def _command_mode(args, wiki_args: list[str], settings: Settings, streams: Streams) -> Settings:
    """Only a command line says live: ``[wiki] mode`` (or ``$LINKBOT_MODE``) is for ``linkbot run``,
    the scheduled command; a person's ``scan``, ``apply``, ``undo`` or ``template`` writes only with
    its own ``--mode live``."""
    if args.command not in _WRITING:
        return settings
    mode = getattr(args, "mode", None) or "dry-run"
    if settings.mode == "live" and mode != "live" and (args.command != "scan" or wiki_args):
        print(f'linkbot: the configuration\'s mode = "live" is for linkbot run; this {args.command} is a dry run '
              "(--mode live writes)", file=streams.err)  # fmt: skip
    return dataclasses.replace(settings, mode=mode)


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
