"""Hostile article bodies (tests/hostile/bodies): the sanitiser bounds table spans and nesting
depth, whatever made the body, and nothing that walks a body afterwards fails."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from editorial import services
from editorial.diffing import body_text, inline_diff
from editorial.models import Article
from editorial.richtext import html_to_markdown, nesting_depth, plain_text, sanitize_html
from tests.editorial import factories_workspace as ws
from tests.factories import EditorFactory
from tests.hostile.corpus import body, cases, load

BODIES = cases("bodies")


def _spans(html: str, name: str) -> list[int]:
    return [int(v) for v in re.findall(rf'{name}="(\d+)"', html)]


def _check_bounded(html: str, expect: dict) -> None:
    if "max_colspan" in expect:
        assert max(_spans(html, "colspan"), default=1) <= expect["max_colspan"]
    if "max_rowspan" in expect:
        assert max(_spans(html, "rowspan"), default=1) <= expect["max_rowspan"]
    if "max_depth" in expect:
        assert nesting_depth(html) <= expect["max_depth"]
    if "text" in expect:
        assert expect["text"] in plain_text(html)


@pytest.mark.parametrize("path", BODIES)
def test_the_sanitiser_bounds_spans_and_depth(path):
    case = load(path)
    clean = sanitize_html(body(case["body"]))
    _check_bounded(clean, case["expect"])
    assert sanitize_html(clean) == clean  # stable: a second pass changes nothing


@pytest.mark.parametrize("path", BODIES)
def test_tools_that_walk_a_body_do_not_recurse_to_death(path):
    raw = body(load(path)["body"])
    clean = sanitize_html(raw)
    plain_text(clean)
    inline_diff(body_text(clean), body_text(clean) + "改")
    html_to_markdown(clean)
    # A body stored before the bounds existed (never sanitised with them) exports too.
    html_to_markdown(raw if "<blockquote>" in raw or "<ul>" in raw else clean)


def test_spans_are_clamped_not_dropped():
    clean = sanitize_html('<table><tr><td colspan="1000000000" rowspan="99999">x</td>'
                          '<td colspan="3">y</td><td colspan="junk">z</td></tr></table>')
    assert '<td colspan="50" rowspan="1000">x</td>' in clean
    assert '<td colspan="3">y</td>' in clean and "<td>z</td>" in clean


def test_deep_nesting_keeps_the_outer_structure_and_all_text():
    clean = sanitize_html("<blockquote>" * 3000 + "<p>底</p>" + "</blockquote>" * 3000 + "<p>后</p>")
    assert clean.startswith("<blockquote>" * 64) and clean.count("<blockquote>") == 64
    assert clean.endswith("</blockquote><p>后</p>")
    assert "底" in plain_text(clean)


@pytest.mark.django_db
@pytest.mark.parametrize("path", BODIES)
def test_hostile_bodies_saved_in_the_editor_are_bounded_and_every_page_answers(client, path):
    case = load(path)
    editor = EditorFactory()
    article = ws.draft_article(by=editor, title="有害正文", body="<p>初稿</p>")
    client.force_login(editor)
    response = client.post(reverse("editorial:article_edit", args=[article.pk]), {
        "base_version": article.version, "title": "有害正文", "section": article.section.pk,
        "body": body(case["body"]),
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(pk=article.pk)
    _check_bounded(article.body, case["expect"])
    for url in (reverse("editorial:article_detail", args=[article.pk]),
                reverse("editorial:revision_list", args=[article.pk]),
                reverse("editorial:revision_compare", args=[article.pk]) + "?a=1&b=2",
                reverse("editorial:revision_detail", args=[article.pk, 2]),
                reverse("publishing:article_preview", args=[article.pk])):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_a_body_stored_before_the_bounds_still_shows_and_compares(client):
    """A body that reached the database unbounded (before this fix) breaks no page."""
    editor = EditorFactory()
    article = ws.draft_article(by=editor, title="旧正文")
    deep = "<blockquote>" * 3000 + "<p>深</p>" + "</blockquote>" * 3000
    Article.objects.filter(pk=article.pk).update(body=deep)
    article.revisions.update(body=deep)
    services.article_update(user=editor, article_id=article.pk, base_version=article.version,
                            content=services.ArticleContent.of_article(
                                Article.objects.get(pk=article.pk)))
    client.force_login(editor)
    for url in (reverse("editorial:article_detail", args=[article.pk]),
                reverse("editorial:revision_compare", args=[article.pk]) + "?a=1&b=2",
                reverse("publishing:article_preview", args=[article.pk])):
        assert client.get(url).status_code == 200, url
