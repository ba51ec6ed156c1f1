"""The language model that chooses between candidate characters: cheap lookups, loaded once.

Chinese: a unigram *word* model (wordfreq's zh list by default, jieba's dictionary as an
alternative) used over a lattice, because one character rarely decides alone — "åé¦ˆ" is
反馈 only because 反馈 is a word. Everything else: a per-character prior (letters of Latin-script
languages mixed by the letters already on the line, symbols and emoji from wordfreq, and a small
hand table of punctuation) plus context rules (letter case, bracket and quote pairing, ZWJ
between pictographs).
"""

from __future__ import annotations

import json
import math
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
FLOOR = math.log(1e-9)
PRIOR_PATH = Path(__file__).with_name("char_prior.json")

PUNCTUATION_FREQUENCY: dict[str, float] = {
    # Rough per-token frequencies in mixed Chinese/English prose; only their order matters much.
    "，": 5e-2, "。": 3e-2, "、": 1e-2, "：": 5e-3, "“": 5e-3, "”": 5e-3, "（": 4e-3, "）": 4e-3,
    "；": 2e-3, "！": 2e-3, "？": 2e-3, "’": 3e-3, "‘": 1e-3, "《": 1e-3, "》": 1e-3, "—": 1e-3,
    "…": 1e-3, "–": 5e-4, "·": 5e-4, "•": 5e-4, "【": 5e-4, "】": 5e-4, "「": 5e-4, "」": 5e-4,
    "『": 1e-4, "』": 1e-4, "→": 3e-4, "←": 1e-4, "↑": 1e-4, "↓": 1e-4, "×": 2e-4, "≥": 1e-4,
    "≤": 1e-4, "±": 1e-4, "°": 2e-4, "€": 2e-4, "£": 1e-4, "¥": 1e-4, "©": 1e-4, "®": 1e-4,
    "™": 1e-4, "‐": 5e-5, "‑": 2e-5, "∞": 5e-5, "∏": 2e-5, "∑": 3e-5, "√": 3e-5, "≈": 5e-5,
    "\u00a0": 1e-4, "\u3000": 2e-4, "\u00ad": 1e-5, "\u200d": 1e-6, "‰": 2e-5, "※": 2e-5,
    "〈": 5e-5, "〉": 5e-5, "〔": 3e-5, "〕": 3e-5, "〖": 2e-5, "〗": 2e-5, "〝": 1e-6, "〞": 1e-6,
    "▪": 2e-5, "■": 3e-5, "□": 3e-5, "●": 5e-5, "○": 3e-5, "★": 5e-5, "☆": 3e-5, "✓": 5e-5,
    "✔": 5e-5, "❤": 1e-5, "⭐": 1e-5, "„": 5e-4, "‚": 1e-5,
}
CATEGORY_FLOOR: dict[str, float] = {"L": 1e-8, "P": 1e-7, "S": 1e-8, "N": 1e-8, "Z": 1e-8}
PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "【": "】", "（": "）", "《": "》",
         "〈": "〉", "〔": "〕", "〖": "〗", "〝": "〞", "(": ")", "[": "]", "„": "“", "‚": "‘"}
CLOSERS = {close: open_ for open_, close in PAIRS.items() if open_ not in "„‚"}


@dataclass(frozen=True)
class WordModel:
    """Log-probabilities of Chinese words, with every proper prefix of a longer word."""

    words: dict[str, float]
    prefixes: frozenset[str]
    max_length: int
    best_use: dict[str, float]  # per character: log-probability of the likeliest word containing it


def is_cjk(char: str) -> bool:
    """True for a Han character (the ones the word model knows about)."""
    return CJK_RE.match(char) is not None


@lru_cache(maxsize=4)
def word_model(source: str = "wordfreq", max_length: int = 4) -> WordModel:
    """Load (once per process) the Chinese word model; see `RepairConfig.word_source`."""
    frequencies = _jieba_frequencies() if source == "jieba" else _wordfreq_frequencies()
    if source == "chars":
        max_length = 1
    words: dict[str, float] = {}
    prefixes: set[str] = set()
    best_use: dict[str, float] = {}
    for word, frequency in frequencies.items():
        if len(word) > max_length or frequency <= 0 or not CJK_RE.fullmatch(word):
            continue
        words[word] = logp = math.log(frequency)
        prefixes.update(word[:cut] for cut in range(1, len(word)))
        for char in word:
            if logp > best_use.get(char, FLOOR):
                best_use[char] = logp
    return WordModel(words, frozenset(prefixes), max_length, best_use)


def _wordfreq_frequencies() -> dict[str, float]:
    """wordfreq's Chinese list (the 'best' size), frequencies per token."""
    import wordfreq

    return wordfreq.get_frequency_dict("zh", "best")


