"""The media library: which images the workspace may show, search, and where an image is
used.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from editorial.models import Article, Asset, Issue
from editorial.selectors.articles import article_visible_to


def asset_visible_in_workspace(user, asset) -> bool:
    """An image used by an article this user may see in the workspace (a reviewer's assigned
    draft, say), found by its lead-image link or its URL in the body."""
    if not getattr(user, "is_authenticated", False):
        return False
    return article_visible_to(user).filter(
        Q(lead_image=asset) | Q(body__contains=asset.file.url)
        | Q(revisions__body__contains=asset.file.url)
    ).exists()


def media_library(*, q: str = "") -> QuerySet[Asset]:
    """Stored images, newest first, narrowed by words in the file name, alt text or caption."""
    queryset = Asset.objects.select_related("created_by").order_by("-created_at", "-pk")
    for word in q.split()[:8]:
        queryset = queryset.filter(Q(original_name__icontains=word) | Q(alt_text__icontains=word)
                                   | Q(caption__icontains=word))
    return queryset


@dataclass(frozen=True)
class AssetUsage:
    """Where an image is used: as lead image or in the body of articles, as issue covers."""

    lead_of: list[Article]
    in_body_of: list[Article]
    cover_of: list[Issue]

    @property
    def count(self) -> int:
        return len({a.pk for a in self.lead_of + self.in_body_of}) + len(self.cover_of)


def asset_usage(asset: Asset) -> AssetUsage:
    """Every article that shows the image now (its lead image, or an <img> of its URL in the
    body) and every issue with it as cover."""
    articles = Article.objects.select_related("section", "issue", "issue__publication")
    url = asset.file.url
    return AssetUsage(
        lead_of=list(articles.filter(lead_image=asset).order_by("title")),
        in_body_of=list(articles.filter(body__contains=f'src="{url}"').order_by("title")),
        cover_of=list(Issue.objects.filter(cover_image=asset).select_related("publication")
                      .order_by("-number")),
    )
