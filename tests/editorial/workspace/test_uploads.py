# ruff: noqa: E501 — OOXML namespace and relationship URIs are long by nature
"""Image uploads and Word import: hostile or broken files are form errors, never a 500."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from editorial.models import Article, Asset
from tests.factories import png_bytes

pytestmark = pytest.mark.django_db


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png_claiming(width: int, height: int, size: int) -> bytes:
    """A small PNG whose header claims a huge canvas (a decompression bomb's calling card)."""
    header = _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    filler = _chunk(b"IDAT", zlib.compress(b"\x00" * 10) + b"\x00" * (size - 100))
    return b"\x89PNG\r\n\x1a\n" + header + filler + _chunk(b"IEND", b"")


BAD_FILES = {
    "bomb": ("chart.png", png_claiming(20000, 20000, 50 * 1024), "pixels"),
    "html_as_jpg": ("photo.jpg", b"<html><body><script>alert(1)</script></body></html>",
                    "not a readable image"),
    "svg_as_jpg": ("logo.jpg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
                   "not a readable image"),
    "png_html_polyglot": ("poly.png", png_bytes(20, 20) + b"<html><script>alert(1)</script>",
                          "web markup"),
    "png_text_chunk_polyglot": (
        "chunk.png",
        png_bytes(20, 20)[:33] + _chunk(b"tEXt", b"Comment\x00<svg onload=alert(1)>")
        + png_bytes(20, 20)[33:],
        "web markup"),
    "too_big": ("big.png", png_bytes(10, 10) + b"\x00" * (10 * 1024 * 1024 + 1), "MB"),
    "empty": ("empty.png", b"", ""),
    "truncated": ("cut.png", png_bytes(200, 200)[:60], ""),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_image_upload_is_a_form_error_not_a_500(editor_user, client_for, case):
    name, data, message = BAD_FILES[case]
    client = client_for(editor_user)
    upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
    response = client.post(reverse("editorial:image_upload"), {"image": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
    response = client.post(reverse("editorial:image_upload"), {"image": upload},
                           headers={"accept": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]
    assert not Asset.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_good_upload_is_stored_under_a_random_name_whatever_it_was_called(editor_user,
                                                                          client_for):
    upload = SimpleUploadedFile("../../etc/passwd.jpg", png_bytes(30, 20), "image/jpeg")
    response = client_for(editor_user).post(reverse("editorial:image_upload"),
                                            {"image": upload},
                                            headers={"accept": "application/json"})
    assert response.status_code == 200
    asset = Asset.objects.get()
    assert response.json()["url"] == asset.file.url
    stored = Path(asset.file.path).resolve()
    assert stored.parent == (Path(settings.MEDIA_ROOT) / "images").resolve()
    assert stored.suffix == ".png" and "passwd" not in stored.name and ".." not in asset.file.name
    assert asset.original_name == "passwd.jpg"
    assert (asset.width, asset.height) == (30, 20)


def test_bad_lead_image_in_article_form_is_a_field_error(editor_user, section, client_for):
    response = client_for(editor_user).post(reverse("editorial:article_create"), {
        "base_version": 0, "title": "题图测试", "section": section.pk, "body": "<p>x</p>",
        "lead_image_upload": SimpleUploadedFile("lead.jpg", b"<svg onload=alert(1)>"),
    })
    assert response.status_code == 200
    assert "lead.jpg" in response.content.decode()
    assert not Article.objects.exists()


# --------------------------------------------------------------------------- Word import

_CT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Default Extension="png" ContentType="image/png"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>"""
_DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rIdImg" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/>
</Relationships>"""
_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
       'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"')


def _p(text: str, style: str = "") -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{ppr}<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def _image_paragraph() -> str:
    return (
        '<w:p><w:r><w:drawing><wp:inline><wp:extent cx="952500" cy="952500"/>'
        '<wp:docPr id="1" name="图1" descr="图1 跨境电商规模"/>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic><pic:nvPicPr><pic:cNvPr id="1" name="image1.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        '<pic:blipFill><a:blip r:embed="rIdImg"/></pic:blipFill><pic:spPr/></pic:pic>'
        "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
    )


def docx_bytes(image: bytes | None = None, hostile: bool = True) -> bytes:
    body = [
        _p("塑造数字贸易发展新优势", "Title"),
        _p("一、数字技术激发新动能", "Heading1"),
        _p("当前，数字技术快速发展。"),
        _p("<script>alert(1)</script>" if hostile else "普通段落"),
        '<w:tbl><w:tr><w:tc>' + _p("年份") + "</w:tc><w:tc>" + _p("规模") + "</w:tc></w:tr>"
        "<w:tr><w:tc>" + _p("2023") + "</w:tc><w:tc>" + _p("2.38 万亿元") + "</w:tc></w:tr></w:tbl>",
    ]
    if image is not None:
        body.append(_image_paragraph())
    # style ids in real files are "Heading1"; mammoth maps by style *name*, so add styles.xml
    document = f'<?xml version="1.0" encoding="UTF-8"?><w:document {_NS}><w:body>{"".join(body)}</w:body></w:document>'
    styles = (
        '<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>'
        "</w:styles>"
    )
    rels_doc = _DOC_RELS.replace(
        "</Relationships>",
        '<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", _CT.replace(
            "</Types>", '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>'))
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/_rels/document.xml.rels", rels_doc)
        archive.writestr("word/document.xml", document.replace("<script>", "&lt;script&gt;")
                         .replace("</script>", "&lt;/script&gt;"))
        archive.writestr("word/styles.xml", styles)
        if image is not None:
            archive.writestr("word/media/image1.png", image)
    return buffer.getvalue()


def test_docx_import_keeps_structure_and_images_and_sanitises(editor_user, section, client_for):
    data = docx_bytes(image=png_bytes(50, 40))
    response = client_for(editor_user).post(reverse("editorial:article_import"), {
        "file": SimpleUploadedFile("稿件.docx", data), "section": section.pk})
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == "塑造数字贸易发展新优势"
    assert "<h2>一、数字技术激发新动能</h2>" in article.body
    assert "<p>当前，数字技术快速发展。</p>" in article.body
    assert "<table>" in article.body and "2.38 万亿元" in article.body
    assert "<script" not in article.body and "&lt;script&gt;" in article.body
    asset = Asset.objects.get()
    assert f'src="{asset.file.url}"' in article.body
    assert article.revisions.count() == 1 and article.created_by == editor_user


@pytest.mark.parametrize(("name", "data", "message"), [
    ("notes.docx", b"PK\x03\x04 not really a zip", "不是有效的 .docx"),
    ("notes.doc", docx_bytes(), ".docx"),
    ("bomb.docx", docx_bytes(image=png_claiming(20000, 20000, 4096)), "图片不能使用"),
    ("poly.docx", docx_bytes(image=png_bytes(10, 10) + b"<script>x</script>"), "图片不能使用"),
])
def test_bad_docx_is_a_form_error_and_leaves_nothing_behind(editor_user, section, client_for,
                                                             name, data, message):
    response = client_for(editor_user).post(reverse("editorial:article_import"), {
        "file": SimpleUploadedFile(name, data), "section": section.pk})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.exists() and not Asset.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
