"""The language model that chooses between candidate characters: cheap lookups, loaded once.

Chinese: a unigram *word* model (wordfreq's zh list mixed with words of technical text by
default, jieba's dictionary as an alternative) used over a lattice, because one character rarely
decides alone — "åé¦ˆ" is 反馈 only because 反馈 is a word. A damaged character read as a
one-character word also gets a context score from its fixed neighbours (`single_word_context`,
counted across word boundaries in segmented running text): 中, 与 and 不 share their damaged bytes
and only context tells them apart. Everything else: a per-character prior (letters of Latin-script
languages mixed by the letters already on the line, symbols and emoji from wordfreq, and a small
hand table of punctuation) plus context rules (letter case, bracket and quote pairing, ZWJ
between pictographs).
"""

from __future__ import annotations

import gc
import json
import marshal
import math
import os
import re
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
FLOOR = math.log(1e-9)
PRIOR_PATH = Path(__file__).with_name("char_prior.json")
WORD_TABLE_PATH = Path(__file__).with_name("zh_words.marshal.zlib")
WORD_TABLE_FORMAT = "zh-word-trie/2"  # 2: the header (with best_use) and the trie in two zlib streams
WORD_TABLE_MAX_LENGTH = 4
CONTEXT_TABLE_PATH = Path(__file__).with_name("zh_context.marshal.zlib")
CONTEXT_TABLE_FORMAT = "zh-boundary-context/2"  # 2: counts across word boundaries (1: jieba's POS HMM)
CONTEXT_PSEUDO_COUNT = 5.0  # κ of `single_word_context` (1-20 measured within 0.2 pt on the tuning lines)

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


Trie = dict[str, tuple[float | None, "Trie | None"]]
"""A character trie: char -> (log-probability of the word ending here or None, children or None)."""


@dataclass(frozen=True)
class WordModel:
    """Log-probabilities of Chinese words, as a character trie (one small-dict lookup per step)."""

    trie: Trie
    max_length: int
    best_use: dict[str, float]  # per character: log-probability of the likeliest word containing it
    source: str = "wordfreq"  # the `RepairConfig.word_source` it was loaded for

    @classmethod
    def from_logps(cls, logps: dict[str, float], max_length: int, source: str = "custom") -> WordModel:
        """Build the trie from word log-probabilities (words longer than `max_length` are skipped).

        >>> model = WordModel.from_logps({"反馈": -8.0, "反": -9.0}, 4)
        >>> model.logp("反馈"), model.logp("反"), model.logp("馈")
        (-8.0, -9.0, None)
        """
        nodes: dict = {}
        best_use: dict[str, float] = {}
        for word, logp in logps.items():
            if len(word) > max_length:
                continue
            level = nodes
            for depth, char in enumerate(word):
                entry = level.setdefault(char, [None, None])
                if depth == len(word) - 1:
                    entry[0] = logp
                else:
                    level = entry[1] = entry[1] if entry[1] is not None else {}
            for char in word:
                if logp > best_use.get(char, FLOOR):
                    best_use[char] = logp
        return cls(_freeze(nodes), max_length, best_use, source)

    def logp(self, word: str) -> float | None:
        """Log-probability of `word`, None when it is not in the model."""
        level: Trie | None = self.trie
        entry = None
        for char in word:
            if level is None or (entry := level.get(char)) is None:
                return None
            level = entry[1]
        return entry[0] if entry else None


def _freeze(nodes: dict) -> Trie:
    """Lists (mutable while building) to tuples."""
    return {char: (entry[0], _freeze(entry[1]) if entry[1] else None) for char, entry in nodes.items()}


def is_cjk(char: str) -> bool:
    """True for a Han character (the ones the word model knows about)."""
    return CJK_RE.match(char) is not None


def word_model(source: str = "wordfreq", max_length: int = 4) -> WordModel:
    """Load (once per process) the Chinese word model; see `RepairConfig.word_source`.

    The default (wordfreq, up to 4 characters) comes from the precomputed table
    `zh_words.marshal.zlib` (bench/build_char_prior.py writes it): loading it is a fraction of the
    time building the trie from wordfreq's list takes. Other choices are built from their source.
    """
    # one cache entry per model however it is asked for (word_model() and word_model("wordfreq", 4)
    # used to load two copies of the trie)
    return _load_word_model(source, max_length)


