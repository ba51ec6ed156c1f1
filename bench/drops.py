"""Synthetic raw drops k times the seed's size, deterministic from a seed, for the scaling benchmark.

A k× drop is k write-ups of the seed's size plus k program pages, not one write-up k times bigger:

- that is how drops grow (more write-ups and program pages per conference), and documents are
  repaired and parsed independently (so they can be mapped onto workers) until detection, which
  with validation, emit, GX and report sees every row of every document at once — so a k× drop
  gives those stages k× the rows (170·k papers, ~6,400·k text repairs) exactly as a real big drop;
- ingest refuses documents over 16 MiB (`pipeline.ingest.MAX_DOCUMENT_BYTES`, ~25× the seed), so a
  single 100× or 1000× document would only measure the refusal.

Each write-up is the seed's own notes, repaired (the repair is lossless on the seed:
`mojibake(repair(seed), "cp1254", {0xAD}) == seed`, checked below), then varied and broken again:

- the accepted-papers table is renumbered so copy i holds papers 170·i+1 .. 170·(i+1): paper ids
  stay 1..n over the whole drop (the contract), not 1000 colliding copies of 1..170;
- in every paper title (table, write-up headings, program page alike) about half the words of four
  letters or more are replaced by made-up words, so titles differ across the drop as real titles
  do (the linker's blocking on rare title tokens works as on a real drop, not on 1000 near-twins);
- the text is corrupted with `pipeline.encoding.mojibake` — UTF-8 read as cp1254 (as the seed) or,
  for one copy in four, cp1252 — dropping the soft hyphen (0xAD) and the code page's undefined
  bytes, as the seed was.

Copy 0 is the seed's write-up and program page byte for byte.
Authors are the seed's, so author lists recur across copies (detection sees that, as it would in a
drop of many write-ups from one conference).

    from bench.drops import write_drop
    write_drop(Path("/tmp/drop-10x"), scale=10, seed=7)     # 10 write-ups + 10 program pages
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.encoding import mojibake, repair_text

ROOT = Path(__file__).resolve().parents[1]
SEED_NOTES = ROOT / "raw" / "recsys2025_notes.md"
SEED_PROGRAM = ROOT / "raw" / "recsys2025_program_session5.txt"
SEED_ROWS = 170
LOST = frozenset({0xAD})  # the soft hyphen, dropped from the seed (undefined bytes always are)
GENERATOR_VERSION = "2"

SYLLABLES = ("ka", "ri", "mo", "ta", "le", "su", "na", "vi", "do", "ha", "ze", "lo", "mi", "ra", "ku", "pe",
             "sa", "no", "ti", "ga", "be", "yu", "fa", "jo", "wen", "li", "an", "el", "or", "is")
_WORD = re.compile(r"[A-Za-z]{4,}")

_ROW_NUMBER = re.compile(r"^(\s*\*\*)(\d+)(\*\*)", re.MULTILINE)


@dataclass(frozen=True)
class Document:
    name: str
    text: str  # as written to the drop (broken, for write-ups)
    clean: str  # the same document before corruption: what a perfect repair gives back
    codepage: str | None


@cache
def clean_seed() -> tuple[str, tuple[str, ...]]:
    """The seed write-up repaired, and its table's titles (longest first, for replacement)."""
    from pipeline.parse import parse_notes

    raw = SEED_NOTES.read_text(encoding="utf-8")
    clean = repair_text(raw, source_file=SEED_NOTES.name).text
    if mojibake(clean, "cp1254", LOST) != raw:
        raise RuntimeError("repair is no longer lossless on the seed: the generator's copies would not be "
                           "seed-like; fix bench/drops.py (e.g. ship a clean copy of the seed)")
    titles = [t for t in parse_notes(clean, SEED_NOTES.name).papers["title"].to_list() if t and t in clean]
    return clean, tuple(sorted(set(titles), key=len, reverse=True))


