"""Board actions not covered by the browser story: removing an article, refused additions,
unscheduling and corrections through the board, a proof whose render fails."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from editorial.models import ArticleState, IssueStatus
from publishing.errors import RenderError
from publishing.models import Edition, EventKind, IssueEvent, Proof, ProofStatus, Release
from publishing.proofs import services as proof_services
from publishing.releases import editions as release_editions
from publishing.releases.services import issue_publish, issue_schedule
from tests.factories import ArticleFactory, EditorFactory, IssueFactory, PublicationFactory, SectionFactory
from tests.publishing.release_fixtures import ready_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(EditorFactory())
    return client


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def published(issue, editor) -> None:
    issue_schedule(issue=issue, release_at=timezone.now() + dt.timedelta(hours=1), actor=editor)
    Release.objects.filter(issue=issue).update(release_at=timezone.now())
    issue_publish(issue=issue, token=str(Release.objects.get(issue=issue).token))


# --------------------------------------------------------------------------- contents

def test_removing_an_article_takes_it_out_and_closes_the_gap(editor_client):
    issue = ready_issue()
    first, second = issue.articles.order_by("position")
    third = ArticleFactory(issue=issue, section=second.section, position=2, slug="third")
    before = issue.updated_at
    response = editor_client.post(reverse("publishing:board_remove", args=[issue.pk]),
                                  {"article": second.pk})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.issue is None and second.state == ArticleState.APPROVED
    assert list(issue.articles.order_by("position").values_list("pk", "position")) == [
        (first.pk, 0), (third.pk, 1)]
    issue.refresh_from_db()
    assert issue.updated_at > before


def test_removing_an_article_of_another_issue_is_not_found(editor_client):
    issue, other = ready_issue(), IssueFactory()
    stranger = ArticleFactory(issue=other)
    response = editor_client.post(reverse("publishing:board_remove", args=[issue.pk]),
                                  {"article": stranger.pk})
    assert response.status_code == 404
    stranger.refresh_from_db()
    assert stranger.issue == other


@pytest.mark.parametrize(("case", "message"), [
    ("draft", "only approved articles can be added to an issue"),
    ("in_another_issue", "the article already belongs to an issue"),
    ("other_publication", "the article's section belongs to another publication"),
])
def test_adding_an_article_is_refused_with_the_reason_and_nothing_changes(editor_client, case,
                                                                          message):
    issue = ready_issue()
    section = issue.articles.first().section
    article = {
        "draft": lambda: ArticleFactory(issue=None, section=section, state=ArticleState.DRAFT),
        "in_another_issue": lambda: ArticleFactory(
            issue=IssueFactory(publication=issue.publication), section=section),
        "other_publication": lambda: ArticleFactory(issue=None, section=SectionFactory(
            publication=PublicationFactory(slug="other", name="另一刊物"))),
    }[case]()
    contents = list(issue.articles.order_by("position").values_list("pk", flat=True))
    was_in = article.issue_id
    response = editor_client.post(reverse("publishing:board_add", args=[issue.pk]),
                                  {"article": article.pk})
    assert response.status_code == 302
    assert said(response) == [message]
    assert list(issue.articles.order_by("position").values_list("pk", flat=True)) == contents
    article.refresh_from_db()
    assert article.issue_id == was_in


# --------------------------------------------------------------------------- releases

def test_unscheduling_through_the_board_returns_the_issue_to_planning(editor_client):
    issue = ready_issue()
    issue_schedule(issue=issue, release_at=timezone.now() + dt.timedelta(days=1),
                   actor=EditorFactory())
    response = editor_client.post(reverse("publishing:board_unschedule", args=[issue.pk]))
    assert said(response) == ["已取消排期。"]
    issue.refresh_from_db()
    release = Release.objects.get(issue=issue)
    assert issue.status == IssueStatus.PLANNING
    assert release.release_at is None and release.token is None
    assert IssueEvent.objects.filter(issue=issue, kind=EventKind.UNSCHEDULED).count() == 1


def test_unscheduling_an_issue_that_is_not_scheduled_says_so(editor_client):
    issue = ready_issue()
    response = editor_client.post(reverse("publishing:board_unschedule", args=[issue.pk]))
    assert said(response) == ["本期没有排期。"]
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PLANNING


def test_a_correction_of_an_unpublished_issue_is_refused(editor_client):
    issue = ready_issue()
    response = editor_client.post(reverse("publishing:board_correct", args=[issue.pk]),
                                  {"erratum": "第 3 页数字有误"})
    assert said(response) == ["本期尚未出版，无需发布更正版。"]
    assert not Edition.objects.filter(issue=issue).exists()


@pytest.mark.slow
def test_a_correction_through_the_board_publishes_version_two(editor_client):
    issue, editor = ready_issue(), EditorFactory()
    published(issue, editor)
    response = editor_client.post(reverse("publishing:board_correct", args=[issue.pk]),
                                  {"erratum": "第 3 页数字有误"})
    assert said(response) == ["已发布第 2 版。"]
    current = Edition.objects.get(issue=issue, superseded_at__isnull=True)
    assert current.version == 2 and current.erratum.endswith("第 3 页数字有误")
    assert Edition.objects.get(issue=issue, version=1).superseded_at is not None


@pytest.mark.slow
def test_a_correction_whose_render_fails_says_so_and_keeps_the_edition(editor_client, monkeypatch):
    issue, editor = ready_issue(), EditorFactory()
    published(issue, editor)

    def failing_render(**kwargs):
        raise RenderError("排版超时")

    monkeypatch.setattr(release_editions, "issue_render", failing_render)
    response = editor_client.post(reverse("publishing:board_correct", args=[issue.pk]),
                                  {"erratum": "第 3 页数字有误"})
    assert said(response) == ["更正版生成失败：排版超时"]
    assert list(Edition.objects.filter(issue=issue).values_list("version", "superseded_at")) == [
        (1, None)]


# --------------------------------------------------------------------------- proofs

def test_a_proof_whose_render_fails_is_marked_failed_with_the_reason(editor_client, monkeypatch):
    issue = ready_issue()

    def failing_render(**kwargs):
        raise RenderError("字体缺失")

    monkeypatch.setattr(proof_services, "issue_render", failing_render)
    proof = Proof.objects.create(issue=issue)
    with pytest.raises(RenderError):
        proof_services.proof_render(proof=proof)
    proof.refresh_from_db()
    assert proof.status == ProofStatus.FAILED and proof.error == "字体缺失"
    assert proof.finished_at is not None
    status = editor_client.get(reverse("publishing:board_proof_status", args=[issue.pk, proof.pk]))
    assert status.json() | {"label": None} == {"status": ProofStatus.FAILED, "label": None,
                                               "progress": 100, "pages": 0, "error": "字体缺失"}
    pdf = editor_client.get(reverse("publishing:board_proof_file",
                                    args=[issue.pk, proof.pk, "proof.pdf"]))
    assert pdf.status_code == 404


def test_the_assembly_services_refuse_non_editors_with_the_one_refusal_type():
    from editorial import services
    from editorial.permissions import PermissionRefused
    from tests.factories import ReviewerFactory

    issue, reviewer = ready_issue(), ReviewerFactory()
    article = issue.articles.first()
    for call in (
        lambda: services.issue_remove_article(user=reviewer, issue=issue, article=article),
        lambda: services.issue_add_article(user=reviewer, issue=issue, article=article),
        lambda: services.issue_arrange(user=reviewer, issue=issue, layout=[]),
        lambda: services.issue_create(user=reviewer, publication=issue.publication, number=99),
        lambda: services.issue_update(user=reviewer, issue=issue, title="x", cover_date=None,
                                      editor_note_html=""),
    ):
        with pytest.raises(PermissionRefused, match="只有编辑可以编排期刊"):
            call()
    article.refresh_from_db()
    assert article.issue == issue
