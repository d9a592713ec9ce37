"""The root of linkbot's exception tree and the errors the core raises (the tree is drawn in
``bot.errors``, which adds the rest). Here so that the core, which imports nothing of linkbot outside
itself, raises members of the one tree.

The core's ``AnalysisError``s never leave it: a title MediaWiki cannot have or a label that cannot
be carried into a wikilink becomes a link left alone, with the error's message as the reason.
"""

from __future__ import annotations


class LinkbotError(Exception):
    """Root of every error linkbot raises on purpose."""


class ConfigError(LinkbotError):
    """The configuration (file, environment or command line) is invalid."""


class UnknownSiteError(ConfigError):
    """The host is not a Wikipedia host and no profile was configured for it."""


class RegistryError(ConfigError):
    """A member-list registry's content is not valid; the message says where."""


class MemberListError(LinkbotError):
    """A page holds no member list to extract (``linkbot members extract``)."""


class AnalysisError(LinkbotError):
    """A link the core cannot convert; caught inside the core, where it becomes a skip."""


class TitleError(AnalysisError):
    """A title MediaWiki cannot have (raised by ``parse_title``)."""


class UnsafeLabelError(AnalysisError):
    """A label that cannot be carried into a wikilink safely."""


class UndecodableError(AnalysisError):
    """A destination whose percent-encoding is not valid."""
