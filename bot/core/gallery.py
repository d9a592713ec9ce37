"""What pandoc leaves of a ``<gallery>``: its lines turned into Markdown links and autolinks.

pandoc reads a gallery line ``File:Name.jpg|caption`` as a link to itself:
``[File:Name.jpg|caption](File:Name.jpg%7Ccaption)``. Such a line still names its file and its
caption, so it is read as a figure (an image with that caption, for review). When the file's
name holds a space, pandoc cut the line there into an autolink and loose text
(``<File:Tin> Shui Wai Park.jpg|入口``): what the name was is no longer certain, and the line is
reported, not guessed.
"""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import unquote

from bot.core.model import Occurrence, Syntax
from bot.core.profile import SiteProfile

_FILE_NAMESPACES = (6, -2)
_ESCAPED_PIPE = re.compile(r"\\\|")


def _file_prefix(text: str, profile: SiteProfile) -> bool:
    prefix, colon, rest = text.partition(":")
    namespace = profile.namespace(prefix) if colon and rest.strip() else None
    return namespace is not None and namespace.id in _FILE_NAMESPACES


def as_figure(occurrence: Occurrence, profile: SiteProfile) -> Occurrence | None:
    """The figure a gallery line pandoc wrote as a link stands for, or None when it is not one."""
    if occurrence.syntax is not Syntax.MARKDOWN or occurrence.title_attr or occurrence.is_image:
        return None
    line = unquote(occurrence.href)
    name, pipe, caption = line.partition("|")
    if not pipe or not _file_prefix(name, profile):
        return None
    if _ESCAPED_PIPE.sub("|", occurrence.label).strip() != line.strip():
        return None  # pandoc writes the line as its own label: anything else is somebody's link
    return dataclasses.replace(occurrence, href=name, title_attr=f"fig:{caption}", is_image=True)


def is_cut_line(occurrence: Occurrence, profile: SiteProfile) -> bool:
    """An autolink ``<File:Tin>``: a gallery line pandoc cut at the first space of the file's name."""
    return occurrence.syntax is Syntax.AUTOLINK and _file_prefix(occurrence.href, profile)
