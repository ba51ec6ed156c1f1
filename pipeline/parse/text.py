"""Small string helpers shared by the parsers: markdown clean-up, script detection, pipe rows.

They are deliberately tolerant of mojibake: the notes may reach the parser only partly repaired,
so nothing here relies on Chinese text being readable.
"""

from __future__ import annotations

import re
import unicodedata

_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~'\"])")
_EMPHASIS = re.compile(r"(\*\*|__|\+\+|~~)")
_PIPE = re.compile(r"(?<!\\)\|")


def unescape_markdown(text: str) -> str:
    r"""Drop markdown backslash escapes (`\[Nominee\]` -> `[Nominee]`), keeping the characters.

    >>> unescape_markdown(r"\[Best Full Paper\]JRC")
    '[Best Full Paper]JRC'
    """
    return _ESCAPED.sub(r"\1", text)


def strip_emphasis(text: str) -> str:
    """Remove bold/underline/insert markers and stray single asterisks, then tidy spaces.

    >>> strip_emphasis("**Best** ++Talk++ *Lo**")
    'Best Talk Lo'
    """
    without = _EMPHASIS.sub("", text).replace("*", "")
    return re.sub(r"\s+", " ", without).strip()


def clean_inline(text: str) -> str:
    r"""Markdown cell or heading text as plain text: escapes resolved, emphasis removed.

    >>> clean_inline(r" **A \| B**  ")
    'A | B'
    """
    return strip_emphasis(unescape_markdown(text))


def split_pipe_row(line: str) -> list[str]:
    r"""Cells of a markdown pipe-table row; `\|` stays inside a cell.

    Outer pipes are optional in markdown. A row written with a leading pipe is taken to close
    with one too; a row without one keeps its last cell even when empty ("a | b | "), because
    in such tables an empty last column is written exactly that way.

    >>> split_pipe_row(r"| a | b \| c |")
    ['a', 'b \\| c']
    >>> split_pipe_row(" **#** | Title | ")
    ['**#**', 'Title', '']
    """
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
        if body.endswith("|") and not body.endswith("\\|"):
            body = body[:-1]
    return [cell.strip() for cell in _PIPE.split(body)]


def foreign_letter_share(text: str) -> float:
    """Share of letters outside ASCII: CJK, or the Latin-1 debris of CJK that repair left behind.

    An English abstract with a few accented names stays near 0, Chinese text (clean or mojibake)
    is near 1, which is what lets the notes parser tell the English abstract from the Chinese one
    without needing the Chinese to be readable.

    >>> foreign_letter_share("Deep models"), foreign_letter_share("推荐系统 LLM")
    (0.0, 0.5714285714285714)
    """
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for char in letters if ord(char) > 0x7F) / len(letters)


def is_foreign_line(text: str, threshold: float = 0.3) -> bool:
    """True when a line is mostly non-ASCII letters (Chinese, clean or garbled)."""
    return foreign_letter_share(text) >= threshold


def normalise_label(text: str) -> str:
    """Header label compared case-, width- and markup-insensitively (`**Authors**` == `authors`).

    >>> normalise_label(" **Author(s)** ")
    'author(s)'
    """
    return unicodedata.normalize("NFKC", clean_inline(text)).casefold().strip()
