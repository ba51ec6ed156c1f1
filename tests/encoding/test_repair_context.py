"""Context between one-character words: 中 / 与 / 不 all come from the same damaged bytes (E4 B8 + a
lost byte); only their neighbours tell them apart."""

from __future__ import annotations

import pytest

from pipeline.encoding import language, mojibake, repair_text
from pipeline.encoding.lattice import solve

SOFT_HYPHEN = frozenset({0xAD})


def test_context_table_is_shipped_and_loads() -> None:
    assert language._context_tables() is not None  # noqa: SLF001 - the committed table


def test_locative_scores_higher_than_negation_after_a_noun_before_punctuation() -> None:
    assert language.single_word_context("统", "中", "") > language.single_word_context("统", "不", "")


def test_no_neighbours_means_no_context_score() -> None:
    assert language.single_word_context("", "中", "") == 0.0


def test_punctuation_and_latin_neighbours_are_evidence_of_their_own_kind() -> None:
    # "在本文中，" and "LLM 中，": 中 ends a clause, 与 never does; a comma is not a Latin word
    assert language.single_word_context("文", "中", "，") > language.single_word_context("文", "与", "，")
    assert language.single_word_context("文", "与", "，") != language.single_word_context("文", "与", "a")
    assert language.boundary_class(",") == language.boundary_class("，")


def test_a_pair_never_seen_counts_only_when_it_was_expected() -> None:
    # 丞 is rare as a word of its own: never meeting 秩 says little; 中 is common: it says more
    rare = language.single_word_context("", "丞", "秩")
    common = language.single_word_context("", "中", "秩")
    assert common < rare <= 0.0
    assert rare > -1.0


def test_one_character_bonus_can_decide_between_equal_single_readings() -> None:
    model = language.WordModel.from_logps({"甲": -5.0, "乙": -5.0, "丙": -6.0}, 4)
    options = [[("丙", 0.0)], [("甲", 0.0), ("乙", 0.0)], [("丙", 0.0)]]
    text, _ = solve(options, model, lambda c: -20.0, [1], {1: {"乙": 0.5}})
    assert text == "丙乙丙"
    text, _ = solve(options, model, lambda c: -20.0, [1], {1: {"甲": 0.5}})
    assert text == "丙甲丙"


def test_one_character_bonus_does_not_apply_inside_words() -> None:
    model = language.WordModel.from_logps({"甲丙": -6.0, "甲": -5.0, "乙": -5.0, "丙": -6.0}, 4)
    options = [[("甲", 0.0), ("乙", 0.0)], [("丙", 0.0)]]
    text, _ = solve(options, model, lambda c: -20.0, [0], {0: {"乙": 1.0}})
    assert text == "甲丙"  # the word (-6) beats 乙+丙 even with the bonus (-5 + 1 - 6)


@pytest.mark.parametrize("clean", [
    "推荐系统中的偏差",
    "我们在推荐系统中，比较了两种方法。",
    "在本文中，我们提出一种方法。",
    "模型与数据",
])
def test_one_character_word_is_chosen_by_its_neighbours(clean: str) -> None:
    assert repair_text(mojibake(clean, "cp1254", SOFT_HYPHEN)).text == clean


def test_window_cache_does_not_reuse_a_choice_across_different_neighbours() -> None:
    lines = ["推荐系统中，", "推荐系统中的偏差"]
    text = "\n".join(mojibake(line, "cp1254", SOFT_HYPHEN) for line in lines)
    assert repair_text(text).text.split("\n") == lines
