"""Markdown in (bundles, editor's notes) and out (bundle export). ``html_to_markdown`` is
written so that Markdown → HTML → Markdown is a fixpoint.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

from editorial.richtext.sanitize import limit_nesting, sanitize_html

# --------------------------------------------------------------------------- Markdown → HTML

def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in {"W", "F"}


@functools.cache
def _markdown() -> MarkdownIt:
    """Built on first use: markdown-it costs start-up time every command would pay."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable("table")


@dataclass
class MarkdownImage:
    """An image reference found in a Markdown body, with the line it sits on (1-based)."""

    src: str
    alt: str
    line: int
    token: Token = field(repr=False)


def parse_markdown(text: str) -> list[Token]:
    return _markdown().parse(text)


def markdown_images(tokens: list[Token]) -> list[MarkdownImage]:
    found: list[MarkdownImage] = []
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        line = (token.map[0] + 1) if token.map else 0
        for child in token.children:
            if child.type == "image":
                alt = "".join(c.content for c in child.children or [])
                found.append(MarkdownImage(str(child.attrGet("src") or ""), alt, line, child))
    return found


def _join_cjk_soft_breaks(tokens: list[Token]) -> None:
    """A line break inside a Chinese paragraph is not a space: drop it between wide characters."""
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        children = token.children
        for index, child in enumerate(children):
            if child.type != "softbreak":
                continue
            before = children[index - 1].content[-1:] if index else ""
            after = children[index + 1].content[:1] if index + 1 < len(children) else ""
            if (before and _is_wide(before)) or (after and _is_wide(after)):
                child.type = "text"
                child.content = ""


_FIGURE_RE = re.compile(r'<p><img src="([^"]*)" alt="([^"]*)"(?: title="[^"]*")? /></p>')


def render_markdown(tokens: list[Token]) -> str:
    """Render parsed Markdown; a paragraph holding only an image becomes a captioned figure."""
    _join_cjk_soft_breaks(tokens)
    md = _markdown()
    rendered = md.renderer.render(tokens, md.options, {})

    def figure(match: re.Match[str]) -> str:
        src, alt = match.group(1), match.group(2)
        caption = f"<figcaption>{alt}</figcaption>" if alt else ""
        return f'<figure><img src="{src}" alt="{alt}">{caption}</figure>'

    return _FIGURE_RE.sub(figure, rendered)


def markdown_to_html(text: str) -> str:
    """Markdown to sanitised HTML, for text with no images to resolve (editor's notes)."""
    return sanitize_html(render_markdown(parse_markdown(text)))


# --------------------------------------------------------------------------- HTML → Markdown

@dataclass
class _Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Node | str] = field(default_factory=list)


