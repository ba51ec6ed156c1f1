"""Clean, validate and publish conference write-ups and program pages as Parquet.

Downstream code imports from here only:

    import pipeline
    papers = pipeline.load("papers")            # polars DataFrame from output/papers.parquet
    fixed = pipeline.repair_text(text).text      # the text-repair stage on its own
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.encoding import repair_text
    from pipeline.loading import load

__all__ = ["load", "repair_text"]


def __getattr__(name: str):
    """`load` and `repair_text`, imported on first use (PEP 562).

    Every `pipeline` command imports this package first, and `load` brings polars (a quarter of a
    second) that `pipeline repair` and `pipeline --help` do not use: nothing is imported here."""
    if name == "load":
        from pipeline.loading import load

        return load
    if name == "repair_text":
        from pipeline.encoding import repair_text

        return repair_text
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
