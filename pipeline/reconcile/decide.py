"""Combine the five signals into one status, author list and evidence trail per paper row.

Order of trust: an independent source about this very paper decides first (verified, corrected, or
suspect on partial overlap); then a displacement confirmed several times and contradicted nowhere
(corrected, or mismatch for rows whose list is shown to belong to another title); then weak signals
(suspect); otherwise unverified. The functions work on one table (one source file) at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.reconcile.affiliation import abstract_orgs, affiliation_verdict, heading_orgs, vocabulary
from pipeline.reconcile.anchors import Anchor, cross_source_verdict
from pipeline.reconcile.displacement import Realignment, find_realignments
from pipeline.reconcile.index import SAME_LIST, ListIndex
from pipeline.reconcile.names import damaged_name, list_similarity, person_score
from pipeline.reconcile.recurrence import Recurrence, find_recurrence

Evidence = dict[str, str]
Author = dict[str, str | None]


@dataclass(frozen=True)
class TableView:
    """One accepted-papers table in row order, with the indexes every signal shares."""

    paper_ids: tuple[int, ...]
    authors: tuple[tuple[Author, ...], ...]
    sources: tuple[str, ...]  # "file:line" of each row, for evidence
    abstracts: tuple[str | None, ...]
    organisations: tuple[str | None, ...]  # notes heading organisation linked to the row
    index: ListIndex
    recurrence: Recurrence

    @classmethod
    def build(cls, paper_ids, authors, sources, abstracts, organisations) -> TableView:
        names = [tuple(a["name"] for a in row if a.get("name")) for row in authors]
        index = ListIndex.build(names)
        return cls(tuple(paper_ids), tuple(tuple(r) for r in authors), tuple(sources), tuple(abstracts),
                   tuple(organisations), index, find_recurrence(index))

    def names(self, row: int) -> tuple[str, ...]:
        return self.index.lists[row]

    def where(self, row: int) -> str:
        return f"row {self.paper_ids[row]} ({self.sources[row]})"


@dataclass
class RowDecision:
    """What the reconciliation concluded for one row."""

    status: str = "unverified"
    authors: list[Author] | None = None
    evidence: list[Evidence] = field(default_factory=list)
    source_row: int | None = None  # table row the corrected list was taken from

    def add(self, signal: str, detail: str, source: str) -> None:
        self.evidence.append({"signal": signal, "detail": detail, "source": source})


def confirmations(view: TableView, anchors: dict[int, Anchor]) -> dict[int, set[int]]:
    """Title position -> rows whose list names the title's source authors (its own row included)."""
    return {pos: set(view.index.lookup(anchor.names)) for pos, anchor in anchors.items()}


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
    for title, options in offers.items():
        options.sort(key=lambda o: (-len(o[1].supporters), abs(o[1].delta)))
        best_source = options[0][0]
        group = view.recurrence.group_of[best_source]
        if all(view.recurrence.group_of[s] == group
               or list_similarity(view.names(s), view.names(best_source)) >= SAME_LIST for s, _ in options):
            chosen[title] = options[0]
        else:
            conflicted.add(title)
    return chosen, conflicted


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
    verdict, similarity = cross_source_verdict(anchor.names, view.names(row))
    decision.add("cross_source", f"{anchor.kind} lists {len(anchor.names)} authors: {', '.join(anchor.names)}; "
                 f"{verdict} with the table (similarity {similarity:.2f})", anchor.source)
    if verdict == "agree":
        repaired = repair_damaged_names(view.authors[row], anchor.names)
        if repaired is None:
            decision.status, decision.authors = "verified", [dict(a) for a in view.authors[row]]
            return decision
        decision.status, decision.authors = "corrected", repaired
        for before, after in zip(view.authors[row], repaired):
            if before["name"] != after["name"]:
                decision.add("damaged_name", f"'{before['name']}' repaired to '{after['name']}' as the source "
                             "spells it", anchor.source)
        return decision
    if verdict == "partial":
        decision.status, decision.authors = "suspect", list(view.authors[row])
        return decision
    others = sorted(matches - {row}, key=lambda r: (r != chosen.get(row, (None,))[0], abs(r - row)))
    decision.status = "corrected"
    if others:
        source = others[0]
        decision.authors, decision.source_row = [dict(a) for a in view.authors[source]], source
        decision.add("displacement", f"these authors appear in the table on {view.where(source)}; "
                     "names and affiliations taken from there", view.sources[source])
        if row in chosen and chosen[row][0] in matches:
            decision.add("displacement", _describe(chosen[row][1], view), view.sources[row])
    else:
        decision.authors = [{"name": n, "affiliation": None} for n in anchor.names]
    return decision


def repair_damaged_names(authors: Sequence[Author], source_names: Sequence[str]) -> list[Author] | None:
    """The table's authors with glued/truncated names respelled as the source has them, or None if
    no name needed it. Only a whole source name matching the damaged one replaces it."""
    repaired, changed = [], False
    for author in authors:
        name = author.get("name") or ""
        fix = None
        if damaged_name(name):
            fix = next((s for s in source_names if damaged_name(s) is None and person_score(name, s) >= 0.85), None)
        repaired.append({**author, "name": fix} if fix and fix != name else dict(author))
        changed = changed or bool(fix and fix != name)
    return repaired if changed else None


def decide_from_realignment(row: int, source: int, hypothesis: Realignment, view: TableView) -> RowDecision:
    """Corrected from a confirmed displacement (affiliations from the source row)."""
    decision = RowDecision(status="corrected", authors=[dict(a) for a in view.authors[source]], source_row=source)
    decision.add("displacement", _describe(hypothesis, view) + f"; list taken from {view.where(source)}",
                 view.sources[source])
    return decision


