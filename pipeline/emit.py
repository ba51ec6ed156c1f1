"""Emit: write datasets as Parquet into a staging folder, then swap it into place atomically.

This is the only stage that knows the layout of `output/`. Everything it writes goes to a staging
folder beside the output folder; `publish` exchanges the two in one `renameat2(RENAME_EXCHANGE)`
call where the kernel offers it, so a reader (or a killed run) never sees a half-written output.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import hashlib
import json
import os
import shutil
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import OutputLockedError, OutputRefusedError, OutputWriteError, RunInterrupted
from schemas.contracts import DATASETS, SCHEMA_VERSION

STAGING_PREFIX = ".staging-"
RETIRED_PREFIX = ".retired-"
HISTORY_FILE = "history.jsonl"
MANIFEST_FILE = "manifest.json"

#: Every top-level name a run writes into the output folder: a folder holding only these (and a
#: damaged manifest) is still recognised as a previous output.
OUTPUT_NAMES = frozenset({MANIFEST_FILE, HISTORY_FILE, "DATA_DICTIONARY.md", "report", "text", "quarantine",
                          *(f"{name}.parquet" for name in DATASETS)})
#: Keys every manifest this pipeline writes has; a JSON file without them is someone else's.
MANIFEST_KEYS = ("run_id", "schema_version", "outputs")


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
    """Make `staging` the new output folder; the previous one is removed only after the swap.

    SIGINT/SIGTERM wait until the swap is done (`deferred_signals`): the fallback's two renames are
    never separated by a signal."""
    with deferred_signals():
        _swap_in(staging, output_dir)


def _swap_in(staging: Path, output_dir: Path) -> None:
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


# --- What a run may replace: ownership of the output folder and overlaps with the raw drop ---------


def name_listing(names: list[str], shown: int = 5) -> str:
    """`a, b, c and 4 more`: enough of a folder's content for the user to recognise it."""
    head = ", ".join(names[:shown])
    return f"{head} and {len(names) - shown} more" if len(names) > shown else head


def _manifest_problem(path: Path) -> str | None:
    """None when `path` is a manifest this pipeline wrote; otherwise what is wrong with it."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        return f"cannot be read as JSON ({error})"
    if not isinstance(manifest, dict):
        return f"holds a JSON {type(manifest).__name__}, not the object a run writes"
    missing = [key for key in MANIFEST_KEYS if key not in manifest]
    if missing or not isinstance(manifest["outputs"], list):
        return f"lacks the keys a run writes ({', '.join(missing) or 'outputs as a list'})"
    return None


def check_output_is_ours(output_dir: Path) -> list[str]:
    """Refuse (OutputRefusedError) an output folder this pipeline did not write; returns the problems
    to report about a previous output that is ours but damaged.

    Ours: absent, empty, or holding a manifest.json a run wrote. A folder whose manifest.json is
    damaged is still ours when every name in it is one a run writes (`OUTPUT_NAMES`): a crash or a
    bad copy, not a user's folder; it is replaced as usual and the damage is reported. Anything else
    (no manifest, or a damaged one beside foreign files) is refused with nothing changed.
    """
    if not output_dir.exists():
        return []
    if not output_dir.is_dir():
        raise OutputRefusedError(f"--output {output_dir} is a file, not a folder; nothing was changed. "
                                 "Pass --output a new or empty folder")
    try:
        names = sorted(entry.name for entry in output_dir.iterdir())
    except OSError as error:
        raise OutputRefusedError(f"--output {output_dir} cannot be listed ({error.strerror}); nothing was changed. "
                                 "Check its permissions or pass --output a new or empty folder") from error
    if not names:
        return []
    manifest = output_dir / MANIFEST_FILE
    problem = _manifest_problem(manifest) if MANIFEST_FILE in names else "is missing"
    history_problems = read_history(output_dir)[1]
    if problem is None:
        return history_problems
    foreign = [name for name in names if name not in OUTPUT_NAMES]
    if MANIFEST_FILE in names and not foreign:
        return [f"{manifest}: the previous run's manifest {problem}; it is replaced by this run's, "
                "and the previous Great Expectations verdict is not reused", *history_problems]
    why = "no manifest.json of a previous run" if MANIFEST_FILE not in names else f"a manifest.json that {problem}"
    raise OutputRefusedError(
        f"--output {output_dir} is not a folder this pipeline wrote: it holds {name_listing(foreign or names)}, and "
        f"{why}; a run replaces the whole output folder, so nothing was changed. "
        "Pass --output a new or empty folder (or the output folder of a previous run)")


def manifest_is_ours(output_dir: Path) -> bool:
    """Whether the output folder holds a manifest this pipeline wrote (one the next run may read)."""
    return _manifest_problem(output_dir / MANIFEST_FILE) is None


def _overlap(first: Path, second: Path) -> str | None:
    """How resolved folder `first` overlaps `second`: 'is', 'is inside', 'contains', or None."""
    if first == second:
        return "is the same folder as"
    if first.is_relative_to(second):
        return "is inside"
    if second.is_relative_to(first):
        return "contains"
    return None


#: Why two folders of a run must not overlap, for each pair `check_run_paths` compares.
OVERLAP_REASONS = {
    ("--output", "--raw"): "a run replaces the whole output folder, which would delete the raw documents",
    ("--work-dir", "--raw"): "a run writes into and prunes its work folder, which would change or delete raw documents",
    ("--work-dir", "--output"): "a run swaps the output folder away and prunes the work folder, so each would destroy the other",
}


def _shown(given: Path, resolved: Path) -> str:
    """A path as the user gave it, with where it leads when a symlink or `..` made them differ."""
    return str(given) if given.absolute() == resolved else f"{given} (= {resolved})"


def check_run_paths(raw_dir: Path, output_dir: Path, work_dir: Path) -> list[str]:
    """Every check a run needs before it touches anything; returns problems to report (see
    `check_output_is_ours`), raises OutputRefusedError (exit 2) on a folder it must not replace.

    A run replaces the output folder and prunes the work folder, so neither may be, hold, or sit
    inside the raw drop, nor each other (a work folder inside the output is swapped away by every
    run; an output inside the work folder is pruned). Symlinks are resolved before comparing.
    """
    from pipeline.parts import check_work_dir_is_ours

    folders = {"--raw": (raw_dir, raw_dir.resolve()), "--output": (output_dir, output_dir.resolve()),
               "--work-dir": (work_dir, work_dir.resolve())}
    for (name, other_name), reason in OVERLAP_REASONS.items():
        (given, path), (other_given, other) = folders[name], folders[other_name]
        how = _overlap(path, other)
        if how:
            raise OutputRefusedError(
                f"{name} {_shown(given, path)} {how} {other_name} {_shown(other_given, other)}: {reason}; "
                f"nothing was changed. Pass {name} a folder outside {other_name}, and {other_name} outside it")
    raw, output, work = (folders[name][1] for name in ("--raw", "--output", "--work-dir"))
    check_work_dir_is_ours(work)
    return check_output_is_ours(output)


# --- The previous output's history, read without trusting it --------------------------------------


def read_history(folder: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The run history in `folder`, and one problem per line that is not a JSON object (skipped, kept)."""
    path = folder / HISTORY_FILE
    if not path.is_file():
        return [], []
    entries, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError as error:
            entry, reason = None, str(error)
        else:
            reason = f"a JSON {type(entry).__name__}, not an object"
        if isinstance(entry, dict):
            entries.append(entry)
        else:
            problems.append(f"{path}:{number}: damaged history line ({reason}); left out of the trend "
                            "charts and kept in the file as it is")
    return entries, problems


