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
