"""Render the report dict as one self-contained HTML page: inline CSS, SVG and a little JS.

Offline by construction: no CDN, no web font, no external image; the only links go to the
Great Expectations Data Docs beside the page (relative `gx/...`). The page opens with the figures a
reader wants first (rows out and held back, author verdicts, repairs, validation and GX verdicts),
then the details, section by section.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from pipeline.report import svg

STATUS_COLOURS = {
    "verified": "#2e8b57", "corrected": "#3b6ea8", "suspect": "#d4a017",
    "mismatch": "#c0392b", "unverified": "#8a949e",
}
METHOD_COLOURS = {"ftfy": "#3b6ea8", "redecode": "#5a9e6f", "lost_byte": "#d4a017"}
TREND_COLOURS = {
    **STATUS_COLOURS, "repairs": "#6c4ea8", "errors": "#7b241c", "warnings": "#e67e22",
}

CSS = """
:root{--ink:#1f2a35;--muted:#5d6b78;--line:#dde3e9;--bg:#f5f7fa;--ok:#2e8b57;--bad:#c0392b;
--warn:#d4a017}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.45 system-ui,-apple-system,
"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif}
header{background:#1f2a35;color:#fff;padding:18px 32px}
header h1{margin:0;font-size:22px;font-weight:600}
header .meta{color:#c5ced8;font-size:13px;margin-top:4px}
nav{display:flex;gap:18px;padding:10px 32px;background:#fff;border-bottom:1px solid var(--line);
position:sticky;top:0;z-index:2}
nav a{color:var(--muted);text-decoration:none;font-size:14px}nav a:hover{color:var(--ink)}
main{padding:20px 32px 48px;max-width:1320px;margin:0 auto}
.card svg.fit{width:100%;height:18px;margin:6px 0 4px;border-radius:3px}
.tone-bad{color:var(--bad)}.tone-ok{color:var(--ok)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:14px}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 16px}
.card h2{margin:0 0 6px;font-size:13px;text-transform:uppercase;letter-spacing:.04em;
color:var(--muted);font-weight:600}
.big{font-size:32px;font-weight:700;line-height:1.1}
.sub{color:var(--muted);font-size:13px}
.pill{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;
color:#fff}
.ok{background:var(--ok)}.bad{background:var(--bad)}.warn{background:var(--warn)}
.na{background:#8a949e}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 20px;
margin-top:18px}
section h2{margin:0 0 12px;font-size:18px}
h3{font-size:15px;margin:18px 0 8px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#f0f3f6;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:12px}
.legend span{display:inline-flex;align-items:center;margin-right:12px;font-size:13px}
.legend i{width:10px;height:10px;display:inline-block;margin-right:5px;border-radius:2px}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:20px}
@media(max-width:900px){.grid2{grid-template-columns:1fr}}
.scroll{max-height:520px;overflow:auto;border:1px solid var(--line);border-radius:6px}
.scroll th{position:sticky;top:0}
.filters{display:flex;gap:10px;margin-bottom:8px;align-items:center}
.filters input{flex:1;max-width:420px;padding:6px 10px;border:1px solid var(--line);
border-radius:6px;font:inherit}
.filters select{padding:6px;border:1px solid var(--line);border-radius:6px;font:inherit}
.evidence{margin:0;padding-left:16px;color:var(--muted)}
.diff del{background:#fbe3e1;text-decoration:none;padding:0 2px}
.diff ins{background:#e0f3e7;text-decoration:none;padding:0 2px}
.empty{color:var(--muted);font-style:italic}
"""

FILTER_JS = """
(function(){
  var box=document.getElementById('paper-filter'),status=document.getElementById('status-filter'),
      rows=document.querySelectorAll('#papers-table tbody tr'),shown=document.getElementById('paper-count');
  function apply(){
    var text=box.value.trim().toLowerCase(),wanted=status.value,count=0;
    rows.forEach(function(row){
      var hit=(!text||row.textContent.toLowerCase().indexOf(text)>=0)&&
              (!wanted||row.getAttribute('data-status')===wanted);
      row.style.display=hit?'':'none';if(hit){count++;}
    });
    shown.textContent=count+' of '+rows.length+' papers';
  }
  box.addEventListener('input',apply);status.addEventListener('change',apply);apply();
})();
"""


def render_html(report: dict[str, Any]) -> str:
    """The full page for `report` (the dict of `summarise`)."""
    run = report["run"]
    body = "".join(
        [
            _header(run, report),
            _nav(),
            "<main>",
            _cards(report),
            _run_section(report),
            _repairs_section(report["repairs"]),
            _authors_section(report["authors"]),
            _validation_section(report["validation"], report["gx"]),
            _history_section(report["history"]),
            "</main>",
        ]
    )
    title = f"Data quality report — {run.get('run_id') or 'run'}"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>{body}"
        f"<script>{FILTER_JS}</script></body></html>\n"
    )


def _header(run: dict[str, Any], report: dict[str, Any]) -> str:
    verdict = _verdict(report["headline"])
    return (
        f'<header><h1>Data quality report {verdict}</h1><div class="meta">'
        f"run <b>{_e(run.get('run_id'))}</b> · started {_e(run.get('started_at'))} · "
        f"finished {_e(run.get('finished_at'))} · {run.get('total_seconds', 0):g} s · "
        f"schema {_e(report.get('schema_version'))}</div></header>"
    )


def _verdict(head: dict[str, Any]) -> str:
    """The badge `summary.trust` chose, and its one sentence on what may be relied on."""
    return (f'<span class="pill {_e(head["badge_level"])}">{_e(head["badge"])}</span>'
            f'<div class="sub reliance">{_e(head["reliance"])}</div>')


def _nav() -> str:
    links = [("headline", "Headline"), ("run", "Run"), ("repairs", "Text repair"),
             ("authors", "Authors"), ("validation", "Validation"), ("history", "History")]
    return "<nav>" + "".join(f'<a href="#{a}">{t}</a>' for a, t in links) + "</nav>"


def _cards(report: dict[str, Any]) -> str:
    head = report["headline"]
    return (
        '<div class="cards" id="headline">'
        + _rows_card(head)
        + _authors_card(head)
        + _repairs_card(head)
        + _validation_card(head)
        + _gx_card(report["gx"])
        + "</div>"
    )


def _card(card_id: str, title: str, big: str, rest: str, big_class: str = "big") -> str:
    """One headline card: a title, one big figure, and what qualifies it."""
    return (f'<div class="card" id="card-{card_id}"><h2>{title}</h2>'
            f'<div class="{big_class}">{big}</div>{rest}</div>')


def _rows_card(head: dict[str, Any]) -> str:
    pill = ('<span class="pill ok" title="rows read = emitted + quarantined">reconciled</span>'
            if head["reconciled"] else '<span class="pill bad">rows unaccounted for</span>')
    return _card("rows", "Rows", head["rows_emitted"],
                 f'<div class="sub">emitted · <b>{head["rows_quarantined"]}</b> quarantined</div><div>{pill}</div>')


def _authors_card(head: dict[str, Any]) -> str:
    by_status = head["papers_by_status"]
    bar = svg.stacked_bar([(s, n, STATUS_COLOURS.get(s, "#888")) for s, n in by_status.items()],
                          width=240, css_class="fit")
    return _card("authors", "Authors", head["papers"],
                 f'<div class="sub">papers checked</div>{bar}{_legend(by_status, STATUS_COLOURS)}')


def _repairs_card(head: dict[str, Any]) -> str:
    methods = " · ".join(f"{_e(m)} <b>{n}</b>" for m, n in head["repairs_by_method"].items())
    return _card("repairs", "Text repairs", head["repairs_total"], f'<div class="sub">{methods}</div>')


def _validation_card(head: dict[str, Any]) -> str:
    tone = "tone-ok" if not head["errors"] else "tone-bad"
    return _card("validation", "Validation", head["errors"],
                 f'<div class="sub">errors (rows held back) · <b>{head["warnings"]}</b> warnings</div>',
                 big_class=f"big {tone}")


def _gx_card(gx: dict[str, Any] | None) -> str:
    if gx is None:
        return ('<div class="card" id="card-gx"><h2>Great Expectations</h2>'
                '<div class="big" style="color:#8a949e">not run</div></div>')
    evaluated = sum(d["evaluated"] for d in gx["datasets"].values())
    failed = sum(d["failed"] for d in gx["datasets"].values())
    return _card("gx", "Great Expectations", "PASS" if gx["success"] else "FAIL",
                 f'<div class="sub">{evaluated - failed}/{evaluated} expectations met · '
                 f'<a href="{_e(gx["data_docs_index"])}">Data Docs</a>'
                 + (f' · reused from run {_e(gx["reused_from"])}' if gx.get("reused_from") else "") + '</div>',
                 big_class="big tone-ok" if gx["success"] else "big tone-bad")


def _run_section(report: dict[str, Any]) -> str:
    run = report["run"]
    inputs = _table(
        ["file", "kind", "bytes", "sha256"],
        [[_e(i["path"]), _e(i["kind"]), _num(i["bytes"]), f'<code>{_e(i["sha256"])}</code>']
         for i in run["inputs"]],
    )
    counts = _table(
        ["dataset", "read", "emitted", "quarantined", "balanced"],
        [[_e(name), _num(r["read"]), _num(r["emitted"]), _num(r["quarantined"]),
          _ok(r["read"] == r["emitted"] + r["quarantined"])] for name, r in report["rows"].items()],
    )
    timings = svg.bar_list(list(run["timings"].items()), unit=" s") if run["timings"] else _none()
    return (
        f'<section id="run"><h2>Run</h2><h3>Inputs</h3>{inputs}<div class="grid2"><div>'
        f"<h3>Rows per dataset</h3>{counts}</div><div><h3>Stage timings</h3>{timings}</div></div>"
        "</section>"
    )


def _repairs_section(repairs: dict[str, Any]) -> str:
    bins = [(f'{b["low"]:.1f}', b["counts"]) for b in repairs["confidence_histogram"]]
    by_method = _table(["method", "changes"], [[_e(m), _num(n)] for m, n in
                                                repairs["by_method"].items()])
    by_file = _table(["file", "changes"], [[_e(f), _num(n)] for f, n in repairs["by_file"].items()])
    return (
        f'<section id="repairs"><h2>Text repair</h2><div class="grid2"><div><h3>Changes by method'
        f"</h3>{by_method}<h3>Changes by file</h3>{by_file}</div><div><h3>Confidence</h3>"
        f"{svg.histogram(bins, METHOD_COLOURS)}{_legend(repairs['by_method'], METHOD_COLOURS)}"
        f"</div></div><h3>Least confident recoveries</h3>{_repair_table(repairs['least_confident'])}"
        f"<h3>Before / after examples</h3>{_repair_table(repairs['examples'])}</section>"
    )


def _repair_table(rows: list[dict[str, Any]]) -> str:
    return _table(
        ["where", "method", "confidence", "before → after", "alternatives"],
        [[f'<span class="mono">{_e(r["source_file"])}:{r["line"]}:{r["column"]}</span>',
          _e(r["method"]), _num(r["confidence"]),
          f'<span class="diff"><del>{_e(r["before"])}</del> → <ins>{_e(r["after"])}</ins></span>',
          _e(", ".join(r["alternatives"] or []))] for r in rows],
    )


def _authors_section(authors: dict[str, Any]) -> str:
    options = "".join(f'<option value="{_e(s)}">{_e(s)} ({n})</option>'
                      for s, n in authors["by_status"].items())
    rows = "".join(_paper_tr(paper) for paper in authors["papers"])
    hidden = authors["total"] - len(authors["papers"])
    more = (f'<p class="sub">Listed: the {len(authors["papers"])} papers to look at first (not verified or '
            f'quarantined, then by number); {hidden} more are in papers.parquet.</p>' if hidden > 0 else "")
    bar = svg.stacked_bar([(s, n, STATUS_COLOURS.get(s, "#888")) for s, n in
                           authors["by_status"].items()], width=640, height=22)
    return (
        f'<section id="authors"><h2>Authors</h2>{bar}{_legend(authors["by_status"], STATUS_COLOURS)}'
        '<div class="filters" style="margin-top:12px"><input id="paper-filter" type="search" '
        'placeholder="Filter papers: title, author, evidence…" aria-label="filter papers">'
        f'<select id="status-filter" aria-label="status"><option value="">all statuses</option>'
        f'{options}</select><span id="paper-count" class="sub"></span></div>'
        '<div class="scroll"><table id="papers-table"><thead><tr><th class="num">#</th><th>title</th>'
        "<th>status</th><th>authors (table)</th><th>authors (best known)</th><th>evidence</th>"
        f"</tr></thead><tbody>{rows}</tbody></table></div>{more}</section>"
    )


def _paper_tr(paper: dict[str, Any]) -> str:
    status = paper["status"] or ""
    colour = STATUS_COLOURS.get(status, "#888")
    evidence = "".join(
        f"<li><b>{_e(e.get('signal'))}</b>: {_e(e.get('detail'))} <span class=\"mono\">"
        f"{_e(e.get('source'))}</span></li>" for e in paper["evidence"]
    )
    held = ' <span class="pill bad">quarantined</span>' if paper["quarantined"] else ""
    best = _none() if paper["authors"] is None else _e(", ".join(paper["authors"]))
    return (
        f'<tr data-status="{_e(status)}"><td class="num">{_e(paper["paper_id"])}</td>'
        f'<td>{_e(paper["title"])}{held}</td><td><span class="pill" style="background:{colour}">'
        f'{_e(status)}</span></td><td>{_e(", ".join(paper["authors_raw"]))}</td><td>{best}</td>'
        f'<td><ul class="evidence">{evidence}</ul></td></tr>'
    )


def _validation_section(validation: dict[str, Any], gx: dict[str, Any] | None) -> str:
    by_check = _table(
        ["dataset", "check", "severity", "rows"],
        [[_e(c["dataset"]), f'<code>{_e(c["check"])}</code>', _severity(c["severity"]),
          _num(c["count"])] for c in validation["by_check"]],
    )
    held = _table(
        ["dataset", "rows held", "examples (key: failed checks)"],
        [[_e(name), _num(q["count"]), "<br>".join(
            f'<span class="mono">{_e(r["row_key"])}</span>: {_e(", ".join(r["failed_checks"]))}'
            for r in q["rows"][:8])] for name, q in validation["quarantined"].items() if q["count"]],
    )
    findings = _table(
        ["severity", "dataset", "row", "check", "message", "evidence"],
        [[_severity(f["severity"]), _e(f["dataset"]), f'<span class="mono">{_e(f["row_key"])}</span>',
          f'<code>{_e(f["check"])}</code>', _e(f["message"]), _e(f["evidence"])]
         for f in validation["findings"]],
    )
    return (
        f'<section id="validation"><h2>Validation</h2><div class="grid2"><div><h3>Pandera failures '
        f"by check</h3>{by_check}</div><div><h3>Quarantined rows</h3>{held}{_gx_block(gx)}</div>"
        f'</div><h3>Findings</h3><div class="scroll">{findings}</div></section>'
    )


def _gx_block(gx: dict[str, Any] | None) -> str:
    if gx is None:
        return f"<h3>Great Expectations</h3>{_none('not run')}"
    rows = [
        [_e(name), _ok(d["success"]), _num(d["evaluated"]), _num(d["failed"]),
         _e(", ".join(f'{f["expectation"]}({f["column"]})' for f in d["failed_expectations"]))]
        for name, d in gx["datasets"].items()
    ]
    link = f'<a href="{_e(gx["data_docs_index"])}">open the Great Expectations Data Docs</a>'
    if gx.get("reused_from"):
        link += (f" · the verdict of run {_e(gx['reused_from'])}, which emitted the same data with the same "
                 "code (GX did not run again)")
    return (
        f"<h3>Great Expectations</h3><p>{link}</p>"
        + _table(["dataset", "pass", "evaluated", "failed", "failed expectations"], rows)
    )


def _history_section(history: list[dict[str, Any]]) -> str:
    labels = [_run_label(entry, index) for index, entry in enumerate(history)]
    series = {status: [e["papers_by_status"].get(status, 0) for e in history]
              for status in STATUS_COLOURS}
    series |= {"repairs": [e["repairs_total"] for e in history],
               "errors": [e["errors"] for e in history],
               "warnings": [e["warnings"] for e in history]}
    table = _table(
        ["run", "finished", "emitted", "quarantined", "repairs", "errors", "warnings", "GX"],
        [[_e(e["run_id"]), _e(e["finished_at"]), _num(e["rows_emitted"]),
          _num(e["rows_quarantined"]), _num(e["repairs_total"]), _num(e["errors"]),
          _num(e["warnings"]), _ok(e["gx_success"])] for e in reversed(history)],
    )
    return (
        f'<section id="history"><h2>History</h2><p class="sub">{len(history)} run(s), this one '
        f"last.</p>{svg.line_chart(labels, series, TREND_COLOURS, width=860)}{table}</section>"
    )


def _run_label(entry: dict[str, Any], index: int) -> str:
    """A short x label: the finish time without year and seconds, else the run's position."""
    finished = str(entry.get("finished_at") or "")
    return finished[5:16].replace("T", " ") if len(finished) >= 16 else f"run {index + 1}"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return _none()
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _legend(counts: dict[str, int], colours: dict[str, str]) -> str:
    items = "".join(
        f'<span><i style="background:{colours.get(k, "#888")}"></i>{_e(k)} <b>&nbsp;{n}</b></span>'
        for k, n in counts.items()
    )
    return f'<div class="legend">{items}</div>'


def _severity(severity: str) -> str:
    css = {"error": "bad", "warning": "warn"}.get(severity, "na")
    return f'<span class="pill {css}">{_e(severity)}</span>'


def _ok(value: bool | None) -> str:
    if value is None:
        return '<span class="pill na">n/a</span>'
    return '<span class="pill ok">yes</span>' if value else '<span class="pill bad">no</span>'


def _num(value: Any) -> str:
    return "" if value is None else f'<span style="float:right">{_e(value)}</span>'


def _none(text: str = "none") -> str:
    return f'<p class="empty">{escape(text)}</p>'


def _e(value: Any) -> str:
    if value is None:
        return ""
    return escape(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                  if isinstance(value, (dict, list)) else str(value))
