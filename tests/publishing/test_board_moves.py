"""The board's ↑ ↓ stay inside a section; changing an article's section is its own action
("移至栏目", any section of the publication) and the page says it happened (the last article's
↓ used to move it silently). Sections themselves move up and down within the issue."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from editorial.models import Article
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    IssueFactory,
    PublicationFactory,
    SectionFactory,
)

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
    assert "下移 乙文" not in page and "上移 丙文" not in page
    assert "移入下一栏目" not in page and "移入上一栏目" not in page  # no ↑/↓ crosses a section
    assert "把 乙文 移至栏目" in page and "把 丙文 移至栏目" in page  # the explicit action

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


def _to_section(client, issue, article, section):
    return client.post(reverse("publishing:board_move_to_section", args=[issue.pk]),
                       {"article": article.pk, "section": section.pk}, follow=True)


def test_moving_an_article_to_a_chosen_section_is_said(board):
    client, issue, (a, b, c), (_expert, news) = board
    response = _to_section(client, issue, a, news)
    assert response.status_code == 200
    assert "《甲文》已从栏目“专家观点”移入“国内资讯”。" in response.content.decode()
    assert _sections([a, b, c]) == ["国内资讯", "专家观点", "国内资讯"]
    # It goes to the end of its new section; sections keep their order.
    assert list(issue.articles.order_by("position").values_list("title", flat=True)) == [
        "乙文", "丙文", "甲文"]


def test_moving_to_a_section_the_issue_does_not_use_yet_adds_it_last(board):
    client, issue, (a, b, c), (_expert, _news) = board
    policy = SectionFactory(publication=issue.publication, name="政策报告", position=2)
    _to_section(client, issue, a, policy)
    assert _sections([a, b, c]) == ["政策报告", "专家观点", "国内资讯"]
    assert list(issue.articles.order_by("position").values_list("title", flat=True)) == [
        "乙文", "丙文", "甲文"]


def test_moving_to_its_own_or_another_publications_section_is_refused(board):
    client, issue, (a, b, c), (expert, _news) = board
    assert _to_section(client, issue, a, expert).status_code == 400
    stranger = SectionFactory(name="他刊栏目", publication=PublicationFactory(slug="other", name="他刊"))
    assert _to_section(client, issue, a, stranger).status_code == 404
    assert _sections([a, b, c]) == ["专家观点", "专家观点", "国内资讯"]


def _section_move(client, issue, section, direction):
    return client.post(reverse("publishing:board_section_move", args=[issue.pk]),
                       {"section": section.pk, "direction": direction}, follow=True)


def test_a_section_moves_with_all_its_articles_in_this_issue_only(board):
    client, issue, (a, b, c), (expert, news) = board
    response = _section_move(client, issue, news, "up")
    assert response.status_code == 200
    assert list(issue.articles.order_by("position").values_list("title", flat=True)) == [
        "丙文", "甲文", "乙文"]
    page = response.content.decode()
    assert page.index("丙文") < page.index("甲文")
    # The publication's default order is untouched: the order belongs to the issue.
    expert.refresh_from_db()
    news.refresh_from_db()
    assert (expert.position, news.position) == (0, 1)
    assert _sections([a, b, c]) == ["专家观点", "专家观点", "国内资讯"]


def test_a_section_cannot_move_past_the_edge(board):
    client, issue, (_a, _b, _c), (expert, news) = board
    assert _section_move(client, issue, expert, "up").status_code == 400
    assert _section_move(client, issue, news, "down").status_code == 400
    assert _section_move(client, issue, news, "sideways").status_code == 400
    assert list(issue.articles.order_by("position").values_list("title", flat=True)) == [
        "甲文", "乙文", "丙文"]
