"""Text files: the encoding a file is in, found from its bytes, and its lines decoded strictly.

Detection is plain rules, measured against charset-normalizer (README, "Import and export"):
a BOM says UTF-8 or UTF-16; otherwise bytes that are valid UTF-8 are UTF-8 (text in a
Windows code page almost never is); otherwise the file is Windows-1251 (Russian) or
Windows-1252 (French, German, ...), told apart by how its letters above ASCII stand: in
Russian text they stand side by side (whole words), in French or German text one at a time
between ASCII letters.

Decoding is strict, line by line, so a file that mixes encodings (lines pasted from
another file) is refused with the first bad line named instead of imported with wrong
letters: a byte that is not valid in the encoding, or, in a file read as a Windows code
page, a line that is valid UTF-8 beside the others.
"""

import codecs
import re
from collections.abc import Iterator
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The encodings the import reads, by the name a Table gives, with Python's codec for each.
ENCODINGS = {
    "utf-8": "utf-8",
    "utf-16": "utf-16",
    "utf-16-le": "utf-16-le",
    "utf-16-be": "utf-16-be",
    "windows-1251": "cp1251",
    "windows-1252": "cp1252",
}
_BY_CODEC = {codec: name for name, codec in ENCODINGS.items()} | {"utf-8-sig": "utf-8"}
_SINGLE_BYTE = {"cp1251", "cp1252"}

SAMPLE = 64 * 1024  # bytes looked at to detect an encoding (and a delimiter)
_CHUNK = 64 * 1024
_BREAK = re.compile(r"\r\n|\r|\n")

# Letters of Windows-1251 (Cyrillic: C0-FF, and A8/B8 for YO), two of them side by side; and
# one of the same bytes beside an ASCII letter, as accented letters stand in Windows-1252.
_CYRILLIC_RUN = re.compile(rb"[\xa8\xb8\xc0-\xff]{2,}")
_BESIDE_ASCII = re.compile(rb"[A-Za-z][\xc0-\xff]|[\xc0-\xff][A-Za-z]")


def encoding_name(given: str) -> str:
    """The encoding a caller chose (any name Python knows for one of ``ENCODINGS``), by the
    name a Table gives it; ``ValidationError`` for another."""
    try:
        return _BY_CODEC[codecs.lookup(given).name]
    except (LookupError, KeyError):
        raise ValidationError(
            _(
                "The import does not read the encoding “%(encoding)s”: choose UTF-8, UTF-16, "
                "Windows-1251 or Windows-1252."
            )
            % {"encoding": given},
            code="unknown_encoding",
        ) from None


def detect_encoding(file: BinaryIO) -> str:
    """The encoding of ``file`` from its bytes (read from where it stands; the caller seeks
    back). An ASCII beginning says nothing, so the sample is the first block with a byte
    above ASCII in it (all ASCII: UTF-8), and the first line with one decides between UTF-8
    and the rest: in a file that mixes encodings, the lines unlike it are the bad ones."""
    sample = file.read(SAMPLE)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    while sample.isascii():
        sample = file.read(SAMPLE)
        if not sample:
            return "utf-8"
    first = next(line for line in sample.split(b"\n") if not line.isascii())
    try:  # not final: a letter cut at the end of the sample is not an error
        codecs.getincrementaldecoder("utf-8")().decode(first)
    except UnicodeDecodeError:
        cyrillic = len(_CYRILLIC_RUN.findall(sample)) > len(_BESIDE_ASCII.findall(sample))
        return "windows-1251" if cyrillic else "windows-1252"
    return "utf-8"


def text_lines(file: BinaryIO, encoding: str) -> Iterator[str]:
    """The lines of ``file`` (bytes, from where it stands) decoded from ``encoding`` (a name
    of ``ENCODINGS``), each with its line break (CR LF, LF or CR), a BOM dropped. A byte not
    valid in the encoding, a UTF-8 line in a file read as a Windows code page, or a NUL
    character (a binary file, or UTF-16 without its BOM) raise ``ValidationError`` naming
    the line."""
    chunk = file.read(_CHUNK)
    codec, chunk = _codec_and_text(ENCODINGS[encoding], chunk)
    decoder = codecs.getincrementaldecoder(codec)()
    number = 0  # lines given so far
    parts: list[str] = []  # the line being read, in pieces (a long line spans chunks)
    held = ""  # a CR at the end of a chunk, which may be the start of a CR LF
    while True:
        final = not chunk
        buffered = decoder.getstate()[0]
        try:
            text, bad = held + decoder.decode(chunk, final), False
        except UnicodeDecodeError as error:  # the lines before the bad byte, then the error
            text, bad = held + (buffered + chunk)[: error.start].decode(codec), True
        held = ""
        if not final and not bad and text.endswith("\r"):
            text, held = text[:-1], "\r"
        start = 0
        for match in _BREAK.finditer(text):
            parts.append(text[start : match.end()])
            start = match.end()
            number += 1
            yield _checked("".join(parts), number, codec, encoding)
            parts.clear()
        if bad:
            raise _not_valid(number + 1, encoding)
        if start < len(text):
            parts.append(text[start:])
        if final:
            if parts:
                yield _checked("".join(parts), number + 1, codec, encoding)
            return
        chunk = file.read(_CHUNK)


def _codec_and_text(codec: str, chunk: bytes) -> tuple[str, bytes]:
    """The codec to decode with and the first chunk without its BOM: UTF-16 takes its byte
    order from its BOM (little-endian without one, as Windows writes it)."""
    if codec == "utf-8" and chunk.startswith(codecs.BOM_UTF8):
        return codec, chunk[len(codecs.BOM_UTF8) :]
    if codec in ("utf-16", "utf-16-be") and chunk.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be", chunk[2:]
    if codec in ("utf-16", "utf-16-le") and chunk.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le", chunk[2:]
    return ("utf-16-le" if codec == "utf-16" else codec), chunk


def _checked(line: str, number: int, codec: str, encoding: str) -> str:
    if "\x00" in line:
        raise ValidationError(
            _(
                "Line %(line)d holds a NUL character: the file is not text, or it is UTF-16 "
                "without its byte order mark (choose the encoding)."
            )
            % {"line": number},
            code="binary",
        )
    if codec in _SINGLE_BYTE and not line.isascii():
        try:
            line.encode(codec).decode("utf-8")
        except UnicodeDecodeError:
            return line
        raise ValidationError(
            _(
                "Line %(line)d is UTF-8 in a file read as %(encoding)s: the file mixes "
                "encodings, or it is UTF-8 (choose it)."
            )
            % {"line": number, "encoding": _label(encoding)},
            code="mixed_encodings",
        )
    return line


def _not_valid(line: int, encoding: str) -> ValidationError:
    return ValidationError(
        _(
            "Line %(line)d is not valid %(encoding)s: the file mixes encodings, or it is in "
            "another one (choose it)."
        )
        % {"line": line, "encoding": _label(encoding)},
        code="bad_encoding",
    )


def _label(encoding: str) -> str:
    return encoding.upper().replace("WINDOWS", "Windows").replace("-LE", "").replace("-BE", "")
