"""Bundle import picks new articles' slugs from one query per issue: an archive where every
slug of the bundle is already taken 30 times (``slug``, ``slug-2`` … ``slug-30``) costs the
same queries as one where none is (it cost one query per candidate: 320 → 3,900 per issue)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from editorial.bundles import bundle_import
from editorial.models import Article
from editorial.services import SlugPlan, article_slugs_taken
from editorial.services import articles as article_services
from tests.editorial.conftest import ISSUE_YAML, write_bundle
from tests.factories import ArticleFactory, PublicationFactory, SectionFactory

pytestmark = pytest.mark.django_db

BASES = ["li-xilin-advantages", "ai-export-limits", "association-news"]


def _elsewhere(slug: str) -> Article:
    """An article of another publication, in no issue: it holds a slug and nothing else the
    import reads."""
    section = SectionFactory(publication=PublicationFactory(slug="elsewhere", name="别刊"))
    return ArticleFactory(slug=slug, issue=None, section=section)


def _bundle(root: Path, number: int) -> Path:
    return write_bundle(root / f"bundle-{number}",
                        issue_yaml=ISSUE_YAML.replace("number: 9", f"number: {number}"))


def _imported_queries(root: Path, number: int) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        result = bundle_import(directory=_bundle(root, number))
    slugs = sorted(result.issue.articles.values_list("slug", flat=True))
    return len(queries), slugs


def test_slugs_taken_thirty_times_cost_no_more_queries_than_free_ones(tmp_path):
    # Contributors, tags, sections and images exist from a first import; its slugs are moved
    # out of the way, so the next import finds every base free.
    first = bundle_import(directory=_bundle(tmp_path, 1)).issue
    for article in first.articles.all():
        Article.objects.filter(pk=article.pk).update(slug=f"moved-{article.pk}")
    free_count, free_slugs = _imported_queries(tmp_path, 2)
    assert free_slugs == sorted(BASES)

    for base in BASES:  # base itself is taken by issue 2; now -2 … -30 as well
        for n in range(2, 31):
            _elsewhere(f"{base}-{n}")
    taken_count, taken_slugs = _imported_queries(tmp_path, 3)
    assert taken_slugs == sorted(f"{base}-31" for base in BASES)
    assert taken_count == free_count


def test_one_query_answers_for_every_base_and_ignores_look_alikes(django_assert_num_queries):
    for slug in ["news", "news-2", "news-4", "newsletter", "other", "other-x-2"]:
        _elsewhere(slug)
    with django_assert_num_queries(1):
        plan = SlugPlan(["news", "other", "fresh"])
    assert [plan.take("news"), plan.take("news"), plan.take("other"), plan.take("fresh")] == [
        "news-3", "news-5", "other-2", "fresh"]
    assert article_slugs_taken([]) == set()


def test_a_slug_taken_by_a_concurrent_import_is_taken_again_in_a_savepoint(tmp_path,
                                                                            monkeypatch):
    """The plan was made before another writer inserted ``association-news``: the insert
    clashes on the unique constraint, the savepoint is rolled back and the next free slug
    is asked for; the rest of the import goes on in its transaction."""
    real_take = SlugPlan.take
    raced: list[str] = []

    def take_then_race(self, base):
        slug = real_take(self, base)
        if base == "association-news" and not raced:
            raced.append(slug)
            _elsewhere(slug)  # committed "by someone else" after our query
        return slug

    monkeypatch.setattr(article_services.SlugPlan, "take", take_then_race)
    issue = bundle_import(directory=_bundle(tmp_path, 4)).issue
    assert raced == ["association-news"]
    assert sorted(issue.articles.values_list("slug", flat=True)) == [
        "ai-export-limits", "association-news-2", "li-xilin-advantages"]


def test_a_clash_on_another_constraint_is_not_mistaken_for_a_slug_clash(tmp_path, monkeypatch):
    def clash(**kwargs):
        raise IntegrityError("UNIQUE constraint failed: something else")

    monkeypatch.setattr(article_services, "_article_import_into", clash)
    with pytest.raises(IntegrityError), transaction.atomic():
        bundle_import(directory=_bundle(tmp_path, 5))
    assert not Article.objects.exists()
