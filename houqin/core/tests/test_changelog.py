"""The change log: one entry per change with exact before/after, the History tab, the change
log page and API, and their scoping (another school's entry never shows)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from houqin.core.models import ChangeAction, ChangeLogEntry, Role, Room
from houqin.core.services.changelog import changelog_record, diff, snapshot
from houqin.core.services.objects import object_update
from houqin.core.tests.factories import RoomFactory, UserFactory, member, role

LIST = reverse("core:changelog_list")
API = "/api/core/changelog/"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def entries_of(obj):
    return ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj.__class__), object_id=str(obj.pk)
    )


def rows(response):
    """The listed entries, leaving out the fixtures' own school creations (logged too)."""
    return [e for e in response.context["table"].data if e.object_type != "core.school"]


def api_rows(response):
    return [r["id"] for r in response.json()["results"] if r["object_type"] != "core.school"]


def room_form_data(room, **changes):
    data = {
        "building": room.building_id,
        "number": room.number,
        "name": room.name,
        "kind": room.kind,
        "floor": room.floor,
        "capacity": room.capacity,
        "area": "" if room.area is None else str(room.area),
        "responsible": room.responsible_id or "",
        "department": room.department_id or "",
        "is_active": "on" if room.is_active else "",
    }
    data.update(changes)
    return data


@pytest.fixture
def room_a(school_a):
    return RoomFactory(school=school_a, number="101", name="", capacity=45)


@pytest.fixture
def edited(client, head_a, room_a):
    """Room 101 of school A edited on the generic edit page: capacity 45 → 50, named 音乐室."""
    client.force_login(head_a)
    response = client.post(
        reverse("core:room_edit", args=[room_a.pk]), room_form_data(room_a, capacity=50, name="音乐室")
    )
    assert response.status_code == 302
    client.logout()
    return entries_of(room_a).get()


# --- the service side -------------------------------------------------------------------


def test_edit_page_writes_exactly_one_entry_with_exact_changes(edited, head_a, room_a, school_a):
    room_a.refresh_from_db()
    assert entries_of(room_a).count() == 1
    assert edited.action == ChangeAction.UPDATE
    assert edited.actor == head_a
    assert edited.actor_name == str(head_a)
    assert edited.school == school_a
    assert edited.object_repr == str(room_a)
    assert edited.changes == {"capacity": [45, 50], "name": ["", "音乐室"]}


def test_unchanged_save_writes_nothing(head_a, room_a):
    object_update(actor=head_a, instance=room_a, data={"capacity": 45})
    assert not entries_of(room_a).exists()


def test_snapshot_compares_decimals_and_foreign_keys_the_same_way(school_a, room_a):
    room_a.area = Decimal("12.50")
    room_a.save()
    before = snapshot(Room.objects.get(pk=room_a.pk))  # building not loaded
    loaded = Room.objects.select_related("building").get(pk=room_a.pk)
    loaded.area = Decimal("12.5")  # what a form gives back for the same amount
    after = snapshot(loaded)
    assert before["building"] == after["building"] == str(room_a.building)
    assert before["area"] == after["area"] == "12.50"
    assert diff(before, after) == {}


def test_create_and_delete_entries_keep_values(head_a, room_a, school_a):
    created = changelog_record(actor=head_a, obj=room_a, action=ChangeAction.CREATE)
    assert created.changes["number"] == [None, "101"]
    assert created.changes["capacity"] == [None, 45]
    assert "name" not in created.changes  # empty values are not news
    deleted = changelog_record(actor=None, obj=room_a, action=ChangeAction.DELETE, before=snapshot(room_a))
    assert deleted.actor_name == "system"
    assert deleted.changes["number"] == ["101", None]


def test_change_rows_use_verbose_names_and_choice_labels(head_a, room_a):
    entry = changelog_record(
        actor=head_a,
        obj=room_a,
        action=ChangeAction.UPDATE,
        before={"kind": "classroom", "is_active": True, "attachment": None},
        after={"kind": "lab", "is_active": False, "attachment": "a.pdf"},
    )
    assert [(str(a), str(b), str(c)) for a, b, c in entry.change_rows()] == [
        ("kind", "Classroom", "Laboratory"),
        ("in use", "yes", "no"),
        ("attachment", "None", "a.pdf"),
    ]


# --- the History tab ----------------------------------------------------------------------


