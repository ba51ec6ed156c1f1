"""Korean: Hangul syllables that lost a byte are read with a syllable model, and only on Korean lines
("Brontë…" re-encodes to a Hangul lead with one continuation: it must stay)."""

from __future__ import annotations

import pytest

from pipeline.encoding import RepairConfig, hangul, mojibake, repair_text

SOFT_HYPHEN = frozenset({0xAD})
KOREAN = "파일을 저장할 수 없습니다. 다시 시도하십시오."
CHINESE_DOCUMENT = "推荐系统的过去、现在和未来：用户反馈（显式和隐式）和负信号。\n" * 30


def test_syllable_table_is_shipped_and_loads() -> None:
    assert hangul.TABLE_PATH.exists()
    assert hangul.table()["format"] == hangul.TABLE_FORMAT and len(hangul.table()["unigram"]) > 1000


@pytest.mark.parametrize("codepage", ["cp1252", "cp1254"])
def test_korean_sentence_with_lost_bytes_is_restored(codepage: str) -> None:
    broken = mojibake(KOREAN, codepage, SOFT_HYPHEN)
    result = repair_text(broken)
    assert result.text == KOREAN
    guesses = [r for r in result.repairs if r.method.startswith("lost_byte")]
    assert {r.after for r in guesses} >= {"일", "을", "도", "십"}  # each lost a byte (0x9D, 0x81, 0x8F, 0xAD)


def test_a_reading_the_model_is_unsure_of_is_left_as_it_is() -> None:
    broken = mojibake(KOREAN, "cp1252", SOFT_HYPHEN)
    result = repair_text(broken, config=RepairConfig(hangul_min_confidence=1.01))
    assert not [r for r in result.repairs if r.method.startswith("lost_byte")]
    assert "ì¼" in result.text  # the damaged syllable of 파일 kept, its intact neighbours re-decoded
    assert "파" in result.text


@pytest.mark.parametrize("line", ["I'm not such a fan of Charlotte Brontë…”", "Charlotte Brontë… wrote Jane Eyre",
                                  "Brontë…", "Charlotte Brontë… 한국어 번역"])
def test_bronte_stays_in_a_document_of_mojibake(line: str) -> None:
    text = mojibake(CHINESE_DOCUMENT, "cp1252", SOFT_HYPHEN) + line
    assert repair_text(text).text.split("\n")[-1] == line
    assert repair_text(line).text == line


def test_hangul_candidates_on_a_line_without_hangul_are_left_alone() -> None:
    damaged = mojibake("일", "cp1252", SOFT_HYPHEN)  # 'ì¼': 0x9D lost
    text = mojibake(CHINESE_DOCUMENT, "cp1252", SOFT_HYPHEN) + f"value {damaged} here"
    assert repair_text(text).text.split("\n")[-1] == f"value {damaged} here"


def test_syllable_model_prefers_a_word_over_a_rare_syllable() -> None:
    text, marginals = hangul.best_run([["파"], ["쁼", "썼", "일"], ["을"]])
    assert text == "파일을" and max(marginals[1], key=marginals[1].get) == "일"


def test_lone_damaged_syllable_glued_to_a_latin_word_is_left_alone() -> None:
    damaged = mojibake("일", "cp1252", SOFT_HYPHEN)  # 'ì¼' could be 일, or Latin text around an ì
    line = f"popd{damaged} 한국어 번역"
    assert repair_text(mojibake(CHINESE_DOCUMENT, "cp1252", SOFT_HYPHEN) + line).text.split("\n")[-1] == line


@pytest.mark.parametrize("clean", ["(기본 값은 개행 문자)", "방식입니다"])
def test_intact_hangul_that_ftfy_sees_nothing_odd_in_is_restored(clean: str) -> None:
    # "ê°’" (값) and "ë°©" (방) look like Latin text to ftfy's badness heuristics
    assert repair_text(mojibake(clean, "cp1252", SOFT_HYPHEN)).text == clean
