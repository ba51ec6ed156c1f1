"""Ingest: read every file of a raw drop as bytes, fingerprint it and decode it strictly.

Kinds are recognised later, from the repaired text (`pipeline.parse.detect_kind`), because the
markers that identify a write-up may themselves be mojibake. What ingest guarantees is that every
file in the folder is either a `RawDocument` or a `RawInputError` that names the file and says why.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import RawInputError

#: Files bigger than this are refused instead of read into memory (a raw drop is text documents).
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class RawDocument:
    """One raw file: its bytes' fingerprint and its text (UTF-8, BOM removed, newlines kept)."""

    path: Path
    name: str
    sha256: str
    size: int
    text: str


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def list_raw_files(raw_dir: Path) -> list[Path]:
    """The files of a drop, sorted by name so runs are reproducible; hidden files are skipped."""
    if not raw_dir.exists():
        raise RawInputError(raw_dir, None, "raw folder does not exist; pass --raw DIR pointing at a drop")
    if not raw_dir.is_dir():
        raise RawInputError(raw_dir, None, "is not a folder; pass --raw DIR pointing at a drop")
    try:
        entries = sorted(raw_dir.iterdir())
    except PermissionError as error:
        raise RawInputError(raw_dir, None, f"cannot list the raw folder ({error.strerror}); check its permissions") from error
    return [path for path in entries if path.is_file() and not path.name.startswith(".")]


def decode_document(path: Path, data: bytes) -> str:
    """Decode strictly as UTF-8; a binary or non-UTF-8 file is an error naming the first bad line.

    CRLF/CR line ends are normalised to LF and a UTF-8 BOM is dropped: both are transport
    artefacts, not content, and keeping them would shift every column in `text_repairs`.

    >>> decode_document(Path("x.md"), "\\ufeffa\\r\\nb".encode())
    'a\\nb'
    """
    if b"\x00" in data[:8192]:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise RawInputError(path, line, "looks like a binary file (NUL byte); a drop holds text documents only")
    try:
        text = codecs.decode(data, "utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RawInputError(
            path, line, f"is not valid UTF-8 (byte 0x{data[error.start]:02x}); re-export the document as UTF-8"
        ) from error
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_document(path: Path) -> RawDocument:
    """Read one raw file; refuses files past MAX_DOCUMENT_BYTES before reading them."""
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise RawInputError(path, None, f"is {size / 2**20:.0f} MiB, over the {MAX_DOCUMENT_BYTES // 2**20} MiB limit for one document; split it")
        data = path.read_bytes()
    except OSError as error:
        raise RawInputError(path, None, f"cannot be read ({error.strerror}); check its permissions") from error
    if not data.strip():
        raise RawInputError(path, 1, "is empty; remove it from the drop or re-export it")
    return RawDocument(path=path, name=path.name, sha256=sha256_of(data), size=len(data), text=decode_document(path, data))
