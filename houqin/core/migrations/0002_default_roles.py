"""The default roles (校长, 总务主任, 保管员 …) every installation starts with."""

from django.conf import settings
from django.db import migrations
from django.utils import translation


def create_default_roles(apps, schema_editor):
    from houqin.core.permissions import DEFAULT_ROLES

    Role = apps.get_model("core", "Role")
    with translation.override(settings.LANGUAGE_CODE):
        for order, (code, name, patterns) in enumerate(DEFAULT_ROLES):
            Role.objects.get_or_create(
                code=code, defaults={"name": str(name), "permissions": list(patterns), "sort_order": order}
            )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_default_roles, migrations.RunPython.noop)]
