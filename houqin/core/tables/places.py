import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from ..models import Building, Campus, Department, Room, School, Semester
from . import ObjectTable


class SchoolTable(ObjectTable):
    name = tables.Column(linkify=True)
    parent = tables.Column(verbose_name=_("parent"))

    class Meta(ObjectTable.Meta):
        model = School
        fields = ("name", "kind", "code", "parent", "keeps_own_books", "pupils", "principal_name")


class DepartmentTable(ObjectTable):
    name = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = Department
        fields = ("name", "school", "head", "is_logistics_office")


class CampusTable(ObjectTable):
    name = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = Campus
        fields = ("name", "school", "address")


class BuildingTable(ObjectTable):
    name = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = Building
        fields = ("name", "campus", "school", "floors", "built_year", "structure")


class RoomTable(ObjectTable):
    number = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = Room
        fields = (
            "number",
            "name",
            "building",
            "kind",
            "floor",
            "capacity",
            "responsible",
            "department",
            "school",
        )


class SemesterTable(ObjectTable):
    school_year = tables.Column(linkify=True)

    class Meta(ObjectTable.Meta):
        model = Semester
        fields = ("school_year", "term", "start_date", "end_date", "school")
