"""The repair stage: mojibake in, UTF-8 text and a log of every change (with confidence) out.

Per document: profile the damage (code page, lost bytes) once. Per line: a line with no
UTF-8-shaped stretch passes through untouched (fast path). Otherwise each run of code-page
characters is cut into UTF-8 units; intact units are re-decoded exactly (method 'ftfy': the
lossless fix ftfy itself would make), short units get candidate characters and a lattice over each
window of damaged positions picks them (method 'lost_byte').

The jobs live in their own modules: `cut` (line cutting), `choose` (window scoring over
`lattice`), `result` (the log types and frame), `collector` (pausing the garbage collector).
"""

from __future__ import annotations

import math
from difflib import SequenceMatcher
from operator import itemgetter

import ftfy
from ftfy.badness import badness, is_bad

from pipeline.encoding import language
from pipeline.encoding.choose import choose
from pipeline.encoding.codepages import CodePage, MojibakeProfile, codepage, detect_mojibake
from pipeline.encoding.collector import COLLECTOR_PAUSED
from pipeline.encoding.config import FTFY_FALLBACK_CONFIG, RepairConfig
from pipeline.encoding.cut import cut_line, lone_lead
from pipeline.encoding.gbk import repair_gbk_line
from pipeline.encoding.words import repair_words
from pipeline.encoding.result import RepairResult, TextRepair, logged, repairs_frame

__all__ = ["RepairResult", "TextRepair", "repair_line", "repair_text", "repairs_frame"]

STRONG_DOCUMENT_UNITS = 50  # intact sequences after which every line of the document is suspect


def repair_text(text: str, *, source_file: str = "<stdin>",
                config: RepairConfig = RepairConfig()) -> RepairResult:
    """Repair mojibake (with lost bytes) in `text`; clean text comes back unchanged.

    Every line is judged on its own: the document's code page explains its lines first (exact
    re-decodings and lost-byte guesses, each kept only where the original looks like mojibake:
    `plausible_change`); a line that still looks like mojibake afterwards goes to ftfy, which
    knows more code pages and layered mojibake, and the less bad of the two readings is kept.

    >>> repair_text("VojtÄ›ch VanÄura and â€œKordÃkâ€").text
    'Vojtěch Vančura and “Kordík”'
    >>> repair_text("中文（测试），“引号”’").text
    '中文（测试），“引号”’'
    >>> repair_text("NESTLÉ® requiere").text
    'NESTLÉ® requiere'
    """
    profile = detect_mojibake(text, config.codepages, config.lost_bytes,
                              config.absent_byte_min_continuations, config.min_units)
    page = codepage(profile.codepage) if profile is not None else None
    strong = profile is not None and profile.shaped_chars >= STRONG_DOCUMENT_UNITS
    lines = text.split("\n")
    repairs: list[TextRepair] = []
    solved: dict[tuple, tuple] = {}  # windows searched in this document, by content
    with COLLECTOR_PAUSED:
        for index, line in enumerate(lines):
            if line.isascii():
                continue
            repaired, changes, gated = line, [], False
            if page is not None and (page.shape_re.search(line) or strong and lone_lead(line, page)):
                repaired, changes, gated = repair_line(line, page, profile, config, strong, solved)
            if config.use_ftfy_fallback and _ask_ftfy(line, repaired, changes, gated, page if strong else None):
                repaired, changes = _ftfy_if_better(line, repaired, changes, gated)
            if not changes and config.word_codepages:
                repaired, changes = repair_words(line, config.word_codepages)
            if not changes and config.gbk and language.CJK_RE.search(line):
                repaired, changes = repair_gbk_line(line, config, solved)
            if changes:
                lines[index] = repaired
                repairs.extend(logged(source_file, index + 1, changes))
        solved.clear()  # freed before the collector resumes: it need not walk the cache
    return RepairResult("\n".join(lines), repairs, profile, config)


def repair_line(line: str, page: CodePage, profile: MojibakeProfile, config: RepairConfig,
                strong: bool = False, solved: dict[tuple, tuple] | None = None,
                ) -> tuple[str, list[tuple], bool]:
    """Repair one line with the document's code page; returns it, its changes as (column, before,
    after, method, confidence, alternatives), only the plausible ones (`plausible_changes`), and
    whether the gate held a change back."""
    cut = cut_line(line, page, profile, strong)
    exact = f"redecode:{page.name}"
    changes: list[tuple] = [(col, before, after, exact, 1.0, ()) for col, before, after in cut.exact]
    if cut.slots:  # the exact re-decodings are in column order already; the guesses go between
        guesses = choose(cut, config, {} if solved is None else solved, f"lost_byte:{page.name}")
        if guesses:
            changes.extend(guesses)
            changes.sort(key=itemgetter(0))
    kept = plausible_changes(line, changes, strong)
    if len(kept) == len(changes):
        return "".join(cut.chars), changes, False
    return applied(line, kept), kept, True


