"""Every option of the repair stage in one place, and the ftfy configuration it relies on.

Like ftfy's `TextFixerConfig`, `RepairConfig` is a NamedTuple: immutable, hashable (so candidate
tables can be cached per configuration) and printable, so a run can record exactly how it repaired.
"""

from __future__ import annotations

from typing import NamedTuple

import ftfy

LOW_CONFIDENCE_BELOW = 0.6
"""A `lost_byte` guess whose confidence is below this is flagged for review (`TextRepair.low_confidence`)."""

FTFY_SAFE_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,  # "&amp;" in Markdown source is data, not an encoding accident
    remove_terminal_escapes=False,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=False,  # would turn repairable stretches into U+FFFD
    decode_inconsistent_utf8=True,
    fix_c1_controls=False,
    fix_latin_ligatures=False,
    fix_character_width=False,  # default turns full-width （，： into ASCII (,:
    uncurl_quotes=False,  # default straightens ’“” into '"
    fix_line_breaks=False,  # would rewrite \r\n and change clean lines
    fix_surrogates=False,
    remove_control_chars=False,
    normalization=None,  # NFC/NFKC would rewrite legitimate (e.g. decomposed or compatibility) text
    explain=False,
)
"""ftfy restricted to re-decoding mojibake: it must never alter a legitimate character."""

FTFY_FALLBACK_CONFIG = FTFY_SAFE_CONFIG._replace(replace_lossy_sequences=True, fix_c1_controls=True)
"""ftfy's own `fix_encoding` steps, for lines our code page could not explain: there a sequence that
lost bytes becomes U+FFFD (the loss made visible, as ftfy does) and a C1 control its cp1252 character."""


class RepairConfig(NamedTuple):
    """Options of `repair_text`; the defaults are what the pipeline runs with."""

    codepages: tuple[str, ...] = ("cp1252", "cp1254", "cp1250", "cp1257", "latin-1")
    """Single-byte code pages that may have mis-decoded the UTF-8; the one explaining most is used.
    On a tie the earlier one wins (cp1252 is by far the most common culprit)."""

    lost_bytes: frozenset[int] | None = None
    """Byte values known to be lost; None detects them from the text (undefined in the code page,
    invisible like the soft hyphen 0xAD, or absent although the text is long enough to show them)."""

    absent_byte_min_continuations: int = 2048
    """Only call a *visible* byte lost for being absent when at least this many continuation bytes
    were seen (with 64 possible values, absence is then evidence rather than chance)."""

    word_source: str = "wordfreq"
    """Chinese word prior: 'wordfreq' (wordfreq's zh list, with 5 % of the mass given to the words
    of simplified-Chinese software translations: the precomputed table, bench/build_char_prior.py),
    'jieba' (jieba's dict.txt) or 'chars' (single characters only); measured in bench/repair_eval.py."""

    max_word_length: int = 4
    """Longest Chinese word the lattice looks up."""

    low_confidence_below: float = LOW_CONFIDENCE_BELOW
    """Guesses below this confidence are listed by `RepairResult.low_confidence()`."""

    hangul_min_confidence: float = 0.5
    """A damaged slot read as a Hangul syllable is changed only when the Korean syllable model gives
    the reading at least this confidence (and the line holds Hangul besides); else it stays as it is."""

    max_alternatives: int = 3
    """Runner-up characters kept per guess in `TextRepair.alternatives`."""

    use_ftfy_fallback: bool = True
    """Hand lines that still look like mojibake after our repair to ftfy (with FTFY_SAFE_CONFIG)."""

    word_codepages: tuple[str, ...] = ("macroman", "cp1251", "cp437", "cp1250", "iso-8859-2", "cp1257",
                                       "cp1252", "cp1254", "latin-1")
    """Code pages a single word may have been mis-decoded through, tried in this order on lines
    nothing else changed; a reading counts only when a word list knows it (`words.py`)."""

    gbk: bool = True
    """Also repair UTF-8 read as GBK/GB18030 (鎺ㄨ崘绯荤粺 for 推荐系统) on lines nothing else changed."""

    min_units: int = 1
    """Fewest well-formed mojibake sequences a text needs before it is treated as mojibake at all."""
