"""Ingest: read every file of a raw drop as bytes, fingerprint it and decode it strictly.

Kinds are recognised later, from the repaired text (`pipeline.parse.detect_kind`), because the
markers that identify a write-up may themselves be mojibake. What ingest guarantees is that every
file in the folder is either a `RawDocument` or a `RawInputError` that names the file and says why.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import RawInputError

#: Files bigger than this are refused before a byte is read, so memory stays bounded whatever lands
#: in a drop. Repair and parse hold a document several times over as Python strings and rows
#: (measured: ~16x its size at peak, ~0.4 s per MB to parse), so 16 MiB (~25x the seed write-up,
#: thousands of papers with abstracts) keeps one document under ~300 MB and a few seconds.
MAX_DOCUMENT_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class RawDocument:
    """One raw file: its bytes' fingerprint and its text (UTF-8, BOM removed, newlines kept)."""

    path: Path
    name: str
    sha256: str
    size: int
    text: str

    def file(self) -> RawFile:
        return RawFile(self.path, self.name, self.sha256, self.size)


@dataclass(frozen=True)
class RawFile:
    """A raw file that ingest read and checked, by fingerprint only.

    The flow passes these, not `RawDocument`s, so a run never holds the whole drop's text: repair
    reads each file again (`read`), and refuses it if it changed since ingest.
    """

    path: Path
    name: str
    sha256: str
    size: int

    def read(self) -> RawDocument:
        document = read_document(self.path, max_bytes=max(self.size, MAX_DOCUMENT_BYTES))  # checked at ingest
        if document.sha256 != self.sha256:
            raise RawInputError(self.path, None, "changed while the run was reading the drop; run again once "
                                "the drop is complete (write files elsewhere, then move them into the raw folder)")
        return document


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
    # Everything but folders and hidden files is listed, so that a broken link, a link out of the
    # drop, a FIFO or a device is reported by name when read (`read_document` refuses them), not dropped.
    return [path for path in entries if not path.name.startswith(".") and not (path.is_dir() and not path.is_symlink())]


def _file_type(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder"))
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def open_regular_file(path: Path) -> int:
    """A read-only descriptor of `path`, refused (RawInputError, nothing read) unless it is a regular
    file inside its folder: a link pointing out of the drop, a FIFO (whose read would block the run
    forever), a device or a socket is not a document.

    Opened non-blocking and checked on the descriptor (fstat), so a file swapped for a FIFO between
    listing and reading is still caught.
    """
    target = path.resolve()
    if path.is_symlink() and path.exists() and not target.is_relative_to(path.parent.resolve()):
        raise RawInputError(path, None, f"is a symbolic link to {target}, outside the raw folder (not read); "
                            "copy the file into the drop instead of linking to it")
    descriptor = os.open(target if path.is_symlink() and path.exists() else path, os.O_RDONLY | os.O_NONBLOCK)
    mode = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(mode):
        os.close(descriptor)
        raise RawInputError(path, None, f"is {_file_type(mode)}, not a regular file (not read); "
                            "a drop holds text documents only: remove it")
    return descriptor


def check_drop(raw_dir: Path) -> list[Path]:
    """The drop's files, or RawInputError when the folder is missing, unlistable, empty, or holds
    no file that can be read (each reason listed).

    Meant to run before a flow starts, so a wrong `--raw` or an all-bad drop fails at once with one
    line and exit 2, instead of inside a Prefect task (retried, logged with a traceback). Files are
    read once here to check them (each is at most MAX_DOCUMENT_BYTES), and again by the flow.
    """
    files = list_raw_files(raw_dir)
    if not files:
        raise RawInputError(raw_dir, None, "raw folder holds no documents (hidden files are ignored); "
                            "put the drop's files there or pass --raw DIR pointing at a drop")
    reasons = []
    for path in files:
        try:
            read_document(path)
            return files
        except RawInputError as error:
            reasons.append(str(error))
    raise RawInputError(raw_dir, None, f"no file of the drop can be read, nothing to publish: {'; '.join(reasons)}")


def decode_document(path: Path, data: bytes) -> str:
    """Decode strictly as UTF-8; a binary or non-UTF-8 file is an error naming the first bad line.

    CRLF/CR line ends are normalised to LF and a UTF-8 BOM is dropped: both are transport
    artefacts, not content, and keeping them would shift every column in `text_repairs`.

    >>> decode_document(Path("x.md"), "\\ufeffa\\r\\nb".encode())
    'a\\nb'
    """
    nul = data.find(b"\x00", 0, 8192)
    if nul >= 0:
        raise RawInputError(path, None, f"looks like a binary file (NUL byte at offset {nul}); "
                            "a drop holds text documents only (Markdown write-ups, program pages): remove it")
    try:
        text = codecs.decode(data, "utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise RawInputError(
            path, line, f"is not valid UTF-8 (byte 0x{data[error.start]:02x}); re-export the document as UTF-8"
        ) from error
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_document(path: Path, max_bytes: int = MAX_DOCUMENT_BYTES) -> RawDocument:
    """Read one raw file; refuses files past `max_bytes` (the config's [ingest] max_document_bytes)
    before reading them."""
    try:
        with os.fdopen(open_regular_file(path), "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                raise RawInputError(path, None, f"is {size / 2**20:.1f} MiB, over the {max_bytes / 2**20:.1f} MiB limit "
                                    "for one document (not read); split it into smaller documents, remove it from the "
                                    "drop, or raise [ingest] max_document_bytes in the configuration")
            data = handle.read()
    except OSError as error:
        advice = "it is a broken link; fix or remove it" if path.is_symlink() and not path.exists() \
            else "check that it exists and that its permissions let you read it"
        raise RawInputError(path, None, f"cannot be read ({error.strerror}); {advice}") from error
    if not data.strip():
        raise RawInputError(path, 1, "is empty; remove it from the drop or re-export it")
    return RawDocument(path=path, name=path.name, sha256=sha256_of(data), size=len(data), text=decode_document(path, data))
