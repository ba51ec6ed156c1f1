"""The run's configuration: what a user adapts without touching code, read from one TOML file.

The default file ships inside the package (`pipeline/pipeline.toml`), so `make run` and an installed
`pipeline` command find it; a `pipeline.toml` in the working directory replaces it, and `--config
PATH` replaces both. The file is validated as a whole when it is loaded: an unknown section or key,
a wrong type or an impossible value is a `ConfigError` naming the file and the key, before any
document is read.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.encoding.config import RepairConfig
from pipeline.errors import ConfigError
from pipeline.reconcile.displacement import MIN_SUPPORT
from pipeline.reconcile.thresholds import DEFAULT_THRESHOLDS, MatchThresholds

#: The repair stage's own defaults, which a key missing from the file takes (written once, there).
_REPAIR_DEFAULTS = RepairConfig()
DEFAULT_CONFIG = Path(__file__).resolve().parent / "pipeline.toml"
LOCAL_CONFIG_NAME = "pipeline.toml"
SEVERITY_VALUES = ("error", "warning", "info")
_SECTIONS = {
    "tracks": "canonical track name = list of words",
    "severities": "check name = 'error' | 'warning' | 'info'",
    "matching": "title_min_score, displacement_min_support, same_list_min_similarity, contradicts_below, "
                "person_min_score, recurrence_min_lists, repeated_list_min_rows, respell_min_score",
    "repair": "codepages, word_codepages, low_confidence_below, hangul_min_confidence",
    "ingest": "max_document_bytes",
}


@dataclass(frozen=True)
class PipelineConfig:
    """Validated settings; `path` is the file they came from (named in messages), `digest` its sha256."""

    path: str
    digest: str
    tracks: tuple[tuple[str, tuple[str, ...]], ...]
    severities: dict[str, str] = field(default_factory=dict)
    title_min_score: float = 90.0
    displacement_min_support: int = MIN_SUPPORT
    thresholds: MatchThresholds = DEFAULT_THRESHOLDS
    """The author-matching keys of `[matching]`, as the reconcile stage takes them."""
    codepages: tuple[str, ...] = _REPAIR_DEFAULTS.codepages
    word_codepages: tuple[str, ...] = _REPAIR_DEFAULTS.word_codepages
    low_confidence_below: float = _REPAIR_DEFAULTS.low_confidence_below
    hangul_min_confidence: float = _REPAIR_DEFAULTS.hangul_min_confidence
    max_document_bytes: int = 16 * 1024 * 1024

    @property
    def track_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.tracks)

    def normalise_track(self, raw: str | None) -> str | None:
        """The canonical track whose words occur in `raw` (first in file order), else None.

        >>> default_config().normalise_track("Full Papers"), default_config().normalise_track("Demo track")
        ('Full', 'Demo')
        >>> default_config().normalise_track("Keynote") is None
        True
        """
        if not raw:
            return None
        folded = raw.casefold()
        return next((name for name, words in self.tracks if any(word in folded for word in words)), None)

    def severity(self, check: str, default: str) -> str:
        """The configured severity of `check`, else `default`."""
        return self.severities.get(check, default)

    def repair_config(self) -> RepairConfig:
        """The repair stage's `RepairConfig` with this file's code pages and thresholds."""
        return RepairConfig(codepages=self.codepages, word_codepages=self.word_codepages,
                            low_confidence_below=self.low_confidence_below,
                            hangul_min_confidence=self.hangul_min_confidence)


def _fail(path: Path, key: str | None, reason: str) -> ConfigError:
    return ConfigError(path, key, reason)


def _table(data: dict, name: str, path: Path) -> dict:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise _fail(path, name, f"must be a table ([{name}]), got {type(value).__name__}")
    return value


def _known_keys(table: dict, section: str, allowed: tuple[str, ...], path: Path) -> None:
    for key in table:
        if key not in allowed:
            raise _fail(path, f"{section}.{key}", f"unknown key; {section} takes {', '.join(allowed)}")


def _tracks(data: dict, path: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    tracks = _table(data, "tracks", path)
    if not tracks:
        raise _fail(path, "tracks", "no track defined; give at least one: Name = [\"word\", ...]")
    parsed = []
    for name, words in tracks.items():
        if not name.strip():
            raise _fail(path, "tracks", "a track name is blank")
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise _fail(path, f"tracks.{name}", "must be a non-empty list of non-blank strings, e.g. [\"demo\"]")
        parsed.append((name, tuple(w.casefold().strip() for w in words)))
    return tuple(parsed)


def _severities(data: dict, path: Path) -> dict[str, str]:
    severities = _table(data, "severities", path)
    for check, value in severities.items():
        if value not in SEVERITY_VALUES:
            raise _fail(path, f"severities.{check}", f"is {value!r}; one of {', '.join(SEVERITY_VALUES)}")
    return dict(severities)


def _number(table: dict, section: str, key: str, kind: type, low: float, high: float | None, path: Path) -> Any:
    value = table.get(key, _default(key))
    if isinstance(value, bool) or not isinstance(value, (int, float) if kind is float else int):
        raise _fail(path, f"{section}.{key}", f"must be a{'' if kind is int else ' number'} {kind.__name__}, got {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f"{low}..{high}" if high is not None else f">= {low}"
        raise _fail(path, f"{section}.{key}", f"is {value}; must be {bounds}")
    return kind(value)


def _default(name: str) -> Any:
    """The default of a `PipelineConfig` field, or of a `MatchThresholds` one: a key missing from the
    file takes it."""
    if name in MatchThresholds.__dataclass_fields__:
        return getattr(DEFAULT_THRESHOLDS, name)
    return PipelineConfig.__dataclass_fields__[name].default


def _codepages(table: dict, path: Path, key: str = "codepages") -> tuple[str, ...]:
    import codecs

    pages = table.get(key, list(_default(key)))
    if not isinstance(pages, list) or not pages:
        raise _fail(path, f"repair.{key}", "must be a non-empty list of code page names")
    for page in pages:
        try:
            info = codecs.lookup(page) if isinstance(page, str) else None
        except LookupError:
            info = None
        if info is None:
            raise _fail(path, f"repair.{key}", f"{page!r} is not a code page Python knows (e.g. 'cp1252')")
    return tuple(pages)


def _matching(table: dict, path: Path) -> dict[str, Any]:
    """The `[matching]` fields of `PipelineConfig`: title link, displacement and author-list thresholds."""
    _known_keys(table, "matching", ("title_min_score", "displacement_min_support",
                                    *MatchThresholds.__dataclass_fields__), path)
    values = {
        # Lists with under half their people in common are not "the same" (and `contradicts_below` must
        # fit beneath); name rules score a pair 0 or at least 0.6, so 0.5 is the loosest useful person score.
        "same_list_min_similarity": _number(table, "matching", "same_list_min_similarity", float, 0.5, 1, path),
        "contradicts_below": _number(table, "matching", "contradicts_below", float, 0, 1, path),
        "person_min_score": _number(table, "matching", "person_min_score", float, 0.5, 1, path),
        "recurrence_min_lists": _number(table, "matching", "recurrence_min_lists", int, 2, None, path),
        "repeated_list_min_rows": _number(table, "matching", "repeated_list_min_rows", int, 2, None, path),
        "respell_min_score": _number(table, "matching", "respell_min_score", float, 0.5, 1, path),
    }
    if values["contradicts_below"] > values["same_list_min_similarity"]:
        raise _fail(path, "matching.contradicts_below",
                    f"is {values['contradicts_below']}; must be at most matching.same_list_min_similarity "
                    f"({values['same_list_min_similarity']}): a source cannot both agree with a list and contradict it")
    return {
        "title_min_score": _number(table, "matching", "title_min_score", float, 0, 100, path),
        "displacement_min_support": _number(table, "matching", "displacement_min_support", int, 2, None, path),
        "thresholds": MatchThresholds(**values),
    }


def parse_config(text: str, path: Path) -> PipelineConfig:
    """Validate TOML `text` (read from `path`) into a `PipelineConfig`; raises ConfigError."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _fail(path, None, f"is not valid TOML: {error}") from None
    for section in data:
        if section not in _SECTIONS:
            raise _fail(path, section, f"unknown section; known: {', '.join(_SECTIONS)}")
    matching, repair, ingest = (_table(data, name, path) for name in ("matching", "repair", "ingest"))
    matching_values = _matching(matching, path)
    _known_keys(repair, "repair", ("codepages", "word_codepages", "low_confidence_below",
                                   "hangul_min_confidence"), path)
    _known_keys(ingest, "ingest", ("max_document_bytes",), path)
    return PipelineConfig(
        path=str(path),
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
        tracks=_tracks(data, path),
        severities=_severities(data, path),
        **matching_values,
        codepages=_codepages(repair, path),
        word_codepages=_codepages(repair, path, "word_codepages"),
        low_confidence_below=_number(repair, "repair", "low_confidence_below", float, 0, 1, path),
        hangul_min_confidence=_number(repair, "repair", "hangul_min_confidence", float, 0, 1, path),
        max_document_bytes=_number(ingest, "ingest", "max_document_bytes", int, 1, None, path),
    )


def find_config(explicit: str | Path | None = None, cwd: Path | None = None) -> Path:
    """The file to read: `explicit`, else ./pipeline.toml when present, else the packaged default."""
    if explicit is not None:
        return Path(explicit)
    local = (cwd or Path.cwd()) / LOCAL_CONFIG_NAME
    return local if local.is_file() else DEFAULT_CONFIG


def load_config(explicit: str | Path | None = None) -> PipelineConfig:
    """Read and validate the configuration (see `find_config`); raises ConfigError naming the file."""
    path = find_config(explicit)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise _fail(path, None, f"cannot be read: {error}") from None
    return parse_config(text, path)


_DEFAULT: list[PipelineConfig] = []


def default_config() -> PipelineConfig:
    """The packaged default (read once): what a stage uses when no configuration is passed."""
    if not _DEFAULT:
        _DEFAULT.append(load_config(DEFAULT_CONFIG))
    return _DEFAULT[0]
