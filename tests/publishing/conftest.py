"""Fixtures of the print renderer's tests: one rendered issue shared by a whole module."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings

from publishing.rendering import issue_pdf_bytes
from tests.publishing.print_fixtures import PrintIssue, ReadPdf, build_print_issue, read_pdf


@dataclass
class ArticleFacts:
    title: str
    section: str
    source: str


@dataclass
class Printed:
    """What a module's tests need after the database work was rolled back."""

    pdf: ReadPdf
    articles: list[ArticleFacts]
    sections: list[str]
    draft_title: str
    subheadings: list[str]
    content_text: str
    tags: list[str]
    title: str
    publisher: str


def _restart_sequences() -> None:
    """PostgreSQL does not roll sequences back: set them to follow the rows that exist, so an
    issue built again after a rollback gets the same ids (which print as link anchors)."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(sql)


def render_rolled_back(tmp_path_factory, build: Callable[[], PrintIssue],
                       render: Callable = issue_pdf_bytes) -> Printed:
    """Build an issue, render it and roll the database back: expensive, so once per module.

    The module's tests must carry the ``django_db`` mark: pytest-django only creates the test
    database when a collected test asks for it.
    """
    assert "test" in str(connection.settings_dict["NAME"]), "not the test database"
    media = tmp_path_factory.mktemp("print-media")
    editions = tmp_path_factory.mktemp("print-editions")
    with override_settings(MEDIA_ROOT=str(media), EDITIONS_ROOT=str(editions)), \
            transaction.atomic():
        _restart_sequences()
        built = build()
        data = render(built.issue)
        facts = [ArticleFacts(a.title, a.section.name, a.source) for a in built.articles]
        printed = Printed(
            pdf=read_pdf(data), articles=facts,
            sections=list(dict.fromkeys(f.section for f in facts)),
            draft_title=built.draft_title, subheadings=built.subheadings,
            content_text=built.content_text, tags=built.tags,
            title=built.issue.display_title, publisher=built.issue.publication.publisher,
        )
        transaction.set_rollback(True)
    return printed


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker, tmp_path_factory) -> Printed:
    """The test issue (publication 大连数字贸易, issue 9, A4) as a rendered PDF."""
    with django_db_blocker.unblock():
        return render_rolled_back(tmp_path_factory, build_print_issue)

