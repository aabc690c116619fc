"""Atom feed of published issues: title, cover date, and the table of contents."""

from __future__ import annotations

import datetime as dt

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from editorial.models import Issue
from publishing.library.selectors import issue_list_published
from publishing.rendering.selectors import issue_articles_for_print


class PublishedIssuesFeed(Feed):
    feed_type = Atom1Feed
    title = _("会刊文库：最新期刊")
    subtitle = _("协会会刊的最新出版期次")
    link = "/issues/"

    def items(self):
        return issue_list_published()[:20]

    def item_title(self, item: Issue) -> str:
        return item.display_title

    def item_description(self, item: Issue) -> str:
        # Titles only: the feed is public and must not carry members-only text.
        return format_html_join("", "<p>{}：{}</p>",
                                ((a.section.name, a.title) for a in issue_articles_for_print(item)))

    def item_pubdate(self, item: Issue) -> dt.datetime:
        if item.cover_date:
            return timezone.make_aware(dt.datetime.combine(item.cover_date, dt.time(9)))
        return item.created_at

    def item_updateddate(self, item: Issue) -> dt.datetime:
        return item.updated_at
