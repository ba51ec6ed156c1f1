"""Prefect orchestration: thin tasks around the stage functions, and the one flow that runs them.

Nothing here transforms data; each task calls a plain function from a stage module. Per-document
work (repair, parse) is cached on the raw file's sha256 plus the code version, never on Prefect's
hash of the inputs (which hashes frames poorly), so an unchanged drop re-runs from cache and a code
change invalidates it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import polars as pl
from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.context import TaskRunContext

from pipeline import assemble, dictionary, emit, parts
from pipeline.config import PipelineConfig, load_config
from pipeline.ingest import RawFile
from pipeline.errors import PipelineError
from schemas.contracts import DATASETS, SCHEMA_VERSION

T = TypeVar("T")
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


def _retry_unless_user_error(task: Any, task_run: Any, state: Any) -> bool:
    """Retry I/O hiccups, not bad input: a RawInputError fails the same way every time."""
    try:
        state.result()
    except PipelineError:
        return False
    except Exception as error:
        return not emit.is_disk_full(error)
    return True


def _repair_cache_key(context: TaskRunContext, parameters: dict[str, Any]) -> str | None:
    """The raw file's sha256 + code version + config + where its parts live; None (no cache) until they exist."""
    document: RawFile = parameters["document"]
    folder = parts.document_folder(Path(parameters["work_dir"]), document.name, document.sha256)
    return _parts_cache_key(context, document.sha256, folder / assemble.REPAIR_MARKER, parameters.get("config"))


def _parse_cache_key(context: TaskRunContext, parameters: dict[str, Any]) -> str | None:
    document: assemble.RepairedDocument = parameters["document"]
    return _parts_cache_key(context, document.sha256, document.folder / assemble.PARSE_MARKER, parameters.get("config"))


def _parts_cache_key(context: TaskRunContext, sha256: str, marker: Path, config: PipelineConfig | None = None) -> str | None:
    """A cached result is a pointer to part files, so it is only valid while they are as written:
    without the marker, or with a part that no longer has the sha256 it records, no key (Prefect runs
    the task and the parts are written again). A changed configuration (other tracks or code pages)
    is a new key."""
    if not parts.marker_is_intact(marker):  # a part changed or deleted since: rebuild it
        return None
    settings = config.digest if config is not None else "default"
    return f"{context.task.name}-{sha256}-{code_version()}-{settings}-{parts.fingerprint([marker.parent])}"


@task(name="ingest", retries=2, retry_delay_seconds=[1, 4], retry_condition_fn=_retry_unless_user_error)
def ingest_task(raw_dir: Path, config: PipelineConfig | None = None) -> tuple[list[RawFile], pl.DataFrame]:
    return assemble.read_drop(raw_dir, config)


@task(name="repair", cache_key_fn=_repair_cache_key, persist_result=True)
def repair_task(document: RawFile, work_dir: Path, config: PipelineConfig | None = None) -> assemble.RepairedDocument:
    return assemble.repair_document(document, work_dir, config)


@task(name="parse", cache_key_fn=_parse_cache_key, persist_result=True)
def parse_task(document: assemble.RepairedDocument, config: PipelineConfig | None = None) -> assemble.ParsedDocument:
    return assemble.parse_document(document, config)


@task(name="detect")
def detect_task(datasets: dict[str, pl.DataFrame], config: PipelineConfig | None = None) -> dict[str, pl.DataFrame]:
    return assemble.detect_authors(datasets, config)


@task(name="validate")
def validate_task(datasets: dict[str, pl.DataFrame], held: dict[str, pl.DataFrame],
                  streamed: dict[str, parts.StreamedResult] | None = None,
                  config: PipelineConfig | None = None) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame], dict[str, pl.DataFrame]]:
    """Split every in-memory dataset into valid rows and quarantine; rows held back at parse time join
    the quarantine, and the findings of datasets validated part by part (`streamed`) join the findings.

    Returns (read, valid, quarantined): `read` is the input, the held-back rows and the findings
    validation itself made, so that read = valid + quarantined holds for every dataset.
    """
    streamed = streamed or {}
    results = assemble.validate_datasets(datasets, held, config)
    new_findings = pl.concat([result.findings for result in results.values()]
                             + [result.findings for result in streamed.values()], how="vertical")
    valid = {name: result.valid for name, result in results.items()}
    valid["findings"] = pl.concat([valid["findings"], new_findings], how="vertical")
    read = assemble.read_datasets(datasets, held)
    read["findings"] = pl.concat([datasets["findings"], new_findings], how="vertical")
    quarantined = {name: result.quarantined for name, result in results.items()}
    quarantined |= {name: result.quarantined for name, result in streamed.items()}
    return read, valid, quarantined


@task(name="validate-repair-log")
def validate_repair_log_task(log_parts: list[Path], staging: Path, run_id: str, raw_sha256: dict[str, str]) -> parts.StreamedResult:
    """`text_repairs`, validated a batch of whole documents at a time and written straight to the staging folder."""
    path = emit.dataset_path(staging, parts.STREAMED_DATASET)
    return parts.validate_repair_log(log_parts, path, emit.parquet_metadata(parts.STREAMED_DATASET, run_id, raw_sha256))


