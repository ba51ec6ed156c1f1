"""Pandera models (polars backend) of every emitted dataset: what a *valid value* is, per column.

`schemas.contracts` fixes the shape (columns, dtypes); these models repeat the dtypes (a test keeps
the two in agreement) and add what the shape cannot say: nullability, keys, allowed values, formats
and cross-column rules. Each check is named `<column>.<rule>` so a finding says where it failed.

Severity is policy, kept in each model's `Config.metadata["warning_checks"]`: listed checks only
produce findings; every other check is an error and quarantines the row. Warnings are for free text
a reader can still use (an abstract with a stray mojibake character) and for consistency hints;
errors are for values a downstream join or filter would silently get wrong.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cache
from typing import Any

import pandera.polars as pa
import polars as pl
from pandera.api.polars.model_config import BaseConfig

from schemas import rules
from schemas.checks import (
    ARXIV_ID_PATTERN,
    ARXIV_URL_PATTERN,
    DOI_PATTERN,
    MOJIBAKE_CHARACTERS_PATTERN,
    PDF_URL_PATTERN,
    TRACK_CODE_PATTERN,
    URL_PATTERN,
    is_blank,
    looks_like_mojibake,
    looks_like_person_name,
)
from schemas.contracts import (
    AUTHOR,
    AUTHOR_STATUSES,
    EVIDENCE,
    REPAIR_METHOD_PATTERN,
    SCHEMA_VERSION,
    SEVERITIES,
)

#: An edition slug (`recsys-2025`): lower-case letters and digits in hyphen-separated words.
EDITION_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

UNRESOLVED_STATUSES = ("mismatch", "unverified")  # no trustworthy author list exists for these
FLAGGED_STATUSES = ("mismatch", "suspect")  # the detector doubted the table: say why


def _each(column: str, predicate: Callable[[Any], bool]) -> pl.Expr:
    """Apply a Python predicate per non-null cell; null cells stay null and count as passing.

    The predicate runs once per distinct value (`_per_value`): columns repeat values a lot
    (affiliations, names, the same repair), and a Python call per row is what made validation slow.
    """
    return pl.col(column).map_batches(lambda values: _per_value(values, predicate), return_dtype=pl.Boolean)


def _per_value(values: pl.Series, predicate: Callable[[Any], bool]) -> pl.Series:
    """`predicate` of every non-null value (null stays null), called once per distinct value."""
    distinct = values.drop_nulls().unique()
    results = pl.Series("ok", [predicate(value) for value in distinct.to_list()], dtype=pl.Boolean)
    lookup = pl.DataFrame({"value": distinct, "ok": results})
    joined = values.rename("value").to_frame().join(lookup, on="value", how="left", maintain_order="left")
    return joined["ok"].alias(values.name)


@cache
def _whitespace() -> str:
    """Every character `str.strip()` removes (`str.isspace`), for polars' `strip_chars`."""
    return "".join(filter(str.isspace, map(chr, range(sys.maxunicode + 1))))


def _not_blank(column: str) -> pl.Expr:
    """`not is_blank(cell)` as a polars expression (strips exactly what `str.strip` strips)."""
    return pl.col(column).str.strip_chars(_whitespace()) != ""


def _no_mojibake_values(values: pl.Series) -> pl.Series:
    """`not looks_like_mojibake(value)` per value (null stays null). Only values holding a character
    some mojibake signal needs (`MOJIBAKE_CHARACTERS_PATTERN`) can fail; only those reach Python."""
    suspect = values.str.contains(MOJIBAKE_CHARACTERS_PATTERN)
    result = suspect.not_()
    if suspect.any():
        result = result.scatter(suspect.arg_true(), _per_value(values.filter(suspect), _clean_text))
    return result.alias(values.name)


def _no_mojibake(column: str) -> pl.Expr:
    return pl.col(column).map_batches(_no_mojibake_values, return_dtype=pl.Boolean)


def _list_items(lists: pl.Series) -> pl.DataFrame:
    """(row, item) for every item of every non-empty list, in order."""
    frame = pl.DataFrame({"row": pl.int_range(len(lists), eager=True, dtype=pl.Int64), "item": lists})
    return frame.filter(pl.col("item").list.len() > 0).explode("item")


