"""The repair stage: mojibake in, UTF-8 text and a log of every change (with confidence) out.

Per document: profile the damage (code page, lost bytes) once. Per line: a line with no
UTF-8-shaped stretch passes through untouched (fast path). Otherwise each run of code-page
characters is cut into UTF-8 units; intact units are re-decoded exactly (method
'redecode:<codec>'), short units get candidate characters and a lattice over each window of
damaged positions picks them (method 'lost_byte:<codec>'). In a document that is mojibake
throughout (`STRONG_DOCUMENT_UNITS`) the document's code page is trusted; in any other text each
line is judged as ftfy judges it, as a whole (`judged_as_ftfy_would`, `_ours_beats_ftfy`).

The jobs live in their own modules: `cut` (line cutting), `choose` (window scoring over
`lattice`), `result` (the log types and frame), `collector` (pausing the garbage collector),
`words` (single words through other code pages), `gbk` (UTF-8 read as GBK), `hangul` (Korean).
"""

from __future__ import annotations

import math
from difflib import SequenceMatcher
from functools import lru_cache
from operator import itemgetter

import ftfy
from ftfy.badness import badness, is_bad

from pipeline.encoding import hangul, language
from pipeline.encoding.choose import choose, dictionary_checked
from pipeline.encoding.codepages import CodePage, MojibakeProfile, codepage, detect_mojibake
from pipeline.encoding.collector import COLLECTOR_PAUSED
from pipeline.encoding.config import FTFY_FALLBACK_CONFIG, RepairConfig
from pipeline.encoding.cut import cut_line, lone_lead
from pipeline.encoding.gbk import repair_gbk_line
from pipeline.encoding.words import WORD_RE, known_word, readings_differ, repair_words
from pipeline.encoding.result import RepairResult, TextRepair, logged, repairs_frame

__all__ = ["RepairResult", "TextRepair", "repair_line", "repair_text", "repairs_frame"]

STRONG_DOCUMENT_UNITS = 50  # intact sequences after which every line of the document is suspect


