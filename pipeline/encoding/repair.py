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

from operator import itemgetter

import ftfy
from ftfy.badness import is_bad

from pipeline.encoding.choose import choose
from pipeline.encoding.codepages import CodePage, MojibakeProfile, codepage, detect_mojibake
from pipeline.encoding.collector import COLLECTOR_PAUSED
from pipeline.encoding.config import FTFY_SAFE_CONFIG, RepairConfig
from pipeline.encoding.cut import cut_line, lone_lead
from pipeline.encoding.result import RepairResult, TextRepair, logged, repairs_frame

__all__ = ["RepairResult", "TextRepair", "repair_line", "repair_text", "repairs_frame"]

STRONG_DOCUMENT_UNITS = 50  # intact sequences after which every line of the document is suspect


def repair_text(text: str, *, source_file: str = "<stdin>",
                config: RepairConfig = RepairConfig()) -> RepairResult:
    """Repair mojibake (with lost bytes) in `text`; clean text comes back unchanged.

    >>> repair_text("VojtÄ›ch VanÄura and â€œKordÃkâ€").text
    'Vojtěch Vančura and “Kordík”'
    >>> repair_text("中文（测试），“引号”’").text
    '中文（测试），“引号”’'
    """
    profile = detect_mojibake(text, config.codepages, config.lost_bytes,
                              config.absent_byte_min_continuations, config.min_units)
    if profile is None:
        return RepairResult(text, [], None, config)
    page = codepage(profile.codepage)
    strong = profile.shaped_chars >= STRONG_DOCUMENT_UNITS
    lines = text.split("\n")
    repairs: list[TextRepair] = []
    solved: dict[tuple, tuple] = {}  # windows searched in this document, by content
    with COLLECTOR_PAUSED:
        for index, line in enumerate(lines):
            if line.isascii() or not page.shape_re.search(line) and not (strong and lone_lead(line, page)):
                continue
            lines[index], changes = repair_line(line, page, profile, config, strong, solved)
            repairs.extend(logged(source_file, index + 1, changes))
        solved.clear()  # freed before the collector resumes: it need not walk the cache
    return RepairResult("\n".join(lines), repairs, profile, config)

def repair_line(line: str, page: CodePage, profile: MojibakeProfile, config: RepairConfig,
                strong: bool = False, solved: dict[tuple, tuple] | None = None) -> tuple[str, list[tuple]]:
    """Repair one line; returns it and its changes as (column, before, after, method, conf, alts)."""
    cut = cut_line(line, page, profile, strong)
    changes: list[tuple] = [(col, before, after, "ftfy", 1.0, ()) for col, before, after in cut.exact]
    if cut.slots:  # the exact re-decodings are in column order already; the guesses go between
        guesses = choose(cut, config, {} if solved is None else solved)
        if guesses:
            changes.extend(guesses)
            changes.sort(key=itemgetter(0))
    repaired = "".join(cut.chars)
    if not changes and config.use_ftfy_fallback and is_bad(line):
        return _ftfy_fallback(line)
    return repaired, changes

def _ftfy_fallback(line: str) -> tuple[str, list[tuple]]:
    """Let ftfy (configured never to touch legitimate characters) try a line we could not explain."""
    fixed = ftfy.fix_text(line, FTFY_SAFE_CONFIG)
    if fixed == line:
        return line, []
    return fixed, [(1, line, fixed, "ftfy", 0.9, ())]
