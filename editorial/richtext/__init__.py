"""Article bodies: Markdown in, sanitised HTML stored, Markdown out again.

``sanitize``: the nh3 allowlist every stored body passes, the hostile-markup check and plain
text; ``markdown``: Markdown → HTML and its inverse for bundle export. The names stay
importable from here as before the split.
"""

from editorial.richtext.markdown import (
    MarkdownImage,
    MarkdownWriter,
    html_to_markdown,
    markdown_images,
    markdown_to_html,
    parse_markdown,
    render_markdown,
)
from editorial.richtext.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    HOSTILE_TAGS,
    MAX_COLSPAN,
    MAX_NESTING,
    MAX_ROWSPAN,
    URL_ATTRIBUTES,
    URL_SCHEMES,
    find_hostile_markup,
    limit_nesting,
    nesting_depth,
    plain_text,
    sanitize_html,
)

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "HOSTILE_TAGS",
    "MAX_COLSPAN",
    "MAX_NESTING",
    "MAX_ROWSPAN",
    "URL_ATTRIBUTES",
    "URL_SCHEMES",
    "MarkdownImage",
    "MarkdownWriter",
    "find_hostile_markup",
    "html_to_markdown",
    "limit_nesting",
    "markdown_images",
    "markdown_to_html",
    "nesting_depth",
    "parse_markdown",
    "plain_text",
    "render_markdown",
    "sanitize_html",
]
