"""The rules table: what every check of the Pandera models is called, says and compares against,
and its Great Expectations twin.

Three readers interpret the models: validation names findings (`pipeline/validate.py`), the data
dictionary documents checks (`pipeline/dictionary.py`) and the GX suite mirrors them
(`pipeline/expectations.py`). They all read this table, so a check the models start using is named,
explained and mirrored in one place, or visibly not mirrored (`tests/schemas/test_rules.py` fails
on a check missing here). Plain data: no GX import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: What each rule means when it fails, for the message of a finding ("<column>: <meaning>").
RULE_MESSAGES: dict[str, str] = {
    "not_null": "is missing",
    "unique": "repeats the key of another row",
    "allowed_values": "is not one of the allowed values",
    "format": "does not have the expected format",
    "range": "is outside its allowed range",
    "not_blank": "is blank",
    "no_mojibake": "still looks like mojibake after repair",
    "arxiv_url": "points to arXiv but is not an arXiv abs/pdf address",
    "not_empty": "is an empty list",
    "names_look_like_names": "has an entry that does not read as a person's name",
    "affiliations_no_mojibake": "has an affiliation that still looks like mojibake",
    "contiguous": "follows a gap: the number before it is missing from the table",
    "null_iff_unresolved": "must be null exactly when author_status is mismatch or unverified",
    "corrected_has_evidence": "is empty although the author list was corrected",
    "flagged_has_evidence": "is empty although the author list was flagged",
    "matches_link": "does not occur in the link",
    "matches_doi": "does not contain the DOI",
    "set_with_paper_id": "is missing although paper_id is set",
    "after_start": "is not after start_time",
    "differs_from_before": "is identical to before: not a repair",
}

Spec = tuple[str, dict[str, Any]]
"""(GX expectation class name, kwargs)."""


@dataclass(frozen=True)
class BuiltinCheck:
    """One of Pandera's built-in checks as our rule vocabulary sees it.

    `parameters` gives what the check compares against (JSON-ready, for the dictionary);
    `expectation` builds its GX twin for a column, or is None with `not_mirrored` saying why."""

    rule: str
    parameters: Callable[[dict[str, Any]], dict[str, Any]] = lambda stats: {}
    expectation: Callable[[str, dict[str, Any]], Spec] | None = None
    not_mirrored: str | None = None


def _bounds(stats: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in stats.items() if key in ("min_value", "max_value")}


def _between(column: str, stats: dict[str, Any]) -> Spec:
    return "ExpectColumnValuesToBeBetween", {"column": column, **_bounds(stats)}


#: Pandera's built-in check names -> rule, parameters and GX twin. Nullability and uniqueness are
#: column properties in Pandera (not checks), mirrored by `pipeline.expectations` directly.
BUILTIN_CHECKS: dict[str, BuiltinCheck] = {
    "not_nullable": BuiltinCheck("not_null", not_mirrored="a column property, mirrored as ExpectColumnValuesToNotBeNull"),
    "field_uniqueness": BuiltinCheck("unique", not_mirrored="a column property, mirrored as ExpectColumnValuesToBeUnique"),
    "multiple_fields_uniqueness": BuiltinCheck("unique", not_mirrored="Config.unique, mirrored as ExpectCompoundColumnsToBeUnique"),
    "isin": BuiltinCheck(
        "allowed_values", lambda stats: {"allowed_values": list(stats["allowed_values"])},
        lambda column, stats: ("ExpectColumnValuesToBeInSet", {"column": column, "value_set": stats["allowed_values"]})),
    "str_matches": BuiltinCheck(
        "format", lambda stats: {"pattern": str(stats["pattern"])},
        lambda column, stats: ("ExpectColumnValuesToMatchRegex", {"column": column, "regex": stats["pattern"]})),
    "greater_than_or_equal_to": BuiltinCheck("range", _bounds, _between),
    "less_than_or_equal_to": BuiltinCheck("range", _bounds, _between),
    "in_range": BuiltinCheck("range", _bounds, _between),
}


def rule_of(check: str) -> str:
    """Our rule name for a Pandera check name (a custom check's name is its rule)."""
    builtin = BUILTIN_CHECKS.get(check)
    return builtin.rule if builtin else check


def message_of(rule: str) -> str:
    return RULE_MESSAGES.get(rule, f"fails {rule}")
