"""A published issue is frozen: its articles and their order are what its editions print and
change only through a correction. Editors could add or remove articles of a published issue:
the public page changed, the PDF did not. Each path is tried through its service and its view."""

from __future__ import annotations

import json

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from editorial import services as editorial_services
from editorial.forms import ArticleForm
from editorial.models import Article, IssueStatus
from publishing.models import Edition
from tests.factories import ArticleFactory, EditorFactory, IssueFactory, SectionFactory

pytestmark = pytest.mark.django_db

FROZEN = "已出版，文章和顺序已冻结"


@pytest.fixture
def editor():
    return EditorFactory()


@pytest.fixture
def frozen(editor):
    """A published issue with two articles in two sections, and an approved article outside."""
    issue = IssueFactory(status=IssueStatus.PUBLISHED)
    first_section = SectionFactory(publication=issue.publication, name="专家观点", position=0)
    second_section = SectionFactory(publication=issue.publication, name="国内资讯", position=1)
    first = ArticleFactory(issue=issue, section=first_section, position=0)
    second = ArticleFactory(issue=issue, section=second_section, position=1)
    loose = ArticleFactory(issue=None, section=first_section)
    return issue, first, second, loose


def contents(issue) -> list[tuple[int, int, int]]:
    return list(Article.objects.filter(issue=issue).order_by("position")
                .values_list("pk", "section_id", "position"))


def said(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


# --------------------------------------------------------------------------- services


def test_services_refuse_to_add_remove_or_reorder_a_published_issue(frozen, editor):
    issue, first, second, loose = frozen
    before = contents(issue)
    with pytest.raises(editorial_services.IssueFrozen, match=FROZEN):
        editorial_services.issue_add_article(user=editor, issue=issue, article=loose)
    with pytest.raises(editorial_services.IssueFrozen, match=FROZEN):
        editorial_services.issue_remove_article(user=editor, issue=issue, article=first)
    with pytest.raises(editorial_services.IssueFrozen, match=FROZEN):
        editorial_services.issue_arrange(user=editor, issue=issue, layout=[
            (second.section_id, [second.pk]), (first.section_id, [first.pk])])
    assert contents(issue) == before
    loose.refresh_from_db()
    assert loose.issue is None


def test_filing_an_article_into_out_of_or_across_sections_of_a_published_issue_is_refused(
        frozen, editor):
    issue, first, second, loose = frozen
    before = contents(issue)

    def update(article, **changes):
        article.refresh_from_db()
        content = editorial_services.ArticleContent.of_article(article)
        from dataclasses import replace

        editorial_services.article_update(user=editor, article_id=article.pk,
                                          base_version=article.version,
                                          content=replace(content, **changes))

    with pytest.raises(editorial_services.IssueFrozen):
        update(loose, issue=issue)
    with pytest.raises(editorial_services.IssueFrozen):
        update(first, issue=None)
    with pytest.raises(editorial_services.IssueFrozen):
        update(first, section=second.section)
    assert contents(issue) == before
    # A text edit is not a change of contents: it goes on, and reaches members by a correction.
    update(first, title="改正后的标题")
    first.refresh_from_db()
    assert first.title == "改正后的标题" and contents(issue) == before


def test_an_issue_in_planning_still_takes_changes(editor):
    issue = IssueFactory()
    section = SectionFactory(publication=issue.publication)
    loose = ArticleFactory(issue=None, section=section)
    editorial_services.issue_add_article(user=editor, issue=issue, article=loose)
    editorial_services.issue_remove_article(user=editor, issue=issue, article=loose)
    loose.refresh_from_db()
    assert loose.issue is None


# --------------------------------------------------------------------------- views


def test_board_posts_on_a_published_issue_are_refused_with_the_reason(client, frozen, editor):
    issue, first, second, loose = frozen
    before = contents(issue)
    client.force_login(editor)
    for name, data in [("board_add", {"article": loose.pk}),
                       ("board_remove", {"article": first.pk}),
                       ("board_move", {"article": first.pk, "direction": "next-section"})]:
        response = client.post(reverse(f"publishing:{name}", args=[issue.pk]), data)
        assert response.status_code == 302, name
        assert FROZEN in said(response), name
    response = client.post(reverse("publishing:board_arrange", args=[issue.pk]),
                           json.dumps([[second.section_id, [second.pk]],
                                       [first.section_id, [first.pk]]]),
                           content_type="application/json")
    assert response.status_code == 400 and FROZEN in response.json()["error"]
    assert contents(issue) == before


def test_the_board_says_the_contents_are_frozen_and_offers_no_controls(client, frozen, editor):
    issue, *_rest = frozen
    client.force_login(editor)
    page = client.get(reverse("publishing:board_issue", args=[issue.pk])).content.decode()
    assert 'id="contents-frozen"' in page and "文章和顺序已冻结" in page
    assert reverse("publishing:board_remove", args=[issue.pk]) not in page
    assert reverse("publishing:board_add", args=[issue.pk]) not in page


def test_the_article_form_refuses_moving_an_article_out_of_a_published_issue(client, frozen,
                                                                             editor):
    issue, first, *_rest = frozen
    client.force_login(editor)
    data = {k: v for k, v in ArticleForm.initial_for(first).items() if v is not None}
    data["issue"] = ""
    response = client.post(reverse("editorial:article_edit", args=[first.pk]), data)
    assert response.status_code == 400
    assert FROZEN in response.content.decode()
    first.refresh_from_db()
    assert first.issue_id == issue.pk


@pytest.mark.slow
def test_a_correction_still_publishes_a_new_edition_of_a_frozen_issue(editor):
    from publishing.releases.services import edition_correct, issue_publish_now
    from tests.publishing.release_fixtures import ready_issue

    issue = ready_issue()
    issue_publish_now(issue=issue, actor=editor)
    issue.refresh_from_db()
    before = contents(issue)
    with pytest.raises(editorial_services.IssueFrozen):
        editorial_services.issue_remove_article(user=editor, issue=issue,
                                                article=issue.articles.first())
    v2 = edition_correct(issue=issue, erratum="更正第 2 页数据", actor=editor)
    assert v2.version == 2 and Edition.objects.filter(issue=issue).count() == 2
    assert contents(issue) == before


def test_a_bundle_reimport_adding_to_or_reordering_a_published_issue_is_refused(tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from editorial.models import Issue
    from tests.editorial.conftest import ASSOCIATION, EXPERT, NEWS, write_bundle

    bundle = write_bundle(tmp_path / "bundle")
    call_command("import_issue", str(bundle), stdout=None)
    issue = Issue.objects.get(number=9)
    Issue.objects.filter(pk=issue.pk).update(status=IssueStatus.PUBLISHED)
    before = contents(issue)
    call_command("import_issue", str(bundle))  # the same bundle again: no change, accepted
    assert contents(issue) == before
    grown = write_bundle(tmp_path / "grown", articles={
        "01-li-xilin-advantages.md": EXPERT, "05-ai-export-limits.md": NEWS,
        "19-association-news.md": ASSOCIATION,
        "20-late-news.md": NEWS.replace("美国拟限制中俄使用美 AI 软件", "迟到的消息")})
    with pytest.raises(CommandError, match=FROZEN):
        call_command("import_issue", str(grown))
    assert contents(issue) == before
    # Reordering through the one ordering helper is refused as well.
    articles = list(issue.articles.order_by("position"))
    with pytest.raises(editorial_services.IssueFrozen):
        editorial_services.issue_set_article_order(issue=issue, articles=articles[::-1])
    editorial_services.issue_set_article_order(issue=issue, articles=articles)  # unchanged: fine
    assert contents(issue) == before