def repair_text(text: str, *, source_file: str = "<stdin>",
                config: RepairConfig = RepairConfig()) -> RepairResult:
    """Repair mojibake (with lost bytes) in `text`; clean text comes back unchanged.

    Every line is judged on its own: the document's code page explains its lines first (exact
    re-decodings and lost-byte guesses, each kept only where the original looks like mojibake:
    `plausible_changes`); a line that still looks like mojibake afterwards goes to ftfy, which
    knows more code pages and layered mojibake, and the less bad of the two readings is kept.
    Outside a document that is mojibake throughout, ftfy's judgement of the whole line is the
    reference: ours stands where ftfy sees nothing only when complete, confident and corroborated,
    and beats ftfy's reading only when it leaves less that cannot be text.

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
            repaired, changes, gated, declined = line, [], False, False
            if page is not None and (page.shape_re.search(line) or strong and lone_lead(line, page)):
                repaired, changes, gated = repair_line(line, page, profile, config, strong, solved)
                if changes and not strong:
                    repaired, changes, declined = judged_as_ftfy_would(line, repaired, changes, config)
                    gated = gated or declined
            if config.use_ftfy_fallback and (changes and not strong or
                                             _ask_ftfy(line, repaired, changes, gated, page if strong else None)):
                repaired, changes = _ftfy_if_better(line, repaired, changes, gated, None if strong else page)
            if changes and not strong and config.word_codepages:
                repaired, changes = _dictionary_if_better(line, repaired, changes, config)
            if declined:  # the line is left as it is, and no other reading gets a second try at it
                continue
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
        if guesses and config.word_codepages:
            guesses = dictionary_checked(cut, guesses)
        if guesses:
            changes.extend(guesses)
            changes.sort(key=itemgetter(0))
    kept = plausible_changes(line, changes, strong)
    if len(kept) == len(changes):
        return "".join(cut.chars), changes, False
    return applied(line, kept), kept, True


def judged_as_ftfy_would(line: str, repaired: str, changes: list[tuple], config: RepairConfig,
                         ) -> tuple[str, list[tuple], bool]:
    """Our reading of a line of a document that is not mojibake throughout, less what ftfy would
    not change there, and whether nothing of it is left (the line is then left as it is).

    A capital after capitals followed by a sign ("MISUTÂ\xa0AJIKKO") is a letter of a word in
    capitals, though the pair has the UTF-8 shape of a no-break space; the rest must stand as a
    whole (`stands_where_ftfy_declines`)."""
    kept = [change for change in changes if not _letter_of_a_word_in_capitals(line, change)]
    if not kept:
        return line, [], True
    reading = repaired if len(kept) == len(changes) else applied(line, kept)
    if stands_where_ftfy_declines(line, reading, kept, config):
        return reading, kept, False
    return line, [], True


def _letter_of_a_word_in_capitals(line: str, change: tuple) -> bool:
    """The change is one pair, a capital right after a capital, and makes no letter of it."""
    column, before, after = change[0], change[1], change[2]
    previous = line[column - 2] if column >= 2 else ""
    return len(before) == 2 and before[0].isupper() and previous.isupper() and not after[:1].isalpha()


def stands_where_ftfy_declines(line: str, repaired: str, changes: list[tuple], config: RepairConfig) -> bool:
    """Whether our reading of a line may stand in a document that is not mojibake throughout.

    There a line is judged as ftfy judges it, as a whole: when ftfy's `fix_encoding` sees nothing
    to fix on the line, our reading of it must be complete (nothing left that looks like
    mojibake: a few stretches decoded inside a garble make it worse), confident (no lost-byte guess
    into a script other than Han below `low_confidence_below`) and corroborated (two changes or
    more: one ambiguous pair such as "DrÃ¥ber" beside clean text such as "–" may be legitimate,
    and ftfy leaves it). Chinese read as a code page is ours alone to judge (ftfy has no Chinese
    model): a reading into common Han characters and CJK punctuation only always stands. A line
    left unchanged is still flagged downstream, where `looks_like_mojibake` checks the datasets."""
    if all(_common_cjk(change[2]) for change in changes):
        return True
    if _ftfy_reading(line) != line:
        return True  # ftfy sees mojibake too: `_ftfy_if_better` arbitrates between the readings
    shaky = any(change[3].startswith("lost_byte") and change[4] < config.low_confidence_below
                and not language.CJK_RE.fullmatch(change[2]) for change in changes)
    return len(changes) >= 2 and not shaky and not is_bad(repaired)


def plausible_changes(line: str, changes: list[tuple], strong: bool) -> list[tuple]:
    """The plausibility gate: change only what more likely is mojibake than text.

    An exact re-decoding is kept only where ftfy's badness heuristics see mojibake in the changed
    stretch with one neighbour on each side: "NESTLÉ®", "4288×…" and "SELKÄ EDELLÄ" are UTF-8
    shapes but ftfy sees nothing odd in them, so they stay. When every non-ASCII character of the
    line re-decodes and some stretch shows mojibake, all of it is taken (as ftfy decodes a line). ftfy has no pattern for Chinese read as a code page
    either ("ä¹\xa0" is 习), so a re-decoding into common Han characters and CJK punctuation only (each from three
    code-page characters, which legitimate text almost never strings together) is kept too; so is one
    into common Hangul syllables where the line or the document shows mojibake otherwise and no letter
    of another script touches it (`hangul.common_redecoding`: "ê°’" is 값, "Brontë…”" stays). A lost-byte guess is kept where the heuristics
    see mojibake, or where the line or the document shows it otherwise (an exact re-decoding kept
    on the line, or a document that is evidently mojibake throughout): a lone lead that lost its
    continuation ("KordÃk") has no ftfy pattern, and `cut` only offers it with such evidence."""
    exact = [change for change in changes if not change[3].startswith("lost_byte")]
    kept = [change for change in exact if _common_cjk(change[2]) or _looks_bad(line, change)]
    if kept and len(kept) < len(exact) == len(changes) and _only_ascii_besides(line, exact):
        kept = exact  # the whole line re-decodes and shows mojibake: ftfy too takes it whole
    evidence = strong or bool(kept)
    if evidence and len(kept) < len(exact):
        changed = {index for column, before, *_ in changes for index in range(column - 1, column - 1 + len(before))}
        kept.extend(change for change in exact if change not in kept
                    and hangul.common_redecoding(line, change[0], change[1], change[2], changed))
    kept.extend(change for change in changes if change[3].startswith("lost_byte")
                and (evidence or _looks_bad(line, change)))
    if len(kept) < len(changes):
        kept.sort(key=itemgetter(0))
    return kept


COMMON_HAN_LOGP = math.log(1e-6)
"""A Han character is common when some word containing it is at least this frequent (wordfreq)."""


def _common_cjk(text: str) -> bool:
    """Every character of `text` is a Han character some frequent word uses, or CJK or
    full-width punctuation (U+3000-U+303F, U+FF00-U+FFEF: "ï¼›" is ；).

    The word frequencies are looked up only once every character is Han or such punctuation: a
    Latin re-decoding ("Ã­" is í) is answered without loading them (`pipeline repair` on one line)."""
    if not all(_cjk_punctuation(char) or language.is_cjk(char) for char in text):
        return False
    best_use = language.char_best_use()
    return all(_cjk_punctuation(char) or best_use.get(char, language.FLOOR) >= COMMON_HAN_LOGP for char in text)


def _cjk_punctuation(char: str) -> bool:
    return "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef"


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


@lru_cache(maxsize=1024)
def _ftfy_reading(line: str) -> str:
    """ftfy's `fix_encoding` of one line (asked twice of the lines of a short document)."""
    return ftfy.fix_encoding(line, FTFY_FALLBACK_CONFIG)


