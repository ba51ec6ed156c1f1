"""The `pipeline` command: run the flow, or one stage, from the terminal.

Exit codes: 0 success (quarantined rows are reported, not failures), 1 unexpected pipeline error,
2 bad raw input or an output/work folder the pipeline must not replace, 3 contract error (unknown
dataset, incompatible schema), 4 output folder locked by another run, 5 output not written (disk
full), 130/143 stopped by SIGINT/SIGTERM. User errors print one actionable line, never a traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.errors import PipelineError, RunInterrupted

if TYPE_CHECKING:
    from pipeline.reconcile.explain import PaperExplanation

PREFECT_DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "GX_ANALYTICS_ENABLED": "false",
}

app = typer.Typer(
    help="Clean, validate and publish conference write-ups and program pages as Parquet.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
errors = Console(stderr=True)


def prepare_prefect_environment() -> None:
    """Quiet, private Prefect defaults, and its home folder made: Prefect creates only the last level."""
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    if os.environ.get("PREFECT_HOME"):
        Path(os.environ["PREFECT_HOME"]).expanduser().mkdir(parents=True, exist_ok=True)


def print_error(message: str) -> None:
    """One error line on standard error, as the user's terminal or log will keep it.

    Escaped, because messages name config keys in brackets ("[ingest] max_document_bytes"), not
    markup; never wrapped, because a path split at the terminal's width can be neither copied nor
    found by grep (CI's 80 columns cut `absent.md` in two).
    """
    errors.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)


def fail(error: PipelineError | RunInterrupted) -> None:
    print_error(str(error))
    raise typer.Exit(error.exit_code)


def summary_table(manifest: dict[str, Any]) -> Table:
    """Rows read, emitted and quarantined per dataset: the first thing to check after a run."""
    table = Table(title=f"run {manifest['run_id']}", title_justify="left")
    for column in ("dataset", "read", "emitted", "quarantined", "reconciled"):
        table.add_column(column, justify="left" if column == "dataset" else "right")
    for name, counts in manifest["rows"].items():
        mark = "[green]yes[/]" if counts["reconciled"] else "[red]NO[/]"
        table.add_row(name, str(counts["read"]), str(counts["emitted"]), str(counts["quarantined"]), mark)
    return table


def stop_local_api(server: Any) -> None:
    """Send Prefect's queued logs and events, then stop the server: stopped first, the client retries for minutes."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogHandler

    APILogHandler.flush()
    EventsWorker.drain_all(timeout=10)
    server.stop()
    shutil.rmtree(server.state_dir, ignore_errors=True)


@app.command()
def run(
    raw: Annotated[Path, typer.Option(help="Folder of raw documents (a drop).")] = Path("raw"),
    output: Annotated[Path, typer.Option(help="Output folder, replaced atomically when the run succeeds; must be new, "
                                              "empty or a previous run's output.")] = Path("output"),
    wait: Annotated[bool, typer.Option(help="Wait for another run on the same output instead of exiting.")] = False,
    runner: Annotated[str, typer.Option(help="Task runner for the per-document tasks: default or dask.")] = "default",
    dask_address: Annotated[str | None, typer.Option(help="With --runner dask: scheduler address (tcp://host:8786) "
                                                          "instead of a local cluster.")] = None,
    dask_workers: Annotated[int | None, typer.Option(help="With --runner dask and no address: local worker "
                                                          "processes (default: one per core).")] = None,
    work_dir: Annotated[Path | None, typer.Option(help="Where each document's repaired text and tables are kept "
                                                       "between stages and runs (default: .<output>.work beside "
                                                       "the output folder).")] = None,
    config: Annotated[Path | None, typer.Option(help="Configuration file (tracks, severities, thresholds, code "
                                                    "pages, size limit); default: ./pipeline.toml if present, "
                                                    "else the packaged pipeline/pipeline.toml.")] = None,
) -> None:
    """Run the whole flow on a raw drop: repair, parse, detect, validate, emit, check, report."""
    from pipeline.emit import check_run_paths
    from pipeline.config import load_config
    from pipeline.ingest import check_drop
    from pipeline.parts import work_dir_for

    try:
        load_config(config)  # a bad configuration fails here, naming the file and key
        check_drop(raw)  # a wrong --raw fails here in a second, not inside the flow
        check_run_paths(raw, output, work_dir or work_dir_for(output.resolve()))  # the flow checks again
    except PipelineError as error:
        fail(error)
    prepare_prefect_environment()
    if runner not in ("default", "dask"):
        raise typer.BadParameter(f"{runner!r} is not one of default, dask", param_hint="--runner")
    if runner != "dask" and (dask_address or dask_workers):
        raise typer.BadParameter("needs --runner dask", param_hint="--dask-address/--dask-workers")
    server = None
    if runner == "dask" and not os.environ.get("PREFECT_API_URL"):
        # Dask workers are other processes: without one API they share, each starts its own ephemeral server.
        import tempfile

        from pipeline.server import LocalPrefectServer

        server = LocalPrefectServer(Path(tempfile.mkdtemp(prefix="pipeline-dask-api-")))
    try:
        if server is not None:
            os.environ["PREFECT_API_URL"] = server.start()  # before Prefect is imported; workers inherit it
        from pipeline.flows import flow_with_runner

        run_flow = flow_with_runner(runner, dask_address=dask_address, dask_workers=dask_workers)
        manifest = run_flow(raw_dir=str(raw), output_dir=str(output), wait_for_lock=wait,
                            work_dir=str(work_dir) if work_dir else None, config_path=str(config) if config else None)
    except (PipelineError, RunInterrupted) as error:
        fail(error)
    except KeyboardInterrupt:  # Ctrl-C before the flow started (Prefect's start-up): nothing was written yet
        print_error("interrupted by SIGINT before the run started; nothing was changed")
        raise typer.Exit(130) from None
    finally:
        if server is not None:
            stop_local_api(server)
    console.print(summary_table(manifest))
    gx = manifest.get("expectations_success")
    console.print(f"expectations: {'[green]passed[/]' if gx else '[yellow]see report[/]'}   report: {escape(str(output / manifest['report']))}",
                  soft_wrap=True)


@app.command()
def repair(
    file: Annotated[Path | None, typer.Argument(help="Document to repair; omit to read standard input.")] = None,
    log: Annotated[Path | None, typer.Option(help="Write the document's text_repairs here as JSON lines.")] = None,
) -> None:
    """Repair one document's mis-encoded text and print it as UTF-8 on standard output."""
    from pipeline.encoding import repair_text, repairs_frame
    from pipeline.ingest import decode_document

    name = str(file) if file else "<stdin>"
    try:
        data = file.read_bytes() if file else sys.stdin.buffer.read()
        result = repair_text(decode_document(Path(name), data), source_file=Path(name).name)
    except OSError as error:
        print_error(f"{name}: {error.strerror}")
        raise typer.Exit(2) from error
    except PipelineError as error:
        fail(error)
    sys.stdout.write(result.text)
    if log:
        repairs_frame(result.repairs).write_ndjson(log)
    errors.print(f"{len(result.repairs)} changes", highlight=False)


@app.command()
def explain(
    paper: Annotated[str, typer.Argument(help="The paper's key EDITION:NUMBER (recsys-2025:12), or its number "
                                              "alone when one edition uses it.")],
    output: Annotated[Path, typer.Option(help="Output folder of a finished run.")] = Path("output"),
) -> None:
    """Show why a paper's authors are verified, corrected, mismatched, suspect or unverified."""
    from pipeline.loading import find_paper, load
    from pipeline.reconcile import explain_paper

    try:
        papers = load("papers", output)
        edition, paper_id = find_paper(papers, paper, f"{output}/papers.parquet")
    except PipelineError as error:
        fail(error)
    console.print(render_explanation(explain_paper(papers, paper_id, edition)))


#: Colour of each author status in `pipeline explain`.
STATUS_STYLE = {"verified": "green", "corrected": "cyan", "mismatch": "red", "suspect": "yellow", "unverified": "dim"}


def _author_lines(authors: list[dict] | None) -> str:
    if authors is None:
        return "—"
    return "\n".join(f"{a['name']}" + (f" ({a['affiliation']})" if a.get("affiliation") else "") for a in authors)


def render_explanation(explained: PaperExplanation) -> Any:
    """A rich panel with the row's title, status, the table's authors beside the best-known ones, and evidence."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    key = f"{explained.edition}:{explained.paper_id}"
    header = Text.assemble((f"{key} ", "bold"), (explained.title, "bold"), "\nstatus: ",
                           (explained.status, STATUS_STYLE.get(explained.status, "")))
    authors = Table("authors in the table (authors_raw)", "best-known authors (authors)", expand=True)
    authors.add_row(_author_lines(explained.authors_raw), _author_lines(explained.authors))
    evidence = Table("signal", "detail", "source", title="evidence", expand=True)
    for item in explained.evidence:
        evidence.add_row(item["signal"], item["detail"], item["source"])
    return Panel(Group(header, authors, evidence), title=f"paper {explained.paper_id} of {explained.edition}")


@app.command()
def report(output: Annotated[Path, typer.Option(help="Output folder of a finished run.")] = Path("output")) -> None:
    """Print the last run's data-quality summary and where the full report is."""
    from pipeline.report import render_summary

    path = output / "report" / "report.json"
    if not path.is_file():
        print_error(f"{path} does not exist; run `pipeline run --output {output}` first")
        raise typer.Exit(3)
    console.print(render_summary(json.loads(path.read_text(encoding="utf-8"))))
    console.print(f"report: {escape(str(output / 'report' / 'index.html'))}", soft_wrap=True)


@app.command()
def schema(
    dataset: Annotated[str | None, typer.Argument(help="One dataset (papers, program, ...); omit for all.")] = None,
    output_format: Annotated[str, typer.Option("--format", help="md (Markdown) or json.")] = "md",
) -> None:
    """Print the data dictionary: every dataset's columns, types, nullability, checks and meaning."""
    from pipeline.dictionary import dictionary, render_json, render_markdown

    if output_format not in ("md", "json"):
        raise typer.BadParameter(f"{output_format!r} is not one of md, json", param_hint="--format")
    try:
        entries = dictionary([dataset] if dataset else None)
    except PipelineError as error:
        fail(error)
    sys.stdout.write(render_json(entries) if output_format == "json" else render_markdown(entries))


@app.command()
def serve(
    raw: Annotated[Path, typer.Option(help="Folder of raw documents each scheduled run reads.")] = Path("raw"),
    output: Annotated[Path, typer.Option(help="Output folder each scheduled run replaces.")] = Path("output"),
    cron: Annotated[str | None, typer.Option(help='Cron schedule, e.g. "0 6 * * *" (the default).')] = None,
    interval: Annotated[float | None, typer.Option(help="Run every N seconds instead of on a cron schedule.")] = None,
    state: Annotated[Path, typer.Option(help="Where a local Prefect server keeps its database and log.")] = Path(".state"),
) -> None:
    """Serve the flow on a schedule; starts a local Prefect server unless PREFECT_API_URL is set."""
    if cron and interval:
        print_error("give --cron or --interval, not both")
        raise typer.Exit(2)
    prepare_prefect_environment()
    from pipeline.server import LocalPrefectServer

    from pipeline.emit import check_run_paths
    from pipeline.parts import work_dir_for

    try:
        check_run_paths(raw, output, work_dir_for(output.resolve()))  # a wrong folder fails now, not at 6 am
    except PipelineError as error:
        fail(error)
    server = None if os.environ.get("PREFECT_API_URL") else LocalPrefectServer(state.resolve() / "server")
    try:
        if server is not None:
            os.environ["PREFECT_API_URL"] = server.start()
            console.print(f"started a local Prefect server: {os.environ['PREFECT_API_URL'].removesuffix('/api')}")
        from pipeline.flows import clean_conference_drop

        schedule = {"interval": interval} if interval else {"cron": cron or "0 6 * * *"}
        parameters = {"raw_dir": str(raw.resolve()), "output_dir": str(output.resolve()), "wait_for_lock": True}
        clean_conference_drop.serve(name="scheduled", parameters=parameters, **schedule)
    except PipelineError as error:
        fail(error)
    except KeyboardInterrupt:
        console.print("stopped")
    finally:
        if server is not None:
            server.stop()


def main() -> None:
    app()
