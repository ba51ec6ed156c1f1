"""What the repair stage hands back: the change log (`TextRepair`), the result, and the log as a frame."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from pipeline.encoding.codepages import MojibakeProfile
from pipeline.encoding.config import LOW_CONFIDENCE_BELOW, RepairConfig

if TYPE_CHECKING:
    import polars as pl


@dataclass(frozen=True, slots=True)
class TextRepair:
    """One change to the raw text: where (1-based line and column in the original), what, how sure.

    Slotted, with the runner-ups as a tuple (shared between changes, the empty one by all exact
    re-decodings): a dense document logs tens of thousands of changes, and each object the log holds
    is walked by the garbage collector's next collection."""

    source_file: str
    line: int
    column: int
    before: str
    after: str
    method: str  # 'ftfy', 'redecode:<codec>' (exact) or 'lost_byte:<codec>' (guessed lost bytes)
    confidence: float
    alternatives: tuple[str, ...] = ()  # runner-up characters, best first

    @property
    def low_confidence(self) -> bool:
        """True for a guess worth a human look (below `LOW_CONFIDENCE_BELOW`)."""
        return self.confidence < LOW_CONFIDENCE_BELOW


@dataclass(frozen=True)
class RepairResult:
    """The repaired text, every change made, and the damage profile that drove them."""

    text: str
    repairs: list[TextRepair]
    profile: MojibakeProfile | None = None
    config: RepairConfig = RepairConfig()

    def low_confidence(self) -> list[TextRepair]:
        """The guesses below the configured threshold, least confident first."""
        shaky = [r for r in self.repairs if r.confidence < self.config.low_confidence_below]
        return sorted(shaky, key=lambda r: r.confidence)


_CHANGE_FIELDS = ("column", "before", "after", "method", "confidence", "alternatives")
assert tuple(f.name for f in fields(TextRepair)) == ("source_file", "line", *_CHANGE_FIELDS)


_SET_SOURCE, _SET_LINE, *_SET_CHANGE = (TextRepair.__dict__[name].__set__
                                         for name in ("source_file", "line", *_CHANGE_FIELDS))


def logged(source_file: str, line: int, changes: list[tuple]) -> list[TextRepair]:
    """`TextRepair(source_file, line, *change)` for each change, without the generated __init__ of
    a frozen dataclass (one `object.__setattr__` per field, twice as slow; a dense document logs
    tens of thousands of changes): the slots' own setters fill a bare instance. The assertion
    above keeps the field list in step with the class."""
    made = []
    append = made.append
    new = object.__new__
    set_source, set_line = _SET_SOURCE, _SET_LINE
    set_column, set_before, set_after, set_method, set_confidence, set_alternatives = _SET_CHANGE
    for column, before, after, method, confidence, alternatives in changes:
        repair = new(TextRepair)
        set_source(repair, source_file)
        set_line(repair, line)
        set_column(repair, column)
        set_before(repair, before)
        set_after(repair, after)
        set_method(repair, method)
        set_confidence(repair, confidence)
        set_alternatives(repair, alternatives)
        append(repair)
    return made


def repairs_frame(repairs: list[TextRepair]) -> pl.DataFrame:
    """The repairs as the `text_repairs` dataset (schemas.contracts).

    Polars is imported here, not with the module: `pipeline repair FILE` prints text and needs a
    frame only for `--log`, and polars is a quarter of a second of its start-up."""
    import polars as pl

    from schemas.contracts import conform

    columns = {
        "source_file": [r.source_file for r in repairs],
        "line": [r.line for r in repairs],
        "column": [r.column for r in repairs],
        "before": [r.before for r in repairs],
        "after": [r.after for r in repairs],
        "method": [r.method for r in repairs],
        "confidence": [r.confidence for r in repairs],
        "alternatives": pl.Series("alternatives", [list(r.alternatives) for r in repairs],
                                  dtype=pl.List(pl.String)),
    }
    return conform("text_repairs", pl.DataFrame(columns))
