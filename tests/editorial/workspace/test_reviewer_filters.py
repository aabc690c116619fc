"""A reviewer's article list and its filters show only what they review: the issue filter
lists no issue still in planning, the author filter no author of someone else's draft."""

from __future__ import annotations

import pytest
from django.urls import reverse

from editorial import services
from editorial.models import IssueStatus
from tests.editorial import factories_workspace as wf
from tests.factories import IssueFactory, SectionFactory

pytestmark = pytest.mark.django_db


def _options(html: str, name: str) -> str:
    return html.split(f'name="{name}"')[1].split("</select>")[0]


def test_reviewers_filters_list_only_what_they_review(editor_user, reviewer_user, client_for):
    # Filed while in planning; published afterwards (a published issue's contents are frozen).
    published = IssueFactory(number=8, title="第八期（已出版）")
    planned = IssueFactory(number=12, title="第十二期（筹备中的秘密标题）",
                           publication=published.publication)
    section = SectionFactory(publication=published.publication)
    credit = (services.CreditLine(name="审稿可见作者"),)
    hidden_credit = (services.CreditLine(name="别人草稿的作者"),)
    mine_old = wf.in_review_article(by=editor_user, reviewers=[reviewer_user], section=section,
                                    issue=published, credits=credit, title="审过的稿")
    wf.in_review_article(by=editor_user, reviewers=[reviewer_user], section=section,
                         issue=planned, title="排在下一期的稿")
    type(published).objects.filter(pk=published.pk).update(status=IssueStatus.PUBLISHED)
    wf.draft_article(by=editor_user, section=section, issue=planned, credits=hidden_credit,
                     title="别人的草稿")

    html = client_for(reviewer_user).get(reverse("editorial:article_list")).content.decode()

    assert "第八期（已出版）" in _options(html, "issue")
    assert "筹备中的秘密标题" not in html  # neither in the filter nor in the list's rows
    assert "审稿可见作者" in _options(html, "author")
    assert "别人草稿的作者" not in html and "别人的草稿" not in html
    assert mine_old.title in html
    detail = client_for(reviewer_user).get(reverse(
        "editorial:article_detail", args=[planned.articles.get(title="排在下一期的稿").pk]))
    assert "筹备中的秘密标题" not in detail.content.decode()
    # Asking for the planned issue by its number does not list it either.
    html = client_for(reviewer_user).get(reverse("editorial:article_list"),
                                         {"issue": planned.pk}).content.decode()
    assert "筹备中的秘密标题" not in _options(html, "issue")


def test_editors_filters_list_every_issue_and_author(editor_user, client_for):
    planned = IssueFactory(title="第十二期（筹备中）")
    wf.draft_article(by=editor_user, issue=planned, credits=(services.CreditLine(name="某作者"),))
    html = client_for(editor_user).get(reverse("editorial:article_list")).content.decode()
    assert "第十二期（筹备中）" in _options(html, "issue") and "某作者" in _options(html, "author")
