"""Combine the five signals into one status, author list and evidence trail per paper row.

Order of trust: an independent source about this very paper decides first (verified, corrected, or
suspect on partial overlap); then a displacement confirmed several times and contradicted nowhere
(corrected, or mismatch for rows whose list is shown to belong to another title); then weak signals
(suspect); otherwise unverified. The functions work on one table (one source file) at a time.

Rows stay columnar: a row's best-known authors are a *reference* (to a table row whose list it
takes, or to a new list for the few rows a source respells), and its evidence goes straight into
an `EvidenceLog` in row order. Only rows an independent source speaks about get a Python
`RowDecision`; the many rows a displacement decides are a (source row, hypothesis) pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.reconcile.affiliation import abstract_orgs, affiliation_verdict, heading_orgs
from pipeline.reconcile.anchors import Anchor, cross_source_verdict
from pipeline.reconcile.displacement import MIN_SUPPORT, Realignment, find_realignments
from pipeline.reconcile.evidence import EvidenceLog
from pipeline.reconcile.names import damaged_name, person_score, same_people
from pipeline.reconcile.thresholds import RESPELL_MIN_SCORE
from pipeline.reconcile.view import TableView

Evidence = tuple[str, str, str]  # signal, detail, source
Author = dict[str, str | None]


@dataclass
class RowDecision:
    """What an independent source made of one row; `authors_row` names the table row whose list
    is the best-known one, `authors` a new list (names respelled or taken from the source)."""

    status: str = "unverified"
    authors_row: int | None = None
    authors: list[Author] | None = None
    evidence: list[Evidence] = field(default_factory=list)
    source_row: int | None = None  # table row the corrected list was taken from

    def add(self, signal: str, detail: str, source: str) -> None:
        self.evidence.append((signal, detail, source))


@dataclass
class TableDecisions:
    """One table's verdicts: status per row, authors as references, evidence in row order.

    `authors_ref[row]` is a table row (its `authors_raw` is the best-known list), `size + k` for
    `new_lists[k]`, or None (no known list)."""

    statuses: list[str]
    authors_ref: list[int | None]
    new_lists: list[list[Author]]
    evidence: EvidenceLog


def confirmations(view: TableView, anchors: dict[int, Anchor]) -> dict[int, set[int]]:
    """Title position -> rows whose list names the title's source authors (its own row included)."""
    found = view.index.lookup_many({pos: anchor.names for pos, anchor in anchors.items()}, view.thresholds)
    # The blocking keys miss spellings that share no first-last token pair ("E. Epure" for "Elena
    # Epure"); the title's own row is always compared in full, so such a variant still confirms it.
    for pos, anchor in anchors.items():
        if pos not in found.get(pos, {}) and same_people(anchor.names, view.names(pos), view.thresholds):
            found.setdefault(pos, {})[pos] = 1.0
    return {pos: set(rows) for pos, rows in found.items()}


def choose_sources(view: TableView, realignments: Sequence[Realignment]) -> tuple[dict[int, tuple[int, Realignment]], set[int]]:
    """The source row each title gets from the realignments; titles whose hypotheses disagree are left out."""
    size = len(view.paper_ids)
    offers: dict[int, list[tuple[int, Realignment]]] = {}
    for hypothesis in realignments:
        for title in range(max(hypothesis.lo, 0), min(hypothesis.hi, size - 1) + 1):
            source = hypothesis.source_of(title, size)
            if source is not None:
                offers.setdefault(title, []).append((source, hypothesis))
    chosen: dict[int, tuple[int, Realignment]] = {}
    conflicted: set[int] = set()
    group_of = view.recurrence.group_of
    for title, options in offers.items():
        if len(options) > 1:
            options.sort(key=lambda o: (-len(o[1].supporters), abs(o[1].delta)))
        best_source = options[0][0]
        group = group_of[best_source]
        if all(group_of[s] == group or same_people(view.names(s), view.names(best_source), view.thresholds)
               for s, _ in options):
            chosen[title] = options[0]
        else:
            conflicted.add(title)
    return chosen, conflicted