def append_history(folder: Path, line: str) -> None:
    """Append one history line; a last line without its newline (a cut-off write) is ended first, so
    the new entry is never glued onto it."""
    path = folder / HISTORY_FILE
    with open(path, "a+b") as handle:
        handle.seek(0, os.SEEK_END)
        if handle.tell():
            handle.seek(-1, os.SEEK_END)
            if handle.read(1) != b"\n":
                handle.write(b"\n")
        handle.write(line.rstrip("\n").encode("utf-8") + b"\n")


# --- A run's lifetime: signals, a full disk, and the staging folder ---------------------------------

#: errno values that mean "the disk is full", for which retrying or a traceback helps no one.
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


def is_disk_full(error: BaseException) -> bool:
    """Whether `error` says the disk is full; pyarrow's and a child process's errors carry it only as text."""
    return (isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS) or "No space left on device" in str(error)


class _SignalGate:
    """SIGINT/SIGTERM raise RunInterrupted in the flow's thread, except inside `deferred()` (publish,
    clean-up), where the signal waits until the section ends, so a swap or a removal is never cut."""

    def __init__(self) -> None:
        self.depth = 0
        self.pending: int | None = None
        self.received: int | None = None
        """The signal that stopped the run, kept because a library may turn our RunInterrupted into
        an error of its own (Prefect's task engine, cut while it starts a task run, raises ValueError)."""

    def handle(self, signum: int, frame: object) -> None:
        self.received = signum
        if self.depth:
            self.pending = signum
            return
        raise RunInterrupted(signum)

    @contextmanager
    def deferred(self) -> Iterator[None]:
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
        if not self.depth and self.pending is not None:
            signum, self.pending = self.pending, None
            raise RunInterrupted(signum)

    @contextmanager
    def installed(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield  # signals reach the main thread only; whoever runs us there handles them
            return
        self.received = None
        previous = {signum: signal.signal(signum, self.handle) for signum in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)


_SIGNALS = _SignalGate()


@contextmanager
def guarded_run(output_dir: Path, run_id: str) -> Iterator[None]:
    """Around a run's work, inside the output lock: SIGINT/SIGTERM stop it (RunInterrupted), a full
    disk becomes OutputWriteError naming the folder, and however it ends its staging folder is gone.

    The previous output is never touched before `publish`, so removing the staging folder is all
    a stopped run has to undo; the lock is released by `output_lock` around this.
    """
    staging = staging_dir_for(output_dir, run_id)
    try:
        with _SIGNALS.installed():
            try:
                yield
            except Exception as error:
                if _SIGNALS.received is not None:  # the interrupt, disguised by whatever it cut short
                    raise RunInterrupted(_SIGNALS.received) from error
                if is_disk_full(error):
                    raise OutputWriteError(
                        f"no space left on the disk of {output_dir.parent} while writing this run's output "
                        f"(staging folder {staging.name}); the run stopped, the staging folder was removed and "
                        f"{output_dir} is unchanged. Free some space there or pass --output a folder on another disk"
                    ) from error
                raise
            finally:
                with _SIGNALS.deferred():
                    shutil.rmtree(staging, ignore_errors=True)
    except RunInterrupted as interrupted:
        interrupted.args = (f"{interrupted.args[0]}: the run stopped, its staging folder was removed and "
                            f"{output_dir} holds the last complete run",)
        raise


def deferred_signals() -> Any:
    """A section SIGINT/SIGTERM must not cut (the swap): the signal is acted on when it ends."""
    return _SIGNALS.deferred()
