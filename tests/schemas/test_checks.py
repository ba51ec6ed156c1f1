"""Mojibake and name predicates: positives from real failure shapes, negatives that must not flag."""

from __future__ import annotations

import pytest

from schemas.checks import looks_like_mojibake, looks_like_person_name

CLEAN_TEXT = [
    "推荐系统中的大语言模型，以及“引号”。",
    "日本語のテキストと한국어",
    "naïve café résumé — Zürich, São Paulo, Ångström, Dvořák, Tschüß",
    "“curly” ‘quotes’ — en – dash… «café» l’été’s",
    "±3°C, ½ price, © 2025 ACM, x² + y³, µ-law, ¿Qué? ¡Hola!",
    "JOÃO and SÃO PAULO in capitals",
    "emoji 🎉👍🏽 and flags 🇨🇳",
    "Ελληνικά και Русский текст",
    "",
]
MOJIBAKE = [
    "å®˜æ–¹å½•åƒ",  # UTF-8 Chinese read as cp1252
    "离线评估ç–ç•¥",  # a character left half-repaired next to clean ones
    "å—节 LONGER",  # lost byte, em dash left over
    "è\"想",  # lost byte turned into an ASCII quote
    "Râ´ec: A Reasoning Framework",
    "cafÃ© au lait",
    "donâ€™t",
    "lost \ufffd byte",
    "c1 control \x81 inside",
]


@pytest.mark.parametrize("text", CLEAN_TEXT)
def test_clean_text_of_any_script_is_not_mojibake(text):
    assert not looks_like_mojibake(text)


@pytest.mark.parametrize("text", MOJIBAKE)
def test_wrong_decodings_and_lost_bytes_are_mojibake(text):
    assert looks_like_mojibake(text)


@pytest.mark.parametrize(
    "name", ["Jason H.D. Cho", "Eliška Kremeňová", "O'Brien", "danah boyd", "Ludwig van Beethoven",
             "张三", "Ng", "Jean-Luc Picard", "Aashika Padmanabhan"]
)
def test_real_names_look_like_names(name):
    assert looks_like_person_name(name)


@pytest.mark.parametrize(
    "name",
    ["Google DeepMind Research", "Meta Platforms, Inc.", "Sami Abboud, Eleanor Hanna",
     "Ada Lovelace and Charles Babbage", "Schaun WheelerConsumer applications provide ample",
     "Ada Lovelace (Analytical Engines)", "https://example.org", "", " Ada", "12345",
     "å®˜æ–¹ Name"],
)
def test_affiliations_lists_and_fragments_are_not_names(name):
    assert not looks_like_person_name(name)


def test_doctests_of_the_checks_module_pass():
    """schemas/ is outside pytest's doctest paths, so its doctests run from here."""
    import doctest

    import schemas.checks

    assert doctest.testmod(schemas.checks).failed == 0
