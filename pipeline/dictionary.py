"""The data dictionary: every dataset's columns, types, nullability, checks and meaning, for readers.

Why generated: the column contract (`schemas.contracts`, the shape) and the Pandera models
(`schemas.models`, what a valid value is, with a one-line description per field) are the only
source of truth; a hand-written dictionary would drift from them. This module reads both and
renders Markdown (`DATA_DICTIONARY.md`, written by every run and committed as
`docs/DATA_DICTIONARY.md`) or JSON (`pipeline schema --format json`, for tools).

Check names are the ones findings use (`<column>.<rule>`, rules in `schemas.rules`),
and each check's severity comes from the model's `warning_checks`, so a reader can look up any
finding's `check` here. Pure functions only: the flow and the CLI decide where the text goes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import pandera.polars as pa
import polars as pl
import pyarrow as pa_arrow
import pyarrow.parquet as pq

from pipeline.errors import ContractError
from schemas import DATASETS, MODELS, SCHEMA_VERSION
from schemas.examples import example_frame
from schemas.models import key_columns, warning_checks
from schemas.rules import BUILTIN_CHECKS, message_of, rule_of

__all__ = [
    "CheckEntry",
    "ColumnEntry",
    "DatasetEntry",
    "dataset_entry",
    "dictionary",
    "render_json",
    "render_markdown",
    "type_name",
]

_SHOWN_APART = ("not_null", "allowed_values")  # they have their own columns in the Markdown table
_SIMPLE_TYPES = {
    pl.String: "str",
    pl.Int64: "int64",
    pl.Int32: "int32",
    pl.Float64: "float64",
    pl.Boolean: "bool",
    pl.Date: "date",
    pl.Time: "time",
}


@dataclass(frozen=True)
class CheckEntry:
    """One check as findings name it, its severity, and the message a failing row gets."""

    name: str
    column: str
    rule: str
    severity: str
    message: str
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ColumnEntry:
    """One column: its contract type (readable and as Arrow writes it), rules and meaning."""

    name: str
    type: str
    arrow_type: str
    nullable: bool
    unique: bool
    allowed_values: list[str] | None
    checks: list[CheckEntry]
    description: str
    example: Any


@dataclass(frozen=True)
class DatasetEntry:
    """One dataset: what a row is, its key, version, columns, and the checks on several columns."""

    name: str
    title: str
    description: str
    schema_version: str
    key: list[str]
    unique_together: list[str] | None
    file: str
    columns: list[ColumnEntry]
    table_checks: list[CheckEntry]


def type_name(dtype: pl.DataType) -> str:
    """A polars dtype as a reader-facing type name.

    >>> type_name(pl.List(pl.Struct({"name": pl.String, "affiliation": pl.String})))
    'list[struct{name: str, affiliation: str}]'
    >>> type_name(pl.Time)
    'time'
    """
    if isinstance(dtype, pl.List):
        return f"list[{type_name(dtype.inner)}]"
    if isinstance(dtype, pl.Struct):
        return "struct{" + ", ".join(f"{f.name}: {type_name(f.dtype)}" for f in dtype.fields) + "}"
    for simple, name in _SIMPLE_TYPES.items():
        if dtype == simple:
            return name
    return str(dtype).lower()


def dictionary(names: list[str] | None = None) -> list[DatasetEntry]:
    """Entries of the datasets `names` (every dataset, in contract order, when None)."""
    return [dataset_entry(name) for name in (names or list(DATASETS))]


def dataset_entry(name: str) -> DatasetEntry:
    """The dictionary entry of dataset `name`, read from its contract and Pandera model."""
    if name not in DATASETS:
        raise ContractError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    model = MODELS[name]
    schema = model.to_schema()
    warnings = warning_checks(model)
    arrow = _arrow_schema_as_read_back(name)
    examples = example_frame(name).head(1).to_dicts()
    example_row = examples[0] if examples else {}
    table_checks = [_table_check(check.name, warnings) for check in schema.checks]
    columns = [
        _column_entry(column_name, dtype, schema.columns[column_name], str(arrow.field(column_name).type),
                      [c for c in table_checks if c.column == column_name], warnings,
                      example_row.get(column_name))
        for column_name, dtype in DATASETS[name].items()
    ]
    unique = list(getattr(model.Config, "unique", None) or []) or None
    if unique:
        table_checks.append(_check("+".join(unique), "unique", warnings))
    return DatasetEntry(
        name=name,
        title=str(model.Config.title),
        description=str(model.Config.description),
        schema_version=str(model.Config.metadata["schema_version"]),
        key=key_columns(model),
        unique_together=unique,
        file=f"{name}.parquet",
        columns=columns,
        table_checks=[c for c in table_checks if c.column not in DATASETS[name]],
    )


def _arrow_schema_as_read_back(name: str) -> pa_arrow.Schema:
    """The Arrow schema a reader of the dataset's Parquet file gets (lists come back with Parquet's
    `element` item name, not polars' `item`): an empty frame written and read in memory."""
    sink = pa_arrow.BufferOutputStream()
    pq.write_table(pl.DataFrame(schema=DATASETS[name]).to_arrow(), sink)
    return pq.read_schema(pa_arrow.BufferReader(sink.getvalue()))