def _jieba_frequencies() -> dict[str, float]:
    """jieba's dict.txt counts, normalised to frequencies."""
    import jieba

    counts: dict[str, float] = {}
    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            word, count, *_ = line.split(" ")
            counts[word] = counts.get(word, 0.0) + float(count)
    total = sum(counts.values())
    return {word: count / total for word, count in counts.items()}


@lru_cache(maxsize=1)
def _prior_tables() -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Per-language letter log-probabilities and symbol log-probabilities (bench/build_char_prior.py)."""
    table = json.loads(PRIOR_PATH.read_text(encoding="utf-8"))
    return table["languages"], table["symbols"]


@lru_cache(maxsize=1)
def _mean_letter_prior() -> dict[str, float]:
    """Letters averaged over all languages: the prior when a line gives no hint of its language."""
    languages, _ = _prior_tables()
    total: dict[str, float] = {}
    for letters in languages.values():
        for char, logp in letters.items():
            total[char] = total.get(char, 0.0) + math.exp(logp) / len(languages)
    return {char: math.log(p * 0.3) for char, p in total.items()}


@lru_cache(maxsize=256)
def letter_prior(context_letters: str) -> dict[str, float]:
    """Letter log-probabilities for a line whose accented letters are `context_letters`.

    A line with ě and š is Czech-like, so there Ä+lost byte is č rather than Latvian ā: the
    languages are weighted by how well they explain the accented letters already on the line.
    """
    if not context_letters:
        return _mean_letter_prior()
    languages, _ = _prior_tables()
    weights = {name: sum(letters.get(c, -16.0) for c in context_letters)
               for name, letters in languages.items()}
    top = max(weights.values())
    weights = {name: math.exp(w - top) for name, w in weights.items()}
    norm = sum(weights.values())
    mixed: dict[str, float] = {}
    for name, weight in weights.items():
        if weight / norm < 1e-4:
            continue
        for char, logp in languages[name].items():
            mixed[char] = mixed.get(char, 0.0) + weight / norm * math.exp(logp)
    return {char: math.log(p * 0.3) for char, p in mixed.items()}


def char_prior(char: str, letters: dict[str, float]) -> float:
    """Log-probability of a non-Chinese character standing alone."""
    if char in PUNCTUATION_FREQUENCY:
        return math.log(PUNCTUATION_FREQUENCY[char])
    if char in letters:
        return letters[char]
    _, symbols = _prior_tables()
    if char in symbols:
        return symbols[char]
    category = unicodedata.category(char)
    return math.log(CATEGORY_FLOOR.get(category[0], 1e-11))


def context_bonus(char: str, before: str, after: str, line: str, index: int) -> float:
    """Log-score adjustment of `char` at line[index] from its neighbours and the rest of its line.

    >>> context_bonus("í", "d", "k", "dík", 1) > context_bonus("Í", "d", "k", "dÍk", 1)
    True
    >>> context_bonus("”", "a", " ", "“a? ", 2) > context_bonus("、", "a", " ", "“a? ", 2)
    True
    """
    bonus = _case_bonus(char, before, after) + _joiner_bonus(char, before, after)
    if char in CLOSERS or char in PAIRS:
        bonus += _pair_bonus(char, line[:index], line[index + 1:])
    return bonus


def _case_bonus(char: str, before: str, after: str) -> float:
    """Inside a lower-case word a capital is very unlikely (KordÃk is Kordík, not KordÍk)."""
    if not char.isalpha() or char.lower() == char.upper():
        return 0.0
    if before.isalpha() and before.islower() and char.isupper():
        return math.log(1e-3)
    if after.isalpha() and after.islower() and before.isalpha() and char.isupper():
        return math.log(1e-2)
    if before.isalpha() and before.isupper() and char.islower() and not (after.isalpha() and after.islower()):
        return math.log(1e-2)  # HLAVNÃ[ is HLAVNÍ[
    return 0.0


def _pair_bonus(char: str, line_before: str, line_after: str) -> float:
    """Brackets and quotes come in pairs: reward a closer whose opener is open, and vice versa."""
    if char in CLOSERS:
        opener = CLOSERS[char]
        return math.log(30.0) if line_before.count(opener) > line_before.count(char) else \
            math.log(0.3)
    if char in PAIRS:
        closer = PAIRS[char]
        return math.log(30.0) if line_after.count(closer) > line_after.count(char) else \
            math.log(0.3)
    return 0.0


def _joiner_bonus(char: str, before: str, after: str) -> float:
    """ZERO WIDTH JOINER lives between two pictographs (👨‍💻), the soft hyphen inside words."""
    if char == "\u200d":
        return math.log(1e4) if _pictograph(before) and _pictograph(after) else 0.0
    if char == "\u00ad":
        return math.log(1e2) if before.isalpha() and after.isalpha() else 0.0
    return 0.0


def _pictograph(char: str) -> bool:
    """An emoji-like symbol (or a variation selector after one)."""
    return bool(char) and (unicodedata.category(char) == "So" or char == "\ufe0f")