def _all_per_row(lists: pl.Series, items: pl.DataFrame, ok: pl.Series) -> pl.Series:
    """all(ok) over each row's items: null for a null list, True for an empty one."""
    per_row = items.select("row", ok.alias("ok")).group_by("row").agg(pl.col("ok").all())
    frame = pl.DataFrame({"row": pl.int_range(len(lists), eager=True, dtype=pl.Int64), "item": lists})
    joined = frame.join(per_row, on="row", how="left", maintain_order="left")
    result = joined.select(pl.when(pl.col("item").is_null()).then(pl.lit(None, dtype=pl.Boolean))
                           .otherwise(pl.col("ok").fill_null(True)).alias("ok"))["ok"]
    return result.alias(lists.name)


def _names_ok_values(lists: pl.Series) -> pl.Series:
    """`_names_ok` of every list (null stays null), each distinct name checked once."""
    items = _list_items(lists)
    item = items["item"]
    names = item.struct.field("name") if isinstance(item.dtype, pl.Struct) else item
    return _all_per_row(lists, items, _per_value(names, looks_like_person_name).fill_null(False))


def _affiliations_clean_values(lists: pl.Series) -> pl.Series:
    """`_affiliations_clean` of every list of authors (null stays null)."""
    items = _list_items(lists)
    if items["item"].null_count():  # a null author: let the per-row function fail as it always did
        return lists.map_elements(_affiliations_clean, return_dtype=pl.Boolean, skip_nulls=True)
    affiliations = items["item"].struct.field("affiliation")
    return _all_per_row(lists, items, _no_mojibake_values(affiliations).fill_null(True))


def _text_ok(text: str) -> bool:
    return not is_blank(text)


def _clean_text(text: str) -> bool:
    return not looks_like_mojibake(text)


def _names_ok(names: Any) -> bool:
    """Every entry of a list of names (plain strings or {name, affiliation} structs) is a name."""
    values = [item["name"] if isinstance(item, dict) else item for item in names]
    return all(value is not None and looks_like_person_name(value) for value in values)


def _affiliations_clean(authors: Any) -> bool:
    return all(not looks_like_mojibake(item.get("affiliation") or "") for item in authors)


def _select(data: Any, expression: pl.Expr) -> pl.LazyFrame:
    return data.lazyframe.select(expression)


def _metadata(key: list[str], warning_checks: list[str]) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "key": key, "warning_checks": warning_checks}


def _match_score_field() -> Any:
    """The score `link_to_papers` keeps beside every link it makes (notes and program alike)."""
    return pa.Field(
        nullable=True,
        in_range={"min_value": 0.0, "max_value": 100.0},
        description="Fuzzy title-match score against papers.title, 0-100 (rapidfuzz scale).",
    )


def _list(inner: pl.DataType | type[pl.DataType], description: str, **kwargs: Any) -> Any:
    return pa.Field(dtype_kwargs={"inner": inner}, description=description, **kwargs)


