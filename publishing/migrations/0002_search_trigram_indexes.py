"""Trigram indexes for Chinese search on PostgreSQL; nothing to do on SQLite."""

from django.db import migrations

INDEXED = ["title", "authors", "tags", "body_text"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in INDEXED:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS publishing_searchentry_{column}_trgm "
            f"ON publishing_searchentry USING gin ({column} gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in INDEXED:
        schema_editor.execute(f"DROP INDEX IF EXISTS publishing_searchentry_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("publishing", "0001_library")]
    operations = [migrations.RunPython(create, drop)]
