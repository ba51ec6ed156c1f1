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


def _special_files_drop(tmp_path: Path) -> Path:
    """A drop beside a secret: a link out of the drop, a link inside it, a FIFO (reading one blocks forever)."""
    import os

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "notes.md").write_text("# notes\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("not part of the drop", encoding="utf-8")
    (raw / "escape.md").symlink_to(tmp_path / "secret.txt")
    (raw / "alias.md").symlink_to("notes.md")
    os.mkfifo(raw / "pipe.md")
    return raw


def test_links_out_of_the_drop_and_fifos_are_skipped_with_a_finding_not_read(tmp_path: Path):
    from pipeline.assemble import read_drop
    from tests.trees import tree_digests

    raw = _special_files_drop(tmp_path)
    before = tree_digests(tmp_path)
    documents, findings = read_drop(raw)
    assert sorted(doc.name for doc in documents) == ["alias.md", "notes.md"]  # a link inside the drop is read
    messages = dict(zip(findings["row_key"], findings["message"]))
    assert messages == {
        "escape.md": f"{raw / 'escape.md'}: is a symbolic link to {tmp_path / 'secret.txt'}, outside the raw folder "
                     "(not read); copy the file into the drop instead of linking to it",
        "pipe.md": f"{raw / 'pipe.md'}: is a FIFO (named pipe), not a regular file (not read); a drop holds text "
                   "documents only: remove it",
    }
    assert set(findings["check"]) == {"unreadable_document"}
    assert tree_digests(tmp_path) == before


def test_a_device_file_in_the_drop_is_refused_unread(tmp_path: Path):
    import os
    import stat

    device = tmp_path / "null.md"
    try:
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs CAP_MKNOD")
    with pytest.raises(RawInputError, match=r"null.md: is a character device, not a regular file \(not read\)"):
        read_document(device)
