"""Clean, validate and publish conference write-ups and program pages as Parquet.

Downstream code imports from here only:

    import pipeline
    papers = pipeline.load("papers")            # polars DataFrame from output/papers.parquet
    fixed = pipeline.repair_text(text).text      # the text-repair stage on its own
"""

from __future__ import annotations

from pipeline.loading import load

__all__ = ["load", "repair_text"]


def __getattr__(name: str):  # lazy: importing `pipeline` must stay cheap for `pipeline.load`
    if name == "repair_text":
        from pipeline.encoding import repair_text

        return repair_text
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
