"""Assemble: turn per-document tables into the run's datasets, holding back the rows the parser rejected.

Documents are repaired and parsed independently (so they can be mapped in parallel); this module is
the join point before detection. It stays a set of plain functions over frames: the flow, the CLI
and the benchmarks all call the same code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.config import PipelineConfig, default_config
from pipeline.encoding import RepairResult, repair_text, repairs_frame
from pipeline import parts
from pipeline.accounting import FAILED_CHECKS, with_held_back
from pipeline.ingest import RawDocument, RawFile, list_raw_files, read_document
from pipeline.errors import RawInputError
from pipeline.findings import Finding, finding, findings_frame
from pipeline.parse import DocumentKind, detect_kind
from pipeline.parse.registry import KINDS, PARSED_DATASETS, PARSED_TABLES, ROW_ID_COLUMNS
from pipeline.parse.linking import link_within_editions
from pipeline.parse import headerless_advice
from pipeline.parse.table import headerless_rows
from schemas.contracts import empty_frame

@dataclass(frozen=True)
class RepairedDocument:
    """A raw document after the repair stage. Its repaired text and its part of `text_repairs` are
    in `folder` (see `pipeline.parts`), not in memory: a run holds one document's text at a time."""

    name: str
    sha256: str
    size: int
    folder: Path
    repairs: int

    def read_text(self) -> str:
        return (self.folder / parts.REPAIRED_TEXT).read_text(encoding="utf-8")


@dataclass(frozen=True)
class ParsedDocument:
    """One document's tables, as parts in `folder`; `kind` is None for a document no parser recognised."""

    name: str
    sha256: str
    size: int
    kind: str | None
    folder: Path
    rows: dict[str, int] = field(default_factory=dict)

    def part(self, dataset: str) -> Path:
        return parts.part_path(self.folder, dataset)

    def table(self, dataset: str) -> pl.DataFrame:
        """The document's rows of `dataset` (an empty frame when it has none)."""
        return parts.read_part(self.part(dataset) if dataset in self.rows else None, dataset)

    @property
    def text_path(self) -> Path:
        return self.folder / parts.REPAIRED_TEXT


def read_drop(raw_dir: Path, config: PipelineConfig | None = None) -> tuple[list[RawFile], pl.DataFrame]:
    """Fingerprint every raw file; a file that cannot be read becomes an error finding and is skipped.

    Returns the files' fingerprints, not their text: repair reads each again, one at a time."""
    config = config or default_config()
    documents, problems = [], []
    for path in list_raw_files(raw_dir):
        try:
            documents.append(read_document(path, max_bytes=config.max_document_bytes).file())
        except RawInputError as error:
            problems.append(finding("inputs", path.name, "unreadable_document", "error", str(error)))
    return documents, pl.concat(problems) if problems else empty_frame("findings")


def repair_document(document: RawFile | RawDocument, work_dir: Path, config: PipelineConfig | None = None) -> RepairedDocument:
    """Repair one document (code pages from `config`) and spill its text and repair log to its folder under `work_dir`."""
    raw = document.read() if isinstance(document, RawFile) else document
    result: RepairResult = repair_text(raw.text, source_file=raw.name, config=(config or default_config()).repair_config())
    folder = parts.document_folder(work_dir, raw.name, raw.sha256)
    written = [folder / parts.REPAIRED_TEXT, parts.part_path(folder, "text_repairs")]
    parts.write_text(result.text, written[0])
    parts.write_part(repairs_frame(result.repairs), written[1])
    parts.write_marker(folder / parts.REPAIR_MARKER, {"repairs": len(result.repairs)}, written)
    return RepairedDocument(raw.name, raw.sha256, raw.size, folder, len(result.repairs))


def parse_document(document: RepairedDocument, config: PipelineConfig | None = None) -> ParsedDocument:
    """Recognise the document by content and parse it into parts beside its repair log.

    An unknown kind becomes a finding, not an error."""
    kind, tables = parse_text(document.read_text(), document.name, config)
    for name, frame in tables.items():
        parts.write_part(frame, parts.part_path(document.folder, name))
    rows = {name: frame.height for name, frame in tables.items()} | {"text_repairs": document.repairs}
    parts.write_marker(document.folder / parts.PARSE_MARKER, {"kind": kind.value if kind else None, "rows": rows},
                       [parts.part_path(document.folder, name) for name in tables])
    return ParsedDocument(document.name, document.sha256, document.size, kind.value if kind else None,
                          document.folder, rows)


