"""A run killed at any moment leaves the previous output intact, and the next run cleans up."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from pipeline.emit import RETIRED_PREFIX, STAGING_PREFIX, file_sha256
from tests.conftest import REPO, subprocess_env

PIPELINE = [sys.executable, "-m", "pipeline"]


def run_pipeline(raw: Path, output: Path, api_url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PIPELINE, "run", "--raw", str(raw), "--output", str(output), *extra], cwd=REPO,
                          env=subprocess_env(api_url), capture_output=True, text=True, timeout=300)


def snapshot(output: Path) -> dict[str, bytes]:
    return {str(p.relative_to(output)): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}


def leftovers(output: Path) -> list[Path]:
    return [p for p in output.parent.iterdir() if p.name.startswith((STAGING_PREFIX, RETIRED_PREFIX))]


@pytest.fixture(scope="module")
def finished_output(prefect_server: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, float]:
    """A finished run to protect, and how long a warm run takes (to place the kills inside one)."""
    import shutil

    root = tmp_path_factory.mktemp("reliability")
    shutil.copytree(REPO / "raw", root / "raw")
    cold = run_pipeline(root / "raw", root / "output", prefect_server)
    assert cold.returncode == 0, cold.stderr[-3000:]
    start = time.monotonic()
    warm = run_pipeline(root / "raw", root / "output", prefect_server)
    assert warm.returncode == 0, warm.stderr[-3000:]
    return root / "raw", root / "output", time.monotonic() - start


def assert_output_is_whole(output: Path) -> None:
    """Every file the manifest lists is there, with the bytes and row count it records."""
    manifest = json.loads((output / "manifest.json").read_text())
    for entry in manifest["outputs"]:
        path = output / entry["path"]
        assert file_sha256(path) == entry["sha256"], entry["path"]
        assert pl.read_parquet(path).height == entry["rows"], entry["path"]


@pytest.mark.parametrize("fraction", [0.1, 0.3, 0.5, 0.7, 0.85])
def test_sigkill_mid_run_leaves_previous_output_intact(finished_output, prefect_server, fraction):
    raw, output, duration = finished_output
    before = snapshot(output)
    child = subprocess.Popen([*PIPELINE, "run", "--raw", str(raw), "--output", str(output)], cwd=REPO,
                             env=subprocess_env(prefect_server), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(duration * fraction)
    child.send_signal(signal.SIGKILL)
    child.wait(30)
    if child.returncode == 0:
        pytest.skip(f"the run finished within {duration * fraction:.1f} s, before the kill")
    assert child.returncode == -signal.SIGKILL
    after = snapshot(output)
    if after != before:  # killed after the swap: the new output must then be whole
        assert json.loads(after["manifest.json"])["run_id"] != json.loads(before["manifest.json"])["run_id"]
    assert_output_is_whole(output)


def test_next_run_after_a_kill_cleans_stale_staging(finished_output, prefect_server):
    raw, output, _ = finished_output
    stale = output.parent / f"{STAGING_PREFIX}{output.name}-killed"
    stale.mkdir()
    (stale / "half-written.parquet").write_bytes(b"PAR1")
    done = run_pipeline(raw, output, prefect_server)
    assert done.returncode == 0, done.stderr[-3000:]
    assert leftovers(output) == []


def test_a_run_killed_while_writing_parts_is_followed_by_a_correct_run(finished_output, prefect_server, tmp_path):
    """Killed as soon as the first document's parts appear in a fresh work folder: the next run must
    not take the half-written folder for a finished one."""
    raw, output, _ = finished_output
    work, fresh = tmp_path / "work", tmp_path / "output"
    child = subprocess.Popen([*PIPELINE, "run", "--raw", str(raw), "--output", str(fresh), "--work-dir", str(work)],
                             cwd=REPO, env=subprocess_env(prefect_server), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not list(work.glob("*/*/*")) and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait(30)
    assert child.returncode == -signal.SIGKILL, "the run ended before its first part was written"
    assert not fresh.exists()
    done = run_pipeline(raw, fresh, prefect_server, "--work-dir", str(work))
    assert done.returncode == 0, done.stderr[-3000:]
    for entry in json.loads((output / "manifest.json").read_text())["outputs"]:
        assert pl.read_parquet(fresh / entry["path"]).equals(pl.read_parquet(output / entry["path"])), entry["path"]
