"""Repair cases kept as data in cases.json: positives, known failures, and a negative set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.encoding import repair_text

CASES = json.loads(Path(__file__).with_name("cases.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES["positive"], ids=lambda c: c["label"])
def test_mojibake_case_is_repaired_as_recorded(case: dict) -> None:
    repaired = repair_text(case["original"]).text
    if case["expect"] == "pass":
        assert repaired == case["fixed"]
    else:  # known failure: if this starts passing, move it to expect: pass
        assert repaired != case["fixed"]


@pytest.mark.parametrize("case", CASES["negative"], ids=lambda c: c["label"])
def test_legitimate_text_is_not_changed(case: dict) -> None:
    result = repair_text(case["original"])
    assert result.text == case["original"]
    assert result.repairs == []


@pytest.mark.parametrize("case", CASES["known_failures_negative"], ids=lambda c: c["label"])
def test_legitimate_text_we_still_change_is_recorded(case: dict) -> None:
    # known failure: if this starts passing, move it to "negative"
    assert repair_text(case["original"]).text != case["original"]
