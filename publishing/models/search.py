"""The library's search index: one row of character grams per article (``docs/search.md``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from editorial.models import Issue


class GramsField(models.TextField):
    """Search grams (``publishing.library.grams``): a ``tsvector`` on PostgreSQL, written from
    the space-separated grams without the text parser (``array_to_tsvector``) and GIN-indexed;
    the same text elsewhere (SQLite searches the columns themselves)."""

    def db_type(self, connection) -> str:
        return "tsvector" if connection.vendor == "postgresql" else super().db_type(connection)

    def get_placeholder(self, value, compiler, connection) -> str:
        if connection.vendor == "postgresql":
            return "array_to_tsvector(string_to_array(%s, ' '))"
        return "%s"


class SearchEntry(models.Model):
    """The plain text of a published article, written when its issue is published.

    Searching plain text (not stored HTML) means markup never matches. ``grams`` holds every
    character and character pair of the text (docs/search.md); on PostgreSQL a GIN index on it
    serves every search (migration 0005), whatever the length of the word.
    """

    article = models.OneToOneField(
        "editorial.Article", on_delete=models.CASCADE, related_name="search_entry"
    )
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="search_entries")
    title = models.TextField()
    authors = models.TextField(blank=True)
    tags = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    grams = GramsField(blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("检索条目")
        verbose_name_plural = _("检索条目")

    def __str__(self) -> str:
        return self.title
