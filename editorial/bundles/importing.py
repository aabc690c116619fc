"""Importing a bundle, all or nothing: one transaction; files it stored are removed again if
that transaction fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.db import transaction

from editorial.bundles.reading import BundleImage, ParsedArticle, ParsedBundle, bundle_read
from editorial.models import (
    Article,
    ArticleState,
    Asset,
    Issue,
    Publication,
    Section,
)
from editorial.richtext import (
    render_markdown,
    sanitize_html,
)
from editorial.services import (
    ArticleContent,
    CreditLine,
    SlugPlan,
    article_import,
    asset_store,
    issue_set_article_order,
    remove_files,
)
from editorial.slugs import slug_from_filename, slug_from_text


@dataclass
class ImportResult:
    issue: Issue | None
    created: list[str]
    updated: list[str]
    untouched: list[str]
    dry_run: bool


def _header_from_title(title: str, number: int) -> str:
    """``《大连数字贸易》季刊第 9 期`` → ``《大连数字贸易》季刊第 {number} 期`` for the next issues."""
    if title and re.search(rf"(?<!\d){number}(?!\d)", title):
        return re.sub(rf"(?<!\d){number}(?!\d)", "{number}", title, count=1)
    return ""


def _sync_sections(publication: Publication, names: list[str]) -> dict[str, Section]:
    existing = {s.name: s for s in publication.sections.all()}
    ordered = [existing.get(name) or Section(publication=publication, name=name) for name in names]
    others = [s for s in existing.values() if s.name not in set(names)]
    others.sort(key=lambda s: (s.position, s.pk))
    for position, section in enumerate(ordered + others):
        if section.pk is None or section.position != position:
            section.position = position
            section.save()
    return {s.name: s for s in ordered}


def _match_articles(issue: Issue, parsed: list[ParsedArticle]) -> dict[str, Article]:
    existing = list(issue.articles.all())
    by_key = {a.bundle_key: a for a in existing if a.bundle_key}
    by_slug = {a.slug: a for a in existing}
    matched: dict[str, Article] = {}
    used: set[int] = set()
    for item in parsed:
        article = by_key.get(item.key) or by_slug.get(slug_from_filename(item.key))
        if article is not None and article.pk not in used:
            matched[item.key] = article
            used.add(article.pk)
    return matched


def _slug_base(item: ParsedArticle) -> str:
    return slug_from_filename(item.key) or slug_from_text(item.title)


def _import(bundle: ParsedBundle, *, user, state: str,
            written: list[str]) -> ImportResult:
    publication, created_pub = Publication.objects.get_or_create(
        slug=bundle.publication_slug,
        defaults={
            "name": bundle.publication,
            "running_header": _header_from_title(bundle.title, bundle.number),
        },
    )
    if not created_pub and publication.name != bundle.publication:
        publication.name = bundle.publication
        publication.save(update_fields=["name"])
    sections = _sync_sections(publication, bundle.sections)

    assets: dict[str, Asset] = {}

    def asset_for(image: BundleImage) -> Asset:
        if image.path not in assets:
            assets[image.path] = asset_store(
                data=image.data, original_name=PurePosixPath(image.path).name, user=user,
                written=written,
            )
        return assets[image.path]

    issue, _created = Issue.objects.select_for_update().get_or_create(
        publication=publication, number=bundle.number
    )
    issue.title = bundle.title
    issue.cover_date = bundle.date
    issue.editor_note = bundle.editor_note_html
    issue.cover_image = asset_for(bundle.cover_image) if bundle.cover_image else None
    issue.save()

    matched = _match_articles(issue, bundle.articles)
    # The new articles' slugs from one query, however many ``slug-<n>`` the archive holds.
    slugs = SlugPlan(_slug_base(item) for item in bundle.articles if item.key not in matched)
    result = ImportResult(issue, [], [], [], dry_run=False)
    ordered: list[Article] = []
    for item in bundle.articles:
        for token, image in item.images:
            token.attrSet("src", asset_for(image).file.url)
        content = ArticleContent(
            title=item.title, subtitle=item.subtitle, summary=item.summary, source=item.source,
            body=sanitize_html(render_markdown(item.tokens)), section=sections[item.section],
            issue=issue, tags=tuple(sorted(dict.fromkeys(item.tags))),
            lead_image=asset_for(item.lead_image) if item.lead_image else None,
            # The bundle's author_note is the affiliation and position line printed with the
            # byline: contributors are matched on name and it, as the workspace matches them.
            credits=tuple(CreditLine(name, item.author_note, item.author_note)
                          for name in item.authors),
        )
        article = matched.get(item.key)
        (result.updated if article else result.created).append(item.file)
        ordered.append(article_import(
            user=user, content=content, bundle_key=item.key, article=article, state=state,
            slug=_slug_base(item), slugs=slugs,
        ))
    issue_set_article_order(issue=issue, articles=ordered)
    result.untouched = [a.title for a in issue.articles.exclude(pk__in=[a.pk for a in ordered])]
    return result


def bundle_import(*, directory: Path | str, user=None, dry_run: bool = False,
                  state: str = ArticleState.APPROVED) -> ImportResult:
    """Import (or re-import) a bundle, all or nothing. Raises ``BundleError`` listing problems."""
    bundle = bundle_read(directory)
    if dry_run:
        return ImportResult(None, [a.file for a in bundle.articles], [], [], dry_run=True)
    written: list[str] = []
    try:
        with transaction.atomic():
            return _import(bundle, user=user, state=state, written=written)
    except BaseException:
        remove_files(written)
        raise
