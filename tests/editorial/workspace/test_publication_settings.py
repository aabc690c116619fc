"""刊物设置: editors edit the masthead printed on the 版权页 and each section's print layout."""

from __future__ import annotations

import pytest
from django.urls import reverse

from editorial.models import Publication, SectionLayout
from tests.factories import EditorFactory, MemberFactory, PublicationFactory, ReviewerFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def publication():
    publication = PublicationFactory(slug="dalian", name="大连数字贸易", publisher="大连市数字贸易协会")
    SectionFactory(publication=publication, name="专家观点", position=0)
    SectionFactory(publication=publication, name="国内资讯", position=1)
    return publication


def form_data(publication, **changes):
    data = {
        "publisher": publication.publisher, "editorial_office": "《大连数字贸易》编辑部",
        "editor_in_chief": "", "address": "大连市高新园区黄浦路 900 号", "postcode": "116023",
        "phone": "0411-8000 0000", "email": "", "printer": "大连海事印刷厂", "issn": "",
        "internal_permit": "辽内资 2024-123", "distribution": "本会会员单位",
        "masthead_note": "内部资料，免费交流。", "running_header": "", "page_size": "A4",
    }
    for section in publication.sections.all():
        data[f"section-{section.pk}-layout"] = section.layout
    data.update(changes)
    return data


def test_editor_saves_masthead_and_sets_a_news_section_in_two_columns(client, publication):
    client.force_login(EditorFactory())
    news = publication.sections.get(name="国内资讯")
    url = reverse("editorial:publication_settings", args=[publication.slug])
    assert "版权页" in client.get(url).content.decode()
    response = client.post(url, form_data(publication, **{
        f"section-{news.pk}-layout": SectionLayout.TWO_COLUMNS,
        f"section-{news.pk}-new_page_per_article": "on"}))
    assert response.status_code == 302
    publication.refresh_from_db()
    news.refresh_from_db()
    assert publication.printer == "大连海事印刷厂" and publication.internal_permit == "辽内资 2024-123"
    assert news.layout == SectionLayout.TWO_COLUMNS and news.new_page_per_article
    assert ("印刷", "大连海事印刷厂") in publication.masthead_lines()


def test_invalid_input_says_where_and_saves_nothing(client, publication):
    client.force_login(EditorFactory())
    url = reverse("editorial:publication_settings", args=[publication.slug])
    response = client.post(url, form_data(publication, email="not-an-address", issn="12345",
                                          printer="新印刷厂"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "ISSN" in page and 'role="alert"' in page
    assert Publication.objects.get(pk=publication.pk).printer == ""


def test_a_forged_section_of_another_publication_is_not_changed(client, publication):
    other = SectionFactory(publication=PublicationFactory(slug="other"), name="其他")
    client.force_login(EditorFactory())
    url = reverse("editorial:publication_settings", args=[publication.slug])
    client.post(url, form_data(publication, **{f"section-{other.pk}-layout": "two_columns"}))
    other.refresh_from_db()
    assert other.layout == SectionLayout.SINGLE


@pytest.mark.parametrize("role", [ReviewerFactory, MemberFactory])
def test_reviewers_and_members_cannot_change_publication_settings(client, publication, role):
    client.force_login(role())
    url = reverse("editorial:publication_settings", args=[publication.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, form_data(publication, printer="X")).status_code == 403
    assert Publication.objects.get(pk=publication.pk).printer == ""


def test_anonymous_visitor_is_sent_to_log_in(client, publication):
    url = reverse("editorial:publication_settings", args=[publication.slug])
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]


def test_dashboard_links_editors_to_the_settings(client, publication):
    client.force_login(EditorFactory())
    page = client.get(reverse("editorial:dashboard")).content.decode()
    assert reverse("editorial:publication_settings", args=[publication.slug]) in page
