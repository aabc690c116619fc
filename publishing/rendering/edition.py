"""The HTML edition: a self-contained folder of static pages, and an article's web preview."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from editorial.models import Article, Issue
from publishing.rendering.context import (
    EDITION_STYLESHEET,
    _issue_context,
    _media_path,
    _prepare_article,
    _static_path,
)
from publishing.rendering.glyphs import _text_sources, check_glyphs
from publishing.rendering.selectors import issue_articles_for_print


def article_preview_html(article: Article) -> str:
    """One article as the HTML edition shows it; standalone (stylesheet inline, site images)."""
    prepared = _prepare_article(article, first_in_section=True,
                                image_url=lambda name: settings.MEDIA_URL + name)
    return render_to_string("publishing/edition/article.html", {
        "article": prepared,
        "issue": article.issue,
        "publication": article.section.publication,
        "standalone": True,
        "inline_css": mark_safe(  # noqa: S308 - our own stylesheet
            _static_path(EDITION_STYLESHEET).read_text(encoding="utf-8").replace("</", "<\\/")
        ),
    })


# --------------------------------------------------------------------------- HTML edition

def edition_write(issue: Issue, directory: Path | str) -> list[str]:
    """Write the HTML edition of ``issue`` into the (new or empty) folder ``directory``.

    The folder is self-contained: index.html (cover, editor's note, contents), one page per
    article, its stylesheet and every image, all linked relatively. Returns the files written.
    """
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    articles = issue_articles_for_print(issue)
    check_glyphs(_text_sources(issue, articles))
    images: dict[str, Path] = {}

    def image_url(name: str) -> str | None:
        path = _media_path(name)
        if path is None:
            return None
        images[path.name] = path
        return f"images/{path.name}"

    context = _issue_context(issue, articles, image_url)
    # Images not stored by us (only possible if a body bypassed the sanitiser) are dropped.
    for prepared in context["articles"]:
        prepared.body = mark_safe(  # noqa: S308 - removing attributes from our own markup
            re.sub(r'(<img\b[^>]*?)\bsrc="(?!images/)[^"]*"', r"\1", prepared.body)
        )
    written = ["index.html", "edition.css"]
    (target / "index.html").write_text(
        render_to_string("publishing/edition/index.html", context), encoding="utf-8"
    )
    shutil.copyfile(_static_path(EDITION_STYLESHEET), target / "edition.css")
    prepared_articles = context["articles"]
    for index, prepared in enumerate(prepared_articles):
        page = render_to_string("publishing/edition/article.html", {
            **context,
            "article": prepared,
            "previous": prepared_articles[index - 1] if index else None,
            "next": prepared_articles[index + 1] if index + 1 < len(prepared_articles) else None,
            "standalone": False,
        })
        (target / prepared.filename).write_text(page, encoding="utf-8")
        written.append(prepared.filename)
    if images:
        (target / "images").mkdir(exist_ok=True)
        for name, path in sorted(images.items()):
            shutil.copyfile(path, target / "images" / name)
            written.append(f"images/{name}")
    return written
