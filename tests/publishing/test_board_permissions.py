"""The planning board and member management × every role: only editors get in, and a forged
POST by anyone else is refused with nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial.models import IssueStatus
from publishing.models import IssueAccess, Proof, Release
from tests.factories import AdminFactory, EditorFactory, MemberFactory, ReviewerFactory
from tests.publishing.release_fixtures import ready_issue

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "reviewer", "editor", "admin"]
ALLOWED = {"editor", "admin"}


@pytest.fixture
def setup():
    users = {"anonymous": None, "member": MemberFactory(), "reviewer": ReviewerFactory(),
             "editor": EditorFactory(), "admin": AdminFactory()}
    issue = ready_issue()
    proof = Proof.objects.create(issue=issue)
    return users, issue, proof


def get_urls(issue, proof) -> list[str]:
    return [
        reverse("publishing:board"),
        reverse("publishing:board_issue", args=[issue.pk]),
        reverse("publishing:board_proof_status", args=[issue.pk, proof.pk]),
        reverse("publishing:board_proof_file", args=[issue.pk, proof.pk, "proof.pdf"]),
        reverse("publishing:members"),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_board_pages_are_for_editors_only(client, setup, role):
    users, issue, proof = setup
    if users[role]:
        client.force_login(users[role])
    for url in get_urls(issue, proof):
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        elif role in ALLOWED:
            assert response.status_code in {200, 404}, url  # 404: the proof has no file yet
        else:
            assert response.status_code == 403, url
            assert "塑造数字贸易发展新优势" not in response.content.decode(errors="ignore")


@pytest.mark.parametrize("role", ["anonymous", "member", "reviewer"])
def test_forged_board_posts_change_nothing(client, setup, role):
    users, issue, _proof = setup
    if users[role]:
        client.force_login(users[role])
    first = issue.articles.order_by("position").first()
    later = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    posts = [
        ("board_schedule", {"release_at": later}),
        ("board_unschedule", {}),
        ("board_proof", {}),
        ("board_remove", {"article": first.pk}),
        ("board_move", {"article": first.pk, "direction": "down"}),
        ("board_correct", {"erratum": "伪造"}),
        ("board_front", {"title": "被篡改的标题"}),
        ("board_publish_now", {"confirm_stale": "1"}),
        ("board_access", {"level": "public"}),
        ("board_section_move", {"section": first.section_id, "direction": "down"}),
        ("board_move_to_section", {"article": first.pk,
                                   "section": issue.articles.order_by("position").last().section_id}),
    ]
    before = list(issue.articles.order_by("position").values_list("pk", flat=True))
    for name, data in posts:
        response = client.post(reverse(f"publishing:{name}", args=[issue.pk]), data)
        assert response.status_code in {302, 403}, name
        if role != "anonymous":
            assert response.status_code == 403, name
    arrange = client.post(reverse("publishing:board_arrange", args=[issue.pk]),
                          data="[]", content_type="application/json")
    assert arrange.status_code in {302, 403}
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PLANNING and issue.title != "被篡改的标题"
    assert not Release.objects.exists()
    assert Proof.objects.count() == 1
    assert list(issue.articles.order_by("position").values_list("pk", flat=True)) == before
    assert not IssueAccess.objects.exists()  # still members only, the safe default
    assert first.section_id == issue.articles.get(pk=first.pk).section_id
