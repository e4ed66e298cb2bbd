import django_filters

from ..models import Building, Campus, Department, Room, RoomKind, School, SchoolKind, Semester
from . import ScopedFilterSet


class SchoolFilterSet(ScopedFilterSet):
    search_fields = ("name", "code", "short_name")
    kind = django_filters.ChoiceFilter(choices=SchoolKind.choices)

    class Meta:
        model = School
        fields = ["kind", "keeps_own_books"]


class DepartmentFilterSet(ScopedFilterSet):
    search_fields = ("name",)

    class Meta:
        model = Department
        fields = ["school"]


class CampusFilterSet(ScopedFilterSet):
    search_fields = ("name", "address")

    class Meta:
        model = Campus
        fields = ["school"]


class BuildingFilterSet(ScopedFilterSet):
    search_fields = ("name",)

    class Meta:
        model = Building
        fields = ["school", "campus"]


class RoomFilterSet(ScopedFilterSet):
    search_fields = ("number", "name", "building__name", "responsible__full_name")
    kind = django_filters.ChoiceFilter(choices=RoomKind.choices)

    class Meta:
        model = Room
        fields = ["school", "building", "kind", "responsible", "department", "is_active"]


class SemesterFilterSet(ScopedFilterSet):
    search_fields = ("school_year",)

    class Meta:
        model = Semester
        fields = ["school", "term"]
