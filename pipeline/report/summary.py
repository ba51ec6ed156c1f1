"""Turn one run's frames into the report's data: a plain, JSON-ready dict with stable keys.

Every view of the report (HTML, Markdown, terminal) is rendered from this dict alone, so
`report.json` is the single source: a later `pipeline report` can re-render it without the frames.
Pure functions over polars frames; no files, no terminal.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.accounting import all_reconciled, reported_counts
from schemas import MODELS, SCHEMA_VERSION
from schemas.contracts import AUTHOR_STATUSES, REPAIR_METHODS, SEVERITIES
from schemas.models import key_columns

REPORT_VERSION = 1
HISTOGRAM_BINS = 10
LEAST_CONFIDENT = 12
EXAMPLES_PER_METHOD = 4
QUARANTINE_ROWS_SHOWN = 50
FINDINGS_SHOWN = 300
#: Papers listed in the report's authors table. A big drop has 100,000s of papers: the page lists
#: the ones a reader must look at first (not verified, quarantined) up to this many, and says how
#: many more `papers.parquet` holds.
PAPERS_SHOWN = 2000

# The `run` dict the caller (flows/cli) fills in. Missing keys are tolerated: counts fall back to
# the frames, the rest is shown as unknown.
RUN_KEYS: dict[str, str] = {
    "run_id": "str: id of this run",
    "started_at": "str: ISO-8601 start time",
    "finished_at": "str: ISO-8601 end time",
    "inputs": "list of {path, sha256, bytes, kind}: the raw files read",
    "rows": "{dataset: {read, emitted, quarantined}}: row counts for the reconciliation",
    "timings": "{stage: seconds}: wall-clock time per stage",
}


def summarise(
    run: dict[str, Any],
    datasets: dict[str, pl.DataFrame],
    quarantine: dict[str, pl.DataFrame],
    findings: pl.DataFrame,
    gx: Any | None,
    history: list[dict[str, Any]],
    out_dir: Path,
) -> dict[str, Any]:
    """The whole report as data; see `build_report` for the arguments."""
    rows = reported_counts(run.get("rows") or {}, datasets, quarantine)
    report: dict[str, Any] = {
        "report_version": REPORT_VERSION,
        "schema_version": run.get("schema_version", SCHEMA_VERSION),
        "run": run_section(run),
        "rows": rows,
        "reconciled": all_reconciled(rows),
        "repairs": repairs_section(datasets.get("text_repairs")),
        "authors": authors_section(datasets.get("papers"), quarantine.get("papers")),
        "validation": validation_section(findings, quarantine),
        "gx": gx_section(gx, out_dir),
    }
    report["headline"] = headline(report)
    report["history"] = [*history, history_entry(report)]
    return report


def run_section(run: dict[str, Any]) -> dict[str, Any]:
    """Who/when/what of the run, with the inputs' checksums."""
    inputs = [
        {key: item.get(key) for key in ("path", "sha256", "bytes", "kind")}
        for item in run.get("inputs", [])
    ]
    timings = {str(stage): round(float(s), 3) for stage, s in run.get("timings", {}).items()}
    return {
        "run_id": run.get("run_id"),
        "started_at": run.get("started_at"),
        "finished_at": run.get("finished_at"),
        "inputs": inputs,
        "timings": timings,
        "total_seconds": round(sum(timings.values()), 3),
    }


def repairs_section(repairs: pl.DataFrame | pl.LazyFrame | None) -> dict[str, Any]:
    """Changes by method, a confidence histogram, the least confident changes, examples.

    Takes a LazyFrame too (the flow passes a scan of the emitted `text_repairs.parquet`): a big
    drop's repair log has millions of rows, and every figure here is an aggregate or a top-k that
    polars computes without loading the log.
    """
    lazy = repairs.lazy() if repairs is not None else None
    if lazy is not None:  # tallied by family: 'lost_byte:cp1254' counts as lost_byte
        lazy = lazy.with_columns(pl.col("method").str.split(":").list.first())
    total = lazy.select(pl.len()).collect().item() if lazy is not None else 0
    if lazy is None or total == 0:
        return {"total": 0, "by_method": dict.fromkeys(REPAIR_METHODS, 0), "by_file": {},
                "confidence_histogram": _histogram(None), "least_confident": [],
                "examples": []}
    keys = ["confidence", "source_file", "line", "column"]
    least = lazy.sort(keys, nulls_last=True).head(LEAST_CONFIDENT).collect()
    examples = [
        row
        for method in REPAIR_METHODS
        for row in _repair_rows(lazy.filter(pl.col("method") == method)
                                .sort(keys, descending=[True, False, False, False])
                                .head(EXAMPLES_PER_METHOD).collect())
    ]
    return {
        "total": total,
        "by_method": _counts(lazy, "method", REPAIR_METHODS),
        "by_file": _counts(lazy, "source_file", ()),
        "confidence_histogram": _histogram(lazy),
        "least_confident": _repair_rows(least),
        "examples": examples,
    }


