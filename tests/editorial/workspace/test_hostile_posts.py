"""Every posted value in tests/hostile/web/posts/ gets a clear 4xx (or its normal answer),
never a server error: ids that are not integers, absurd layouts, NUL bytes; and nothing is
written by a refused request."""

from __future__ import annotations

import pytest
from django.urls import reverse

from editorial.models import Article, AutosavedDraft, Comment, Revision
from tests.conftest import rows_for_the_module
from tests.editorial import factories_workspace as wf
from tests.factories import ArticleFactory, EditorFactory, IssueFactory, SectionFactory
from tests.hostile.corpus import cases, load


def _urls(issue, article) -> dict:
    return {
        "board_add": reverse("publishing:board_add", args=[issue.pk]),
        "board_remove": reverse("publishing:board_remove", args=[issue.pk]),
        "board_move": reverse("publishing:board_move", args=[issue.pk]),
        "board_arrange": reverse("publishing:board_arrange", args=[issue.pk]),
        "article_autosave": reverse("editorial:article_autosave", args=[article.pk]),
        "revision_restore": reverse("editorial:revision_restore", args=[article.pk, 1]),
        "revision_compare": reverse("editorial:revision_compare", args=[article.pk]),
        "comment_create": reverse("editorial:comment_create", args=[article.pk]),
        "search": reverse("publishing:search"),
    }


def _state():
    return (list(Article.objects.order_by("pk").values_list("pk", "issue_id", "section_id",
                                                             "position", "version")),
            Revision.objects.count(), AutosavedDraft.objects.count(), Comment.objects.count())


def _build_board() -> dict:
    editor = EditorFactory()
    issue = IssueFactory()
    one, two = (SectionFactory(publication=issue.publication) for _ in range(2))
    placed = [ArticleFactory(issue=issue, section=one), ArticleFactory(issue=issue, section=two)]
    draft = wf.draft_article(by=editor, section=one)
    return {"editor": editor, "issue": issue, "placed": placed, "draft": draft}


@pytest.fixture(scope="module")
def _board_rows(request, django_db_setup, django_db_blocker, tmp_path_factory):
    yield from rows_for_the_module(_build_board, request=request,
                                   django_db_blocker=django_db_blocker,
                                   tmp_path_factory=tmp_path_factory)


@pytest.fixture
def board(_board_rows, db, settings):
    """An editor, an issue with two placed articles in two sections, and a draft."""
    return _board_rows(settings)


@pytest.mark.parametrize("path", cases("web/posts"))
def test_hostile_posted_value_gets_a_clear_answer_and_changes_nothing(client, board, path):
    case = load(path)
    editor, issue, placed, draft = board["editor"], board["issue"], board["placed"], board["draft"]
    if case["role"] == "editor":
        client.force_login(editor)
    url = _urls(issue, draft)[case["view"]]
    data = {k: v.replace("{article}", str(placed[0].pk)) for k, v in case.get("data", {}).items()}
    before = _state()

    if case["method"] == "GET":
        response = client.get(url, case.get("query", {}))
    elif "body" in case:
        response = client.post(url, case["body"], content_type="application/json")
    else:
        response = client.post(url, data)

    assert response.status_code == case["expect"], case["why"]
    if response.status_code == 400:
        text = response.content.decode()
        assert "error" in text or "请求有误" in text or "有误" in text, text[:300]
    if response.status_code >= 400 or case["view"] in {"board_move", "board_arrange"}:
        assert _state() == before, "a refused request changed something"
