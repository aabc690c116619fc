"""Writes to editorial content. Views, commands and other apps change content only through here."""

from __future__ import annotations

import hashlib
import io
import re
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import PurePath

import mammoth
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from editorial.images import ImageRejected, find_embedded_markup, inspect_image
from editorial.models import (
    Article,
    ArticleContributor,
    ArticleState,
    Asset,
    AutosavedDraft,
    Comment,
    Contributor,
    EditingPresence,
    Issue,
    Publication,
    ReviewAssignment,
    Revision,
    Section,
    Transition,
)
from editorial.permissions import (
    WITHDRAWABLE_STATES,
    is_own_article,
    user_can_approve_article,
    user_can_be_reviewer,
    user_can_comment_article,
    user_can_create_article,
    user_can_edit_article,
    user_can_reopen_article,
    user_can_request_changes,
    user_can_resolve_comment,
    user_can_submit_article,
    user_can_withdraw_article,
)
from editorial.richtext import plain_text, sanitize_html
from editorial.slugs import slug_from_text, unique_slug


def asset_store(*, data: bytes, original_name: str, user=None,
                written: list[str] | None = None) -> Asset:
    """Validate ``data`` as an image and store it under a random name; identical bytes reuse
    the existing asset. Names of files written are appended to ``written`` so a caller whose
    transaction fails can remove them (file writes are not rolled back by the database)."""
    info = inspect_image(data)
    digest = hashlib.sha256(data).hexdigest()
    existing = Asset.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing
    name = default_storage.save(f"images/{uuid.uuid4().hex}.{info.extension}", ContentFile(data))
    if written is not None:
        written.append(name)
    asset = Asset(original_name=original_name[:255], sha256=digest, created_by=user)
    asset.file.name = name
    asset.width, asset.height = info.width, info.height
    asset.save()
    return asset


def remove_files(names: Iterable[str]) -> None:
    """Undo file writes of a failed transaction."""
    for name in names:
        default_storage.delete(name)


def article_slug_for(title: str, *, preferred: str = "", exclude_pk: int | None = None) -> str:
    """A unique slug: the preferred one if given (bundle file name), else pinyin of the title."""
    base = preferred or slug_from_text(title)
    queryset = Article.objects.all()
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return unique_slug(base, exists=lambda s: queryset.filter(slug=s).exists())


@transaction.atomic
def issue_set_article_order(*, issue: Issue, articles: list[Article]) -> None:
    """Give ``articles`` positions 0..n-1 in ``issue``; others of the issue follow in their
    old order. Positions are unique per issue, so everything moves out of the way first."""
    locked = list(Article.objects.select_for_update().filter(issue=issue).order_by("position"))
    wanted = [a.pk for a in articles]
    rest = [a.pk for a in locked if a.pk not in set(wanted)]
    offset = 1_000_000
    for index, pk in enumerate(wanted + rest):
        Article.objects.filter(pk=pk).update(position=offset + index)
    for index, pk in enumerate(wanted + rest):
        Article.objects.filter(pk=pk).update(position=index)


def issue_touch(*, issue_id: int | None) -> None:
    """Mark the issue's contents as changed: its pages and their caches key on ``updated_at``.
    Called for every article save and transition, and by publishing when editions or access
    change."""
    if issue_id is not None:
        Issue.objects.filter(pk=issue_id).update(updated_at=timezone.now())


def issue_set_status(*, issue: Issue, status: str) -> Issue:
    """The one place an issue's production status is written (publishing calls it when it
    schedules, unschedules and publishes). Runs inside the caller's transaction."""
    Issue.objects.filter(pk=issue.pk).update(status=status, updated_at=timezone.now())
    issue.status = status
    return issue


class AssemblyError(ValueError):
    """An issue can't be arranged that way; the message says why."""


@transaction.atomic
def issue_arrange(*, issue: Issue, layout: list[tuple[int, list[int]]]) -> None:
    """Set the issue's contents: sections in order, each with its articles in order.

    ``layout`` is ``[(section_id, [article_id, …]), …]`` and must name every article of the
    issue exactly once. Positions come out contiguous per section, so the contents always
    group cleanly; an article dragged into another section moves there.
    """
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
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
    Issue.objects.filter(pk=issue.pk).update(updated_at=timezone.now())