def _repair_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    columns = ["source_file", "line", "column", "method", "confidence", "before", "after",
               "alternatives"]
    return [
        {**row, "confidence": None if row["confidence"] is None else round(row["confidence"], 4)}
        for row in frame.select(columns).to_dicts()
    ]


def _histogram(repairs: pl.LazyFrame | None) -> list[dict[str, Any]]:
    """HISTOGRAM_BINS equal bins over 0..1 (the last one closed), counts per repair method."""
    confidence = pl.col("confidence")
    bin_of = pl.when(confidence < 1 / HISTOGRAM_BINS).then(0)
    for index in range(1, HISTOGRAM_BINS - 1):
        bin_of = bin_of.when(confidence < (index + 1) / HISTOGRAM_BINS).then(index)
    bin_of = bin_of.otherwise(HISTOGRAM_BINS - 1)
    counted: dict[tuple[int, str], int] = {}
    if repairs is not None:
        in_range = repairs.filter((confidence >= 0) & (confidence <= 1))
        binned = in_range.group_by(bin_of.alias("bin"), "method").agg(pl.len()).collect()
        counted = {(int(b), str(m)): int(n) for b, m, n in binned.iter_rows()}
    bins = []
    for index in range(HISTOGRAM_BINS):
        counts = dict.fromkeys(REPAIR_METHODS, 0)
        counts.update({method: n for (b, method), n in sorted(counted.items()) if b == index})
        bins.append({"low": round(index / HISTOGRAM_BINS, 2), "high": round((index + 1) / HISTOGRAM_BINS, 2),
                     "counts": counts})
    return bins


def authors_section(papers: pl.DataFrame | None, held: pl.DataFrame | None) -> dict[str, Any]:
    """Counts per author status over every paper (emitted or quarantined) and one row per paper."""
    frames = []
    if papers is not None:
        frames.append(papers.with_columns(pl.lit(False).alias("quarantined")))
    if held is not None and held.height:
        frames.append(held.drop("failed_checks", strict=False).with_columns(
            pl.lit(True).alias("quarantined")))
    if not frames:
        return {"total": 0, "by_status": dict.fromkeys(AUTHOR_STATUSES, 0), "papers": []}
    every = pl.concat(frames, how="diagonal_relaxed")
    shown = every
    if every.height > PAPERS_SHOWN:
        first = pl.col("quarantined") | (pl.col("author_status") != "verified").fill_null(True)
        shown = every.sort(first, "paper_id", descending=[True, False], nulls_last=True).head(PAPERS_SHOWN)
    return {
        "total": every.height,
        "by_status": _counts(every, "author_status", AUTHOR_STATUSES),
        "papers": [_paper_row(row) for row in shown.sort("paper_id", nulls_last=True).to_dicts()],
    }


def _paper_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "paper_id": row["paper_id"],
        "title": row["title"],
        "status": row["author_status"],
        "authors_raw": _names(row.get("authors_raw")),
        "authors": None if row.get("authors") is None else _names(row["authors"]),
        "evidence": list(row.get("author_evidence") or []),
        "quarantined": row["quarantined"],
    }


def _names(authors: list[dict[str, Any]] | None) -> list[str]:
    return [author.get("name") or "" for author in authors or []]


def validation_section(findings: pl.DataFrame, quarantine: dict[str, pl.DataFrame]) -> dict:
    """Findings by severity and by check, and the quarantined rows with what they failed."""
    by_check = (
        findings.group_by(["dataset", "check", "severity"])
        .agg(pl.len().alias("count"))
        .sort(["count", "dataset", "check"], descending=[True, False, False])
    )
    shown = findings.sort(["severity", "dataset", "check", "row_key"], nulls_last=True)
    return {
        "findings_total": findings.height,
        "by_severity": _counts(findings, "severity", SEVERITIES),
        "by_check": by_check.to_dicts(),
        "findings": shown.head(FINDINGS_SHOWN).to_dicts(),
        "quarantined": {name: _quarantine_rows(name, frame) for name, frame in
                        sorted(quarantine.items())},
    }


def _quarantine_rows(name: str, frame: pl.DataFrame) -> dict[str, Any]:
    keys = key_columns(MODELS[name]) if name in MODELS else []
    keys = [key for key in keys if key in frame.columns]
    rows = [
        {"row_key": ":".join(str(row[key]) for key in keys),
         "failed_checks": list(row.get("failed_checks") or [])}
        for row in frame.head(QUARANTINE_ROWS_SHOWN).to_dicts()
    ]
    return {"count": frame.height, "rows": rows}