class PapersModel(pa.DataFrameModel):
    """One row of the conference's accepted-papers table, with its author verdict."""

    edition: pl.String = pa.Field(
        str_matches=EDITION_PATTERN,
        description="Conference edition of the write-up (recsys-2025): from its title, else its file name.",
    )
    paper_id: pl.Int64 = pa.Field(ge=1, description="The table's # column: 1..n within its edition.")
    title: pl.String = pa.Field(description="Paper title as the table gives it, repaired.")
    abstract: pl.String = pa.Field(description="Abstract from the table, repaired.")
    link: pl.String = pa.Field(
        nullable=True, str_matches=URL_PATTERN, description="Link from the table (often arXiv)."
    )
    arxiv_id: pl.String = pa.Field(
        nullable=True, str_matches=ARXIV_ID_PATTERN, description="arXiv id found in the link."
    )
    track: pl.String = pa.Field(
        nullable=True, description="Track named in the config's [tracks]; null: a category it does not know."
    )
    track_raw: pl.String = pa.Field(description="Track cell exactly as the table gives it.")
    attachment: pl.String = pa.Field(nullable=True, description="Attachment cell, if any.")
    authors_raw: pl.List = _list(AUTHOR, "Authors {name, affiliation} as the table gives them.")
    authors: pl.List = _list(
        AUTHOR, "Best-known authors: verified or corrected; null when unresolved.", nullable=True
    )
    author_status: pl.String = pa.Field(
        isin=list(AUTHOR_STATUSES), description="Verdict on the table's author list."
    )
    author_evidence: pl.List = _list(EVIDENCE, "Signals {signal, detail, source} behind it.")
    source_file: pl.String = pa.Field(description="Raw file the row came from.")
    source_line: pl.Int64 = pa.Field(ge=1, description="1-based line of the row in that file.")

    class Config(BaseConfig):
        name = "papers"
        title = "Accepted papers"
        description = "One row per row of the accepted-papers table."
        strict = True
        unique = ["edition", "paper_id"]
        metadata = _metadata(
            ["edition", "paper_id"],
            [
                "paper_id.contiguous",
                "abstract.no_mojibake",
                "authors_raw.names_look_like_names",
                "authors_raw.affiliations_no_mojibake",
                "author_evidence.flagged_has_evidence",
                "arxiv_id.matches_link",
            ],
        )

    @pa.check("title", "abstract", "track_raw", "source_file", name="not_blank")
    def not_blank(cls, data: Any) -> pl.LazyFrame:
        return _select(data, _not_blank(data.key))

    @pa.check("title", "abstract", name="no_mojibake")
    def no_mojibake(cls, data: Any) -> pl.LazyFrame:
        return _select(data, _no_mojibake(data.key))

    @pa.check("link", name="arxiv_url")
    def arxiv_url(cls, data: Any) -> pl.LazyFrame:
        link = pl.col(data.key)
        return _select(data, ~link.str.contains("arxiv.org") | link.str.contains(ARXIV_URL_PATTERN))

    @pa.check("authors_raw", name="not_empty")
    def authors_raw_not_empty(cls, data: Any) -> pl.LazyFrame:
        return _select(data, pl.col(data.key).list.len() > 0)

    @pa.check("authors", "authors_raw", name="names_look_like_names")
    def names_look_like_names(cls, data: Any) -> pl.LazyFrame:
        return _select(data, pl.col(data.key).map_batches(_names_ok_values, return_dtype=pl.Boolean))

    @pa.check("authors", "authors_raw", name="affiliations_no_mojibake")
    def affiliations_no_mojibake(cls, data: Any) -> pl.LazyFrame:
        return _select(data, pl.col(data.key).map_batches(_affiliations_clean_values, return_dtype=pl.Boolean))

    @pa.dataframe_check(name="paper_id.contiguous")
    def paper_id_contiguous(cls, data: Any) -> pl.LazyFrame:
        """Flags the row after a gap in a file's numbering. A warning, not an error: a gap means a
        row is missing (or was held back for a parse error and quarantined), and none of the rows
        present is wrong for it."""
        rows = data.lazyframe.select("source_file", "paper_id")
        present = rows.unique().select("source_file", (pl.col("paper_id") + 1).alias("paper_id"), pl.lit(True).alias("ok"))
        first = pl.col("paper_id") == pl.col("paper_id").min().over("source_file")
        joined = rows.join(present, on=["source_file", "paper_id"], how="left", maintain_order="left")
        return joined.select(first | pl.col("ok").fill_null(False) | pl.col("paper_id").is_null())

    @pa.dataframe_check(name="authors.null_iff_unresolved")
    def authors_null_iff_unresolved(cls, data: Any) -> pl.LazyFrame:
        unresolved = pl.col("author_status").is_in(UNRESOLVED_STATUSES)
        return _select(data, pl.col("authors").is_null() == unresolved)

    @pa.dataframe_check(name="authors.not_empty")
    def authors_not_empty(cls, data: Any) -> pl.LazyFrame:
        return _select(data, pl.col("authors").is_null() | (pl.col("authors").list.len() > 0))

    @pa.dataframe_check(name="author_evidence.corrected_has_evidence")
    def corrected_has_evidence(cls, data: Any) -> pl.LazyFrame:
        has_evidence = pl.col("author_evidence").list.len() > 0
        return _select(data, (pl.col("author_status") != "corrected") | has_evidence)

    @pa.dataframe_check(name="author_evidence.flagged_has_evidence")
    def flagged_has_evidence(cls, data: Any) -> pl.LazyFrame:
        has_evidence = pl.col("author_evidence").list.len() > 0
        return _select(data, ~pl.col("author_status").is_in(FLAGGED_STATUSES) | has_evidence)

    @pa.dataframe_check(name="arxiv_id.matches_link")
    def arxiv_id_matches_link(cls, data: Any) -> pl.LazyFrame:
        in_link = pl.col("link").str.contains(pl.col("arxiv_id"), literal=True).fill_null(False)
        return _select(data, pl.col("arxiv_id").is_null() | in_link)


