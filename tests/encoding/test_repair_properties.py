"""Round-trip properties over generated text (hypothesis)."""

from __future__ import annotations

from ftfy.badness import is_bad
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pipeline.encoding import language, mojibake, repair_text

SOFT_HYPHEN = frozenset({0xAD})

CJK = st.text(alphabet="推荐系统用户反馈模型中文的是了在有和与不为个学习数据评估论文（），：。、“”", min_size=1,
              max_size=12)
ASCII_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
ACCENTED_WORD = st.builds(lambda a, c, b: a + c + b, ASCII_WORD, st.sampled_from("éíčšřžüöñçãåł"),
                          ASCII_WORD)
SYMBOL = st.sampled_from(["😀", "👍🏽", "🏅", "x²", "≤", "∑", "∞", "→", "½", "©", "±", "’s", "“q”", "—"])
TOKEN = st.one_of(CJK, ASCII_WORD, ACCENTED_WORD, SYMBOL)
TEXT = st.lists(TOKEN, min_size=1, max_size=30).flatmap(
    lambda tokens: st.lists(st.sampled_from([" ", "\n", " | "]), min_size=len(tokens),
                            max_size=len(tokens)).map(
        lambda seps: "".join(t + s for t, s in zip(tokens, seps, strict=True))))


def _no_lost_bytes(text: str) -> bool:
    """True when cp1254 can carry every byte of the text (nothing would be dropped)."""
    return mojibake(text, "cp1254").encode("cp1254") == text.encode("utf-8")


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_repairing_clean_text_is_the_identity(text: str) -> None:
    assert repair_text(text).text == text


@settings(max_examples=100, deadline=None)
@given(TEXT)
def test_repairing_twice_equals_repairing_once(text: str) -> None:
    once = repair_text(mojibake(text, "cp1254", frozenset({0xAD}))).text
    assert repair_text(once).text == once


@settings(max_examples=150, deadline=None)
@given(TEXT.filter(_no_lost_bytes))
def test_corruption_without_lost_bytes_is_undone_exactly_where_it_looks_like_mojibake(text: str) -> None:
    # the plausibility gate works line by line, as ftfy.fix_text does: a line that shows mojibake (to
    # ftfy's heuristics, or as Chinese) is undone exactly; a line where a lone "Ã¥" (å) may be
    # legitimate text is either undone or left as it is, never changed into anything else
    corrupt = mojibake(text, "cp1254")
    repaired = repair_text(corrupt).text
    for original, damaged, result in zip(text.split("\n"), corrupt.split("\n"), repaired.split("\n"), strict=True):
        if is_bad(damaged) or any(language.is_cjk(char) for char in original):
            assert result == original
        else:
            assert result in (original, damaged)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(ACCENTED_WORD, SYMBOL, ASCII_WORD), min_size=1, max_size=12))
def test_clean_words_next_to_mojibake_on_the_same_line_are_not_changed(tokens: list[str]) -> None:
    clean = " ".join(tokens)
    damaged = mojibake("推荐系统的反馈：", "cp1252", SOFT_HYPHEN)  # ž, š exist in cp1252: one code page
    assert repair_text(f"{damaged} {clean}").text == f"推荐系统的反馈： {clean}"
