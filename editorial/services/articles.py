"""Writing articles: content, revisions (with optimistic locking), restore, autosave (store and
discard), presence."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from editorial.models import (
    Article,
    ArticleContributor,
    ArticleState,
    AutosavedDraft,
    Contributor,
    EditingPresence,
    Revision,
)
from editorial.permissions import require
from editorial.richtext import sanitize_html
from editorial.services.issues import issue_require_open
from editorial.services.workflow import _locked, _move, _refuse, _require_now
from editorial.slugs import slug_from_text, unique_slug
from editorial.snapshots import ArticleContent


class EditConflict(Exception):
    """The article changed since the editor loaded it; nothing was saved."""

    def __init__(self, *, article: Article, base_version: int) -> None:
        super().__init__(f"article {article.pk} is at version {article.version}, "
                         f"the edit started from {base_version}")
        self.article = article
        self.base_version = base_version


def article_slugs_taken(bases: Iterable[str]) -> set[str]:
    """Every existing slug that is one of ``bases`` or ``<base>-<anything>``: one query for
    any number of bases, where probing ``slug``, ``slug-2`` … cost one query per candidate."""
    condition = Q()
    for base in sorted({b for b in bases if b}):
        condition |= Q(slug=base) | Q(slug__startswith=f"{base}-")
    if not condition:
        return set()
    return set(Article.objects.filter(condition).values_list("slug", flat=True))


class SlugPlan:
    """Free slugs for the new articles of one import, picked in Python from one query. The
    unique constraint still decides: after a clash with a concurrent writer, ``retake`` asks
    the database again for that base only."""

    def __init__(self, bases: Iterable[str]) -> None:
        self.taken = article_slugs_taken(bases)

    def take(self, base: str) -> str:
        slug = unique_slug(base, self.taken)
        self.taken.add(slug)
        return slug

    def retake(self, base: str) -> str:
        self.taken |= article_slugs_taken([base])
        return self.take(base)


def article_slug_for(title: str, *, preferred: str = "", exclude_pk: int | None = None) -> str:
    """A unique slug: the preferred one if given (bundle file name), else pinyin of the title."""
    base = preferred or slug_from_text(title)
    taken = article_slugs_taken([base])
    if exclude_pk is not None:
        taken -= set(Article.objects.filter(pk=exclude_pk).values_list("slug", flat=True))
    return unique_slug(base, taken)


def _write_revision(*, article: Article, user, note: str = "") -> Revision:
    return Revision.objects.create(
        article=article, number=article.version, note=note, created_by=user,
        **ArticleContent.of_article(article).revision_fields(),
    )


def _require_contents_open(*, article: Article, content: ArticleContent) -> None:
    """Filing an article into or out of a published issue, or into another section of one,
    changes its contents: refused (``IssueFrozen``); text edits go on and reach members
    through a correction."""
    old_issue = article.issue if article.issue_id else None
    if content.issue != old_issue or (content.issue is not None and article.pk is None):
        issue_require_open(old_issue)
        issue_require_open(content.issue)
    elif old_issue is not None and content.section.pk != article.section_id:
        issue_require_open(old_issue)


def _apply_content(*, article: Article, content: ArticleContent, user) -> None:
    article.title = content.title.strip()
    article.subtitle = content.subtitle.strip()
    article.summary = content.summary.strip()
    article.body = sanitize_html(content.body)
    article.source = content.source.strip()
    _require_contents_open(article=article, content=content)
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
        article.slug = article.slug or article_slug_for(article.title)
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
    require(user, "editorial.create_article", message=_("只有编辑可以新建文章。"))
    article = Article(state=ArticleState.DRAFT)
    _apply_content(article=article, content=content, user=user)
    _write_revision(article=article, user=user, note=gettext("新建"))
    return article


def _refiled_since(article: Article, content: ArticleContent) -> bool:
    """The planning board files articles (section, issue) without a new revision: a save
    that still carries the filing of its base revision would undo that silently. True when
    the board moved the article since its latest revision and the save does not follow."""
    latest = article.revisions.filter(number=article.version).first()
    if latest is None or latest.section_id is None:  # an older revision: filing unknown
        return False
    moved = (latest.section_id, latest.issue_id) != (article.section_id, article.issue_id)
    wanted = (content.section.pk, content.issue.pk if content.issue else None)
    return moved and wanted == (latest.section_id, latest.issue_id)


# A clash on the slug means another import took it between our query and our insert; a few
# retries cover any realistic race, a constant clash is a bug and is raised.
SLUG_ATTEMPTS = 5


@transaction.atomic
def article_import(*, user, content: ArticleContent, bundle_key: str, article: Article | None = None,
                   slug: str = "", state: str = ArticleState.APPROVED,
                   slugs: SlugPlan | None = None) -> Article:
    """Create or update an article from an issue bundle, written as the workspace writes one
    (contributors matched by name and affiliation, body sanitised). The bundle is the approved
    text: a new article starts in ``state``; a revision is recorded only when the content
    changed (re-importing the same bundle adds nothing), and an approved article's approved
    revision is the imported one. A new article's slug comes from ``slugs`` (one query for the
    whole bundle) and is taken again in a savepoint if a concurrent import took it first.
    No permission check: imports run as an operator's command.
    """
    if article is not None:
        return _article_import_into(article=article, user=user, content=content,
                                    bundle_key=bundle_key)
    base = slug or slug_from_text(content.title)
    plan = slugs or SlugPlan([base])
    candidate, attempt = plan.take(base), 1
    while True:
        try:
            with transaction.atomic():
                return _article_import_into(article=Article(state=state, slug=candidate),
                                            user=user, content=content, bundle_key=bundle_key)
        except IntegrityError:
            if attempt >= SLUG_ATTEMPTS or not Article.objects.filter(slug=candidate).exists():
                raise
            candidate, attempt = plan.retake(base), attempt + 1


def _article_import_into(*, article: Article, user, content: ArticleContent,
                         bundle_key: str) -> Article:
    latest = article.revisions.order_by("-number").first() if article.pk else None
    unchanged = (latest is not None and ArticleContent.of_article(article) == content
                 and content.is_recorded_by(latest))
    if unchanged:
        revision = latest
        if article.bundle_key != bundle_key:
            article.bundle_key = bundle_key
            article.save(update_fields=["bundle_key", "updated_at"])
    else:
        article.bundle_key = bundle_key
        _apply_content(article=article, content=content, user=user)
        revision = _write_revision(article=article, user=user, note=gettext("期刊包导入"))
    if article.state == ArticleState.APPROVED and article.approved_revision_id != revision.pk:
        article.approved_revision = revision
        Article.objects.filter(pk=article.pk).update(approved_revision=revision)
    return article


@transaction.atomic
def article_update(*, user, article_id: int, base_version: int, content: ArticleContent,
                   note: str = "") -> Article:
    """Save an edit as a new revision, unless someone saved since ``base_version`` (then
    :class:`EditConflict`, nothing written). Editing an approved article or one sent back
    returns it to draft: it needs (re-)approval."""
    article = _locked(article_id)
    _require_now(user, "editorial.edit_article", article, "edit",
                 _("你不能修改这篇文章（状态：%(state)s）。") % {"state": article.get_state_display()})
    if article.version != base_version or _refiled_since(article, content):
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
    content = ArticleContent.of_revision(revision, section=article.section, issue=article.issue)
    return article_update(user=user, article_id=article_id, base_version=base_version,
                          content=content, note=gettext("恢复自第 %(n)d 版") % {"n": number})


@transaction.atomic
def autosave_store(*, user, article_id: int, base_version: int, data: dict) -> AutosavedDraft:
    """Keep what the editor holds right now, without making a revision or touching the article."""
    article = Article.objects.get(pk=article_id)
    _require_now(user, "editorial.edit_article", article, "edit", _("你不能修改这篇文章。"))
    allowed = {"title", "subtitle", "summary", "body", "source", "tags", "credits"}
    clean = {k: str(v)[:200_000] for k, v in data.items() if k in allowed}
    if "body" in clean:
        clean["body"] = sanitize_html(clean["body"])
    draft, _created = AutosavedDraft.objects.update_or_create(
        user=user, article=article, defaults={"base_version": base_version, "data": clean}
    )
    return draft


@transaction.atomic
def autosave_discard(*, user, article_id: int) -> bool:
    """Throw away ``user``'s autosaved copy of the article (theirs only; the article and its
    revisions are untouched). Answers whether there was one, so a second click is harmless."""
    article = Article.objects.get(pk=article_id)
    require(user, "editorial.edit_article", article, _("你不能修改这篇文章。"))
    deleted, _rows = AutosavedDraft.objects.filter(user=user, article=article).delete()
    return bool(deleted)


@transaction.atomic
def presence_touch(*, user, article_id: int) -> None:
    """Note that ``user`` has the article's editor open now (only one who may edit it now)."""
    article = Article.objects.get(pk=article_id)
    _require_now(user, "editorial.edit_article", article, "edit",
                 _("这篇文章现在不能修改（状态：%(state)s）。") % {"state": article.get_state_display()})
    EditingPresence.objects.update_or_create(
        user=user, article_id=article_id, defaults={"seen_at": timezone.now()}
    )
