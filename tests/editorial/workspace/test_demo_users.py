"""`make demo` creates the demo accounts, and only ever with DEBUG on."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def test_demo_users_are_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("create_demo_users")
    assert not get_user_model().objects.filter(username="editor").exists()


def test_demo_users_get_their_roles_and_the_documented_password(settings, capsys):
    settings.DEBUG = True
    call_command("create_demo_users")
    call_command("create_demo_users")  # idempotent
    out = capsys.readouterr().out
    assert "bulletin-demo" in out and "editor" in out and "reviewer" in out
    request = RequestFactory().post("/accounts/login/")
    users = {name: authenticate(request, username=name, password="bulletin-demo")
             for name in ("editor", "reviewer", "member")}
    assert all(users.values())
    assert users["editor"].has_perm("editorial.create_article")
    assert users["reviewer"].has_perm("editorial.use_workspace")
    assert not users["reviewer"].has_perm("editorial.create_article")
    assert not users["member"].has_perm("editorial.use_workspace")


def test_the_demo_member_is_an_active_member_listed_on_the_members_page(settings, client):
    from django.urls import reverse

    from publishing.permissions import user_is_member
    from tests.factories import EditorFactory

    settings.DEBUG = True
    call_command("create_demo_users")
    call_command("create_demo_users")
    member = get_user_model().objects.get(username="member")
    assert user_is_member(member)
    client.force_login(EditorFactory(username="secretary"))
    page = client.get(reverse("publishing:members")).content.decode()
    assert "member@example.org" in page


def test_an_account_without_membership_gets_one_from_the_members_page(client):
    """What the members page said about the old demo member: "e-mail already exists"."""
    from django.urls import reverse

    from publishing.permissions import user_is_member
    from tests.factories import EditorFactory, MemberFactory

    account = MemberFactory(username="member", email="member@example.org")
    client.force_login(EditorFactory(username="secretary"))
    response = client.post(reverse("publishing:members"), {
        "name": "协会会员", "email": "Member@example.org", "organisation": "", "expires_on": ""})
    assert response.status_code == 302
    assert user_is_member(account)
    assert "member@example.org" in client.get(reverse("publishing:members")).content.decode()
    again = client.post(reverse("publishing:members"), {
        "name": "协会会员", "email": "member@example.org", "organisation": "", "expires_on": ""})
    assert "已存在" in again.content.decode()
