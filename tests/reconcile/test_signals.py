"""Each signal on its own: recurrence, displacement, affiliation, cross-source, blocking."""

from pipeline.reconcile.affiliation import affiliation_verdict, heading_orgs, vocabulary
from pipeline.reconcile.anchors import collect_anchors, cross_source_verdict
from pipeline.reconcile.displacement import find_realignments
from pipeline.reconcile.index import ListIndex
from pipeline.reconcile.recurrence import find_recurrence
from schemas.contracts import empty_frame

from tests.reconcile.reconcile_frames import notes_frame, people


def names(lists):
    return [[n for n, _ in row] for row in lists]


def test_lookup_finds_the_row_showing_a_source_list_despite_spelling():
    lists = names(people(50))
    index = ListIndex.build(lists)
    assert set(index.lookup(["Ann Surdeman", "Bob Famdely"])) == {34}


def test_lookup_scores_only_rows_sharing_a_rare_token():
    lists = names(people(200))
    index = ListIndex.build(lists)
    assert index.candidates(["Ann Surbman", "Bob Fambly"]) == {1}


def test_a_block_of_lists_repeated_down_the_column_is_systematic():
    block = names(people(5))
    recurrence = find_recurrence(ListIndex.build(block * 3))
    assert recurrence.systematic_distances == {5}
    assert recurrence.is_suspicious(7)
    assert recurrence.others(7) == (2, 12)


def test_one_team_with_two_papers_is_not_suspicious():
    lists = names(people(10))
    lists[8] = lists[3]
    recurrence = find_recurrence(ListIndex.build(lists))
    assert recurrence.others(8) == (3,)
    assert not recurrence.is_suspicious(8)


def test_a_constant_shift_is_found_from_three_confirmations():
    matches = {10: {7}, 20: {17}, 30: {27}}
    [found] = find_realignments(matches, 40)
    assert (found.delta, found.lo, found.hi) == (3, 0, 39)
    assert found.source_of(12, 40) == 9


def test_two_confirmations_are_not_enough():
    assert find_realignments({10: {7}, 20: {17}}, 40) == []


def test_a_contradicting_source_bounds_the_realignment():
    matches = {10: {7}, 14: {11}, 18: {15}, 25: {25}}  # title 25 is confirmed on its own row
    [found] = find_realignments(matches, 40)
    assert (found.lo, found.hi) == (0, 18)
    assert found.uncertain == ((19, 24),)
    assert found.source_of(30, 40) is None


def test_a_contradiction_inside_the_run_splits_it():
    matches = {2: {0}, 4: {2}, 6: {4}, 8: {8}, 10: {8}, 12: {10}}
    runs = [(r.lo, r.hi) for r in find_realignments(matches, 14)]
    assert runs == [(0, 6)]  # titles 10, 12 are only two confirmations after the contradiction


def test_heading_organisation_absent_from_affiliations_contradicts():
    known = vocabulary([["Pinterest, Inc", "Google LLC"]])
    assert affiliation_verdict(heading_orgs("Pinterest"), ["Google LLC"], known) == "contradict"
    assert affiliation_verdict(heading_orgs("Pinterest"), ["Pinterest"], known) == "agree"


def test_chinese_heading_organisation_is_understood():
    known = vocabulary([["Kuaishou Technology"], ["Renmin University of China"]])
    assert affiliation_verdict(heading_orgs("快手&人大高瓴"), ["Kuaishou Technology"], known) == "agree"


def test_an_organisation_unknown_to_the_table_is_no_evidence():
    known = vocabulary([["Google LLC"]])
    assert affiliation_verdict(heading_orgs("RU"), ["Google LLC"], known) is None


def test_cross_source_verdicts():
    assert cross_source_verdict(("Ann Lee", "Bo Xu"), ("Ann  Lee", "Bo Xu"))[0] == "agree"
    assert cross_source_verdict(("Ann Lee", "Bo Xu", "Cy Ode"), ("Ann Lee", "Bo Xu", "Di Fox"))[0] == "partial"
    assert cross_source_verdict(("Ann Lee",), ("Di Fox", "Eve Gal"))[0] == "contradict"


def test_unlinked_source_entries_are_not_anchors():
    notes = notes_frame({3: ["Ann Lee"]})
    notes = notes.with_columns(notes["paper_id"].set(notes["paper_id"].is_not_null(), None))
    assert collect_anchors(notes, empty_frame("program")) == {}
