"""Browser contexts that start logged in, for tests that are not about logging in."""

from __future__ import annotations

from django.conf import settings
from django.test import Client


def logged_in_context(browser, live_server, user, *, language: str | None = None, **options):
    """A new context of ``browser`` with ``user``'s session cookie (made by Django's test
    client, as the login form would) and, given ``language``, the language cookie. Saves the
    login page and the form's round trip; the stories still log in through the form."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(**options)
    cookies = [{"name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url}]
    if language:
        cookies.append({"name": settings.LANGUAGE_COOKIE_NAME, "value": language,
                        "url": live_server.url})
    context.add_cookies(cookies)
    return context
