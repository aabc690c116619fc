"""Search by character grams (docs/search.md): the grams column, filled for existing entries,
its GIN index on PostgreSQL, and the trigram indexes of 0002 dropped (no query used them)."""

from django.db import migrations

import publishing.models

TRIGRAM_COLUMNS = ["title", "authors", "tags", "body_text"]
GIN_INDEX = "publishing_searchentry_grams_gin"


def fill_grams(apps, schema_editor):
    from publishing.library.grams import text_grams

    SearchEntry = apps.get_model("publishing", "SearchEntry")
    entries = SearchEntry.objects.only("title", "authors", "tags", "body_text")
    for entry in entries.iterator(chunk_size=500):
        entry.grams = text_grams(entry.title, entry.authors, entry.tags, entry.body_text)
        entry.save(update_fields=["grams"])


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS publishing_searchentry_{column}_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON publishing_searchentry USING gin (grams)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in TRIGRAM_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS publishing_searchentry_{column}_trgm "
            f"ON publishing_searchentry USING gin ({column} gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("publishing", "0006_read")]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="grams",
            field=publishing.models.GramsField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_grams, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_index, drop_index),
    ]
