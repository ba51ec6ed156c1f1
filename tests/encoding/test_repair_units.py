"""Unit behaviour of the repair stage: detection, logging, ftfy configuration, the frame contract."""

from __future__ import annotations

import ftfy
import pytest

from pipeline.encoding import (FTFY_SAFE_CONFIG, RepairConfig, TextRepair, detect_mojibake,
                               mojibake, repair_text, repairs_frame)
from schemas.contracts import DATASETS

SAMPLE = ("推荐系统的过去、现在和未来：用户反馈（显式和隐式）和负信号，“峰值”和“结束”。"
          "Vojtěch Vančura, Pavel Kordík — don’t 🏅")
SOFT_HYPHEN = frozenset({0xAD})
PUNCTUATION = "中文（测试），标点：“引号”和’撇号’"


def test_ftfy_defaults_change_full_width_punctuation_and_curly_quotes() -> None:
    fixed = ftfy.fix_text(PUNCTUATION)
    assert "（" not in fixed and "，" not in fixed and "：" not in fixed
    assert "“" not in fixed and "’" not in fixed


def test_ftfy_safe_config_keeps_full_width_punctuation_and_curly_quotes() -> None:
    assert ftfy.fix_text(PUNCTUATION, FTFY_SAFE_CONFIG) == PUNCTUATION


def test_ftfy_safe_config_still_fixes_intact_mojibake() -> None:
    assert ftfy.fix_text("Donâ€™t", FTFY_SAFE_CONFIG) == "Don’t"


@pytest.mark.parametrize("codepage", ["cp1252", "cp1254"])
def test_codepage_is_detected_from_the_corruption(codepage: str) -> None:
    text = SAMPLE + " ğ-free" if codepage == "cp1252" else SAMPLE
    profile = detect_mojibake(mojibake(text * 3, codepage, SOFT_HYPHEN), ("cp1252", "cp1254"))
    assert profile is not None and profile.codepage == codepage


def test_undefined_and_soft_hyphen_bytes_are_reported_lost() -> None:
    profile = detect_mojibake(mojibake(SAMPLE, "cp1254", SOFT_HYPHEN), ("cp1254",))
    assert profile is not None
    assert {0x81, 0x8D, 0x8E, 0x8F, 0x90, 0x9D, 0x9E, 0xAD} <= profile.lost_bytes


def test_clean_text_has_no_mojibake_profile() -> None:
    assert detect_mojibake(SAMPLE, ("cp1252", "cp1254")) is None


def test_sample_with_lost_bytes_is_restored() -> None:
    assert repair_text(mojibake(SAMPLE, "cp1254", SOFT_HYPHEN)).text == SAMPLE


def test_mixed_line_keeps_clean_part_and_repairs_mojibake_part() -> None:
    line = "干净的中文，“引号” | " + mojibake("推荐系统，“峰值”", "cp1254", SOFT_HYPHEN)
    assert repair_text(line).text == "干净的中文，“引号” | 推荐系统，“峰值”"


def test_clean_lines_pass_through_byte_for_byte_next_to_mojibake_lines() -> None:
    clean = "clean: 中文（测试），“引号” café ½ 😀"
    text = clean + "\n" + mojibake("推荐系统的反馈", "cp1254", SOFT_HYPHEN) + "\n" + clean
    lines = repair_text(text).text.split("\n")
    assert lines[0] == clean and lines[2] == clean


def test_lost_byte_guess_is_logged_with_position_confidence_and_alternatives() -> None:
    result = repair_text("x VojtÄ›ch VanÄura", source_file="notes.md")
    guess = next(r for r in result.repairs if r.method == "lost_byte:cp1252")
    assert (guess.source_file, guess.line, guess.column) == ("notes.md", 1, 15)
    assert (guess.before, guess.after) == ("Ä", "č")
    assert 0.0 <= guess.confidence <= 1.0
    assert guess.alternatives and "č" not in guess.alternatives


def test_exact_redecoding_is_logged_with_its_code_page_and_full_confidence() -> None:
    result = repair_text("a\nDonâ€™t")
    assert [(r.line, r.column, r.before, r.after, r.method, r.confidence) for r in result.repairs] == \
        [(2, 4, "â€™", "’", "redecode:cp1252", 1.0)]


def test_ambiguous_guess_is_flagged_low_confidence() -> None:
    result = repair_text(mojibake("他们的反馈与评估 🏅", "cp1254", SOFT_HYPHEN))
    flagged = result.low_confidence()
    assert flagged and all(r.low_confidence for r in flagged)
    assert not TextRepair("f", 1, 1, "a", "b", "ftfy", 1.0).low_confidence


def test_threshold_comes_from_config() -> None:
    text = mojibake("他们的反馈与评估", "cp1254", SOFT_HYPHEN)
    strict = repair_text(text, config=RepairConfig(low_confidence_below=1.01))
    assert len(strict.low_confidence()) == sum(r.confidence < 1.01 for r in strict.repairs)


def test_repairs_frame_matches_the_text_repairs_contract() -> None:
    frame = repairs_frame(repair_text("x VojtÄ›ch VanÄura").repairs)
    assert frame.schema == DATASETS["text_repairs"]
    assert frame.height == 2 and set(frame["method"]) == {"redecode:cp1252", "lost_byte:cp1252"}


def test_empty_repairs_give_an_empty_conforming_frame() -> None:
    frame = repairs_frame([])
    assert frame.height == 0 and frame.schema == DATASETS["text_repairs"]


