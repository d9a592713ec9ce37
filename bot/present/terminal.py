"""The streams linkbot writes its text output to: a page's control characters are shown, never performed.

A page file can hold ESC, BEL or a lone carriage return; written raw to a terminal they would
recolor, retitle or redraw it, or hide part of a diff a reviewer is reading. On a terminal every
such character is written as its visible stand-in (``␛``, ``␇``, ``␍``; C1 controls as ``\\x9b``).

linkbot's own styling (the colors of a diff) is written with ``STYLE`` (NUL) in place of ESC, and
only the stream turns it into ESC, after the content's controls are made visible: so no ESC that
came from a page can pass for ours. NUL never occurs in anything linkbot shows (page files that
hold it are refused, XML cannot carry it, MediaWiki strips it, paths cannot contain it).
Piped into a file, the text is written as it is (a diff must still apply), styling included
when asked for (``--color always``).
"""

from __future__ import annotations

import contextlib
import re
from typing import TextIO

from bot.errors import storage_error

STYLE = "\0"  # stands for ESC in linkbot's own escape sequences
_ESC = "\x1b"
# C0 controls but tab and newline, a carriage return not ending a line, DEL, C1 controls; and the
# bidirectional controls, which reorder what a terminal shows (a title reading backwards, a change's
# old text shown after its new one): shown as their code points.
_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")


def visible(text: str) -> str:
    """``text`` with its control characters replaced by visible stand-ins."""
    return _CONTROL.sub(_stand_in, text)


def _stand_in(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ␛ for ESC, ␇ for BEL
    if code == 0x7F:
        return "\u2421"  # ␡
    return f"\\x{code:02x}" if code < 0x100 else f"<U+{code:04X}>"


class OutputStream:
    """A text stream as linkbot writes to it (see the module's doc); ``raw`` is the stream itself,
    for a terminal's status line that must move the cursor."""

    def __init__(self, raw: TextIO, name: str = "the output") -> None:
        self.raw, self.name = raw, name
        self.terminal = hasattr(raw, "isatty") and raw.isatty()

    def write(self, text: str) -> int:
        if self.terminal:
            text = visible(text)
        with self._storage_errors():
            return self.raw.write(text.replace(STYLE, _ESC))

    def flush(self) -> None:
        with self._storage_errors():
            self.raw.flush()

    @contextlib.contextmanager
    def _storage_errors(self):
        """A full disk (or /dev/full) under the output is a ``StorageError``: one line, exit 8."""
        try:
            yield
        except BrokenPipeError:
            raise  # the reader went away: the CLI stops quietly
        except OSError as error:
            raise storage_error(self.name, error) or error from None

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def isatty(self) -> bool:
        return self.terminal

    def __getattr__(self, name: str):  # fileno, encoding, getvalue (tests), ...
        return getattr(self.raw, name)
