"""Entries of a scraped program page (the `program` dataset).

The scrape glues fields together: the track code onto the title ("RESGRACE: ...") and the
abstract onto the last author ("... Schaun WheelerConsumer applications ..."). Entries are
"- " lines followed by a "by ..." line; "- " lines without one are site navigation and are
dropped (and counted). Session headers ("Session 5: ...", "Date: ...", "Session Chair: ...")
set the context of the entries after them, so a page with several sessions works too.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

import polars as pl

from pipeline.errors import RawInputError
from pipeline.findings import Finding, where
from pipeline.parse.names import split_glued_byline
from schemas.contracts import conform, empty_frame

_SESSION = re.compile(r"^\s*(?:paper\s+)?session\b[^:]*:\s*\S", re.IGNORECASE)
_CHAIR = re.compile(r"^\s*session\s+chairs?\s*:\s*(?P<chair>.+?)\s*$", re.IGNORECASE)
_DATE = re.compile(r"^\s*date\s*:\s*(?P<value>.+?)\s*$", re.IGNORECASE)
_ENTRY = re.compile(r"^\s*[-*•]\s+(?P<text>\S.*?)\s*$")
_BY = re.compile(r"^\s*by\s+(?P<text>.+?)\s*$")
_TIME_RANGE = re.compile(r"(?P<start>\d{1,2}[:.]\d{2})\s*(?:[-–—]|to)\s*(?P<end>\d{1,2}[:.]\d{2})")
_TIMEZONE = re.compile(r"\((?P<tz>(?:GMT|UTC|CES?T|[A-Z]{2,5})(?:\s*[+-−]\s*\d{1,2}(?::?\d{2})?)?)\)")
_YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")
_MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.casefold(): number for number, name in enumerate(calendar.month_abbr) if name})
_WEEKDAYS = {name.casefold(): number for number, name in enumerate(calendar.day_name)}
#: Track codes used when the page itself gives no camel-case evidence for a code.
KNOWN_TRACK_CODES = ("REPR", "RES", "IND", "SHORT", "DEMO", "LBR", "DOC", "DC", "PERS", "FULL")


@dataclass(frozen=True)
class SessionDate:
    """What a 'Date:' line says; `date` stays None when the year cannot be known."""

    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    year: int | None = None
    start: dt.time | None = None
    end: dt.time | None = None
    timezone: str | None = None


@dataclass
class SessionContext:
    """The session header lines in force for the entries that follow them."""

    title: str | None = None
    line: int | None = None
    date_line: int | None = None
    date: SessionDate = field(default_factory=SessionDate)
    chair: str | None = None


def _clock(text: str) -> dt.time:
    """'11:30' or '11.30' as a time of day."""
    hours, minutes = re.split(r"[:.]", text)
    return dt.time(int(hours), int(minutes))


def parse_date_line(value: str) -> SessionDate:
    """'Wednesday September 24, 11:30–13:00 (GMT+2)' -> month 9, day 24, weekday 2, times, 'GMT+2'.

    Month and day may come in either order ("24 September"); a year is taken when the line has
    one, otherwise the caller supplies it from elsewhere on the page.

    >>> d = parse_date_line("Wednesday September 24, 11:30–13:00 (GMT+2)")
    >>> (d.month, d.day, d.weekday, d.year, str(d.start), str(d.end), d.timezone)
    (9, 24, 2, None, '11:30:00', '13:00:00', 'GMT+2')
    """
    times = _TIME_RANGE.search(value)
    zone = _TIMEZONE.search(value)
    words = re.findall(r"[A-Za-z]+|\d+", value[: times.start()] if times else value)
    month = next((_MONTHS[w.casefold()] for w in words if w.casefold() in _MONTHS), None)
    weekday = next((_WEEKDAYS[w.casefold()] for w in words if w.casefold() in _WEEKDAYS), None)
    numbers = [int(w) for w in words if w.isdigit()]
    day = next((n for n in numbers if 1 <= n <= 31), None)
    year = next((n for n in numbers if 1900 <= n <= 2099), None)
    return SessionDate(
        month=month, day=day, weekday=weekday, year=year,
        start=_clock(times.group("start")) if times else None,
        end=_clock(times.group("end")) if times else None,
        timezone=re.sub(r"\s+", "", zone.group("tz")).replace("−", "-") if zone else None,
    )


def page_years(lines: list[str], entry_lines: set[int]) -> Counter[int]:
    """Years written on the page outside the entries (abstracts cite years; headers and menus don't)."""
    years: Counter[int] = Counter()
    for index, line in enumerate(lines):
        if index not in entry_lines:
            years.update(int(year) for year in _YEAR.findall(line))
    return years


def choose_year(date: SessionDate, years: Counter[int]) -> int | None:
    """The year of a session: its own, else the page year whose calendar agrees with the weekday.

    >>> choose_year(parse_date_line("Wednesday September 24, 11:30-13:00"), Counter({2024: 3, 2025: 1}))
    2025
    """
    if date.year is not None:
        return date.year
    if date.month is None or date.day is None or not years:
        return None
    ranked = [year for year, _ in years.most_common()]
    if date.weekday is not None:
        agreeing = [year for year in ranked if _weekday_of(year, date.month, date.day) == date.weekday]
        if agreeing:
            return agreeing[0]
    return ranked[0]


def _weekday_of(year: int, month: int, day: int) -> int | None:
    try:
        return dt.date(year, month, day).weekday()
    except ValueError:
        return None


def uppercase_run(text: str) -> str:
    """The leading run of ASCII capitals: 'RESGRACE: ...' -> 'RESGRACE', 'INDAgentic' -> 'INDA'."""
    match = re.match(r"[A-Z]+", text)
    return match.group(0) if match else ""


def camel_code(text: str) -> str | None:
    """The code a camel-case glue proves: 'INDAgentic' -> 'IND' (the last capital starts the title).

    A lone lower-case "s" after the run is an acronym's plural ("RESLLMs for ...") and proves
    nothing, so it gives None.

    >>> camel_code("REPRTime to Split"), camel_code("RESGRACE: x"), camel_code("RESLLMs for x"), camel_code("Program")
    ('REPR', None, None, None)
    """
    run = uppercase_run(text)
    rest = text[len(run) :]
    if len(run) < 3 or not rest[:1].islower() or re.match(r"s(?![^\W\d_])", rest):
        return None
    return run[:-1]


def learn_track_codes(texts: list[str]) -> Counter[str]:
    """How many entries of this page prove each code by camel-case glue."""
    return Counter(code for code in map(camel_code, texts) if code)


def split_track_code(text: str, codes: Counter[str]) -> tuple[str | None, str, str]:
    """(code, title, evidence) for an entry line; evidence is 'page', 'known' or 'none'.

    A code must be a prefix of the line that leaves a title starting with a capital or digit.
    Candidates are the codes proven on this page by camel-case glue (weight: how many entries
    prove them) and the known codes (a prior of 1.5 entries); the heaviest wins, then the
    longest. So 'RESGRACE' splits as RES + GRACE once any 'RESXxx' entry proves RES, and a
    one-off camel accident cannot outvote a known code.

    >>> split_track_code("RESGRACE: Generative", Counter({"RES": 5, "IND": 2}))
    ('RES', 'GRACE: Generative', 'page')
    >>> split_track_code("DEMOWidget Lab", Counter())
    ('DEMO', 'Widget Lab', 'known')
    """
    def fits(code: str) -> bool:
        rest = text[len(code) :].lstrip()
        return text.startswith(code) and bool(rest) and (rest[0].isupper() or rest[0].isdigit())

    def weight(code: str) -> tuple[float, int]:
        return codes.get(code, 0) + (1.5 if code in KNOWN_TRACK_CODES else 0.0), len(code)

    candidates = [code for code in set(codes) | set(KNOWN_TRACK_CODES) if fits(code)]
    if not candidates:
        return None, text.strip(), "none"
    code = max(candidates, key=weight)
    return code, text[len(code) :].strip(), "page" if codes.get(code) else "known"


def next_content_line(lines: list[str], index: int) -> int | None:
    """Index of the first non-blank line after `index`, or None at the end."""
    for later in range(index + 1, len(lines)):
        if lines[later].strip():
            return later
    return None


def find_entries(lines: list[str]) -> dict[int, int]:
    """Entry line index -> its 'by' line index: every '- ' line whose next content line starts 'by '."""
    entries = {}
    for index, line in enumerate(lines):
        if _ENTRY.match(line):
            following = next_content_line(lines, index)
            if following is not None and _BY.match(lines[following]):
                entries[index] = following
    return entries


@dataclass
class PageWalk:
    """What a walk over the page collected: entries with their session, and what was dropped."""

    records: list[dict] = field(default_factory=list)
    sessions: list[SessionContext] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _header(line: str, index: int, walk: PageWalk) -> bool:
    """Apply a session header line to the walk; False when the line is not a header."""
    if chair := _CHAIR.match(line):
        if walk.sessions:
            walk.sessions[-1].chair = chair.group("chair")
        return True
    if date := _DATE.match(line):
        if not walk.sessions:
            walk.sessions.append(SessionContext())
        walk.sessions[-1].date, walk.sessions[-1].date_line = parse_date_line(date.group("value")), index + 1
        return True
    if _SESSION.match(line) and not _ENTRY.match(line):
        walk.sessions.append(SessionContext(title=line.strip(), line=index + 1))
        return True
    return False


def _entry_record(text: str, by_index: int | None, lines: list[str], index: int, codes: Counter[str],
                  source_file: str, walk: PageWalk) -> dict:
    """One program row (session fields filled later) and the findings about its own fields."""
    code, title, evidence = split_track_code(text, codes)
    byline = _BY.match(lines[by_index]).group("text") if by_index is not None else None
    authors, abstract = split_glued_byline(byline) if byline is not None else ([], None)
    entry_id = f"{source_file}#{len(walk.records) + 1}"
    at = where(source_file, index + 1)

    def add(check: str, severity: str, message: str, detail: dict | None = None) -> None:
        walk.findings.append(Finding("program", entry_id, check, severity, f"{at}: {message}", detail))

    if evidence == "known":
        add("track_code_from_known_list", "info",
            f"track code {code!r} taken from the known list, no other entry on the page confirms it")
    elif evidence == "none":
        add("track_code_missing", "warning", "no track code (IND, RES, ...) found at the start of the entry",
            {"text": text[:80]})
    if byline is None:
        add("entry_without_authors", "warning", "entry has no 'by ...' line after it")
    elif not authors:
        add("authors_abstract_unsplit", "error",
            "cannot tell where the author list ends and the abstract begins on the 'by' line; "
            "put the abstract on its own line", {"by_line": byline[:200]})
    return {
        "entry_id": entry_id, "track_code": code, "title": title or None, "authors": authors,
        "abstract": abstract, "paper_id": None, "match_score": None,
        "source_file": source_file, "source_line": index + 1,
        "_session": walk.sessions[-1] if walk.sessions else None,
        "_abstract_line": next_content_line(lines, by_index) if by_index is not None and authors and abstract is None
        else None,
    }


def walk_page(lines: list[str], source_file: str) -> PageWalk:
    """One pass over the page: headers set the session, entries become rows, the rest is dropped."""
    entries = find_entries(lines)
    by_lines = set(entries.values())
    codes = learn_track_codes([_ENTRY.match(lines[index]).group("text") for index in entries])
    walk = PageWalk()
    for index, line in enumerate(lines):
        if not line.strip() or index in by_lines or _header(line, index, walk):
            continue
        entry = _ENTRY.match(line)
        if index in entries:
            walk.records.append(_entry_record(entry.group("text"), entries[index], lines, index, codes, source_file, walk))
        elif entry and split_track_code(entry.group("text"), codes)[2] == "page":
            walk.records.append(_entry_record(entry.group("text"), None, lines, index, codes, source_file, walk))
        elif not entry and walk.records and walk.records[-1]["_abstract_line"] == index:
            walk.records[-1]["abstract"] = line.strip()  # names-only 'by' line: the abstract is the next line
        else:
            walk.dropped.append(index + 1)
    return walk


def session_findings(session: SessionContext, years: Counter[int], source_file: str) -> list[Finding]:
    """Checks on one session header: a date that cannot be completed or does not agree with itself."""
    date, line = session.date, session.date_line or session.line
    key, at = (session.title or where(source_file, line)), where(source_file, line)
    found = []
    if session.date_line is None:
        return [Finding("program", key, "session_date_missing", "warning",
                        f"{at}: session has no 'Date: ...' line; session_date and times stay empty")]
    year = choose_year(date, years)
    if date.month is None or date.day is None:
        found.append(Finding("program", key, "session_date_unparsable", "warning",
                             f"{at}: cannot read month and day from the Date line; session_date stays empty"))
    elif year is None:
        found.append(Finding("program", key, "session_year_unknown", "warning",
                             f"{at}: the Date line has no year and none is written elsewhere on the page; "
                             "session_date stays empty (add the year to the Date line)"))
    elif date.weekday is not None and _weekday_of(year, date.month, date.day) != date.weekday:
        found.append(Finding("program", key, "session_weekday_mismatch", "warning",
                             f"{at}: {calendar.day_name[date.weekday]} does not fall on {year}-{date.month:02d}-"
                             f"{date.day:02d}; check the Date line", {"year": year}))
    if date.start is None:
        found.append(Finding("program", key, "session_time_missing", "warning",
                             f"{at}: no 'HH:MM–HH:MM' time range on the Date line"))
    return found


def session_fields(session: SessionContext | None, years: Counter[int]) -> dict:
    """The program columns that come from the session header, for one entry."""
    if session is None:
        return {"session_title": None, "session_date": None, "start_time": None, "end_time": None,
                "timezone": None, "chair": None}
    date, year = session.date, choose_year(session.date, years)
    day = None
    if year is not None and date.month is not None and date.day is not None:
        try:
            day = dt.date(year, date.month, date.day)
        except ValueError:
            day = None
    return {"session_title": session.title, "session_date": day, "start_time": date.start,
            "end_time": date.end, "timezone": date.timezone, "chair": session.chair}


def parse_program_lines(lines: list[str], source_file: str) -> tuple[pl.DataFrame, list[Finding]]:
    """Every entry of a program page as the `program` dataset, plus findings."""
    walk = walk_page(lines, source_file)
    if not walk.records:
        raise RawInputError(source_file, None,
                            "no program entries found (a '- CODETitle' line followed by a 'by Authors...' line); "
                            "is this a program page?")
    entry_lines = {record["source_line"] - 1 for record in walk.records}
    entry_lines |= {index + 1 for index in entry_lines}
    years = page_years(lines, entry_lines)
    found = list(walk.findings)
    for session in walk.sessions:
        found.extend(session_findings(session, years, source_file))
    if any(record["_session"] is None for record in walk.records):
        found.append(Finding("program", None, "session_header_missing", "warning",
                             f"{source_file}: entries before any 'Session N: Title' line have no session fields"))
    for record in walk.records:
        if record["authors"] and record["abstract"] is None:
            found.append(Finding("program", record["entry_id"], "entry_without_abstract", "warning",
                                 f"{where(source_file, record['source_line'])}: the entry has authors but no abstract"))
    if walk.dropped:
        found.append(Finding("program", None, "boilerplate_dropped", "info",
                             f"{source_file}: dropped {len(walk.dropped)} lines that are not session headers or "
                             "entries (site navigation)", {"count": len(walk.dropped), "lines": walk.dropped[:50]}))
    rows = [{**{k: v for k, v in record.items() if not k.startswith("_")}, **session_fields(record["_session"], years)}
            for record in walk.records]
    frame = pl.DataFrame(rows, schema=empty_frame("program").schema)
    return conform("program", frame), found
