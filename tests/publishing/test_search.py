"""Search over published articles that works for Chinese, including very short words."""

from __future__ import annotations

import pytest
from django.urls import reverse

from editorial.models import IssueStatus
from publishing.selectors import article_search
from publishing.services import issue_set_access, search_index_issue
from tests.factories import ArticleFactory, ContributorFactory, CreditFactory, IssueFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed():
    issue = IssueFactory(status=IssueStatus.PUBLISHED)
    issue_set_access(issue=issue, level="public")
    section = SectionFactory(publication=issue.publication, name="专家观点")
    first = ArticleFactory(issue=issue, section=section, slug="trade", position=0,
                           title="塑造数字贸易发展新优势",
                           body="<p>跨境电商进出口 2.38 万亿元，<strong>茶</strong>叶出口增长。</p>")
    CreditFactory(article=first, contributor=ContributorFactory(name="李西林"))
    first.tags.add("DEPA")
    ArticleFactory(issue=issue, section=section, slug="ai", position=1,
                   title="美国拟限制 AI 软件出口", body="<p>包括 ChatGPT 等生成式模型。</p>")
    search_index_issue(issue=issue)
    return issue


@pytest.mark.parametrize(
    ("query", "slugs"),
    [
        ("茶", ["trade"]),                  # one character
        ("贸易", ["trade"]),                # two characters
        ("数字贸易 万亿", ["trade"]),       # every term must match
        ("李西林", ["trade"]),              # author
        ("depa", ["trade"]),                # tag, any case
        ("chatgpt", ["ai"]),
        ("出口", ["ai", "trade"]),          # title hits rank first
        ("strong", []),                     # markup is never searched
        ("不存在的词", []),
    ],
)
def test_search_finds_chinese_words_of_any_length(indexed, query, slugs):
    hits = article_search(query=query, readable_issue_ids=[indexed.pk])
    assert [h.entry.article.slug for h in hits] == slugs


def test_search_results_are_highlighted_and_escaped(client, indexed):
    response = client.get(reverse("publishing:search"), {"q": "万亿"})
    html = response.content.decode()
    assert "<mark>万亿</mark>" in html
    response = client.get(reverse("publishing:search"), {"q": "<script>"})
    assert "<script>" not in response.content.decode().split("<main>")[1]
