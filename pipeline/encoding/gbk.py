"""UTF-8 read as GBK/GB18030 (`鎺ㄨ崘绯荤粺` for 推荐系统): the most common Chinese mojibake.

A stretch of non-ASCII characters is encoded back with GB18030 and decoded as UTF-8. Where the
decoder lost a byte (an odd byte at the end of a stretch, shown as U+FFFD), the byte is one unknown
continuation: the short UTF-8 unit gets every character it could have been as candidates, and the
same word lattice as the code-page lost bytes (`choose`) picks them. A stretch is changed only when
the word model finds the reading far more Chinese than the original (`GBK_MARGIN`): legitimate
Chinese almost never re-decodes, and when it does the result is rare characters, not words.
"""

from __future__ import annotations

import re

from pipeline.encoding import language
from pipeline.encoding.choose import choose
from pipeline.encoding.config import RepairConfig
from pipeline.encoding.cut import Line, Slot
from pipeline.encoding.units import candidates, split_units

CODEC = "gb18030"
RUN_RE = re.compile(r"[^\x00-\x7f]+")
LOST = frozenset(range(0x80, 0xC0))  # a lost byte is a continuation byte: any of them
GBK_MARGIN = 3.0
"""Mean log-probability per character (natural log, best word use) the reading must gain."""
MIN_HAN = 2
"""Fewest Han characters a reading needs: one character tells too little."""


def repair_gbk_line(line: str, config: RepairConfig, cache: dict[tuple, tuple]) -> tuple[str, list[tuple]]:
    """Repair the GBK-mojibake stretches of `line`; returns the line and its changes (one per stretch)."""
    pieces: list[str] = []
    changes: list[tuple] = []
    previous = 0
    for run in RUN_RE.finditer(line):
        start, end = run.span()
        reading = _reading(run.group(), config, cache)
        if reading is None and line.startswith("?", end):  # '?' may stand for the lost byte too
            reading = _reading(run.group() + "\ufffd", config, cache)
            end += reading is not None
        if reading is None:
            continue
        text, method, confidence, alternatives = reading
        pieces.append(line[previous:start])
        pieces.append(text)
        previous = end
        changes.append((start + 1, line[start:end], text, method, confidence, alternatives))
    if not changes:
        return line, []
    pieces.append(line[previous:])
    return "".join(pieces), changes


def _reading(run: str, config: RepairConfig, cache: dict[tuple, tuple]) -> tuple | None:
    """The UTF-8 reading of one stretch (text, method, confidence, runner-ups), None to leave it."""
    if not any(language.is_cjk(char) for char in run):
        return None
    parts = run.split("\ufffd")
    try:
        data = [part.encode(CODEC) for part in parts]
    except UnicodeEncodeError:
        return None
    if len(parts) == 1:
        try:
            text = data[0].decode("utf-8")
        except UnicodeDecodeError:
            return None
        return (text, f"redecode:{CODEC}", 1.0, ()) if _more_chinese(text, run) else None
    return _lossy_reading(run, data, config, cache)


def _lossy_reading(run: str, data: list[bytes], config: RepairConfig, cache: dict[tuple, tuple]) -> tuple | None:
    """A stretch with U+FFFD where a byte was lost: intact units decode, short ones become slots."""
    marker = 0xFF  # never in UTF-8: stands for the lost byte while the units are cut
    joined = bytes([marker]).join(data)
    chars: list[str] = []
    slots: list[Slot] = []
    for kind, value in _units(joined, marker):
        if kind == "char":
            chars.append(value)
        elif kind == "slot":
            options = candidates(value, LOST)
            if not options:
                return None
            slots.append(Slot(len(chars), 1, "\ufffd", options))
            chars.append("\ufffd")
        else:
            return None
    cut = Line(chars, slots, [])
    guesses = choose(cut, config, cache, f"lost_byte:{CODEC}")
    text = "".join(cut.chars)
    if "\ufffd" in text or not _more_chinese(text, run):
        return None
    confidence = min((guess[4] for guess in guesses), default=1.0)
    alternatives = next((guess[5] for guess in guesses if guess[5]), ())
    return text, f"lost_byte:{CODEC}", confidence, alternatives


def _units(joined: bytes, marker: int) -> list[tuple[str, object]]:
    """Cut the bytes into decoded characters ('char'), short units whose missing byte was lost
    ('slot', the bytes present) and anything else ('bad': not UTF-8, so not this mojibake)."""
    out: list[tuple[str, object]] = []
    joined_chunks = joined.split(bytes([marker]))
    for chunk_index, chunk in enumerate(joined_chunks):
        if chunk_index:  # a lost byte sat before this chunk: it ended the previous unit
            if out and out[-1][0] == "open":
                out[-1] = ("slot", out[-1][1])
            elif not (out and out[-1][0] == "slot" and not joined_chunks[chunk_index - 1]):
                return [("bad", None)]  # (several bytes in a row may be lost from one unit)
        units = split_units(chunk)
        position = 0
        for index, unit in enumerate(units):
            out.extend(("char", chr(byte)) for byte in chunk[position:unit.start])  # ASCII as is
            position = unit.end
            piece = chunk[unit.start:unit.end]
            if unit.kind == "intact":
                out.append(("char", unit.text))
            elif unit.kind == "short" and index == len(units) - 1 and unit.end == len(chunk):
                out.append(("open", piece))  # completed by the lost byte that follows, if any
            else:
                return [("bad", None)]
        out.extend(("char", chr(byte)) for byte in chunk[position:])
    if any(kind == "open" for kind, _ in out):
        return [("bad", None)]
    return out


def _more_chinese(reading: str, original: str) -> bool:
    """The reading has Han words the model knows, far likelier per character than the original."""
    han = [char for char in reading if language.is_cjk(char)]
    if len(han) < MIN_HAN:
        return False
    return _mean_logp(reading) - _mean_logp(original) >= GBK_MARGIN


def _mean_logp(text: str) -> float:
    """Mean over the characters of the log-probability of the likeliest word using each (FLOOR
    for a character no word uses; punctuation counts as ordinary)."""
    best_use = language.char_best_use()
    scores = [best_use.get(char, language.FLOOR) if language.is_cjk(char) else
              (-8.0 if not char.isalpha() else language.FLOOR) for char in text]
    return sum(scores) / len(scores) if scores else language.FLOOR
