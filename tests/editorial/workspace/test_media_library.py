"""The media library: browse (paginated), search, alt text and captions, where each image is
used, the editor's picker; per role."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from editorial import selectors, services
from editorial.models import Asset
from editorial.permissions import PermissionRefused
from tests.editorial import factories_workspace as wf
from tests.factories import (
    AdminFactory,
    EditorFactory,
    IssueFactory,
    MemberFactory,
    ReviewerFactory,
    png_bytes,
)

ROLES = {"editor": True, "superuser": True, "reviewer": False, "member": False}


@pytest.fixture
def people(db):
    return {"editor": EditorFactory(first_name="王编辑"), "reviewer": ReviewerFactory(),
            "member": MemberFactory(), "superuser": AdminFactory()}


def _image(user, name: str, color: str = "#2b6cb0", **text) -> Asset:
    asset = services.asset_store(user=user, original_name=name, data=png_bytes(64, 48, color))
    if text:
        asset = services.asset_update_text(user=user, asset_id=asset.pk,
                                           alt_text=text.get("alt_text", ""),
                                           caption=text.get("caption", ""))
    return asset


@pytest.fixture
def chart(people):
    return _image(people["editor"], "chart.png", alt_text="跨境电商进出口规模柱状图",
                  caption="图1 跨境电商进出口规模")


# --------------------------------------------------------------------------- per role

@pytest.mark.parametrize(("role", "allowed"), ROLES.items())
def test_who_may_browse_the_library(client, people, chart, role, allowed):
    client.force_login(people[role])
    for url in (reverse("editorial:media_library"), reverse("editorial:media_detail", args=[chart.pk]),
                reverse("editorial:media_picker")):
        response = client.get(url)
        assert response.status_code == (200 if allowed else 403), url
        if not allowed:
            assert "跨境电商" not in response.content.decode()


@pytest.mark.parametrize(("role", "allowed"), ROLES.items())
def test_who_may_edit_alt_text_and_caption(client, people, chart, role, allowed):
    client.force_login(people[role])
    response = client.post(reverse("editorial:media_detail", args=[chart.pk]),
                           {"alt_text": "新的替代文字", "caption": "新的图注"})
    chart.refresh_from_db()
    assert response.status_code == (302 if allowed else 403)
    assert (chart.alt_text == "新的替代文字") is allowed
    assert chart.caption == ("新的图注" if allowed else "图1 跨境电商进出口规模")


def test_anonymous_goes_to_login(client, chart):
    for url in (reverse("editorial:media_library"), reverse("editorial:media_picker")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_service_refuses_a_reviewer(people, chart):
    with pytest.raises(PermissionRefused):
        services.asset_update_text(user=people["reviewer"], asset_id=chart.pk, alt_text="x",
                                   caption="y")


# --------------------------------------------------------------------------- browse and search

def test_the_grid_shows_thumbnails_with_alt_text_and_flags_missing_alt(client, people, chart):
    bare = _image(people["editor"], "photo.png", "#9f1d20")
    client.force_login(people["editor"])
    html = client.get(reverse("editorial:media_library")).content.decode()
    assert f'src="{chart.file.url}" alt="跨境电商进出口规模柱状图"' in html
    assert f'src="{bare.file.url}" alt=""' in html
    assert html.count("缺少替代文字") == 1
    assert "共 2 张图片" in html


def test_search_matches_file_name_alt_text_and_caption(people, chart):
    other = _image(people["editor"], "港口.png", "#14532d", caption="大连港集装箱码头")
    assert list(selectors.media_library(q="柱状图")) == [chart]
    assert list(selectors.media_library(q="图1")) == [chart]
    assert list(selectors.media_library(q="港口")) == [other]
    assert list(selectors.media_library(q="码头")) == [other]
    assert set(selectors.media_library(q="")) == {chart, other}
    assert list(selectors.media_library(q="图1 码头")) == []


def test_pages_of_24_and_the_search_survives_paging(client, people):
    for n in range(26):
        _image(people["editor"], f"图表{n}.png", f"#{n:02x}3040")
    client.force_login(people["editor"])
    first = client.get(reverse("editorial:media_library"), {"q": "图表"}).content.decode()
    assert first.count('class="media-card"') == 24
    assert "第 1 / 2 页" in first and "q=%E5%9B%BE%E8%A1%A8&amp;page=2" in first
    second = client.get(reverse("editorial:media_library"), {"q": "图表", "page": 2}).content.decode()
    assert second.count('class="media-card"') == 2
    bad = client.get(reverse("editorial:media_library"), {"page": "abc"})
    assert bad.status_code == 200


def test_an_empty_search_says_what_to_do(client, people, chart):
    client.force_login(people["editor"])
    html = client.get(reverse("editorial:media_library"), {"q": "没有这张图"}).content.decode()
    assert "没有符合条件的图片" in html and "清除搜索" in html


# --------------------------------------------------------------------------- alt text, usage

def test_alt_text_and_caption_are_stored_trimmed_and_escaped_on_the_page(client, people, chart):
    client.force_login(people["editor"])
    client.post(reverse("editorial:media_detail", args=[chart.pk]),
                {"alt_text": '  柱状图 "><script>alert(1)</script> ', "caption": "图 1\n规模"})
    chart.refresh_from_db()
    assert chart.alt_text == '柱状图 "><script>alert(1)</script>' and chart.caption == "图 1 规模"
    html = client.get(reverse("editorial:media_detail", args=[chart.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_too_long_alt_text_is_a_message_and_nothing_changes(client, people, chart):
    client.force_login(people["editor"])
    response = client.post(reverse("editorial:media_detail", args=[chart.pk]),
                           {"alt_text": "长" * 301, "caption": ""})
    assert response.status_code == 400
    assert "替代文字" in response.content.decode()
    chart.refresh_from_db()
    assert chart.alt_text == "跨境电商进出口规模柱状图"


def test_usage_lists_lead_images_body_images_and_covers(client, people, chart):
    editor = people["editor"]
    in_body = wf.draft_article(by=editor, title="跨境电商的新动能",
                               body=f'<p>正文</p><figure><img src="{chart.file.url}" alt="x"></figure>')
    lead = wf.draft_article(by=editor, title="海外仓布局", lead_image=chart)
    wf.draft_article(by=editor, title="与这张图无关的文章")
    issue = IssueFactory(number=9, cover_image=chart)
    usage = selectors.asset_usage(chart)
    assert usage.in_body_of == [in_body] and usage.lead_of == [lead]
    assert usage.cover_of == [issue] and usage.count == 3
    client.force_login(editor)
    html = client.get(reverse("editorial:media_detail", args=[chart.pk])).content.decode()
    usage_html = html[html.index('id="usage"'):]
    assert "跨境电商的新动能" in usage_html and "海外仓布局" in usage_html
    assert "与这张图无关的文章" not in usage_html and "封面" in usage_html


def test_an_unused_image_says_so(client, people, chart):
    client.force_login(people["editor"])
    html = client.get(reverse("editorial:media_detail", args=[chart.pk])).content.decode()
    assert "还没有文章或期刊用到这张图片" in html


# --------------------------------------------------------------------------- the editor's picker

def test_the_picker_returns_search_results_with_alt_text_and_caption(client, people, chart):
    _image(people["editor"], "港口.png", "#14532d")
    client.force_login(people["editor"])
    data = json.loads(client.get(reverse("editorial:media_picker"), {"q": "柱状图"}).content)
    assert data["images"] == [{"id": chart.pk, "url": chart.file.url, "name": "chart.png",
                               "alt": "跨境电商进出口规模柱状图", "caption": "图1 跨境电商进出口规模",
                               "width": 64, "height": 48}]
    assert data["next"] is None


def test_the_editor_page_offers_the_picker_only_to_who_may_browse(client, people):
    draft = wf.draft_article(by=people["editor"])
    client.force_login(people["editor"])
    html = client.get(reverse("editorial:article_edit", args=[draft.pk])).content.decode()
    assert 'id="media-pick-open"' in html and reverse("editorial:media_picker") in html


def test_an_image_uploaded_in_the_editor_with_a_caption_keeps_it_in_the_library(client, people):
    client.force_login(people["editor"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("图.png", png_bytes(40, 30), content_type="image/png")
    response = client.post(reverse("editorial:image_upload"),
                           {"image": upload, "caption": "图2 海外仓分布"},
                           HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    asset = Asset.objects.get()
    assert (asset.caption, asset.alt_text) == ("图2 海外仓分布", "图2 海外仓分布")
    again = SimpleUploadedFile("同一张.png", png_bytes(40, 30), content_type="image/png")
    client.post(reverse("editorial:image_upload"), {"image": again, "caption": "别的图注"},
                HTTP_ACCEPT="application/json")
    asset.refresh_from_db()
    assert asset.caption == "图2 海外仓分布", "a described image keeps its words"