@transaction.atomic
def issue_add_article(*, issue: Issue, article: Article) -> Article:
    """Put an approved article into the issue, at the end of its section."""
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
    Issue.objects.filter(pk=issue.pk).update(updated_at=timezone.now())
    article.refresh_from_db()
    return article


@transaction.atomic
def issue_remove_article(*, issue: Issue, article: Article) -> None:
    Article.objects.filter(pk=article.pk, issue=issue).update(issue=None, position=0)
    issue_set_article_order(issue=issue, articles=list(issue.articles.order_by("position")))
    Issue.objects.filter(pk=issue.pk).update(updated_at=timezone.now())


@transaction.atomic
def issue_create(*, publication, number: int, title: str = "", cover_date=None) -> Issue:
    """A new issue in planning. The number must be free in the publication."""
    if Issue.objects.filter(publication=publication, number=number).exists():
        raise AssemblyError(f"issue {number} of {publication} already exists")
    return Issue.objects.create(publication=publication, number=number, title=title,
                                cover_date=cover_date)


@transaction.atomic
def issue_update(*, issue: Issue, title: str, cover_date, editor_note_html: str,
                 cover_image: Asset | None = None) -> Issue:
    """Edit an issue's front matter; the editor's note is sanitised whatever produced it."""
    issue = Issue.objects.select_for_update().get(pk=issue.pk)
    issue.title = title
    issue.cover_date = cover_date
    issue.editor_note = sanitize_html(editor_note_html)
    if cover_image is not None:
        issue.cover_image = cover_image
    issue.save()
    return issue


# --------------------------------------------------------------------------- workspace writes
#
# The workflow, declared once. Every state change of an article goes through ``_move`` and is
# checked against this table; views never assign ``Article.state``.

WORKFLOW: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({ArticleState.DRAFT}), ArticleState.IN_REVIEW),
    "approve": (frozenset({ArticleState.IN_REVIEW}), ArticleState.APPROVED),
    "request_changes": (frozenset({ArticleState.IN_REVIEW}), ArticleState.CHANGES_REQUESTED),
    "revise": (frozenset({ArticleState.CHANGES_REQUESTED}), ArticleState.DRAFT),
    "edit_approved": (frozenset({ArticleState.APPROVED}), ArticleState.DRAFT),
    "withdraw": (frozenset(WITHDRAWABLE_STATES), ArticleState.WITHDRAWN),
    "reopen": (frozenset({ArticleState.WITHDRAWN}), ArticleState.DRAFT),
}


class WorkflowRefused(PermissionDenied):
    """The user may not make this change to this article now; the message says why."""


class EditConflict(Exception):
    """The article changed since the editor loaded it; nothing was saved."""

    def __init__(self, *, article: Article, base_version: int) -> None:
        super().__init__(f"article {article.pk} is at version {article.version}, "
                         f"the edit started from {base_version}")
        self.article = article
        self.base_version = base_version


class ImportRefused(ValueError):
    """A Word file could not be imported; the message says what is wrong with it."""


@dataclass(frozen=True)
class CreditLine:
    name: str
    affiliation: str = ""
    note: str = ""


@dataclass(frozen=True)
class ArticleContent:
    """Everything an editor can change in the article form, already validated by the form."""

    title: str
    section: Section
    subtitle: str = ""
    summary: str = ""
    body: str = ""
    source: str = ""
    issue: Issue | None = None
    tags: tuple[str, ...] = ()
    credits: tuple[CreditLine, ...] = ()
    lead_image: Asset | None = None


def _locked(article_id: int) -> Article:
    return Article.objects.select_for_update().get(pk=article_id)


def _refuse(message: str) -> None:
    raise WorkflowRefused(message)


def _move(*, article: Article, action: str, user, comment: str = "",
          revision: Revision | None = None) -> Transition:
    allowed_from, to_state = WORKFLOW[action]
    if article.state not in allowed_from:
        _refuse(_("文章当前状态为“%(state)s”，不能执行此操作。")
                % {"state": article.get_state_display()})
    transition = Transition.objects.create(
        article=article, from_state=article.state, to_state=to_state, by=user,
        comment=comment, revision=revision,
    )
    article.state = to_state
    Article.objects.filter(pk=article.pk).update(state=to_state)
    issue_touch(issue_id=article.issue_id)  # what its issue prints may have changed
    transaction.on_commit(lambda: _after_transition(transition.pk))
    return transition


