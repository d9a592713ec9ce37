"""Local page files: expand paths to files, read one page's text with one-line errors."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from bot.errors import (
    BinaryInputError,
    EmptyInputError,
    EncodingInputError,
    UnreadableInputError,
)

STDIN = "-"


def expand_paths(paths: list[str]) -> Iterator[str]:
    """Files as given; folders become their files (recursively, sorted, hidden ones skipped).

    A path that does not exist is yielded as it is, so reading it reports the error
    in its place in the run.
    """
    for path in paths:
        folder = Path(path)
        if path != STDIN and folder.is_dir():
            for child in sorted(folder.rglob("*")):
                relative = child.relative_to(folder).parts
                if child.is_file() and not any(part.startswith(".") for part in relative):
                    yield str(child)
        else:
            yield path


def read_page(path: str) -> str:
    """The text of one page file (or standard input for ``-``), as UTF-8."""
    try:
        data = sys.stdin.buffer.read() if path == STDIN else Path(path).read_bytes()
    except IsADirectoryError:
        raise UnreadableInputError(path, "is a folder") from None
    except FileNotFoundError:
        raise UnreadableInputError(path, "no such file") from None
    except PermissionError:
        raise UnreadableInputError(path, "permission denied") from None
    except OSError as error:
        raise UnreadableInputError(path, f"cannot read: {error.strerror or error}") from None
    return decode_page(path, data)


def decode_page(source: str, data: bytes) -> str:
    nul = data.find(b"\x00")
    if nul >= 0:
        raise BinaryInputError(source, f"binary data (NUL byte at offset {nul}), not a wiki page")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise EncodingInputError(
            source, f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}, line {line})"
        ) from None
    if not text.strip():
        raise EmptyInputError(source, "empty page (nothing but white space)")
    return text
