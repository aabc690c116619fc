"""A small library: one issue per access situation, and one user per role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone
from pypdf import PdfWriter

from editorial.models import IssueStatus
from publishing.models import AccessLevel, Edition
from publishing.selectors import issue_edition_root
from publishing.services import issue_set_access, search_index_issue
from tests.factories import (
    ArticleFactory,
    EditorFactory,
    IssueFactory,
    MemberFactory,
    ReviewerFactory,
    SectionFactory,
)

# Each issue's article carries a marker word found nowhere else.
MARKERS = {
    "public": "甲骨公开",
    "members": "乙丙会员",
    "embargoed": "丁戊禁期",
    "embargo_over": "己庚解禁",
    "unpublished": "辛壬未刊",
}


def write_pdf(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = PdfWriter()
    writer.add_blank_page(width=420, height=595)
    writer.add_blank_page(width=420, height=595)
    with path.open("wb") as handle:
        writer.write(handle)


@dataclass
class Library:
    issues: dict
    articles: dict
    users: dict


def build_library() -> Library:
    today = timezone.localdate()
    issues, articles = {}, {}
    plan = {
        "public": (AccessLevel.PUBLIC, 0, today, IssueStatus.PUBLISHED),
        "members": (AccessLevel.MEMBERS, 0, today, IssueStatus.PUBLISHED),
        "embargoed": (AccessLevel.EMBARGO, 12, today - dt.timedelta(days=30), IssueStatus.PUBLISHED),
        "embargo_over": (AccessLevel.EMBARGO, 6, today - dt.timedelta(days=400), IssueStatus.PUBLISHED),
        "unpublished": (AccessLevel.PUBLIC, 0, today, IssueStatus.PLANNING),
    }
    for number, (key, (level, months, cover_date, status)) in enumerate(plan.items(), start=1):
        issue = IssueFactory(number=number, cover_date=cover_date, status=status)
        issue_set_access(issue=issue, level=level, embargo_months=months)
        section = SectionFactory(publication=issue.publication, name=f"栏目{key}")
        article = ArticleFactory(
            issue=issue, section=section, slug=f"article-{key}", title=f"{key} 数字贸易",
            summary=f"摘要{key}", body=f"<p>正文包含{MARKERS[key]}一词。</p>",
        )
        directory = issue_edition_root(issue) / "v1"
        write_pdf(directory / "issue.pdf")
        Edition.objects.create(issue=issue, version=1, directory=str(directory.relative_to(
            issue_edition_root(issue).parents[1])), pdf_sha256="0" * 64, content_hash="0" * 64)
        search_index_issue(issue=issue)
        issues[key], articles[key] = issue, article

    member = MemberFactory(expires_on=today + dt.timedelta(days=100))
    expired = MemberFactory(username="expired", expires_on=today - dt.timedelta(days=1))
    # No display names: the English pages must show no Chinese that is not content.
    editor, reviewer = EditorFactory(first_name=""), ReviewerFactory(first_name="")
    users = {"anonymous": None, "member": member, "expired": expired, "editor": editor,
             "reviewer": reviewer}
    return Library(issues, articles, users)
