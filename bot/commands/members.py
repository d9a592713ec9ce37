"""``linkbot members extract``: a member-list registry built from a page revision (file or wiki page)."""

from __future__ import annotations

from pathlib import Path

from bot.commands.common import EXIT_INPUT, EXIT_OK, Streams
from bot.errors import InputError
from bot.inputs.files import read_page, write_output
from bot.settings import Settings


def cmd_members_extract(args, settings: Settings, streams: Streams, environ) -> int:
    """A registry from a page revision (a local file, or a page read from the wiki)."""
    from bot.core.errors import MemberListError
    from bot.core.members import extract_member_list
    from bot.inputs.registries import dump_registry

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