def _after_transition(transition_id: int) -> None:
    from editorial import notifications, signals

    transition = Transition.objects.select_related("article", "by").get(pk=transition_id)
    signals.article_transitioned.send(sender=Article, transition=transition)
    notifications.notify_transition(transition)


def _write_revision(*, article: Article, user, note: str = "") -> Revision:
    credits = [
        {"name": c.contributor.name, "affiliation": c.contributor.affiliation, "note": c.note}
        for c in article.credits.select_related("contributor").order_by("position")
    ]
    return Revision.objects.create(
        article=article, number=article.version, title=article.title,
        subtitle=article.subtitle, summary=article.summary, body=article.body,
        source=article.source, section_name=article.section.name,
        tags=sorted(article.tags.names()), credits=credits, lead_image=article.lead_image,
        note=note, created_by=user,
    )


def article_record_import(*, article: Article, user=None) -> Revision | None:
    """After a bundle import changed ``article``: a new revision when the content differs from
    the latest one (re-importing the same bundle adds nothing), approved when the article is."""
    latest = article.revisions.order_by("-number").first()
    credits = [
        {"name": c.contributor.name, "affiliation": c.contributor.affiliation, "note": c.note}
        for c in article.credits.select_related("contributor").order_by("position")
    ]
    if latest is not None and [
        latest.title, latest.subtitle, latest.summary, latest.body, latest.source,
        latest.section_name, sorted(latest.tags), latest.credits, latest.lead_image_id,
    ] == [
        article.title, article.subtitle, article.summary, article.body, article.source,
        article.section.name, sorted(article.tags.names()), credits, article.lead_image_id,
    ]:
        revision = latest
    else:
        article.version = (latest.number if latest else article.version) + 1
        Article.objects.filter(pk=article.pk).update(version=article.version)
        revision = _write_revision(article=article, user=user, note=gettext("期刊包导入"))
    if article.state == ArticleState.APPROVED and article.approved_revision_id != revision.pk:
        article.approved_revision = revision
        Article.objects.filter(pk=article.pk).update(approved_revision=revision)
    return revision


def _apply_content(*, article: Article, content: ArticleContent, user) -> None:
    article.title = content.title.strip()
    article.subtitle = content.subtitle.strip()
    article.summary = content.summary.strip()
    article.body = sanitize_html(content.body)
    article.source = content.source.strip()
    article.section = content.section
    article.lead_image = content.lead_image
    if content.issue != article.issue or (content.issue and article.pk is None):
        article.issue = content.issue
        if content.issue is not None:
            last = content.issue.articles.exclude(pk=article.pk).aggregate(m=Max("position"))
            article.position = (last["m"] + 1) if last["m"] is not None else 0
    article.updated_by = user
    article.version += 1
    if article.pk is None:
        article.created_by = user
        article.slug = article_slug_for(article.title)
    article.full_clean(exclude=["slug", "position", "version"])
    article.save()
    article.tags.set(list(content.tags), clear=True)
    article.credits.all().delete()
    for position, line in enumerate(content.credits):
        contributor, _created = Contributor.objects.get_or_create(
            name=line.name.strip()[:100], affiliation=line.affiliation.strip()[:300]
        )
        ArticleContributor.objects.get_or_create(
            article=article, contributor=contributor,
            defaults={"position": position, "note": line.note.strip()[:300]},
        )


@transaction.atomic
def article_create(*, user, content: ArticleContent) -> Article:
    """A new draft with its first revision."""
    if not user_can_create_article(user):
        _refuse(_("只有编辑可以新建文章。"))
    article = Article(state=ArticleState.DRAFT)
    _apply_content(article=article, content=content, user=user)
    _write_revision(article=article, user=user, note=gettext("新建"))
    return article


