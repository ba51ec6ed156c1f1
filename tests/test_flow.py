"""End to end: the real Prefect flow on a copy of the seed drop, Parquet read back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

import pipeline
from pipeline.cli import app
from pipeline.emit import read_parquet_metadata
from pipeline.errors import ContractError
from schemas.contracts import DATASETS, SCHEMA_VERSION
from tests.conftest import SEED_RAW

EXPECTED_DATASETS = ("papers", "paper_authors", "paper_notes", "program", "text_repairs", "findings")


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    from pipeline.flows import clean_conference_drop

    root = tmp_path_factory.mktemp("seed-run")
    shutil.copytree(SEED_RAW, root / "raw")
    manifest = clean_conference_drop(raw_dir=str(root / "raw"), output_dir=str(root / "output"))
    return root, manifest


def test_run_emits_every_dataset_with_contract_columns(seed_run):
    root, _ = seed_run
    for name in EXPECTED_DATASETS:
        frame = pipeline.load(name, output=root / "output")
        assert frame.schema == DATASETS[name], name
    assert sorted(p.name for p in (root / "output" / "text").iterdir()) == sorted(p.name for p in SEED_RAW.iterdir())
    assert (root / "output" / "report" / "index.html").is_file()


def test_every_seed_table_row_is_emitted_or_quarantined(seed_run):
    root, manifest = seed_run
    papers = manifest["rows"]["papers"]
    assert papers["read"] == 170
    assert papers["emitted"] + papers["quarantined"] == 170
    assert all(counts["reconciled"] for counts in manifest["rows"].values())


def test_manifest_lists_inputs_and_outputs_with_sha256(seed_run):
    root, manifest = seed_run
    on_disk = json.loads((root / "output" / "manifest.json").read_text())
    assert on_disk["run_id"] == manifest["run_id"]
    assert {entry["path"] for entry in on_disk["inputs"]} == {p.name for p in SEED_RAW.iterdir()}
    assert {entry["kind"] for entry in on_disk["inputs"]} == {"notes", "program"}
    for entry in on_disk["outputs"]:
        assert pl.read_parquet(root / "output" / entry["path"]).height == entry["rows"]


def test_parquet_metadata_names_dataset_version_run_and_raw_hashes(seed_run):
    root, manifest = seed_run
    metadata = read_parquet_metadata(root / "output" / "papers.parquet")
    assert metadata["pipeline.dataset"] == "papers"
    assert metadata["pipeline.schema_version"] == SCHEMA_VERSION
    assert metadata["pipeline.run_id"] == manifest["run_id"]
    hashes = json.loads(metadata["pipeline.raw_sha256"])
    assert hashes == {entry["path"]: entry["sha256"] for entry in manifest["inputs"]}


def test_rerun_gives_identical_parquet_data_and_keeps_history(seed_run, tmp_path):
    from pipeline.flows import clean_conference_drop

    root, first = seed_run
    shutil.copytree(root / "output", tmp_path / "first")
    second = clean_conference_drop(raw_dir=str(root / "raw"), output_dir=str(root / "output"))
    assert second["run_id"] != first["run_id"]
    for name in EXPECTED_DATASETS:
        before = pq.read_table(tmp_path / "first" / f"{name}.parquet")
        after = pq.read_table(root / "output" / f"{name}.parquet")
        assert before.replace_schema_metadata().equals(after.replace_schema_metadata()), name
    history = (root / "output" / "history.jsonl").read_text().splitlines()
    assert len(history) == 2
    # Same data, same code: GX's verdict and Data Docs are the first run's, copied over.
    assert second["expectations"]["reused_from"] == first["run_id"]
    assert (root / "output" / "report" / "gx" / "index.html").is_file()
    assert f"reused from run {first['run_id']}" in (root / "output" / "report" / "index.html").read_text()


def test_changed_drop_runs_gx_again_and_lost_parts_are_rebuilt(seed_run, tmp_path):
    from pipeline import parts
    from pipeline.flows import clean_conference_drop

    root, _ = seed_run
    raw, output = tmp_path / "raw", tmp_path / "output"
    shutil.copytree(root / "raw", raw)
    program = next(raw.glob("*program*"))
    program.rename(tmp_path / program.name)
    clean_conference_drop(raw_dir=str(raw), output_dir=str(output))  # the drop without its program page
    (tmp_path / program.name).rename(program)
    shutil.rmtree(parts.work_dir_for(output))  # cached task results now point at missing parts
    changed = clean_conference_drop(raw_dir=str(raw), output_dir=str(output))
    assert changed["expectations"]["reused_from"] is None  # other data: GX ran again
    for name in EXPECTED_DATASETS:  # same drop as the seed run: same data, parts rebuilt
        before = pq.read_table(root / "output" / f"{name}.parquet")
        after = pq.read_table(output / f"{name}.parquet")
        assert before.replace_schema_metadata().equals(after.replace_schema_metadata()), name
    work = list(parts.work_dir_for(output).glob("*/*"))
    assert sorted(folder.name.rsplit("-", 1)[0] for folder in work) == sorted(p.name for p in raw.iterdir())


def test_load_refuses_an_incompatible_major_schema_version(seed_run, tmp_path):
    root, _ = seed_run
    table = pq.read_table(root / "output" / "papers.parquet")
    metadata = dict(table.schema.metadata)
    metadata[b"pipeline.schema_version"] = b"99.0.0"
    pq.write_table(table.replace_schema_metadata(metadata), tmp_path / "papers.parquet")
    with pytest.raises(ContractError, match="schema 99.0.0"):
        pipeline.load("papers", output=tmp_path)


def test_cli_run_on_missing_raw_folder_exits_2_with_one_line(tmp_path):
    result = CliRunner().invoke(app, ["run", "--raw", str(tmp_path / "absent"), "--output", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "raw folder does not exist" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_cli_explain_and_report_read_a_finished_run(seed_run):
    root, _ = seed_run
    runner = CliRunner()
    explained = runner.invoke(app, ["explain", "1", "--output", str(root / "output")])
    assert explained.exit_code == 0, explained.output
    reported = runner.invoke(app, ["report", "--output", str(root / "output")])
    assert reported.exit_code == 0, reported.output
    assert "index.html" in reported.output


def test_seed_report_opens_in_chromium_with_its_figures_and_a_screenshot(seed_run, chromium):
    from playwright.sync_api import sync_playwright

    from tests.conftest import CHROMIUM_ARGS

    root, manifest = seed_run
    report_dir = root / "output" / "report"
    problems: list[str] = []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1366, "height": 900})
        tab.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        tab.on("pageerror", lambda error: problems.append(str(error)))
        tab.goto((report_dir / "index.html").as_uri())
        tab.wait_for_load_state("load")
        headline = tab.inner_text("#card-authors")
        tab.screenshot(path=str(report_dir / "screenshot.png"), full_page=True)
        browser.close()
    assert problems == []
    assert str(manifest["rows"]["papers"]["read"]) in headline
    assert (report_dir / "screenshot.png").stat().st_size > 10_000


def test_plain_run_drop_publishes_the_same_data_as_the_flow(seed_run, tmp_path: Path):
    """`run.run_drop` with plain steps (what the benchmarks call) is the flow's run without Prefect."""
    from bench.output_digests import digest
    from pipeline.run import run_drop

    root, flow_manifest = seed_run
    output = tmp_path / "output"
    shutil.copytree(root / "output", output)  # same data and code: GX's verdict is reused, the rest is rerun
    manifest = run_drop(root / "raw", output, tmp_path / "work")
    assert manifest["run_id"] != flow_manifest["run_id"] and manifest["rows"] == flow_manifest["rows"]
    published = {name: value for name, value in digest(output).items() if not name.endswith(".json")}
    assert published == {name: value for name, value in digest(root / "output").items() if not name.endswith(".json")}
