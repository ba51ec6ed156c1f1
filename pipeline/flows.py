"""Prefect orchestration: each step of `pipeline.run` wrapped as a task, and the one flow that runs them.

The run's sequence lives in `pipeline.run.run_drop`; the flow calls it with these tasks as its
steps, so nothing here transforms data, counts rows or writes a manifest. Per-document work
(repair, parse) is cached on the raw file's sha256 plus the code version, never on Prefect's hash of
the inputs (which hashes frames poorly), so an unchanged drop re-runs from cache and a code change
invalidates it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_markdown_artifact
from prefect.context import TaskRunContext
from prefect.exceptions import MissingContextError

from pipeline import assemble, emit, parts, run
from pipeline.errors import PipelineError
from pipeline.config import PipelineConfig, load_config
from pipeline.ingest import RawFile
from pipeline.manifest import code_version


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
    """The raw file's sha256 + code version + where its parts live; None (no cache) until they exist."""
    document: RawFile = parameters["document"]
    folder = parts.document_folder(Path(parameters["work_dir"]), document.name, document.sha256)
    return _parts_cache_key(context, document.sha256, folder / parts.REPAIR_MARKER, parameters.get("config"))


def _parse_cache_key(context: TaskRunContext, parameters: dict[str, Any]) -> str | None:
    document: assemble.RepairedDocument = parameters["document"]
    return _parts_cache_key(context, document.sha256, document.folder / parts.PARSE_MARKER, parameters.get("config"))


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


def repair_mapped(documents: list[RawFile], work_dir: Path, config: PipelineConfig | None = None) -> list[assemble.RepairedDocument]:
    """`run.repair_documents` as one task run per document, on the flow's task runner."""
    return [future.result() for future in repair_task.map(documents, unmapped(work_dir), unmapped(config))]


def parse_mapped(documents: list[assemble.RepairedDocument], config: PipelineConfig | None = None) -> list[assemble.ParsedDocument]:
    return [future.result() for future in parse_task.map(documents, unmapped(config))]


detect_task = task(name="detect")(assemble.detect_authors)
validate_task = task(name="validate")(run.validate)
validate_repair_log_task = task(name="validate-repair-log")(run.stream_repair_log)
emit_task = task(name="emit", retries=2, retry_delay_seconds=[1, 4], retry_condition_fn=_retry_unless_user_error)(run.emit_outputs)
expectations_task = task(name="expectations")(run.check_expectations)
publish_task = task(name="publish", retries=2, retry_delay_seconds=[1, 4])(emit.publish)


@task(name="report")
def report_task(record: dict[str, Any], valid: dict[str, pl.DataFrame], quarantined: dict[str, pl.DataFrame],
                gx: Any, history: list[dict[str, Any]], out_dir: Path) -> dict[str, Any]:
    """`run.report`, plus its summary as a Prefect artifact for the UI."""
    from pipeline.report import markdown_summary

    report = run.report(record, valid, quarantined, gx, history, out_dir)
    create_markdown_artifact(markdown=markdown_summary(report), key="data-quality-report",
                             description=f"Data-quality summary of run {record['run_id']}")
    return report


#: The run's steps as Prefect tasks: what `clean_conference_drop` passes to `run.run_drop`.
PREFECT_STEPS = run.Steps(
    ingest=ingest_task, repair=repair_mapped, parse=parse_mapped, detect=detect_task,
    validate_repair_log=validate_repair_log_task, validate=validate_task, emit=emit_task,
    expectations=expectations_task, report=report_task, publish=publish_task,
)


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
    return run.run_drop(Path(raw_dir), Path(output_dir), Path(work_dir) if work_dir else None,
                        wait_for_lock=wait_for_lock, steps=PREFECT_STEPS, log=_run_logger(), config=config)


def _run_logger() -> Any:
    """The flow run's logger; the module logger when the flow function is called outside a flow run
    (`clean_conference_drop.fn(...)`), so its path checks still raise their own errors."""
    try:
        return get_run_logger()
    except MissingContextError:
        return run.LOG


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