def _check(column: str, rule: str, warnings: frozenset[str], **parameters: Any) -> CheckEntry:
    name = f"{column}.{rule}"
    return CheckEntry(
        name=name,
        column=column,
        rule=rule,
        severity="warning" if name in warnings else "error",
        message=f"{column}: {message_of(rule)}",
        parameters=parameters,
    )


def _table_check(name: str, warnings: frozenset[str]) -> CheckEntry:
    """A dataframe-level check, already named `<column>.<rule>` after the column it is about."""
    column, _, rule = name.rpartition(".")
    return _check(column, rule, warnings)


def _column_entry(name: str, dtype: pl.DataType, column: pa.Column, arrow_type: str,
                  table_checks: list[CheckEntry], warnings: frozenset[str], example: Any) -> ColumnEntry:
    checks = [] if column.nullable else [_check(name, "not_null", warnings)]
    checks += [_check(name, "unique", warnings)] if column.unique else []
    allowed = None
    for check in column.checks:
        rule = rule_of(check.name)
        parameters = _parameters(check.name, check.statistics)
        if rule == "allowed_values":
            allowed = [str(value) for value in check.statistics["allowed_values"]]
        checks.append(_check(name, rule, warnings, **parameters))
    return ColumnEntry(
        name=name,
        type=type_name(dtype),
        arrow_type=arrow_type,
        nullable=bool(column.nullable),
        unique=bool(column.unique),
        allowed_values=allowed,
        checks=checks + table_checks,
        description=str(column.description or ""),
        example=example,
    )


def _parameters(check: str, statistics: dict[str, Any]) -> dict[str, Any]:
    """What a built-in check compares against, JSON-ready; custom checks have none."""
    builtin = BUILTIN_CHECKS.get(check)
    return builtin.parameters(statistics) if builtin else {}


def render_json(entries: list[DatasetEntry]) -> str:
    """The dictionary as JSON: {"schema_version", "datasets": {name: entry}}."""
    document = {"schema_version": SCHEMA_VERSION, "datasets": {e.name: asdict(e) for e in entries}}
    return json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n"


