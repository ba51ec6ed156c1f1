"""Per-document parts: the repair log validated part by part, and data digests that ignore the run id."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from pipeline import parts, run
from pipeline.errors import OutputRefusedError
from pipeline.emit import data_sha256, file_digests, file_sha256, parquet_metadata, write_parquet
from schemas.examples import example_frame


def _log(source_file: str, confidence: float = 0.9) -> pl.DataFrame:
    return example_frame("text_repairs").with_columns(pl.lit(source_file).alias("source_file"),
                                                      pl.lit(confidence).alias("confidence"))


def test_repair_log_parts_are_validated_in_batches_and_every_row_accounted_for(tmp_path: Path, monkeypatch):
    good, bad = tmp_path / "a" / "text_repairs.parquet", tmp_path / "b" / "text_repairs.parquet"
    parts.write_part(_log("a.md"), good)
    parts.write_part(_log("b.md").with_columns(pl.Series("confidence", [2.0] + [0.5] * (_log("b.md").height - 1))), bad)
    out = tmp_path / "out" / "text_repairs.parquet"
    together = run.validate_repair_log([good, bad], tmp_path / "together.parquet", parquet_metadata("text_repairs", "run-1", {}))
    monkeypatch.setattr(run, "VALIDATION_BATCH_ROWS", 1)  # one document per batch
    result = run.validate_repair_log([good, bad], out, parquet_metadata("text_repairs", "run-1", {}))
    assert pl.read_parquet(tmp_path / "together.parquet").equals(pl.read_parquet(out))
    assert together.quarantined.equals(result.quarantined) and together.findings.equals(result.findings)
    assert result.read == 2 * _log("a.md").height
    assert result.quarantined.height == 1 and result.quarantined["failed_checks"].to_list() == [["confidence.range"]]
    assert result.valid + result.quarantined.height == result.read
    written = pl.read_parquet(out)
    assert written.height == result.valid and written.schema == example_frame("text_repairs").schema
    assert pq.read_schema(out).metadata[b"pipeline.run_id"] == b"run-1"
    assert set(result.findings["check"]) == {"confidence.range"}


def test_data_digest_ignores_the_run_id_but_not_the_rows(tmp_path: Path):
    frame = example_frame("papers")
    write_parquet(frame, tmp_path / "one.parquet", parquet_metadata("papers", "run-1", {}))
    write_parquet(frame, tmp_path / "two.parquet", parquet_metadata("papers", "run-2", {}))
    write_parquet(frame.head(1), tmp_path / "three.parquet", parquet_metadata("papers", "run-1", {}))
    assert data_sha256(tmp_path / "one.parquet") == data_sha256(tmp_path / "two.parquet")
    assert data_sha256(tmp_path / "one.parquet") != data_sha256(tmp_path / "three.parquet")
    assert file_digests(tmp_path / "one.parquet")[0] == file_sha256(tmp_path / "one.parquet")


NEW_CODE, OLD_CODE = "2" * 16, "1" * 16


def test_pruning_keeps_the_current_drop_and_code_version_only(tmp_path: Path):
    current = parts.document_folder(tmp_path / NEW_CODE, "a.md", "a" * 64)
    stale_doc = parts.document_folder(tmp_path / NEW_CODE, "gone.md", "b" * 64)
    old_code = parts.document_folder(tmp_path / OLD_CODE, "a.md", "a" * 64)
    for folder in (current, stale_doc, old_code):
        folder.mkdir(parents=True)
    parts.prune_work_dir(tmp_path, NEW_CODE, keep=[current])
    assert current.is_dir() and not stale_doc.exists() and not old_code.exists()



def _repaired_folder(tmp_path: Path) -> Path:
    from pipeline.assemble import repair_document
    from pipeline.ingest import read_document

    raw = tmp_path / "doc.md"
    raw.write_text("CafÃ© line\nclean line\n", encoding="utf-8")
    folder = repair_document(read_document(raw), tmp_path / "work").folder
    assert parts.marker_is_intact(folder / parts.REPAIR_MARKER)
    return folder / parts.REPAIR_MARKER


@pytest.mark.parametrize("tamper", ["change", "truncate", "delete"])
def test_a_part_changed_truncated_or_deleted_after_its_marker_is_detected(tmp_path: Path, tamper: str):
    marker = _repaired_folder(tmp_path)
    part = marker.parent / "text_repairs.parquet"
    if tamper == "change":
        parts.write_part(pl.read_parquet(part).with_columns(pl.lit("Cofé").alias("after")), part)  # a valid part, edited
    elif tamper == "truncate":
        part.write_bytes(part.read_bytes()[:-10])
    else:
        part.unlink()
    assert not parts.marker_is_intact(marker)


def test_a_marker_without_digests_or_unreadable_is_not_trusted(tmp_path: Path):
    marker = _repaired_folder(tmp_path)
    marker.write_text('{"repairs": 1}')
    assert not parts.marker_is_intact(marker)
    marker.write_text("{cut")
    assert not parts.marker_is_intact(marker)


def test_pruning_never_removes_what_the_pipeline_did_not_make(tmp_path: Path):
    user = tmp_path / "holiday-photos"
    user.mkdir()
    (user / "a.jpg").write_bytes(b"jpeg")
    parts.prune_work_dir(tmp_path, NEW_CODE, keep=[])
    assert (user / "a.jpg").read_bytes() == b"jpeg"
    with pytest.raises(OutputRefusedError, match=r"--work-dir .* is not a work folder this pipeline made: it holds holiday-photos"):
        parts.check_work_dir_is_ours(tmp_path)
