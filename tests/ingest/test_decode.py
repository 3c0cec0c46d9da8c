"""Bytes to text: encodings decoded, binary refused with a reason that helps."""

from __future__ import annotations

import random

import pytest

from feint.errors import InputRejected
from feint.ingest.decode import decode_text

TEXT = "Le Kremlin — Peskov said the talks in Genève were “constructive”, café and naïve.\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8"),
        ("\ufeff".encode("utf-16-le") + TEXT.encode("utf-16-le"), "utf-16-le"),
        ("\ufeff".encode("utf-16-be") + TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),  # no BOM: found by its NUL pattern
        (TEXT.encode("cp1252"), "cp1252"),
    ],
)
def test_text_encodings_are_decoded(data: bytes, encoding: str) -> None:
    text, used = decode_text(data)
    assert text == TEXT
    assert used == encoding


def test_latin1_text_decodes_word_for_word() -> None:
    latin = "Zürich, São Paulo, Kraków: the délégation said «non».\n"
    text, _ = decode_text(latin.encode("latin-1"))
    assert text == latin


def test_windows_newlines_become_newlines() -> None:
    assert decode_text(b"one\r\ntwo\rthree")[0] == "one\ntwo\nthree"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        (random.Random(7).randbytes(4096), "binary"),
        (random.Random(8).randbytes(4096).replace(b"\x00", b"\x01"), "control characters"),
        (b"plain start\x00\x01\x02\x03\x04\x05 then binary" * 10, "binary"),
    ],
)
def test_binary_is_refused_with_its_kind(data: bytes, words: str) -> None:
    with pytest.raises(InputRejected, match=words):
        decode_text(data)
