"""build_report writes a self-contained HTML page, a stable JSON and Markdown from one run."""

from __future__ import annotations

import json
import re

from rich.console import Console

from pipeline.report import build_report, history_entry, markdown_summary, render_summary


def _build(run_inputs) -> dict:
    return build_report(**run_inputs)


def test_report_json_is_what_build_report_returns(run_inputs):
    report = _build(run_inputs)
    stored = json.loads((run_inputs["out_dir"] / "report.json").read_text(encoding="utf-8"))
    assert stored == report


def test_same_inputs_give_byte_identical_files(run_inputs):
    _build(run_inputs)
    first = {p.name: p.read_bytes() for p in run_inputs["out_dir"].iterdir() if p.is_file()}
    _build(run_inputs)
    second = {p.name: p.read_bytes() for p in run_inputs["out_dir"].iterdir() if p.is_file()}
    assert first == second and set(first) == {"index.html", "report.json", "report.md"}


def test_headline_counts_rows_statuses_repairs_and_gx(run_inputs):
    head = _build(run_inputs)["headline"]
    assert (head["rows_emitted"], head["rows_quarantined"]) == (99, 1)
    assert head["reconciled"] is True
    assert head["papers"] == 40 and sum(head["papers_by_status"].values()) == 40
    assert head["repairs_by_method"] == {"ftfy": 45, "redecode": 0, "lost_byte": 15}
    assert (head["errors"], head["warnings"], head["gx_success"]) == (1, 1, False)


def test_unbalanced_row_counts_are_flagged(run_inputs):
    run_inputs["run"]["rows"]["papers"]["read"] = 41
    report = _build(run_inputs)
    assert report["reconciled"] is False
    assert "NOT reconciled" in (run_inputs["out_dir"] / "report.md").read_text(encoding="utf-8")


def test_least_confident_repairs_come_first(run_inputs):
    least = _build(run_inputs)["repairs"]["least_confident"]
    confidences = [row["confidence"] for row in least]
    assert confidences == sorted(confidences) and confidences[0] == 0.3


def test_confidence_histogram_counts_every_repair_once(run_inputs):
    bins = _build(run_inputs)["repairs"]["confidence_histogram"]
    assert len(bins) == 10 and sum(sum(b["counts"].values()) for b in bins) == 60


def test_quarantined_paper_appears_in_the_author_table_marked(run_inputs):
    papers = _build(run_inputs)["authors"]["papers"]
    assert [p["paper_id"] for p in papers if p["quarantined"]] == [7]


def test_gx_link_is_relative_to_the_report(run_inputs):
    assert _build(run_inputs)["gx"]["data_docs_index"] == "gx/index.html"


def test_history_gets_this_run_appended_last(run_inputs):
    report = _build(run_inputs)
    assert len(report["history"]) == 4
    assert report["history"][-1] == history_entry(report)
    assert report["history"][-1]["run_id"] == "20250924T113000-abc123"


def test_html_is_offline_no_external_resources(run_inputs):
    _build(run_inputs)
    page = (run_inputs["out_dir"] / "index.html").read_text(encoding="utf-8")
    external = re.findall(r'(?:src|href)="(https?:)?//[^"]*"', page)
    assert external == [] and "@import" not in page and "<link" not in page


def test_text_is_escaped_in_html(run_inputs):
    run_inputs["run"]["run_id"] = "<script>alert(1)</script>"
    _build(run_inputs)
    page = (run_inputs["out_dir"] / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page


def test_markdown_and_terminal_summaries_show_the_headline(run_inputs):
    report = _build(run_inputs)
    markdown = markdown_summary(report)
    assert "**99 emitted**" in markdown and "| mismatch |" in markdown
    console = Console(record=True, width=100)
    console.print(render_summary(report))
    text = console.export_text()
    assert "99 emitted" in text and "1 quarantined" in text and "GX FAIL" in text


def test_report_without_gx_or_history_still_renders(run_inputs):
    run_inputs.update(gx=None, history=[])
    report = _build(run_inputs)
    assert report["gx"] is None and len(report["history"]) == 1
    assert "not run" in (run_inputs["out_dir"] / "index.html").read_text(encoding="utf-8")