@transaction.atomic
def article_update(*, user, article_id: int, base_version: int, content: ArticleContent,
                   note: str = "") -> Article:
    """Save an edit as a new revision, unless someone saved since ``base_version`` (then
    :class:`EditConflict`, nothing written). Editing an approved article or one sent back
    returns it to draft: it needs (re-)approval."""
    article = _locked(article_id)
    if not user_can_edit_article(user, article):
        _refuse(_("你不能修改这篇文章（状态：%(state)s）。") % {"state": article.get_state_display()})
    if article.version != base_version:
        raise EditConflict(article=article, base_version=base_version)
    _apply_content(article=article, content=content, user=user)
    revision = _write_revision(article=article, user=user, note=note)
    if article.state == ArticleState.APPROVED:
        _move(article=article, action="edit_approved", user=user, revision=revision,
              comment=gettext("通过后又作修改，需要重新审稿。"))
    elif article.state == ArticleState.CHANGES_REQUESTED:
        _move(article=article, action="revise", user=user, revision=revision,
              comment=gettext("已按意见修改。"))
    AutosavedDraft.objects.filter(user=user, article=article).delete()
    return article


@transaction.atomic
def revision_restore(*, user, article_id: int, number: int, base_version: int) -> Article:
    """Bring an old revision back as a new one; the history in between stays."""
    article = _locked(article_id)
    revision = article.revisions.filter(number=number).first()
    if revision is None:
        _refuse(_("没有这个修订版。"))
    content = ArticleContent(
        title=revision.title, subtitle=revision.subtitle, summary=revision.summary,
        body=revision.body, source=revision.source, section=article.section,
        issue=article.issue, tags=tuple(revision.tags),
        credits=tuple(CreditLine(**c) for c in revision.credits),
        lead_image=revision.lead_image,
    )
    return article_update(user=user, article_id=article_id, base_version=base_version,
                          content=content, note=gettext("恢复自第 %(n)d 版") % {"n": number})


@transaction.atomic
def article_submit(*, user, article_id: int, reviewers: Iterable, due_date: date,
                   comment: str = "") -> Article:
    """Send a draft to one or more named reviewers, each with the due date."""
    article = _locked(article_id)
    if not user_can_submit_article(user, article):
        _refuse(_("你不能提交这篇文章审稿（状态：%(state)s）。")
                % {"state": article.get_state_display()})
    reviewers = list(reviewers)
    if not reviewers:
        _refuse(_("请至少指定一位审稿人。"))
    for reviewer in reviewers:
        if not user_can_be_reviewer(reviewer):
            _refuse(_("%(name)s 不是审稿人。") % {"name": reviewer.get_username()})
        if reviewer.pk == user.pk or is_own_article(reviewer, article):
            _refuse(_("%(name)s 是本文作者，不能审自己的文章。")
                    % {"name": reviewer.get_username()})
    if due_date < timezone.localdate():
        _refuse(_("截止日期不能早于今天。"))
    ReviewAssignment.objects.filter(
        article=article, decision=ReviewAssignment.Decision.PENDING
    ).update(decision=ReviewAssignment.Decision.CANCELLED, decided_at=timezone.now())
    for reviewer in reviewers:
        ReviewAssignment.objects.create(
            article=article, reviewer=reviewer, due_date=due_date, assigned_by=user
        )
    revision = article.revisions.filter(number=article.version).first()
    _move(article=article, action="submit", user=user, comment=comment.strip(),
          revision=revision)
    return article


def _pending_assignment(article: Article, user) -> ReviewAssignment:
    return ReviewAssignment.objects.select_for_update().get(
        article=article, reviewer=user, decision=ReviewAssignment.Decision.PENDING
    )


@transaction.atomic
def article_approve(*, user, article_id: int, comment: str = "") -> Article:
    """Record the reviewer's approval; when every named reviewer approved, the article is
    approved and the revision they read is the one that will be published."""
    article = _locked(article_id)
    if not user_can_approve_article(user, article):
        _refuse(_("你不能审批这篇文章：只有被指派的审稿人可以，且不能审批自己的文章。"))
    assignment = _pending_assignment(article, user)
    assignment.decision = ReviewAssignment.Decision.APPROVED
    assignment.decided_at = timezone.now()
    assignment.save(update_fields=["decision", "decided_at"])
    if comment.strip():
        Comment.objects.create(article=article, author=user, body=comment.strip())
    still_pending = ReviewAssignment.objects.filter(
        article=article, decision=ReviewAssignment.Decision.PENDING
    ).exists()
    if not still_pending:
        revision = article.revisions.get(number=article.version)
        article.approved_revision = revision
        Article.objects.filter(pk=article.pk).update(approved_revision=revision)
        _move(article=article, action="approve", user=user, comment=comment.strip(),
              revision=revision)
    return article


