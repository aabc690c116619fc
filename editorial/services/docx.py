"""A new draft from a Word (.docx) file."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from editorial.images import ImageRejected, find_embedded_markup
from editorial.models import (
    Article,
    Section,
)
from editorial.permissions import require
from editorial.richtext import plain_text
from editorial.services.articles import ArticleContent, article_create
from editorial.services.assets import asset_store, remove_files


class ImportRefused(ValueError):
    """A Word file could not be imported; the message says what is wrong with it."""


_DOCX_STYLE_MAP = """
p[style-name='Title'] => h1:fresh
p[style-name='Heading 1'] => h2:fresh
p[style-name='Heading 2'] => h3:fresh
p[style-name='Heading 3'] => h4:fresh
p[style-name='heading 1'] => h2:fresh
p[style-name='heading 2'] => h3:fresh
p[style-name='heading 3'] => h4:fresh
"""
_H1 = re.compile(r"<h1>(.*?)</h1>", re.S)


def article_import_docx(*, user, data: bytes, file_name: str, section: Section) -> Article:
    """A new draft from a Word file: headings, paragraphs, lists, tables and images kept,
    everything sanitised. The document title (or its first heading, or the file name) becomes
    the article title. Any bad image refuses the whole import and leaves nothing behind."""
    require(user, "editorial.create_article", message=_("只有编辑可以导入文章。"))
    written: list[str] = []
    problems: list[str] = []

    def store_image(image) -> dict[str, str]:
        with image.open() as stream:
            blob = stream.read()
        try:
            markup = find_embedded_markup(blob)
            if markup:
                raise ImageRejected(f"an image contains web markup ({markup})")
            asset = asset_store(data=blob, original_name=image.alt_text or file_name,
                                user=user, written=written)
        except ImageRejected as exc:
            problems.append(str(exc))
            return {}
        return {"src": asset.file.url, "alt": image.alt_text or ""}

    import mammoth  # here, not at the top: only a Word import needs it (0.04 s to load)

    try:
        with transaction.atomic():
            try:
                result = mammoth.convert_to_html(
                    io.BytesIO(data), style_map=_DOCX_STYLE_MAP,
                    convert_image=mammoth.images.img_element(store_image),
                )
            except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
                raise ImportRefused(_("“%(name)s”不是有效的 .docx 文件（%(error)s）。")
                                    % {"name": file_name, "error": exc}) from exc
            if problems:
                raise ImportRefused(_("“%(name)s”中的图片不能使用：%(reason)s")
                                    % {"name": file_name, "reason": "；".join(problems)})
            html_text = result.value
            match = _H1.search(html_text)
            title = plain_text(match.group(1)).strip() if match else ""
            if match:
                html_text = html_text[: match.start()] + html_text[match.end():]
            if not title:
                heading = re.search(r"<h[2-4]>(.*?)</h[2-4]>", html_text, re.S)
                title = plain_text(heading.group(1)).strip() if heading else ""
            title = title or PurePath(file_name).stem or gettext("未命名文章")
            content = ArticleContent(title=title[:300], section=section, body=html_text)
            return article_create(user=user, content=content)
    except BaseException:
        remove_files(written)
        raise
