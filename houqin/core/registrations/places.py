"""The organisation and places surface: schools, departments, campuses, buildings, rooms, semesters."""

from ..api.serializers import (
    BuildingSerializer,
    CampusSerializer,
    DepartmentSerializer,
    RoomSerializer,
    SchoolSerializer,
    SemesterSerializer,
)
from ..filtersets.places import (
    BuildingFilterSet,
    CampusFilterSet,
    DepartmentFilterSet,
    RoomFilterSet,
    SchoolFilterSet,
    SemesterFilterSet,
)
from ..forms.places import BuildingForm, CampusForm, DepartmentForm, RoomForm, SchoolForm, SemesterForm
from ..models import Building, Campus, Department, Room, School, Semester
from ..registry import registry
from ..services.org import school_create_from_form, school_update
from ..tables.places import BuildingTable, CampusTable, DepartmentTable, RoomTable, SchoolTable, SemesterTable

registry.register(
    School,
    filterset=SchoolFilterSet,
    table=SchoolTable,
    form=SchoolForm,
    serializer=SchoolSerializer,
    select_related=("parent",),
    create_service=school_create_from_form,
    update_service=school_update,
    api_actions=("list", "retrieve", "update", "partial_update"),
)
registry.register(
    Department,
    filterset=DepartmentFilterSet,
    table=DepartmentTable,
    form=DepartmentForm,
    serializer=DepartmentSerializer,
    select_related=("school", "head"),
)
registry.register(
    Campus,
    filterset=CampusFilterSet,
    table=CampusTable,
    form=CampusForm,
    serializer=CampusSerializer,
    select_related=("school",),
)
registry.register(
    Building,
    filterset=BuildingFilterSet,
    table=BuildingTable,
    form=BuildingForm,
    serializer=BuildingSerializer,
    select_related=("school", "campus"),
)
registry.register(
    Room,
    filterset=RoomFilterSet,
    table=RoomTable,
    form=RoomForm,
    serializer=RoomSerializer,
    select_related=("school", "building", "responsible", "department"),
)
registry.register(
    Semester,
    filterset=SemesterFilterSet,
    table=SemesterTable,
    form=SemesterForm,
    serializer=SemesterSerializer,
    select_related=("school",),
)
