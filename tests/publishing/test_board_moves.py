"""The board's ↑ ↓ stay inside a section; crossing into the next section is its own button and
the page says it happened (the last article's ↓ used to move it silently)."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from editorial.models import Article
from tests.factories import ArticleFactory, EditorFactory, IssueFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(client):
    issue = IssueFactory()
    expert = SectionFactory(publication=issue.publication, name="专家观点", position=0)
    news = SectionFactory(publication=issue.publication, name="国内资讯", position=1)
    a = ArticleFactory(issue=issue, section=expert, position=0, title="甲文")
    b = ArticleFactory(issue=issue, section=expert, position=1, title="乙文")
    c = ArticleFactory(issue=issue, section=news, position=2, title="丙文")
    client.force_login(EditorFactory())
    return client, issue, (a, b, c), (expert, news)


def _move(client, issue, article, direction):
    return client.post(reverse("publishing:board_move", args=[issue.pk]),
                       {"article": article.pk, "direction": direction}, follow=True)


def _sections(articles):
    return [Article.objects.get(pk=a.pk).section.name for a in articles]


def test_down_on_the_last_article_of_a_section_is_not_offered_and_is_refused(board):
    client, issue, (a, b, c), _pair = board
    page = client.get(reverse("publishing:board_issue", args=[issue.pk])).content.decode()
    assert "下移 乙文" not in page and "把 乙文 移入下一栏目" in page
    assert "上移 丙文" not in page and "把 丙文 移入上一栏目" in page
    assert "把 甲文 移入上一栏目" not in page and "把 丙文 移入下一栏目" not in page

    response = _move(client, issue, b, "down")

    assert response.status_code == 400
    assert _sections([a, b, c]) == ["专家观点", "专家观点", "国内资讯"]


def test_moving_into_the_next_section_is_explicit_and_said(board):
    client, issue, (a, b, c), _pair = board
    response = _move(client, issue, b, "next-section")
    assert response.status_code == 200
    assert "《乙文》已从栏目“专家观点”移入“国内资讯”。" in response.content.decode()
    assert _sections([a, b, c]) == ["专家观点", "国内资讯", "国内资讯"]
    order = list(issue.articles.order_by("position").values_list("title", flat=True))
    assert order == ["甲文", "乙文", "丙文"]


def test_up_and_down_inside_a_section_say_nothing_about_sections(board):
    client, issue, (a, _b, _c), _pair = board
    response = _move(client, issue, a, "down")
    said = re.search(r'<div class="ws-messages"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    assert said is None or "移入" not in said.group(1)
    assert list(issue.articles.order_by("position").values_list("title", flat=True)) == [
        "乙文", "甲文", "丙文"]


def test_dragging_into_another_section_is_said_in_the_reply(board):
    client, issue, (a, b, c), (expert, news) = board
    layout = [[expert.pk, [a.pk]], [news.pk, [b.pk, c.pk]]]
    response = client.post(reverse("publishing:board_arrange", args=[issue.pk]),
                           json.dumps(layout), content_type="application/json")
    assert response.json() == {"ok": True, "moved": ["《乙文》已从栏目“专家观点”移入“国内资讯”。"]}
