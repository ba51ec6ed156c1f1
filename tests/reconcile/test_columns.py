"""The column-at-a-time machinery agrees with the one-string rules it replaces."""

import json

import polars as pl

from pipeline.reconcile.evidence import EvidenceLog
from pipeline.reconcile.frames import evidence_json
from pipeline.reconcile.index import ListIndex, person_key
from pipeline.reconcile.keys import fold_names, maybe_damaged, person_keys, token_text
from pipeline.reconcile.names import damaged_name, fold, name_tokens
from schemas.contracts import DATASETS

AWKWARD_NAMES = [
    "Eliška Kremeňová-Smith", "BobPatel", "Ed H. Chi", "ﬁona Ǆemal", "Łukasz Żółw", "İsmail Straße", "e\u0301mile Zola",
    "", "123", "O'Neil", "Zhang Wei", "山田 太郎", "ΣΊΣΥΦΟΣ Papas", "Schaun WheelerConsumer", "Yann LeCun", "Shuhei",
    "  spaced   out  ", "ÅSA-MAJA LÖF", "Ng\u00a0Yiu-Kai", "José\tMaría", "Ömer Faruk Çelik", "x\u0308\u0301y", "-Shuhei",
]


def test_column_folding_spells_names_exactly_as_the_name_rules_do():
    names = pl.Series(AWKWARD_NAMES)
    assert fold_names(names).to_list() == [fold(n) for n in AWKWARD_NAMES]
    tokens = token_text(names)
    assert tokens.to_list() == [" ".join(name_tokens(n)) for n in AWKWARD_NAMES]
    assert person_keys(tokens).to_list() == [person_key(n) for n in AWKWARD_NAMES]


def test_damage_prefilter_keeps_every_damaged_name():
    flags = maybe_damaged(pl.Series(AWKWARD_NAMES)).to_list()
    assert all(flag for name, flag in zip(AWKWARD_NAMES, flags) if damaged_name(name))
    assert not maybe_damaged(pl.Series(["Bo Xu"])).item()


def test_a_one_name_list_is_found_although_its_name_is_truncated_or_glued():
    index = ListIndex.build([["Ann Lee", "Bo Xu"], ["Shuhei"], ["Cy Ode"], ["Schaun WheelerConsumer"]])
    assert set(index.lookup(["Shuhei Goda"])) == {1}
    assert set(index.lookup(["Schaun Wheeler"])) == {3}


def test_one_name_fallback_does_not_match_different_people():
    index = ListIndex.build([["Shuhei"], ["Goda Taro"], ["Wen Li", "Ann Lee"]])
    assert index.lookup(["Kenji Goda"]) == {}


def test_evidence_json_is_what_json_dumps_writes():
    evidence = [
        [{"signal": "a", "detail": 'quote " back \\ slash\nnew\ttab\x01\x1f\x7f 中文 ✓', "source": "f.md:1"}],
        [], None,
        [{"signal": "x", "detail": "", "source": "p"}, {"signal": "y", "detail": "d", "source": "q"}],
    ]
    papers = pl.DataFrame({"author_evidence": pl.Series(evidence, dtype=DATASETS["papers"]["author_evidence"])})
    assert evidence_json(papers).to_list() == [json.dumps(e or [], ensure_ascii=False) for e in evidence]


def test_evidence_log_keeps_rows_in_order_across_chunks(monkeypatch):
    monkeypatch.setattr("pipeline.reconcile.evidence.CHUNK", 2)
    log = EvidenceLog()
    for row in range(4):
        for item in range(row):
            log.add("s", f"{row}.{item}", "src")
        log.end_row()
    details = [[e["detail"] for e in items] for items in log.column().to_list()]
    assert details == [[], ["1.0"], ["2.0", "2.1"], ["3.0", "3.1", "3.2"]]
