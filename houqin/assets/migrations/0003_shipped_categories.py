"""Load the asset classification shipped with Houqin (the GB/T 14885-2022 门类 and the classes
schools use most), so a new installation can register property at once. It calls the import
service itself: the same validation as `houqin import_categories`, at the schema of this release."""

from django.db import migrations


def load_categories(apps, schema_editor):
    from houqin.assets.models import AssetCategory
    from houqin.assets.services.categories import category_import

    if not AssetCategory.objects.exists():
        category_import()


class Migration(migrations.Migration):
    dependencies = [("assets", "0002_initial"), ("core", "0002_default_roles"), ("contenttypes", "0002_remove_content_type_name")]

    operations = [migrations.RunPython(load_categories, migrations.RunPython.noop)]