def confined_uncertainty(view: TableView, realignments: Sequence[Realignment], matches: dict[int, set[int]],
                         chosen: dict[int, tuple[int, Realignment]]) -> set[int]:
    """Titles between a displacement's last confirmation and a contradicting source, where the shift
    may or may not still hold, cut where the evidence shows the pattern has ended.

    Walking out of the supported run, the first title whose would-be list (row title - delta) is
    already the confirmed or chosen list of another title cannot take it: a displacement is
    contiguous, so that title and every one beyond it are outside the block and keep their own
    verdict (a rotation inside a block ends exactly there)."""
    group_of = view.recurrence.group_of
    size = len(view.paper_ids)
    owner: dict[int, int] = {}
    for title, rows in matches.items():
        for row in rows:
            owner.setdefault(group_of[row], title)
    for title, (source, _) in chosen.items():
        owner.setdefault(group_of[source], title)
    found: set[int] = set()
    for hypothesis in realignments:
        for lo, hi in hypothesis.uncertain:
            outward = range(hi, lo - 1, -1) if hi < hypothesis.supporters[0] else range(lo, hi + 1)
            for title in outward:
                source = title - hypothesis.delta
                if 0 <= source < size and owner.get(group_of[source], title) != title:
                    break
                found.add(title)
    return found


def _describe(h: Realignment, view: TableView) -> str:
    shown = [str(view.paper_ids[t]) for t in h.supporters[:12]]
    ids = shown + ([f"and {len(h.supporters) - len(shown)} more"] if len(h.supporters) > len(shown) else [])
    return (f"authors column displaced: title row n takes the list shown on row n{-h.delta:+d}, over rows "
            f"{view.paper_ids[h.lo]}..{view.paper_ids[h.hi]}; confirmed by sources for rows {', '.join(ids)}; "
            "contradicted by none")


def decide_from_anchor(row: int, anchor: Anchor, matches: set[int], view: TableView,
                       chosen: dict[int, tuple[int, Realignment]]) -> RowDecision:
    """Verified / suspect / corrected for a row that an independent source speaks about."""
    decision = RowDecision()
    verdict, similarity = cross_source_verdict(anchor.names, view.names(row), view.thresholds)
    decision.add("cross_source", f"{anchor.kind} lists {len(anchor.names)} authors: {', '.join(anchor.names)}; "
                 f"{verdict} with the table (similarity {similarity:.2f})", anchor.source)
    if verdict == "agree":
        decision.status, decision.authors_row = "verified", row
        if _respell(decision, view.authors_of(row) if row in view.damaged else [], anchor, view):
            decision.status = "corrected"
        return decision
    if verdict == "partial":
        decision.status, decision.authors_row = "suspect", row
        return decision
    others = sorted(matches - {row}, key=lambda r: (r != chosen.get(row, (None,))[0], abs(r - row)))
    decision.status = "corrected"
    if others:
        source = others[0]
        decision.authors_row, decision.source_row = source, source
        decision.add("displacement", f"these authors appear in the table on {view.where(source)}; "
                     "names and affiliations taken from there", view.source(source))
        _respell(decision, view.authors_of(source) if source in view.damaged else [], anchor, view)
        if row in chosen and chosen[row][0] in matches:
            decision.add("displacement", _describe(chosen[row][1], view), view.source(row))
    else:
        decision.authors = [{"name": n, "affiliation": None} for n in anchor.names]
    return decision


def _respell(decision: RowDecision, table_authors: list[Author], anchor: Anchor, view: TableView) -> bool:
    """Take `table_authors` with their damaged names spelled as the source has them, if any was."""
    repaired = repair_damaged_names(table_authors, anchor.names, view.thresholds.respell_min_score)
    if repaired is None:
        return False
    decision.authors_row, decision.authors = None, repaired
    for before, after in zip(table_authors, repaired):
        if before["name"] != after["name"]:
            decision.add("damaged_name", f"'{before['name']}' repaired to '{after['name']}' as the source "
                         "spells it", anchor.source)
    return True


