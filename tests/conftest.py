"""Test-wide set-up: an isolated Prefect home, no telemetry, and paths to the committed seed drop."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

_PREFECT_HOME = tempfile.mkdtemp(prefix="pipeline-tests-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME  # before any prefect import: tests never touch the user's
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

REPO = Path(__file__).resolve().parent.parent
SEED_RAW = REPO / "raw"


@pytest.fixture
def seed_raw(tmp_path: Path) -> Path:
    """A private copy of the committed raw drop, so tests may add or break files."""
    target = tmp_path / "raw"
    shutil.copytree(SEED_RAW, target)
    return target


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_PREFECT_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A real Prefect server on a free loopback port for the whole session; yields its API URL."""
    from pipeline.server import LocalPrefectServer

    # the scheduler looks for due runs every 2 s instead of 60, so a scheduled run starts within the test
    settings = {"PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2", "PREFECT_UI_ENABLED": "false"}
    with LocalPrefectServer(tmp_path_factory.mktemp("prefect-server"), settings=settings) as api_url:
        yield api_url


def subprocess_env(api_url: str | None = None, **extra: str) -> dict[str, str]:
    """Environment for running `pipeline` in a child process against the test server."""
    env = dict(os.environ)
    env.pop("PREFECT_API_URL", None)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of a headless Chromium from the Debian package, installed on first use (never downloaded by a test tool)."""
    import subprocess

    if os.environ.get("SKIP_BROWSER_TESTS") == "1":
        pytest.skip("SKIP_BROWSER_TESTS=1")
    import fcntl

    ensure = REPO / "tests" / "report" / "ensure_chromium.sh"
    # pytest-xdist workers each ask for it: one at a time, so two apt-get installs never race for dpkg's lock
    with open(Path(tempfile.gettempdir()) / "pipeline-tests-chromium.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = subprocess.run(["sh", str(ensure)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"cannot provide chromium: {done.stderr.strip()[-500:]}")
    return done.stdout.strip().splitlines()[-1]


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
