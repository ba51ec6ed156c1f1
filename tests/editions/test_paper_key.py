"""`explain` and `pipeline.load` take a paper as EDITION:NUMBER, or a number one edition alone uses."""

from __future__ import annotations

import polars as pl
import pytest

from pipeline.errors import ContractError
from pipeline.loading import find_paper

PAPERS = pl.DataFrame({"edition": ["recsys-2024", "recsys-2024", "recsys-2025"], "paper_id": [1, 2, 1]})


def test_a_full_key_names_one_paper():
    assert find_paper(PAPERS, "recsys-2025:1") == ("recsys-2025", 1)


def test_a_number_one_edition_uses_is_enough():
    assert find_paper(PAPERS, "2") == ("recsys-2024", 2)


def test_a_number_two_editions_use_asks_for_the_edition():
    with pytest.raises(ContractError, match="recsys-2024:1"):
        find_paper(PAPERS, "1")


def test_an_unknown_key_lists_the_editions_and_their_numbers():
    with pytest.raises(ContractError, match=r"recsys-2024 \(1..2\), recsys-2025 \(1..1\)"):
        find_paper(PAPERS, "recsys-2023:1")
    with pytest.raises(ContractError, match="not a paper key"):
        find_paper(PAPERS, "one")
