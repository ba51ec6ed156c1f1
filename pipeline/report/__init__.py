"""The quality report of a run: `index.html` (self-contained), `report.json` and `report.md`.

`build_report` is the one entry point that writes files; the rest are pure: `summarise` (frames ->
report dict), `render_html`, `markdown_summary`, `render_summary` (dict -> views) and
`history_entry` (dict -> the compact line the run history keeps). See `RUN_KEYS` for the `run`
dict the caller fills in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from pipeline.report.html import render_html
from pipeline.report.summary import RUN_KEYS, history_entry, summarise
from pipeline.report.text import markdown_summary, render_summary

__all__ = [
    "RUN_KEYS",
    "build_report",
    "history_entry",
    "markdown_summary",
    "render_html",
    "render_summary",
    "summarise",
]


def build_report(
    run: dict[str, Any],
    datasets: dict[str, pl.DataFrame],
    quarantine: dict[str, pl.DataFrame],
    findings: pl.DataFrame,
    gx: Any | None,
    history: list[dict[str, Any]],
    out_dir: Path,
) -> dict[str, Any]:
    """Write the report of one run into `out_dir` and return it as the dict stored in report.json.

    `datasets`: the emitted frames by name (papers and text_repairs feed their sections);
    `quarantine`: quarantined frames (with `failed_checks`); `findings`: all findings;
    `gx`: a `GxSummary` (or its `to_dict()`), None when GX did not run; `history`: previous runs'
    `history_entry` dicts, oldest first (this run is appended in the report).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = summarise(run, datasets, quarantine, findings, gx, history, out_dir)
    (out_dir / "report.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    (out_dir / "report.md").write_text(markdown_summary(report), encoding="utf-8")
    (out_dir / "index.html").write_text(render_html(report), encoding="utf-8")
    return json.loads(json.dumps(report, default=str))