@task(name="emit", retries=2, retry_delay_seconds=[1, 4], retry_condition_fn=_retry_unless_user_error)
def emit_task(staging: Path, valid: dict[str, pl.DataFrame], quarantined: dict[str, pl.DataFrame],
              parsed: list[assemble.ParsedDocument], run_id: str, raw_sha256: dict[str, str]) -> dict[str, Path]:
    """Write the in-memory datasets, a quarantine file per dataset (typed, empty when nothing was held
    back, so a loader can always read `quarantine/<dataset>.parquet`) and each document's repaired text."""
    for document in parsed:
        text_path = staging / "text" / document.name
        text_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(document.text_path, text_path)
    every = {name: quarantined.get(name, assemble.empty_quarantine(name)) for name in DATASETS}
    emit.write_datasets(staging, every, run_id, raw_sha256, quarantine=True)
    (staging / "DATA_DICTIONARY.md").write_text(dictionary.render_markdown(), encoding="utf-8")
    return emit.write_datasets(staging, valid, run_id, raw_sha256)


@task(name="expectations")
def expectations_task(paths: dict[str, Path], docs_dir: Path, previous_output: Path | None = None,
                      data_digests: dict[str, str] | None = None) -> Any:
    """GX over the emitted files; the previous output's verdict when it emitted the same data
    (`data_digests`: each dataset's `emit.file_digests(path)[1]`)."""
    from pipeline.expectations import reuse_expectations, run_expectations_in_subprocess

    if previous_output is not None and data_digests is not None:
        reused = reuse_expectations(previous_output, docs_dir, data_digests, code_version())
        if reused is not None:
            get_run_logger().info("expectations: same data and code as run %s, its verdict and Data Docs reused",
                                  reused.reused_from)
            return reused
    return run_expectations_in_subprocess(paths, docs_dir)


@task(name="report")
def report_task(run: dict[str, Any], valid: dict[str, pl.DataFrame], quarantined: dict[str, pl.DataFrame],
                gx: Any, history: list[dict[str, Any]], out_dir: Path) -> dict[str, Any]:
    from pipeline.report import build_report, markdown_summary

    report = build_report(run, valid, quarantined, valid["findings"], gx, history, out_dir)
    create_markdown_artifact(markdown=markdown_summary(report), key="data-quality-report",
                             description=f"Data-quality summary of run {run['run_id']}")
    return report


@task(name="publish", retries=2, retry_delay_seconds=[1, 4])
def publish_task(staging: Path, output_dir: Path) -> None:
    emit.publish(staging, output_dir)


def timed(timings: dict[str, float], stage: str, call: Callable[[], T]) -> T:
    """Run one stage and record its wall time for the report."""
    start = time.perf_counter()
    result = call()
    timings[stage] = round(time.perf_counter() - start, 3)
    return result


@flow(name="clean-conference-drop", log_prints=True)
def clean_conference_drop(raw_dir: str = "raw", output_dir: str = "output", wait_for_lock: bool = False,
                          work_dir: str | None = None, config_path: str | None = None) -> dict[str, Any]:
    """Repair, parse, detect, validate and emit one raw drop; returns the run manifest.

    `work_dir` holds each document's parts between stages and runs (default: `.<output>.work`
    beside the output folder); it is pruned to the current drop and code version after a run.
    `config_path` is the configuration file (`pipeline.config.find_config` when None); it is read
    and validated before anything else, so a bad one fails the run with the previous output intact.
    """
    config = load_config(config_path)
    raw, output = Path(raw_dir).resolve(), Path(output_dir).resolve()
    work_root = Path(work_dir).resolve() if work_dir else parts.work_dir_for(output)
    work = parts.code_work_dir(work_root, code_version())
    run_id, started_at, timings = new_run_id(), datetime.now(UTC), {}
    damage = emit.check_run_paths(raw, output, work_root)  # refuses a folder we must not replace, before any work
    logger = get_run_logger()
    with emit.output_lock(output, wait=wait_for_lock), emit.guarded_run(output, run_id):
        emit.recover_interrupted_publish(output)
        emit.clean_stale_staging(output)
        documents, input_findings = timed(timings, "ingest", lambda: ingest_task(raw, config))
        input_findings = pl.concat([input_findings, *previous_output_findings(damage, logger)])
        logger.info("ingested %d documents from %s (configuration %s)", len(documents), raw, config.path)
        repaired = timed(timings, "repair", lambda: [f.result() for f in repair_task.map(documents, unmapped(work), unmapped(config))])
        parsed = timed(timings, "parse", lambda: [f.result() for f in parse_task.map(repaired, unmapped(config))])
        combined = timed(timings, "combine", lambda: assemble.combine_documents(parsed, input_findings, config))
        combined, held = assemble.hold_back_rejected_rows(combined)  # parse errors never reach detection
        detected = timed(timings, "detect", lambda: detect_task(combined, config))
        del combined  # not needed past detection; a 1000x drop's frames are hundreds of MB
        raw_sha256 = {doc.name: doc.sha256 for doc in documents}
        staging = emit.start_staging(output, run_id)
        streamed = {parts.STREAMED_DATASET: timed(timings, "validate-repair-log", lambda: validate_repair_log_task(
            assemble.repair_log_parts(parsed), staging, run_id, raw_sha256))}
        read, valid, quarantined = timed(timings, "validate", lambda: validate_task(detected, held, streamed, config))
        paths = timed(timings, "emit", lambda: emit_task(staging, valid, quarantined, parsed, run_id, raw_sha256))
        paths |= {name: result.path for name, result in streamed.items()}
        digests = {name: emit.file_digests(path) for name, path in paths.items()}
        gx = timed(timings, "expectations", lambda: expectations_task(
            paths, staging / "report" / "gx", output if emit.manifest_is_ours(output) else None, {name: data for name, (_, data) in digests.items()}))
        run = run_record(run_id, started_at, parsed, read, valid, quarantined, timings, streamed)
        run["config"] = {"path": config.path, "sha256": config.digest}
        history = read_history(staging)
        emitted = valid | {name: pl.scan_parquet(result.path) for name, result in streamed.items()}
        report = timed(timings, "report", lambda: report_task(run, emitted, quarantined, gx, history, staging / "report"))
        manifest = build_manifest(run, staging, paths, gx, report, digests)
        write_manifest_and_history(staging, manifest, report)
        publish_task(staging, output)
        parts.prune_work_dir(work_root, code_version(), keep=[doc.folder for doc in parsed])
    logger.info("run %s published to %s", run_id, output)
    return manifest


