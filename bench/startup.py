"""Start-up time of the `pipeline` command on one-line inputs: run by hand, prints a Markdown table.

    .venv/bin/python bench/startup.py [--runs N] [--against REV]   # writes bench/STARTUP_RESULTS.md

Each command runs N times (default 11) in a fresh process, the commands taking turns so that load
from other work on the machine falls on all of them alike; the table gives medians and their
ratio to floors measured in the same rounds: the bare interpreter (`python -c pass`), the
interpreter importing ftfy (the one third-party package the repair stage cannot do without), and
a one-command typer app printing ftfy's repair of a file (what any typer CLI doing this costs).

Inputs (written to a temporary folder): one clean ASCII line; one line of UTF-8 read as cp1252
(exact re-decodings, no guessing); one Chinese line read as cp1254 with the undefined bytes
dropped (lost-byte guesses: this one loads the Chinese word model, ~0.2 s, on purpose: it is what
the guesses need).

`--against REV` also runs every `pipeline` command with the code of git revision REV (exported
to a temporary folder and put first on PYTHONPATH, the same interpreter and packages), in the same
rounds: a before/after comparison under the same load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
PIPELINE = str(Path(PYTHON).with_name("pipeline"))
RESULTS = ROOT / "bench" / "STARTUP_RESULTS.md"
FLOOR, FTFY_FLOOR = "floor: python -c pass", "floor: python -c 'import ftfy'"
TYPER_FLOOR = "floor: import ftfy + a typer command taking a path"
#: The least any typer command that repairs a file can cost: typer (which builds a pydantic adapter
#: per parameter, importing pydantic and scanning entry points for its plugins), rich, ftfy.
TYPER_COMMAND = """
from pathlib import Path
import ftfy, typer
app = typer.Typer()
@app.command()
def repair(file: Path) -> None:
    print(ftfy.fix_encoding(file.read_text(encoding="utf-8")), end="")
app()
"""


def inputs(folder: Path) -> dict[str, Path]:
    """The one-line documents, by label."""
    from pipeline.encoding import mojibake

    lines = {"clean": "Accepted papers of the conference, by track.",
             "mojibake": mojibake("Kordík’s café – 设计", "cp1252"),
             "lost bytes": mojibake("推荐系统的论文和报告都在会议网站上", "cp1254")}
    paths = {}
    for label, line in lines.items():
        paths[label] = folder / f"{label.replace(' ', '_')}.txt"
        paths[label].write_text(line + "\n", encoding="utf-8")
    return paths


def commands(paths: dict[str, Path]) -> dict[str, tuple[list[str], Path | None]]:
    """Label -> (argv, file for standard input). The floors first."""
    return {
        FLOOR: ([PYTHON, "-c", "pass"], None),
        FTFY_FLOOR: ([PYTHON, "-c", "import ftfy"], None),
        TYPER_FLOOR: ([PYTHON, "-c", TYPER_COMMAND, str(paths["clean"])], None),
        "pipeline --help": ([PIPELINE, "--help"], None),
        "pipeline repair FILE (clean line)": ([PIPELINE, "repair", str(paths["clean"])], None),
        "pipeline repair FILE (mojibake line)": ([PIPELINE, "repair", str(paths["mojibake"])], None),
        "pipeline repair FILE (lost-byte line)": ([PIPELINE, "repair", str(paths["lost bytes"])], None),
        "pipeline repair < FILE (mojibake line)": ([PIPELINE, "repair"], paths["mojibake"]),
        "python -m pipeline repair FILE (clean line)": ([PYTHON, "-m", "pipeline", "repair", str(paths["clean"])], None),
    }


def wall_time(argv: list[str], stdin: Path | None, env: dict[str, str], cwd: Path) -> float:
    """Seconds from spawn to exit of one run; a failing command stops the benchmark."""
    with open(stdin or os.devnull, "rb") as source:
        began = time.perf_counter()
        done = subprocess.run(argv, stdin=source, capture_output=True, env=env, cwd=cwd)
        elapsed = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()[-500:]}")
    return elapsed


def export_revision(revision: str, folder: Path) -> Path:
    """The tracked files of `revision` under `folder` (git archive), for PYTHONPATH."""
    folder.mkdir()
    archive = subprocess.run(["git", "archive", revision], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def measure(runs: int, against: str | None = None) -> dict[str, float]:
    """Median seconds of every command (and, with `against`, of the pipeline ones at that revision)."""
    with tempfile.TemporaryDirectory(prefix="pipeline-startup-") as temporary:
        folder = Path(temporary)  # also the commands' working directory: `-m`/`-c` put it on sys.path
        cases = commands(inputs(folder))
        env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        variants = {"": env}
        if against:
            old = export_revision(against, folder / "old")
            variants[f" @ {against}"] = dict(env, PYTHONPATH=str(old))
        times: dict[str, list[float]] = {}
        for _ in range(runs):
            for label, (argv, stdin) in cases.items():
                for suffix, variant_env in variants.items():
                    if suffix and label.startswith("floor"):
                        continue
                    times.setdefault(label + suffix, []).append(wall_time(argv, stdin, variant_env, folder))
    return {label: statistics.median(values) for label, values in times.items()}


def table(medians: dict[str, float], runs: int) -> list[str]:
    """The medians as Markdown rows, with their ratios to the two floors."""
    bare, ftfy_floor = medians[FLOOR], medians[FTFY_FLOOR]
    rows = [f"Median wall time of {runs} runs each (commands taking turns); load average at the end: "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.", "",
            "| command | median s | / python -c pass | / import ftfy | / typer floor |", "|---|---|---|---|---|"]
    rows += [f"| {label} | {median:.3f} | {median / bare:.1f} | {median / ftfy_floor:.2f} | "
             f"{median / medians[TYPER_FLOOR]:.2f} |" for label, median in medians.items()]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--against", metavar="REV", help="also time the pipeline commands at git revision REV")
    args = parser.parse_args()
    rows = table(measure(args.runs, args.against), args.runs)
    print("\n".join(rows))
    command = " ".join(["bench/startup.py", *sys.argv[1:]])
    RESULTS.write_text("\n".join(["# Start-up of the `pipeline` command", "", f"`{command}`", "", *rows]) + "\n",
                       encoding="utf-8")


if __name__ == "__main__":
    main()
