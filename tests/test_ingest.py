from pathlib import Path

import pytest

from pipeline.errors import RawInputError
from pipeline.ingest import decode_document, list_raw_files, read_document
from tests.conftest import SEED_RAW


def test_seed_files_are_read_with_their_sha256():
    documents = [read_document(path) for path in list_raw_files(SEED_RAW)]
    assert [doc.name for doc in documents] == ["recsys2025_notes.md", "recsys2025_program_session5.txt"]
    assert all(len(doc.sha256) == 64 and doc.size > 0 for doc in documents)


def test_missing_raw_folder_is_an_error_naming_it(tmp_path: Path):
    with pytest.raises(RawInputError, match="does not exist"):
        list_raw_files(tmp_path / "nope")


def test_invalid_utf8_names_file_and_line(tmp_path: Path):
    path = tmp_path / "bad.md"
    path.write_bytes(b"fine\nstill fine\nbroken \xff here\n")
    with pytest.raises(RawInputError) as error:
        read_document(path)
    assert error.value.line == 3 and "bad.md:3" in str(error.value)


def test_binary_file_is_refused(tmp_path: Path):
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(RawInputError, match="binary"):
        read_document(path)


def test_empty_file_is_refused(tmp_path: Path):
    path = tmp_path / "empty.md"
    path.write_bytes(b"  \n")
    with pytest.raises(RawInputError, match="empty"):
        read_document(path)


def test_bom_and_crlf_are_transport_not_content():
    assert decode_document(Path("x"), b"\xef\xbb\xbfa\r\nb\rc") == "a\nb\nc"
