"""Typed errors a user can act on: each names the file (and line when there is one) and what to do."""

from __future__ import annotations

from pathlib import Path


class PipelineError(Exception):
    """Base class: every error the pipeline raises on purpose. The CLI prints these without a traceback."""

    exit_code = 1


class RawInputError(PipelineError):
    """A raw document cannot be read or parsed as its kind; names the file and line."""

    exit_code = 2

    def __init__(self, path: str | Path, line: int | None, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


class ContractError(PipelineError):
    """A dataset does not match its contract (columns, schema version); names the dataset and file."""

    exit_code = 3


class OutputLockedError(PipelineError):
    """Another run holds the lock on the output folder."""

    exit_code = 4


class OutputRefusedError(PipelineError):
    """`--output` or `--work-dir` names a folder the pipeline does not own (or one that overlaps the raw
    drop): refused before any work, so nothing a user keeps there is replaced or pruned."""

    exit_code = 2


class OutputWriteError(PipelineError):
    """The output could not be written (disk full, quota): the run stopped, its staging folder was
    removed, and the previous output is unchanged."""

    exit_code = 5


class RunInterrupted(BaseException):
    """SIGINT or SIGTERM arrived mid-run; raised from the signal handler in the flow's thread.

    A BaseException like KeyboardInterrupt, not a PipelineError: no `except Exception` in a library or
    a Prefect retry may swallow it. Exits 128 + the signal number (130 for SIGINT, 143 for SIGTERM),
    the shell's convention, after the staging folder is removed and the lock released.
    """

    def __init__(self, signum: int) -> None:
        import signal

        self.signum = signum
        self.exit_code = 128 + signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}")


class ConfigError(PipelineError):
    """The configuration file is unreadable or holds a wrong key or value; names the file and key."""

    exit_code = 2

    def __init__(self, path: str | Path, key: str | None, reason: str) -> None:
        self.path = str(path)
        self.key = key
        where = f"{self.path}, key {key}" if key else self.path
        super().__init__(f"{where}: {reason}")
