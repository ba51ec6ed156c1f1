"""ftfy's own published test cases (tests/encoding/ftfy/), one case at a time through `repair_text`.

Every case ftfy's `fix_encoding` gets right we get right, except the known failures recorded with a
reason in known_failures.json; each of those must still fail (so a fix gets noticed and the list
stays honest). Negative cases (text that must come back unchanged) are the same assertion.
"""

from __future__ import annotations

import json
from pathlib import Path

import ftfy
import pytest

from pipeline.encoding import repair_text

HERE = Path(__file__).with_name("ftfy")
CASES = json.loads((HERE / "test_cases.json").read_text(encoding="utf-8"))
KNOWN_FAILURES = json.loads((HERE / "known_failures.json").read_text(encoding="utf-8"))


def _target(case: dict) -> str:
    return case.get("fixed-encoding", case["fixed"])


FTFY_PASSES = [case for case in CASES if ftfy.fix_encoding(case["original"]) == _target(case)]


def test_known_failures_are_cases_of_the_suite() -> None:
    labels = {case["label"] for case in FTFY_PASSES}
    assert set(KNOWN_FAILURES) <= labels


@pytest.mark.parametrize("case", FTFY_PASSES, ids=lambda c: c["label"][:70])
def test_case_ftfy_fixes_is_fixed_the_same(case: dict) -> None:
    repaired = repair_text(case["original"]).text
    if case["label"] in KNOWN_FAILURES:
        assert repaired != _target(case), "now passes: remove it from known_failures.json"
    else:
        assert repaired == _target(case)


def test_negative_cases_are_unchanged_apart_from_the_recorded_ones() -> None:
    negatives = [case for case in FTFY_PASSES if case["original"] == _target(case)]
    changed = [case["label"] for case in negatives if repair_text(case["original"]).text != case["original"]]
    assert sorted(changed) == sorted(label for label in KNOWN_FAILURES
                                     if KNOWN_FAILURES[label].startswith("NEGATIVE CHANGED"))