def plausible_changes(line: str, changes: list[tuple], strong: bool) -> list[tuple]:
    """The plausibility gate: change only what more likely is mojibake than text.

    An exact re-decoding is kept only where ftfy's badness heuristics see mojibake in the changed
    stretch with one neighbour on each side: "NESTLÉ®", "4288×…" and "SELKÄ EDELLÄ" are UTF-8
    shapes but ftfy sees nothing odd in them, so they stay. When every non-ASCII character of the
    line re-decodes and some stretch shows mojibake, all of it is taken (as ftfy decodes a line). ftfy has no pattern for Chinese read as a code page
    either ("ä¹\xa0" is 习), so a re-decoding into common Han characters and CJK punctuation only (each from three
    code-page characters, which legitimate text almost never strings together) is kept too. A lost-byte guess is kept where the heuristics
    see mojibake, or where the line or the document shows it otherwise (an exact re-decoding kept
    on the line, or a document that is evidently mojibake throughout): a lone lead that lost its
    continuation ("KordÃk") has no ftfy pattern, and `cut` only offers it with such evidence."""
    exact = [change for change in changes if not change[3].startswith("lost_byte")]
    kept = [change for change in exact if _common_cjk(change[2]) or _looks_bad(line, change)]
    if kept and len(kept) < len(exact) == len(changes) and _only_ascii_besides(line, exact):
        kept = exact  # the whole line re-decodes and shows mojibake: ftfy too takes it whole
    evidence = strong or bool(kept)
    kept.extend(change for change in changes if change[3].startswith("lost_byte")
                and (evidence or _looks_bad(line, change)))
    if len(kept) < len(changes):
        kept.sort(key=itemgetter(0))
    return kept


COMMON_HAN_LOGP = math.log(1e-6)
"""A Han character is common when some word containing it is at least this frequent (wordfreq)."""


def _common_cjk(text: str) -> bool:
    """Every character of `text` is a Han character some frequent word uses, or CJK or
    full-width punctuation (U+3000-U+303F, U+FF00-U+FFEF: "ï¼›" is ；)."""
    best_use = language.word_model().best_use
    return all("\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef"
               or language.is_cjk(char) and best_use.get(char, language.FLOOR) >= COMMON_HAN_LOGP
               for char in text)


def _only_ascii_besides(line: str, changes: list[tuple]) -> bool:
    """Every non-ASCII character of `line` is inside one of the changes."""
    return applied(line, [(column, before, "", *rest) for column, before, _, *rest in changes]).isascii()


def _looks_bad(line: str, change: tuple) -> bool:
    """ftfy's `is_bad` on the changed stretch with one neighbour on each side."""
    column, before = change[0], change[1]
    return is_bad(line[max(column - 2, 0):column - 1 + len(before) + 1])


def applied(line: str, changes: list[tuple]) -> str:
    """`line` with each change's `before` (at its 1-based column, in column order) replaced."""
    pieces, previous = [], 0
    for column, before, after, *_ in changes:
        pieces.append(line[previous:column - 1])
        pieces.append(after)
        previous = column - 1 + len(before)
    pieces.append(line[previous:])
    return "".join(pieces)


FTFY_CONFIDENCE = 0.9
"""Confidence logged for ftfy's changes: its plausibility heuristics, not a lossless round trip of ours."""


def _ask_ftfy(line: str, ours: str, changes: list[tuple], gated: bool, page: CodePage | None) -> bool:
    """Whether ftfy should judge the line too: ours still looks like mojibake; or the original
    does and our gate held something back or the line marks lost bytes with U+FFFD (ftfy judges
    whole lines and knows those markers).

    In a document that is evidently mojibake throughout (`page` given only then), a line we
    changed completely (nothing held back) is judged by whether UTF-8 shapes of its code page remain (layered mojibake leaves them: "nÃƒÂ©" -> "nÃ©"); that regex is
    a tenth of the cost of ftfy's badness on the long lines of a dense document."""
    if (gated or "\ufffd" in line) and is_bad(line):
        return True
    if changes and not gated and page is not None:
        return page.shape_re.search(ours) is not None and is_bad(ours)
    return is_bad(ours)


def _ftfy_if_better(line: str, ours: str, changes: list[tuple], gated: bool) -> tuple[str, list[tuple]]:
    """ftfy's reading of the line (other code pages, layered or inconsistent mojibake, C1 controls)
    when ftfy's badness score rates it better than ours, or as good when our reading is partial
    (the gate held a change back, or U+FFFD marks lost bytes we did not place)."""
    fixed = ftfy.fix_encoding(line, FTFY_FALLBACK_CONFIG)
    if fixed == line:
        return ours, changes
    if changes:
        ours_bad, fixed_bad = badness(ours), badness(fixed)
        partial = gated or "\ufffd" in line
        if fixed_bad > ours_bad or fixed_bad == ours_bad and not partial:
            return ours, changes
    return fixed, _differences(line, fixed)


def _differences(line: str, fixed: str) -> list[tuple]:
    """The changes that turn `line` into `fixed`, one per differing stretch (method 'ftfy')."""
    matcher = SequenceMatcher(None, line, fixed, autojunk=False)
    return [(start + 1, line[start:end], fixed[fixed_start:fixed_end], "ftfy", FTFY_CONFIDENCE, ())
            for tag, start, end, fixed_start, fixed_end in matcher.get_opcodes() if tag != "equal"]
