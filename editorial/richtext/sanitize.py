"""The sanitiser: every body that reaches the database passes ``sanitize_html`` (nh3, an
allowlist), whatever produced it: a bundle, the browser editor, a Word import.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3
from django.conf import settings
from django.utils.html import strip_tags

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "em", "b", "i", "u", "s", "sup", "sub", "code",
    "pre", "a", "ul", "ol", "li", "blockquote", "hr", "table", "thead", "tbody", "tr", "th",
    "td", "figure", "figcaption", "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
URL_SCHEMES = {"http", "https", "mailto"}

# Bounds that keep one body from taking the renderer down: WeasyPrint lays out every column a
# colspan names (one ``colspan="1000000000"`` took a web process to 23 GB), and every tool that
# walks the tree (the renderer, Markdown export) recurses once per level of nesting.
MAX_COLSPAN = 50
MAX_ROWSPAN = 1000
MAX_NESTING = 64  # elements deeper than this are unwrapped: their text is kept, their tag not
_SPAN_LIMITS = {"colspan": MAX_COLSPAN, "rowspan": MAX_ROWSPAN}
_VOID = {"br", "hr", "img"}
# A tag of nh3's output: its serialiser quotes every attribute value with double quotes.
_TAG = re.compile(r'<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:[^>"]|"[^"]*")*)>')

# Markup whose presence in an imported body means someone tried something; refused, not cleaned.
HOSTILE_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg",
    "math", "link", "meta", "base", "form", "input", "button", "textarea", "select",
    "template", "noscript", "xmp", "plaintext",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster"}


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute in _SPAN_LIMITS:
        digits = value.strip()
        if not digits.isascii() or not digits.isdigit() or len(digits) > 12:
            return None
        return str(min(max(int(digits), 1), _SPAN_LIMITS[attribute]))
    if attribute in {"href", "src"}:
        # Browsers ignore control characters and spaces around and inside a scheme
        # ("\x01javascript:", "java\tscript:"); the sanitiser's own URL check does not.
        value = re.sub(r"^[\x00-\x20]+", "", value)
        scheme = _url_scheme(value)
        if scheme is not None and scheme not in URL_SCHEMES:
            return None
        if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffd]", value):
            return None
    # Images must be ones we stored (and Pillow verified); nothing is fetched from elsewhere.
    if element == "img" and attribute == "src" and not value.startswith(settings.MEDIA_URL):
        return None
    return value


def sanitize_html(value: str) -> str:
    """Reduce HTML to the article allowlist: no scripts, handlers, styles or foreign URLs;
    table spans and nesting depth bounded (``MAX_COLSPAN``, ``MAX_ROWSPAN``, ``MAX_NESTING``)."""
    clean = _clean(value)
    if nesting_depth(clean) > MAX_NESTING:
        clean = _clean(limit_nesting(clean))
    return clean


def _clean(value: str) -> str:
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        clean_content_tags={"script", "style", "template", "noscript", "xmp", "textarea"},
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=_filter_attribute,
    )


def nesting_depth(value: str) -> int:
    """How deeply the elements of well-formed HTML (the sanitiser's output) nest."""
    if value.count("<") <= MAX_NESTING:
        return value.count("<")  # a bound, enough to say "not too deep"
    depth = deepest = 0
    for match in _TAG.finditer(value):
        name = match.group(2).lower()
        if name in _VOID:
            continue
        if match.group(1):
            depth = max(depth - 1, 0)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def limit_nesting(value: str, limit: int = MAX_NESTING) -> str:
    """Unwrap the elements nested deeper than ``limit`` in well-formed HTML, keeping their text,
    so that nothing downstream recurses thousands of levels deep. Iterative on purpose."""
    out: list[str] = []
    kept: list[bool] = []
    depth = position = 0
    for match in _TAG.finditer(value):
        out.append(value[position:match.start()])
        position = match.end()
        name = match.group(2).lower()
        if name in _VOID:
            out.append(match.group(0))
        elif not match.group(1):
            keep = depth < limit
            kept.append(keep)
            depth += keep
            if keep:
                out.append(match.group(0))
        elif kept and kept.pop():
            depth -= 1
            out.append(match.group(0))
    out.append(value[position:])
    return "".join(out)


def _url_scheme(value: str) -> str | None:
    compact = re.sub(r"[\x00-\x20]", "", value).lower()
    match = re.match(r"^([a-z][a-z0-9+.\-]*):", compact)
    return match.group(1) if match else None


def _short(name: str, limit: int = 40) -> str:
    return name if len(name) <= limit else f"{name[:limit]}…"


class _HostileFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HOSTILE_TAGS:
            self.problems.append(f"<{tag}> is not allowed")
        tag = _short(tag)
        for name, value in attrs:
            name = _short(name)  # a message never quotes 100,000 characters back
            if name.startswith("on"):
                self.problems.append(f"event handler attribute {name!r} on <{tag}> is not allowed")
            elif name in {"style", "srcdoc"}:
                self.problems.append(f"attribute {name!r} on <{tag}> is not allowed")
            elif name in URL_ATTRIBUTES and value:
                scheme = _url_scheme(value)
                if scheme and scheme not in URL_SCHEMES:
                    self.problems.append(f"{_short(scheme)}: URL in {name!r} on <{tag}> "
                                         f"is not allowed")

    handle_startendtag = handle_starttag


def find_hostile_markup(value: str) -> list[str]:
    """Name each dangerous construct in ``value``; sanitising would drop them silently."""
    finder = _HostileFinder()
    finder.feed(value)
    finder.close()
    return finder.problems


def plain_text(value: str) -> str:
    """The visible text of an HTML fragment (for search, summaries, glyph checks)."""
    return html.unescape(strip_tags(value))