def decide_consistent(row: int, source: int, hypothesis: Realignment, view: TableView) -> RowDecision:
    """A confirmed displacement gives this row the list it already shows: its recurrence is explained."""
    decision = RowDecision(status="unverified")
    decision.add("displacement", _describe(hypothesis, view) + f"; it assigns this row the list it shows "
                 f"(also on {view.where(source)}), so the copies elsewhere are the displaced ones", view.sources[source])
    return decision


def weak_signals(row: int, view: TableView, known_orgs: frozenset[str], uncertain: set[int],
                 authors: Sequence[Author]) -> list[Evidence]:
    """Evidence that the row's list may be wrong, none of it conclusive; `authors` is the list whose
    affiliations are checked (the corrected one when there is one)."""
    found: list[Evidence] = []
    recurrence = view.recurrence
    others = recurrence.others(row)
    if others:
        ids = ", ".join(str(view.paper_ids[o]) for o in others[:10])
        kind = "systematically " if recurrence.is_suspicious(row) else ""
        found.append({"signal": "recurring_list", "detail": f"the same list appears {kind}on rows {ids}",
                      "source": view.sources[row], "weak": str(recurrence.is_suspicious(row))})
    orgs = heading_orgs(view.organisations[row]) or abstract_orgs(view.abstracts[row], known_orgs)
    verdict = affiliation_verdict(orgs, [a.get("affiliation") for a in authors], known_orgs)
    if verdict:
        names = " / ".join(sorted(t for org in orgs for t in org))
        found.append({"signal": "affiliation", "detail": f"organisation named for the paper ({names}) "
                      f"{'matches' if verdict == 'agree' else 'is absent from'} the table's affiliations",
                      "source": view.sources[row], "weak": str(verdict == "contradict")})
    damaged = [(n, damaged_name(n)) for n in view.names(row)]
    for name, why in damaged:
        if why:
            found.append({"signal": "damaged_name", "detail": f"'{name}' looks {why}", "source": view.sources[row],
                          "weak": "True"})
    if row in uncertain:
        found.append({"signal": "displacement", "detail": "between confirmations of a displacement and a "
                      "contradicting source: where the shift ends is unknown", "source": view.sources[row],
                      "weak": "True"})
    return found


def reconcile_table(view: TableView, anchors: dict[int, Anchor]) -> list[RowDecision]:
    """Decide every row of one table; `anchors` maps row position to its best independent source."""
    size = len(view.paper_ids)
    matches = confirmations(view, anchors)
    realignments = find_realignments(matches, size)
    chosen, conflicted = choose_sources(view, realignments)
    uncertain = {t for h in realignments for lo, hi in h.uncertain for t in range(lo, hi + 1)} | conflicted
    decisions: list[RowDecision | None] = [None] * size
    claims: dict[int, tuple[int, str]] = {}  # list group -> (title row it belongs to, source)
    for row in range(size):
        if row in anchors:
            decisions[row] = decide_from_anchor(row, anchors[row], matches[row], view, chosen)
        elif row in chosen and view.recurrence.group_of[chosen[row][0]] != view.recurrence.group_of[row]:
            decisions[row] = decide_from_realignment(row, *chosen[row], view)
        elif row in chosen:
            decisions[row] = decide_consistent(row, *chosen[row], view)
        decision = decisions[row]
        if row in chosen and decision and decision.status != "verified":
            cited = anchors[row].source if row in anchors else view.sources[chosen[row][0]]
            claims.setdefault(view.recurrence.group_of[chosen[row][0]], (row, cited))
        if decision and decision.source_row is not None:
            claims.setdefault(view.recurrence.group_of[decision.source_row], (row, decision.evidence[0]["source"]))
        elif decision and decision.status == "verified" and view.recurrence.is_suspicious(row):
            claims.setdefault(view.recurrence.group_of[row], (row, decision.evidence[0]["source"]))
    known_orgs = vocabulary([a.get("affiliation") for a in authors] for authors in view.authors)
    return [_finish(row, decisions[row], claims, view, known_orgs, uncertain) for row in range(size)]


def _finish(row: int, decision: RowDecision | None, claims: dict[int, tuple[int, str]], view: TableView,
            known_orgs: frozenset[str], uncertain: set[int]) -> RowDecision:
    """Rows no source decided: mismatch if their list belongs elsewhere, suspect on weak signals."""
    checked = decision.authors if decision and decision.authors is not None else view.authors[row]
    weak = weak_signals(row, view, known_orgs, uncertain, checked)
    if decision is None or (decision.status == "unverified" and decision.evidence):
        decision = decision or RowDecision()
        claim = claims.get(view.recurrence.group_of[row])
        if claim and claim[0] != row:
            decision.status = "mismatch"
            decision.add("displacement", f"this row's list belongs to {view.where(claim[0])}", claim[1])
        elif any(item["weak"] == "True" for item in weak) and not _explained(decision, row, claims, view):
            decision.status, decision.authors = "suspect", list(view.authors[row])
    for item in weak:
        decision.add(item["signal"], item["detail"], item["source"])
    return decision


def _explained(decision: RowDecision, row: int, claims: dict[int, tuple[int, str]], view: TableView) -> bool:
    """True when a confirmed displacement assigns the row its own (recurring) list."""
    claim = claims.get(view.recurrence.group_of[row])
    return bool(decision.evidence) and claim is not None and claim[0] == row
