"""Atom feed of published issues: title, cover date, and the table of contents."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from editorial.models import Issue
from publishing.library.selectors import issue_feed_items, published_stamp

CACHE_SECONDS = 600


class PublishedIssuesFeed(Feed):
    feed_type = Atom1Feed
    title = _("会刊文库：最新期刊")
    subtitle = _("协会会刊的最新出版期次")
    link = "/issues/"

    def items(self):
        return issue_feed_items(20)

    def item_title(self, item: Issue) -> str:
        return item.display_title

    def item_description(self, item: Issue) -> str:
        # Titles only: the feed is public and must not carry members-only text.
        return format_html_join("", "<p>{}：{}</p>", item.contents)

    def item_pubdate(self, item: Issue) -> dt.datetime:
        if item.cover_date:
            return timezone.make_aware(dt.datetime.combine(item.cover_date, dt.time(9)))
        return item.created_at

    def item_updateddate(self, item: Issue) -> dt.datetime:
        return item.updated_at


_feed = PublishedIssuesFeed()


def issue_feed(request: HttpRequest) -> HttpResponse:
    """The feed, cached under the stamp of everything published (``published_stamp``): one
    query when nothing changed, and a change shows at once."""
    key = (f"issue-feed:{published_stamp()}:{get_language()}:{request.get_host()}:"
           f"{request.get_full_path()}")
    cached = cache.get(key)
    if cached is None:
        response = _feed(request)
        cached = (response.content, response["Content-Type"])
        cache.set(key, cached, CACHE_SECONDS)
    return HttpResponse(cached[0], content_type=cached[1])
