"""Rebuild `pipeline/encoding/char_prior.json` (per-character frequencies of non-CJK characters) and
`pipeline/encoding/zh_words.marshal.zlib` (the default Chinese word model as a precomputed trie).

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


def main() -> None:
    write_word_table()
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