def _ftfy_if_better(line: str, ours: str, changes: list[tuple], gated: bool,
                    weak_page: CodePage | None = None) -> tuple[str, list[tuple]]:
    """ftfy's reading of the line (other code pages, layered or inconsistent mojibake, C1 controls)
    when ftfy's badness score rates it better than ours, or as good when our reading is partial
    (the gate held a change back, or U+FFFD marks lost bytes we did not place). In a document
    that is not mojibake throughout (`weak_page` given) ftfy is the reference: see `_ours_beats_ftfy`."""
    fixed = _ftfy_reading(line)
    if fixed == line:
        return ours, changes
    if changes and weak_page is not None:
        if _ours_beats_ftfy(ours, fixed, weak_page):
            return ours, changes
    elif changes:
        ours_bad, fixed_bad = badness(ours), badness(fixed)
        partial = gated or "\ufffd" in line
        if fixed_bad > ours_bad or fixed_bad == ours_bad and not partial:
            return ours, changes
    return fixed, _differences(line, fixed)


def _ours_beats_ftfy(ours: str, fixed: str, page: CodePage) -> bool:
    """In a line of a document that is not mojibake throughout, our reading wins over ftfy's only
    when it is better on evidence: it no longer looks bad and leaves fewer code-page characters
    that cannot be text (`_leftover`: ftfy's "推è系统" and "KordÃk" against our 推荐系统 and
    Kordík). A tie goes to ftfy, never worse than ftfy: it reads "à¸ " as one character whose 0xA0
    byte became a space, and "â€?" as a lost byte it marks with U+FFFD, where we would guess."""
    if ours == fixed:
        return True  # the same reading: ours logs how it was found (code page, confidence)
    if is_bad(ours):
        return False
    return _leftover(ours, page) < _leftover(fixed, page)


def _dictionary_if_better(line: str, chosen: str, changes: list[tuple],
                          config: RepairConfig) -> tuple[str, list[tuple]]:
    """The word-by-word reading (`words.repair_words`: each word re-decoded through the code page a
    dictionary confirms) instead of the line's reading, when that one made a word no dictionary
    knows and the word-by-word reading changes every stretch it changed: "MĂĄm dost tĹ™etĂ­ho"
    mixes latin-2 (Ą) and cp1250 (™); read through cp1250 as a whole it gives "Måm", word by word
    "Mám"."""
    if not readings_differ(line, config.word_codepages):
        return chosen, changes  # every word reads one way: nothing for a dictionary to decide
    text, found = repair_words(line, config.word_codepages)
    if not found or text == chosen or is_bad(text) or not _covered(changes, found):
        return chosen, changes
    doubtful = set(WORD_RE.findall(chosen)) - set(WORD_RE.findall(text))
    if doubtful and not any(known_word(word) for word in doubtful):
        return text, found
    return chosen, changes


def _covered(changes: list[tuple], by: list[tuple]) -> bool:
    """Every change's stretch lies inside a stretch of `by` (changes are (column, before, ...))."""
    spans = [(column, column + len(before)) for column, before, *_ in by]
    return all(any(start <= column and column + len(before) <= end for start, end in spans)
               for column, before, *_ in changes)


def _leftover(text: str, page: CodePage) -> int:
    """UTF-8 lead characters of the code page (0xC2-0xF4) that cannot be a letter of text where
    they stand: followed by a continuation character ("â€"), next to a Han character ("推è系"), a
    capital after a small letter ("KordÃk") or between a capital and a small letter ("ÄÃslo").
    The é of café is a letter of text, in both readings alike."""
    byte_of = page.byte_of
    count = 0
    for index, char in enumerate(text):
        if not 0xC2 <= byte_of.get(char, 0) <= 0xF4:
            continue
        before = text[index - 1] if index else ""
        after = text[index + 1] if index + 1 < len(text) else ""
        if 0x80 <= byte_of.get(after, 0) <= 0xBF or language.is_cjk(before or " ") or \
                language.is_cjk(after or " ") or char.isupper() and (before.islower() or
                                                                     before.isupper() and after.islower()):
            count += 1
    return count


def _differences(line: str, fixed: str) -> list[tuple]:
    """The changes that turn `line` into `fixed`, one per differing stretch (method 'ftfy')."""
    matcher = SequenceMatcher(None, line, fixed, autojunk=False)
    return [(start + 1, line[start:end], fixed[fixed_start:fixed_end], "ftfy", FTFY_CONFIDENCE, ())
            for tag, start, end, fixed_start, fixed_end in matcher.get_opcodes() if tag != "equal"]
