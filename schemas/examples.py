"""Small hand-written example rows of every dataset, valid under its model.

Why in the package: they document each contract by example (the data dictionary can show them),
and tests start from them and break one thing at a time instead of inventing frames of their own.
Invented values, not taken from any real input.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from schemas.contracts import DATASETS


def _author(name: str, affiliation: str | None) -> dict[str, str | None]:
    return {"name": name, "affiliation": affiliation}


def _evidence(signal: str, detail: str, source: str) -> dict[str, str]:
    return {"signal": signal, "detail": detail, "source": source}


_ADA = _author("Ada Lovelace", "Analytical Engines Ltd")
_CHEN = _author("陈小明", "清华大学")
_ZOE = _author("Zoë Müller-Ørsted", None)

EXAMPLE_ROWS: dict[str, list[dict[str, Any]]] = {
    "papers": [
        {
            "edition": "recsys-2025", "paper_id": 1, "title": "Café Recommendations with “Curly” Quotes",
            "abstract": "We recommend coffee — carefully.", "link": "https://arxiv.org/abs/2507.01234",
            "arxiv_id": "2507.01234", "track": "Full", "track_raw": "Full Papers",
            "attachment": None, "authors_raw": [_ADA, _CHEN], "authors": [_ADA, _CHEN],
            "author_status": "verified",
            "author_evidence": [_evidence("notes_match", "same 2 authors", "notes.md:12")],
            "source_file": "notes.md", "source_line": 40,
        },
        {
            "edition": "recsys-2025", "paper_id": 2, "title": "推荐系统中的大语言模型", "abstract": "A study of LLM recommenders.",
            "link": None, "arxiv_id": None, "track": "Short", "track_raw": "Short Papers",
            "attachment": None, "authors_raw": [_author("Zoe Mueller", None)],
            "authors": [_ZOE], "author_status": "corrected",
            "author_evidence": [_evidence("program_authors", "program lists Zoë", "program.txt:7")],
            "source_file": "notes.md", "source_line": 41,
        },
        {
            "edition": "recsys-2025", "paper_id": 3, "title": "Emoji Signals 🎉 in Session Data", "abstract": "Emoji help.",
            "link": "https://example.org/paper", "arxiv_id": None, "track": "Industry",
            "track_raw": "Industry Talks", "attachment": None, "authors_raw": [_ZOE],
            "authors": None, "author_status": "unverified", "author_evidence": [],
            "source_file": "notes.md", "source_line": 42,
        },
    ],
    "paper_authors": [
        {"edition": "recsys-2025", "paper_id": 1, "position": 1, "name": "Ada Lovelace", "affiliation": "Analytical Engines Ltd",
         "author_status": "verified"},
        {"edition": "recsys-2025", "paper_id": 1, "position": 2, "name": "陈小明", "affiliation": "清华大学",
         "author_status": "verified"},
        {"edition": "recsys-2025", "paper_id": 2, "position": 1, "name": "Zoë Müller-Ørsted", "affiliation": None,
         "author_status": "corrected"},
    ],
    "paper_notes": [
        {
            "note_id": "note-1", "session": "Paper Session 1", "award": "Best Full Paper",
            "organisation": "ETH", "title": "Café Recommendations with “Curly” Quotes",
            "doi": "10.1145/3705328.3748000",
            "pdf_url": "https://dl.acm.org/doi/pdf/10.1145/3705328.3748000",
            "authors": ["Ada Lovelace", "陈小明"], "abstract_en": "We recommend coffee.",
            "title_zh": "咖啡推荐", "abstract_zh": "我们推荐咖啡。", "comment_zh": "值得一读。",
            "edition": "recsys-2025", "paper_id": 1, "match_score": 97.0, "source_file": "notes.md", "source_line": 10,
        },
        {
            "note_id": "note-2", "session": None, "award": None, "organisation": None,
            "title": "An Unmatched Talk", "doi": None, "pdf_url": None, "authors": None,
            "abstract_en": None, "title_zh": None, "abstract_zh": None, "comment_zh": None,
            "edition": "recsys-2025", "paper_id": None, "match_score": None, "source_file": "notes.md", "source_line": 20,
        },
    ],
    "program": [
        {
            "entry_id": "program.txt:4", "session_title": "Session 5: Journeys",
            "session_date": dt.date(2025, 9, 24), "start_time": dt.time(11, 30),
            "end_time": dt.time(13, 0), "timezone": "GMT+2", "chair": "Zoë Müller-Ørsted",
            "track_code": "RES", "title": "Café Recommendations with “Curly” Quotes",
            "authors": ["Ada Lovelace", "陈小明"], "abstract": "We recommend coffee.",
            "edition": "recsys-2025", "paper_id": 1, "match_score": 99.0, "source_file": "program.txt", "source_line": 4,
        },
    ],
    "text_repairs": [
        {"source_file": "notes.md", "line": 3, "column": 0, "before": "å®˜æ–¹", "after": "官方",
         "method": "ftfy", "confidence": 0.99, "alternatives": []},
        {"source_file": "notes.md", "line": 5, "column": 12, "before": "å'ä¼š", "after": "参会",
         "method": "lost_byte:cp1254", "confidence": 0.62, "alternatives": ["叁会"]},
    ],
    "findings": [
        {"dataset": "papers", "row_key": "recsys-2025:3", "check": "abstract.no_mojibake", "severity": "warning",
         "message": "abstract: still looks like mojibake after repair", "evidence": "Ã©"},
    ],
}


def example_frame(name: str) -> pl.DataFrame:
    """A small frame of dataset `name` that passes its model: the starting point of a test."""
    return pl.DataFrame(EXAMPLE_ROWS[name], schema=DATASETS[name], orient="row")
