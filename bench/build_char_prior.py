"""Rebuild `pipeline/encoding/char_prior.json` (per-character frequencies of non-CJK characters) and
`pipeline/encoding/zh_words.marshal.zlib` (the default Chinese word model as a precomputed trie) and
`pipeline/encoding/ko_syllables.marshal.zlib` (the Korean syllable bigram).

Run by hand (`.venv/bin/python bench/build_char_prior.py`); the repair stage only reads the JSON so a
run never pays the seconds this takes. Sources, all offline in the `wordfreq` package:
letters of Latin-script languages (each language weighted equally, so a Czech "č" counts as much as
a French "é") and emoji/symbol tokens of the English list.
"""

from __future__ import annotations

import json
from importlib import metadata
import math
import unicodedata
from collections import defaultdict
from pathlib import Path

import wordfreq

LATIN_LANGUAGES = (
    "en de fr es it pt nl sv da nb fi is pl cs sk sl sh hu ro tr lt lv vi ca id ms fil"
).split()
TOP_WORDS = 60_000
OUT = Path(__file__).resolve().parents[1] / "pipeline" / "encoding" / "char_prior.json"


def latin_letter_frequencies() -> dict[str, dict[str, float]]:
    """P(letter | language) for each language, letters counted inside word tokens."""
    total: dict[str, dict[str, float]] = {}
    for language in LATIN_LANGUAGES:
        counts: dict[str, float] = defaultdict(float)
        for word, freq in list(wordfreq.get_frequency_dict(language, "best").items())[:TOP_WORDS]:
            for char in word:
                if char.isalpha() and not ("\u3400" <= char <= "\u9fff"):
                    counts[char] += freq
                    upper = char.upper()
                    if len(upper) == 1 and upper != char:
                        counts[upper] += freq * 0.05  # capitals: names and sentence starts
        mass = sum(counts.values())
        total[language] = {char: value / mass for char, value in counts.items()}
    return total


def symbol_frequencies() -> dict[str, float]:
    """Single-code-point symbols (emoji, dingbats) as tokens of the English list."""
    out: dict[str, float] = defaultdict(float)
    for word, freq in wordfreq.get_frequency_dict("en", "best").items():
        for char in word:
            if unicodedata.category(char).startswith("S") and ord(char) > 0x2000:
                out[char] += freq
    return out


def write_word_table() -> None:
    """The wordfreq Chinese word model as the compact table `language.word_model` loads first."""
    from pipeline.encoding import language

    model = language.build_word_model(language._wordfreq_frequencies(), language.WORD_TABLE_MAX_LENGTH,
                                      "wordfreq")
    size = language.write_word_table(model)
    print(f"wrote {len(model.best_use)} characters' word trie ({size / 1e6:.2f} MB) to "
          f"{language.WORD_TABLE_PATH} (wordfreq {metadata.version('wordfreq')})")


def write_context_table() -> None:
    """Part-of-speech context of single-character words, from jieba's tagging HMM (posseg).

    jieba's HMM (trained on a tagged corpus) gives state transitions (B/M/E/S x tag) and per-state
    character emissions. From them, per character: P(tag | the character is a one-character word),
    and how much more (or less) likely a one-character word of each tag is right after a word ending
    in the character (`left`) or right before a word starting with it (`right`), relative to any
    word boundary. Ratios are stored as rounded log-ratios; near-zero ones are dropped.
    """
    import math
    import os
    import pickle

    import jieba

    from pipeline.encoding import language

    folder = os.path.join(os.path.dirname(jieba.__file__), "posseg")
    emit, trans, start = (pickle.load(open(os.path.join(folder, f"prob_{name}.p"), "rb"))
                          for name in ("emit", "trans", "start"))
    states = sorted(trans)
    share = {s: math.exp(v) for s, v in start.items() if v > -1e99}
    for _ in range(40):  # state marginals: iterate the chain to (near) stationarity
        following: dict = {}
        for state, p in share.items():
            for after, logp in trans[state].items():
                following[after] = following.get(after, 0.0) + p * math.exp(logp)
        total = sum(following.values())
        share = {state: value / total for state, value in following.items()}
    ends = [s for s in states if s[0] in "ES" and share.get(s, 0) > 0]
    end_mass = sum(share[s] for s in ends)
    next_share: dict = {}  # the state after a word boundary
    for state in ends:
        for after, logp in trans[state].items():
            next_share[after] = next_share.get(after, 0.0) + share[state] / end_mass * math.exp(logp)
    starts = [s for s in next_share if s[0] in "BS"]
    tags = sorted({s[1] for s in states if s[0] == "S" and next_share.get(s, 0) > 0})

    def emission(state, char):
        value = emit.get(state, {}).get(char)
        return math.exp(value) if value is not None else 0.0

    def compact(ratios):
        return {tag: round(math.log(r), 2) for tag, r in ratios.items() if r > 0 and abs(math.log(r)) >= 0.05}

    left, right, tag_of = {}, {}, {}
    for char in sorted({c for table in emit.values() for c in table}):
        if not language.is_cjk(char):
            continue
        weights = {s: share[s] * emission(s, char) for s in ends}
        norm = sum(weights.values())
        if norm > 0:
            left[char] = compact({tag: sum(w / norm * math.exp(trans[s].get(("S", tag), -1e9))
                                           for s, w in weights.items() if w) / next_share[("S", tag)]
                                  for tag in tags})
        base = sum(next_share[s] * emission(s, char) for s in starts)
        if base > 0:
            right[char] = compact({tag: sum(math.exp(trans[("S", tag)].get(s, -1e9)) * emission(s, char)
                                            for s in starts) / base for tag in tags})
        weights = {tag: share.get(("S", tag), 0.0) * emission(("S", tag), char) for tag in tags}
        norm = sum(weights.values())
        if norm > 0:
            tag_of[char] = {tag: round(w / norm, 3) for tag, w in weights.items() if w / norm >= 1e-3}
    size = language.write_context_table({"left": left, "right": right, "tags": tag_of})
    print(f"wrote part-of-speech context of {len(tag_of)} characters ({size / 1e6:.2f} MB) to "
          f"{language.CONTEXT_TABLE_PATH} (jieba {metadata.version('jieba')})")


def write_hangul_table() -> None:
    """The Korean syllable bigram (`pipeline.encoding.hangul`) from wordfreq's Korean list."""
    from pipeline.encoding import hangul

    table = hangul.build_table(wordfreq.get_frequency_dict("ko", "best"))
    size = hangul.write_table(table)
    print(f"wrote {len(table['unigram'])} syllables, {len(table['within'])} in-token pairs "
          f"({size / 1e6:.2f} MB) to {hangul.TABLE_PATH} (wordfreq {metadata.version('wordfreq')})")


def main() -> None:
    write_word_table()
    write_context_table()
    write_hangul_table()
    letters = latin_letter_frequencies()
    symbols = symbol_frequencies()
    table = {
        "languages": {
            language: {c: round(math.log(p), 3) for c, p in sorted(dist.items()) if p > 1e-7}
            for language, dist in letters.items()
        },
        "symbols": {c: round(math.log(p), 3) for c, p in sorted(symbols.items()) if p > 1e-9},
    }
    OUT.write_text(json.dumps(table, ensure_ascii=False, separators=(",", ":")) + "\n",
                   encoding="utf-8")
    print(f"wrote {sum(map(len, table['languages'].values()))} letters, "
          f"{len(table['symbols'])} symbols to {OUT}")


if __name__ == "__main__":
    main()
