"""The card list's order by the school's id (index-served), and on PostgreSQL a trigram index for
the search box (search_text LIKE '%tyy%' over a district's cards without reading them all)."""

from django.db import migrations

TRIGRAM_INDEX = "asset_search_trgm"


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite scans one school's cards fast enough; it has no trigram indexes
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON assets_asset USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("assets", "0004_asset_import")]

    operations = [
        migrations.AlterModelOptions(
            name="asset",
            options={"ordering": ["school_id", "code"], "verbose_name": "asset", "verbose_name_plural": "assets"},
        ),
        migrations.RunPython(trigram_index, drop_trigram_index, elidable=False),
    ]
