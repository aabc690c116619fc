"""Review on the article page: the status panel offers each role exactly the actions the
workflow table and the rules allow; passage comments keep their anchor; threads resolve and
reopen; approving over open threads needs an explicit confirmation."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from editorial import selectors, services
from editorial.models import ArticleState, Comment, ReviewAssignment
from editorial.permissions import REVIEWER_GROUP, PermissionRefused
from tests.editorial import factories_workspace as wf
from tests.factories import AdminFactory, EditorFactory, MemberFactory, ReviewerFactory

BODY = ("<h2>数字技术激发新动能</h2><p>当前，数字技术快速发展，深刻改变社会生产生活方式。</p>"
        "<p>数字贸易是重要引擎。数字贸易是重要引擎。</p>")


@pytest.fixture
def people(db):
    return {
        "author": EditorFactory(username="author", first_name="王编辑"),
        "editor": EditorFactory(username="editor", first_name="李编辑"),
        "reviewer": ReviewerFactory(username="reviewer", first_name="张审稿"),
        "other_reviewer": ReviewerFactory(username="other", first_name="赵审稿"),
        "member": MemberFactory(username="member"),
        "superuser": AdminFactory(username="boss"),
    }


@pytest.fixture
def in_review(people):
    return wf.in_review_article(by=people["author"], reviewers=[people["reviewer"]], body=BODY)


# --------------------------------------------------------------------------- status panel

@pytest.mark.parametrize(("role", "expected"), [
    ("author", ["withdraw"]),
    ("editor", ["withdraw"]),
    ("reviewer", ["approve", "request_changes"]),
    ("other_reviewer", []),
    ("member", []),
    # a superuser is not an assigned reviewer: offered no decision the service would refuse
    ("superuser", ["withdraw"]),
])
def test_next_actions_in_review_per_role(people, in_review, role, expected):
    assert selectors.next_actions(article=in_review, user=people[role]) == expected


@pytest.mark.parametrize(("role", "expected"), [
    ("author", ["edit", "submit", "withdraw"]),
    ("editor", ["edit", "submit", "withdraw"]),
    ("reviewer", []),
    ("member", []),
])
def test_next_actions_of_a_draft_per_role(people, role, expected):
    draft = wf.draft_article(by=people["author"], body=BODY)
    assert selectors.next_actions(article=draft, user=people[role]) == expected


def test_an_author_who_is_also_a_reviewer_is_not_offered_to_judge_their_own_article(people):
    author = people["author"]
    author.groups.add(Group.objects.get(name=REVIEWER_GROUP))
    article = wf.in_review_article(by=author, reviewers=[people["reviewer"]], body=BODY)
    ReviewAssignment.objects.create(article=article, reviewer=author, due_date=timezone.localdate())
    actions = selectors.next_actions(article=article, user=author)
    assert "approve" not in actions and "request_changes" not in actions
    with pytest.raises(PermissionRefused):
        services.article_approve(user=author, article_id=article.pk, confirm_unresolved=True)


def test_status_shows_the_current_round_the_running_due_date_and_overdue(people):
    due = timezone.localdate() + datetime.timedelta(days=3)
    article = wf.in_review_article(by=people["author"], reviewers=[people["reviewer"],
                                   people["other_reviewer"]], due=due, body=BODY)
    services.article_approve(user=people["reviewer"], article_id=article.pk)
    status = selectors.review_status(article=article, user=people["author"])
    verdicts = {a.reviewer.username: a.decision for a in status.assignments}
    assert verdicts == {"reviewer": ReviewAssignment.Decision.APPROVED,
                        "other": ReviewAssignment.Decision.PENDING}
    assert status.due_date == due and not status.overdue
    late = selectors.review_status(article=article, user=people["author"],
                                   today=due + datetime.timedelta(days=1))
    assert late.overdue


def test_the_panel_shows_state_reviewers_due_date_and_this_users_actions(client, people, in_review):
    client.force_login(people["reviewer"])
    html = client.get(reverse("editorial:article_detail", args=[in_review.pk])).content.decode()
    panel = html[html.index('id="status"'):html.index("</section>", html.index('id="status"'))]
    assert "审稿中" in panel and "张审稿" in panel and "待审" in panel
    assert "审稿截止" in panel and 'href="#decide"' in panel
    assert "撤回文章" not in panel  # a reviewer cannot withdraw
    client.force_login(people["author"])
    html = client.get(reverse("editorial:article_detail", args=[in_review.pk])).content.decode()
    panel = html[html.index('id="status"'):html.index("</section>", html.index('id="status"'))]
    assert "撤回文章" in panel and 'href="#decide"' not in panel


# --------------------------------------------------------------------------- passage comments

def test_a_passage_comment_keeps_the_quote_and_trimmed_context(people, in_review):
    comment = services.comment_add(
        user=people["reviewer"], article_id=in_review.pk, body="请补充数据来源。",
        quote=" 深刻改变社会生产生活方式\n", quote_prefix="x" * 100 + "数字技术快速发展，",
        quote_suffix="。数字贸易是重要引擎。" + "y" * 100)
    comment.refresh_from_db()
    assert comment.quote == "深刻改变社会生产生活方式"
    assert len(comment.quote_prefix) == Comment.CONTEXT_CHARS
    assert comment.quote_prefix.endswith("数字技术快速发展，")
    assert comment.quote_suffix.startswith("。数字贸易是重要引擎。")
    assert len(comment.quote_suffix) == Comment.CONTEXT_CHARS


def test_a_quote_the_body_does_not_contain_is_refused_and_nothing_is_written(people, in_review):
    with pytest.raises(ValidationError, match="找不到"):
        services.comment_add(user=people["reviewer"], article_id=in_review.pk, body="意见",
                             quote="正文里没有的话")
    assert not Comment.objects.exists()


def test_the_passage_form_posts_and_the_page_carries_the_anchor(client, people, in_review):
    client.force_login(people["reviewer"])
    response = client.post(reverse("editorial:comment_create", args=[in_review.pk]), {
        "body": "这句需要数据支撑。", "quote": "数字贸易是重要引擎。",
        "quote_prefix": "生产生活方式。", "quote_suffix": "数字贸易是重要引擎。"})
    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#comment-{comment.pk}")
    html = client.get(reverse("editorial:article_detail", args=[in_review.pk])).content.decode()
    assert 'data-quote="数字贸易是重要引擎。"' in html and 'data-prefix="生产生活方式。"' in html
    assert "1 条未解决" in html


def test_a_missing_quote_from_the_page_is_a_message_not_a_500(client, people, in_review):
    client.force_login(people["reviewer"])
    response = client.post(reverse("editorial:comment_create", args=[in_review.pk]),
                           {"body": "意见", "quote": "早已删掉的句子"}, follow=True)
    assert response.status_code == 200
    assert "找不到所引用的文字" in response.content.decode()
    assert not Comment.objects.exists()


def test_replies_thread_under_the_top_and_quote_nothing(people, in_review):
    top = services.comment_add(user=people["reviewer"], article_id=in_review.pk, body="问题",
                               quote="数字贸易是重要引擎。")
    reply = services.comment_add(user=people["author"], article_id=in_review.pk, body="已补充",
                                 parent_id=top.pk, quote="数字贸易是重要引擎。")
    again = services.comment_add(user=people["reviewer"], article_id=in_review.pk, body="好",
                                 parent_id=reply.pk)
    assert reply.parent_id == top.pk and again.parent_id == top.pk
    assert reply.quote == "" and again.quote == ""


@pytest.mark.parametrize(("role", "may_comment"), [
    ("author", True), ("editor", True), ("reviewer", True),
    ("other_reviewer", False), ("member", False), ("superuser", True),
])
def test_who_may_comment_on_a_passage(client, people, in_review, role, may_comment):
    client.force_login(people[role])
    response = client.post(reverse("editorial:comment_create", args=[in_review.pk]),
                           {"body": "意见", "quote": "数字贸易是重要引擎。"})
    assert Comment.objects.exists() is may_comment
    assert response.status_code == (302 if may_comment else 403)


def test_anonymous_cannot_comment(client, in_review):
    response = client.post(reverse("editorial:comment_create", args=[in_review.pk]),
                           {"body": "意见"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Comment.objects.exists()


# --------------------------------------------------------------------------- resolve / reopen

@pytest.mark.parametrize(("role", "may_resolve"), [
    ("reviewer", True),   # wrote it
    ("editor", True), ("author", True), ("superuser", True),  # editors
    ("other_reviewer", False), ("member", False),
])
def test_who_may_resolve_a_thread(client, people, in_review, role, may_resolve):
    top = services.comment_add(user=people["reviewer"], article_id=in_review.pk, body="问题")
    client.force_login(people[role])
    response = client.post(reverse("editorial:comment_resolve", args=[top.pk]), {"resolved": "1"})
    top.refresh_from_db()
    assert top.resolved is may_resolve
    assert response.status_code == (302 if may_resolve else 403)


def test_resolving_records_who_and_when_and_reopening_clears_it(people, in_review):
    top = services.comment_add(user=people["reviewer"], article_id=in_review.pk, body="问题")
    moment = timezone.now().replace(microsecond=0)
    with time_machine.travel(moment, tick=False):
        services.comment_set_resolved(user=people["reviewer"], comment_id=top.pk, resolved=True)
    top.refresh_from_db()
    assert (top.resolved, top.resolved_by, top.resolved_at) == (True, people["reviewer"], moment)
    services.comment_set_resolved(user=people["reviewer"], comment_id=top.pk, resolved=False)
    top.refresh_from_db()
    assert (top.resolved, top.resolved_by, top.resolved_at) == (False, None, None)


def test_a_reply_alone_cannot_be_resolved(people, in_review):
    top = services.comment_add(user=people["reviewer"], article_id=in_review.pk, body="问题")
    reply = services.comment_add(user=people["reviewer"], article_id=in_review.pk, body="补充",
                                 parent_id=top.pk)
    with pytest.raises(PermissionRefused):
        services.comment_set_resolved(user=people["reviewer"], comment_id=reply.pk, resolved=True)


# --------------------------------------------------------------------------- approve over open threads

def test_approving_with_unresolved_comments_is_refused_without_confirmation(people, in_review):
    services.comment_add(user=people["reviewer"], article_id=in_review.pk, body="问题")
    with pytest.raises(services.UnresolvedComments) as refused:
        services.article_approve(user=people["reviewer"], article_id=in_review.pk)
    assert refused.value.count == 1
    in_review.refresh_from_db()
    assert in_review.state == ArticleState.IN_REVIEW
    assert ReviewAssignment.objects.get().decision == ReviewAssignment.Decision.PENDING
    services.article_approve(user=people["reviewer"], article_id=in_review.pk,
                             confirm_unresolved=True)
    in_review.refresh_from_db()
    assert in_review.state == ArticleState.APPROVED


def test_resolved_threads_do_not_ask_and_an_approval_note_holds_up_nobody(people):
    article = wf.in_review_article(by=people["author"], body=BODY,
                                   reviewers=[people["reviewer"], people["other_reviewer"]])
    top = services.comment_add(user=people["reviewer"], article_id=article.pk, body="问题")
    services.comment_set_resolved(user=people["author"], comment_id=top.pk, resolved=True)
    services.article_approve(user=people["reviewer"], article_id=article.pk, comment="同意刊发")
    services.article_approve(user=people["other_reviewer"], article_id=article.pk)
    article.refresh_from_db()
    assert article.state == ArticleState.APPROVED


def test_the_page_asks_the_question_then_approves_on_confirmation(client, people, in_review):
    services.comment_add(user=people["reviewer"], article_id=in_review.pk, body="数据来源？",
                         quote="数字贸易是重要引擎。")
    client.force_login(people["reviewer"])
    url = reverse("editorial:article_approve", args=[in_review.pk])
    response = client.post(url, {"comment": "可以刊发"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "还有 1 条未解决的审稿意见" in html and "数据来源？" in html
    assert 'name="confirm_unresolved" value="1"' in html and 'value="可以刊发"' in html
    in_review.refresh_from_db()
    assert in_review.state == ArticleState.IN_REVIEW
    response = client.post(url, {"comment": "可以刊发", "confirm_unresolved": "1"})
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.state == ArticleState.APPROVED


@pytest.mark.parametrize("role", ["author", "editor", "other_reviewer", "member", "superuser"])
def test_only_the_assigned_reviewer_may_approve_even_with_confirmation(client, people, in_review,
                                                                       role):
    client.force_login(people[role])
    response = client.post(reverse("editorial:article_approve", args=[in_review.pk]),
                           {"confirm_unresolved": "1"})
    assert response.status_code == 403
    in_review.refresh_from_db()
    assert in_review.state == ArticleState.IN_REVIEW
