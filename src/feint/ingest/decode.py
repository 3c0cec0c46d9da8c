"""Bytes to text: encodings, byte-order marks, and refusing binary files.

Order of trust: a byte-order mark; UTF-16 recognised by its NUL pattern; strict
UTF-8; then Windows-1252, which also covers Latin-1 text (the two agree on every
printable Latin-1 byte) and the smart quotes Latin-1 lacks. Binary files are
recognised by their magic numbers first, so the reason names the format.
"""

from __future__ import annotations

import codecs
import re
from typing import Final

from feint.errors import InputRejected

# (signature, format name, what to do instead)
_MAGIC: Final = (
    (b"%PDF-", "a PDF file", "convert it to text first (e.g. pdftotext FILE.pdf FILE.txt)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image", "feint reads text, not images"),
    (b"\xff\xd8\xff", "a JPEG image", "feint reads text, not images"),
    (b"GIF87a", "a GIF image", "feint reads text, not images"),
    (b"GIF89a", "a GIF image", "feint reads text, not images"),
    (b"PK\x03\x04", "a ZIP archive (or DOCX/XLSX)", "unpack it or save the document as text"),
    (b"\x1f\x8b", "a gzip file", "gunzip it first (gzipped WARC files need a .warc.gz name)"),
    (b"\x7fELF", "an executable", "give feint text, HTML, JSONL/CSV, feeds or WARC files"),
    (b"SQLite format 3\x00", "an SQLite database", "export the text to JSONL or CSV first"),
)

_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Share of control characters (other than tab, newline, carriage return, form
# feed) above which decoded "text" is taken to be binary. Real text has none;
# random bytes have about 12 %. 1 % leaves room for a stray control byte.
_MAX_CONTROL_SHARE: Final = 0.01

# C0 controls but tab, newline, vertical tab, form feed and carriage return; DEL; C1.
_CONTROL: Final = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")

_FIX_HINT: Final = "feint reads UTF-8, UTF-16 (with a byte-order mark), Latin-1 and Windows-1252"


def sniff_binary(data: bytes) -> str | None:
    """Name the binary format ``data`` starts with, with a hint, or None."""
    for magic, name, hint in _MAGIC:
        if data.startswith(magic):
            return f"{name}; {hint}"
    return None


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes to text with newlines normalised to ``\\n``.

    Returns:
        (text, encoding name)

    Raises:
        InputRejected: the bytes are a binary format or not text in any encoding
            feint reads.
    """
    binary = sniff_binary(data)
    if binary:
        raise InputRejected(f"binary file: {binary}")
    text, encoding = _decode(data)
    sample = text[:20_000]
    if sample:
        controls = len(_CONTROL.findall(sample))
        if controls / len(sample) > _MAX_CONTROL_SHARE:
            raise InputRejected(
                f"binary or unreadable bytes: {controls} control characters in the first "
                f"{len(sample)} characters; {_FIX_HINT}. If this is text in another "
                "encoding, convert it to UTF-8 first (e.g. iconv -f ENCODING -t UTF-8)"
            )
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _decode(data: bytes) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding), encoding
            except UnicodeDecodeError as e:
                raise InputRejected(
                    f"starts with a {encoding} byte-order mark but is not valid {encoding} "
                    f"({e.reason} at byte {e.start}); re-save it as UTF-8"
                ) from e
    head = data[:4096]
    if head and b"\x00" in head:
        # UTF-16 without a BOM shows NULs in every other byte (for mostly-ASCII text).
        even = head[0::2].count(0) / max(1, len(head[0::2]))
        odd = head[1::2].count(0) / max(1, len(head[1::2]))
        for share, encoding in ((odd, "utf-16-le"), (even, "utf-16-be")):
            if share > 0.9 and min(odd, even) < 0.1:
                try:
                    return data.decode(encoding), encoding
                except UnicodeDecodeError:
                    break
        raise InputRejected(
            f"binary file: NUL bytes in the first {len(head)} bytes and no UTF-16 pattern; "
            f"{_FIX_HINT}"
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # Bytes cp1252 leaves undefined (0x81, 0x8d, ...): plain Latin-1 always decodes.
        return data.decode("latin-1"), "latin-1"
