"""Reads for releases: whether an issue is ready to schedule, and which releases are overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial.models import (
    ArticleState,
    Issue,
    IssueStatus,
)
from publishing.models import Proof, ProofStatus
from publishing.rendering.selectors import issue_content_hash


@dataclass
class ReadinessItem:
    label: str
    ok: bool
    detail: str = ""


def issue_readiness(issue: Issue) -> list[ReadinessItem]:
    """The checklist on the planning board; scheduling refuses while an item fails."""
    from publishing.rendering import undrawable_characters

    articles = list(issue.articles.exclude(state=ArticleState.WITHDRAWN).select_related("section"))
    unapproved = [a.title for a in articles if a.state != ArticleState.APPROVED]
    missing = []
    for article in articles:
        chars = undrawable_characters(" ".join([article.title, article.subtitle, article.summary,
                                                article.source, article.body]))
        if chars:
            missing.append(f"{article.title}：{chars}")
    return [
        ReadinessItem(_("至少有一篇文章"), bool(articles)),
        ReadinessItem(_("所有文章均已审定"), not unapproved, "、".join(unapproved)),
        ReadinessItem(_("已设置封面图片"), issue.cover_image_id is not None),
        ReadinessItem(_("没有字体缺字"), not missing, "；".join(missing)),
    ]


def issue_proof_is_stale(issue: Issue) -> bool:
    """True when the issue has a finished proof whose content is no longer the issue's: what a
    release would print has changed since anyone last looked at its pages. No proof at all is
    not stale (the board offers one; scheduling does not require it)."""
    proof = (Proof.objects.filter(issue=issue, status=ProofStatus.READY)
             .exclude(content_hash="").order_by("-created_at", "-pk").first())
    return proof is not None and proof.content_hash != issue_content_hash(issue)


def board_url(issue: Issue) -> str:
    return reverse("publishing:board_issue", kwargs={"pk": issue.pk})


def issues_overdue(*, now: datetime | None = None) -> list[Issue]:
    """Scheduled issues whose release time passed (plus a grace period) without publishing."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.BULLETIN_PUBLISH_GRACE_SECONDS)
    return list(
        Issue.objects.filter(status=IssueStatus.SCHEDULED, release__release_at__lt=limit)
        .select_related("publication", "release")
    )
