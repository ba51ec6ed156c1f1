"""Every command the README shows is run, so the guide cannot rot.

Convention (also stated in the README's Development section): a fenced block whose info string is
`<language> example` is executable -- `sh example` runs with `bash -euo pipefail`, `python example`
with the project's Python, `sql example` through DuckDB's Python API. All example blocks run once, in
README order, in one temporary folder holding a copy of the seed `raw/`, with the repository's
`.venv/bin` first on PATH (so `pipeline` and `python` are the project's) and the test session's
isolated PREFECT_HOME. The README's examples are kept cheap: one `pipeline run`, then commands that
read its output.

Any other block in a runnable language must be listed in NOT_RUN below with the reason it is not run;
a listed block that disappears from the README fails the test too. Plain `text` blocks (the stage
diagram) are not commands.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest

from pipeline.cli import app
from tests.conftest import REPO, SEED_RAW, subprocess_env

README = REPO / "README.md"
VENV_BIN = REPO / ".venv" / "bin"
RUNNABLE_LANGUAGES = {"sh", "bash", "console", "shell", "python", "py", "sql"}

# Blocks shown but not executed, keyed by their first line, with the reason.
NOT_RUN = {
    "make run    # creates .venv from uv.lock (installs uv with pip if missing), runs the flow on raw/ into output/":
        "the set-up commands: `make test` is how this suite itself is started, and the flow `make run` "
        "starts is run below by the `pipeline run` example",
    'pipeline serve --raw /data/drops/incoming --output /data/clean/latest --cron "0 6 * * *"':
        "`serve` runs until Ctrl-C and starts a Prefect server; tests/test_serve.py runs it against a "
        "real server, including an on-demand `prefect deployment run`",
    "prefect work-pool create conference-drops --type process":
        "scaling out needs a shared Prefect server and long-running workers on several machines; "
        "documented from Prefect's CLI, not exercised here",
    "pipeline run --raw raw --output output --runner dask":
        "tests/test_dask_runner.py runs the flow on a local Dask cluster and compares its Parquet "
        "with the default runner's; running it again here would add a minute to the suite",
    "export PREFECT_API_URL=http://PREFECT_HOST:4200/api":
        "needs a Dask scheduler and workers on other hosts; tests/test_dask_runner.py checks only that "
        "`--dask-address` reaches the DaskTaskRunner, and runs the flow on a local cluster",
    'papers = spark.read.parquet("output/papers.parquet")':
        "Spark is not part of this project's environment; the Parquet files it would read are "
        "checked with pyarrow, pandas and DuckDB in tests/test_loaders.py",
}

# A few outputs worth pinning, keyed by a command the block contains: the example must print this.
EXPECTED_OUTPUT = {
    "pipeline run --raw raw --output output": "reconciled",
    "pipeline explain 1 --output output": "paper 1",
    "pipeline schema papers": "## papers",
    "printf 'CafÃ© â€” naÃ¯ve\\n' | pipeline repair": "Café — naïve",
    "pipeline explain 9999": "exit code 3",
    "FROM 'output/papers.parquet'\nWHERE author_status": "paper_id",
}


class Block(NamedTuple):
    language: str
    is_example: bool
    code: str
    line: int  # 1-based line of the opening fence

    @property
    def first_line(self) -> str:
        return self.code.splitlines()[0] if self.code else ""


def readme_blocks(text: str) -> list[Block]:
    """Every fenced code block of `text`, with its info string split into language and marker."""
    blocks, fence, lines = [], None, []
    for number, line in enumerate(text.splitlines(), start=1):
        if fence is None and line.startswith("```"):
            words = line[3:].split()
            fence = (words[0] if words else "", "example" in words[1:], number)
            lines = []
        elif fence is not None and line.startswith("```"):
            blocks.append(Block(fence[0], fence[1], "\n".join(lines), fence[2]))
            fence = None
        elif fence is not None:
            lines.append(line)
    return blocks


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))
EXAMPLES = [block for block in BLOCKS if block.is_example]


def _command(block: Block) -> list[str]:
    python = str(VENV_BIN / "python")
    if block.language in ("sh", "bash", "shell"):
        return ["bash", "-euo", "pipefail", "-c", block.code]
    if block.language in ("python", "py"):
        return [python, "-c", block.code]
    if block.language == "sql":
        return [python, "-c", "import duckdb, sys; duckdb.sql(sys.stdin.read()).show()"]
    raise AssertionError(f"README line {block.line}: no runner for '{block.language} example' blocks")


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[subprocess.CompletedProcess]]:
    """Run every example block once, in order, in a folder holding a copy of raw/."""
    workspace = tmp_path_factory.mktemp("readme")
    shutil.copytree(SEED_RAW, workspace / "raw")
    env = subprocess_env()
    env["PATH"] = f"{VENV_BIN}:{env.get('PATH', '')}"
    results = []
    for block in EXAMPLES:
        stdin = block.code if block.language == "sql" else None
        results.append(subprocess.run(_command(block), cwd=workspace, env=env, input=stdin,
                                      capture_output=True, text=True, timeout=300))
    return workspace, results


@pytest.mark.parametrize("index", range(len(EXAMPLES)),
                         ids=[f"line{block.line}-{block.first_line[:40]}" for block in EXAMPLES])
def test_readme_example_runs(executed, index):
    _, results = executed
    block, result = EXAMPLES[index], results[index]
    assert result.returncode == 0, (
        f"README line {block.line} failed ({result.returncode}):\n{block.code}\n"
        f"--- stdout\n{result.stdout[-2000:]}\n--- stderr\n{result.stderr[-2000:]}"
    )
    for command, expected in EXPECTED_OUTPUT.items():
        if command in block.code:
            assert expected in result.stdout, f"README line {block.line}: expected {expected!r} in\n{result.stdout}"


def test_examples_produce_what_the_readme_links_to(executed):
    workspace, _ = executed
    for target in re.findall(r"\]\((output/[^)#]+)\)", README.read_text(encoding="utf-8")):
        assert (workspace / target).exists(), f"README links {target}, the example run did not write it"


def test_every_expected_output_belongs_to_an_example():
    for command in EXPECTED_OUTPUT:
        assert any(command in block.code for block in EXAMPLES), f"no example block contains {command!r}"


def test_every_runnable_block_is_an_example_or_excluded_with_a_reason():
    for block in BLOCKS:
        if block.language in RUNNABLE_LANGUAGES and not block.is_example:
            assert block.first_line in NOT_RUN, (
                f"README line {block.line}: a {block.language} block that no test runs; mark it "
                f"'{block.language} example' or list it in NOT_RUN with the reason"
            )
    shown = {block.first_line for block in BLOCKS}
    assert set(NOT_RUN) <= shown, f"NOT_RUN lists blocks no longer in the README: {set(NOT_RUN) - shown}"
    assert all(reason.strip() for reason in NOT_RUN.values())


def test_every_cli_command_has_an_example_or_a_tested_exclusion():
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        in_example = any(f"pipeline {name}" in block.code for block in EXAMPLES)
        in_excluded = any(f"pipeline {name}" in block.code for block in BLOCKS if block.first_line in NOT_RUN)
        assert in_example or in_excluded, f"the README shows no example of `pipeline {name}`"


def test_readme_opens_with_the_title_then_make_run_and_make_test():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# ")
    assert lines[2] == "```sh"
    assert [line.split()[:2] for line in lines[3:5]] == [["make", "run"], ["make", "test"]]
    assert lines[5] == "```"


def test_readme_links_and_anchors_resolve():
    text = README.read_text(encoding="utf-8")
    slugs = {_slug(heading) for heading in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)}
    for target in re.findall(r"\]\(([^)]+)\)", text):
        if target.startswith("#"):
            assert target[1:] in slugs, f"README links to a missing section {target}"
        elif not target.startswith(("http://", "https://", "output/")):
            assert (REPO / target).exists(), f"README links to a missing file {target}"


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