def parse_text(text: str, name: str, config: PipelineConfig | None = None) -> tuple[DocumentKind | None, dict[str, pl.DataFrame]]:
    """The document's kind and tables, by content; an unknown kind gives one warning finding."""
    kind = detect_kind(text)
    if kind is not None:
        return kind, KINDS[kind].parse(text, name, config)
    orphans = headerless_rows(text.split("\n"))
    hint = (f"{name}:{orphans[0]}: {headerless_advice(orphans)}" if orphans else
            f"{name}: not recognised as a conference write-up (an accepted-papers table with #, "
            "Title and Authors columns, or '### Title' write-ups with a '*by ...*' line) or a program page "
            "('- CODETitle' lines followed by 'by Authors...')")
    return None, {"findings": finding("inputs", name, "unknown_document_kind", "warning", f"{hint}; skipped")}


def require_usable_document(parsed: list[ParsedDocument], input_findings: pl.DataFrame | None) -> None:
    """Raise RawInputError when no document of the drop could be read and recognised.

    Publishing an empty output would replace the previous good one with nothing, so a drop of only
    empty, binary or unrecognised files is bad input (exit 2), and the message lists every reason.
    """
    if any(doc.kind is not None for doc in parsed):
        return
    reasons = [message for frame in [input_findings, *(doc.table("findings") for doc in parsed)]
               if frame is not None for message in frame.filter(pl.col("dataset") == "inputs")["message"].to_list()]
    detail = "; ".join(reasons) if reasons else "the raw folder holds no documents"
    raise RawInputError("raw drop", None, f"no usable document, nothing to publish (the previous output is kept): {detail}")


def cross_document_duplicates(papers: pl.DataFrame) -> pl.DataFrame:
    """`duplicate_paper_id` findings for papers (edition, number) that two documents of one drop both use.

    A paper is its edition plus the table's number: two write-ups of different editions (this year's
    and last year's, both numbered from 1) never collide. Two documents of the *same* edition using
    one number are the same table dropped twice (an updated copy) or a clash: the first document by
    file name keeps the number; every row of a later document that reuses it is an error
    (quarantined by `hold_back_rejected_rows`), and the message names both files and the fields
    that differ. Repeats inside one document are the parser's job (`parse.table.duplicate_findings`).
    """
    # Only keys used by two files can collide: the Python loop below never sees the other rows.
    shared = pl.col("source_file").n_unique().over("edition", "paper_id") > 1
    ordered = papers.filter(pl.col("paper_id").is_not_null() & shared).sort("source_file", "source_line")
    compared = [c for c in ("title", "abstract", "link", "track_raw", "authors_raw") if c in ordered.columns]
    first: dict[tuple[str | None, int], dict] = {}
    found = []  # records, one frame at the end (a frame per row cost ~0.1 ms each)
    for row in ordered.iter_rows(named=True):
        kept = first.setdefault((row["edition"], row["paper_id"]), row)
        if kept["source_file"] == row["source_file"]:
            continue
        differs = [column for column in compared if row[column] != kept[column]]
        here, there = f"{row['source_file']}:{row['source_line']}", f"{kept['source_file']}:{kept['source_line']}"
        how = f"and differs in {', '.join(differs)}" if differs else "with the same content"
        found.append(Finding(
            "papers", f"{row['edition']}:{row['paper_id']}", "duplicate_paper_id", "error",
            f"{here}: paper {row['paper_id']} of edition {row['edition']!r} is also in {there} {how}; this row "
            f"is quarantined and {there} kept. Remove the stale document from the drop or renumber its table",
            json.dumps({"source_file": row["source_file"], "source_line": row["source_line"], "kept": there,
                        "differs": differs}, sort_keys=True),
        ))
    return findings_frame(found)


def combine_documents(parsed: list[ParsedDocument], extra_findings: pl.DataFrame | None = None,
                      config: PipelineConfig | None = None) -> dict[str, pl.DataFrame]:
    """Concatenate each in-memory dataset across documents and link notes and program entries to
    papers of their own edition (`link_within_editions`); the config's severities are applied to
    every finding so far (so it decides which parse findings hold a row back).

    `text_repairs` is left in its parts (see `repair_log_parts`). Raises RawInputError when no
    document is usable (see `require_usable_document`).
    """
    require_usable_document(parsed, extra_findings)
    tables = {name: [doc.table(name) for doc in parsed if name in doc.rows] for name in PARSED_DATASETS}
    if extra_findings is not None:
        tables["findings"].append(extra_findings)
    return combine_tables(tables, config)


def combine_tables(tables: dict[str, list[pl.DataFrame]], config: PipelineConfig | None = None) -> dict[str, pl.DataFrame]:
    """Each dataset's per-document frames concatenated (in document order), papers (edition, number)
    that two documents share flagged, notes and program entries linked to papers of their own edition
    by title, and the config's severities applied to every finding so far."""
    config = config or default_config()
    combined = {name: pl.concat(tables[name], how="vertical") if tables.get(name) else empty_frame(name)
                for name in PARSED_DATASETS}
    linked = []
    for name in ("paper_notes", "program"):
        combined[name], found = link_within_editions(combined[name], combined["papers"], dataset=name,
                                                     min_score=config.title_min_score)
        linked.extend(found)
    combined["findings"] = apply_severities(pl.concat([combined["findings"], cross_document_duplicates(combined["papers"]),
                                                       findings_frame(linked)]), config)
    return combined


