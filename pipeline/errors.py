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
