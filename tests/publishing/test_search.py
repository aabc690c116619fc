"""Search over published articles that works for Chinese, including very short words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editorial.models import IssueStatus
from publishing.library.grams import contains_every_term, term_grams, text_grams, tsquery
from publishing.models import SearchEntry
from publishing.selectors import article_search
from publishing.services import issue_set_access, search_index_issue
from tests.factories import (
    ArticleFactory,
    ContributorFactory,
    CreditFactory,
    EditorFactory,
    IssueFactory,
    MemberFactory,
    SectionFactory,
)

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
    results = article_search(query=query, user=AnonymousUser())
    assert [h.entry.article.slug for h in results.hits] == slugs
    assert results.total == len(slugs)


def test_search_results_are_highlighted_and_escaped(client, indexed):
    response = client.get(reverse("publishing:search"), {"q": "万亿"})
    html = response.content.decode()
    assert "<mark>万亿</mark>" in html
    response = client.get(reverse("publishing:search"), {"q": "<script>"})
    assert "<script>" not in response.content.decode().split("<main>")[1]


# --------------------------------------------------------------------------- grams


def test_grams_are_every_character_and_pair_plus_latin_words():
    assert text_grams("数字贸易 CPTPP，Ａ1") == "数 字 贸 易 数字 字贸 贸易 cptpp a1"
    assert term_grams("数") == [("数", False)]
    assert term_grams("数字贸易") == [("数字", False), ("字贸", False), ("贸易", False)]
    assert term_grams("RCEP协定") == [("rcep", True), ("协定", False)]
    assert tsquery(["数据", "chat"]) == "'数据' & 'chat':*"
    assert tsquery(["——"]) == ""


def test_a_long_word_whose_pairs_occur_apart_is_not_a_hit():
    # 跨境电子商务 … 电商: every bigram of 跨境电商 is there, the word is not.
    texts = ["跨境电子商务的电商平台"]
    assert set(g for g, _p in term_grams("跨境电商")) <= set(text_grams(*texts).split())
    assert not contains_every_term(texts, ["跨境电商"])


def test_indexing_writes_the_grams(indexed):
    entry = SearchEntry.objects.get(article__slug="ai")
    if connection.vendor != "postgresql":
        assert set(entry.grams.split()) >= {"美", "美国", "chatgpt", "ai"}


# --------------------------------------------------------------------------- access in the query


@pytest.fixture
def three_issues():
    """A public issue, a members-only one and one whose 12-month embargo ran out yesterday."""
    today = dt.date(2026, 12, 1)
    made = {}
    for number, (level, months, cover) in enumerate([
        ("public", 0, dt.date(2026, 10, 15)),
        ("members", 0, dt.date(2026, 10, 15)),
        ("embargo", 12, dt.date(2025, 11, 30)),
        ("embargo", 12, dt.date(2025, 12, 2)),
    ], start=1):
        issue = IssueFactory(status=IssueStatus.PUBLISHED, number=number, cover_date=cover)
        issue_set_access(issue=issue, level=level, embargo_months=months)
        ArticleFactory(issue=issue, slug=f"a{number}", title=f"第{number}篇", body="<p>数据</p>")
        search_index_issue(issue=issue)
        made[number] = issue
    return today, made


def _slugs(user, today) -> list[str]:
    import time_machine

    with time_machine.travel(dt.datetime.combine(today, dt.time(12), dt.UTC), tick=False):
        return sorted(h.entry.article.slug for h in article_search(query="数据", user=user).hits)


def test_search_shows_each_reader_only_what_they_may_read(three_issues):
    today, _issues = three_issues
    assert _slugs(AnonymousUser(), today) == ["a1", "a3"]
    member = MemberFactory(expires_on=dt.date(2030, 1, 1))
    assert _slugs(member, today) == ["a1", "a2", "a3", "a4"]
    lapsed = MemberFactory(username="lapsed", expires_on=dt.date(2026, 1, 1))
    assert _slugs(lapsed, today) == ["a1", "a3"]
    assert _slugs(EditorFactory(), today) == ["a1", "a2", "a3", "a4"]


@pytest.mark.parametrize("months", [1, 3, 12])
def test_embargo_in_the_query_agrees_with_public_from_every_day(months):
    """The date cutoff the query uses is the exact inverse of ``IssueAccess.public_from``."""
    from publishing.library.permissions import _embargo_cutoff
    from publishing.models import IssueAccess

    start = dt.date(2023, 12, 20)
    days = [start + dt.timedelta(days=n) for n in range(800)]
    # One unsaved issue per cover date, asked about every day (building them is the slow part).
    accesses = [(cover, IssueAccess(level="embargo", embargo_months=months,
                                    issue=IssueFactory.build(cover_date=cover)))
                for cover in days[:500]]
    for today in [*days[400:800:7], dt.date(2024, 2, 29), dt.date(2025, 2, 28), dt.date(2025, 3, 31)]:
        cutoff = _embargo_cutoff(today, months)
        for cover, access in accesses:
            assert access.is_public_on(today) == (cover <= cutoff), (today, cover)


def test_search_pages_through_results_and_counts_them(indexed):
    section = indexed.articles.first().section
    for n in range(25):
        ArticleFactory(issue=indexed, section=section, slug=f"n{n}", position=10 + n,
                       title=f"新闻{n}", body="<p>贸易新闻</p>")
    search_index_issue(issue=indexed)
    first = article_search(query="贸易", user=AnonymousUser(), page_size=20)
    second = article_search(query="贸易", user=AnonymousUser(), page=2, page_size=20)
    assert (first.total, first.pages, len(first.hits), len(second.hits)) == (26, 2, 20, 6)
    assert first.hits[0].entry.article.slug == "trade"  # the title hit first
    assert not {h.entry.pk for h in first.hits} & {h.entry.pk for h in second.hits}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
@pytest.mark.parametrize("query", ["数", "数据", "数字贸易", "chatgpt"])
def test_search_uses_the_gin_index_on_postgresql(indexed, query):
    """The planner would scan every stored vector for a frequent gram; the search pins the
    index path. EXPLAIN the statement the page runs and fail on a sequential scan."""
    # An archive of some size, analysed, so the planner has a real choice to make.
    from editorial.models import Article

    model = indexed.articles.first()
    issues = [IssueFactory(publication=indexed.publication, status=IssueStatus.PUBLISHED)
              for _n in range(20)]
    articles = Article.objects.bulk_create([
        Article(issue=issue, section=model.section, slug=f"bulk-{issue.pk}-{n}", position=n,
                title=f"标题{n}", state=model.state, body="")
        for issue in issues for n in range(20)
    ])
    body = "数字经济与数据要素：多数企业的指数增长。" * 40
    SearchEntry.objects.bulk_create([
        SearchEntry(article=a, issue=a.issue, title=a.title, body_text=body,
                    grams=text_grams(a.title, body))
        for a in articles
    ])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE publishing_searchentry")
        cursor.execute("ANALYZE editorial_issue")
    with CaptureQueriesContext(connection) as captured:
        article_search(query=query, user=MemberFactory(expires_on=dt.date(2099, 1, 1)))
    statements = [q["sql"] for q in captured.captured_queries
                  if "publishing_searchentry" in q["sql"] and "@@" in q["sql"]]
    assert len(statements) == 2  # the count and the page's ids
    with connection.cursor() as cursor:
        for sql in statements:
            # EXPLAIN the statement under the settings the search runs it with.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("SET LOCAL enable_seqscan TO DEFAULT")
            cursor.execute("SET LOCAL enable_indexscan TO DEFAULT")
            cursor.execute("SET LOCAL jit TO DEFAULT")
            assert "publishing_searchentry_grams_gin" in plan, plan
            assert "Seq Scan on publishing_searchentry" not in plan, plan
            assert "Index Scan using publishing_searchentry" not in plan.replace("Bitmap ", ""), plan
