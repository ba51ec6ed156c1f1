"""How combine, detect and validate grow with drop size: timings, cProfile and output snapshots.

    .venv/bin/python bench/growth_profile.py build 10 100 1000      # parse each drop once, cache the documents
    .venv/bin/python bench/growth_profile.py run 100 --runs 3       # time combine / detect / validate
    .venv/bin/python bench/growth_profile.py run 100 --profile validate   # cProfile one stage (top 40)
    .venv/bin/python bench/growth_profile.py run 1000 --until detect      # stop after a stage
    .venv/bin/python bench/growth_profile.py run 100 --save /tmp/out-before   # keep every output frame
    .venv/bin/python bench/growth_profile.py compare /tmp/out-before /tmp/out-after

The inputs are what `bench/run_benchmarks.py` gives these stages at a k× drop (`clean_parsed`: every
write-up's clean text parsed, with the repaired seed copy's text_repairs per document), built once
per size and pickled under PIPELINE_BENCH_DIR/growth as plain {dataset: frame} per document, so a
timing run skips ingest, repair and parse. combine is `assemble.combine_tables` (what
`assemble.combine_documents` does once the parts are read); detect is `hold_back_rejected_rows` +
`detect_authors`; validate is `run.validate` over every dataset, text_repairs included (in memory).
Each `run` is one process (peak RSS: its high-water mark, inputs included).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pickle
import pstats
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run_benchmarks import BENCH_DIR  # noqa: E402

CACHE = BENCH_DIR / "growth"
STAGES = ("combine", "detect", "validate")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(scale: int) -> Path:
    """Every document of a scale× drop parsed from its clean text (as `run_benchmarks.clean_parsed`
    does for the later stages), with the repaired first copy's text_repairs renamed per document;
    pickled as a list of {dataset: frame}, independent of `assemble`'s document classes."""
    import polars as pl

    from bench.drops import documents
    from pipeline.assemble import parse_text
    from pipeline.encoding import repair_text, repairs_frame

    template = {}  # copy 0 is the seed byte for byte: its repaired text_repairs stand for every copy's
    for first in documents(1, 7, broken=True):
        template[first.name.rsplit("_", 1)[1]] = repairs_frame(repair_text(first.text, source_file=first.name).repairs)
    tables = []
    for generated in documents(scale, 7, broken=False):
        kind = generated.name.rsplit("_", 1)[1]
        parsed: dict = {"text_repairs": template[kind].with_columns(pl.lit(generated.name).alias("source_file"))}
        tables.append(parsed | parse_text(generated.clean, generated.name)[1])
    CACHE.mkdir(parents=True, exist_ok=True)
    target = CACHE / f"{scale}x.tables.pkl"
    with target.open("wb") as handle:
        pickle.dump(tables, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return target


def load(scale: int) -> list[dict]:
    with (CACHE / f"{scale}x.tables.pkl").open("rb") as handle:
        return pickle.load(handle)


def combine(tables: list[dict]) -> dict:
    """`assemble.combine_tables` over the documents' tables, plus `text_repairs` concatenated in
    memory (the flow streams it from parts instead; here it is validated with the rest)."""
    import polars as pl

    from pipeline import assemble

    combined = assemble.combine_tables({name: [doc[name] for doc in tables if name in doc] for name in assemble.PARSED_DATASETS})
    return combined | {"text_repairs": pl.concat([doc["text_repairs"] for doc in tables])}


def stages(tables, clock, until: str = "validate"):
    """combine, then detect (rows parse rejected held back first) and validate: the steps of `run.run_drop`."""
    from pipeline import assemble, run

    combined = clock("combine", lambda: combine(tables))
    if until == "combine":
        return combined, {}, {}, {}
    kept, held = clock("detect", lambda: assemble.hold_back_rejected_rows(combined))
    detected = clock("detect", lambda: run.PLAIN.detect(kept), add=True)
    if until == "detect":
        return combined, detected, {}, {}
    _, valid, quarantined = clock("validate", lambda: run.validate(detected, held))
    return combined, {**detected, **{f"held_{k}": v for k, v in held.items()}}, valid, quarantined


def run(scale: int, runs: int, profile: str | None, save: Path | None, top: int, until: str = "validate") -> dict:
    tables = load(scale)
    times: dict[str, list[float]] = {s: [] for s in STAGES}
    cpu: dict[str, list[float]] = {s: [] for s in STAGES}
    rss: dict[str, float] = {}
    profiles: dict[str, pstats.Stats] = {}

    def clock(stage: str, call, add: bool = False):
        profiler = cProfile.Profile() if stage == profile else None
        start, start_cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        result = call()
        if profiler:
            profiler.disable()
        wall, used = time.perf_counter() - start, time.process_time() - start_cpu
        if add:
            times[stage][-1] += wall
            cpu[stage][-1] += used
        else:
            times[stage].append(wall)
            cpu[stage].append(used)
        rss[stage] = max(rss.get(stage, 0.0), peak_rss_mb())
        if profiler:
            if stage in profiles:
                profiles[stage].add(profiler)
            else:
                profiles[stage] = pstats.Stats(profiler)
        return result

    for number in range(runs):
        combined, detected, valid, quarantined = stages(tables, clock, until)
        if save and number == 0:
            save.mkdir(parents=True, exist_ok=True)
            for group, frames in (("combined", combined), ("detected", detected), ("valid", valid),
                                  ("quarantined", quarantined)):
                for name, frame in frames.items():
                    frame.write_parquet(save / f"{group}.{name}.parquet")
        del combined, detected, valid, quarantined
    for stats in profiles.values():
        out = io.StringIO()
        stats.stream = out
        stats.sort_stats("cumulative").print_stats(top)
        out.write("\n--- by internal time ---\n")
        stats.sort_stats("tottime").print_stats(top)
        print(out.getvalue(), file=sys.stderr)
    return {"scale": scale, "runs": runs, "median_s": {s: round(statistics.median(t), 3) for s, t in times.items() if t},
            "times": times, "cpu_s": {s: round(statistics.median(t), 3) for s, t in cpu.items() if t},
            "peak_rss_mb_after": rss, "peak_rss_mb": peak_rss_mb()}


def compare(before: Path, after: Path) -> int:
    """Every saved frame equal (values, dtypes, row order); prints the differences."""
    import polars as pl
    from polars.testing import assert_frame_equal

    names = sorted({p.name for p in before.glob("*.parquet")} | {p.name for p in after.glob("*.parquet")})
    bad = 0
    for name in names:
        try:
            assert_frame_equal(pl.read_parquet(before / name), pl.read_parquet(after / name))
            print(f"same      {name}")
        except (AssertionError, FileNotFoundError) as error:
            bad += 1
            print(f"DIFFERENT {name}: {str(error)[:500]}")
    return bad


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    build_cmd = sub.add_parser("build")
    build_cmd.add_argument("scales", type=int, nargs="+")
    run_cmd = sub.add_parser("run")
    run_cmd.add_argument("scale", type=int)
    run_cmd.add_argument("--runs", type=int, default=1)
    run_cmd.add_argument("--profile", choices=STAGES)
    run_cmd.add_argument("--top", type=int, default=40)
    run_cmd.add_argument("--save", type=Path)
    run_cmd.add_argument("--until", choices=STAGES, default="validate", help="stop after this stage")
    compare_cmd = sub.add_parser("compare")
    compare_cmd.add_argument("before", type=Path)
    compare_cmd.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "build":
        for scale in args.scales:
            start = time.perf_counter()
            print(f"{scale}x -> {build(scale)} ({time.perf_counter() - start:.0f} s)", flush=True)
    elif args.command == "run":
        print(json.dumps(run(args.scale, args.runs, args.profile, args.save, args.top, args.until)))
    else:
        sys.exit(1 if compare(args.before, args.after) else 0)
