"""Per-document parts on disk: where repair and parse spill their results, so a run's memory is
bounded by its biggest document and its cross-document tables, not by the size of the drop.

Why: a drop of a thousand write-ups repairs into millions of `text_repairs` rows and hundreds of
megabytes of text. Held in memory until emit, they cost gigabytes (measured: 7.3 GB peak at 1000×
the seed). Each document's stage results therefore go to a folder of its own under the run's
*work folder*, keyed by the raw file's name, its sha256 and the code version, so the folder is also
what Prefect's task cache points at: an unchanged document is neither repaired nor parsed again.
Only the small cross-document tables (papers, notes, program, findings) are ever combined in
memory; `text_repairs` stays in parts and is read back a batch of whole parts at a time (`batches`,
used by `pipeline.run.validate_repair_log`).

This module is storage only, like an IO manager: where a document's parts live, how they are
written and read back, and when a work folder is pruned. It validates and transforms nothing.

A part folder is complete once its marker file exists: files are written first, the marker last,
each through a temporary name, so a killed run never leaves a folder that looks finished.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

import polars as pl

from schemas.contracts import empty_frame

#: The dataset kept on disk in parts all the way to its Parquet file.
STREAMED_DATASET = "text_repairs"

#: File names inside a document's part folder: the repaired text and the two stages' markers.
REPAIRED_TEXT, REPAIR_MARKER, PARSE_MARKER = "text.txt", "repair.json", "parse.json"


def document_folder(work_dir: Path, name: str, sha256: str) -> Path:
    """The folder holding one document's parts: readable name first, content hash for uniqueness."""
    safe = re.sub(r"[^\w.-]", "_", name)[:80]
    return work_dir / f"{safe}-{sha256[:16]}"


def part_path(folder: Path, dataset: str) -> Path:
    return folder / f"{dataset}.parquet"


def write_part(frame: pl.DataFrame, path: Path) -> None:
    """Write one part through a temporary name (lz4: parts are read back once, speed over size)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    frame.write_parquet(temporary, compression="lz4", statistics=False)
    os.replace(temporary, path)


def write_text(text: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


#: Key of the marker that maps each part file of the folder to its sha256.
MARKER_FILES = "files"


def write_marker(path: Path, content: dict, written: Iterable[Path]) -> None:
    """The file that says a stage's parts in a folder are complete; written last, with the sha256 of
    each part the stage `written`, so a part changed, truncated or deleted afterwards is caught by
    `marker_is_intact`. Each stage records only its own parts: a later stage rewriting its own
    never invalidates an earlier stage's marker."""
    from pipeline.emit import file_sha256

    digests = {part.name: file_sha256(part) for part in sorted(written)}
    write_text(json.dumps(content | {MARKER_FILES: digests}, sort_keys=True), path)


def marker_is_intact(path: Path) -> bool:
    """Whether the marker exists and every part it records is there with the sha256 it records.

    Why: the work folder is a cache anyone can edit; a part that no longer matches is treated as
    missing (rebuilt), never read into a published run. A marker without digests (an older layout) too."""
    try:
        recorded = json.loads(path.read_text(encoding="utf-8")).get(MARKER_FILES)
    except (OSError, ValueError, AttributeError):
        return False
    if not isinstance(recorded, dict):
        return False
    from pipeline.emit import file_sha256

    try:
        return all(file_sha256(path.parent / name) == digest for name, digest in recorded.items())
    except OSError:
        return False


def read_part(path: Path | None, dataset: str) -> pl.DataFrame:
    """A part as a frame of `dataset`'s contract; a missing part is an empty frame."""
    if path is None or not path.exists():
        return empty_frame(dataset)
    return pl.read_parquet(path)


def work_dir_for(output_dir: Path) -> Path:
    """The default work folder: hidden, beside the output folder (like its lock file)."""
    return output_dir.parent / f".{output_dir.name}.work"


def code_work_dir(work_root: Path, code_version: str) -> Path:
    return work_root / code_version


#: Names of the folders the pipeline makes in a work folder: code versions, and in those, documents.
CODE_VERSION_NAME = re.compile(r"[0-9a-f]{16}")
DOCUMENT_FOLDER_NAME = re.compile(r".+-[0-9a-f]{16}")


def check_work_dir_is_ours(work_root: Path) -> None:
    """Refuse (OutputRefusedError) a work folder holding anything but code-version folders: pruning
    removes every folder of another code version, which must never hit a user's folder."""
    from pipeline.emit import name_listing
    from pipeline.errors import OutputRefusedError

    if not work_root.exists():
        return
    if not work_root.is_dir():
        raise OutputRefusedError(f"--work-dir {work_root} is a file, not a folder; nothing was changed. "
                                 "Pass --work-dir a new or empty folder, or leave it out")
    foreign = sorted(entry.name for entry in work_root.iterdir()
                     if not (entry.is_dir() and not entry.is_symlink() and CODE_VERSION_NAME.fullmatch(entry.name)))
    if foreign:
        raise OutputRefusedError(
            f"--work-dir {work_root} is not a work folder this pipeline made: it holds {name_listing(foreign)}; "
            "a run prunes its work folder, so nothing was changed. Pass --work-dir a new or empty folder, or leave it out")


def prune_work_dir(work_root: Path, code_version: str, keep: Iterable[Path] = ()) -> None:
    """Drop the parts of other code versions, and (given `keep`) of documents no longer in the drop.

    Call it only while holding the output lock. A pruned folder that a cached task result still
    points at is simply rebuilt: the cache key checks that the parts exist. Only folders named as
    the pipeline names them are removed (`check_work_dir_is_ours` refuses any other content first).
    """
    if not work_root.is_dir():
        return
    for entry in work_root.iterdir():
        if _is_our_folder(entry, CODE_VERSION_NAME) and entry.name != code_version:
            shutil.rmtree(entry, ignore_errors=True)
    current = code_work_dir(work_root, code_version)
    kept = {Path(path).resolve() for path in keep}
    if kept and current.is_dir():
        for entry in current.iterdir():
            if _is_our_folder(entry, DOCUMENT_FOLDER_NAME) and entry.resolve() not in kept:
                shutil.rmtree(entry, ignore_errors=True)


def _is_our_folder(entry: Path, name: re.Pattern[str]) -> bool:
    return entry.is_dir() and not entry.is_symlink() and name.fullmatch(entry.name) is not None


def fingerprint(paths: Iterable[Path]) -> str:
    """A short hash of a set of paths (part of cache keys, so a result never points at another work folder)."""
    return hashlib.sha256("\n".join(sorted(str(p) for p in paths)).encode()).hexdigest()[:12]


def batches(paths: list[Path], dataset: str, rows: int) -> Iterator[pl.DataFrame]:
    """Whole parts concatenated up to about `rows` rows each (a part is never split)."""
    pending: list[pl.DataFrame] = []
    size = 0
    for path in paths:
        frame = read_part(path, dataset)
        pending.append(frame)
        size += frame.height
        if size >= rows:
            yield pl.concat(pending)
            pending, size = [], 0
    if pending:
        yield pl.concat(pending)
