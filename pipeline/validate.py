"""Validate a dataset against its Pandera model and split it into valid rows, quarantine and findings.

Why a split and not a pass/fail: one bad row must not cost the other 169 papers, and no row may
vanish either. Every failure of an error-severity check sends its row to quarantine (with the list
of checks it failed); warning-severity checks only leave a finding. A frame whose *shape* is wrong
(missing column, wrong dtype) is a bug in the stage that built it, so it raises `ContractError`
instead of quarantining every row.

The policy (which check is a warning, which columns form the key) lives with the models in
`schemas.models`, and the configuration's [severities] overrides it per check (`pipeline.config`);
this module only runs Pandera and turns its failure cases into rows.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pandera.errors as pa_errors
import pandera.polars as pa
import polars as pl

from pipeline.config import PipelineConfig, default_config
from pipeline.accounting import FAILED_CHECKS
from pipeline.errors import ContractError
from pipeline.findings import findings_from_columns
from schemas import DATASETS, MODELS
from schemas.checks import looks_like_mojibake  # re-exported: one predicate, one home
from schemas.models import key_columns, warning_checks
from schemas.rules import message_of, rule_of

__all__ = [
    "ValidationResult",
    "check_contract",
    "combined_findings",
    "looks_like_mojibake",
    "validate_all",
    "validate_dataset",
]

_EVIDENCE_CHARS = 200
# Failures that are about values, one row at a time. Anything else (a missing column, a wrong
# dtype, a check that crashed) means the frame or the model is broken: a bug, not bad data.
_DATA_REASONS = {
    pa_errors.SchemaErrorReason.SERIES_CONTAINS_NULLS,
    pa_errors.SchemaErrorReason.SERIES_CONTAINS_DUPLICATES,
    pa_errors.SchemaErrorReason.DUPLICATES,
    pa_errors.SchemaErrorReason.DATAFRAME_CHECK,
    pa_errors.SchemaErrorReason.SCHEMA_COMPONENT_CHECK,
}


@dataclass(frozen=True)
class ValidationResult:
    """Rows that passed, rows held back (plus `failed_checks: list[str]`), and every finding."""

    valid: pl.DataFrame
    quarantined: pl.DataFrame
    findings: pl.DataFrame


def validate_dataset(name: str, frame: pl.DataFrame, config: PipelineConfig | None = None) -> ValidationResult:
    """Validate `frame` as dataset `name`; every row ends in `valid` or `quarantined`, never lost.
    A check's severity is the config's when it lists the check, else the model's."""
    model = _model(name)
    check_contract(name, frame)
    failures = _failure_cases(model, frame)
    findings = _findings(name, model, frame, failures, config or default_config())
    valid, quarantined = _split(frame, findings)
    return ValidationResult(valid=valid, quarantined=quarantined, findings=findings.drop("_row"))


def validate_all(datasets: dict[str, pl.DataFrame], config: PipelineConfig | None = None) -> dict[str, ValidationResult]:
    """Validate every dataset of `datasets` (names as in `schemas.MODELS`)."""
    return {name: validate_dataset(name, frame, config) for name, frame in datasets.items()}


def combined_findings(results: dict[str, ValidationResult]) -> pl.DataFrame:
    """All findings of `validate_all`, in one frame of the `findings` contract."""
    frames = [result.findings for result in results.values()]
    return pl.concat(frames) if frames else pl.DataFrame(schema=DATASETS["findings"])


def check_contract(name: str, frame: pl.DataFrame) -> None:
    """Raise `ContractError` unless `frame` has exactly the contract's columns and dtypes."""
    if not isinstance(frame, pl.DataFrame):
        raise ContractError(f"{name}: expected a polars DataFrame, got {type(frame).__name__}")
    expected = DATASETS[name]
    problems = [f"missing column {c!r}" for c in expected if c not in frame.columns]
    problems += [f"unexpected column {c!r}" for c in frame.columns if c not in expected]
    problems += [
        f"column {c!r} is {frame.schema[c]}, contract says {dtype}"
        for c, dtype in expected.items()
        if c in frame.columns and frame.schema[c] != dtype
    ]
    if problems:
        raise ContractError(
            f"dataset {name!r} breaks its contract: {'; '.join(problems)}. Build it with "
            f"schemas.contracts.conform({name!r}, frame) in the stage that produces it."
        )


def _model(name: str) -> type[pa.DataFrameModel]:
    if name not in MODELS:
        raise ContractError(f"no model for dataset {name!r}; known datasets: {sorted(MODELS)}")
    return MODELS[name]


def _failure_cases(model: type[pa.DataFrameModel], frame: pl.DataFrame) -> pl.DataFrame:
    """Pandera's failure cases of `frame` (empty when valid); schema-level failures raise."""
    try:
        model.validate(frame, lazy=True)
    except pa_errors.SchemaErrors as errors:
        _raise_on_schema_errors(model, errors)
        return errors.failure_cases
    return pl.DataFrame(
        schema={"failure_case": pl.String, "schema_context": pl.String, "column": pl.String,
                "check": pl.String, "check_number": pl.Int32, "index": pl.Int32}
    )


def _raise_on_schema_errors(model: type[pa.DataFrameModel], errors: pa_errors.SchemaErrors) -> None:
    bugs = [error for error in errors.schema_errors if error.reason_code not in _DATA_REASONS]
    if bugs:
        detail = "; ".join(f"{error.reason_code.name}: {error}" for error in bugs[:3])
        raise ContractError(f"{model.Config.name}: schema-level validation failure: {detail}")


