"""Great Expectations (1.x) suites over the emitted Parquet: a second, independent reading of the output.

Why GX beside Pandera: Pandera checks frames inside the pipeline; GX checks the *files* a consumer
will read, with pandas, and publishes browsable Data Docs. The suites are derived from the Pandera
models (nullability, uniqueness, allowed values, formats, ranges) so the two cannot drift; the
pure-Python predicates (mojibake, names) stay Pandera-only.

GX is slow to import (~3 s), so it is imported inside the functions that need it, and always with
analytics off: the pipeline runs offline.

Two things keep GX's cost bounded:
- a file is validated in batches of at most `BATCH_ROWS` rows (GX validates pandas frames, and a
  pandas copy of millions of rows costs gigabytes); the verdicts are merged, and the Data Docs show
  one validation per batch. Uniqueness is therefore checked within a batch only; Pandera checks it
  on the whole dataset before emit.
- `reuse_expectations` takes the previous run's verdict and Data Docs when that run emitted the
  same data (same data digests) with the same code, so a warm run does not import GX at all.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandera.polars as pa
import polars as pl
import pyarrow as pa_arrow
import pyarrow.parquet as pq

from pipeline.errors import ContractError
from schemas import DATASETS, MODELS
from schemas.rules import BUILTIN_CHECKS

__all__ = ["DatasetExpectations", "GxSummary", "expectation_specs", "reuse_expectations", "run_expectations",
           "run_expectations_in_subprocess"]

_SITE = "pipeline_docs"
#: A GX batch holds at most this many rows, and about BATCH_BYTES of Arrow data. GX's pandas copy of
#: a batch costs 10-40x its Arrow size (strings and nested columns become Python objects; measured on
#: 1000x the seed: one 170,000-row `papers` batch peaked at 2.3 GB, 20,000-row batches at 0.8 GB, and
#: with 16 MB batches of every dataset the GX process peaked at 2.2 GB), so batches are sized by bytes.
BATCH_ROWS = 500_000
BATCH_BYTES = 8 * 2**20


@dataclass(frozen=True)
class DatasetExpectations:
    """The checkpoint's verdict on one dataset's Parquet file."""

    success: bool
    evaluated: int
    failed: int
    failed_expectations: list[dict[str, str | None]] = field(default_factory=list)


@dataclass(frozen=True)
class GxSummary:
    """Per dataset verdicts plus where the Data Docs were written (`data_docs_index`)."""

    success: bool
    datasets: dict[str, DatasetExpectations]
    data_docs_index: Path
    #: The run whose verdict and Data Docs this is, when reused (`reuse_expectations`); else None.
    reused_from: str | None = None
    #: Peak RSS of the process GX ran in, when it ran in its own (`run_expectations_in_subprocess`).
    process_peak_rss_mb: float | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the report stores it)."""
        return {
            "success": self.success,
            "data_docs_index": str(self.data_docs_index),
            "datasets": {name: asdict(result) for name, result in self.datasets.items()},
            "reused_from": self.reused_from,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GxSummary:
        datasets = {name: DatasetExpectations(**result) for name, result in data["datasets"].items()}
        return cls(bool(data["success"]), datasets, Path(data["data_docs_index"]), data.get("reused_from"))


def expectation_specs(name: str) -> list[tuple[str, dict[str, Any]]]:
    """(expectation class name, kwargs) pairs mirroring the Pandera model of dataset `name`.

    Plain data, so it can be tested and read without importing GX.
    """
    model = MODELS[name]
    schema = model.to_schema()
    specs: list[tuple[str, dict[str, Any]]] = [
        ("ExpectTableColumnsToMatchOrderedList", {"column_list": list(DATASETS[name])})
    ]
    for column_name, column in schema.columns.items():
        specs += _column_specs(column_name, column)
    unique = getattr(model.Config, "unique", None)
    if unique:
        specs.append(("ExpectCompoundColumnsToBeUnique", {"column_list": list(unique)}))
    return specs


def _column_specs(name: str, column: pa.Column) -> list[tuple[str, dict[str, Any]]]:
    specs: list[tuple[str, dict[str, Any]]] = []
    if not column.nullable:
        specs.append(("ExpectColumnValuesToNotBeNull", {"column": name}))
    if column.unique:
        specs.append(("ExpectColumnValuesToBeUnique", {"column": name}))
    for check in column.checks:
        spec = _check_spec(name, check.name, check.statistics)
        if spec:
            specs.append(spec)
    return specs


def _check_spec(column: str, check: str, stats: dict[str, Any]) -> tuple[str, dict] | None:
    """The GX twin of a built-in Pandera check (`schemas.rules.BUILTIN_CHECKS`); None for custom
    checks and the built-ins the table marks as not mirrored."""
    builtin = BUILTIN_CHECKS.get(check)
    return builtin.expectation(column, stats) if builtin and builtin.expectation else None


def run_expectations(parquet_paths: dict[str, Path], docs_dir: Path) -> GxSummary:
    """Run a GX checkpoint over every dataset's Parquet file and build Data Docs in `docs_dir`."""
    unknown = sorted(set(parquet_paths) - set(MODELS))
    if unknown:
        raise ContractError(f"no expectation suite for datasets {unknown}; known: {sorted(MODELS)}")
    docs_dir = Path(docs_dir).resolve()
    docs_dir.mkdir(parents=True, exist_ok=True)
    context = _context(docs_dir)
    source = context.data_sources.add_pandas("pipeline_output")
    results = {
        name: _run_checkpoint(context, source, name, Path(path))
        for name, path in sorted(parquet_paths.items())
    }
    context.build_data_docs(site_names=[_SITE])
    success = all(result.success for result in results.values())
    return GxSummary(success=success, datasets=results, data_docs_index=docs_dir / "index.html")


def _context(docs_dir: Path) -> Any:
    """An in-memory GX context whose only Data Docs site is `docs_dir`; analytics and bars off."""
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    backend = {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)}
    site = {
        "class_name": "SiteBuilder",
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        "store_backend": backend,
    }
    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites={_SITE: site},
        progress_bars=ProgressBarsConfig(globally=False),
        analytics_enabled=False,
    )
    return gx.get_context(mode="ephemeral", project_config=config)