class PaperAuthorsModel(pa.DataFrameModel):
    """One author of one paper, in the order of the best-known author list."""

    edition: pl.String = pa.Field(str_matches=EDITION_PATTERN, description="The paper's edition (papers.edition).")
    paper_id: pl.Int64 = pa.Field(ge=1, description="The paper (papers.paper_id).")
    position: pl.Int64 = pa.Field(ge=1, description="1-based place in the author list.")
    name: pl.String = pa.Field(description="The author's name.")
    affiliation: pl.String = pa.Field(nullable=True, description="Affiliation, when known.")
    author_status: pl.String = pa.Field(
        isin=list(AUTHOR_STATUSES), description="The paper's author verdict, repeated."
    )

    class Config(BaseConfig):
        name = "paper_authors"
        title = "Paper authors"
        description = "One row per author of a paper, in order."
        strict = True
        unique = ["edition", "paper_id", "position"]
        metadata = _metadata(["edition", "paper_id", "position"], ["affiliation.no_mojibake"])

    @pa.check("name", name="names_look_like_names")
    def name_looks_like_name(cls, data: Any) -> pl.LazyFrame:
        return _select(data, _each(data.key, looks_like_person_name))

    @pa.check("affiliation", name="no_mojibake")
    def no_mojibake(cls, data: Any) -> pl.LazyFrame:
        return _select(data, _no_mojibake(data.key))