def _rule(check: str) -> str:
    """Pandera's check label ("isin(['a'])", "not_nullable", "no_mojibake") -> our rule name."""
    base = re.match(r"[\w.]+", check)
    name = base.group(0) if base else check
    return rule_of(name)


def _check_name(model: type[pa.DataFrameModel], context: str, column: str, check: str) -> str:
    """`<column>.<rule>`: dataframe-level checks already carry it, unique keys are joined by '+'."""
    rule = _rule(check)
    if context == "Column":
        return f"{column}.{rule}"
    if check == "multiple_fields_uniqueness":
        return f"{'+'.join(model.Config.unique)}.{rule}"
    return rule


def _findings(
    name: str, model: type[pa.DataFrameModel], frame: pl.DataFrame, failures: pl.DataFrame,
    config: PipelineConfig,
) -> pl.DataFrame:
    """One finding per (row, check) failure, plus `_row` (the row position, null: whole table)."""
    schema = {**DATASETS["findings"], "_row": pl.Int64}
    if failures.is_empty():
        return pl.DataFrame(schema=schema)
    warnings = warning_checks(model)
    cases = failures.select("failure_case", "schema_context", "column", "check", "index").rows()
    row_keys = _row_keys(frame, key_columns(model), [case[4] for case in cases])
    names = {}  # (context, column, check) -> (check name, column, rule): few distinct ones
    checks, messages, evidence = [], [], []
    for failure_case, context, column_name, pandera_check, index in cases:
        label = (context, column_name, pandera_check)
        if label not in names:
            check = _check_name(model, context, column_name, pandera_check)
            names[label] = (check, *check.rpartition(".")[::2])
        check, column, rule = names[label]
        checks.append(check)
        messages.append(f"{column or name}: {message_of(rule)}")
        evidence.append(_evidence(frame, column, index, failure_case))
    found = findings_from_columns(dataset=name, row_key=row_keys, check=checks, severity=[
        config.severity(check, "warning" if check in warnings else "error") for check in checks],
        message=messages, evidence=evidence)
    return found.with_columns(pl.Series("_row", [case[4] for case in cases], dtype=pl.Int64)).unique(maintain_order=True)


def _row_keys(frame: pl.DataFrame, keys: list[str], rows: list[int | None]) -> list[str | None]:
    """The key of each requested row (None for a null position): the row's key columns joined by ':'.
    A null or repeated key cannot name its row alone, so it gets the row's position too ("7@row12"):
    two duplicates stay two findings. Keys are built and counted in polars over the whole frame."""
    if not all(frame.schema[k] == pl.String or frame.schema[k].is_integer() for k in keys):
        every = _python_row_keys(frame, keys)  # str() of other dtypes differs from a polars cast
        return [None if row is None else every[row] for row in rows]
    wanted = [row for row in rows if row is not None]
    if not wanted:
        return [None] * len(rows)
    key = pl.concat_str([pl.col(k).cast(pl.String) for k in keys], separator=":")
    counted = frame.select(key.alias("key")).with_columns(pl.len().over("key").alias("count"))
    picked = counted[wanted]
    found = {}
    for row, value, count in zip(wanted, picked["key"].to_list(), picked["count"].to_list()):
        found[row] = f"row{row}" if value is None else f"{value}@row{row}" if count > 1 else value
    return [None if row is None else found[row] for row in rows]


def _python_row_keys(frame: pl.DataFrame, keys: list[str]) -> list[str]:
    """Every row's key, row by row in Python (for key columns polars cannot spell as `str` does)."""
    joined = [
        None if any(v is None for v in values) else ":".join(str(v) for v in values)
        for values in frame.select(keys).iter_rows()
    ]
    counts = Counter(joined)
    return [
        f"row{index}" if key is None else f"{key}@row{index}" if counts[key] > 1 else key
        for index, key in enumerate(joined)
    ]


def _evidence(frame: pl.DataFrame, column: str, index: int | None, failure_case: Any) -> str:
    """The offending value, shortened: the cell when the check names one, else Pandera's case."""
    first_column = column.split("+")[0]
    if index is not None and first_column in frame.columns:
        value = frame[index, first_column]
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    else:
        text = "null" if failure_case is None else str(failure_case)
    return text if len(text) <= _EVIDENCE_CHARS else text[: _EVIDENCE_CHARS - 1] + "…"


def _split(frame: pl.DataFrame, findings: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows with an error finding go to quarantine with their failed checks; the rest stay valid."""
    failed = (
        findings.filter((pl.col("severity") == "error") & pl.col("_row").is_not_null())
        .group_by("_row")
        .agg(pl.col("check").unique().sort().alias(FAILED_CHECKS))
    )
    if failed.height == 0:  # the usual case: no copy of a frame that may hold 170,000 papers
        return frame, frame.clear().with_columns(pl.lit(None, dtype=pl.List(pl.String)).alias(FAILED_CHECKS))
    numbered = frame.with_row_index("_row").with_columns(pl.col("_row").cast(pl.Int64))
    joined = numbered.join(failed, on="_row", how="left", maintain_order="left")
    is_failed = pl.col(FAILED_CHECKS).is_not_null()
    valid = joined.filter(~is_failed).drop("_row", FAILED_CHECKS)
    quarantined = joined.filter(is_failed).drop("_row")
    return valid, quarantined
