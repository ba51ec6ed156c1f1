"""A run killed at any moment leaves the previous output intact, and the next run cleans up."""

from __future__ import annotations

import hashlib
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
    # The warm run's length was measured once; with other tests running beside this one (pytest-xdist)
    # a run may be quicker than that. A run that finishes before its kill is timed, and the kill is
    # placed at the same fraction of that run's own length on the next try.
    for _attempt in range(3):
        before = snapshot(output)
        started = time.monotonic()
        child = subprocess.Popen([*PIPELINE, "run", "--raw", str(raw), "--output", str(output)], cwd=REPO,
                                 env=subprocess_env(prefect_server), stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        try:
            child.wait(duration * fraction)
        except subprocess.TimeoutExpired:
            break  # still running: kill it now
        assert child.returncode == 0, f"the run failed on its own (exit {child.returncode})"
        duration = time.monotonic() - started
    else:
        pytest.skip(f"three runs finished within {duration * fraction:.1f} s, before the kill")
    child.send_signal(signal.SIGKILL)
    child.wait(30)
    # The run may end between the timeout and the signal; then it published, and the checks below
    # (a new, whole output) are what must hold.
    assert child.returncode in (0, -signal.SIGKILL)
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


def wait_for(condition, child: subprocess.Popen, seconds: float = 120) -> bool:
    """Poll until `condition()` holds while the child still runs; False if it ended first."""
    deadline = time.monotonic() + seconds
    while not condition():
        if child.poll() is not None or time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def assert_lock_released(output: Path) -> None:
    from pipeline.emit import output_lock

    with output_lock(output):  # non-blocking: raises OutputLockedError if the run still held it
        pass


@pytest.mark.parametrize("signum, moment", [(signal.SIGTERM, "staging"), (signal.SIGINT, "staging"),
                                            (signal.SIGTERM, "parts")])
def test_sigterm_and_sigint_mid_run_keep_the_output_remove_staging_and_release_the_lock(
        finished_output, prefect_server, tmp_path, signum, moment):
    """Signalled once the staging folder exists (or, with a fresh work folder, once the first
    document's parts appear): exit 128 + signal, one line saying so, the previous output byte-identical."""
    from tests.trees import tree_digests

    raw, output, _ = finished_output
    work = tmp_path / "work" if moment == "parts" else None
    before = tree_digests(output)
    child = subprocess.Popen([*PIPELINE, "run", "--raw", str(raw), "--output", str(output),
                              *(["--work-dir", str(work)] if work else [])],
                             cwd=REPO, env=subprocess_env(prefect_server), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    started = wait_for((lambda: leftovers(output)) if moment == "staging" else (lambda: list(work.glob("*/*/*"))), child)
    child.send_signal(signum)
    _, stderr = child.communicate(timeout=60)
    assert started, f"the run ended before the {moment} it was to be signalled in: {stderr[-2000:]}"
    assert child.returncode == 128 + signum, stderr[-3000:]
    name = signal.Signals(signum).name
    assert f"error: interrupted by {name}: the run stopped, its staging folder was removed and {output} holds the " \
           "last complete run" in " ".join(stderr.split())
    assert tree_digests(output) == before
    assert leftovers(output) == []
    assert_lock_released(output)


@pytest.fixture
def small_disk(tmp_path: Path, finished_output) -> Path:
    """A tmpfs holding a copy of the previous output and about 1 MiB more; skipped where mount is not permitted."""
    import shutil

    _, output, _ = finished_output
    disk = tmp_path / "disk"
    disk.mkdir()
    size = sum(p.stat().st_size for p in output.rglob("*") if p.is_file()) + 2**20
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(disk)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        shutil.copytree(output, disk / "output")
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_a_full_disk_fails_the_run_with_a_message_and_leaves_the_previous_output(finished_output, prefect_server,
                                                                              small_disk, tmp_path):
    from tests.trees import tree_digests

    raw, _, _ = finished_output
    output = small_disk / "output"
    before = tree_digests(small_disk)
    done = run_pipeline(raw, output, prefect_server, "--work-dir", str(tmp_path / "work"))
    assert done.returncode == 5, done.stderr[-3000:]
    message = " ".join(done.stderr.split())
    assert f"error: no space left on the disk of {small_disk} while writing this run's output" in message
    assert f"the run stopped, the staging folder was removed and {output} is unchanged. Free some space there " \
           "or pass --output a folder on another disk" in message
    after = tree_digests(small_disk)
    assert after.pop(f".{output.name}.lock") == hashlib.sha256(b"").hexdigest()  # the run's (empty) lock file, new
    assert after == before
    assert leftovers(output) == []


def test_a_damaged_manifest_and_history_line_are_reported_and_the_run_goes_on(finished_output, prefect_server, tmp_path):
    import shutil

    raw, output, _ = finished_output
    previous = tmp_path / "output"
    shutil.copytree(output, previous)
    (previous / "manifest.json").write_bytes((previous / "manifest.json").read_bytes()[:200])  # cut off
    history = previous / "history.jsonl"
    kept = history.read_bytes() + b'{"run_id": "cut-off'
    history.write_bytes(kept)
    lines = kept.count(b"\n") + 1
    done = run_pipeline(raw, previous, prefect_server)
    assert done.returncode == 0, done.stderr[-3000:]
    findings = pl.read_parquet(previous / "findings.parquet").filter(pl.col("check") == "damaged_previous_output")
    messages = findings["message"].to_list()
    assert messages[0].startswith(f"{previous / 'manifest.json'}: the previous run's manifest cannot be read as JSON")
    assert messages[1].startswith(f"{history}:{lines}: damaged history line (")
    assert set(findings["severity"]) == {"warning"}
    assert history.read_bytes().startswith(kept + b"\n")  # the damaged line is kept; the new entry is on a line of its own
    assert json.loads(history.read_text().splitlines()[-1])["run_id"] == json.loads((previous / "manifest.json").read_text())["run_id"]
    assert_output_is_whole(previous)


def test_parts_changed_truncated_or_deleted_in_the_work_folder_are_rebuilt_not_published(finished_output, prefect_server,
                                                                                     tmp_path):
    from pipeline import parts

    raw, output, _ = finished_output
    work, fresh = tmp_path / "work", tmp_path / "output"
    assert run_pipeline(raw, fresh, prefect_server, "--work-dir", str(work)).returncode == 0
    first = {path.name: pl.read_parquet(path) for path in fresh.glob("*.parquet")}
    markers = sorted(work.glob("*/*/*.json"))
    folders = sorted({marker.parent for marker in markers})
    repairs, papers = folders[0] / "text_repairs.parquet", next(work.glob("*/*/papers.parquet"))
    repairs.write_bytes(repairs.read_bytes()[: repairs.stat().st_size // 2])  # truncated
    parts.write_part(pl.read_parquet(papers).with_columns(pl.lit("Edited behind the pipeline's back").alias("title")), papers)
    (folders[-1] / "text.txt").unlink()  # deleted
    assert not all(parts.marker_is_intact(marker) for marker in markers)
    done = run_pipeline(raw, fresh, prefect_server, "--work-dir", str(work))
    assert done.returncode == 0, done.stderr[-3000:]
    assert all(parts.marker_is_intact(marker) for marker in markers)
    for name, frame in first.items():
        assert pl.read_parquet(fresh / name).equals(frame), name
    assert "Edited behind the pipeline's back" not in pl.read_parquet(fresh / "papers.parquet")["title"].to_list()
