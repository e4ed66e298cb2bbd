from django import forms

from ..models import Building, Campus, Department, Room, School, Semester
from . import ScopedModelForm


class SchoolForm(ScopedModelForm):
    class Meta:
        model = School
        fields = [
            "kind",
            "name",
            "short_name",
            "code",
            "keeps_own_books",
            "address",
            "phone",
            "principal_name",
            "pupils",
            "is_active",
        ]


class DepartmentForm(ScopedModelForm):
    class Meta:
        model = Department
        fields = ["name", "head", "is_logistics_office", "sort_order"]


class CampusForm(ScopedModelForm):
    class Meta:
        model = Campus
        fields = ["name", "address"]


class BuildingForm(ScopedModelForm):
    class Meta:
        model = Building
        fields = ["campus", "name", "floors", "built_year", "structure"]


class RoomForm(ScopedModelForm):
    class Meta:
        model = Room
        fields = [
            "building",
            "number",
            "name",
            "kind",
            "floor",
            "capacity",
            "area",
            "responsible",
            "department",
            "is_active",
        ]


class SemesterForm(ScopedModelForm):
    class Meta:
        model = Semester
        fields = ["school_year", "term", "start_date", "end_date"]
        widgets = {"start_date": forms.DateInput(), "end_date": forms.DateInput()}
