"""The run: one raw drop in, one published output folder out, as one plain function over pure steps.

`run_drop` is the whole sequence (ingest, repair, parse, combine, detect, validate, emit, GX, report,
manifest, publish) in one place. Each step is a plain function; `Steps` says how each is executed,
plain calls by default. The Prefect flow (`pipeline.flows`) passes the same steps wrapped as tasks
(retries, caching, mapping over documents), and the benchmarks call `run_drop` or a single step
directly, so there is one sequence to read and change, not three.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from pipeline import accounting, assemble, dictionary, emit, parts
from pipeline.config import PipelineConfig, default_config
from pipeline.emit import publish
from pipeline.findings import finding
from pipeline.manifest import build_manifest, code_version, new_run_id, read_history, run_record, write_manifest_and_history
from pipeline.ingest import RawFile
from schemas.contracts import DATASETS, empty_frame

T = TypeVar("T")
LOG = logging.getLogger("pipeline.run")


@dataclass(frozen=True)
class StreamedResult:
    """What validating a dataset part by part gives: counts, findings and the (few) rejected rows."""

    read: int
    valid: int
    quarantined: pl.DataFrame
    findings: pl.DataFrame
    path: Path


#: Rows of `text_repairs` validated at once: whole documents are gathered up to this many, since
#: Pandera's fixed cost (~30 ms a validation) would dominate one small document at a time.
VALIDATION_BATCH_ROWS = 200_000


def validate_repair_log(log_parts: list[Path], path: Path, metadata: dict[bytes, bytes]) -> StreamedResult:
    """Validate `text_repairs` a batch of documents' parts at a time and append its valid rows to `path`.

    Every key of `text_repairs` starts with `source_file`, so uniqueness holds across the whole
    dataset when it holds within each batch of whole documents; one batch in memory at a time is enough.
    """
    from pipeline.emit import ROW_GROUP_ROWS, parquet_writer
    from pipeline.validate import validate_dataset

    dataset = parts.STREAMED_DATASET
    read = valid = 0
    quarantined: list[pl.DataFrame] = []
    findings: list[pl.DataFrame] = []
    with parquet_writer(path, empty_frame(dataset).to_arrow().schema, metadata) as writer:
        for frame in parts.batches(log_parts, dataset, VALIDATION_BATCH_ROWS):
            result = validate_dataset(dataset, frame)
            read += frame.height
            valid += result.valid.height
            for chunk in result.valid.iter_slices(ROW_GROUP_ROWS):
                writer.write_table(chunk.to_arrow().cast(writer.schema))
            if result.quarantined.height:
                quarantined.append(result.quarantined)
            if result.findings.height:
                findings.append(result.findings)
    return StreamedResult(
        read=read, valid=valid, path=path,
        quarantined=pl.concat(quarantined) if quarantined else accounting.empty_quarantine(dataset),
        findings=pl.concat(findings) if findings else pl.DataFrame(schema=DATASETS["findings"]),
    )


# ------------------------------------------------------------------------------------------ steps

def repair_documents(documents: list[RawFile], work: Path, config: PipelineConfig | None = None) -> list[assemble.RepairedDocument]:
    return [assemble.repair_document(document, work, config) for document in documents]


def parse_documents(repaired: list[assemble.RepairedDocument], config: PipelineConfig | None = None) -> list[assemble.ParsedDocument]:
    return [assemble.parse_document(document, config) for document in repaired]


def stream_repair_log(log_parts: list[Path], staging: Path, run_id: str, raw_sha256: dict[str, str]) -> StreamedResult:
    """`text_repairs`, validated a batch of whole documents at a time and written straight to the staging folder."""
    path = emit.dataset_path(staging, parts.STREAMED_DATASET)
    return validate_repair_log(log_parts, path, emit.parquet_metadata(parts.STREAMED_DATASET, run_id, raw_sha256))


def validate(datasets: dict[str, pl.DataFrame], held: dict[str, pl.DataFrame],
             streamed: dict[str, StreamedResult] | None = None,
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
    read = accounting.rows_read(datasets, held, new_findings)
    quarantined = {name: result.quarantined for name, result in results.items()}
    quarantined |= {name: result.quarantined for name, result in streamed.items()}
    return read, valid, quarantined


def emit_outputs(staging: Path, valid: dict[str, pl.DataFrame], quarantined: dict[str, pl.DataFrame],
                 parsed: list[assemble.ParsedDocument], run_id: str, raw_sha256: dict[str, str]) -> dict[str, Path]:
    """Write the in-memory datasets, a quarantine file per dataset (typed, empty when nothing was held
    back, so a loader can always read `quarantine/<dataset>.parquet`) and each document's repaired text."""
    for document in parsed:
        text_path = staging / "text" / document.name
        text_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(document.text_path, text_path)
    every = {name: quarantined.get(name, accounting.empty_quarantine(name)) for name in DATASETS}
    emit.write_datasets(staging, every, run_id, raw_sha256, quarantine=True)
    (staging / "DATA_DICTIONARY.md").write_text(dictionary.render_markdown(), encoding="utf-8")
    return emit.write_datasets(staging, valid, run_id, raw_sha256)


def check_expectations(paths: dict[str, Path], docs_dir: Path, previous_output: Path | None = None,
                       data_digests: dict[str, str] | None = None) -> Any:
    """GX over the emitted files; the previous output's verdict when it emitted the same data
    (`data_digests`: each dataset's `emit.file_digests(path)[1]`)."""
    from pipeline.expectations import reuse_expectations, run_expectations_in_subprocess

    if previous_output is not None and data_digests is not None:
        reused = reuse_expectations(previous_output, docs_dir, data_digests, code_version())
        if reused is not None:
            return reused
    return run_expectations_in_subprocess(paths, docs_dir)


