"""Great Expectations (1.x) suites over the emitted Parquet: a second, independent reading of the output.

Why GX beside Pandera: Pandera checks frames inside the pipeline; GX checks the *files* a consumer
will read, with pandas, and publishes browsable Data Docs. The suites are derived from the Pandera
models (nullability, uniqueness, allowed values, formats, ranges) so the two cannot drift; the
pure-Python predicates (mojibake, names) stay Pandera-only.

GX is slow to import (~3 s), so it is imported inside the functions that need it, and always with
analytics off: the pipeline runs offline.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandera.polars as pa
import polars as pl

from pipeline.errors import ContractError
from schemas import DATASETS, MODELS

__all__ = ["DatasetExpectations", "GxSummary", "expectation_specs", "run_expectations"]

_SITE = "pipeline_docs"


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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the report stores it)."""
        return {
            "success": self.success,
            "data_docs_index": str(self.data_docs_index),
            "datasets": {name: asdict(result) for name, result in self.datasets.items()},
        }


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
    """The GX twin of a built-in Pandera check; None for checks GX cannot express."""
    if check == "isin":
        return "ExpectColumnValuesToBeInSet", {"column": column, "value_set": stats["allowed_values"]}
    if check == "str_matches":
        return "ExpectColumnValuesToMatchRegex", {"column": column, "regex": stats["pattern"]}
    if check == "greater_than_or_equal_to":
        return "ExpectColumnValuesToBeBetween", {"column": column, "min_value": stats["min_value"]}
    if check == "in_range":
        bounds = {"min_value": stats["min_value"], "max_value": stats["max_value"]}
        return "ExpectColumnValuesToBeBetween", {"column": column, **bounds}
    return None


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
    frame = pl.read_parquet(path).to_pandas()
    run = checkpoint.run(batch_parameters={"dataframe": frame})
    return _summarise(next(iter(run.run_results.values())))


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
