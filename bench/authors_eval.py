"""Evaluate author reconciliation on synthetic drops with known truth; write bench/AUTHORS_RESULTS.md.

Per scenario (with and without notes anchors): precision/recall of detection (a row is flagged when
its status is mismatch, corrected or suspect; it is truly bad when its shown list is not its true
list, or, in the "glued" scenario, when a name was damaged), precision of the strong verdicts
(mismatch/corrected), accuracy of corrections (corrected authors == true authors), and whether any
row was wrongly verified. Then 17,000 / 100,000 / 170,000-row tables for time and peak memory, each
in a fresh process.

Whole drops of documents (`--drops`): two editions in one drop, new categories, name variants, a block
rotation with and without a program page, run through parse, linking, hold-back, detection and
validation; per scenario: papers emitted vs quarantined per document, detection precision/recall,
correction precision and false alarms on correct rows. It rewrites only its section of the results.

Run: .venv/bin/python -m bench.authors_eval   (one size: .venv/bin/python -m bench.authors_eval --measure 17000;
the document drops only: .venv/bin/python -m bench.authors_eval --drops)
"""

from __future__ import annotations

import gc
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from typing import Any

import polars as pl

from bench.synthetic_drops import DROP_SCENARIOS, SCENARIOS, DocumentDrop, Drop, make_document_drop, make_drop
from pipeline.reconcile import reconcile_authors
from pipeline.reconcile.names import list_similarity, squash

FLAGGED = {"mismatch", "corrected", "suspect"}


def _key(authors) -> tuple[str, ...]:
    return tuple(sorted(squash(a["name"]) for a in authors or []))


def _same_people(found, true) -> bool:
    """Every true author matched one-to-one (spelling may differ: sources drop middle initials)."""
    return list_similarity([a["name"] for a in found], [a["name"] for a in true]) == 1.0


def score(drop: Drop) -> dict[str, float | int | str]:
    result = reconcile_authors(drop.papers, drop.paper_notes, drop.program).papers
    statuses = result["author_status"].to_list()
    shown = result["authors_raw"].to_list()
    fixed = result["authors"].to_list()
    bad = [(_key(s) != _key(t)) or (i in drop.damaged_rows) for i, (s, t) in enumerate(zip(shown, drop.truth))]
    flagged = [s in FLAGGED for s in statuses]
    strong = [s in {"mismatch", "corrected"} for s in statuses]
    tp = sum(f and b for f, b in zip(flagged, bad))
    corrected = [i for i, s in enumerate(statuses) if s == "corrected"]
    right = sum(_same_people(fixed[i], drop.truth[i]) for i in corrected)
    wrong_verified = sum(s == "verified" and b for s, b in zip(statuses, bad))
    return {
        "rows": len(statuses), "bad rows": sum(bad), "flagged": sum(flagged),
        "precision": tp / sum(flagged) if any(flagged) else 1.0,
        "recall": tp / sum(bad) if any(bad) else 1.0,
        "strong precision": sum(st and b for st, b in zip(strong, bad)) / sum(strong) if any(strong) else 1.0,
        "corrected": len(corrected), "correction accuracy": right / len(corrected) if corrected else 1.0,
        "wrongly verified": wrong_verified,
        "statuses": ", ".join(f"{s}={statuses.count(s)}" for s in sorted(set(statuses))),
    }


def scenario_table(n: int = 300, seeds: tuple[int, ...] = (1, 2, 3)) -> str:
    """Markdown table: one line per scenario x anchors, metrics averaged over `seeds`."""
    columns = ["bad rows", "flagged", "precision", "recall", "strong precision", "corrected",
               "correction accuracy", "wrongly verified"]
    lines = ["| scenario | anchors | " + " | ".join(columns) + " | statuses (first seed) |",
             "|---|---|" + "---|" * len(columns) + "---|"]
    for scenario in SCENARIOS:
        for share in (0.2, 0.0):
            runs = [score(make_drop(scenario, n=n, anchor_share=share, seed=s)) for s in seeds]
            cells = []
            for column in columns:
                mean = sum(float(r[column]) for r in runs) / len(runs)
                cells.append(f"{mean:.2f}" if isinstance(runs[0][column], float) else f"{mean:.1f}")
            lines.append(f"| {scenario} | {int(share * 100)}% | " + " | ".join(cells) + f" | {runs[0]['statuses']} |")
    return "\n".join(lines)


