"""Manifest and history: what a run says about itself.

The run record (id, times, code version, inputs, per-dataset row accounting, stage timings) is what
the report and `manifest.json` share; the manifest adds every output with its digests and the GX
verdict; `history.jsonl` keeps one line per run so the report can show trends. Plain functions over
the run's results: the run (`pipeline.run`) calls them, the Prefect flow never needs to.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from pipeline import assemble, emit
from pipeline.accounting import row_counts
from schemas.contracts import DATASETS, SCHEMA_VERSION

if TYPE_CHECKING:
    from pipeline.run import StreamedResult

PACKAGE_ROOT = Path(__file__).resolve().parent


@cache
def code_version() -> str:
    """sha256 of the pipeline's and schemas' source: part of every cache key."""
    digest = hashlib.sha256()
    for root in (PACKAGE_ROOT, PACKAGE_ROOT.parent / "schemas"):
        for source in sorted(root.rglob("*.py")):
            digest.update(source.relative_to(root.parent).as_posix().encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def new_run_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def run_record(run_id: str, started_at: datetime, parsed: list[assemble.ParsedDocument], read: dict[str, pl.DataFrame],
               valid: dict[str, pl.DataFrame], quarantined: dict[str, pl.DataFrame], timings: dict[str, float],
               streamed: dict[str, StreamedResult] | None = None) -> dict[str, Any]:
    """What the report and the manifest say about the run itself, with the per-dataset reconciliation."""
    rows = row_counts(read, valid, quarantined, streamed, order=tuple(DATASETS))  # the contract's order
    return {
        "run_id": run_id,
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "schema_version": SCHEMA_VERSION,
        "code_version": code_version(),
        "inputs": [{"path": doc.name, "sha256": doc.sha256, "bytes": doc.size, "kind": doc.kind} for doc in parsed],
        "rows": rows,
        "timings": timings,
    }


def build_manifest(run: dict[str, Any], staging: Path, paths: dict[str, Path], gx: Any, report: dict[str, Any],
                   digests: dict[str, tuple[str, str]] | None = None) -> dict[str, Any]:
    """The run record plus every output with its file and data sha256 (`emit.file_digests`, computed
    here unless the caller already has them)."""
    digests = digests or {name: emit.file_digests(path) for name, path in paths.items()}
    outputs = [
        {"dataset": name, "path": path.relative_to(staging).as_posix(), "sha256": digests[name][0],
         "data_sha256": digests[name][1], "rows": run["rows"][name]["emitted"]}
        for name, path in paths.items()
    ]
    quarantine = [
        {"dataset": path.stem, "path": path.relative_to(staging).as_posix(), "rows": run["rows"][path.stem]["quarantined"]}
        for path in sorted((staging / "quarantine").glob("*.parquet"))
    ]
    return {**run, "outputs": outputs, "quarantine": quarantine,
            "expectations_success": getattr(gx, "success", None),
            "expectations": gx.to_dict() if gx is not None else None, "report": "report/index.html"}


def read_history(staging: Path) -> list[dict[str, Any]]:
    """The history entries; damaged lines are left out (reported at the start by `run.previous_output_findings`)."""
    return emit.read_history(staging)[0]


def write_manifest_and_history(staging: Path, manifest: dict[str, Any], report: dict[str, Any]) -> None:
    from pipeline.report import history_entry

    (staging / emit.MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    emit.append_history(staging, json.dumps(history_entry(report), ensure_ascii=False, sort_keys=True))
