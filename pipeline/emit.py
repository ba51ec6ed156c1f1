"""Emit: write datasets as Parquet into a staging folder, then swap it into place atomically.

This is the only stage that knows the layout of `output/`. Everything it writes goes to a staging
folder beside the output folder; `publish` exchanges the two in one `renameat2(RENAME_EXCHANGE)`
call where the kernel offers it, so a reader (or a killed run) never sees a half-written output.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import OutputLockedError
from schemas.contracts import SCHEMA_VERSION

STAGING_PREFIX = ".staging-"
RETIRED_PREFIX = ".retired-"
HISTORY_FILE = "history.jsonl"


def parquet_metadata(dataset: str, run_id: str, raw_sha256: dict[str, str]) -> dict[bytes, bytes]:
    """Key-value metadata every file carries, so a lone Parquet file still says where it came from."""
    values = {
        "pipeline.dataset": dataset,
        "pipeline.schema_version": SCHEMA_VERSION,
        "pipeline.run_id": run_id,
        "pipeline.raw_sha256": json.dumps(raw_sha256, sort_keys=True),
    }
    return {key.encode(): value.encode() for key, value in values.items()}


#: Rows converted to Arrow and written at a time: one row group. Converting a whole 170,000-paper
#: frame at once copies every string (polars' string views become Arrow strings) and cost ~1 GB.
ROW_GROUP_ROWS = 65_536


def parquet_writer(path: Path, schema: pa.Schema, metadata: dict[bytes, bytes]) -> pq.ParquetWriter:
    """A writer with zstd and fixed options, so the same rows give the same bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return pq.ParquetWriter(path, schema.with_metadata({**(schema.metadata or {}), **metadata}), compression="zstd",
                            compression_level=3, use_dictionary=True, write_statistics=True)


def write_parquet(frame: pl.DataFrame, path: Path, metadata: dict[bytes, bytes]) -> None:
    """Write one frame, a row group at a time."""
    with parquet_writer(path, frame.head(0).to_arrow().schema, metadata) as writer:
        for chunk in frame.iter_slices(ROW_GROUP_ROWS):
            writer.write_table(chunk.to_arrow().cast(writer.schema))


def read_parquet_metadata(path: Path) -> dict[str, str]:
    """The `pipeline.*` key-value metadata of a Parquet file."""
    raw = pq.read_schema(path).metadata or {}
    return {key.decode(): value.decode() for key, value in raw.items() if key.startswith(b"pipeline.")}


def dataset_path(root: Path, dataset: str) -> Path:
    return root / f"{dataset}.parquet"


def quarantine_path(root: Path, dataset: str) -> Path:
    return root / "quarantine" / f"{dataset}.parquet"


def staging_dir_for(output_dir: Path, run_id: str) -> Path:
    return output_dir.parent / f"{STAGING_PREFIX}{output_dir.name}-{run_id}"


def clean_stale_staging(output_dir: Path) -> list[Path]:
    """Remove staging/retired folders that a killed run left behind; returns what was removed.

    Only call this while holding the output lock: then no other run can own those folders.
    """
    removed = []
    for prefix in (STAGING_PREFIX, RETIRED_PREFIX):
        for stale in output_dir.parent.glob(f"{prefix}{output_dir.name}-*"):
            if stale.is_dir():
                shutil.rmtree(stale, ignore_errors=True)
                removed.append(stale)
    return removed


def start_staging(output_dir: Path, run_id: str) -> Path:
    """A fresh staging folder, seeded with the run history so it survives the swap."""
    staging = staging_dir_for(output_dir, run_id)
    staging.mkdir(parents=True)
    previous_history = output_dir / HISTORY_FILE
    if previous_history.is_file():
        shutil.copy2(previous_history, staging / HISTORY_FILE)
    return staging


def _exchange(first: Path, second: Path) -> bool:
    """Atomically exchange two paths with renameat2(RENAME_EXCHANGE); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    if not hasattr(libc, "renameat2"):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = libc.renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    return result == 0


def publish(staging: Path, output_dir: Path) -> None:
    """Make `staging` the new output folder; the previous one is removed only after the swap."""
    if not output_dir.exists():
        os.rename(staging, output_dir)
        return
    if _exchange(staging, output_dir):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous output
        return
    retired = output_dir.parent / f"{RETIRED_PREFIX}{staging.name.removeprefix(STAGING_PREFIX)}"
    os.rename(output_dir, retired)
    os.rename(staging, output_dir)
    shutil.rmtree(retired, ignore_errors=True)


def recover_interrupted_publish(output_dir: Path) -> None:
    """If a run died between the two renames of the fallback swap, put the previous output back."""
    if output_dir.exists():
        return
    retired = sorted(output_dir.parent.glob(f"{RETIRED_PREFIX}{output_dir.name}-*"))
    if retired:
        os.rename(retired[-1], output_dir)


@contextmanager
def output_lock(output_dir: Path, *, wait: bool = False) -> Iterator[None]:
    """One run at a time per output folder: an flock on a file beside it, released by the kernel on death."""
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    lock_path = output_dir.parent / f".{output_dir.name}.lock"
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError as error:
            raise OutputLockedError(
                f"another run is writing {output_dir} (lock {lock_path}); wait for it to finish or pass --wait"
            ) from error
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_datasets(
    root: Path, datasets: dict[str, pl.DataFrame], run_id: str, raw_sha256: dict[str, str], *, quarantine: bool = False
) -> dict[str, Path]:
    """Write each dataset (or its quarantine) under `root`; returns dataset name -> file path."""
    written = {}
    for name, frame in datasets.items():
        path = quarantine_path(root, name) if quarantine else dataset_path(root, name)
        write_parquet(frame, path, parquet_metadata(name, run_id, raw_sha256))
        written[name] = path
    return written


def file_digests(path: Path) -> tuple[str, str]:
    """(sha256 of the file, sha256 of its data) of a Parquet file, in one read.

    The data digest covers the bytes before the footer: the data pages, not the key-value metadata.
    Two runs that emit the same rows write the same data pages (fixed writer options) but different
    footers (the run id), so the data digest, not the file's, says whether the data changed.
    """
    size = path.stat().st_size
    with open(path, "rb") as handle:
        handle.seek(size - 8)
        data_end = size - 8 - int.from_bytes(handle.read(4), "little")
        handle.seek(0)
        whole, data, position = hashlib.sha256(), hashlib.sha256(), 0
        for block in iter(lambda: handle.read(1 << 20), b""):
            whole.update(block)
            if position < data_end:
                data.update(block[: data_end - position])
            position += len(block)
    return whole.hexdigest(), data.hexdigest()


def data_sha256(path: Path) -> str:
    return file_digests(path)[1]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
