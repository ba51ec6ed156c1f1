"""Scheduled operation against a real Prefect server: a scheduled run and an on-demand run complete."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO, subprocess_env


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def test_serve_runs_on_schedule_and_on_demand(prefect_server, tmp_path: Path):
    shutil.copytree(REPO / "raw", tmp_path / "raw")
    output = tmp_path / "output"
    log = open(tmp_path / "serve.log", "wb")
    serving = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "serve", "--interval", "20", "--raw", str(tmp_path / "raw"),
         "--output", str(output)],
        cwd=REPO, env=subprocess_env(prefect_server), stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: (output / "manifest.json").is_file(), 240, "the first scheduled run's output")
        first_run = json.loads((output / "manifest.json").read_text())["run_id"]
        on_demand = subprocess.run(
            [sys.executable, "-m", "prefect", "deployment", "run", "clean-conference-drop/scheduled",
             "--watch", "--watch-timeout", "240"],
            cwd=REPO, env=subprocess_env(prefect_server), capture_output=True, text=True, timeout=300)
        assert on_demand.returncode == 0, on_demand.stdout[-2000:] + on_demand.stderr[-2000:]
        assert json.loads((output / "manifest.json").read_text())["run_id"] != first_run
    finally:
        serving.send_signal(signal.SIGINT)
        try:
            serving.wait(60)
        except subprocess.TimeoutExpired:
            serving.kill()
            raise
        log.close()
    assert serving.returncode is not None


def test_serve_without_an_api_starts_its_own_server_and_ctrl_c_stops_both(tmp_path: Path):
    import re

    from pipeline.server import api_is_healthy

    log_path = tmp_path / "serve.log"
    with open(log_path, "wb") as log:
        serving = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "serve", "--cron", "0 6 * * *", "--raw", str(REPO / "raw"),
             "--output", str(tmp_path / "output"), "--state", str(tmp_path / "state")],
            cwd=REPO, env=subprocess_env(None), stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: "is being served" in log_path.read_text(errors="replace"), 180, "the deployment to be served")
            started = re.search(r"started a local Prefect server: (http://127\.0\.0\.1:\d+)", log_path.read_text())
            assert started, log_path.read_text()[-2000:]
            api_url = f"{started.group(1)}/api"
            assert api_is_healthy(api_url)
        finally:
            serving.send_signal(signal.SIGINT)
            serving.wait(60)
    assert not api_is_healthy(api_url, timeout=2)
    assert (tmp_path / "state" / "server" / "prefect-server.log").is_file()
    assert not (tmp_path / "output").exists()  # the cron run is not due: nothing ran