_PREAMBLE = """\
# Data dictionary

Generated by `pipeline schema` from the column contract (`schemas/contracts.py`) and the Pandera
models (`schemas/models.py`); do not edit by hand. Every run writes it to
`output/DATA_DICTIONARY.md`; `docs/DATA_DICTIONARY.md` is the committed copy.

**Schema version {version}.** Every Parquet file carries it in its key-value metadata
(`pipeline.schema_version`). Columns change only with a version bump; `pipeline.load` refuses a
file of another major version.

- **Types**: `str` is UTF-8 text, `int64` and `float64` are numbers, `date` a calendar day, `time`
  a local time of day (nanoseconds), `list[...]` an Arrow list, `struct{{...}}` an Arrow struct.
  `pipeline schema --format json` also gives each column's exact Arrow type.
- **Checks** are named `<column>.<rule>`, as in the `check` column of `findings`; a column that is
  not nullable also has `<column>.not_null`. Severity *error*: a failing row goes to
  `quarantine/<dataset>.parquet` (same columns, plus `failed_checks: list[str]`) with an error
  finding. Severity *warning*: the row is kept and a warning finding is written.
- **Reading**: `pipeline.load("papers")` (polars), `pd.read_parquet(path, dtype_backend="pyarrow")`,
  `pyarrow.dataset.dataset(path)`, DuckDB `SELECT * FROM 'output/papers.parquet'`.
"""


def render_markdown(entries: list[DatasetEntry] | None = None) -> str:
    """The dictionary as Markdown: preamble, a table of datasets, then one section per dataset."""
    entries = dictionary() if entries is None else entries
    parts = [_PREAMBLE.format(version=SCHEMA_VERSION)]
    if len(entries) > 1:
        parts.append(_overview(entries))
    parts += [_section(entry) for entry in entries]
    return "\n".join(parts)


def _overview(entries: list[DatasetEntry]) -> str:
    rows = ["| dataset | one row per | key | columns |", "|---|---|---|---|"]
    rows += [
        f"| [`{e.name}`](#{e.name}) | {_cell(e.description.removeprefix('One row per '))} | {_codes(e.key)} | {len(e.columns)} |"
        for e in entries
    ]
    return "\n".join(rows) + "\n"


def _section(entry: DatasetEntry) -> str:
    lines = [
        f"## {entry.name}",
        "",
        f"**{entry.title}.** {entry.description}",
        "",
        f"- File: `{entry.file}` (rejected rows: `quarantine/{entry.file}`)",
        f"- Schema version: {entry.schema_version}",
        f"- Key: {_codes(entry.key)}",
    ]
    if entry.unique_together:
        lines.append(f"- Unique together: {_codes(entry.unique_together)}")
    lines += ["", "| column | type | nullable | allowed values | checks | meaning |", "|---|---|---|---|---|---|"]
    for column in entry.columns:
        allowed = ", ".join(f"`{value}`" for value in column.allowed_values or [])
        checks = ", ".join(_check_label(c) for c in column.checks if c.rule not in _SHOWN_APART)
        lines.append(
            f"| `{column.name}` | `{column.type}` | {'yes' if column.nullable else 'no'} | {allowed} "
            f"| {_cell(checks)} | {_cell(column.description)} |"
        )
    every_check = [c for column in entry.columns for c in column.checks if c.rule != "not_null"]
    every_check += entry.table_checks
    lines += ["", "| check | severity | finding message |", "|---|---|---|"]
    lines += [f"| `{c.name}` | {c.severity} | {_cell(c.message)} |" for c in every_check]
    return "\n".join(lines) + "\n"


def _check_label(check: CheckEntry) -> str:
    """`range` ≥ 1, `format` /pattern/, `no_mojibake` (warning): short enough for a table cell."""
    label = f"`{check.rule}`"
    parameters = check.parameters
    if "pattern" in parameters:
        label += f" `{parameters['pattern']}`"
    elif "min_value" in parameters and "max_value" in parameters:
        label += f" {parameters['min_value']}..{parameters['max_value']}"
    elif "min_value" in parameters:
        label += f" ≥ {parameters['min_value']}"
    elif "max_value" in parameters:
        label += f" ≤ {parameters['max_value']}"
    return label + (" (warning)" if check.severity == "warning" else "")


def _codes(names: list[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: pipes escaped, no line breaks."""
    return text.replace("|", "\\|").replace("\n", " ")