@lru_cache(maxsize=4)
def _load_word_model(source: str, max_length: int) -> WordModel:
    if source == "chars" and max_length != 1:
        return _load_word_model("chars", 1)  # one entry per distinct model
    model = None
    if source == "wordfreq" and max_length == WORD_TABLE_MAX_LENGTH:
        table = load_word_table()
        if table is not None:
            model = WordModel(table["trie"], max_length, table["best_use"], source)
    if model is None:
        frequencies = _jieba_frequencies() if source == "jieba" else _wordfreq_frequencies()
        model = build_word_model(frequencies, max_length, source)
    _exempt_from_collection()
    return model


def _exempt_from_collection() -> None:
    """Move every object alive now (the trie above all) out of the cyclic garbage collector's reach.

    The trie is ~120 000 dicts and tuples that live as long as the process and never form garbage,
    yet every full collection walks them: on dense damage a document triggers a full collection
    about every other run, each costing ~0.1 s per loaded model (longer than ftfy takes on a large
    part of the text). `gc.freeze` moves the objects to the permanent generation; reference counting
    still frees them as usual, only cycles among objects alive at this moment are never collected.
    """
    gc.freeze()


def build_word_model(frequencies: dict[str, float], max_length: int, source: str) -> WordModel:
    """The word model from per-token frequencies (Han-only words of at most `max_length`)."""
    logps = {word: math.log(frequency) for word, frequency in frequencies.items()
             if len(word) <= max_length and frequency > 0 and CJK_RE.fullmatch(word)}
    return WordModel.from_logps(logps, max_length, source)


def load_word_table(path: Path | None = None) -> dict | None:
    """The precomputed default word model, or None when missing or unreadable (then it is rebuilt)."""
    read = _read_word_table_header(path or WORD_TABLE_PATH)
    if read is None:
        return None
    header, packed_trie = read
    try:
        return {**header, "trie": marshal.loads(zlib.decompress(packed_trie))}
    except (ValueError, EOFError, TypeError, zlib.error):
        return None


def _read_word_table_header(path: Path) -> tuple[dict, bytes] | None:
    """The table's header (format, max_length, best_use) and its trie still compressed, or None.

    The header is a zlib stream of its own ahead of the trie's, so `char_best_use` reads it alone:
    ~0.01 s against ~0.3 s for the trie (120 000 dicts to build)."""
    try:
        stream = zlib.decompressobj()
        header = marshal.loads(stream.decompress(path.read_bytes()))
    except (OSError, ValueError, EOFError, TypeError, zlib.error):
        return None
    if not isinstance(header, dict) or header.get("format") != WORD_TABLE_FORMAT or not stream.eof:
        return None
    return header, stream.unused_data


def write_word_table(model: WordModel, path: Path | None = None) -> int:
    """Store `model` as the precomputed table (header, then trie: see `_read_word_table_header`);
    returns its size in bytes."""
    header = {"format": WORD_TABLE_FORMAT, "max_length": model.max_length, "best_use": model.best_use}
    data = zlib.compress(marshal.dumps(header), 9) + zlib.compress(marshal.dumps(model.trie), 9)
    (path or WORD_TABLE_PATH).write_bytes(data)
    return len(data)


def char_best_use(source: str = "wordfreq", max_length: int = 4) -> dict[str, float]:
    """`word_model(source, max_length).best_use` (per Han character, the log-probability of the
    likeliest word using it), without loading the trie when the precomputed table holds it.

    Judging an exact re-decoding into Han, or ranking a lost byte's candidates, needs only this;
    the trie is for scoring words, which only lost-byte guesses do. A one-line `pipeline repair`
    of mojibake that lost nothing so skips the trie's load."""
    if source == "wordfreq" and max_length == WORD_TABLE_MAX_LENGTH:
        best_use = _table_best_use()
        if best_use is not None:
            return best_use
    return word_model(source, max_length).best_use


@lru_cache(maxsize=1)
def _table_best_use() -> dict[str, float] | None:
    read = _read_word_table_header(WORD_TABLE_PATH)
    return read[0]["best_use"] if read is not None else None