def _table_start(text: str) -> int:
    return text.index("**#**")


def _variant(title: str, rng: random.Random) -> str:
    """`title` with about half its long words replaced by made-up ones (capitalised like the original)."""
    def swap(match: re.Match[str]) -> str:
        if rng.random() < 0.5:
            return match.group(0)
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        return word.capitalize() if match.group(0)[0].isupper() else word
    return _WORD.sub(swap, title)


def _retitle(text: str, titles: tuple[str, ...], variants: dict[str, str]) -> str:
    pattern = re.compile("|".join(re.escape(t) for t in titles))
    return pattern.sub(lambda match: variants[match.group(0)], text)


def _renumber(text: str, offset: int) -> str:
    start = _table_start(text)
    body = _ROW_NUMBER.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + offset}{m.group(3)}", text[start:])
    return text[:start] + body


def documents(scale: int, seed: int = 7, *, broken: bool = True) -> Iterator[Document]:
    """The 2·scale documents of a scale× drop, in file-name order, lazily (1000× is ~630 MB).

    `broken=False` skips the corruption (`text` is then the clean text too): faster, for stages after repair.
    """
    for copy in range(scale):
        yield from copy_documents(scale, copy, seed, broken=broken)


def copy_documents(scale: int, copy: int, seed: int = 7, *, broken: bool = True) -> tuple[Document, Document]:
    """Copy `copy` of a scale× drop: its write-up and its program page (so workers can make one copy each)."""
    clean, titles = clean_seed()
    program = SEED_PROGRAM.read_text(encoding="utf-8")
    width = len(str(scale - 1))
    rng = random.Random(f"{seed}-{copy}")
    if copy == 0:
        notes, page, codepage = clean, program, "cp1254"
    else:
        variants = {title: _variant(title, rng) for title in titles}
        notes = _renumber(_retitle(clean, titles, variants), SEED_ROWS * copy)
        page = _retitle(program, titles, variants)
        codepage = "cp1252" if rng.random() < 0.25 else "cp1254"
    text = mojibake(notes, codepage, LOST) if broken else notes
    return (Document(f"c{copy:0{width}d}_notes.md", text, notes, codepage),
            Document(f"c{copy:0{width}d}_program.txt", page, page, None))


def drop_key(scale: int, seed: int) -> str:
    """Changes when the generator, the seed files or the parameters change (cache key for `ensure_drop`)."""
    digest = hashlib.sha256(f"{GENERATOR_VERSION}-{scale}-{seed}".encode())
    for path in (Path(__file__), SEED_NOTES, SEED_PROGRAM):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def write_drop(target: Path, scale: int, seed: int = 7) -> dict:
    """Write a scale× drop into `target` (created; must not hold other files); returns its summary."""
    target.mkdir(parents=True, exist_ok=True)
    count = size = 0
    for document in documents(scale, seed):
        data = document.text.encode("utf-8")
        (target / document.name).write_bytes(data)
        count, size = count + 1, size + len(data)
    summary = {"scale": scale, "seed": seed, "key": drop_key(scale, seed), "documents": count, "bytes": size,
               "papers": SEED_ROWS * scale}
    (target / ".drop.json").write_text(json.dumps(summary), encoding="utf-8")  # hidden: ingest skips it
    return summary


def ensure_drop(root: Path, scale: int, seed: int = 7) -> tuple[Path, dict]:
    """`root/<scale>x`, generated unless an identical drop (same key) is already there."""
    target = root / f"{scale}x"
    marker = target / ".drop.json"
    if marker.is_file():
        summary = json.loads(marker.read_text(encoding="utf-8"))
        if summary.get("key") == drop_key(scale, seed):
            return target, summary
    if target.exists():
        for path in target.iterdir():
            path.unlink()
    return target, write_drop(target, scale, seed)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    arguments = parser.parse_args()
    print(json.dumps(write_drop(arguments.target, arguments.scale, arguments.seed)))
