"""Spellings that differ between the table and a source still name the same people, so the row verifies."""

from __future__ import annotations

import pytest

from pipeline.reconcile import reconcile_authors
from pipeline.reconcile.keys import token_text
from pipeline.reconcile.names import name_tokens, person_score
from tests.reconcile.reconcile_frames import no_program, notes_frame, papers_frame, people

import polars as pl

TABLE = [("Elena Valentina Epure", "Deezer"), ("Jean-Pierre Dubois", "Inria"), ("José Gómez", "UPF")]
VARIANTS = {
    "initials for given names": ["E. Epure", "J.-P. Dubois", "J. Gómez"],
    "middle name in one source only": ["Elena Epure", "Jean-Pierre Dubois", "José Gómez"],
    "accents stripped": ["Elena Valentina Epure", "Jean-Pierre Dubois", "Jose Gomez"],
    "Last, First": ["Epure, Elena", "Dubois, Jean-Pierre", "Gómez, José"],
    "hyphen or no hyphen": ["Elena Valentina Epure", "Jean Pierre Dubois", "José Gómez"],
    "all at once": ["Epure, E.", "JeanPierre Dubois", "Gomez, Jose"],
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_source_spelling_names_differently_verifies_the_row(variant):
    lists = people(6)
    lists[2] = TABLE
    result = reconcile_authors(papers_frame(lists), notes_frame({3: VARIANTS[variant]}), no_program())
    assert result.papers["author_status"].to_list()[2] == "verified"
    assert set(result.papers["author_status"].to_list()) <= {"verified", "unverified"}


def test_surname_first_and_given_first_fold_to_the_same_tokens():
    assert name_tokens("Epure, Elena") == name_tokens("Elena Epure")
    assert person_score("Gómez, José", "Jose Gomez") == 1.0


def test_column_tokens_equal_the_per_name_rule_for_surname_first_names():
    names = ["Epure, Elena", "Dubois, Jean-Pierre", "Plain Name", "a, b, c"]
    assert token_text(pl.Series(names)).to_list() == [" ".join(name_tokens(n)) for n in names]


def test_different_people_with_one_shared_surname_do_not_verify():
    lists = people(6)
    lists[2] = TABLE
    result = reconcile_authors(papers_frame(lists), notes_frame({3: ["Anna Epure", "Marc Dubois", "Luis Gómez"]}),
                               no_program())
    assert result.papers["author_status"].to_list()[2] != "verified"
