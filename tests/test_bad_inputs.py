"""Bad raw drops: every case gives a message naming file and line, and no raw row goes missing.

The cases are real files in `tests/bad_inputs/<case>/` (rebuilt by `tests/bad_inputs/build.py`);
`cases.json` holds what a user must see for each. Most tests run the stage functions in the order
the flow runs them (`run_stages`), which takes well under a second per drop; three tests run the
whole flow through the CLI to pin exit codes and what reaches the terminal and `output/`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from pipeline import accounting, assemble
from pipeline.errors import RawInputError
from pipeline.ingest import MAX_DOCUMENT_BYTES, check_drop, list_raw_files, read_document
from tests.conftest import REPO
from tests.generators import generate_papers, notes_document, write_huge_notes

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
CASES: dict[str, dict] = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))
ROW_DATASETS = ("papers", "paper_notes", "program")


def run_stages(raw: Path) -> tuple[dict[str, pl.DataFrame], dict]:
    """ingest -> repair -> parse -> combine -> hold back -> detect -> validate: the flow's order.

    Returns (rows read per dataset, validation results)."""
    documents, input_findings = assemble.read_drop(raw)
    with tempfile.TemporaryDirectory() as work:
        parsed = [assemble.parse_document(assemble.repair_document(document, Path(work))) for document in documents]
        return stages_after_parse(parsed, input_findings)


def stages_after_parse(parsed: list[assemble.ParsedDocument], input_findings: pl.DataFrame) -> tuple[dict[str, pl.DataFrame], dict]:
    combined = assemble.combine_documents(parsed, input_findings)
    kept, held = assemble.hold_back_rejected_rows(combined)
    datasets = assemble.detect_authors(kept)
    return accounting.rows_read(datasets, held), assemble.validate_datasets(datasets, held)


def only(raw: Path, *names: str, into: Path) -> Path:
    """A drop holding only `names` of a corpus case."""
    into.mkdir()
    for name in names:
        shutil.copy(raw / name, into / name)
    return into


@pytest.mark.parametrize("case", sorted(name for name, expected in CASES.items() if "check" in expected))
def test_bad_input_case_is_a_finding_naming_file_and_line(case: str):
    expected = CASES[case]
    datasets, results = run_stages(CORPUS / case)
    hits = datasets["findings"].filter(pl.col("check") == expected["check"])
    assert hits.height >= 1, f"{case}: no {expected['check']} finding"
    where = expected["file"] + (f":{expected['line']}" if expected["line"] is not None else "")
    messages = [message for message in hits["message"] if where in message and expected["message"] in message]
    assert messages, f"{case}: no message with {where!r} and {expected['message']!r} in {hits['message'].to_list()}"


@pytest.mark.parametrize("case", sorted(name for name, expected in CASES.items() if "quarantined" in expected))
def test_bad_rows_are_quarantined_with_their_check_and_the_rest_is_emitted(case: str):
    expected = CASES[case]
    datasets, results = run_stages(CORPUS / case)
    quarantined = results["papers"].quarantined
    assert quarantined.height == expected["quarantined"]
    assert all(expected["check"] in checks for checks in quarantined["failed_checks"].to_list())
    assert set(quarantined["source_file"]) == {expected["file"]}
    emitted = results["papers"].valid
    assert emitted.height == expected.get("emitted", datasets["papers"].height - expected["quarantined"])
    assert emitted["paper_id"].is_unique().all()


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_raw_row_is_emitted_or_quarantined(case: str):
    datasets, results = run_stages(CORPUS / case)
    for name in ROW_DATASETS:
        result = results[name]
        assert datasets[name].height == result.valid.height + result.quarantined.height, name
        kept = pl.concat([result.valid.select("source_file", "source_line"),
                          result.quarantined.select("source_file", "source_line")])
        assert sorted(kept.rows()) == sorted(datasets[name].select("source_file", "source_line").rows()), name


def test_bom_and_crlf_drop_parses_like_a_clean_one_with_true_line_numbers():
    expected = CASES["bom_crlf"]
    datasets, results = run_stages(CORPUS / "bom_crlf")
    papers = datasets["papers"]
    assert papers.height == expected["papers"] == results["papers"].valid.height
    assert papers["source_line"][0] == expected["first_row_line"]
    assert not any("\r" in (title or "") or "\ufeff" in (title or "") for title in papers["title"])
    assert datasets["findings"].filter(pl.col("dataset").is_in(["inputs", "papers"]) & (pl.col("severity") == "error")
                                       & (pl.col("check") != "author_mismatch")).is_empty()


def test_two_drops_keep_the_first_document_and_say_what_differs():
    datasets, results = run_stages(CORPUS / "two_drops")
    duplicates = datasets["findings"].filter(pl.col("check") == "duplicate_paper_id")
    by_key = {key: json.loads(evidence) for key, evidence in duplicates.select("row_key", "evidence").iter_rows()}
    assert by_key["recsys-2025:3"]["differs"] == ["title"] and by_key["recsys-2025:1"]["differs"] == []
    assert "with the same content" in duplicates.filter(pl.col("row_key") == "recsys-2025:1")["message"][0]
    valid = results["papers"].valid
    assert set(valid.filter(pl.col("paper_id") <= 8)["source_file"]) == {"notes_a.md"}
    assert valid.filter(pl.col("paper_id") > 8)["source_file"].to_list() == ["notes_b.md", "notes_b.md"]


def test_headerless_table_without_write_ups_is_reported_as_unknown_with_the_fix(tmp_path: Path):
    text = (CORPUS / "no_header" / "notes.md").read_text(encoding="utf-8")
    rows_only = "\n".join(line for line in text.split("\n") if "|" in line)
    (tmp_path / "rows.md").write_text(rows_only, encoding="utf-8")
    (tmp_path / "good.md").write_text(notes_document(generate_papers(1, 3)), encoding="utf-8")
    datasets, _ = run_stages(tmp_path)
    unknown = datasets["findings"].filter(pl.col("check") == "unknown_document_kind")
    assert unknown["message"].to_list() == [
        "rows.md:1: 8 line(s) from here on look like accepted-papers rows but no table header is above them; add a "
        "header ('| # | Title | Authors | ... |') and a '|---|---|' line before the first row; skipped"]


def test_drop_of_only_unusable_files_is_an_error_listing_each_reason(tmp_path: Path):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(CORPUS / "empty_file" / "empty.md", raw)
    shutil.copy(CORPUS / "binary_file" / "logo.png", raw)
    shutil.copy(CORPUS / "unknown_kind" / "shopping.txt", raw)
    with pytest.raises(RawInputError) as error:
        run_stages(raw)
    message = str(error.value)
    assert "no usable document" in message and "previous output is kept" in message
    assert "empty.md:1: is empty" in message and "logo.png: looks like a binary file" in message
    assert "shopping.txt: not recognised" in message


def test_empty_raw_folder_is_an_error_not_an_empty_output(tmp_path: Path):
    with pytest.raises(RawInputError, match="the raw folder holds no documents"):
        run_stages(tmp_path)


def test_raw_path_that_is_a_file_is_an_error_naming_it(tmp_path: Path):
    path = tmp_path / "notes.md"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(RawInputError, match=r"notes\.md: is not a folder; pass --raw DIR"):
        list_raw_files(path)


def test_broken_link_in_a_drop_is_reported_not_skipped(tmp_path: Path):
    (tmp_path / "gone.md").symlink_to(tmp_path / "nowhere.md")
    assert [path.name for path in list_raw_files(tmp_path)] == ["gone.md"]
    with pytest.raises(RawInputError, match=r"gone\.md: cannot be read \(No such file or directory\); it is a broken link"):
        read_document(tmp_path / "gone.md")


def _as_unprivileged(action) -> str:
    """Run `action()` in a forked child with the uid of `nobody`; return what it raised or returned.

    Tests run as root, where chmod 000 blocks nothing, so the read is done by a process that has
    dropped root: the permission check is then the kernel's, not a simulation.
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: drop privileges, act, report through the pipe, never return to pytest
        try:
            os.setgid(65534)
            os.setuid(65534)
            try:
                outcome = f"returned {action()!r}"
            except RawInputError as error:
                outcome = f"RawInputError: {error}"
            os.write(write_end, outcome.encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        outcome = pipe.read().decode()
    os.waitpid(pid, 0)
    return outcome


@pytest.fixture
def world_readable_dir():
    """A temp folder user `nobody` may enter (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="bad-inputs-"))
    path.chmod(0o755)
    yield path
    for child in path.rglob("*"):
        child.chmod(0o755) if child.is_dir() else None
    shutil.rmtree(path)


def test_unreadable_raw_folder_and_file_are_errors_naming_them(world_readable_dir: Path):
    folder = world_readable_dir / "raw"
    folder.mkdir()
    (folder / "notes.md").write_text("x", encoding="utf-8")
    locked = world_readable_dir / "locked.md"
    locked.write_text("x", encoding="utf-8")
    folder.chmod(0o000)
    locked.chmod(0o000)
    if os.geteuid() == 0:
        listed = _as_unprivileged(lambda: list_raw_files(folder))
        read = _as_unprivileged(lambda: read_document(locked))
    else:
        listed = read = ""
        with pytest.raises(RawInputError) as list_error:
            list_raw_files(folder)
        with pytest.raises(RawInputError) as read_error:
            read_document(locked)
        listed, read = f"RawInputError: {list_error.value}", f"RawInputError: {read_error.value}"
    assert listed == f"RawInputError: {folder}: cannot list the raw folder (Permission denied); check its permissions"
    assert read == (f"RawInputError: {locked}: cannot be read (Permission denied); "
                    "check that it exists and that its permissions let you read it")


PEAK_RSS_SCRIPT = """
import resource, sys, tempfile
from pathlib import Path
from pipeline.ingest import list_raw_files, read_document
from pipeline.errors import RawInputError
from pipeline.assemble import parse_document, repair_document
outcomes = []
for path in list_raw_files(Path(sys.argv[1])):
    try:
        parse_document(repair_document(read_document(path), Path(tempfile.mkdtemp())))
        outcomes.append("parsed")
    except RawInputError as error:
        outcomes.append(str(error))
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
print("\\n".join(outcomes))
"""


def _peak_rss_mib(raw: Path) -> tuple[int, list[str]]:
    done = subprocess.run([sys.executable, "-c", PEAK_RSS_SCRIPT, str(raw)], cwd=REPO, capture_output=True,
                          text=True, timeout=120, check=True)
    peak, *outcomes = done.stdout.strip().split("\n")
    return int(peak), outcomes


def test_huge_file_is_refused_before_reading_so_memory_stays_bounded(tmp_path: Path):
    small, huge = tmp_path / "small", tmp_path / "huge"
    small.mkdir(), huge.mkdir()
    (small / "notes.md").write_text(notes_document(generate_papers(3, 20)), encoding="utf-8")
    shutil.copy(small / "notes.md", huge / "notes.md")
    size = write_huge_notes(huge / "huge_notes.md", 300 * 2**20)
    assert size > 300 * 2**20 > MAX_DOCUMENT_BYTES
    baseline, _ = _peak_rss_mib(small)
    peak, outcomes = _peak_rss_mib(huge)
    assert outcomes[1] == "parsed"
    assert outcomes[0] == (f"{huge / 'huge_notes.md'}: is {size / 2**20:.1f} MiB, over the 16.0 MiB limit for one "
                           "document (not read); split it into smaller documents, remove it from the drop, or raise "
                           "[ingest] max_document_bytes in the configuration")
    # Reading the file at all would cost >= 300 MiB (its bytes) plus as much again (its text); the
    # margin of 50 MiB covers allocator noise between two runs of the same small parse.
    assert peak - baseline < 50, f"peak RSS {peak} MiB vs {baseline} MiB without the huge file"


# --- whole flow through the CLI: exit codes, terminal output, output/ left alone -----------------

def invoke_run(raw: Path, output: Path):
    from pipeline.cli import app

    return CliRunner().invoke(app, ["run", "--raw", str(raw), "--output", str(output)])


@pytest.fixture(scope="module")
def two_drops_run(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("two-drops")
    shutil.copytree(CORPUS / "two_drops", root / "raw")
    return root, invoke_run(root / "raw", root / "output")


def test_flow_on_two_drops_succeeds_and_reconciles_every_dataset(two_drops_run):
    root, result = two_drops_run
    assert result.exit_code == 0, result.output
    manifest = json.loads((root / "output" / "manifest.json").read_text(encoding="utf-8"))
    row_counts = manifest["rows"]
    assert all(counts["reconciled"] for counts in row_counts.values()), row_counts
    assert row_counts["papers"]["read"] == 18
    assert (row_counts["papers"]["emitted"], row_counts["papers"]["quarantined"]) == (10, 8)
    assert row_counts["paper_authors"]["quarantined"] == 0  # the later copies never reached detection
    findings = pl.read_parquet(root / "output" / "findings.parquet")
    duplicate = findings.filter((pl.col("check") == "duplicate_paper_id") & (pl.col("row_key") == "recsys-2025:3"))
    assert ("notes_b.md:17: paper 3 of edition 'recsys-2025' is also in notes_a.md:35 and differs in title"
            in duplicate["message"][0])
    # every dataset has its quarantine file, typed, empty or not
    for name in ("papers", "paper_authors", "paper_notes", "program", "text_repairs", "findings"):
        held = pl.read_parquet(root / "output" / "quarantine" / f"{name}.parquet")
        assert "failed_checks" in held.columns
    assert pl.read_parquet(root / "output" / "quarantine" / "program.parquet").height == 0


def test_flow_on_unusable_drop_exits_2_without_traceback_and_keeps_previous_output(two_drops_run, tmp_path: Path):
    root, _ = two_drops_run
    output = tmp_path / "output"
    shutil.copytree(root / "output", output)
    before = sorted((p.relative_to(output), p.read_bytes()) for p in output.rglob("*") if p.is_file())
    raw = only(CORPUS / "empty_file", "empty.md", into=tmp_path / "raw")
    result = invoke_run(raw, output)
    assert result.exit_code == 2
    assert f"error: {raw}: no file of the drop can be read, nothing to publish:" in result.output
    assert "empty.md:1: is empty; remove it from the drop or re-export it" in result.output
    assert sorted((p.relative_to(output), p.read_bytes()) for p in output.rglob("*") if p.is_file()) == before


def test_flow_on_missing_raw_folder_exits_2_naming_it(tmp_path: Path):
    result = invoke_run(tmp_path / "no-such-drop", tmp_path / "output")
    assert result.exit_code == 2
    assert f"error: {tmp_path / 'no-such-drop'}: raw folder does not exist; pass --raw DIR pointing at a drop" \
        in result.output.replace("\n", "")
    assert not (tmp_path / "output").exists()


# --- the pre-flight check the CLI runs before starting a flow (pipeline.ingest.check_drop) --------

def test_check_drop_refuses_an_empty_folder_before_any_run(tmp_path: Path):
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    with pytest.raises(RawInputError) as error:
        check_drop(tmp_path)
    assert str(error.value) == (f"{tmp_path}: raw folder holds no documents (hidden files are ignored); "
                                "put the drop's files there or pass --raw DIR pointing at a drop")


def test_check_drop_refuses_a_drop_where_no_file_can_be_read_listing_each(tmp_path: Path):
    raw = only(CORPUS / "binary_file", "logo.png", into=tmp_path / "raw")
    shutil.copy(CORPUS / "invalid_utf8" / "notes_latin1.md", raw)
    with pytest.raises(RawInputError) as error:
        check_drop(raw)
    message = str(error.value)
    assert message.startswith(f"{raw}: no file of the drop can be read, nothing to publish: ")
    assert f"{raw / 'logo.png'}: looks like a binary file" in message
    assert f"{raw / 'notes_latin1.md'}:{CASES['invalid_utf8']['line']}: is not valid UTF-8 (byte 0xe9)" in message


def test_check_drop_accepts_a_drop_with_one_readable_file_among_bad_ones():
    assert [path.name for path in check_drop(CORPUS / "empty_file")] == ["empty.md", "good_notes.md"]
