"""Login, dashboard, article list and the article form, through the real URLs."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial import services
from editorial.models import Article, ArticleState, Revision
from tests.editorial import factories_workspace as wf
from tests.factories import PASSWORD, IssueFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_login_page_logs_an_editor_in_and_lands_on_the_dashboard(client, editor_user):
    response = client.post(reverse("login"), {"username": "editor",
                                              "password": PASSWORD})
    assert response.status_code == 302
    landing = client.get(response["Location"])
    assert landing["Location"] == reverse("editorial:dashboard")
    assert "工作台" in client.get(reverse("editorial:dashboard")).content.decode()


def test_member_login_lands_on_the_library_not_the_workspace(client, member_user):
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("publishing:home")


def test_repeated_wrong_passwords_lock_the_account_even_for_the_right_one(
    client, editor_user, settings
):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": "editor", "password": "wrong"})
        assert response.status_code in {200, 429}
    response = client.post(reverse("login"), {"username": "editor", "password": PASSWORD})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_dashboard_lists_overdue_reviews_first_and_my_drafts(editor_user, reviewer_user,
                                                            client_for):
    today = timezone.localdate()
    later = wf.in_review_article(by=editor_user, reviewers=[reviewer_user], title="下周到期稿")
    overdue = wf.in_review_article(by=editor_user, reviewers=[reviewer_user], title="逾期稿")
    overdue.assignments.update(due_date=today - datetime.timedelta(days=2))
    later.assignments.update(due_date=today + datetime.timedelta(days=7))
    wf.draft_article(by=editor_user, title="我的草稿一篇")
    html = client_for(reviewer_user).get(reverse("editorial:dashboard")).content.decode()
    assert html.index("逾期稿") < html.index("下周到期稿")
    assert "已逾期" in html
    issue = IssueFactory(copy_deadline=today + datetime.timedelta(days=10))
    html = client_for(editor_user).get(reverse("editorial:dashboard")).content.decode()
    assert "我的草稿一篇" in html
    assert issue.display_title in html and issue.copy_deadline.strftime("%Y-%m-%d") in html


def test_article_list_filters_searches_and_paginates(editor_user, client_for):
    expert, news = SectionFactory(name="专家观点"), SectionFactory(name="国内资讯")
    for number in range(30):
        wf.draft_article(by=editor_user, title=f"资讯{number:02d}", section=news)
    wf.draft_article(by=editor_user, title="数字贸易新优势", section=expert,
                     tags=("DEPA",), body="<p>跨境电商</p>",
                     credits=(services.CreditLine("李西林", "商务部研究院"),))
    client = client_for(editor_user)
    url = reverse("editorial:article_list")
    page1 = client.get(url).content.decode()
    assert page1.count('<td><a href="/editorial/articles/') == 25
    assert "第 1 / 2 页" in page1
    page2 = client.get(url, {"page": 2}).content.decode()
    assert page2.count('<td><a href="/editorial/articles/') == 6
    assert "数字贸易新优势" in client.get(url, {"section": expert.pk}).content.decode()
    assert "资讯00" not in client.get(url, {"section": expert.pk}).content.decode()
    assert "数字贸易新优势" in client.get(url, {"q": "跨境电商"}).content.decode()
    assert "数字贸易新优势" in client.get(url, {"q": "李西林"}).content.decode()
    assert "数字贸易新优势" in client.get(url, {"tag": "DEPA"}).content.decode()
    assert "资讯05" not in client.get(url, {"tag": "DEPA"}).content.decode()
    assert "资讯05" not in client.get(url, {"state": "approved"}).content.decode()
    filtered = client.get(url, {"section": news.pk, "page": 2}).content.decode()
    assert f"section={news.pk}" in filtered


def _form_data(section, **extra):
    return {"base_version": 0, "title": "塑造数字贸易发展新优势", "subtitle": "",
            "section": section.pk, "issue": "", "credits": "李西林｜商务部研究院｜研究员\n王晓红",
            "source": "", "tags": "数字贸易，DEPA", "summary": "摘要",
            "body": '<h2>一、新动能</h2><p onclick="x()">正文<script>alert(1)</script></p>'
                    '<img src="https://evil.example/x.png">'} | extra


def test_creating_an_article_sanitises_the_body_and_writes_revision_one(editor_user, section,
                                                                       client_for):
    response = client_for(editor_user).post(reverse("editorial:article_create"),
                                            _form_data(section))
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.body.startswith("<h2>一、新动能</h2><p>正文</p>")
    assert "script" not in article.body and "onclick" not in article.body
    assert "evil.example" not in article.body
    assert article.state == ArticleState.DRAFT and article.created_by == editor_user
    assert [(c.contributor.name, c.note) for c in article.credits.all()] == [
        ("李西林", "研究员"), ("王晓红", "")]
    assert sorted(article.tags.names()) == ["DEPA", "数字贸易"]
    assert article.slug.startswith("su-zao-shu-zi-mao-yi")
    revision = Revision.objects.get()
    assert (revision.number, revision.body, revision.created_by) == (1, article.body, editor_user)


def test_bad_credit_line_is_a_form_error_that_names_the_line(editor_user, section, client_for):
    response = client_for(editor_user).post(reverse("editorial:article_create"),
                                            _form_data(section, credits="甲\n乙｜丙｜丁｜戊"))
    assert response.status_code == 200
    assert "第 2 行" in response.content.decode()
    assert not Article.objects.exists()


def test_every_save_is_a_revision(editor_user, client_for, section):
    article = wf.draft_article(by=editor_user, section=section)
    client = client_for(editor_user)
    for number in (2, 3):
        client.post(reverse("editorial:article_edit", args=[article.pk]),
                    _form_data(section, base_version=number - 1, body=f"<p>第{number}稿</p>"))
    assert list(article.revisions.values_list("number", "body")) == [
        (3, "<p>第3稿</p>"), (2, "<p>第2稿</p>"),
        (1, "<h2>数字技术激发新动能</h2><p>当前，数字技术快速发展。</p>")]


def test_submit_form_names_reviewers_and_due_date(editor_user, reviewer_user, client_for):
    article = wf.draft_article(by=editor_user)
    client = client_for(editor_user)
    page = client.get(reverse("editorial:article_detail", args=[article.pk])).content.decode()
    assert "审稿乙" in page or "reviewer" in page
    response = client.post(reverse("editorial:article_submit", args=[article.pk]),
                           {"reviewers": [reviewer_user.pk], "due_date": "2099-03-01"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.state == ArticleState.IN_REVIEW
    assert str(article.assignments.get().due_date) == "2099-03-01"


def test_submit_without_reviewer_shows_a_message_and_changes_nothing(editor_user, client_for):
    article = wf.draft_article(by=editor_user)
    client = client_for(editor_user)
    response = client.post(reverse("editorial:article_submit", args=[article.pk]),
                           {"due_date": "2099-03-01"}, follow=True)
    assert "审稿人" in response.content.decode()
    article.refresh_from_db()
    assert article.state == ArticleState.DRAFT


def test_threaded_comments_can_be_resolved_and_reopened(editor_user, reviewer_user, client_for):
    article = wf.in_review_article(by=editor_user, reviewers=[reviewer_user])
    reviewer = client_for(reviewer_user)
    reviewer.post(reverse("editorial:comment_create", args=[article.pk]), {"body": "图1缺来源"})
    top = article.comments.get()
    editor = client_for(editor_user)
    editor.post(reverse("editorial:comment_create", args=[article.pk]),
                {"body": "已补充", "parent": top.pk})
    assert top.replies.get().body == "已补充"
    editor.post(reverse("editorial:comment_resolve", args=[top.pk]), {"resolved": "1"})
    top.refresh_from_db()
    assert top.resolved and top.resolved_by == editor_user
    html = editor.get(reverse("editorial:article_detail", args=[article.pk])).content.decode()
    assert "已解决" in html and "已补充" in html
    editor.post(reverse("editorial:comment_resolve", args=[top.pk]), {"resolved": "0"})
    top.refresh_from_db()
    assert not top.resolved
