"""Open a MediaWiki XML export whatever its name: the compression told by its magic bytes, the text
encoding by its byte-order mark or XML declaration, a namespace prefix on its elements found on
the root; and its header (``<siteinfo>``) read once.

What comes out is always UTF-8 XML with unprefixed elements, so that the reader cuts and
prefilters pages on bytes the same way for every dump. A UTF-8 dump (MediaWiki writes nothing
else) passes through untouched; others are transcoded block by block. Decompression is done here
with the decompressor objects (not ``bz2.open``), so that a file that ends early gives up every
byte it holds, then says where it ends.
"""

from __future__ import annotations

import bz2
import codecs
import re
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bot.errors import InputError

READ_BYTES = 1 << 20
SNIFF_BYTES = 64 << 10  # enough for any XML declaration and root tag
HEADER_LIMIT = 4 << 20  # a <siteinfo> is a few KB; a header this long is not one
DUMP_ENDINGS = (".xml", ".xml.bz2", ".xml.gz")
# A bzip2 stream: "BZh", the block size, then a block's magic (pi in BCD) or the end's (sqrt(pi)).
_BZ2_START = re.compile(rb"BZh[1-9](?:1AY&SY|\x17rE8P\x90)")
_GZIP_MAGIC = b"\x1f\x8b\x08"
# Archives MediaWiki dumps also come in, which this reader does not open: named, not called binary.
_OTHER_ARCHIVES = (
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"\xfd7zXZ\x00", "an xz file"),
    (b"\x28\xb5\x2f\xfd", "a zstd file"),
    (b"PK\x03\x04", "a zip archive"),
)
# Byte-order marks, and the first bytes of "<?" or "<m" without one (XML 1.0, appendix F).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\x00<\x00", "utf-16-be"),
    (b"<\x00", "utf-16-le"),
)
_DECLARED = re.compile(rb"""\A<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_ROOT = re.compile(rb"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<(?:([A-Za-z_][\w.-]*):)?mediawiki[\s>/]", re.S)
_SITEINFO_FIELD = re.compile(rb"<(dbname|base)>([^<]*)</\1>")
_NAMESPACE = re.compile(rb'<namespace\s[^>]*?key="(-?\d+)"[^>]*?(?:/>|>([^<]*)</namespace>)')


@dataclass(frozen=True)
class DumpKind:
    """How a dump file is written: its compression ("", "bz2", "gz"), text encoding (a Python codec
    name), the prefix its elements carry (b"" for none), and whether its root is ``<mediawiki>``."""

    compression: str = ""
    encoding: str = "utf-8"
    prefix: bytes = b""
    mediawiki: bool = True

    @property
    def plain(self) -> bool:
        """Read as it is: UTF-8 with unprefixed elements (Wikimedia's dumps; the multistream path)."""
        return self.encoding == "utf-8" and not self.prefix


@dataclass(frozen=True)
class DumpHeader:
    """What the ``<siteinfo>`` says: the wiki's database name and main page URL, its namespaces."""

    dbname: str = ""
    base: str = ""
    namespaces: tuple[tuple[str, int], ...] = ()  # (name, key), for exports whose pages carry no <ns>

    def namespace_ids(self) -> dict[str, int]:
        """Namespace name (case-folded) -> key; the canonical names of the namespaces whose pages'
        content model follows from their titles are known without a header."""
        table = {name.replace("_", " ").casefold(): key for name, key in self.namespaces if name}
        for name, key in (("user", 2), ("mediawiki", 8), ("module", 828)):
            table.setdefault(name, key)
        return table


def looks_like_dump(path: str) -> bool:
    """Whether ``scan`` reads ``path`` as a dump: its name says so, or (a regular file) it is
    compressed (Wikimedia's split files are named ``…pages-articles1.xml-p1p41242.bz2``) or its root
    element is ``<mediawiki>``. Only the first few KB of a page file are read for this."""
    if path.endswith(DUMP_ENDINGS):
        return True
    try:
        if not stat.S_ISREG(Path(path).stat().st_mode):
            return False  # never opened here: a FIFO would block (reading it says what it is)
        with open(path, "rb") as raw:
            head = raw.read(4096)
    except OSError:
        return False  # (reading it says what is wrong)
    if _compression(head) or any(head.startswith(magic) for magic, _ in _OTHER_ARCHIVES):
        return True
    try:
        return _root(head, _encoding(path, head)) is not None
    except InputError:
        return True  # an XML declaration naming an unknown encoding: a dump, said so when read


def sniff(path: str) -> DumpKind:
    """How the dump at ``path`` is written, from its first bytes (decompressed by magic)."""
    head = _raw_head(path)
    for magic, name in _OTHER_ARCHIVES:
        if head.startswith(magic):
            raise InputError(path, f"{name}, which linkbot does not open: decompress it first")
    compression = _compression(head)
    if compression:
        head = _decompressed_head(path, compression)
    encoding = _encoding(path, head)
    root = _root(head, encoding)
    return DumpKind(compression, encoding, root.group(1) or b"" if root else b"", root is not None)


def _compression(head: bytes) -> str:
    """"bz2" or "gz" by the file's magic bytes ("" for neither)."""
    if _BZ2_START.match(head):
        return "bz2"
    return "gz" if head.startswith(_GZIP_MAGIC) else ""


def _root(head: bytes, encoding: str) -> re.Match | None:
    """The ``<mediawiki>`` root element at the start of the XML (its prefix in group 1), if it is."""
    text = head if encoding == "utf-8" else head.decode(encoding, "ignore").encode("utf-8")
    return _ROOT.match(text.removeprefix(b"\xef\xbb\xbf"))


def _raw_head(path: str) -> bytes:
    try:
        with open(path, "rb") as raw:
            return raw.read(SNIFF_BYTES)
    except FileNotFoundError:
        raise InputError(path, "no such dump file") from None
    except OSError as error:
        raise InputError(path, f"cannot read the dump: {error.strerror or error}") from None


def _decompressed_head(path: str, compression: str) -> bytes:
    head = b""
    try:
        for block in _decompressed(path, compression, None):
            head += block
            if len(head) >= SNIFF_BYTES:
                break
    except InputError:
        pass  # a damaged or cut file: read as far as it goes, and said so when read in full
    return head[:SNIFF_BYTES]


def _encoding(path: str, head: bytes) -> str:
    for mark, encoding in _BOMS:
        if head.startswith(mark):
            return encoding
    declared = _DECLARED.match(head)
    if declared is None:
        return "utf-8"
    name = declared.group(1).decode("ascii")
    try:
        encoding = codecs.lookup(name).name
    except LookupError:
        raise InputError(path, f"its XML declaration names the encoding {name!r}, which is not known") from None
    return "utf-8" if encoding in ("utf-8", "ascii") else encoding


def xml_blocks(path: str, at: Callable[[int], None] | None = None, kind: DumpKind | None = None) -> Iterator[bytes]:
    """The dump's XML as UTF-8 with unprefixed elements, a block at a time, read in this process;
    ``at`` is told how far into the dump file (compressed or not) each block ends. A file that ends
    early, or whose compressed data is damaged, gives every block before that, then ``InputError``."""
    kind = kind or sniff(path)
    blocks = _decompressed(path, kind.compression, at)
    if kind.encoding != "utf-8":
        blocks = _transcoded(blocks, kind.encoding, path)
    if kind.prefix:
        blocks = _unprefixed(blocks, kind.prefix)
    return blocks


def _decompressed(path: str, compression: str, at: Callable[[int], None] | None) -> Iterator[bytes]:
    try:
        with open(path, "rb") as raw:
            if not compression:
                while block := raw.read(READ_BYTES):
                    if at is not None:
                        at(raw.tell())
                    yield block
                return
            yield from _inflated(raw, path, compression, at)
    except FileNotFoundError:
        raise InputError(path, "no such dump file") from None
    except OSError as error:
        raise InputError(path, f"cannot read the dump: {error.strerror or error}") from None


def _inflated(raw, path: str, compression: str, at: Callable[[int], None] | None) -> Iterator[bytes]:
    """The data of every stream (bzip2) or member (gzip) one after another, as ``bzcat``/``zcat``
    read them, with a bounded output per call: a small file that inflates hugely stays flat in memory."""
    inflate = _bz2_blocks if compression == "bz2" else _gzip_blocks
    try:
        for block in inflate(raw):
            if block is None:  # the data ran out before its end-of-stream marker
                raise InputError(path, f"the file ends early: its {compression} data stops unfinished at byte {raw.tell():,}")
            if at is not None:
                at(raw.tell())
            yield block
    except (OSError, EOFError, zlib.error) as error:
        where = f"in the {READ_BYTES >> 20} MB before byte {raw.tell():,}"
        raise InputError(path, f"cannot read the dump: its {compression} data is damaged {where} ({error})") from None


def _bz2_blocks(raw) -> Iterator[bytes | None]:
    """The data of every bzip2 stream in ``raw``; None last if it stops before its end."""
    decompressor = bz2.BZ2Decompressor()
    while True:
        if decompressor.eof:  # a stream ends: another may follow (pbzip2, multistream dumps)
            data = decompressor.unused_data or raw.read(READ_BYTES)
            if not data:
                return
            decompressor = bz2.BZ2Decompressor()
        elif decompressor.needs_input:
            data = raw.read(READ_BYTES)
            if not data:
                yield None
                return
        else:
            data = b""  # it holds input it has not used yet: ask again
        if block := decompressor.decompress(data, READ_BYTES):
            yield block


def _gzip_blocks(raw) -> Iterator[bytes | None]:
    """The data of every gzip member in ``raw``; None last if it stops before its end."""
    decompressor, data = zlib.decompressobj(wbits=31), b""
    while True:
        if decompressor.eof:  # a member ends: another may follow (concatenated .gz files)
            data = decompressor.unused_data or raw.read(READ_BYTES)
            if not data:
                return
            decompressor = zlib.decompressobj(wbits=31)
        elif not data:
            data = raw.read(READ_BYTES)
            if not data:
                if rest := decompressor.flush():  # output it held back for want of room
                    yield rest
                if not decompressor.eof:
                    yield None
                    return
                continue
        if block := decompressor.decompress(data, READ_BYTES):
            yield block
        data = decompressor.unconsumed_tail


def _transcoded(blocks: Iterable[bytes], encoding: str, path: str) -> Iterator[bytes]:
    """UTF-8 for a dump in another encoding (UTF-16, ISO-8859-1, …), block by block."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    try:
        for block in blocks:
            if text := decoder.decode(block):
                yield text.encode("utf-8")
            offset += len(block)
        if text := decoder.decode(b"", final=True):
            yield text.encode("utf-8")
    except UnicodeDecodeError as error:
        where = offset + max(error.start, 0)
        raise InputError(path, f"not valid {encoding} (at byte {where:,} of the XML)") from None


def _unprefixed(blocks: Iterable[bytes], prefix: bytes) -> Iterator[bytes]:
    """The XML with ``<mw:page>`` read as ``<page>`` (and so on) for an export whose elements carry a
    namespace prefix: a byte replacement is exact, as escaped text holds no ``<``."""
    opening, closing = b"<" + prefix + b":", b"</" + prefix + b":"
    carry = b""
    for block in blocks:
        data = carry + block
        cut = data.rfind(b"<", max(len(data) - len(closing), 0))  # a tag that may go on in the next block
        data, carry = (data[:cut], data[cut:]) if cut >= 0 else (data, b"")
        yield data.replace(closing, b"</").replace(opening, b"<")
    if carry:
        yield carry.replace(closing, b"</").replace(opening, b"<")


def read_header(path: str, kind: DumpKind) -> DumpHeader:
    """The dump's ``<siteinfo>`` (empty when it has none, or cannot be read: the scan says why)."""
    head = b""
    blocks = xml_blocks(path, kind=kind)
    try:
        for block in blocks:
            head += block
            if b"</siteinfo>" in head or b"<page>" in head or len(head) > HEADER_LIMIT:
                break
    except InputError:
        pass
    finally:
        blocks.close()
    head = head.split(b"<page>", 1)[0]
    fields = {name.decode(): _unescaped(value) for name, value in _SITEINFO_FIELD.findall(head)}
    namespaces = tuple((_unescaped(name), int(key)) for key, name in _NAMESPACE.findall(head))
    return DumpHeader(fields.get("dbname", ""), fields.get("base", ""), namespaces)


def _unescaped(value: bytes) -> str:
    text = value.decode("utf-8", "replace").strip()
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


# Wikimedia's database names: a language code (or a project's name) and the project's suffix.
_WIKIMEDIA_SUFFIXES = (
    ("wiktionary", "wiktionary.org"), ("wikibooks", "wikibooks.org"), ("wikinews", "wikinews.org"),
    ("wikiquote", "wikiquote.org"), ("wikisource", "wikisource.org"), ("wikiversity", "wikiversity.org"),
    ("wikivoyage", "wikivoyage.org"), ("wiki", "wikipedia.org"),
)  # fmt: skip
_WIKIMEDIA_SPECIAL = {
    "commonswiki": "commons.wikimedia.org", "metawiki": "meta.wikimedia.org", "specieswiki": "species.wikimedia.org",
    "wikidatawiki": "www.wikidata.org", "mediawikiwiki": "www.mediawiki.org", "sourceswiki": "wikisource.org",
}  # fmt: skip


def dump_host(header: DumpHeader) -> str:
    """The host of the wiki the dump is of: its ``<base>`` URL's, else (no URL) the Wikimedia host
    its ``<dbname>`` stands for; "" when neither tells."""
    if header.base:
        return (urlsplit(header.base).hostname or "").lower()
    if header.dbname in _WIKIMEDIA_SPECIAL:
        return _WIKIMEDIA_SPECIAL[header.dbname]
    for suffix, domain in _WIKIMEDIA_SUFFIXES:
        code = header.dbname.removesuffix(suffix)
        if code != header.dbname and re.fullmatch(r"[a-z][a-z_]*", code):
            return f"{code.replace('_', '-')}.{domain}"
    return ""


def other_wiki(header: DumpHeader, site: str, hosts: frozenset[str]) -> str | None:
    """A warning when the dump's header names another wiki than ``site`` (whose ``hosts`` include
    its aliases), naming both; None when they agree or the header does not tell."""
    host = dump_host(header)
    if not host or host in hosts or host.replace(".m.", ".", 1) in hosts:
        return None
    named = " ".join(part for part in (header.dbname, f"<{header.base}>" if header.base else "") if part)
    return f"warning: the dump is of another wiki than --site {site}: its <siteinfo> names {named or host}"
