import multiprocessing
from pathlib import Path

import polars as pl
import pytest

from pipeline import emit
from pipeline.errors import OutputLockedError
from schemas.contracts import SCHEMA_VERSION


def _findings(n: int) -> pl.DataFrame:
    return pl.DataFrame({"dataset": ["papers"] * n, "row_key": [str(i) for i in range(n)], "check": ["c"] * n,
                         "severity": ["info"] * n, "message": ["m"] * n, "evidence": [None] * n},
                        schema={"dataset": pl.String, "row_key": pl.String, "check": pl.String, "severity": pl.String,
                                "message": pl.String, "evidence": pl.String})


def test_parquet_round_trip_keeps_rows_and_metadata(tmp_path: Path):
    frame = _findings(3)
    [path] = emit.write_datasets(tmp_path, {"findings": frame}, "run-1", {"a.md": "ab" * 32}).values()
    assert pl.read_parquet(path).equals(frame)
    metadata = emit.read_parquet_metadata(path)
    assert metadata["pipeline.dataset"] == "findings"
    assert metadata["pipeline.schema_version"] == SCHEMA_VERSION
    assert metadata["pipeline.run_id"] == "run-1"
    assert '"a.md"' in metadata["pipeline.raw_sha256"]


def test_same_rows_and_metadata_give_identical_bytes(tmp_path: Path):
    first = emit.write_datasets(tmp_path / "a", {"findings": _findings(50)}, "r", {})["findings"]
    second = emit.write_datasets(tmp_path / "b", {"findings": _findings(50)}, "r", {})["findings"]
    assert first.read_bytes() == second.read_bytes()


def test_publish_replaces_output_and_keeps_history(tmp_path: Path):
    output = tmp_path / "output"
    output.mkdir()
    (output / "old.txt").write_text("previous run")
    (output / emit.HISTORY_FILE).write_text('{"run": 1}\n')
    staging = emit.start_staging(output, "run-2")
    (staging / "new.txt").write_text("this run")
    emit.publish(staging, output)
    assert sorted(p.name for p in output.iterdir()) == [emit.HISTORY_FILE, "new.txt"]
    assert (output / emit.HISTORY_FILE).read_text() == '{"run": 1}\n'
    assert not staging.exists()


def test_stale_staging_is_cleaned_and_interrupted_swap_recovered(tmp_path: Path):
    output = tmp_path / "output"
    retired = tmp_path / f"{emit.RETIRED_PREFIX}output-run-1"
    retired.mkdir()
    (retired / "papers.parquet").write_text("previous")
    stale = emit.start_staging(output, "run-2")
    emit.recover_interrupted_publish(output)
    assert (output / "papers.parquet").read_text() == "previous"
    assert emit.clean_stale_staging(output) == [stale]


def _hold_lock(output: Path, ready, release) -> None:
    with emit.output_lock(output):
        ready.set()
        release.wait(10)


def test_second_run_on_same_output_is_refused_with_a_clear_message(tmp_path: Path):
    output = tmp_path / "output"
    context = multiprocessing.get_context("fork")
    ready, release = context.Event(), context.Event()
    holder = context.Process(target=_hold_lock, args=(output, ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        with pytest.raises(OutputLockedError, match="another run is writing"):
            with emit.output_lock(output):
                pass
    finally:
        release.set()
        holder.join(10)
    with emit.output_lock(output):  # released when the holder ended
        pass
