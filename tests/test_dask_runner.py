"""`pipeline run --runner dask`: per-document tasks on Dask worker processes give the same data.

The seed runs once on a LocalCluster of 2 worker processes and once with the default runner, both
against the session's Prefect server (workers are other processes and must share one API); every
dataset's Parquet must hold the same rows.
"""

from __future__ import annotations

import pickle
import shutil
import subprocess
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from pipeline import assemble
from pipeline.cli import app
from pipeline.ingest import read_document
from tests.conftest import REPO, SEED_RAW, subprocess_env

DATASETS = ("papers", "paper_authors", "paper_notes", "program", "text_repairs", "findings")


def test_documents_and_stage_results_pickle_for_workers(tmp_path: Path):
    document = read_document(SEED_RAW / "recsys2025_program_session5.txt").file()
    assert pickle.loads(pickle.dumps(document)) == document
    repaired = assemble.repair_document(document, tmp_path)
    parsed = assemble.parse_document(repaired)
    again = pickle.loads(pickle.dumps(parsed))
    assert again.kind == parsed.kind and again.table("program").equals(parsed.table("program"))
    assert again.table("program").height > 0
    assert pickle.loads(pickle.dumps(repaired)).read_text() == repaired.read_text()


def test_flow_with_runner_chooses_the_task_runner():
    from prefect_dask import DaskTaskRunner

    from pipeline.flows import clean_conference_drop, flow_with_runner

    assert flow_with_runner("default") is clean_conference_drop
    remote = flow_with_runner("dask", dask_address="tcp://10.0.0.5:8786").task_runner
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://10.0.0.5:8786"
    local = flow_with_runner("dask", dask_workers=3).task_runner
    assert local.cluster_kwargs["n_workers"] == 3 and local.cluster_kwargs["threads_per_worker"] == 1
    with pytest.raises(ValueError, match="unknown task runner"):
        flow_with_runner("ray")


def test_cli_rejects_dask_options_without_the_dask_runner(tmp_path: Path):
    result = CliRunner().invoke(app, ["run", "--raw", str(SEED_RAW), "--output", str(tmp_path / "out"),
                                      "--dask-workers", "2"])
    assert result.exit_code == 2 and "--runner dask" in result.output
    result = CliRunner().invoke(app, ["run", "--raw", str(SEED_RAW), "--output", str(tmp_path / "out"), "--runner", "ray"])
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()


@pytest.mark.timeout(300)
def test_dask_runner_emits_the_same_data_as_the_default_runner(prefect_server: str, tmp_path: Path):
    raw = tmp_path / "raw"
    shutil.copytree(SEED_RAW, raw)
    runs = {}
    # Separate Prefect homes: the dask run must repair and parse on the workers, not hit the other's cache.
    for name, extra in (("dask", ["--runner", "dask", "--dask-workers", "2"]), ("default", [])):
        env = subprocess_env(prefect_server, PREFECT_HOME=str(tmp_path / f"home-{name}"), PREFECT_LOGGING_LEVEL="INFO")
        log = open(tmp_path / f"{name}.log", "w")
        runs[name] = (subprocess.Popen(
            [str(REPO / ".venv" / "bin" / "pipeline"), "run", "--raw", str(raw), "--output", str(tmp_path / name), *extra],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT), log)
    for name, (process, log) in runs.items():
        process.wait(timeout=280)
        log.close()
        assert process.returncode == 0, (tmp_path / f"{name}.log").read_text()[-3000:]
    dask_log = (tmp_path / "dask.log").read_text()
    assert "Creating a new Dask cluster with `distributed.deploy.local.LocalCluster`" in dask_log
    assert "Starting temporary server" not in dask_log  # workers used the shared API, not one server each
    for dataset in DATASETS:
        dask = pl.read_parquet(tmp_path / "dask" / f"{dataset}.parquet")
        default = pl.read_parquet(tmp_path / "default" / f"{dataset}.parquet")
        assert dask.height > 0 or dataset == "program", dataset
        assert dask.equals(default), dataset
    for document in SEED_RAW.iterdir():
        assert (tmp_path / "dask" / "text" / document.name).read_text() == (tmp_path / "default" / "text" / document.name).read_text()