def apply_severities(findings: pl.DataFrame, config: PipelineConfig) -> pl.DataFrame:
    """`findings` with the severity the config's [severities] gives each listed check."""
    if not config.severities or findings.is_empty():
        return findings
    listed = pl.col("check").replace_strict(config.severities, default=None, return_dtype=pl.String)
    return findings.with_columns(pl.coalesce(listed, pl.col("severity")).alias("severity"))


def repair_log_parts(parsed: list[ParsedDocument]) -> list[Path]:
    """Every document's `text_repairs` part, in document order (the dataset's row order)."""
    return [doc.part("text_repairs") for doc in parsed]


def _error_locations(findings: pl.DataFrame, dataset: str) -> dict[tuple[str, int] | str, list[str]]:
    """(source_file, source_line) or row id -> checks, for every error finding on `dataset`."""
    located: dict[tuple[str, int] | str, list[str]] = {}
    errors = findings.filter((pl.col("dataset") == dataset) & (pl.col("severity") == "error"))
    for row_key, check, evidence in errors.select("row_key", "check", "evidence").iter_rows():
        try:
            detail = json.loads(evidence) if evidence else None
        except ValueError:
            detail = None
        if isinstance(detail, dict) and "source_file" in detail and "source_line" in detail:
            located.setdefault((detail["source_file"], detail["source_line"]), []).append(check)
        elif dataset in ROW_ID_COLUMNS and row_key is not None:
            located.setdefault(row_key, []).append(check)
    return located


def hold_back_rejected_rows(datasets: dict[str, pl.DataFrame]) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame]]:
    """Split off the rows an error finding of parse/assemble points at: (kept, held back).

    Pandera only sees values; that a row had a cell too many, was cut off, or reuses a paper
    number is known only to the parser. Such rows must not be published, yet must not vanish:
    held-back rows carry `failed_checks` (as validation's quarantine does) and join the quarantine.
    A finding names its row by `source_file`/`source_line` in its evidence, or by the row id.
    """
    findings = datasets.get("findings", empty_frame("findings"))
    kept, held = dict(datasets), {}
    for name in PARSED_TABLES:
        frame = datasets.get(name)
        located = _error_locations(findings, name) if frame is not None else {}
        if not located:
            continue
        id_column = ROW_ID_COLUMNS.get(name)
        checks = [
            sorted(set(located.get((source, line), []) + (located.get(row_id, []) if id_column else [])))
            for source, line, row_id in zip(frame["source_file"], frame["source_line"],
                                            frame[id_column] if id_column else frame["source_line"])
        ]
        marked = frame.with_columns(pl.Series(FAILED_CHECKS, checks, dtype=pl.List(pl.String)))
        rejected = pl.col(FAILED_CHECKS).list.len() > 0
        kept[name] = marked.filter(~rejected).drop(FAILED_CHECKS)
        held[name] = marked.filter(rejected)
    return kept, held


def detect_authors(datasets: dict[str, pl.DataFrame], config: PipelineConfig | None = None) -> dict[str, pl.DataFrame]:
    """The datasets with the reconcile stage's verdicts, `paper_authors`, and its findings appended."""
    from pipeline.reconcile import reconcile_authors

    config = config or default_config()
    result = reconcile_authors(datasets["papers"], datasets["paper_notes"], datasets["program"],
                               min_support=config.displacement_min_support, thresholds=config.thresholds)
    findings = pl.concat([datasets["findings"], result.findings], how="vertical")
    return datasets | {"papers": result.papers, "paper_authors": result.paper_authors, "findings": findings}


def validate_datasets(datasets: dict[str, pl.DataFrame], held: dict[str, pl.DataFrame],
                      config: PipelineConfig | None = None) -> dict:
    """`pipeline.validate.validate_all`, with the rows parse/assemble rejected added to quarantine.

    The flow holds rows back *before* detection (`hold_back_rejected_rows` right after
    `combine_documents`), so that a later document's copy of paper 3 never reaches `paper_authors`,
    and passes them here as `held`. Returns {dataset: ValidationResult}; `accounting.rows_read(datasets,
    held)` gives the matching rows read, so rows read = valid + quarantined holds per dataset.
    """
    from pipeline.validate import ValidationResult, validate_all

    results = validate_all(datasets, config)
    for name, rows in held.items():
        result = results[name]
        results[name] = ValidationResult(valid=result.valid, quarantined=with_held_back(result.quarantined, rows),
                                         findings=result.findings)
    return results
