"""Signal 4: the organisation a source names for a paper vs the affiliations in its authors cell.

The notes label a write-up with its organisation ("Walmart", "快手&人大高瓴") and industry
abstracts say where a system runs ("deployed at Allegro.com"). When that organisation is known to
the table (some row's affiliation names it) but none of this row's affiliations does, the row is
suspect; when it is named, that corroborates the list. The vocabulary comes from the table itself,
so an organisation the table never mentions (an acronym like "RU") is no evidence either way.
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Iterable, Sequence

from pipeline.reconcile.names import fold

#: Words that name a kind of organisation, not which one.
GENERIC = frozenset(
    "inc llc ltd co corp corporation company group gmbh kgaa ag sa plc com net org the of and for in at de "
    "university universitat universidad universita college school institute institut research lab labs "
    "laboratory center centre ai technology technologies tech platforms platform science sciences department "
    "dept national state academy faculty radio video music prime".split()
)
#: Common non-Latin spellings of organisations that publish at recommender-systems venues.
ALIASES = {
    "快手": "kuaishou", "人大": "renmin", "人民大学": "renmin", "高瓴": "renmin", "字节": "bytedance",
    "字节跳动": "bytedance", "小红书": "xiaohongshu", "联想": "lenovo", "阿里": "alibaba", "淘宝": "taobao",
    "腾讯": "tencent", "微信": "wechat", "美团": "meituan", "京东": "jd", "百度": "baidu", "华为": "huawei",
    "清华": "tsinghua", "北大": "peking", "大连理工": "dalian", "中科院": "chinese academy", "网易": "netease",
    "蚂蚁": "ant", "拼多多": "pinduoduo", "滴滴": "didi", "哔哩哔哩": "bilibili", "抖音": "douyin",
}
#: Words that make an abstract's mention of an organisation about where the system runs.
DEPLOYMENT = re.compile(r"deploy|in production|a/b|launched|serving|in-house|internal|our platform", re.I)


@lru_cache(maxsize=1 << 16)
def org_terms(affiliation: str) -> frozenset[str]:
    """Distinctive folded words of an affiliation ("Pinterest, Inc" -> {"pinterest"}).

    >>> sorted(org_terms("Taobao & Tmall Group of Alibaba"))
    ['alibaba', 'taobao', 'tmall']
    """
    return frozenset(w for w in fold(affiliation.replace(".com", "")).split() if len(w) >= 2 and w not in GENERIC)


def vocabulary(affiliation_lists: Iterable[Sequence[str | None]]) -> frozenset[str]:
    """All organisation words the table knows, so unknown names never count as contradictions."""
    return frozenset(t for affs in affiliation_lists for a in affs if a for t in org_terms(a))


def heading_orgs(organisation: str | None) -> list[frozenset[str]]:
    """One term set per organisation in a heading prefix like "CUHK&Wechat" or "快手&人大高瓴"."""
    if not organisation:
        return []
    parts = re.split(r"[&/,、+]| and ", organisation)
    found = []
    for part in parts:
        terms = set(org_terms(part))
        terms.update(alias for key, alias in ALIASES.items() if key in part)
        if terms:
            found.append(frozenset(terms))
    return found


#: `DEPLOYMENT` without IGNORECASE, for lower-cased ASCII text (its pattern is lower-case ASCII).
_DEPLOYMENT_LOWER = re.compile(DEPLOYMENT.pattern)
assert DEPLOYMENT.pattern.isascii() and DEPLOYMENT.pattern == DEPLOYMENT.pattern.lower()


def _about_deployment(sentence: str) -> bool:
    """`DEPLOYMENT.search(sentence)`, faster: on ASCII text a case-insensitive match is a match in
    the lower-cased text (the case variants re.IGNORECASE adds beyond ASCII, like 'ſ' for 's' or
    the Kelvin sign for 'k', cannot occur there), and a case-sensitive search is ~5x quicker."""
    if sentence.isascii():
        return _DEPLOYMENT_LOWER.search(sentence.lower()) is not None
    return DEPLOYMENT.search(sentence) is not None


def abstract_orgs(abstract: str | None, known: frozenset[str]) -> list[frozenset[str]]:
    """Known organisations an abstract names, capitalised, in a sentence about deployment."""
    if not abstract:
        return []
    found = []
    for sentence in re.split(r"(?<=[.!?])\s+", abstract):
        if not _about_deployment(sentence):
            continue
        for word in re.findall(r"\b[A-Z][A-Za-z]+", sentence):
            term = fold(word)
            if term in known and term not in GENERIC:
                found.append(frozenset({term}))
    return found


def affiliation_verdict(orgs: list[frozenset[str]], affiliations: Sequence[str | None], known: frozenset[str]) -> str | None:
    """"agree" if the row's affiliations name one of `orgs`, "contradict" if they name none though
    the table knows one of them, None when nothing can be said.

    >>> known = frozenset({"pinterest", "google"})
    >>> affiliation_verdict([frozenset({"pinterest"})], ["Google LLC"], known)
    'contradict'
    >>> affiliation_verdict([frozenset({"radboud"})], ["Google LLC"], known) is None
    True
    """
    row_terms = vocabulary([affiliations])
    if not orgs or not row_terms:
        return None
    if any(org & row_terms for org in orgs):
        return "agree"
    if any(org & known for org in orgs):
        return "contradict"
    return None
