"""Accounts: "forgot password" works for invited members who never set one; links come from
SITE_URL; no secret link reaches a log; lockout keys on the client behind trusted proxies."""

from __future__ import annotations

import io
import logging
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from publishing.library.members import member_add
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"(https?://[^\s]+/accounts/reset/[^\s]+/)")


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://bulletin.example.org"
    return settings.SITE_URL


def _reset(client, email: str):
    return client.post(reverse("password_reset"), {"email": email}, HTTP_HOST="evil.example",
                       SERVER_NAME="evil.example")


def test_an_invited_member_whose_link_expired_gets_a_reset_link_and_sets_a_password(
    client, site, settings, django_capture_on_commit_callbacks
):
    settings.ALLOWED_HOSTS = ["testserver", "evil.example"]
    with django_capture_on_commit_callbacks(execute=True):
        membership = member_add(name="王会员", email="wang@example.cn")
    user = membership.user
    assert not user.has_usable_password()
    mail.outbox.clear()

    _reset(client, "WANG@example.cn")

    assert len(mail.outbox) == 1
    link = LINK.search(mail.outbox[0].body).group(1)
    assert link.startswith("https://bulletin.example.org/accounts/reset/")  # not evil.example
    path = link.removeprefix(site)
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    client.post(form_page.redirect_chain[-1][0], {"new_password1": "Dalian-2026-trade",
                                                   "new_password2": "Dalian-2026-trade"})
    user.refresh_from_db()
    assert user.check_password("Dalian-2026-trade")


def test_no_reset_mail_for_accounts_that_are_not_members_and_have_no_password(client, site):
    user = UserFactory(username="ghost", email="ghost@example.cn")
    user.set_unusable_password()
    user.save()
    UserFactory(username="inactive", email="inactive@example.cn", is_active=False)
    _reset(client, "ghost@example.cn")
    _reset(client, "inactive@example.cn")
    assert mail.outbox == []


def test_review_and_member_e_mails_link_to_site_url(site, django_capture_on_commit_callbacks,
                                                   immediate_tasks):
    with django_capture_on_commit_callbacks(execute=True):
        member_add(name="李会员", email="li@example.cn")
    assert "https://bulletin.example.org/accounts/reset/" in mail.outbox[0].body
    assert "127.0.0.1" not in mail.outbox[0].body


SECRET_PATH = "/accounts/reset/MQ/cj1zx9-0f2e4c6b8a0d1e3f5a7c9b1d3e5f7a9b/"


def test_the_development_servers_request_line_never_shows_a_reset_token():
    logger = logging.getLogger("django.server")
    stream = io.StringIO()
    handler = logger.handlers[0]
    old = handler.setStream(stream)
    try:
        request = RequestFactory().get(SECRET_PATH)
        logger.info('"%s" %s %s', f"GET {SECRET_PATH} HTTP/1.1", "302", "0",
                    extra={"request": request, "server_time": "01/Dec/2026 10:00:00",
                           "status_code": 302})
    finally:
        handler.setStream(old)
    line = stream.getvalue()
    assert "/accounts/reset/MQ/[redacted]/" in line
    assert "cj1zx9" not in line and "0f2e4c6b" not in line


def test_failed_request_logs_never_show_a_reset_token(caplog):
    request = RequestFactory().get(SECRET_PATH)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        logging.getLogger("django.request").warning("Bad Request: %s", request.path,
                                                    extra={"request": request, "status_code": 400})
    assert "cj1zx9" not in caplog.text and "[redacted]" in caplog.text
    assert "cj1zx9" not in caplog.records[0].request.get_full_path()


def test_the_set_password_step_is_not_redacted_it_holds_no_secret():
    from bulletin.log_filters import redact

    assert redact("/accounts/reset/MQ/set-password/") == "/accounts/reset/MQ/set-password/"


def _login(client, *, forwarded_for: str, password: str):
    return client.post(reverse("login"), {"username": "editor", "password": password},
                       REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)


def test_behind_a_trusted_proxy_lockout_keys_on_the_client_not_on_the_proxy(client, settings):
    from bulletin.settings.base import axes_client_address_settings

    for name, value in axes_client_address_settings(1).items():  # one proxy in front
        setattr(settings, name, value)
    get_user_model().objects.create_user("editor", "editor@example.cn", "Right-password-9")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(client, forwarded_for="203.0.113.5", password="wrong")
    # The attacker is locked out, even when it writes another address in front of its own…
    assert _login(client, forwarded_for="203.0.113.5", password="Right-password-9").status_code == 429
    assert _login(client, forwarded_for="198.51.100.7, 203.0.113.5",
                  password="Right-password-9").status_code == 429
    # …while the editor, through the same proxy from another address, still gets in.
    response = _login(client, forwarded_for="198.51.100.7", password="Right-password-9")
    assert response.status_code == 302