def report(run: dict[str, Any], valid: dict[str, pl.DataFrame], quarantined: dict[str, pl.DataFrame],
           gx: Any, history: list[dict[str, Any]], out_dir: Path) -> dict[str, Any]:
    from pipeline.report import build_report

    return build_report(run, valid, quarantined, valid["findings"], gx, history, out_dir)


def previous_output_findings(problems: list[str], log: logging.Logger | logging.LoggerAdapter) -> list[pl.DataFrame]:
    """A warning finding (and log line) for each damaged part of the previous output: reported, not fatal."""
    for problem in problems:
        log.warning(problem)
    return [finding("previous_output", None, "damaged_previous_output", "warning", problem) for problem in problems]


@dataclass(frozen=True)
class Steps:
    """How each step of a run is executed: plain calls by default. The Prefect flow passes its tasks
    (same signatures), so orchestration is chosen here and nowhere else."""

    ingest: Callable[..., tuple[list[RawFile], pl.DataFrame]] = assemble.read_drop
    repair: Callable[..., list[assemble.RepairedDocument]] = repair_documents
    parse: Callable[..., list[assemble.ParsedDocument]] = parse_documents
    detect: Callable[..., dict[str, pl.DataFrame]] = assemble.detect_authors
    validate_repair_log: Callable[..., StreamedResult] = stream_repair_log
    validate: Callable[..., tuple[dict, dict, dict]] = validate
    emit: Callable[..., dict[str, Path]] = emit_outputs
    expectations: Callable[..., Any] = check_expectations
    report: Callable[..., dict[str, Any]] = report
    publish: Callable[[Path, Path], None] = publish


PLAIN = Steps()


def timed(timings: dict[str, float], stage: str, call: Callable[[], T]) -> T:
    """Run one stage and record its wall time for the report."""
    start = time.perf_counter()
    result = call()
    timings[stage] = round(time.perf_counter() - start, 3)
    return result


def run_drop(raw: Path, output: Path, work: Path | None = None, *, wait_for_lock: bool = False,
             steps: Steps = PLAIN, log: logging.Logger | logging.LoggerAdapter = LOG,
             config: PipelineConfig | None = None) -> dict[str, Any]:
    """Repair, parse, detect, validate and emit one raw drop into `output`; returns the run manifest.

    `work` holds each document's parts between stages and runs (default: `.<output>.work` beside
    the output folder); it is pruned to the current drop and code version after a run. The output
    lock is held throughout, and the output only changes in the final publish. `config` is the
    validated configuration (`pipeline.config.load_config`; the packaged default when None).
    """
    config = config or default_config()
    raw, output = Path(raw).resolve(), Path(output).resolve()
    work_root = Path(work).resolve() if work else parts.work_dir_for(output)
    work = parts.code_work_dir(work_root, code_version())
    run_id, started_at, timings = new_run_id(), datetime.now(UTC), {}
    damage = emit.check_run_paths(raw, output, work_root)  # refuses a folder we must not replace, before any work
    with emit.output_lock(output, wait=wait_for_lock), emit.guarded_run(output, run_id):
        emit.recover_interrupted_publish(output)
        emit.clean_stale_staging(output)
        documents, input_findings = timed(timings, "ingest", lambda: steps.ingest(raw, config))
        input_findings = pl.concat([input_findings, *previous_output_findings(damage, log)])
        log.info("ingested %d documents from %s (configuration %s)", len(documents), raw, config.path)
        repaired = timed(timings, "repair", lambda: steps.repair(documents, work, config))
        parsed = timed(timings, "parse", lambda: steps.parse(repaired, config))
        combined = timed(timings, "combine", lambda: assemble.combine_documents(parsed, input_findings, config))
        combined, held = assemble.hold_back_rejected_rows(combined)  # parse errors never reach detection
        detected = timed(timings, "detect", lambda: steps.detect(combined, config))
        del combined  # not needed past detection; a 1000x drop's frames are hundreds of MB
        raw_sha256 = {doc.name: doc.sha256 for doc in documents}
        staging = emit.start_staging(output, run_id)
        streamed = {parts.STREAMED_DATASET: timed(timings, "validate-repair-log", lambda: steps.validate_repair_log(
            assemble.repair_log_parts(parsed), staging, run_id, raw_sha256))}
        read, valid, quarantined = timed(timings, "validate", lambda: steps.validate(detected, held, streamed, config))
        paths = timed(timings, "emit", lambda: steps.emit(staging, valid, quarantined, parsed, run_id, raw_sha256))
        paths |= {name: result.path for name, result in streamed.items()}
        digests = {name: emit.file_digests(path) for name, path in paths.items()}
        gx = timed(timings, "expectations", lambda: steps.expectations(
            paths, staging / "report" / "gx", output if emit.manifest_is_ours(output) else None,
            {name: data for name, (_, data) in digests.items()}))
        if getattr(gx, "reused_from", None):
            log.info("expectations: same data and code as run %s, its verdict and Data Docs reused", gx.reused_from)
        run = run_record(run_id, started_at, parsed, read, valid, quarantined, timings, streamed)
        run["config"] = {"path": config.path, "sha256": config.digest}
        history = read_history(staging)
        emitted = valid | {name: pl.scan_parquet(result.path) for name, result in streamed.items()}
        built = timed(timings, "report", lambda: steps.report(run, emitted, quarantined, gx, history, staging / "report"))
        manifest = build_manifest(run, staging, paths, gx, built, digests)
        write_manifest_and_history(staging, manifest, built)
        steps.publish(staging, output)
        parts.prune_work_dir(work_root, code_version(), keep=[doc.folder for doc in parsed])
    log.info("run %s published to %s", run_id, output)
    return manifest