def repair_damaged_names(authors: Sequence[Author], source_names: Sequence[str],
                         min_score: float = RESPELL_MIN_SCORE) -> list[Author] | None:
    """The table's authors with glued/truncated names respelled as the source has them, or None if
    no name needed it. Only a whole source name scoring `min_score` against the damaged one replaces it."""
    repaired, changed = [], False
    for author in authors:
        name = author.get("name") or ""
        fix = None
        if damaged_name(name):
            fix = next((s for s in source_names if damaged_name(s) is None and person_score(name, s) >= min_score), None)
        repaired.append({**author, "name": fix} if fix and fix != name else dict(author))
        changed = changed or bool(fix and fix != name)
    return repaired if changed else None


@dataclass
class _Table:
    """What the first pass learnt about a table, for the second (row-ordered) pass."""

    view: TableView
    anchors: dict[int, list[Anchor]]
    decided: dict[int, RowDecision]  # rows an independent source speaks about
    chosen: dict[int, tuple[int, Realignment]]
    uncertain: set[int]
    claims: dict[int, tuple[int, str | int]]  # list group -> (title row it belongs to, source or row)
    descriptions: dict[int, str] = field(default_factory=dict)  # id(hypothesis) -> _describe

    def describe(self, hypothesis: Realignment) -> str:
        key = id(hypothesis)
        if key not in self.descriptions:
            self.descriptions[key] = _describe(hypothesis, self.view)
        return self.descriptions[key]

    def cited(self, claim: tuple[int, str | int]) -> str:
        return claim[1] if isinstance(claim[1], str) else self.view.source(claim[1])

    def realigned(self, row: int) -> bool:
        """The row takes another list group's list from a chosen realignment (and no source spoke)."""
        group_of = self.view.recurrence.group_of
        return row not in self.decided and row in self.chosen and group_of[self.chosen[row][0]] != group_of[row]


def _claims(view: TableView, decided: dict[int, RowDecision], chosen: dict[int, tuple[int, Realignment]]) -> dict[int, tuple[int, str | int]]:
    """List group -> the first title row (in table order) that the evidence gives that list to."""
    claims: dict[int, tuple[int, str | int]] = {}
    group_of = view.recurrence.group_of
    for row in sorted(decided.keys() | chosen.keys()):
        decision = decided.get(row)
        if decision is None:  # decided by a realignment alone (corrected, or its own list confirmed)
            source = chosen[row][0]
            claims.setdefault(group_of[source], (row, source))
            continue
        if row in chosen and decision.status != "verified":
            claims.setdefault(group_of[chosen[row][0]], (row, decision.evidence[0][2]))
        if decision.source_row is not None:
            claims.setdefault(group_of[decision.source_row], (row, decision.evidence[0][2]))
        elif decision.status == "verified" and view.recurrence.is_suspicious(row):
            claims.setdefault(group_of[row], (row, decision.evidence[0][2]))
    return claims


