"""Digest a published output folder, to prove a refactor left the output unchanged.

    python bench/output_digests.py OUTPUT                 # JSON digest of one output folder
    python bench/output_digests.py --compare BEFORE AFTER # exit 1 and list what differs

What is digested: every Parquet file's data sha256 (`emit.file_digests`: the data pages, not the
footer, which carries the run id), the quarantine files included; every other file's sha256 under
`text/` and `DATA_DICTIONARY.md`; and `manifest.json` and `report/report.json` with what differs
between two runs of the same drop by design removed (run ids, times, timings, code version, the
staging path of the Data Docs, whole-file hashes of Parquet files whose footer holds the run id, the
configuration file's path, the report's history of earlier runs). The GX Data Docs HTML is left out
(it embeds run times).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from pipeline.emit import file_digests

#: Keys whose values change from run to run of the same drop.
VOLATILE_KEYS = frozenset({"run_id", "started_at", "finished_at", "timings", "total_seconds", "code_version",
                           "reused_from", "data_docs_index"})


def _strip(value: Any) -> Any:
    """`value` without the volatile keys, at any depth."""
    if isinstance(value, dict):
        return {key: _strip(item) for key, item in value.items() if key not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [_strip(item) for item in value]
    return value


def _json_digest(path: Path, drop_output_sha: bool = False) -> str:
    content = json.loads(path.read_text(encoding="utf-8"))
    if drop_output_sha:  # a Parquet file's whole-file sha256 covers its footer, which holds the run id
        for entry in content.get("outputs", []):
            entry.pop("sha256", None)
    # where the checkout is and how many runs the folder saw before say nothing of this run's output;
    # the configuration's content digest stays
    content.get("config", {}).pop("path", None)
    content.pop("history", None)
    return hashlib.sha256(json.dumps(_strip(content), sort_keys=True).encode()).hexdigest()


def digest(output: Path) -> dict[str, str]:
    """{relative path: digest} for everything a refactor must leave unchanged."""
    found: dict[str, str] = {}
    for path in sorted(output.rglob("*.parquet")):
        found[path.relative_to(output).as_posix()] = "data:" + file_digests(path)[1]
    for path in sorted([output / "DATA_DICTIONARY.md", *(output / "text").glob("*")]):
        if path.is_file():
            found[path.relative_to(output).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    found["manifest.json"] = _json_digest(output / "manifest.json", drop_output_sha=True)
    found["report/report.json"] = _json_digest(output / "report" / "report.json")
    return found


def compare(before: Path, after: Path) -> list[str]:
    """One line per path whose digest differs, or that exists on one side only."""
    old, new = digest(before), digest(after)
    return [f"{name}: {old.get(name, '(missing)')} -> {new.get(name, '(missing)')}"
            for name in sorted(old.keys() | new.keys()) if old.get(name) != new.get(name)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outputs", nargs="+", type=Path)
    parser.add_argument("--compare", action="store_true", help="compare two output folders")
    args = parser.parse_args()
    if args.compare:
        before, after = args.outputs
        differences = compare(before, after)
        print("\n".join(differences) if differences else f"identical: {len(digest(after))} digests")
        return 1 if differences else 0
    print(json.dumps(digest(args.outputs[0]), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