#: Task runners `pipeline run --runner` accepts; "default" is the flow as declared (Prefect's thread pool).
RUNNERS = ("default", "dask")


def flow_with_runner(runner: str = "default", dask_address: str | None = None, dask_workers: int | None = None) -> Any:
    """`clean_conference_drop` with the chosen task runner; the flow itself is unchanged.

    "dask" maps the per-document tasks (repair, parse) onto Dask workers in other processes: a
    LocalCluster of `dask_workers` single-threaded worker processes (default: one per core), or the
    existing cluster whose scheduler is at `dask_address` (tcp://host:8786). Documents travel to the
    workers as references (a `RawFile`; the parts written to the work folder), so remote workers need
    this package at the same code version, a reachable Prefect API (PREFECT_API_URL), and the raw and
    work folders at the same paths (a shared filesystem). Stages that see every
    document (detect, validate, emit, expectations, report) still run in the flow's process.
    """
    if runner == "default":
        return clean_conference_drop
    if runner != "dask":
        raise ValueError(f"unknown task runner {runner!r}; one of {', '.join(RUNNERS)}")
    from prefect_dask import DaskTaskRunner

    if dask_address:
        task_runner = DaskTaskRunner(address=dask_address)
    else:
        # One thread per worker: repair and parse are pure Python (GIL-bound); processes give parallelism.
        cluster: dict[str, Any] = {"threads_per_worker": 1, "processes": True, "dashboard_address": ":0"}
        if dask_workers:
            cluster["n_workers"] = dask_workers
        task_runner = DaskTaskRunner(cluster_kwargs=cluster)
    return clean_conference_drop.with_options(task_runner=task_runner)


def run_record(run_id: str, started_at: datetime, parsed: list[assemble.ParsedDocument], read: dict[str, pl.DataFrame],
               valid: dict[str, pl.DataFrame], quarantined: dict[str, pl.DataFrame], timings: dict[str, float],
               streamed: dict[str, parts.StreamedResult] | None = None) -> dict[str, Any]:
    """What the report and the manifest say about the run itself, with the per-dataset reconciliation."""
    rows = assemble.row_counts(read, valid, quarantined)
    for name, result in (streamed or {}).items():
        held = result.quarantined.height
        rows[name] = {"read": result.read, "emitted": result.valid, "quarantined": held,
                      "reconciled": result.read == result.valid + held}
    rows = {name: rows[name] for name in DATASETS if name in rows}  # the contract's order
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
    """The history entries; damaged lines are left out (reported at the start by `previous_output_findings`)."""
    return emit.read_history(staging)[0]


def previous_output_findings(problems: list[str], logger: Any) -> list[pl.DataFrame]:
    """A warning finding (and log line) for each damaged part of the previous output: reported, not fatal."""
    for problem in problems:
        logger.warning(problem)
    return [assemble.finding("previous_output", None, "damaged_previous_output", "warning", problem) for problem in problems]


def write_manifest_and_history(staging: Path, manifest: dict[str, Any], report: dict[str, Any]) -> None:
    from pipeline.report import history_entry

    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    emit.append_history(staging, json.dumps(history_entry(report), ensure_ascii=False, sort_keys=True))
