"""`affiliation._about_deployment` searches lower-cased ASCII sentences case-sensitively; it must agree
with the case-insensitive `DEPLOYMENT.search` on every sentence, non-ASCII case variants included."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.reconcile.affiliation import DEPLOYMENT, _about_deployment

ALPHABET = list("DeployINPRODUCTIONa/bLaunchedSERVINGin-houseInternalOUR platform .!?") + ["ſ", "K", "İ", "ı", "é"]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=40))
def test_fast_deployment_search_equals_the_case_insensitive_one(sentence):
    assert _about_deployment(sentence) == (DEPLOYMENT.search(sentence) is not None)


def test_examples():
    assert _about_deployment("Deployed at Allegro.com for A/B tests")
    assert _about_deployment("runs In-House")
    assert not _about_deployment("A study of offline evaluation")
    assert _about_deployment("SERVIN\u017fG") == (DEPLOYMENT.search("SERVIN\u017fG") is not None)