class PaperNotesModel(pa.DataFrameModel):
    """One paper write-up in the conference notes (heading, links, authors, abstracts, comment)."""

    note_id: pl.String = pa.Field(unique=True, description="Stable id of the write-up.")
    session: pl.String = pa.Field(nullable=True, description="Paper session it was presented in.")
    award: pl.String = pa.Field(nullable=True, description="Award mark, e.g. Best Full Paper.")
    organisation: pl.String = pa.Field(nullable=True, description="The heading's org prefix.")
    title: pl.String = pa.Field(description="English title from the heading.")
    doi: pl.String = pa.Field(nullable=True, str_matches=DOI_PATTERN, description="The DOI.")
    pdf_url: pl.String = pa.Field(
        nullable=True, str_matches=PDF_URL_PATTERN, description="Link to the paper's PDF."
    )
    authors: pl.List = _list(pl.String, "Author names from the 'by ...' line.", nullable=True)
    abstract_en: pl.String = pa.Field(nullable=True, description="English abstract.")
    title_zh: pl.String = pa.Field(nullable=True, description="Chinese title (translation).")
    abstract_zh: pl.String = pa.Field(nullable=True, description="Chinese abstract.")
    comment_zh: pl.String = pa.Field(nullable=True, description="The note author's comment.")
    edition: pl.String = pa.Field(
        nullable=True, str_matches=EDITION_PATTERN, description="Edition of the write-up (papers.edition)."
    )
    paper_id: pl.Int64 = pa.Field(nullable=True, ge=1, description="Matched papers.paper_id.")
    match_score: pl.Float64 = _match_score_field()
    source_file: pl.String = pa.Field(description="Raw file the note came from.")
    source_line: pl.Int64 = pa.Field(ge=1, description="1-based line of the note's heading.")

    class Config(BaseConfig):
        name = "paper_notes"
        title = "Paper notes"
        description = "One row per paper write-up in the notes."
        strict = True
        metadata = _metadata(
            ["note_id"],
            [
                "abstract_en.no_mojibake",
                "title_zh.no_mojibake",
                "abstract_zh.no_mojibake",
                "comment_zh.no_mojibake",
                "session.no_mojibake",
                "organisation.no_mojibake",
                "pdf_url.matches_doi",
                "match_score.set_with_paper_id",
            ],
        )

    @pa.check("note_id", "title", "source_file", name="not_blank")
    def not_blank(cls, data: Any) -> pl.LazyFrame:
        return _select(data, _not_blank(data.key))

    @pa.check(
        "title",
        "abstract_en",
        "title_zh",
        "abstract_zh",
        "comment_zh",
        "session",
        "organisation",
        name="no_mojibake",
    )
    def no_mojibake(cls, data: Any) -> pl.LazyFrame:
        return _select(data, _no_mojibake(data.key))

    @pa.check("authors", name="not_empty")
    def authors_not_empty(cls, data: Any) -> pl.LazyFrame:
        return _select(data, pl.col(data.key).list.len() > 0)

    @pa.check("authors", name="names_look_like_names")
    def names_look_like_names(cls, data: Any) -> pl.LazyFrame:
        return _select(data, pl.col(data.key).map_batches(_names_ok_values, return_dtype=pl.Boolean))

    @pa.dataframe_check(name="pdf_url.matches_doi")
    def pdf_url_matches_doi(cls, data: Any) -> pl.LazyFrame:
        in_url = pl.col("pdf_url").str.contains(pl.col("doi"), literal=True)
        return _select(data, pl.col("doi").is_null() | pl.col("pdf_url").is_null() | in_url)

    @pa.dataframe_check(name="match_score.set_with_paper_id")
    def match_score_set_with_paper_id(cls, data: Any) -> pl.LazyFrame:
        return _select(data, pl.col("paper_id").is_null() | pl.col("match_score").is_not_null())


class ProgramModel(pa.DataFrameModel):
    """One paper entry on a scraped conference program page."""

    entry_id: pl.String = pa.Field(unique=True, description="Stable id of the program entry.")
    session_title: pl.String = pa.Field(description="Title of the program session.")
    session_date: pl.Date = pa.Field(nullable=True, description="Day of the session.")
    start_time: pl.Time = pa.Field(nullable=True, description="Session start, local time.")
    end_time: pl.Time = pa.Field(nullable=True, description="Session end, local time.")
    timezone: pl.String = pa.Field(nullable=True, description="Time zone as printed (GMT+2).")
    chair: pl.String = pa.Field(nullable=True, description="Session chair.")
    track_code: pl.String = pa.Field(
        nullable=True, str_matches=TRACK_CODE_PATTERN, description="Track tag: IND, RES, REPR..."
    )
    title: pl.String = pa.Field(description="Paper title on the program.")
    authors: pl.List = _list(pl.String, "Author names, in order.")
    abstract: pl.String = pa.Field(nullable=True, description="Abstract on the program.")
    edition: pl.String = pa.Field(
        nullable=True, str_matches=EDITION_PATTERN,
        description="Edition the page names, else that of the paper it links to; null: neither is known.",
    )
    paper_id: pl.Int64 = pa.Field(nullable=True, ge=1, description="Matched papers.paper_id.")
    match_score: pl.Float64 = _match_score_field()
    source_file: pl.String = pa.Field(description="Raw file the entry came from.")
    source_line: pl.Int64 = pa.Field(ge=1, description="1-based line of the entry.")

    class Config(BaseConfig):
        name = "program"
        title = "Program"
        description = "One row per paper entry on a program page."
        strict = True
        metadata = _metadata(
            ["entry_id"],
            ["abstract.no_mojibake", "session_title.no_mojibake", "match_score.set_with_paper_id"],
        )

    @pa.check("entry_id", "session_title", "title", "source_file", name="not_blank")
    def not_blank(cls, data: Any) -> pl.LazyFrame:
        return _select(data, _not_blank(data.key))

    @pa.check("title", "abstract", "session_title", "chair", name="no_mojibake")
    def no_mojibake(cls, data: Any) -> pl.LazyFrame:
        return _select(data, _no_mojibake(data.key))

    @pa.check("authors", name="not_empty")
    def authors_not_empty(cls, data: Any) -> pl.LazyFrame:
        return _select(data, pl.col(data.key).list.len() > 0)

    @pa.check("authors", name="names_look_like_names")
    def names_look_like_names(cls, data: Any) -> pl.LazyFrame:
        return _select(data, pl.col(data.key).map_batches(_names_ok_values, return_dtype=pl.Boolean))

    @pa.dataframe_check(name="end_time.after_start")
    def end_after_start(cls, data: Any) -> pl.LazyFrame:
        ordered = pl.col("end_time") > pl.col("start_time")
        return _select(data, pl.col("end_time").is_null() | pl.col("start_time").is_null() | ordered)

    @pa.dataframe_check(name="match_score.set_with_paper_id")
    def match_score_set_with_paper_id(cls, data: Any) -> pl.LazyFrame:
        return _select(data, pl.col("paper_id").is_null() | pl.col("match_score").is_not_null())


