"""Places: room/building rules, the room page and its QR code, campus and building pages, the API."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from houqin.core.models import Building, ChangeAction, ChangeLogEntry, Role, Room
from houqin.core.qr import qr_svg_document, qr_svg_inline, room_qr_path
from houqin.core.services.places import building_create, building_update, room_create, room_update
from houqin.core.tests.factories import (
    BuildingFactory,
    CampusFactory,
    DepartmentFactory,
    RoomFactory,
    make_school,
    member,
)

BACKEND = "houqin.core.auth.MembershipBackend"


def login(client, user):
    client.force_login(user, backend=BACKEND)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def guest_a(school_a):
    """A member of school A whose role may see no place."""
    user = member(school_a, "teacher", username="guest_a")
    user.memberships.update(
        role=Role.objects.create(code="guest", name="Guest", permissions=["core.view_school"])
    )
    return user


@pytest.fixture
def building_a(school_a):
    return BuildingFactory(school=school_a, name="教学楼", campus=CampusFactory(school=school_a, name="本部"))


# --- services --------------------------------------------------------------------------------


def test_room_create_in_a_building_of_the_school(school_a, head_a, teacher_a, building_a):
    dept = DepartmentFactory(school=school_a, name="教务处")
    room = room_create(
        actor=head_a,
        school=school_a,
        data={
            "building": building_a,
            "number": "201",
            "kind": "lab",
            "capacity": 50,
            "responsible": teacher_a,
            "department": dept,
        },
    )
    assert (room.school, room.building, room.kind, room.capacity, room.responsible, room.department) == (
        school_a,
        building_a,
        "lab",
        50,
        teacher_a,
        dept,
    )
    entry = ChangeLogEntry.objects.get(content_type__model="room", object_id=str(room.pk))
    assert (entry.action, entry.actor_id, entry.school_id) == (ChangeAction.CREATE, head_a.pk, school_a.pk)


def test_room_created_at_district_scope_belongs_to_the_buildings_school(
    district, school_a, supervisor, building_a
):
    admin_d = member(district, "admin", username="admin_d")
    room = room_create(actor=admin_d, school=district, data={"building": building_a, "number": "202"})
    assert room.school == school_a


@pytest.mark.parametrize(
    "field",
    ["building", "responsible", "department", "responsible_x"],
)
def test_room_create_refuses_parts_of_another_school(
    field, school_a, school_b, head_a, head_b, head_x, building_a
):
    data = {"building": building_a, "number": "201"}
    if field == "building":
        data["building"] = BuildingFactory(school=school_b)
    elif field == "responsible":
        data["responsible"] = head_b
    elif field == "responsible_x":
        data["responsible"] = head_x
    else:
        data["department"] = DepartmentFactory(school=school_b)
    rooms, logs = Room.objects.count(), ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        room_create(actor=head_a, school=school_a, data=data)
    assert list(exc.value.error_dict) == [field.removesuffix("_x")]
    assert (Room.objects.count(), ChangeLogEntry.objects.count()) == (rooms, logs)


def test_room_create_needs_permission_and_unique_number(school_a, teacher_a, head_a, building_a):
    with pytest.raises(PermissionDenied):
        room_create(actor=teacher_a, school=school_a, data={"building": building_a, "number": "201"})
    room_create(actor=head_a, school=school_a, data={"building": building_a, "number": "201"})
    with pytest.raises(ValidationError):
        room_create(actor=head_a, school=school_a, data={"building": building_a, "number": "201"})
    assert Room.objects.count() == 1


def test_room_update_keeps_the_room_in_its_school(school_a, school_b, head_a, building_a):
    room = RoomFactory(school=school_a, building=building_a, number="101")
    with pytest.raises(ValidationError) as exc:
        room_update(
            actor=head_a, instance=room, data={"building": BuildingFactory(school=school_b), "number": "102"}
        )
    assert list(exc.value.error_dict) == ["building"]
    room.refresh_from_db()
    assert (room.building, room.number) == (building_a, "101")
    room_update(actor=head_a, instance=room, data={"number": "102", "capacity": 30})
    room.refresh_from_db()
    assert (room.number, room.capacity) == ("102", 30)


def test_building_campus_must_be_of_the_school(school_a, school_b, head_a, building_a):
    with pytest.raises(ValidationError) as exc:
        building_create(
            actor=head_a, school=school_a, data={"campus": CampusFactory(school=school_b), "name": "新楼"}
        )
    assert list(exc.value.error_dict) == ["campus"]
    with pytest.raises(ValidationError):
        building_update(actor=head_a, instance=building_a, data={"campus": CampusFactory(school=school_b)})
    assert Building.objects.count() == 1
    new = building_create(
        actor=head_a, school=school_a, data={"campus": building_a.campus, "name": "新楼", "floors": 4}
    )
    assert (new.school, new.floors) == (school_a, 4)


# --- the room page and its QR code -----------------------------------------------------------


def test_room_page_shows_the_room_and_its_qr(client, school_a, head_a, teacher_a, building_a, settings):
    settings.SITE_URL = "https://houqin.example.cn/"
    dept = DepartmentFactory(school=school_a, name="教务处")
    room = RoomFactory(
        school=school_a,
        building=building_a,
        number="305",
        name="物理实验室",
        kind="lab",
        floor=3,
        capacity=48,
        responsible=teacher_a,
        department=dept,
    )
    response = login(client, head_a).get(f"/core/rooms/{room.pk}/")
    assert response.status_code == 200
    url = f"https://houqin.example.cn{room_qr_path(room)}"
    assert response.context["room_url"] == url
    html = response.content.decode()
    assert qr_svg_inline(url) in html
    for text in ("教学楼", "305", "物理实验室", "Laboratory", "48", teacher_a.full_name, "教务处"):
        assert text in html
    assert f'href="/core/rooms/{room.pk}/qr/"' in html
    assert f'href="/core/rooms/{room.pk}/qr.svg"' in html


def test_room_qr_opens_the_plugged_in_target_else_the_room_page(school_a, building_a, monkeypatch):
    from houqin.core import qr

    room = RoomFactory(school=school_a, building=building_a)
    # The repairs app plugs in its public entry (a member goes on to the room's page).
    assert room_qr_path(room).startswith("/maintenance/r/")
    monkeypatch.setattr(qr, "_room_target", None)
    assert room_qr_path(room) == f"/core/rooms/{room.pk}/"


def test_room_qr_uses_the_request_host_without_site_url(client, school_a, head_a, building_a, settings):
    settings.SITE_URL = ""
    room = RoomFactory(school=school_a, building=building_a)
    response = login(client, head_a).get(f"/core/rooms/{room.pk}/")
    assert response.context["room_url"] == f"http://testserver{room_qr_path(room)}"


def test_room_pages_anonymous_forbidden_foreign(client, school_a, head_x, guest_a, building_a):
    room = RoomFactory(school=school_a, building=building_a)
    for suffix in ("", "qr/", "qr.svg"):
        url = f"/core/rooms/{room.pk}/{suffix}"
        response = client.get(url)
        # A phone scanning the label logs in first and comes back to the room.
        assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={url}"
        assert login(client, head_x).get(url).status_code == 404
        assert login(client, guest_a).get(url).status_code == 403
        client.logout()


def test_room_qr_label_page(client, school_a, head_a, building_a, settings):
    settings.SITE_URL = "https://houqin.example.cn"
    room = RoomFactory(school=school_a, building=building_a, number="305")
    response = login(client, head_a).get(f"/core/rooms/{room.pk}/qr/")
    assert response.status_code == 200
    html = response.content.decode()
    assert qr_svg_inline(f"https://houqin.example.cn{room_qr_path(room)}") in html
    assert '<div class="qr-school">黄竹林学校</div>' in html
    assert '<div class="qr-building">教学楼</div>' in html
    assert '<div class="qr-number">305</div>' in html
    assert "data-print" in html
    assert html.count('class="qr-label"') == 1


def test_room_qr_svg(client, school_a, head_a, building_a, settings):
    settings.SITE_URL = "https://houqin.example.cn"
    room = RoomFactory(school=school_a, building=building_a, number="305")
    response = login(client, head_a).get(f"/core/rooms/{room.pk}/qr.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content == qr_svg_document(
        f"https://houqin.example.cn{room_qr_path(room)}", title=str(room)
    )
    assert response.content.startswith(
        b'<?xml version="1.0" encoding="utf-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"'
    )
    room.name = "<script>x</script>"
    room.save()
    escaped = "<title>教学楼 305 &lt;script&gt;x&lt;/script&gt;</title>".encode()
    assert escaped in client.get(f"/core/rooms/{room.pk}/qr.svg").content


def test_room_qr_sheet_prints_a_buildings_rooms(client, school_a, school_x, head_a, building_a):
    rooms = [RoomFactory(school=school_a, building=building_a, number=n) for n in ("101", "102", "201")]
    RoomFactory(school=school_a, number="999")  # another building
    foreign = BuildingFactory(school=school_x)
    login(client, head_a)
    response = client.get(f"/core/rooms/qr-sheet/?building={building_a.pk}")
    assert response.status_code == 200
    assert [label["room"] for label in response.context["labels"]] == rooms
    html = response.content.decode()
    assert html.count('class="qr-label"') == 3 and "999" not in html
    prompt = client.get("/core/rooms/qr-sheet/")
    assert prompt.context["labels"] == [] and "Choose a building" in prompt.content.decode()
    assert client.get(f"/core/rooms/qr-sheet/?building={foreign.pk}").context["labels"] == []


def test_room_qr_sheet_needs_permission(client, school_a, guest_a):
    assert client.get("/core/rooms/qr-sheet/").status_code == 302
    assert login(client, guest_a).get("/core/rooms/qr-sheet/").status_code == 403


# --- campus and building pages ---------------------------------------------------------------


def test_campus_page_lists_buildings_building_page_lists_rooms(
    client, school_a, head_a, building_a, teacher_a
):
    other = BuildingFactory(school=school_a, campus=building_a.campus, name="办公楼")
    r1 = RoomFactory(school=school_a, building=building_a, number="102", floor=1, responsible=teacher_a)
    r2 = RoomFactory(school=school_a, building=building_a, number="201", floor=2)
    RoomFactory(school=school_a, building=other, number="301")
    login(client, head_a)
    response = client.get(reverse("core:campus_detail", args=[building_a.campus.pk]))
    assert response.status_code == 200
    assert [(b.name, b.n_rooms) for b in response.context["buildings"]] == [("办公楼", 1), ("教学楼", 2)]
    response = client.get(f"/core/buildings/{building_a.pk}/")
    assert response.status_code == 200
    assert list(response.context["rooms"]) == [r1, r2]
    html = response.content.decode()
    assert f'href="/core/rooms/{r1.pk}/"' in html and "301" not in html
    assert f'href="/core/rooms/qr-sheet/?building={building_a.pk}"' in html


def test_other_schools_user_gets_404_on_places(client, school_a, head_x, building_a):
    room = RoomFactory(school=school_a, building=building_a)
    dept = DepartmentFactory(school=school_a)
    login(client, head_x)
    for url in (
        f"/core/rooms/{room.pk}/",
        f"/core/rooms/{room.pk}/edit/",
        f"/core/buildings/{building_a.pk}/",
        reverse("core:campus_detail", args=[building_a.campus.pk]),
        f"/core/departments/{dept.pk}/",
        f"/api/core/rooms/{room.pk}/",
        f"/api/core/buildings/{building_a.pk}/",
    ):
        assert client.get(url).status_code == 404, url


def test_room_edit_page_refuses_a_foreign_responsible(client, school_a, head_a, head_b, building_a):
    room = RoomFactory(school=school_a, building=building_a, number="101")
    response = login(client, head_a).post(
        f"/core/rooms/{room.pk}/edit/",
        {
            "building": building_a.pk,
            "number": "101",
            "kind": "office",
            "floor": 1,
            "capacity": 2,
            "responsible": head_b.pk,
        },
    )
    assert response.status_code == 400
    room.refresh_from_db()
    assert (room.kind, room.responsible) == ("classroom", None)


# --- the API ---------------------------------------------------------------------------------


def test_api_room_list_returns_scope_rows_only(client, school_a, school_b, head_a, building_a):
    mine = RoomFactory(school=school_a, building=building_a, number="101")
    RoomFactory(school=school_b, number="102")
    response = login(client, head_a).get("/api/core/rooms/")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    assert data["results"][0] == {
        "id": mine.pk,
        "school": school_a.pk,
        "building": building_a.pk,
        "building_name": "教学楼",
        "number": "101",
        "name": "",
        "kind": "classroom",
        "floor": 1,
        "capacity": 45,
        "area": None,
        "responsible": None,
        "responsible_name": None,
        "department": None,
        "is_active": True,
    }


def test_api_room_create(client, school_a, school_b, school_x, head_a, head_b, teacher_a, building_a):
    login(client, head_a)
    ok = client.post(
        "/api/core/rooms/",
        {"building": building_a.pk, "number": "401", "kind": "office", "responsible": teacher_a.pk},
        content_type="application/json",
    )
    assert ok.status_code == 201
    room = Room.objects.get(number="401")
    assert (room.school, room.responsible, ok.json()["responsible_name"]) == (
        school_a,
        teacher_a,
        teacher_a.full_name,
    )
    rooms = Room.objects.count()
    for building in (BuildingFactory(school=school_b), BuildingFactory(school=school_x)):
        bad = client.post(
            "/api/core/rooms/", {"building": building.pk, "number": "402"}, content_type="application/json"
        )
        assert bad.status_code == 400 and list(bad.json()) == ["building"]
    bad = client.post(
        "/api/core/rooms/",
        {"building": building_a.pk, "number": "403", "responsible": head_b.pk},
        content_type="application/json",
    )
    assert bad.status_code == 400 and list(bad.json()) == ["responsible"]
    assert Room.objects.count() == rooms


def test_api_room_create_forbidden(client, school_a, teacher_a, building_a):
    response = login(client, teacher_a).post(
        "/api/core/rooms/", {"building": building_a.pk, "number": "401"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert client.logout() is None and client.get("/api/core/rooms/").status_code in (401, 403)
    assert not Room.objects.exists()


def test_page_and_api_return_the_same_rows(client, school_a, school_b, supervisor, building_a):
    other = BuildingFactory(school=school_a, campus=building_a.campus, name="宿舍楼")
    RoomFactory(school=school_a, building=building_a, number="101", kind="classroom")
    RoomFactory(school=school_a, building=building_a, number="102", kind="office")
    RoomFactory(school=school_a, building=other, number="103", kind="office")
    RoomFactory(school=school_b, number="104", kind="office")
    login(client, supervisor)
    for query in (
        "kind=office",
        f"building={building_a.pk}",
        "q=10",
        f"school={school_b.pk}&kind=office",
        "",
    ):
        page = client.get(f"/core/rooms/?{query}")
        api = client.get(f"/api/core/rooms/?{query}")
        page_ids = sorted(r.pk for r in page.context["table"].data)
        api_ids = sorted(r["id"] for r in api.json()["results"])
        assert page_ids == api_ids, query
    assert len(page_ids) == 4


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_room_list_query_count_does_not_grow(
    client, school_a, head_a, teacher_a, building_a, django_assert_max_num_queries
):
    dept = DepartmentFactory(school=school_a)
    for _ in range(5):
        RoomFactory(school=school_a, building=building_a, responsible=teacher_a, department=dept)
    login(client, head_a)
    page_5, api_5 = _count(client, "/core/rooms/"), _count(client, "/api/core/rooms/")
    for _ in range(20):
        RoomFactory(school=school_a, responsible=teacher_a, department=dept)
    assert (_count(client, "/core/rooms/"), _count(client, "/api/core/rooms/")) == (page_5, api_5)
    # Session, user, access (4), the count, the rows, the filter choices (4), the header's counters.
    with django_assert_max_num_queries(17):
        client.get("/core/rooms/")
    # Session, user, access (4), the count, the rows.
    with django_assert_max_num_queries(9):
        client.get("/api/core/rooms/")


def test_teaching_point_rooms_show_in_the_schools_list(client, school_a, head_a):
    point = make_school("李家教学点", kind="teaching_point", parent=school_a)
    room = RoomFactory(school=point)
    response = login(client, head_a).get("/core/rooms/?kind=classroom")
    assert [r.pk for r in response.context["table"].data] == [room.pk]
    assert 'href="/core/rooms/qr-sheet/?kind=classroom" id="print-labels"' in response.content.decode()
    partial = client.get("/core/rooms/?kind=office", HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<div id="results">') and f"/core/rooms/{room.pk}/" not in partial