def _run_checkpoint(context: Any, source: Any, name: str, path: Path) -> DatasetExpectations:
    """One checkpoint per dataset: a pandas dataframe asset takes its frame as a batch parameter,
    and a checkpoint run passes the same parameters to all its validations."""
    import great_expectations as gx

    batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe(name)
    suite = context.suites.add(_suite(name))
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=name, data=batch, suite=suite)
    )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name=f"{name}_checkpoint",
            validation_definitions=[definition],
            actions=[],  # no UpdateDataDocsAction: run_expectations builds the Data Docs once, after all checkpoints
            result_format={"result_format": "SUMMARY"},
        )
    )
    verdicts = [_summarise(next(iter(checkpoint.run(batch_parameters={"dataframe": frame}).run_results.values())))
                for frame in _pandas_batches(path)]
    return _merge(verdicts)


def _pandas_batches(path: Path) -> Any:
    """The file as pandas frames of at most BATCH_ROWS rows (one empty frame for an empty file)."""
    parquet = pq.ParquetFile(path)
    if parquet.metadata.num_rows == 0:
        yield pl.read_parquet(path).to_pandas()
        return
    sample = pl.read_parquet(path, n_rows=1000)
    row_bytes = max(1, sample.estimated_size() // max(1, sample.height))
    for batch in parquet.iter_batches(batch_size=max(1, min(BATCH_ROWS, BATCH_BYTES // row_bytes))):
        yield pl.from_arrow(pa_arrow.Table.from_batches([batch])).to_pandas()


def _merge(verdicts: list[DatasetExpectations]) -> DatasetExpectations:
    """One dataset's verdict from its batches': failed if any batch failed an expectation."""
    failed: list[dict[str, str | None]] = []
    for verdict in verdicts:
        failed += [item for item in verdict.failed_expectations if item not in failed]
    return DatasetExpectations(success=all(v.success for v in verdicts), evaluated=verdicts[0].evaluated,
                               failed=len(failed), failed_expectations=failed)


def _suite(name: str) -> Any:
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(name=name)
    for expectation, kwargs in expectation_specs(name):
        suite.add_expectation(getattr(gxe, expectation)(**kwargs))
    return suite


def _summarise(result: Any) -> DatasetExpectations:
    """Counts and the (expectation, column) of each failure from one validation result."""
    failed = [
        {"expectation": r.expectation_config.type, "column": _column_of(r.expectation_config.kwargs)}
        for r in result.results
        if not r.success
    ]
    stats = result.statistics
    return DatasetExpectations(
        success=bool(result.success),
        evaluated=int(stats["evaluated_expectations"]),
        failed=int(stats["unsuccessful_expectations"]),
        failed_expectations=failed,
    )


def _column_of(kwargs: dict[str, Any]) -> str | None:
    if "column" in kwargs:
        return kwargs["column"]
    if "column_list" in kwargs:
        return "+".join(kwargs["column_list"])
    return None


def reuse_expectations(previous_output: Path, docs_dir: Path, digests: dict[str, str], code_version: str) -> GxSummary | None:
    """The previous run's GX verdict and Data Docs, copied to `docs_dir`, if it checked the same data.

    Why this is sound: the suites derive from the code (same `code_version`), and the previous
    manifest records each dataset's data digest (`emit.data_sha256`: the Parquet bytes before the
    footer that carries the run id); equal digests mean GX would read the very same values. None
    when anything differs or is missing: then GX runs.
    """
    try:
        manifest = json.loads((previous_output / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    previous = manifest.get("expectations")
    previous_digests = {item.get("dataset"): item.get("data_sha256") for item in manifest.get("outputs", [])}
    docs = previous_output / "report" / "gx"
    if (not previous or manifest.get("code_version") != code_version or previous_digests != digests
            or not (docs / "index.html").is_file()):
        return None
    shutil.copytree(docs, docs_dir, dirs_exist_ok=True)
    summary = GxSummary.from_dict(previous)
    return GxSummary(summary.success, summary.datasets, Path(docs_dir).resolve() / "index.html",
                     summary.reused_from or manifest.get("run_id"))


def run_expectations_in_subprocess(parquet_paths: dict[str, Path], docs_dir: Path) -> GxSummary:
    """`run_expectations` in a child process (`python -m pipeline.expectations`).

    Why: GX reads only the emitted files, yet in the run's process its pandas batches and the Data
    Docs it renders stack on top of every frame the run still holds (measured at 1000x the seed:
    +1.3 GB, 1.9 GB -> 3.2 GB peak). In a child the run's process stays as it is and the child's
    memory (about 0.9 GB there) goes back to the system when it exits. The cost is the child's start
    (~1 s besides the GX import, which the run would pay anyway).
    """
    import subprocess
    import sys

    request = json.dumps({"paths": {name: str(path) for name, path in parquet_paths.items()}, "docs_dir": str(docs_dir)})
    done = subprocess.run([sys.executable, "-m", "pipeline.expectations"], input=request, capture_output=True,
                          text=True, env={**os.environ, "GX_ANALYTICS_ENABLED": "false"})
    if done.returncode:
        detail = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit code {done.returncode}"
        raise ContractError(f"the Great Expectations check of {sorted(parquet_paths)} failed: {detail}")
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    summary = GxSummary.from_dict(answer["summary"])
    return GxSummary(summary.success, summary.datasets, summary.data_docs_index, None, answer["peak_rss_mb"])


def _main() -> None:
    """The child side of `run_expectations_in_subprocess`: a JSON request on stdin, one JSON line out."""
    import resource
    import sys

    request = json.loads(sys.stdin.read())
    summary = run_expectations({name: Path(path) for name, path in request["paths"].items()}, Path(request["docs_dir"]))
    # VmHWM, not ru_maxrss: ru_maxrss survives exec, so it would report the parent's size at the fork
    status = Path("/proc/self/status")
    lines = status.read_text().splitlines() if status.exists() else []
    hwm = [int(line.split()[1]) / 1024 for line in lines if line.startswith("VmHWM:")]
    peak = hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"summary": summary.to_dict(), "peak_rss_mb": peak}))


if __name__ == "__main__":
    _main()
