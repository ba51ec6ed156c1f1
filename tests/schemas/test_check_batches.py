"""The models' custom checks run column-at-a-time (pre-filters in polars, the Python predicate once per
distinct value); each must give exactly what the per-cell predicate gives, cell by cell."""

from __future__ import annotations


import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.checks import MOJIBAKE_CHARACTERS_PATTERN, is_blank, looks_like_mojibake
from schemas.contracts import AUTHOR
from schemas.models import (
    _affiliations_clean,
    _affiliations_clean_values,
    _names_ok,
    _names_ok_values,
    _no_mojibake_values,
    _not_blank,
)

# Characters mojibake is made of, clean text of many scripts, whitespace of every kind.
ODD = "ÃÂâ€™œžŸ¢£©®°±²³µ·»¼½¾¿ÀÉÑØÙàáèéíñóöøùúüþÿĀŒœŠšƒˆ˜–—‘’‚“”„†‡•…‰‹›€™\ufffd\x81\x9d" \
      "推荐系统ελληνικάрусский한국어\u00a0\u2003\u3000\x1c\t\n "
TEXT = st.text(alphabet=st.sampled_from(list(ODD) + list("abcXYZ ,.-'&@1")), max_size=24)
NAMES = st.lists(st.one_of(st.none(), TEXT, st.sampled_from(["Ann Lee", "Bo Xu", "Google Research", "Zoë Ça"])),
                 max_size=4)


def column(values: list, dtype: pl.DataType) -> pl.Series:
    return pl.Series("c", values, dtype=dtype)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), TEXT), max_size=30))
def test_no_mojibake_equals_the_predicate_per_cell(values):
    expected = [None if v is None else not looks_like_mojibake(v) for v in values]
    assert _no_mojibake_values(column(values, pl.String)).to_list() == expected


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), TEXT), max_size=30))
def test_not_blank_equals_the_predicate_per_cell(values):
    expected = [None if v is None else not is_blank(v) for v in values]
    assert pl.DataFrame({"c": column(values, pl.String)}).select(_not_blank("c"))["c"].to_list() == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), NAMES), max_size=12))
def test_names_ok_equals_the_predicate_per_list(lists):
    expected = [None if names is None else _names_ok(names) for names in lists]
    assert _names_ok_values(column(lists, pl.List(pl.String))).to_list() == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.lists(st.fixed_dictionaries(
    {"name": st.one_of(st.none(), TEXT, st.just("Ann Lee")), "affiliation": st.one_of(st.none(), TEXT)}), max_size=3)),
    max_size=12))
def test_author_checks_equal_the_predicates_per_list(lists):
    series = column(lists, pl.List(AUTHOR))
    assert _names_ok_values(series).to_list() == [None if a is None else _names_ok(a) for a in lists]
    assert _affiliations_clean_values(series).to_list() == [None if a is None else _affiliations_clean(a) for a in lists]


@pytest.mark.parametrize("text", ["cafÃ© au lait", "donâ€™t", "lost \ufffd byte", "å®˜æ–¹å½•åƒ", "Râ´ec", "c1 \x81"])
def test_known_mojibake_holds_a_character_of_the_prefilter(text):
    assert looks_like_mojibake(text) and pl.Series([text]).str.contains(MOJIBAKE_CHARACTERS_PATTERN)[0]




@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8").filter(
    lambda c: not pl.Series([c]).str.contains(MOJIBAKE_CHARACTERS_PATTERN)[0]), max_size=40))
def test_text_without_a_prefilter_character_is_never_mojibake(text):
    assert not looks_like_mojibake(text)
