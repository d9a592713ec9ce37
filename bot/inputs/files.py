"""Local page files: expand paths to files, read one page's text with one-line errors."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from bot.errors import (
    BinaryInputError,
    EmptyInputError,
    EncodingInputError,
    TooLargeInputError,
    UnreadableInputError,
    storage_error,
)

STDIN = "-"
_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def expand_paths(paths: list[str]) -> Iterator[str | UnreadableInputError]:
    """Files as given; folders become their files (recursively, sorted, hidden ones skipped).

    A path that does not exist is yielded as it is, so reading it reports the error in its
    place in the run; so is anything in a folder that is not a folder (a FIFO, a device, a broken
    link: reading says what it is). A folder, or part of one, that cannot be listed is yielded as
    the error, never skipped silently.
    """
    for path in paths:
        if path != STDIN and Path(path).is_dir():
            yield from _folder_entries(path)
        else:
            yield path


def _folder_entries(folder: str) -> Iterator[str | UnreadableInputError]:
    entries: list[tuple[str, str | UnreadableInputError]] = []

    def unlisted(error: OSError) -> None:
        where = error.filename or folder
        entries.append((where, UnreadableInputError(where, f"cannot list this folder: {error.strerror or error}")))

    for root, folders, files in os.walk(folder, onerror=unlisted):
        folders[:] = [name for name in folders if not name.startswith(".")]
        for name in folders:
            if os.path.islink(os.path.join(root, name)):  # os.walk does not follow it: say so
                path = os.path.join(root, name)
                entries.append((path, UnreadableInputError(path, "a link to a folder, not followed (give the folder itself)")))
        entries += [(os.path.join(root, name), os.path.join(root, name)) for name in files if not name.startswith(".")]
    for _, entry in sorted(entries, key=lambda item: Path(item[0]).parts):
        yield entry


def read_page(path: str, max_bytes: int | None = None) -> str:
    """The text of one page file (or standard input for ``-``), as UTF-8. Anything but a regular
    file (a FIFO would block, a device never end) and a file over ``max_bytes`` are refused before
    reading."""
    try:
        if path == STDIN:
            data = sys.stdin.buffer.read() if max_bytes is None else sys.stdin.buffer.read(max_bytes + 1)
        else:
            _check_file(path, max_bytes)
            data = Path(path).read_bytes()
    except IsADirectoryError:
        raise UnreadableInputError(path, "is a folder") from None
    except FileNotFoundError:
        raise UnreadableInputError(path, "no such file") from None
    except PermissionError:
        raise UnreadableInputError(path, "permission denied") from None
    except OSError as error:
        raise UnreadableInputError(path, f"cannot read: {error.strerror or error}") from None
    if max_bytes is not None and len(data) > max_bytes:
        raise TooLargeInputError(path, f"over the {max_bytes // 1024:,} KB limit ([limits] max_page_kb)")
    return decode_page(path, data)


def _check_file(path: str, max_bytes: int | None) -> None:
    mode = os.stat(path)
    for test, kind in _KINDS:
        if test(mode.st_mode):
            hint = " (give - to read standard input)" if stat.S_ISFIFO(mode.st_mode) else ""
            raise UnreadableInputError(path, f"{kind}, not a file: not read{hint}")
    if stat.S_ISDIR(mode.st_mode):
        raise IsADirectoryError(path)
    if max_bytes is not None and mode.st_size > max_bytes:
        size = f"{mode.st_size / 1024:,.0f} KB"
        raise TooLargeInputError(path, f"{size}, over the {max_bytes // 1024:,} KB limit ([limits] max_page_kb)")


def write_output(path: str, content: str | Iterable[str], what: str) -> None:
    """Write a file linkbot makes (a report, a registry) whole or not at all: into a temporary file
    beside it, then renamed over it, so a full disk never leaves half of it in place of the old one.
    ``content`` may come in pieces (a report of a huge queue, rendered as it is written)."""
    target = Path(path)
    temporary = target.with_name(f".{target.name}.linkbot-{os.getpid()}")
    try:
        with temporary.open("w", encoding="utf-8") as out:
            out.writelines([content] if isinstance(content, str) else content)
        os.replace(temporary, target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise storage_error(path, error) or UnreadableInputError(path, f"cannot write {what}: {error.strerror or error}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


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