def weak_signals(row: int, view: TableView, uncertain: set[int], affiliations) -> list[tuple[str, str, str, bool]]:
    """(signal, detail, source, weak) evidence that the row's list may be wrong, none of it
    conclusive; `affiliations()` gives the affiliations of the list to check (the corrected one
    when there is one), asked for only when a source names an organisation."""
    found: list[tuple[str, str, str, bool]] = []
    recurrence = view.recurrence
    others = recurrence.others(row)
    if others:
        ids = ", ".join(str(view.paper_ids[o]) for o in others[:10])
        suspicious = recurrence.is_suspicious(row)
        kind = "systematically " if suspicious else ""
        found.append(("recurring_list", f"the same list appears {kind}on rows {ids}", view.source(row), suspicious))
    orgs = view.organisations_of(row)
    if orgs:
        verdict = affiliation_verdict(orgs, affiliations(), view.known_orgs)
        if verdict:
            names = " / ".join(sorted(t for org in orgs for t in org))
            found.append(("affiliation", f"organisation named for the paper ({names}) "
                          f"{'matches' if verdict == 'agree' else 'is absent from'} the table's affiliations",
                          view.source(row), verdict == "contradict"))
    for name, why in view.damaged.get(row, ()):
        found.append(("damaged_name", f"'{name}' looks {why}", view.source(row), True))
    if row in uncertain:
        found.append(("displacement", "between confirmations of a displacement and a contradicting source: "
                      "where the shift ends is unknown", view.source(row), True))
    return found


def reconcile_table(view: TableView, anchors: dict[int, list[Anchor]], min_support: int = MIN_SUPPORT) -> TableDecisions:
    """Decide every row of one table; `anchors` maps row position to its independent sources, best first;
    `min_support` confirmations make a displacement (the config's [matching] displacement_min_support).
    Names and lists are compared with the thresholds the view was built with (`view.thresholds`)."""
    best = {pos: found[0] for pos, found in anchors.items()}
    matches = confirmations(view, best)
    realignments = find_realignments(matches, len(view.paper_ids), min_support)
    chosen, conflicted = choose_sources(view, realignments)
    uncertain = confined_uncertainty(view, realignments, matches, chosen) | conflicted
    decided = {row: decide_from_anchor(row, anchor, matches[row], view, chosen) for row, anchor in sorted(best.items())}
    table = _Table(view, anchors, decided, chosen, uncertain, _claims(view, decided, chosen))
    result = TableDecisions([], [], [], EvidenceLog())
    for row in range(len(view.paper_ids)):
        _finish(row, table, result)
    return result


def _finish(row: int, table: _Table, result: TableDecisions) -> None:
    """The row's status, authors and evidence, in evidence order: its source or displacement first,
    then the mismatch claim, the weak signals, and the further sources."""
    view, log = table.view, result.evidence
    decision = table.decided.get(row)
    status, authors_row, authors, explained = "unverified", None, None, False
    if decision is not None:
        status, authors_row, authors = decision.status, decision.authors_row, decision.authors
        for item in decision.evidence:
            log.add(*item)
    elif row in table.chosen:
        source, hypothesis = table.chosen[row]
        if table.realigned(row):
            status, authors_row = "corrected", source
            log.add("displacement", table.describe(hypothesis) + f"; list taken from {view.where(source)}",
                    view.source(source))
        else:
            log.add("displacement", table.describe(hypothesis) + f"; it assigns this row the list it shows "
                    f"(also on {view.where(source)}), so the copies elsewhere are the displaced ones", view.source(source))
            explained = True
    checked = authors_row if authors_row is not None else row
    weak = weak_signals(row, view, table.uncertain, lambda: [a.get("affiliation") for a in (
        authors if authors is not None else view.authors_of(checked))])
    if status == "unverified":
        claim = table.claims.get(view.recurrence.group_of[row])
        if claim and claim[0] != row:
            status = "mismatch"
            log.add("displacement", f"this row's list belongs to {view.where(claim[0])}", table.cited(claim))
        elif any(item[3] for item in weak) and not (explained and claim is not None and claim[0] == row):
            status, authors_row = "suspect", row
    for signal, detail, source, _ in weak:
        log.add(signal, detail, source)
    for extra in table.anchors.get(row, [])[1:]:
        log.add("cross_source", f"{extra.kind} also lists: {', '.join(extra.names)}", extra.source)
    log.end_row()
    result.statuses.append(status)
    if authors is not None:
        result.authors_ref.append(len(view.paper_ids) + len(result.new_lists))
        result.new_lists.append(authors)
    else:
        result.authors_ref.append(authors_row)