@transaction.atomic
def article_request_changes(*, user, article_id: int, comment: str) -> Article:
    """Send the article back to its editor with a required explanation."""
    article = _locked(article_id)
    if not user_can_request_changes(user, article):
        _refuse(_("你不能对这篇文章提出修改意见：只有被指派的审稿人可以。"))
    if not comment.strip():
        _refuse(_("要求修改时必须写明意见。"))
    assignment = _pending_assignment(article, user)
    assignment.decision = ReviewAssignment.Decision.CHANGES_REQUESTED
    assignment.decided_at = timezone.now()
    assignment.save(update_fields=["decision", "decided_at"])
    ReviewAssignment.objects.filter(
        article=article, decision=ReviewAssignment.Decision.PENDING
    ).update(decision=ReviewAssignment.Decision.CANCELLED, decided_at=timezone.now())
    Comment.objects.create(article=article, author=user, body=comment.strip())
    revision = article.revisions.filter(number=article.version).first()
    _move(article=article, action="request_changes", user=user, comment=comment.strip(),
          revision=revision)
    return article


@transaction.atomic
def article_withdraw(*, user, article_id: int, comment: str = "") -> Article:
    """Take an article out of the workflow; pending reviews are cancelled."""
    article = _locked(article_id)
    if not user_can_withdraw_article(user, article):
        _refuse(_("你不能撤回这篇文章。"))
    ReviewAssignment.objects.filter(
        article=article, decision=ReviewAssignment.Decision.PENDING
    ).update(decision=ReviewAssignment.Decision.CANCELLED, decided_at=timezone.now())
    _move(article=article, action="withdraw", user=user, comment=comment.strip())
    return article


@transaction.atomic
def article_reopen(*, user, article_id: int) -> Article:
    """A withdrawn article becomes a draft again."""
    article = _locked(article_id)
    if not user_can_reopen_article(user, article):
        _refuse(_("你不能重新启用这篇文章。"))
    _move(article=article, action="reopen", user=user)
    return article


@transaction.atomic
def comment_add(*, user, article_id: int, body: str, parent_id: int | None = None) -> Comment:
    """A review comment, or a reply to one (replies attach to the top of the thread)."""
    article = Article.objects.get(pk=article_id)
    if not user_can_comment_article(user, article):
        _refuse(_("你不能评论这篇文章。"))
    body = body.strip()
    if not body:
        _refuse(_("评论不能为空。"))
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(pk=parent_id, article=article).first()
        if parent is None:
            _refuse(_("要回复的评论不存在。"))
        while parent.parent_id is not None:
            parent = parent.parent
    return Comment.objects.create(article=article, author=user, body=body[:10000], parent=parent)


@transaction.atomic
def comment_set_resolved(*, user, comment_id: int, resolved: bool) -> Comment:
    comment = Comment.objects.select_for_update().select_related("article").get(pk=comment_id)
    if not user_can_resolve_comment(user, comment):
        _refuse(_("你不能更改这条评论的状态。"))
    comment.resolved = resolved
    comment.resolved_by = user if resolved else None
    comment.save(update_fields=["resolved", "resolved_by"])
    return comment


@transaction.atomic
def autosave_store(*, user, article_id: int, base_version: int, data: dict) -> AutosavedDraft:
    """Keep what the editor holds right now, without making a revision or touching the article."""
    article = Article.objects.get(pk=article_id)
    if not user_can_edit_article(user, article):
        _refuse(_("你不能修改这篇文章。"))
    allowed = {"title", "subtitle", "summary", "body", "source", "tags", "credits"}
    clean = {k: str(v)[:200_000] for k, v in data.items() if k in allowed}
    if "body" in clean:
        clean["body"] = sanitize_html(clean["body"])
    draft, _created = AutosavedDraft.objects.update_or_create(
        user=user, article=article, defaults={"base_version": base_version, "data": clean}
    )
    return draft


@transaction.atomic
def presence_touch(*, user, article_id: int) -> None:
    """Note that ``user`` has the article's editor open now."""
    EditingPresence.objects.update_or_create(
        user=user, article_id=article_id, defaults={"seen_at": timezone.now()}
    )


