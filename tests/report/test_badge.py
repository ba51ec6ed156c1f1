"""The badge says `clean` only when a downstream user can trust every column."""

from pipeline.report.summary import trust

ROWS = {"papers": {"quarantined": 0}, "program": {"quarantined": 0}}


def test_unresolved_authors_are_not_clean_and_the_sentence_says_so():
    found = trust(ROWS, True, {"verified": 80, "corrected": 5, "unverified": 80, "suspect": 5}, True)
    assert found["badge"] == "authors unresolved: 85 of 170" and found["badge_level"] == "warn"
    assert "may not rely on the authors of 85 of 170 papers" in found["reliance"]


def test_every_column_trusted_is_clean():
    found = trust(ROWS, True, {"verified": 10, "corrected": 2}, True)
    assert found["badge"] == "clean" and "every paper's `authors`" in found["reliance"]


def test_quarantine_and_failed_expectations_outrank_authors():
    held = {"papers": {"quarantined": 3}}
    assert trust(held, True, {"verified": 1}, True)["badge"] == "rows held back: 3"
    assert trust(ROWS, True, {"verified": 1}, False)["badge_level"] == "bad"
    assert trust(ROWS, False, {"verified": 1}, True)["badge"] == "counts do not reconcile"
