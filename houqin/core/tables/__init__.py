"""Table base class: the first column links to the object; exports use the same columns."""

import django_tables2 as tables


class ObjectTable(tables.Table):
    export_exclude: tuple = ("actions",)

    class Meta:
        attrs = {"class": "table"}
        per_page = 50
