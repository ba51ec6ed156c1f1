"""A local Prefect server owned by this project: started on loopback, health-checked, stopped.

Scheduled runs need an API that outlives a single flow run. When `PREFECT_API_URL` is set we use
that server; otherwise `LocalPrefectServer` starts `prefect server start` with its SQLite database
under the project's state folder, and stops it with the process that started it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from pipeline.errors import PipelineError


class ServerStartError(PipelineError):
    """The local Prefect server did not become healthy; the message points at its log."""


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def api_is_healthy(api_url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


class LocalPrefectServer:
    """`with LocalPrefectServer(state_dir) as api_url:` runs a server for the block's duration."""

    def __init__(self, state_dir: Path, port: int | None = None, startup_timeout: float = 120.0,
                 settings: dict[str, str] | None = None) -> None:
        self.state_dir = state_dir
        self.settings = settings or {}
        self.port = port or free_loopback_port()
        self.startup_timeout = startup_timeout
        self.api_url = f"http://127.0.0.1:{self.port}/api"
        self.log_path = state_dir / "prefect-server.log"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        env = os.environ | {
            "PREFECT_HOME": str(self.state_dir / "prefect"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
            "PREFECT_UI_ENABLED": os.environ.get("PREFECT_UI_ENABLED", "true"),
        } | self.settings
        env.pop("PREFECT_API_URL", None)
        command = [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(self.port)]
        with open(self.log_path, "ab") as log:
            self._process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self._wait_until_healthy()
        return self.api_url

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise ServerStartError(f"prefect server exited with {self._process.returncode}; see {self.log_path}")
            if api_is_healthy(self.api_url):
                return
            time.sleep(0.5)
        self.stop()
        raise ServerStartError(f"prefect server not healthy after {self.startup_timeout:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        """Stop the server and every process it started (its own process group)."""
        if self._process is None or self._process.poll() is not None:
            return
        os.killpg(self._process.pid, signal.SIGTERM)
        try:
            self._process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait(timeout=10)

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.stop()
