"""Every workspace URL × every role; refusals never show draft text; forged POSTs change nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from editorial.models import Article, Comment, ReviewAssignment, Transition
from tests.conftest import rows_for_the_module
from tests.editorial import factories_workspace as wf
from tests.factories import AdminFactory, EditorFactory, MemberFactory, ReviewerFactory

SECRET = "未公开的草稿内容甲乙丙"
ROLES = ["anonymous", "member", "editor", "reviewer", "superuser"]


def _build_world() -> dict:
    users = {
        "anonymous": None,
        "member": MemberFactory(),
        "editor": EditorFactory(),
        "reviewer": ReviewerFactory(),
        "superuser": AdminFactory(),
    }
    author = EditorFactory(username="author", first_name="作者编辑")
    draft = wf.draft_article(by=author, title=f"草稿{SECRET}", body=f"<p>{SECRET}</p>")
    # a second revision, so compare/detail have two to show
    from editorial import services
    services.article_update(
        user=author, article_id=draft.pk, base_version=draft.version,
        content=services.ArticleContent(title=f"草稿{SECRET}", section=draft.section,
                                        body=f"<p>{SECRET}。第二版</p>"),
    )
    reviewed = wf.in_review_article(by=author, reviewers=[users["reviewer"]],
                                    title=f"审稿中{SECRET}", body=f"<p>{SECRET}</p>")
    comment = Comment.objects.create(article=draft, author=author, body=SECRET)
    return {"users": users, "draft": draft, "reviewed": reviewed, "comment": comment}


@pytest.fixture(scope="module")
def _world_rows(request, django_db_setup, django_db_blocker, tmp_path_factory):
    yield from rows_for_the_module(_build_world, request=request,
                                   django_db_blocker=django_db_blocker,
                                   tmp_path_factory=tmp_path_factory)


@pytest.fixture
def world(_world_rows, db, settings):
    return _world_rows(settings)


def _url(name: str, world) -> str:
    if name in {"dashboard", "article_list", "article_create", "article_import", "image_upload"}:
        return reverse(f"editorial:{name}")
    if name == "comment_resolve":
        return reverse("editorial:comment_resolve", args=[world["comment"].pk])
    key, _sep, view = name.partition(":")
    article = world[key]
    if view in {"revision_detail", "revision_restore"}:
        return reverse(f"editorial:{view}", args=[article.pk, 1])
    return reverse(f"editorial:{view}", args=[article.pk])


# url → expected status per role (anonymous, member, editor, reviewer, superuser)
GET_MATRIX = {
    "dashboard": (302, 403, 200, 200, 200),
    "article_list": (302, 403, 200, 200, 200),
    "article_create": (302, 403, 200, 403, 200),
    "article_import": (302, 403, 200, 403, 200),
    "image_upload": (302, 403, 200, 403, 200),
    "draft:article_detail": (302, 403, 200, 403, 200),
    "draft:article_edit": (302, 403, 200, 403, 200),
    "draft:revision_list": (302, 403, 200, 403, 200),
    "draft:revision_detail": (302, 403, 200, 403, 200),
    "draft:revision_compare": (302, 403, 200, 403, 200),
    "reviewed:article_detail": (302, 403, 200, 200, 200),
    "reviewed:article_edit": (302, 403, 403, 403, 403),
    "reviewed:revision_list": (302, 403, 200, 200, 200),
    "reviewed:revision_detail": (302, 403, 200, 200, 200),
}


@pytest.mark.parametrize("name", list(GET_MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_get(world, client_for, name, role):
    expected = GET_MATRIX[name][ROLES.index(role)]
    response = client_for(world["users"][role]).get(_url(name, world))
    assert response.status_code == expected, (name, role)
    if expected == 302:
        assert response["Location"].startswith(reverse("login"))
    if expected != 200:
        assert SECRET not in response.content.decode()


def test_reviewer_article_list_shows_only_assigned_articles(world, client_for):
    html = client_for(world["users"]["reviewer"]).get(reverse("editorial:article_list")).content
    text = html.decode()
    assert "审稿中" in text
    assert f"草稿{SECRET}" not in text


def _state(world):
    return {
        "articles": list(Article.objects.order_by("pk").values_list("state", "version", "body")),
        "transitions": Transition.objects.count(),
        "assignments": list(ReviewAssignment.objects.values_list("decision", flat=True)),
        "comments": list(Comment.objects.values_list("body", "resolved")),
    }


# forged POSTs: (url, role) pairs that must be refused and change nothing
FORGED = [
    ("draft:article_submit", "reviewer"), ("draft:article_submit", "member"),
    ("draft:article_submit", "anonymous"),
    ("reviewed:article_approve", "editor"), ("reviewed:article_approve", "member"),
    ("reviewed:article_approve", "superuser"), ("reviewed:article_approve", "anonymous"),
    ("reviewed:article_request_changes", "editor"),
    ("reviewed:article_request_changes", "member"),
    ("draft:article_approve", "reviewer"), ("draft:article_request_changes", "reviewer"),
    ("draft:article_withdraw", "reviewer"), ("reviewed:article_withdraw", "reviewer"),
    ("draft:article_withdraw", "member"), ("draft:article_reopen", "editor"),
    ("draft:article_edit", "reviewer"), ("draft:article_edit", "member"),
    ("reviewed:article_edit", "editor"),
    ("draft:article_autosave", "reviewer"), ("draft:article_autosave", "member"),
    ("draft:article_autosave_discard", "reviewer"), ("draft:article_autosave_discard", "member"),
    ("draft:comment_create", "reviewer"), ("draft:comment_create", "member"),
    ("comment_resolve", "reviewer"), ("comment_resolve", "member"),
    ("draft:revision_restore", "reviewer"), ("draft:revision_restore", "member"),
    ("article_create", "reviewer"), ("article_create", "member"),
    ("image_upload", "reviewer"), ("article_import", "member"),
]


@pytest.mark.parametrize(("name", "role"), FORGED)
def test_forged_post_is_refused_and_changes_nothing(world, client_for, name, role):
    user = world["users"][role]
    data = {
        "comment": "伪造", "body": "伪造", "title": "伪造", "resolved": "1", "base_version": "2",
        "reviewers": [world["users"]["reviewer"].pk], "due_date": "2099-01-01",
        "section": world["draft"].section_id,
    }
    before = _state(world)
    response = client_for(user).post(_url(name, world), data)
    assert response.status_code == (302 if role == "anonymous" else 403), (name, role)
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    assert SECRET not in response.content.decode()
    assert _state(world) == before


def test_state_changing_post_without_csrf_token_is_refused(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world["users"]["editor"])
    before = _state(world)
    response = client.post(reverse("editorial:article_withdraw", args=[world["draft"].pk]))
    assert response.status_code == 403
    assert _state(world) == before
    page = client.get(reverse("editorial:article_detail", args=[world["draft"].pk]))
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()


# --------------------------------------------------------------------------- the mechanism

def test_state_checks_derive_from_the_one_workflow_table():
    from editorial import workflow
    from editorial.models import ArticleState as S

    assert {S.DRAFT, S.CHANGES_REQUESTED, S.APPROVED} == workflow.EDITABLE_STATES
    for action, (sources, _target) in workflow.WORKFLOW.items():
        for state in S.values:
            assert workflow.allows(Article(state=state), action) == (state in sources)
    assert workflow.allowed_actions(Article(state=S.WITHDRAWN)) == {"reopen"}


def test_rules_are_django_permissions_in_both_apps(world):
    from tests.factories import IssueFactory

    editor, reviewer = world["users"]["editor"], world["users"]["reviewer"]
    assert editor.has_perm("editorial.edit_article", world["draft"])
    assert not reviewer.has_perm("editorial.view_article", world["draft"])
    assert reviewer.has_perm("editorial.decide_article", world["reviewed"])
    issue = IssueFactory()
    assert editor.has_perm("publishing.view_issue", issue)
    assert not world["users"]["member"].has_perm("publishing.view_issue", issue)
    assert editor.has_perm("publishing.manage_issues")
    assert not reviewer.has_perm("publishing.manage_issues")


def test_a_service_refusal_is_the_one_refusal_type_shown_on_the_403_page(world, client_for):
    from editorial import services
    from editorial.permissions import PermissionRefused
    from publishing.releases.services import issue_schedule

    reviewer = world["users"]["reviewer"]
    with pytest.raises(PermissionRefused, match="你不能撤回这篇文章"):
        services.article_withdraw(user=reviewer, article_id=world["reviewed"].pk)
    with pytest.raises(PermissionRefused):
        issue_schedule(issue=None, release_at=None, actor=reviewer)
    assert services.WorkflowRefused is PermissionRefused
    response = client_for(world["users"]["editor"]).post(
        reverse("editorial:article_edit", args=[world["reviewed"].pk]), {"title": "伪造"})
    assert response.status_code == 403
    assert "这篇文章现在不能修改" in response.content.decode()
    assert "没有权限" in response.content.decode()  # templates/403.html


def test_superuser_is_offered_only_what_the_workflow_lets_them_do(world, client_for):
    page = client_for(world["users"]["superuser"]).get(
        reverse("editorial:article_detail", args=[world["reviewed"].pk])).content.decode()
    assert 'id="decide"' not in page and 'id="submit"' not in page
    assert reverse("editorial:article_edit", args=[world["reviewed"].pk]) not in page
    assert reverse("editorial:article_withdraw", args=[world["reviewed"].pk]) in page
    draft = client_for(world["users"]["superuser"]).get(
        reverse("editorial:article_detail", args=[world["draft"].pk])).content.decode()
    assert 'id="submit"' in draft and reverse("editorial:article_edit",
                                              args=[world["draft"].pk]) in draft
