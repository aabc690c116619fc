"""Differences between two versions of an article, as HTML with <ins>/<del> marks.

Bodies are compared as visible text (block by block, one Chinese character or one Latin word
at a time), never as markup: every piece of output is escaped here, so a diff cannot carry
anything executable whatever the revisions contain.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_BLOCKS = {"p", "h2", "h3", "h4", "li", "blockquote", "tr", "figcaption", "pre", "figure",
           "table", "ul", "ol", "hr", "br"}
_TOKEN = re.compile(r"[A-Za-z0-9_'’.-]+|\s+|.", re.S)


class _TextBlocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")
        if tag == "img":
            alt = dict(attrs).get("alt") or ""
            self.parts.append(f"[图片 {alt}]".rstrip() if alt else "[图片]")
        if tag in {"td", "th"}:
            self.parts.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def body_text(html: str) -> str:
    """The visible text of a body, one block per line."""
    parser = _TextBlocks()
    parser.feed(html or "")
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    return "\n".join(line for line in lines if line)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def inline_diff(old: str, new: str) -> SafeString:
    """``old`` → ``new`` as escaped text with deletions in <del> and insertions in <ins>."""
    a, b = _tokens(old), _tokens(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in {"delete", "replace"}:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in {"insert", "replace"}:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    html = "".join(out).replace("\n", "<br>")
    return mark_safe(html)  # noqa: S308 — every piece above went through escape()


@dataclass(frozen=True)
class FieldDiff:
    label: str
    changed: bool
    html: SafeString


def _flat(value) -> str:
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict):
                parts.append("，".join(str(v) for v in item.values() if v))
            else:
                parts.append(str(item))
        return "；".join(parts)
    return "" if value is None else str(value)


def versions_diff(old: dict, new: dict, labels: dict[str, str]) -> list[FieldDiff]:
    """Field-by-field differences between two snapshots (dicts of field → value)."""
    diffs = []
    for key, label in labels.items():
        if key == "body":
            a, b = body_text(old.get(key, "")), body_text(new.get(key, ""))
        else:
            a, b = _flat(old.get(key, "")), _flat(new.get(key, ""))
        diffs.append(FieldDiff(label=label, changed=a != b, html=inline_diff(a, b)))
    return diffs


# Every field of the article form: what it says and where it is filed.
MERGE_FIELDS = ("title", "subtitle", "summary", "body", "source", "tags", "credits", "section",
                "issue", "lead_image")
_UNKNOWN = object()


@dataclass(frozen=True)
class Merge:
    values: dict
    conflicts: list[str]
    taken: list[str]  # fields where the other side's change was taken


def three_way_merge(*, base: dict, mine: dict, theirs: dict) -> Merge:
    """Per field: whoever changed it wins; if both did, keep mine and report the field so the
    editor decides with both versions in view. A field whose base is unknown (an old revision
    that did not record it) and that differs is reported too. Nothing of theirs is silently
    dropped, and ``taken`` says which of their changes the merge holds."""
    values, conflicts, taken = {}, [], []
    for key in MERGE_FIELDS:
        b, m, t = base.get(key, _UNKNOWN), mine.get(key), theirs.get(key)
        if m == t or (b is not _UNKNOWN and t == b):
            values[key] = m
        elif b is not _UNKNOWN and m == b:
            values[key] = t
            taken.append(key)
        else:
            values[key] = m
            conflicts.append(key)
    return Merge(values=values, conflicts=conflicts, taken=taken)
