"""The home page: district-wide totals per school for a district user, one school for a school
user; the school switcher."""

import pytest
from django.utils import translation

from houqin.core import access
from houqin.core.models import Room, School
from houqin.core.selectors.org import scope_overview
from houqin.core.tests.factories import BuildingFactory, RoomFactory, UserFactory, make_school

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
def places(district, school_a, school_b, school_x, teacher_a):
    School.objects.filter(pk=school_a.pk).update(pupils=300)
    School.objects.filter(pk=school_b.pk).update(pupils=120)
    point = make_school("李家教学点", kind="teaching_point", parent=school_a, pupils=15)
    building = BuildingFactory(school=school_a, name="教学楼")
    for n in ("101", "102", "103"):
        RoomFactory(school=school_a, building=building, number=n)
    RoomFactory(school=school_a, building=building, number="201", responsible=teacher_a)
    RoomFactory(school=school_b, number="301")
    RoomFactory(school=point, number="1")
    RoomFactory(school=school_x, number="999")
    return point


def rows(totals):
    return [(r["school"].name, r["pupils"], r["buildings"], r["rooms"], r["people"]) for r in totals["rows"]]


def test_district_user_gets_totals_per_school(
    client, district, places, supervisor, head_a, head_b, teacher_a
):
    response = login(client, supervisor).get("/")
    assert response.status_code == 200
    totals = response.context["totals"]
    assert rows(totals) == [
        ("太平中心学校", 0, 0, 0, 1),
        ("黄竹林学校", 300, 1, 4, 2),
        ("李家教学点", 15, 1, 1, 0),
        ("示范小学", 120, 1, 1, 1),
    ]
    assert {k: v for k, v in totals.items() if k != "rows"} == {
        "schools": 2,
        "teaching_points": 1,
        "pupils": 435,
        "buildings": 3,
        "rooms": 6,
        "people": 4,
    }
    assert response.context["is_district"] is True
    html = response.content.decode()
    assert 'id="totals-by-school"' in html and "外区学校" not in html
    assert (
        "<tfoot><tr>\n    <th>Total</th><th></th><th>435</th>\n    <th>3</th><th>6</th>\n    <th>4</th>"
        in html
    )


def test_school_user_gets_their_school(client, places, school_a, head_a, teacher_a):
    response = login(client, head_a).get("/")
    totals = response.context["totals"]
    assert rows(totals) == [("黄竹林学校", 300, 1, 4, 2), ("李家教学点", 15, 1, 1, 0)]
    assert (totals["schools"], totals["rooms"], totals["pupils"]) == (1, 5, 315)
    html = response.content.decode()
    assert response.context["is_district"] is False
    assert 'id="card-schools"' not in html and "示范小学" not in html


def test_teacher_sees_rooms_in_their_care_but_not_people(client, places, teacher_a):
    response = login(client, teacher_a).get("/")
    assert [r.number for r in response.context["my_rooms"]] == ["201"]
    html = response.content.decode()
    assert 'id="my-rooms"' in html and 'id="card-people"' not in html and 'id="card-rooms"' in html


def test_switching_to_one_school_narrows_the_totals(client, district, places, school_a, school_x, supervisor):
    login(client, supervisor)
    response = client.post("/scope/", {"scope": school_a.pk, "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    totals = client.get("/").context["totals"]
    assert [r["school"].name for r in totals["rows"]] == ["黄竹林学校", "李家教学点"]
    assert client.post("/scope/", {"scope": school_x.pk}).status_code == 404
    listed = sorted(r.pk for r in client.get("/core/rooms/").context["table"].data)
    assert listed == sorted(Room.objects.in_scope(school_a).values_list("pk", flat=True))
    assert len(listed) == 5


def test_home_without_membership_and_anonymous(client, db):
    assert client.get("/").status_code == 302
    response = login(client, UserFactory()).get("/")
    assert response.status_code == 200 and response.context["totals"] is None
    assert "You have no membership in any school yet." in response.content.decode()


def test_scope_overview_query_count_is_flat(django_assert_num_queries, district, places, supervisor):
    for _ in range(5):
        make_school(parent=district)
    access.visible_school_ids(supervisor)  # the request has computed access before
    with django_assert_num_queries(5):
        scope_overview(scope=district, user=supervisor)