def _memory_mib(field: str) -> float:
    """VmRSS / VmHWM of this process from /proc (Linux), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(n: int) -> dict[str, float | int | str]:
    """Wall and CPU seconds and peak memory added by reconcile_authors on an n-row repeated-block drop
    with 2% anchors; run it in a fresh process (`--measure n`), the peak is per process."""
    drop = make_drop("repeated_block", n=n, anchor_share=0.02, seed=11)
    frames = (drop.papers, drop.paper_notes, drop.program)
    del drop
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak, so generating the drop does not count
    except OSError:
        pass
    rss_before, cpu_before = _memory_mib("VmRSS"), time.process_time()
    started = time.perf_counter()
    result = reconcile_authors(*frames)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_before
    counts = dict(result.papers["author_status"].value_counts().sort("author_status").rows())
    return {"rows": n, "seconds": elapsed, "cpu_seconds": cpu, "rss_before": rss_before,
            "peak_added": _memory_mib("VmHWM") - rss_before, "statuses": str(counts)}


def scale_benchmark(sizes: tuple[int, ...] = (17_000, 100_000, 170_000), repeats: int = 3) -> str:
    """Markdown table of `measure` at each size, medians over `repeats` fresh processes."""
    lines = ["| rows | seconds (median) | CPU seconds (median) | peak memory added (MiB, median) | statuses |",
             "|---|---|---|---|---|"]
    medians = {}
    for n in sizes:
        runs = [json.loads(subprocess.run([sys.executable, "-m", "bench.authors_eval", "--measure", str(n)],
                                          check=True, capture_output=True, text=True).stdout) for _ in range(repeats)]
        median = {k: statistics.median(r[k] for r in runs) for k in ("seconds", "cpu_seconds", "peak_added")}
        medians[n] = median
        lines.append(f"| {n:,} | {median['seconds']:.1f} | {median['cpu_seconds']:.1f} | {median['peak_added']:.0f} "
                     f"| {runs[0]['statuses']} |")
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        lines.append(f"\n{large:,} vs {small:,} rows ({large / small:.0f}x): wall time "
                     f"{medians[large]['seconds'] / medians[small]['seconds']:.1f}x, CPU time "
                     f"{medians[large]['cpu_seconds'] / medians[small]['cpu_seconds']:.1f}x.")
    return "\n".join(lines)


def run_document_drop(drop: DocumentDrop, work: Path) -> tuple[dict, dict]:
    """The drop through parse -> combine (edition linking) -> hold-back -> detect -> validate, as the flow does."""
    from pipeline import assemble, parts
    from pipeline.parts import document_folder

    parsed = []
    for name, text in drop.documents.items():
        folder = document_folder(work, name, name)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / parts.REPAIRED_TEXT).write_text(text, encoding="utf-8")
        parsed.append(assemble.parse_document(assemble.RepairedDocument(name, name, len(text), folder, 0)))
    combined, held = assemble.hold_back_rejected_rows(assemble.combine_documents(parsed))
    results = assemble.validate_datasets(assemble.detect_authors(combined), held)
    return {name: r.valid for name, r in results.items()}, {name: r.quarantined for name, r in results.items()}


def score_document_drop(drop: DocumentDrop, work: Path) -> dict[str, Any]:
    valid, quarantined = run_document_drop(drop, work)
    papers = valid["papers"]
    per_document = {}
    for name in drop.documents:
        if name.endswith(".md"):
            per_document[name] = (papers.filter(pl.col("source_file") == name).height,
                                  quarantined["papers"].filter(pl.col("source_file") == name).height)
    keys = list(zip(papers["edition"].to_list(), papers["paper_id"].to_list()))
    statuses = papers["author_status"].to_list()
    bad = [key in drop.bad for key in keys]
    flagged = [s in FLAGGED for s in statuses]
    tp = sum(f and b for f, b in zip(flagged, bad))
    corrected = [i for i, s in enumerate(statuses) if s == "corrected"]
    fixed = papers["authors"].to_list()
    right = sum(_same_people(fixed[i], drop.truth[keys[i]]) for i in corrected)
    return {"documents": per_document, "bad": sum(bad), "flagged": sum(flagged),
            "precision": tp / sum(flagged) if any(flagged) else 1.0, "recall": tp / sum(bad) if any(bad) else 1.0,
            "corrected": len(corrected), "correction precision": right / len(corrected) if corrected else 1.0,
            "false alarms": sum(f and not b for f, b in zip(flagged, bad)),
            "verified": statuses.count("verified"), "null tracks": papers["track"].null_count()}


def document_drop_table(n: int = 120, seeds: tuple[int, ...] = (1, 2, 3)) -> str:
    """Markdown table: one line per document-drop scenario, metrics averaged over `seeds` (documents of the first)."""
    import tempfile

    columns = ["bad", "flagged", "precision", "recall", "corrected", "correction precision", "false alarms",
               "verified", "null tracks"]
    lines = ["| scenario | papers emitted / quarantined per document (first seed) | " + " | ".join(columns) + " |",
             "|---|---|" + "---|" * len(columns)]
    for scenario in DROP_SCENARIOS:
        runs = []
        for seed in seeds:
            with tempfile.TemporaryDirectory() as work:
                runs.append(score_document_drop(make_document_drop(scenario, n=n, seed=seed), Path(work)))
        docs = ", ".join(f"{name.split('_')[0]}: {e}/{q}" for name, (e, q) in runs[0]["documents"].items())
        cells = [f"{sum(float(r[c]) for r in runs) / len(runs):.2f}" if isinstance(runs[0][c], float)
                 else f"{sum(r[c] for r in runs) / len(runs):.1f}" for c in columns]
        lines.append(f"| {scenario} | {docs} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


DROPS_HEADING = "## Drops as they come (documents through parse, linking, detection, validation)"


def write_drops_section(table: str) -> str:
    """Replace (or add) the document-drop section of AUTHORS_RESULTS.md, leaving the rest as measured."""
    path = Path(__file__).with_name("AUTHORS_RESULTS.md")
    text = path.read_text(encoding="utf-8") if path.is_file() else "# Author reconciliation: synthetic evaluation\n"
    head = text.split(DROPS_HEADING)[0].rstrip() + "\n\n"
    section = (DROPS_HEADING + "\n\nGenerated by `bench/authors_eval.py --drops` (120-row tables, 3 seeds; 20% of titles "
               "with a notes `*by*` line, 30% in name_variants; +program adds a program page for another 20%; "
               "two_editions holds two write-ups numbered from 1, the second with a block rotation). A row is bad "
               "when its shown list is not its own; flagged = mismatch, corrected or suspect; false alarms = "
               "flagged correct rows; null tracks = rows kept with a category the config does not know.\n\n"
               + table + "\n")
    path.write_text(head + section, encoding="utf-8")
    return section


def main() -> None:
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(measure(int(sys.argv[2]))))
        return
    if sys.argv[1:2] == ["--drops"]:
        print(write_drops_section(document_drop_table()))
        return
    table = scenario_table()
    bench = scale_benchmark()
    text = ("# Author reconciliation: synthetic evaluation\n\n"
            "Generated by `bench/authors_eval.py` (300-row drops, 3 seeds each; anchors = share of titles "
            "with a notes `*by*` line).\n\n" + table + "\n\n## Scale (repeated block, 2% anchors)\n\n"
            "Each size in 3 fresh processes; memory is the process peak during `reconcile_authors` above "
            "its resident size before (the generated drop), read from /proc.\n\n" + bench + "\n")
    Path(__file__).with_name("AUTHORS_RESULTS.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