def write_context_table(tables: dict, path: Path | None = None) -> int:
    """Store the boundary-context counts (bench/build_char_prior.py); returns the size in bytes."""
    data = zlib.compress(marshal.dumps({"format": CONTEXT_TABLE_FORMAT, **tables}), 9)
    (path or CONTEXT_TABLE_PATH).write_bytes(data)
    return len(data)


@lru_cache(maxsize=1)
def _context_tables() -> tuple[dict, dict, dict, dict, dict, int] | None:
    """(alone, left, right, before, after, words) of `zh_context.marshal.zlib`, or None when missing
    or of another format (no context then)."""
    try:
        table = marshal.loads(zlib.decompress(CONTEXT_TABLE_PATH.read_bytes()))
    except (OSError, ValueError, EOFError, TypeError, zlib.error):
        return None
    if not isinstance(table, dict) or table.get("format") != CONTEXT_TABLE_FORMAT:
        return None
    return (table["alone"], table["left"], table["right"], table["before"], table["after"],
            table["words"])


BOUNDARY_PUNCTUATION = {",": "，", ".": "。", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（",
                        ")": "）", '"': "“", "「": "“", "」": "”"}


def boundary_class(char: str) -> str:
    """What the context model knows of a neighbour: a Han character itself, a common punctuation
    mark (half- and full-width alike), "A" for Latin letters, digits and spaces (mixed text such
    as "LLM 中"), "P" for anything else. A comma after 中 and a Latin word after 与 are different
    evidence, so they are not one "not Han" class.

    >>> [boundary_class(c) for c in "文,，A 7—"]
    ['文', '，', '，', 'A', 'A', 'A', 'P']
    """
    if is_cjk(char):
        return char
    char = unicodedata.normalize("NFKC", char) or char
    char = BOUNDARY_PUNCTUATION.get(char, char)
    if char in "，。：；！？（）、《》“”":
        return char
    return "A" if char.isalnum() or char.isspace() else "P"


@lru_cache(maxsize=262_144)
def single_word_context(before: str, char: str, after: str) -> float:
    """Log-ratio: how much likelier Han `char` is as a one-character word next to the characters
    `before` and `after` than next to any neighbour ('' = unknown, e.g. another damaged slot).

    Counted in word-segmented running text (bench/build_char_prior.py): how often the one-character
    word `char` follows a word ending in `before` (and precedes one starting with `after`), against
    how often it would by chance, each side log((seen + κ) / (expected + κ)). The pseudo-count κ
    keeps a pair that is rare only because both characters are rare near no evidence, while a pair
    of common characters never seen together counts against. 中 (after a noun, before a comma), 不
    (before a verb) and 与 (between nouns) share their damaged bytes: the unigram word model cannot
    tell them apart, this is what context adds.

    >>> single_word_context("统", "中", "，") > single_word_context("统", "不", "，")
    True
    """
    tables = _context_tables()
    if tables is None or not (before or after):
        return 0.0
    alone, left, right, before_counts, after_counts, words = tables
    count = alone.get(char, 0)
    total = 0.0
    if before:
        side = boundary_class(before)
        total += _evidence(left.get(side + char, 0), before_counts.get(side, 0) * count / words)
    if after:
        side = boundary_class(after)
        total += _evidence(right.get(char + side, 0), after_counts.get(side, 0) * count / words)
    return total


def _evidence(seen: int, expected: float) -> float:
    """log((seen + κ) / (expected + κ)): a pair met more often than chance would have it is for."""
    return math.log((seen + CONTEXT_PSEUDO_COUNT) / (expected + CONTEXT_PSEUDO_COUNT))


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


@lru_cache(maxsize=1)
def known_letters() -> frozenset[str]:
    """Every letter some Latin-script language of the prior uses."""
    return frozenset(_mean_letter_prior())


def latin_languages_for(text: str) -> list[str]:
    """The Latin-script languages of the prior, best first at explaining the accented letters of
    `text` (which word lists to look a word up in)."""
    languages, _ = _prior_tables()
    accented = [char for char in text.lower() if char.isalpha() and not char.isascii()]
    return sorted(languages, key=lambda name: -sum(languages[name].get(char, -16.0) for char in accented))


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
    anywhere = _mean_letter_prior()  # a letter of some language the line's letters do not suggest
    if char in anywhere:
        return anywhere[char] + math.log(1e-2)
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
