"""Every workspace and library page each role can reach on the demo data, crawled by following
links (GET only, nothing posted): no page answers 5xx."""

from __future__ import annotations

import datetime as dt
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from editorial import services
from editorial.models import Article
from editorial.permissions import MEMBER_GROUP
from publishing.models import Membership

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

START = ["/", "/issues/", "/search/?q=数字贸易", "/issues/feed/", "/editorial/",
         "/editorial/articles/", "/editorial/issues/", "/library/members/", "/accounts/login/",
         "/accounts/password_reset/"]
# Not pages of ours to crawl: Django's admin, the language switch and logout (POST only).
SKIP = ("/admin/", "/i18n/", "/accounts/logout/", "/static/")
# Renders a PDF: fetched once, by the first role that reaches it, to keep the crawl fast.
ONCE = ("preview.pdf",)
MAX_PAGES_PER_ROLE = 600


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        key = {"a": "href", "img": "src", "link": "href"}.get(tag)
        value = dict(attrs).get(key) if key else None
        if value:
            self.links.append(value)


def _local(base: str, link: str) -> str | None:
    link = urldefrag(link)[0]
    if not link or link.startswith(("mailto:", "javascript:", "data:")):
        return None
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path.startswith("/"):  # relative, as in the HTML edition
        directory = urlsplit(base).path.rsplit("/", 1)[0]
        link = f"{directory}/{link}"
    return None if link.startswith(SKIP) else link


def crawl(client: Client, fetched_once: set[str]) -> tuple[dict[str, int], list[str]]:
    seen: dict[str, int] = {}
    errors: list[str] = []
    queue = deque(START)
    while queue and len(seen) < MAX_PAGES_PER_ROLE:
        url = queue.popleft()
        if url in seen:
            continue
        if url.endswith(ONCE):
            if url in fetched_once:
                continue
            fetched_once.add(url)
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code >= 500:
            errors.append(f"{url} → {response.status_code}")
        if response.status_code in {301, 302, 303, 307, 308}:
            target = _local(url, response["Location"])
            if target:
                queue.append(target)
            continue
        if "text/html" not in response.get("Content-Type", "") or response.streaming:
            continue
        parser = _Links()
        parser.feed(response.content.decode("utf-8", errors="replace"))
        for link in parser.links:
            target = _local(url, link)
            if target and target not in seen:
                queue.append(target)
    return seen, errors


def _roles() -> dict[str, object]:
    User = get_user_model()
    expired = User.objects.create_user("expired", "expired@example.org", "x-Expired-2020")
    expired.groups.add(Group.objects.get(name=MEMBER_GROUP))
    Membership.objects.create(user=expired, expires_on=timezone.localdate() - dt.timedelta(days=1))
    admin = User.objects.create_superuser("admin", "admin@example.org", "x-Admin-2026")
    users = {name: User.objects.get(username=name) for name in ("member", "reviewer", "editor")}
    # Give the reviewer something to review, so their pages are more than empty lists.
    draft = services.article_create(user=users["editor"], content=services.ArticleContent(
        title="待审稿件", section=Article.objects.first().section, body="<p>正文</p>"))
    services.article_submit(user=users["editor"], article_id=draft.pk,
                            reviewers=[users["reviewer"]],
                            due_date=timezone.localdate() + dt.timedelta(days=7))
    return {"anonymous": None, "member": users["member"], "expired member": expired,
            "reviewer": users["reviewer"], "editor": users["editor"], "admin": admin}


def test_no_page_any_role_can_reach_on_the_demo_data_answers_5xx(settings):
    settings.DEBUG = True  # create_demo_users refuses otherwise
    call_command("load_demo", "docs/demo-bundle", verbosity=0)
    call_command("create_demo_users", verbosity=0)
    settings.DEBUG = False
    fetched_once: set[str] = set()
    report, problems = {}, []
    for role, user in _roles().items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        seen, errors = crawl(client, fetched_once)
        report[role] = len(seen)
        problems += [f"{role}: {e}" for e in errors]
        assert len(seen) < MAX_PAGES_PER_ROLE, (role, sorted(seen)[-40:])
    assert problems == [], problems
    # The crawl really walked the site: each role reached its part of it.
    assert report["anonymous"] >= 15 and report["member"] >= 20, report
    assert report["reviewer"] >= 15 and report["editor"] >= 50 and report["admin"] >= 50, report
