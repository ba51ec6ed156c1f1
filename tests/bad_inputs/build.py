"""Rebuild the bad-input corpus: `python -m tests.bad_inputs.build` (from the repo root).

Each case is a folder holding one raw drop, built from the synthetic generator (never from the
seed files) and then broken in one way. `cases.json` says what a user must see for each case:
the check of the finding, the file and line it names, and how many rows end in quarantine. The
files are committed, so a test reads real bytes; this script only documents how they were made.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.generators import PaperRow, generate_papers, notes_document, table_row

HERE = Path(__file__).resolve().parent
SEED = 2025
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8"
                    "ffff3f0005fe02fea7d6a0000000000049454e44ae426082")


def good_rows(count: int = 8, start: int = 1, seed: int = SEED) -> list[PaperRow]:
    return generate_papers(seed, count, start=start)


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing `needle`."""
    return next(number for number, line in enumerate(text.split("\n"), 1) if needle in line)


def write(case: str, name: str, content: str | bytes) -> Path:
    path = HERE / case / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def build() -> dict[str, dict]:
    rows = good_rows()
    good = notes_document(rows)
    cases: dict[str, dict] = {}

    def case(name: str, files: dict[str, str | bytes], **expected: object) -> None:
        shutil.rmtree(HERE / name, ignore_errors=True)
        for file_name, content in files.items():
            write(name, file_name, content)
        cases[name] = expected

    case("empty_file", {"empty.md": b"", "good_notes.md": good},
         stage="ingest", check="unreadable_document", file="empty.md", line=1, message="is empty")
    case("binary_file", {"logo.png": PNG, "good_notes.md": good},
         stage="ingest", check="unreadable_document", file="logo.png", line=None, message="binary file")
    latin1 = good.replace(rows[3].title, rows[3].title + " Caf\u00e9").encode("utf-8").replace(b"\xc3\xa9", b"\xe9")
    case("invalid_utf8", {"notes_latin1.md": latin1, "good_notes.md": notes_document(good_rows(seed=7))},
         stage="ingest", check="unreadable_document", file="notes_latin1.md", line=line_of(good, rows[3].title + " |"),
         message="is not valid UTF-8 (byte 0xe9)")
    bom_crlf = ("\ufeff" + good).replace("\n", "\r\n")
    case("bom_crlf", {"notes_bom_crlf.md": bom_crlf},
         stage="none", file="notes_bom_crlf.md", papers=len(rows), first_row_line=line_of(good, "**1** |"))

    lines = good.split("\n")
    missing = list(lines)
    at = line_of(good, f"**{rows[3].number}** |")
    missing[at - 1] = missing[at - 1].replace(f" | {rows[3].abstract}", "", 1)
    case("missing_cell", {"notes.md": "\n".join(missing)},
         stage="parse", check="table_row_cell_count", file="notes.md", line=at, quarantined=1,
         message="accepted-papers row has 6 cells but the header has 7")
    extra = list(lines)
    at = line_of(good, f"**{rows[4].number}** |")
    title = rows[4].title
    extra[at - 1] = extra[at - 1].replace(title, title.replace(" for ", " | for ", 1), 1)
    case("extra_cell", {"notes.md": "\n".join(extra)},
         stage="parse", check="table_row_cell_count", file="notes.md", line=at, quarantined=1,
         message="accepted-papers row has 8 cells but the header has 7")
    last = table_row(rows[-1])
    truncated = good[: good.index(last) + last.index(rows[-1].abstract) + 12]
    case("truncated_table", {"notes.md": truncated},
         stage="parse", check="table_row_truncated", file="notes.md", line=line_of(good, last), quarantined=1,
         message="the document ends inside this accepted-papers row")
    duplicated = good.replace(f"**{rows[5].number}** |", f"**{rows[2].number}** |", 1)
    case("duplicate_numbers", {"notes.md": duplicated},
         stage="parse", check="duplicate_paper_id", file="notes.md", line=line_of(good, f"**{rows[5].number}** |"),
         quarantined=1, message=f"paper number {rows[2].number} already used on line "
                                f"{line_of(good, f'**{rows[2].number}** |')}")
    header_at = line_of(good, "**#** |")
    headerless = "\n".join(lines[: header_at - 1] + lines[header_at + 1:])
    case("no_header", {"notes.md": headerless},
         stage="parse", check="papers_table_header_missing", file="notes.md", line=header_at,
         message=f"{len(rows)} line(s) from here on look like accepted-papers rows but no table header")
    prose = "Shopping list\n\nEggs, flour and milk.\nCall the venue about the projector.\n"
    case("unknown_kind", {"shopping.txt": prose, "good_notes.md": good},
         stage="parse", check="unknown_document_kind", file="shopping.txt", line=None,
         message="not recognised as a conference write-up")

    updated = list(rows)
    updated[2] = PaperRow(rows[2].number, rows[2].title + " (Extended)", rows[2].abstract, rows[2].link,
                          rows[2].authors, rows[2].track_cell)
    second = notes_document(updated + good_rows(2, start=len(rows) + 1, seed=11), write_ups=0)
    # Both copies name one edition (a paper is edition + number): the same write-up dropped twice.
    same_edition = "# Overview of RecSys 2025"
    second = second.replace("# Overview", same_edition, 1)
    case("two_drops", {"notes_a.md": good.replace("# Overview", same_edition, 1), "notes_b.md": second},
         stage="assemble", check="duplicate_paper_id", file="notes_b.md", line=line_of(second, "**3** |"),
         quarantined=len(rows), emitted=len(rows) + 2,
         message=f"paper 3 of edition 'recsys-2025' is also in notes_a.md:{line_of(good, '**3** |')} and differs in title")
    (HERE / "cases.json").write_text(json.dumps(cases, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return cases


if __name__ == "__main__":
    for name, expected in build().items():
        print(f"{name}: {expected}")