class _TreeBuilder(HTMLParser):
    VOID = {"br", "img", "hr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _parse_html(value: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(value)
    builder.close()
    return builder.root


_INLINE_ESCAPE = re.compile(r"([\\`*_\[\]<>|])")
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+[.)]|~~~|```)")


def _escape_text(text: str) -> str:
    text = _INLINE_ESCAPE.sub(r"\\\1", text)
    return _ENTITY_LIKE.sub(r"\\&", text)


def _escape_line_starts(text: str) -> str:
    lines = text.split("\n")
    return "\n".join(_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2)
                                     if not m.group(2)[0].isdigit()
                                     else m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1],
                                     line) for line in lines)


_BLOCK_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "blockquote", "pre", "hr", "table", "figure"}


class MarkdownWriter:
    """Serialise allowlisted HTML back to CommonMark (+ pipe tables)."""

    def __init__(self, image_src: Callable[[str], str]) -> None:
        self.image_src = image_src

    def convert(self, value: str) -> str:
        blocks = self._blocks(_parse_html(value).children)
        return "\n\n".join(b for b in blocks if b.strip()) + "\n" if blocks else ""

    # blocks ---------------------------------------------------------------------------------
    def _blocks(self, nodes: list[_Node | str]) -> list[str]:
        blocks: list[str] = []
        loose: list[_Node | str] = []

        def flush() -> None:
            text = self._inline(loose).strip()
            if text:
                blocks.append(_escape_line_starts(text))
            loose.clear()

        for node in nodes:
            if isinstance(node, _Node) and node.tag in _BLOCK_TAGS:
                flush()
                blocks.append(self._block(node))
            else:
                loose.append(node)
        flush()
        return blocks

    def _block(self, node: _Node) -> str:
        tag = node.tag
        if tag == "p":
            return _escape_line_starts(self._inline(node.children).strip())
        if tag in {"h2", "h3", "h4"}:
            level = int(tag[1])
            return "#" * level + " " + self._inline(node.children).strip().replace("\n", " ")
        if tag == "hr":
            return "---"
        if tag == "blockquote":
            inner = "\n\n".join(self._blocks(node.children))
            return "\n".join(("> " + line) if line else ">" for line in inner.split("\n"))
        if tag in {"ul", "ol"}:
            return self._list(node)
        if tag == "pre":
            code = "".join(self._text(node))
            fence = "```"
            while fence in code:
                fence += "`"
            return f"{fence}\n{code.rstrip(chr(10))}\n{fence}"
        if tag == "figure":
            return self._figure(node)
        if tag == "table":
            return self._table(node)
        return self._inline(node.children)

    def _list(self, node: _Node) -> str:
        ordered = node.tag == "ol"
        start = int(node.attrs.get("start") or 1) if ordered else 1
        items = [c for c in node.children if isinstance(c, _Node) and c.tag == "li"]
        lines: list[str] = []
        for index, item in enumerate(items):
            marker = f"{start + index}. " if ordered else "- "
            inner = "\n\n".join(self._blocks(item.children)) or ""
            pad = " " * len(marker)
            body = "\n".join((pad + line) if line else "" for line in inner.split("\n"))
            lines.append(marker + body[len(pad):])
        loose = any(
            isinstance(c, _Node) and c.tag == "p" for item in items for c in item.children
        )
        return ("\n\n" if loose else "\n").join(lines)

    def _figure(self, node: _Node) -> str:
        img = next((c for c in node.children if isinstance(c, _Node) and c.tag == "img"), None)
        caption = next(
            (c for c in node.children if isinstance(c, _Node) and c.tag == "figcaption"), None
        )
        if img is None:
            return self._inline(caption.children if caption else [])
        alt = self._inline(caption.children) if caption else img.attrs.get("alt", "")
        return f"![{alt.strip()}]({self.image_src(img.attrs.get('src', ''))})"

    def _table(self, node: _Node) -> str:
        rows: list[list[str]] = []
        header_rows = 0
        for row in self._iter(node, "tr"):
            cells = [c for c in row.children if isinstance(c, _Node) and c.tag in {"th", "td"}]
            if all(c.tag == "th" for c in cells) and len(rows) == header_rows:
                header_rows += 1
            rows.append([self._inline(c.children).strip().replace("\n", " ") for c in cells])
        if not rows:
            return ""
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        header = rows[0] if header_rows else [""] * width
        body = rows[1:] if header_rows else rows
        out = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * width) + "|"]
        out += ["| " + " | ".join(r) + " |" for r in body]
        return "\n".join(out)

    def _iter(self, node: _Node, tag: str):
        for child in node.children:
            if isinstance(child, _Node):
                if child.tag == tag:
                    yield child
                else:
                    yield from self._iter(child, tag)

    # inline ---------------------------------------------------------------------------------
    def _text(self, node: _Node) -> list[str]:
        out: list[str] = []
        for child in node.children:
            out.extend([child] if isinstance(child, str) else self._text(child))
        return out

    def _inline(self, nodes: list[_Node | str]) -> str:
        parts: list[str] = []
        for node in nodes:
            if isinstance(node, str):
                parts.append(_escape_text(re.sub(r"\s*\n\s*", " ", node)))
                continue
            inner = self._inline(node.children)
            tag = node.tag
            if tag in {"strong", "b"}:
                parts.append(f"**{inner}**" if inner.strip() else inner)
            elif tag in {"em", "i"}:
                parts.append(f"*{inner}*" if inner.strip() else inner)
            elif tag == "code":
                code = "".join(self._text(node))
                tick = "``" if "`" in code else "`"
                parts.append(f"{tick}{code}{tick}")
            elif tag == "a":
                href = node.attrs.get("href", "").replace(" ", "%20").replace(")", "%29")
                title = node.attrs.get("title")
                suffix = f' "{title}"' if title else ""
                parts.append(f"[{inner}]({href}{suffix})")
            elif tag == "br":
                parts.append("\\\n")
            elif tag == "img":
                src = self.image_src(node.attrs.get("src", ""))
                parts.append(f"![{_escape_text(node.attrs.get('alt', ''))}]({src})")
            elif tag in {"sup", "sub", "u", "s"}:
                parts.append(f"<{tag}>{inner}</{tag}>")
            elif tag in _BLOCK_TAGS:
                parts.append(self._block(node))
            else:
                parts.append(inner)
        return "".join(parts)


def html_to_markdown(value: str, image_src: Callable[[str], str] = lambda s: s) -> str:
    """CommonMark for a sanitised body; ``image_src`` maps stored image URLs to bundle paths."""
    # A body stored before nesting was bounded must not recurse the writer to death.
    return MarkdownWriter(image_src).convert(limit_nesting(value))
