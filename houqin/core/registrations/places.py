"""The organisation and places surface: schools, departments, campuses, buildings, rooms, semesters."""

from ..api.org import SemesterViewSet
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
from ..services.places import (
    building_create,
    building_update,
    department_create,
    department_update,
    room_create,
    room_update,
    semester_create,
    semester_update,
)
from ..tables.places import BuildingTable, CampusTable, DepartmentTable, RoomTable, SchoolTable, SemesterTable
from ..views.org import DepartmentDetailView, SchoolDetailView, SchoolEditView
from ..views.places import (
    BuildingDetailView,
    CampusDetailView,
    RoomDetailView,
    RoomQRSheetView,
    RoomQRSvgView,
    RoomQRView,
    SemesterDetailView,
    SemesterListView,
)

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
    views={"detail": SchoolDetailView, "add": SchoolEditView, "edit": SchoolEditView},
    detail_template="core/org/school_detail.html",
)
registry.register(
    Department,
    filterset=DepartmentFilterSet,
    table=DepartmentTable,
    form=DepartmentForm,
    serializer=DepartmentSerializer,
    select_related=("school", "head"),
    create_service=department_create,
    update_service=department_update,
    views={"detail": DepartmentDetailView},
    detail_template="core/org/department_detail.html",
)
registry.register(
    Campus,
    url_prefix="campuses",
    filterset=CampusFilterSet,
    table=CampusTable,
    form=CampusForm,
    serializer=CampusSerializer,
    select_related=("school",),
    views={"detail": CampusDetailView},
    detail_template="core/places/campus_detail.html",
)
registry.register(
    Building,
    filterset=BuildingFilterSet,
    table=BuildingTable,
    form=BuildingForm,
    serializer=BuildingSerializer,
    select_related=("school", "campus"),
    create_service=building_create,
    update_service=building_update,
    views={"detail": BuildingDetailView},
    detail_template="core/places/building_detail.html",
)
registry.register(
    Room,
    filterset=RoomFilterSet,
    table=RoomTable,
    form=RoomForm,
    serializer=RoomSerializer,
    select_related=("school", "building", "responsible", "department"),
    create_service=room_create,
    update_service=room_update,
    views={"detail": RoomDetailView},
    detail_template="core/places/room_detail.html",
    list_template="core/places/room_list.html",
    extra_views={
        "qr": ("<int:pk>/qr/", RoomQRView),
        "qr_svg": ("<int:pk>/qr.svg", RoomQRSvgView),
        "qr_sheet": ("qr-sheet/", RoomQRSheetView),
    },
)
registry.register(
    Semester,
    filterset=SemesterFilterSet,
    table=SemesterTable,
    form=SemesterForm,
    serializer=SemesterSerializer,
    select_related=("school",),
    create_service=semester_create,
    update_service=semester_update,
    views={"list": SemesterListView, "detail": SemesterDetailView},
    api_viewset=SemesterViewSet,
)
