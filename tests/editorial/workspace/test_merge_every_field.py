"""The conflict page merges every field of the article (section, issue, lead image, credits,
tags as well as the words), says which of the other editor's changes it took, and never claims
a merge that dropped one. A move on the planning board is not undone by a stale save either."""

from __future__ import annotations

import pytest
from django.urls import reverse

from editorial import services
from editorial.models import Asset
from tests.editorial import factories_workspace as wf
from tests.factories import EditorFactory, IssueFactory, SectionFactory, png_bytes
from tests.forms_on_pages import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(editor_user, second_editor):
    issue_a = IssueFactory(number=9)
    issue_b = IssueFactory(number=10, publication=issue_a.publication)
    expert = SectionFactory(publication=issue_a.publication, name="专家观点")
    news = SectionFactory(publication=issue_a.publication, name="国内资讯")
    article = wf.draft_article(by=editor_user, section=expert, body="<p>原文</p>", title="原标题",
                               issue=issue_a, tags=("数字贸易",))
    return {"issues": (issue_a, issue_b), "sections": (expert, news), "article": article}


def _edit_form(client, article) -> dict:
    url = reverse("editorial:article_edit", args=[article.pk])
    return form_data(client.get(url).content.decode(), "")


def _post(client, article, data, **files):
    return client.post(reverse("editorial:article_edit", args=[article.pk]), data | files)


def test_every_field_the_other_editor_changed_survives_the_merge(
    world, editor_user, second_editor, client, django_user_model
):
    article, (_issue_a, issue_b), (_expert, news) = world["article"], world["issues"], world["sections"]
    # I open the form (version 1)…
    client.force_login(editor_user)
    mine = _edit_form(client, article)
    # …meanwhile the other editor files it elsewhere and changes everything but the words.
    lead = services.asset_store(data=png_bytes(), original_name="题图.png", user=second_editor)
    services.article_update(user=second_editor, article_id=article.pk, base_version=1,
                            content=services.ArticleContent(
        title="原标题", section=news, issue=issue_b, body="<p>原文</p>", subtitle="新副标题",
        summary="新摘要", source="参考消息", tags=("数字贸易", "DEPA"),
        credits=(services.CreditLine(name="李西林", affiliation="商务部研究院"),),
        lead_image=lead))
    # I change the title and the body, from version 1.
    mine |= {"title": ["甲的新标题"], "body": ["<p>甲改的正文</p>"]}
    response = _post(client, article, mine)

    assert response.status_code == 409
    html = response.content.decode()
    for label in ["栏目", "期刊", "题图", "作者", "标签", "来源", "摘要", "副标题"]:
        assert label in html.split("已采用对方对这些内容的修改：")[1].split("。")[0], label
    assert "双方都改动了" not in html

    merged = form_data(html, reverse("editorial:article_edit", args=[article.pk]))
    assert _post(client, article, merged).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.body) == ("甲的新标题", "<p>甲改的正文</p>")
    assert (article.section, article.issue, article.lead_image) == (news, issue_b, lead)
    assert (article.subtitle, article.summary, article.source) == ("新副标题", "新摘要", "参考消息")
    assert sorted(article.tags.names()) == ["DEPA", "数字贸易"]
    assert [c.contributor.name for c in article.credits.all()] == ["李西林"]


def test_both_changing_the_section_is_named_as_a_conflict_not_claimed_merged(
    world, editor_user, second_editor, client
):
    article, (expert, news) = world["article"], world["sections"]
    third = SectionFactory(publication=expert.publication, name="政策报告")
    client.force_login(editor_user)
    mine = _edit_form(client, article)
    services.article_update(user=second_editor, article_id=article.pk, base_version=1,
                            content=services.ArticleContent(title="原标题", section=news,
                                                            issue=article.issue, body="<p>原文</p>",
                                                            tags=("数字贸易",)))
    response = _post(client, article, mine | {"section": [str(third.pk)]})
    html = response.content.decode()
    assert "双方都改动了：栏目" in html
    assert "已自动合并" not in html
    assert "国内资讯" in html and "政策报告" in html  # both versions shown in the differences


def test_a_stale_save_does_not_undo_a_move_on_the_planning_board(world, editor_user, client):
    article, (_expert, news) = world["article"], world["sections"]
    client.force_login(editor_user)
    mine = _edit_form(client, article)
    # The board moves the article into another section (no new revision).
    services.issue_arrange(user=EditorFactory(username="planner"), issue=article.issue,
                           layout=[(news.pk, [article.pk])])

    response = _post(client, article, mine | {"body": ["<p>甲改的正文</p>"]})

    assert response.status_code == 409
    assert "已采用对方对这些内容的修改：栏目" in response.content.decode()
    article.refresh_from_db()
    assert article.section == news and article.body == "<p>原文</p>"


def test_the_lead_image_shown_in_the_form_is_the_one_saved(world, editor_user, client):
    article = world["article"]
    client.force_login(editor_user)
    lead = services.asset_store(data=png_bytes(), original_name="题图.png", user=editor_user)
    services.article_update(user=editor_user, article_id=article.pk, base_version=1,
                            content=services.ArticleContent(title="原标题", section=article.section,
                                                            issue=article.issue, body="<p>原文</p>",
                                                            tags=("数字贸易",), lead_image=lead))
    data = _edit_form(client, article)
    assert data["lead_image"] == [str(lead.pk)]
    assert _post(client, article, data | {"title": ["改标题"]}).status_code == 302
    article.refresh_from_db()
    assert article.lead_image == lead and Asset.objects.count() == 1
