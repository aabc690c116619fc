"""A new draft from a Word (.docx) file."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
import zlib
from pathlib import PurePath
from xml.parsers import expat

from django.conf import settings
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


def _megabytes(size: int) -> str:
    return f"{size / 1048576:.1f}"


def _refuse_dangerous_xml(name: str, stream, file_name: str) -> None:
    """Parse one XML part with expat, streaming, refusing any document type declaration (Word
    never writes one; entity definitions are how a "billion laughs" or an external entity gets
    in) and any malformed XML, before mammoth's minidom sees the part."""

    def refuse_dtd(*_args) -> None:
        raise ImportRefused(_("“%(name)s”中的 %(part)s 含有文档类型或实体定义（Word 从不写入），"
                              "可能是恶意文件，不能导入。") % {"name": file_name, "part": name})

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.ExternalEntityRefHandler = refuse_dtd
    try:
        parser.ParseFile(stream)
    except expat.ExpatError as exc:
        raise ImportRefused(_("“%(name)s”中的 %(part)s 不是格式正确的 XML（第 %(line)s 行："
                              "%(error)s），文件可能已损坏。")
                            % {"name": file_name, "part": name, "line": exc.lineno,
                               "error": expat.errors.messages.get(exc.code, "")[:100]}) from exc


def _check_archive(data: bytes, file_name: str) -> None:
    """Refuse a Word file that is not a sane zip before anything unpacks it: too many parts,
    too much once uncompressed (a zip bomb), or XML that is malformed or declares entities.

    The sizes come from the archive's directory; ``zipfile`` never returns more than an entry
    declares (and fails its CRC check if the data says otherwise), so the limits hold."""
    invalid = _("“%(name)s”不是有效的 .docx 文件（%(error)s）。")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise ImportRefused(invalid % {"name": file_name, "error": str(exc)[:200]}) from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > settings.BULLETIN_DOCX_MAX_ENTRIES:
            raise ImportRefused(_("“%(name)s”包含 %(count)d 个部件，超过了 %(limit)d 个的上限，"
                                  "不像是正常的 Word 文件。") % {
                "name": file_name, "count": len(entries),
                "limit": settings.BULLETIN_DOCX_MAX_ENTRIES})
        total = sum(entry.file_size for entry in entries)
        if total > settings.BULLETIN_DOCX_MAX_UNPACKED_BYTES:
            raise ImportRefused(_("“%(name)s”解压后有 %(size)s MB，超过了 %(limit)s MB 的上限"
                                  "（可能是“压缩炸弹”）。") % {
                "name": file_name, "size": _megabytes(total),
                "limit": _megabytes(settings.BULLETIN_DOCX_MAX_UNPACKED_BYTES)})
        xml_parts = [entry for entry in entries
                     if entry.filename.lower().endswith((".xml", ".rels"))]
        xml_total = sum(entry.file_size for entry in xml_parts)
        if xml_total > settings.BULLETIN_DOCX_MAX_XML_BYTES:
            raise ImportRefused(_("“%(name)s”的文字部分解压后有 %(size)s MB，超过了 %(limit)s MB 的"
                                  "上限（可能是“压缩炸弹”）。") % {
                "name": file_name, "size": _megabytes(xml_total),
                "limit": _megabytes(settings.BULLETIN_DOCX_MAX_XML_BYTES)})
        try:
            for entry in xml_parts:
                with archive.open(entry) as stream:
                    _refuse_dangerous_xml(entry.filename[:100], stream, file_name)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError,
                zlib.error) as exc:
            raise ImportRefused(invalid % {"name": file_name, "error": str(exc)[:200]}) from exc


def _convert(data: bytes, file_name: str) -> tuple[str, list]:
    """The Word file as HTML, with a placeholder for each image, and the images."""
    import mammoth  # here, not at the top: only a Word import needs it (0.04 s to load)

    images: list = []
    token = uuid.uuid4().hex

    def keep_image(image) -> dict[str, str]:
        images.append(image)
        return {"src": f"bulletin-docx-{token}-{len(images) - 1}", "alt": image.alt_text or ""}

    try:
        result = mammoth.convert_to_html(
            io.BytesIO(data), style_map=_DOCX_STYLE_MAP,
            convert_image=mammoth.images.img_element(keep_image),
        )
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, expat.ExpatError) as exc:
        raise ImportRefused(_("“%(name)s”不是有效的 .docx 文件（%(error)s）。")
                            % {"name": file_name, "error": str(exc)[:200]}) from exc
    html_text = result.value
    if len(html_text) > settings.BULLETIN_BODY_MAX_CHARS:
        raise ImportRefused(_("“%(name)s”转换后的正文有 %(size)d 个字符，超过了 %(limit)d 个字符"
                              "的上限；请把它分成几篇文章导入。") % {
            "name": file_name, "size": len(html_text), "limit": settings.BULLETIN_BODY_MAX_CHARS})
    blobs = []
    for image in images:
        with image.open() as stream:
            blobs.append((image.alt_text, stream.read(settings.BULLETIN_IMAGE_MAX_BYTES + 1)))
    return html_text, [(f"bulletin-docx-{token}-{index}", alt, blob)
                       for index, (alt, blob) in enumerate(blobs)]


def article_import_docx(*, user, data: bytes, file_name: str, section: Section) -> Article:
    """A new draft from a Word file: headings, paragraphs, lists, tables and images kept,
    everything sanitised. The document title (or its first heading, or the file name) becomes
    the article title. Any bad image refuses the whole import and leaves nothing behind.

    The archive is checked (parts, unpacked size, XML without entities) and converted before
    any transaction begins, so a slow or hostile file never holds the database's write lock;
    only storing the images and the draft is one atomic step."""
    require(user, "editorial.create_article", message=_("只有编辑可以导入文章。"))
    _check_archive(data, file_name)
    html_text, images = _convert(data, file_name)
    problems: list[str] = []
    for _placeholder, _alt, blob in images:
        markup = find_embedded_markup(blob)
        if markup:
            problems.append(f"an image contains web markup ({markup})")
    if problems:
        raise ImportRefused(_("“%(name)s”中的图片不能使用：%(reason)s")
                            % {"name": file_name, "reason": "；".join(problems)})
    match = _H1.search(html_text)
    title = plain_text(match.group(1)).strip() if match else ""
    if match:
        html_text = html_text[: match.start()] + html_text[match.end():]
    if not title:
        heading = re.search(r"<h[2-4]>(.*?)</h[2-4]>", html_text, re.S)
        title = plain_text(heading.group(1)).strip() if heading else ""
    title = title or PurePath(file_name).stem or gettext("未命名文章")

    written: list[str] = []
    try:
        with transaction.atomic():
            for placeholder, alt, blob in images:
                try:
                    asset = asset_store(data=blob, original_name=alt or file_name, user=user,
                                        written=written)
                except ImageRejected as exc:
                    problems.append(str(exc))
                    continue
                html_text = html_text.replace(f'src="{placeholder}"', f'src="{asset.file.url}"')
            if problems:
                raise ImportRefused(_("“%(name)s”中的图片不能使用：%(reason)s")
                                    % {"name": file_name, "reason": "；".join(problems)})
            content = ArticleContent(title=title[:300], section=section, body=html_text)
            return article_create(user=user, content=content)
    except BaseException:
        remove_files(written)
        raise