def test_history_tab_shows_the_change(client, edited, head_a, room_a):
    client.force_login(head_a)
    url = reverse("core:room_detail", args=[room_a.pk])
    response = client.get(url, {"tab": "history"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert "<b>capacity</b>: 45 → 50" in html
    assert "<b>name</b>: — → 音乐室" in html
    assert str(head_a) in html


def test_history_tab_htmx_returns_only_the_partial(client, edited, head_a, room_a):
    client.force_login(head_a)
    url = reverse("core:room_detail", args=[room_a.pk])
    response = client.get(url, {"tab": "history"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.strip().startswith('<div class="table-container">')
    assert "<b>capacity</b>: 45 → 50" in html


def test_history_tab_of_another_schools_room_is_404(client, edited, head_b, room_a):
    client.force_login(head_b)
    response = client.get(reverse("core:room_detail", args=[room_a.pk]), {"tab": "history"})
    assert response.status_code == 404


# --- the change log page ------------------------------------------------------------------


def test_list_anonymous_redirects_to_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_list_without_permission_is_403(client, teacher_a, edited):
    client.force_login(teacher_a)
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("core:changelog_detail", args=[edited.pk])).status_code == 403


def test_list_shows_the_entry_to_its_school(client, head_a, edited):
    client.force_login(head_a)
    response = client.get(LIST)
    assert response.status_code == 200
    assert rows(response) == [edited]
    html = response.content.decode()
    assert reverse("core:changelog_detail", args=[edited.pk]) in html
    assert "name, capacity" in html


def test_another_schools_user_sees_nothing(client, head_b, head_x, supervisor, edited):
    for user in (head_b, head_x):
        client.force_login(user)
        response = client.get(LIST)
        assert response.status_code == 200
        assert rows(response) == []
        assert client.get(reverse("core:changelog_detail", args=[edited.pk])).status_code == 404
    # The district sees its schools' changes.
    client.force_login(supervisor)
    assert rows(client.get(LIST)) == [edited]
    assert client.get(reverse("core:changelog_detail", args=[edited.pk])).status_code == 200


def test_detail_shows_before_and_after(client, head_a, edited, room_a):
    client.force_login(head_a)
    response = client.get(reverse("core:changelog_detail", args=[edited.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<th scope="row">capacity</th><td class="before">45</td><td class="after">50</td>' in html
    assert '<th scope="row">name</th><td class="before">—</td><td class="after">音乐室</td>' in html
    assert f'href="{room_a.get_absolute_url()}"' in html
    assert response.context["rows"] == [("name", None, "音乐室"), ("capacity", 45, 50)]


@pytest.fixture
def several(school_a, head_a, principal_a, room_a):
    """Three entries of school A at known times, by two people."""
    e1 = changelog_record(actor=head_a, obj=room_a, action=ChangeAction.CREATE)
    e2 = changelog_record(
        actor=principal_a, obj=room_a, action=ChangeAction.UPDATE, before={"floor": 1}, after={"floor": 2}
    )
    e3 = changelog_record(
        actor=head_a,
        obj=room_a.building,
        action=ChangeAction.UPDATE,
        before={"name": "a"},
        after={"name": "b"},
    )
    tz = timezone.get_current_timezone()
    for entry, day in ((e1, 1), (e2, 5), (e3, 9)):
        ChangeLogEntry.objects.filter(pk=entry.pk).update(time=datetime.datetime(2026, 3, day, 10, tzinfo=tz))
    return e1, e2, e3


@pytest.mark.parametrize(
    "query, expected",
    [
        ({}, [2, 1, 0]),
        ({"action": "create"}, [0]),
        ({"action": "update"}, [2, 1]),
        ({"date_from": "2026-03-05"}, [2, 1]),
        ({"date_from": "2026-03-02", "date_to": "2026-03-08"}, [1]),
        ({"q": "教学楼"}, [2, 1, 0]),
        ({"object_type": "core.building"}, [2]),
    ],
)
def test_list_filters(client, head_a, several, query, expected):
    client.force_login(head_a)
    response = client.get(LIST, query)
    assert rows(response) == [several[i] for i in expected]


def test_list_filters_by_person_and_object_type(client, head_a, principal_a, several, room_a):
    client.force_login(head_a)
    by_principal = client.get(LIST, {"actor": principal_a.pk})
    assert rows(by_principal) == [several[1]]
    ct = ContentType.objects.get_for_model(Room)
    rooms = client.get(LIST, {"content_type": ct.pk})
    assert rows(rooms) == [several[1], several[0]]


def test_list_bad_date_shows_error_and_no_rows(client, head_a, several):
    client.force_login(head_a)
    response = client.get(LIST, {"date_from": "not-a-date"})
    assert response.status_code == 200
    assert rows(response) == []
    assert "Enter a valid date." in response.content.decode()


def test_list_htmx_returns_results_only(client, head_a, several):
    client.force_login(head_a)
    response = client.get(LIST, {"action": "create"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert html.strip().startswith('<div id="results">')


def test_export_xlsx_escapes_formulas(client, head_a, room_a, several):
    changelog_record(
        actor=head_a, obj=room_a, action=ChangeAction.UPDATE, before={"name": ""}, after={"name": "x"}
    )
    ChangeLogEntry.objects.filter(action=ChangeAction.UPDATE, object_repr=str(room_a)).update(
        object_repr="=HYPERLINK(1)"
    )
    client.force_login(head_a)
    response = client.get(LIST, {"action": "update", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="changelog.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0] == ("Time", "By", "Action", "Object type", "Object", "Changed fields", "School")
    assert len(lines) == 4
    assert sorted(r[4] for r in lines[1:]) == sorted(
        ["'=HYPERLINK(1)", "'=HYPERLINK(1)", str(room_a.building)]
    )


def test_export_needs_export_permission(client, school_a, room_a, several):
    # A role that may read the change log but not export lists.
    reader = member(school_a, "repair_worker")
    client.force_login(reader)
    assert client.get(LIST).status_code == 200
    assert client.get(LIST, {"export": "xlsx"}).status_code == 403


def test_unowned_entries_only_for_superusers_and_top_admins(client, district, school_a, head_a, supervisor):
    teacher_role = role("teacher")
    entry = changelog_record(
        actor=None,
        obj=teacher_role,
        action=ChangeAction.UPDATE,
        before={"name": "教师"},
        after={"name": "老师"},
    )
    assert entry.school is None
    detail = reverse("core:changelog_detail", args=[entry.pk])
    for user in (head_a, supervisor):
        client.force_login(user)
        assert entry not in rows(client.get(LIST))
        assert client.get(detail).status_code == 404
    admin = member(district, "admin")
    school_admin = member(school_a, "admin")
    root = UserFactory(is_superuser=True)
    for user in (admin, root):
        client.force_login(user)
        assert entry in rows(client.get(LIST))
        assert client.get(detail).status_code == 200
    client.force_login(school_admin)
    assert client.get(detail).status_code == 404
    assert Role.objects.filter(pk=teacher_role.pk).exists()


# --- the API ------------------------------------------------------------------------------


def test_api_lists_the_same_rows_as_the_page(client, head_a, several):
    client.force_login(head_a)
    for query in ({}, {"action": "update"}, {"date_from": "2026-03-05"}, {"object_type": "core.room"}):
        page = [e.pk for e in client.get(LIST, query).context["table"].data]
        api = [row["id"] for row in client.get(API, query).json()["results"]]
        assert api == page
        assert len(api_rows(client.get(API, query))) == len(rows(client.get(LIST, query))) > 0


def test_api_detail_payload(client, head_a, edited, school_a):
    client.force_login(head_a)
    response = client.get(f"{API}{edited.pk}/")
    assert response.status_code == 200
    data = response.json()
    assert data == {
        "id": edited.pk,
        "time": data["time"],
        "school": school_a.pk,
        "actor": head_a.pk,
        "actor_name": str(head_a),
        "action": "update",
        "action_display": "Updated",
        "object_type": "core.room",
        "object_type_label": "room",
        "object_id": edited.object_id,
        "object_repr": edited.object_repr,
        "changes": {"capacity": [45, 50], "name": ["", "音乐室"]},
    }


def test_api_scoping_and_permissions(client, head_b, teacher_a, edited):
    assert client.get(API).status_code in (401, 403)
    client.force_login(head_b)
    assert edited.pk not in [r["id"] for r in client.get(API).json()["results"]]
    assert api_rows(client.get(API)) == []
    assert client.get(f"{API}{edited.pk}/").status_code == 404
    client.force_login(teacher_a)
    assert client.get(API).status_code == 403
    assert client.get(f"{API}{edited.pk}/").status_code == 403


def test_api_is_read_only(client, head_a, edited):
    client.force_login(head_a)
    assert client.post(API, {}, content_type="application/json").status_code == 405
    assert client.delete(f"{API}{edited.pk}/").status_code == 405
    assert ChangeLogEntry.objects.filter(pk=edited.pk).exists()


def test_api_list_query_count_does_not_grow_with_rows(client, head_a, room_a, django_assert_max_num_queries):
    client.force_login(head_a)
    for i in range(3):
        changelog_record(
            actor=head_a, obj=room_a, action=ChangeAction.UPDATE, before={"floor": i}, after={"floor": i + 1}
        )
    with django_assert_max_num_queries(50) as few:
        client.get(API)
    for i in range(20):
        changelog_record(
            actor=head_a, obj=room_a, action=ChangeAction.UPDATE, before={"floor": i}, after={"floor": i + 1}
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(API)
    assert len(api_rows(response)) == 23


def test_change_rows_fall_back_to_the_key_for_relations_and_removed_fields(school_a):
    teacher_role = role("teacher")
    entry = changelog_record(
        actor=None,
        obj=teacher_role,
        action=ChangeAction.UPDATE,
        before={"overrides": [], "retired_field": 1},
        after={"overrides": ["core.view_room -"], "retired_field": 2},
    )
    assert [str(label) for label, _b, _a in entry.change_rows()] == ["overrides", "retired_field"]
