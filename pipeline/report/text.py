"""The report in short, for a terminal (`render_summary`, rich) and for Markdown (`markdown_summary`).

Both read only the report dict, so `pipeline report` can print a stored report.json.
"""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text


def markdown_summary(report: dict[str, Any]) -> str:
    """A Markdown digest: headline, rows per dataset, author statuses, top failing checks, GX."""
    head, run = report["headline"], report["run"]
    lines = [
        f"# Data quality report — run `{run['run_id']}`",
        "",
        f"- **{head['badge']}**: {head['reliance']}",
        f"- finished: {run['finished_at']} ({run['total_seconds']:g} s)",
        f"- rows: **{head['rows_emitted']} emitted**, **{head['rows_quarantined']} quarantined**"
        f" — {'reconciled' if head['reconciled'] else '**NOT reconciled**'}",
        f"- text repairs: **{head['repairs_total']}** ("
        + ", ".join(f"{m} {n}" for m, n in head["repairs_by_method"].items()) + ")",
        f"- validation: **{head['errors']} errors**, {head['warnings']} warnings",
        f"- Great Expectations: {_gx_word(head['gx_success'])}"
        + (f" (verdict of run {report['gx']['reused_from']}: same data and code)" if (report.get("gx") or {}).get("reused_from") else ""),
        "",
        "| dataset | read | emitted | quarantined |",
        "|---|---:|---:|---:|",
        *[f"| {name} | {r['read']} | {r['emitted']} | {r['quarantined']} |"
          for name, r in report["rows"].items()],
        "",
        "| author status | papers |",
        "|---|---:|",
        *[f"| {status} | {n} |" for status, n in head["papers_by_status"].items()],
    ]
    checks = report["validation"]["by_check"][:10]
    if checks:
        lines += ["", "| dataset | check | severity | rows |", "|---|---|---|---:|"]
        lines += [f"| {c['dataset']} | `{c['check']}` | {c['severity']} | {c['count']} |"
                  for c in checks]
    return "\n".join(lines) + "\n"


def render_summary(report: dict[str, Any]) -> Group:
    """A rich renderable of the headline and the per-dataset / per-status tables."""
    head, run = report["headline"], report["run"]
    title = Text.assemble(("Run ", "bold"), (str(run["run_id"]), "bold cyan"),
                          f"  finished {run['finished_at']}")
    colour = {"ok": "bold green", "warn": "bold yellow", "bad": "bold red"}.get(head.get("badge_level"), "bold")
    facts = Text.assemble(
        (head.get("badge", ""), colour), "  ", head.get("reliance", ""), "\n",
        ("rows ", "dim"), (f"{head['rows_emitted']} emitted", "bold green"), " · ",
        (f"{head['rows_quarantined']} quarantined", "bold yellow" if head["rows_quarantined"]
         else "green"), " · ",
        ("reconciled" if head["reconciled"] else "NOT reconciled",
         "green" if head["reconciled"] else "bold red"), "\n",
        ("repairs ", "dim"), str(head["repairs_total"]), " · ",
        ("validation ", "dim"), (f"{head['errors']} errors", "bold red" if head["errors"] else "green"),
        f", {head['warnings']} warnings · ", ("GX ", "dim"),
        (_gx_word(head["gx_success"]), "green" if head["gx_success"] else "red"),
    )
    rows = Table("dataset", "read", "emitted", "quarantined", title="Rows")
    for name, r in report["rows"].items():
        rows.add_row(name, str(r["read"]), str(r["emitted"]), str(r["quarantined"]))
    statuses = Table("status", "papers", title="Authors")
    for status, n in head["papers_by_status"].items():
        statuses.add_row(status, str(n))
    return Group(title, facts, rows, statuses)


def _gx_word(success: bool | None) -> str:
    return "not run" if success is None else "pass" if success else "FAIL"