def gx_section(gx: Any | None, out_dir: Path) -> dict[str, Any] | None:
    """The GX summary with the Data Docs link made relative to the report folder."""
    if gx is None:
        return None
    data = gx.to_dict() if hasattr(gx, "to_dict") else dict(gx)
    index = Path(data["data_docs_index"])
    data["data_docs_index"] = os.path.relpath(index, Path(out_dir).resolve()).replace(os.sep, "/")
    return data


def headline(report: dict[str, Any]) -> dict[str, Any]:
    """The figures a reader should see first."""
    rows = report["rows"]
    gx = report["gx"]
    return {
        "rows_emitted": sum(r["emitted"] for r in rows.values()),
        "rows_quarantined": sum(r["quarantined"] for r in rows.values()),
        "reconciled": report["reconciled"],
        "papers": report["authors"]["total"],
        "papers_by_status": report["authors"]["by_status"],
        "repairs_total": report["repairs"]["total"],
        "repairs_by_method": report["repairs"]["by_method"],
        "errors": report["validation"]["by_severity"]["error"],
        "warnings": report["validation"]["by_severity"]["warning"],
        "gx_success": None if gx is None else gx["success"],
    } | trust(report["rows"], report["reconciled"], report["authors"]["by_status"], None if gx is None else gx["success"])


#: Author verdicts a downstream user may take as the paper's authors (`authors` holds them).
TRUSTED_STATUSES = ("verified", "corrected")


def trust(rows: dict[str, dict[str, int]], reconciled: bool, by_status: dict[str, int], gx_success: bool | None) -> dict[str, Any]:
    """The badge (`badge`, `badge_level`: ok / warn / bad) and one sentence saying what a downstream
    user may and may not rely on. `clean` only when every column can be trusted: counts reconcile,
    Great Expectations passed, nothing is quarantined and every paper's authors are verified or corrected.

    >>> t = trust({"papers": {"quarantined": 0}}, True, {"verified": 85, "unverified": 85}, True)
    >>> t["badge"], t["unresolved_authors"]
    ('authors unresolved: 85 of 170', 85)
    """
    papers = sum(by_status.values())
    unresolved = papers - sum(by_status.get(status, 0) for status in TRUSTED_STATUSES)
    held = sum(r.get("quarantined", 0) for r in rows.values())
    if not reconciled or gx_success is False:
        badge, level = ("counts do not reconcile" if not reconciled else "expectations failed"), "bad"
    elif gx_success is None:
        badge, level = "expectations not run", "bad"
    elif held:
        badge, level = f"rows held back: {held}", "warn"
    elif unresolved:
        badge, level = f"authors unresolved: {unresolved} of {papers}", "warn"
    else:
        badge, level = "clean", "ok"
    may = ["every emitted row passed its contract (types, keys, formats)"] if reconciled and gx_success else []
    if unresolved == 0 and papers:
        may.append("every paper's `authors`")
    may_not = []
    if not reconciled:
        may_not.append("the row counts (they do not reconcile: do not publish this run)")
    if gx_success is False:
        may_not.append("this run at all until the failed expectations are fixed")
    if unresolved:
        may_not.append(f"the authors of {unresolved} of {papers} papers (use `authors` only where author_status is "
                       "verified or corrected; elsewhere `authors_raw` is the table's unchecked list)")
    if held:
        may_not.append(f"completeness: {held} rows are held back in quarantine/")
    sentence = ("You may rely on " + (" and ".join(may) if may else "nothing yet") + "; "
                + ("you may not rely on " + "; nor on ".join(may_not) if may_not else "nothing is held back or in doubt") + ".")
    return {"badge": badge, "badge_level": level, "unresolved_authors": unresolved, "reliance": sentence}


def history_entry(report: dict[str, Any]) -> dict[str, Any]:
    """The compact summary of one report that the run history keeps (append it after each run)."""
    head = report["headline"]
    return {
        "run_id": report["run"]["run_id"],
        "finished_at": report["run"]["finished_at"],
        "rows_emitted": head["rows_emitted"],
        "rows_quarantined": head["rows_quarantined"],
        "papers_by_status": dict(head["papers_by_status"]),
        "repairs_total": head["repairs_total"],
        "repairs_by_method": dict(head["repairs_by_method"]),
        "errors": head["errors"],
        "warnings": head["warnings"],
        "gx_success": head["gx_success"],
    }


def _counts(frame: pl.DataFrame, column: str, expected: tuple[str, ...]) -> dict[str, int]:
    """Value counts of `column` with every expected value present (0 when absent), then the rest."""
    counts = dict.fromkeys(expected, 0)
    for value, count in frame.lazy().group_by(column).agg(pl.len()).sort(column).collect().iter_rows():
        counts[str(value)] = int(count)
    return counts
