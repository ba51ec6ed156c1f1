"""Column-at-a-time spellings of the `names` rules, for whole tables of names at once.

`names.py` defines the rules on one string; here the same rules run as polars string kernels over a
Series, so a 170,000-row table never becomes a Python object per name. `fold_names` is exact: NFKD
decomposition is per character (the only reordering it does is of combining marks, which fold
drops), so folding each distinct non-ASCII character with `names.fold` and the ASCII rest with a
regex gives the same string. Tests pin the equality on awkward spellings.
"""

from __future__ import annotations

import unicodedata

import polars as pl

from pipeline.reconcile.names import _NON_LETTER, SURNAME_FIRST

#: `names._CAMEL` (a lower-case letter followed by an upper-case one) without look-arounds.
CAMEL_JOIN = r"([a-z])([A-Z])"


def _fold_char(char: str) -> str:
    """`names.fold` of one character, without the final strip (it may fold to a space or nothing)."""
    decomposed = unicodedata.normalize("NFKD", char)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_LETTER.sub(" ", stripped.lower())


def fold_names(text: pl.Series) -> pl.Series:
    """`names.fold` of every string: lower-case ASCII letters and single spaces only."""
    odd = text.str.extract_all(r"[^\x00-\x7f]").explode().drop_nulls().unique().to_list()
    if odd:
        text = text.str.replace_many(odd, [_fold_char(ch) for ch in odd])
    return text.str.to_lowercase().str.replace_all(r"[^a-z]+", " ").str.strip_chars(" ")


def token_text(names: pl.Series) -> pl.Series:
    """`" ".join(names.name_tokens(name))` of every name: camel-case joins split, then folded."""
    return fold_names(names.str.replace(SURNAME_FIRST, "${2} ${1}").str.replace_all(CAMEL_JOIN, "${1} ${2}"))


def person_keys(tokens: pl.Series) -> pl.Series:
    """`index.person_key` from `token_text`: first and last token, sorted, "" for a name without letters."""
    frame = pl.DataFrame({"t": tokens}).select(
        pl.col("t").str.extract(r"^(\S+)").alias("first"), pl.col("t").str.extract(r"(\S+)$").alias("last"))
    first, last = pl.col("first"), pl.col("last")
    key = (pl.when(first.is_null()).then(pl.lit(""))
           .when(first == last).then(first)
           .when(first < last).then(pl.concat_str(first, pl.lit(" "), last))
           .otherwise(pl.concat_str(last, pl.lit(" "), first)))
    return frame.select(key.alias(tokens.name))[tokens.name]


def maybe_damaged(names: pl.Series) -> pl.Series:
    """True for every name `names.damaged_name` could flag (a camel join, or at most one token);
    a cheap superset, so the exact Python rule only runs on these."""
    return names.str.contains(r"[a-z][A-Z]") | ~names.str.contains(r"[^\s\-][\s\-]+[^\s\-]")
