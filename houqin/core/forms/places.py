from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Building, Campus, Department, Room, School, SchoolKind, Semester
from . import ScopedModelForm


class SchoolForm(ScopedModelForm):
    """A node of the tree. When adding, the parent is the active scope or a node below it;
    when editing, the kind and the place in the tree stay as they are."""

    class Meta:
        model = School
        fields = [
            "parent",
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["parent"]
            self.fields["kind"].disabled = True
            return
        parent = self.fields["parent"]
        parent.queryset = (
            parent.queryset.in_scope(self.school).exclude(kind=SchoolKind.TEACHING_POINT).order_by("path")
            if self.school is not None
            else parent.queryset.none()
        )
        parent.required = False
        parent.empty_label = None
        parent.help_text = _("The new unit is placed under this one.")
        if not self.initial.get("parent") and self.school is not None:
            self.initial["parent"] = self.school.pk


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