@pytest.mark.parametrize("source", ["wordfreq", "jieba"])
def test_word_sources_use_words_to_restore_a_doubly_damaged_character(source: str) -> None:
    text = mojibake("中文 用户反馈", "cp1254", SOFT_HYPHEN)
    assert repair_text(text, config=RepairConfig(word_source=source)).text == "中文 用户反馈"


def test_single_character_model_cannot_use_word_context() -> None:
    text = mojibake("中文 用户反馈", "cp1254", SOFT_HYPHEN)
    assert repair_text(text, config=RepairConfig(word_source="chars")).text != "中文 用户反馈"


def test_precomputed_word_table_holds_wordfreq_and_technical_words() -> None:
    import math

    import wordfreq

    from pipeline.encoding import language

    model = language.word_model()
    frequencies = wordfreq.get_frequency_dict("zh", "best")
    sample = [w for w in list(frequencies)[::997] if len(w) <= 4 and language.CJK_RE.fullmatch(w)]
    assert sample
    for word in sample:  # 95 % of the mass is wordfreq's (bench/build_char_prior.py, TECH_SHARE)
        assert math.log(0.95 * frequencies[word]) - 1e-9 <= model.logp(word) <= math.log(frequencies[word] + 0.05)
    assert "字段" not in frequencies and model.logp("字段") is not None


def test_missing_word_table_means_building_from_the_source(tmp_path) -> None:
    from pipeline.encoding import language

    assert language.load_word_table(tmp_path / "absent") is None
    (tmp_path / "broken").write_bytes(b"not a table")
    assert language.load_word_table(tmp_path / "broken") is None


def test_word_table_round_trips_and_its_best_use_reads_without_the_trie(tmp_path) -> None:
    from pipeline.encoding import language

    model = language.WordModel.from_logps({"推荐": -8.0, "系统": -7.0, "推": -9.0}, 4)
    path = tmp_path / "words.marshal.zlib"
    language.write_word_table(model, path)
    table = language.load_word_table(path)
    assert table is not None and (table["trie"], table["best_use"]) == (model.trie, model.best_use)
    header, packed_trie = language._read_word_table_header(path)
    assert header["best_use"] == model.best_use and "trie" not in header and packed_trie
    path.write_bytes(path.read_bytes()[:-20])  # a truncated trie is a missing table, not a crash
    assert language.load_word_table(path) is None


def test_char_best_use_is_the_word_models() -> None:
    from pipeline.encoding import language

    assert language.char_best_use() == language.word_model().best_use


def test_repeated_damaged_phrase_gets_the_same_repair_each_time() -> None:
    line = mojibake("他们的反馈与评估", "cp1254", SOFT_HYPHEN)
    result = repair_text("\n".join([line, "x", line]))
    first = [(r.column, r.after, r.confidence, r.alternatives) for r in result.repairs if r.line == 1]
    third = [(r.column, r.after, r.confidence, r.alternatives) for r in result.repairs if r.line == 3]
    assert first and first == third


def test_lone_ambiguous_pair_beside_clean_text_is_left_in_a_short_text() -> None:
    # ftfy declines the line as a whole ("–" is clean text no code page explains with the pair)
    line = "Bremer/Mccoy – DrÃ¥ber"
    assert repair_text(line).text == line


def test_lone_ambiguous_pair_is_repaired_in_a_document_that_is_mojibake_throughout() -> None:
    damaged = mojibake(SAMPLE, "cp1252", SOFT_HYPHEN)
    text = "\n".join([damaged] * 4 + ["Bremer/Mccoy – DrÃ¥ber"])
    assert repair_text(text).text.split("\n")[-1] == "Bremer/Mccoy – Dråber"


def test_garble_is_left_whole_rather_than_decoded_in_part() -> None:
    garble = "ã†â€™ãƒâ€ ã¢â‚¬â„¢ãƒæ’ã‚â¢ãƒâ¢ã¢â‚¬å¡ã‚â¬ãƒâ€šã‚â"
    assert repair_text(garble).text == garble


def test_ftfy_reading_wins_a_tie_in_a_short_text() -> None:
    # ftfy reads the space as the 0xA0 byte of ภ; guessing a lost byte and keeping the space is worse
    assert repair_text("à¸ à¸²à¸©à¸²à¹„à¸—à¸¢").text == "ภาษาไทย"


def test_our_reading_wins_where_ftfy_leaves_lead_characters_unexplained() -> None:
    assert repair_text("æŽ¨èç³»ç»Ÿ").text == "推荐系统"  # ftfy: 推è系统


def test_lost_byte_in_a_name_is_chosen_by_the_dictionary_over_the_letters_of_the_line() -> None:
    # the line's letters (ě) say Czech, so "Ä" that lost its byte reads č; wordfreq knows the
    # Latvian names Jānis and Kārlis and not Jčnis or Kčrlis, and keeps Vančura
    result = repair_text("VojtÄ›ch VanÄura, JÄnis KÄrlis")
    assert result.text == "Vojtěch Vančura, Jānis Kārlis"
    assert {r.confidence for r in result.repairs if r.after == "ā"} == {0.9}


def test_a_reading_that_puts_a_mark_on_a_known_word_is_not_that_word() -> None:
    # found by Hypothesis: "timezoneã0 " corrupted through cp1254 re-decoded through MacRoman as
    # "timezonẹ0" (U+0323 after "timezone", which wordfreq knows)
    text = mojibake("timezoneã0 ", "cp1254")
    assert repair_text(text).text in {"timezoneã0 ", text}
