"""Issues and their assembly: contents in order, front matter, status and the "changed" stamp."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial import signals
from editorial.models import (
    Article,
    ArticleState,
    Asset,
    Issue,
    IssueStatus,
    Section,
)
from editorial.permissions import require
from editorial.richtext import sanitize_html


@transaction.atomic
def issue_set_article_order(*, issue: Issue, articles: list[Article]) -> None:
    """Give ``articles`` positions 0..n-1 in ``issue``; others of the issue follow in their
    old order. Positions are unique per issue, so everything moves out of the way first.
    A published issue's order is frozen (``IssueFrozen``) unless it stays as it is."""
    locked = list(Article.objects.select_for_update().filter(issue=issue).order_by("position"))
    wanted = [a.pk for a in articles]
    rest = [a.pk for a in locked if a.pk not in set(wanted)]
    if wanted + rest != [a.pk for a in locked]:  # a re-import in the same order is no change
        issue_require_open(issue)
    offset = 1_000_000
    for index, pk in enumerate(wanted + rest):
        Article.objects.filter(pk=pk).update(position=offset + index)
    for index, pk in enumerate(wanted + rest):
        Article.objects.filter(pk=pk).update(position=index)


def issue_touch(*, issue_id: int | None) -> None:
    """Mark the issue's contents as changed: its pages and their caches key on ``updated_at``.
    The one way the stamp is set: for every article save (``editorial.receivers``) and
    transition, every change of contents, order or status, and by publishing when editions or
    access change."""
    if issue_id is not None:
        Issue.objects.filter(pk=issue_id).update(updated_at=timezone.now())
        signals.issue_touched.send(sender=Issue, issue_id=issue_id)


def issue_set_status(*, issue: Issue, status: str) -> Issue:
    """The one place an issue's production status is written (publishing calls it when it
    schedules, unschedules and publishes). Runs inside the caller's transaction."""
    Issue.objects.filter(pk=issue.pk).update(status=status)
    issue_touch(issue_id=issue.pk)
    issue.status = status
    return issue


class AssemblyError(ValueError):
    """An issue can't be arranged that way; the message says why."""


class IssueFrozen(AssemblyError):
    """The issue is published: its articles and their order are what its editions print, and
    change only through a correction (a new edition), never on the live contents."""


def issue_require_open(issue: Issue | None) -> None:
    """Refuse a change of contents or order of a published issue (``IssueFrozen``)."""
    if issue is None:
        return
    status = Issue.objects.filter(pk=issue.pk).values_list("status", flat=True).first()
    if status == IssueStatus.PUBLISHED:
        raise IssueFrozen(_("《%(issue)s》已出版，文章和顺序已冻结，不能增删或调整。"
                            "如需更正，请修改文章并经审定后，在编排页发布更正版。")
                          % {"issue": issue})


@transaction.atomic
def issue_arrange(*, user, issue: Issue, layout: list[tuple[int, list[int]]]) -> None:
    """Set the issue's contents: sections in order, each with its articles in order.

    ``layout`` is ``[(section_id, [article_id, …]), …]`` and must name every article of the
    issue exactly once. Positions come out contiguous per section, so the contents always
    group cleanly; an article dragged into another section moves there.
    """
    require(user, "editorial.assemble_issue", message=_("只有编辑可以编排期刊。"))
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    issue_require_open(issue)
    current = set(issue.articles.values_list("pk", flat=True))
    named = [pk for _section, pks in layout for pk in pks]
    if sorted(named) != sorted(current):
        raise AssemblyError("the new order must list every article of the issue exactly once")
    sections = dict(
        Section.objects.filter(publication=issue.publication,
                               pk__in=[s for s, _ in layout]).values_list("pk", "pk")
    )
    if len(sections) != len({s for s, _ in layout}):
        raise AssemblyError("a section does not belong to this publication")
    order = [(section_id, pk) for section_id, pks in layout for pk in pks]
    articles = {a.pk: a for a in Article.objects.select_for_update().filter(pk__in=current).order_by("pk")}
    for section_id, pk in order:
        if articles[pk].section_id != section_id:
            Article.objects.filter(pk=pk).update(section_id=section_id)
    issue_set_article_order(issue=issue, articles=[articles[pk] for _s, pk in order])
    issue_touch(issue_id=issue.pk)


@transaction.atomic
def issue_add_article(*, user, issue: Issue, article: Article) -> Article:
    """Put an approved article into the issue, at the end of its section."""
    require(user, "editorial.assemble_issue", message=_("只有编辑可以编排期刊。"))
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    issue_require_open(issue)
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.state != ArticleState.APPROVED:
        raise AssemblyError("only approved articles can be added to an issue")
    if article.issue_id is not None:
        raise AssemblyError("the article already belongs to an issue")
    if article.section.publication_id != issue.publication_id:
        raise AssemblyError("the article's section belongs to another publication")
    same_section = issue.articles.filter(section=article.section).order_by("-position").first()
    others = list(issue.articles.order_by("position"))
    at = others.index(same_section) + 1 if same_section is not None else len(others)
    article.issue = issue
    article.position = 3_000_000
    article.save(update_fields=["issue", "position"])
    issue_set_article_order(issue=issue, articles=[*others[:at], article, *others[at:]])
    issue_touch(issue_id=issue.pk)
    article.refresh_from_db()
    return article


@transaction.atomic
def issue_remove_article(*, user, issue: Issue, article: Article) -> None:
    require(user, "editorial.assemble_issue", message=_("只有编辑可以编排期刊。"))
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    issue_require_open(issue)
    Article.objects.filter(pk=article.pk, issue=issue).update(issue=None, position=0)
    issue_set_article_order(issue=issue, articles=list(issue.articles.order_by("position")))
    issue_touch(issue_id=issue.pk)


@transaction.atomic
def issue_create(*, user, publication, number: int, title: str = "", cover_date=None) -> Issue:
    """A new issue in planning. The number must be free in the publication."""
    require(user, "editorial.assemble_issue", message=_("只有编辑可以编排期刊。"))
    if Issue.objects.filter(publication=publication, number=number).exists():
        raise AssemblyError(f"issue {number} of {publication} already exists")
    return Issue.objects.create(publication=publication, number=number, title=title,
                                cover_date=cover_date)


@transaction.atomic
def issue_update(*, user, issue: Issue, title: str, cover_date, editor_note_html: str,
                 cover_image: Asset | None = None) -> Issue:
    """Edit an issue's front matter; the editor's note is sanitised whatever produced it."""
    require(user, "editorial.assemble_issue", message=_("只有编辑可以编排期刊。"))
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    issue.title = title
    issue.cover_date = cover_date
    issue.editor_note = sanitize_html(editor_note_html)
    if cover_image is not None:
        issue.cover_image = cover_image
    issue.save()
    return issue