def send_review_reminders(*, today: date | None = None) -> int:
    """Remind each reviewer of a pending review due soon or overdue, at most once a day.
    Returns the number of reminders sent."""
    from editorial import notifications

    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.BULLETIN_REVIEW_REMINDER_DAYS)
    due = (
        ReviewAssignment.objects.filter(
            decision=ReviewAssignment.Decision.PENDING,
            article__state=ArticleState.IN_REVIEW,
            due_date__lte=horizon,
        )
        .exclude(reminded_on=today)
        .select_related("article", "reviewer")
    )
    sent = 0
    for assignment in due:
        with transaction.atomic():
            locked = ReviewAssignment.objects.select_for_update().get(pk=assignment.pk)
            if locked.reminded_on == today:
                continue
            locked.reminded_on = today
            locked.save(update_fields=["reminded_on"])
            notifications.notify_reminder(assignment, today=today)
        sent += 1
    return sent


_DOCX_STYLE_MAP = """
p[style-name='Title'] => h1:fresh
p[style-name='Heading 1'] => h2:fresh
p[style-name='Heading 2'] => h3:fresh
p[style-name='Heading 3'] => h4:fresh
p[style-name='heading 1'] => h2:fresh
p[style-name='heading 2'] => h3:fresh
p[style-name='heading 3'] => h4:fresh
"""
_H1 = re.compile(r"<h1>(.*?)</h1>", re.S)


def article_import_docx(*, user, data: bytes, file_name: str, section: Section) -> Article:
    """A new draft from a Word file: headings, paragraphs, lists, tables and images kept,
    everything sanitised. The document title (or its first heading, or the file name) becomes
    the article title. Any bad image refuses the whole import and leaves nothing behind."""
    if not user_can_create_article(user):
        _refuse(_("只有编辑可以导入文章。"))
    written: list[str] = []
    problems: list[str] = []

    def store_image(image) -> dict[str, str]:
        with image.open() as stream:
            blob = stream.read()
        try:
            markup = find_embedded_markup(blob)
            if markup:
                raise ImageRejected(f"an image contains web markup ({markup})")
            asset = asset_store(data=blob, original_name=image.alt_text or file_name,
                                user=user, written=written)
        except ImageRejected as exc:
            problems.append(str(exc))
            return {}
        return {"src": asset.file.url, "alt": image.alt_text or ""}

    try:
        with transaction.atomic():
            try:
                result = mammoth.convert_to_html(
                    io.BytesIO(data), style_map=_DOCX_STYLE_MAP,
                    convert_image=mammoth.images.img_element(store_image),
                )
            except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
                raise ImportRefused(_("“%(name)s”不是有效的 .docx 文件（%(error)s）。")
                                    % {"name": file_name, "error": exc}) from exc
            if problems:
                raise ImportRefused(_("“%(name)s”中的图片不能使用：%(reason)s")
                                    % {"name": file_name, "reason": "；".join(problems)})
            html_text = result.value
            match = _H1.search(html_text)
            title = plain_text(match.group(1)).strip() if match else ""
            if match:
                html_text = html_text[: match.start()] + html_text[match.end():]
            if not title:
                heading = re.search(r"<h[2-4]>(.*?)</h[2-4]>", html_text, re.S)
                title = plain_text(heading.group(1)).strip() if heading else ""
            title = title or PurePath(file_name).stem or gettext("未命名文章")
            content = ArticleContent(title=title[:300], section=section, body=html_text)
            return article_create(user=user, content=content)
    except BaseException:
        remove_files(written)
        raise


@transaction.atomic
def publication_update_settings(*, publication: Publication, data: dict,
                                section_layouts: dict[int, tuple[str, bool]]) -> Publication:
    """Save the masthead/print settings and each section's layout, all or nothing. Sections
    not of this publication are refused."""
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    for name, value in data.items():
        setattr(publication, name, value)
    publication.full_clean()
    publication.save()
    sections = {s.pk: s for s in publication.sections.select_for_update()}
    unknown = set(section_layouts) - set(sections)
    if unknown:
        raise ValidationError(_("栏目不属于该刊物。"))
    for pk, (layout, new_pages) in section_layouts.items():
        section = sections[pk]
        if (section.layout, section.new_page_per_article) != (layout, new_pages):
            section.layout, section.new_page_per_article = layout, new_pages
            section.full_clean()
            section.save(update_fields=["layout", "new_page_per_article"])
    return publication
