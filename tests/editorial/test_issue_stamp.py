"""An issue's "changed" stamp (``updated_at``) moves with every change to what it prints,
always through ``issue_touch``: pages and caches key on it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from editorial import services
from editorial.models import Article, Issue, IssueStatus
from tests.factories import ArticleFactory, EditorFactory, IssueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue():
    issue = IssueFactory()
    ArticleFactory(issue=issue, position=0)
    return issue


def stamp_moves(issue, time_machine, change) -> bool:
    later = timezone.now() + dt.timedelta(minutes=5)
    time_machine.move_to(later, tick=False)
    change()
    return Issue.objects.get(pk=issue.pk).updated_at == later


def test_status_change_stamps(issue, time_machine):
    assert stamp_moves(issue, time_machine,
                       lambda: services.issue_set_status(issue=issue, status=IssueStatus.SCHEDULED))


def test_adding_removing_and_arranging_stamp(issue, time_machine):
    editor = EditorFactory()
    extra = ArticleFactory(issue=None, section=issue.articles.get().section)
    assert stamp_moves(issue, time_machine,
                       lambda: services.issue_add_article(user=editor, issue=issue, article=extra))
    layout = [(extra.section_id, list(issue.articles.order_by("-position").values_list(
        "pk", flat=True)))]
    assert stamp_moves(issue, time_machine,
                       lambda: services.issue_arrange(user=editor, issue=issue, layout=layout))
    assert stamp_moves(issue, time_machine,
                       lambda: services.issue_remove_article(user=editor, issue=issue, article=extra))


def test_saving_an_article_anywhere_stamps_its_issue(issue, time_machine):
    article = issue.articles.get()

    def edit_in_admin():
        article.title = "改过的标题"
        article.save()

    assert stamp_moves(issue, time_machine, edit_in_admin)
    assert stamp_moves(issue, time_machine, lambda: Article.objects.get(pk=article.pk).delete())
