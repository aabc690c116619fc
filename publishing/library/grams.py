"""Character grams for Chinese search (docs/search.md): every CJK character and every pair of
neighbouring characters, plus Latin words and numbers in lower case.

One- and two-character words (数, 数据 — most Chinese words) are a single gram, so the index
answers them exactly; a longer word is the AND of its bigrams. No segmenter, no dictionary:
the same dozen lines on the way in (``text_grams``) and on the query (``term_grams``).
"""

from __future__ import annotations

import re
import unicodedata

# Han (with extension A and the compatibility block), kana and hangul: scripts written
# without spaces between words.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_RUN = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+")
_IS_CJK = re.compile(rf"[{_CJK}]")


def normalise(text: str) -> str:
    """NFKC (full-width Ａ１ → a1) and case-folded: what both the index and a query see."""
    return unicodedata.normalize("NFKC", text).casefold()


def _runs(text: str) -> list[str]:
    return _RUN.findall(normalise(text))


def text_grams(*texts: str) -> str:
    """The grams of the texts, unique and space-separated (the search column's content)."""
    grams: dict[str, None] = {}
    for text in texts:
        for run in _runs(text or ""):
            if _IS_CJK.match(run):
                grams.update(dict.fromkeys(run))
                grams.update(dict.fromkeys(run[i:i + 2] for i in range(len(run) - 1)))
            else:
                grams[run] = None
    return " ".join(grams)


def term_grams(term: str) -> list[tuple[str, bool]]:
    """What one query term must match: ``(gram, is_prefix)`` pairs, all required.

    A CJK run of one character is its unigram, a longer one its bigrams; a Latin word or a
    number matches words it begins (``chat`` finds ChatGPT), as a substring search would."""
    grams: list[tuple[str, bool]] = []
    for run in _runs(term):
        if _IS_CJK.match(run):
            pieces = [run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)]
            grams.extend((piece, False) for piece in pieces)
        else:
            grams.append((run, True))
    return list(dict.fromkeys(grams))


def tsquery(terms: list[str]) -> str:
    """The AND of every term's grams in PostgreSQL's tsquery syntax ('' when there are none).

    Grams hold only word characters, but are quoted anyway so that nothing a reader types can
    change the query's structure."""
    parts = []
    for term in terms:
        for gram, prefix in term_grams(term):
            quoted = "'" + gram.replace("\\", "\\\\").replace("'", "''") + "'"
            parts.append(quoted + (":*" if prefix else ""))
    return " & ".join(dict.fromkeys(parts))


def index_is_exact(terms: list[str]) -> bool:
    """Whether the grams alone decide a match, so rows the index found need no check: every
    term is one CJK run of one or two characters (a single gram, present exactly where the
    term is) or one word (a word the term begins contains it)."""
    for term in terms:
        runs = _runs(term)
        if len(runs) != 1 or runs[0] != normalise(term):
            return False
        if _IS_CJK.match(runs[0]) and len(runs[0]) > 2:
            return False
    return True


def contains_every_term(texts: list[str], terms: list[str]) -> bool:
    """Whether every term is a substring of one of the texts (normalised): the exact check of a
    row the index found, which drops the rare long word whose bigrams occur only apart."""
    haystack = "\n".join(normalise(t or "") for t in texts)
    return all(normalise(term) in haystack for term in terms)
