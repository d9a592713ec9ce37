"""``linkbot members``: ``extract`` a registry from a page revision (file or wiki page), ``import`` a
published list into a registry (a CSV/JSON file or another wiki page; the diff printed, written with
``--write``), ``check`` what a registry and its managed pages disagree on.

Exit codes: 0 done (``check``: the registry and every page agree), 1 ``check``: they disagree,
3 a registry that does not load, 4 a source or page that cannot be read, or (``import``) bad rows,
the others imported."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from bot.commands.common import EXIT_CHANGES, EXIT_INPUT, EXIT_OK, Streams
from bot.errors import InputError
from bot.inputs.files import read_page, write_output
from bot.settings import Settings


def cmd_members(args, settings: Settings, streams: Streams, environ) -> int:
    if args.members_command == "import":
        return cmd_members_import(args, settings, streams, environ)
    if args.members_command == "check":
        return cmd_members_check(args, settings, streams, environ)
    return cmd_members_extract(args, settings, streams, environ)


def cmd_members_extract(args, settings: Settings, streams: Streams, environ) -> int:
    """A registry from a page revision (a local file, or a page read from the wiki)."""
    from bot.core.errors import MemberListError
    from bot.core.members import extract_member_list
    from bot.inputs.registries import dump_registry

    if args.output and Path(args.output).exists():
        # A registry's comments, years, sources and total_pattern are the operator's: extract knows none.
        print(f"linkbot: {args.output}: already exists; extract writes a new registry and would lose its comments, "
              f"years and sources (members import {args.member_list} --from-page updates one; remove the file to rebuild it)",
              file=streams.err)  # fmt: skip
        return EXIT_INPUT
    if Path(args.source).is_file():
        try:
            text = read_page(args.source)
        except InputError as error:
            print(f"linkbot: {error}", file=streams.err)
            return EXIT_INPUT
        profile, pages = settings.profile(), args.page
    else:
        text, profile, pages = _live_page(args, settings, environ)
    try:
        member_list = extract_member_list(text, profile, args.member_list, tuple(pages))
    except MemberListError as error:
        print(f"linkbot: {args.source}: {error}", file=streams.err)
        return EXIT_INPUT
    content = dump_registry(member_list)
    if args.output:
        try:
            write_output(args.output, content, "the registry")
        except InputError as error:
            print(f"linkbot: {error}", file=streams.err)
            return EXIT_INPUT
        total = sum(len(section.members) for section in member_list.sections)
        print(f"linkbot: {len(member_list.sections)} section(s), {total} member(s) written to {args.output}", file=streams.err)
    else:
        streams.out.write(content)
    return EXIT_OK


def _live_page(args, settings: Settings, environ):
    from bot.commands.wiki import connect
    from bot.wiki.sources import page_text

    session, _ = connect(settings, args, environ, login=False)
    found = page_text(session.site, args.source)
    if found is None:
        raise InputError(args.source, "no such file, and no such page on the wiki")
    title, text = found
    return text, session.profile, args.page or [title]


def cmd_members_import(args, settings: Settings, streams: Streams, environ) -> int:
    """A published list compared with the registry: the diff printed, and written with ``--write``."""
    from bot.core.members.registry_diff import registry_diff
    from bot.present.members import diff_json, diff_text

    path = registry_path(args.member_list, settings)
    registry = _load(path)
    try:
        if args.from_page:
            source, rows, problems, resolved, profile = _page_source(args, settings, environ, registry)
        else:
            source, rows, problems, resolved, profile = _file_source(args, settings, environ, registry)
    except InputError as error:
        print(f"linkbot: {error}", file=streams.err)
        return EXIT_INPUT
    diff = registry_diff(registry, rows, profile, resolved)
    written = ""
    if args.write and diff.changes_registry:
        from bot.inputs.registry_edit import write_diff

        write_diff(path, diff)
        written = str(path)
    elif args.write:
        written = str(path)
    if args.format == "json":
        streams.out.write(diff_json(registry.name, source, diff, problems, written))
    else:
        streams.out.write(diff_text(registry.name, source, diff, written))
    for problem in problems:
        print(f"linkbot: {problem}", file=streams.err)
    return EXIT_INPUT if problems else EXIT_OK


def cmd_members_check(args, settings: Settings, streams: Streams, environ) -> int:
    """Each managed page (or ``--file``) compared with the registry: what a run would propose."""
    from bot.core.members import member_changes
    from bot.core.members.check import check_page
    from bot.present.members import check_json, check_text

    registry = _load(registry_path(args.member_list, settings))
    try:
        pages = _check_pages(args, settings, environ, registry)
    except InputError as error:
        print(f"linkbot: {error}", file=streams.err)
        return EXIT_INPUT
    checks = [
        check_page(title, member_changes(text, registry, profile, redirects), settings.max_member_removal_share)
        for title, text, profile, redirects in pages
    ]
    streams.out.write((check_json if args.format == "json" else check_text)(registry.name, checks, registry.snapshot))
    return EXIT_OK if all(check.agrees for check in checks) else EXIT_CHANGES


def registry_path(name: str, settings: Settings) -> Path:
    from bot.inputs.registries import registry_folder

    return Path(name) if name.endswith(".toml") else registry_folder(settings.config_path) / f"{name}.toml"


def _load(path: Path):
    from bot.inputs.registries import load_registry

    return load_registry(path)


def _file_source(args, settings: Settings, environ, registry):
    from bot.inputs.member_sources import read_member_source

    rows, problems = read_member_source(args.from_file, registry.column)
    if not args.redirects:
        return args.from_file, rows, problems, {}, settings.profile()
    from bot.commands.wiki import connect
    from bot.wiki.member_pages import local_titles

    session, _ = connect(settings, args, environ, login=False)
    names = sorted({name for row in rows for name in (row.name, row.country) if name})
    return args.from_file, rows, problems, local_titles(session.site, session.site, names, settings.retry), session.profile


def _page_source(args, settings: Settings, environ, registry):
    from bot.commands.wiki import connect
    from bot.core.errors import MemberListError
    from bot.core.members import extract_member_list
    from bot.core.members.registry_diff import SourceMember
    from bot.wiki.member_pages import local_titles, same_wiki, source_page

    session, _ = connect(settings, args, environ, login=False)
    page = source_page(session.site, args.from_page)
    try:
        found = extract_member_list(page.text, session.profile, registry.name)
    except MemberListError as error:
        raise InputError(args.from_page, str(error)) from None
    rows = [
        SourceMember(m.target, section.name, m.country_target, m.year, m.source)
        for section in found.sections
        for m in section.members
    ]
    names = sorted({name for row in rows for name in (row.name, row.country) if name})
    resolved = local_titles(session.site, page.site, names, settings.retry)
    if same_wiki(session.site, page.site):
        return page.title, rows, [], resolved, session.profile
    # Another wiki's page: a member with no page on this wiki cannot be compared (nor imported).
    problems = [f"{page.title}: {row.name}: no interlanguage link to this wiki; left out" for row in rows if row.name not in resolved]
    rows = [dataclasses.replace(row, country=resolved.get(row.country, "")) for row in rows if row.name in resolved]
    return f"{page.site.code}:{page.title}", rows, problems, resolved, session.profile


def _check_pages(args, settings: Settings, environ, registry) -> list[tuple]:
    """(title, text, profile, redirects) of each page to check: ``--file``s, else the registry's pages."""
    if args.file:
        return [(name, read_page(name), settings.profile(), {}) for name in args.file]
    if not registry.pages:
        raise InputError(registry.name, "the registry manages no page (its pages = [...]); name a copy with --file")
    from bot.commands.wiki import connect
    from bot.core.members import item_targets
    from bot.wiki.sources import page_text, resolve_redirects

    session, _ = connect(settings, args, environ, login=False)
    pages = []
    for title in registry.pages:
        found = page_text(session.site, title)
        if found is None:
            raise InputError(title, "no such page on the wiki")
        targets = item_targets(found[1], registry, session.profile)
        pages.append((found[0], found[1], session.profile, resolve_redirects(session.site, targets, settings.retry)))
    return pages