class TextRepairsModel(pa.DataFrameModel):
    """One change the encoding repair made to a raw document: provenance of every cleaned cell."""

    source_file: pl.String = pa.Field(description="Raw file that was repaired.")
    line: pl.Int64 = pa.Field(ge=1, description="1-based line of the change.")
    column: pl.Int64 = pa.Field(ge=0, description="Column of the change in that line.")
    before: pl.String = pa.Field(description="The text as read.")
    after: pl.String = pa.Field(description="The text as repaired.")
    method: pl.String = pa.Field(
        str_matches=REPAIR_METHOD_PATTERN,
        description="Repair step used: ftfy, redecode:<codec> (exact) or lost_byte:<codec> (guessed).")
    confidence: pl.Float64 = pa.Field(
        in_range={"min_value": 0.0, "max_value": 1.0}, description="Confidence in the repair, 0..1."
    )
    alternatives: pl.List = _list(pl.String, "Other candidate repairs, best first.")

    class Config(BaseConfig):
        name = "text_repairs"
        title = "Text repairs"
        description = "One row per change made to the raw text."
        strict = True
        metadata = _metadata(["source_file", "line", "column"], ["after.no_mojibake"])

    @pa.dataframe_check(name="after.differs_from_before")
    def after_differs(cls, data: Any) -> pl.LazyFrame:
        return _select(data, pl.col("after") != pl.col("before"))

    @pa.check("after", name="no_mojibake")
    def no_mojibake(cls, data: Any) -> pl.LazyFrame:
        return _select(data, _no_mojibake(data.key))


class FindingsModel(pa.DataFrameModel):
    """One data-quality finding: which row of which dataset failed which check, and why."""

    dataset: pl.String = pa.Field(description="Dataset the finding is about.")
    row_key: pl.String = pa.Field(nullable=True, description="Key of the row; null: whole table.")
    check: pl.String = pa.Field(description="The check, as <column>.<rule>.")
    severity: pl.String = pa.Field(isin=list(SEVERITIES), description="error, warning or info.")
    message: pl.String = pa.Field(description="What is wrong, in a sentence.")
    evidence: pl.String = pa.Field(nullable=True, description="The offending value, shortened.")

    class Config(BaseConfig):
        name = "findings"
        title = "Findings"
        description = "One row per data-quality finding."
        strict = True
        metadata = _metadata(["dataset", "row_key", "check"], [])


RULE_MESSAGES = rules.RULE_MESSAGES  # kept importable from here; the table is schemas.rules


def warning_checks(model: type[pa.DataFrameModel]) -> frozenset[str]:
    """The `<column>.<rule>` checks of `model` that warn instead of quarantining."""
    return frozenset(model.Config.metadata["warning_checks"])


def key_columns(model: type[pa.DataFrameModel]) -> list[str]:
    """The columns that identify a row of `model`'s dataset (for a finding's row_key)."""
    return list(model.Config.metadata["key"])
