"""Semesters: terms of one node never overlap; the current semester shows on every page."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from houqin.core.models import ChangeLogEntry, Semester
from houqin.core.selectors import semester_current
from houqin.core.services.places import semester_create, semester_update
from houqin.core.tests.factories import SemesterFactory

BACKEND = "houqin.core.auth.MembershipBackend"
D = datetime.date


def login(client, user):
    client.force_login(user, backend=BACKEND)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def autumn(district):
    return SemesterFactory(
        school=district, school_year="2026-2027", term=1, start_date=D(2026, 9, 1), end_date=D(2027, 1, 20)
    )


SPRING_START, SPRING_END = D(2027, 2, 20), D(2027, 7, 10)


def term(year="2026-2027", number=2, start=SPRING_START, end=SPRING_END):
    return {"school_year": year, "term": number, "start_date": start, "end_date": end}


def test_semester_create_next_to_the_last_one(district, supervisor, autumn):
    spring = semester_create(actor=supervisor, school=district, data=term(start=D(2027, 1, 21)))
    assert (spring.school, str(spring), spring.start_date) == (
        district,
        "2026-2027 Second term",
        D(2027, 1, 21),
    )
    assert (
        ChangeLogEntry.objects.filter(content_type__model="semester", object_id=str(spring.pk)).count() == 1
    )


@pytest.mark.parametrize(
    "start,end",
    [
        (D(2027, 1, 20), D(2027, 7, 10)),  # starts on the last day of autumn
        (D(2026, 8, 1), D(2026, 9, 1)),  # ends on its first day
        (D(2026, 10, 1), D(2026, 11, 1)),  # inside it
        (D(2026, 8, 1), D(2027, 7, 1)),  # around it
    ],
)
def test_overlapping_terms_of_one_node_are_refused(start, end, district, supervisor, autumn):
    before = (Semester.objects.count(), ChangeLogEntry.objects.count())
    with pytest.raises(ValidationError) as exc:
        semester_create(actor=supervisor, school=district, data=term(start=start, end=end))
    assert exc.value.message_dict == {
        "start_date": ["These dates overlap 2026-2027 First term (2026-09-01 – 2027-01-20) of 太平中心学校."]
    }
    assert (Semester.objects.count(), ChangeLogEntry.objects.count()) == before


def test_the_same_dates_at_another_node_are_fine(district, school_a, principal_a, autumn):
    own = semester_create(
        actor=principal_a, school=school_a, data=term(number=1, start=D(2026, 8, 30), end=D(2027, 1, 18))
    )
    assert own.school == school_a
    assert semester_current(school_a, on=D(2026, 10, 1)) == own  # the nearest node wins
    assert semester_current(school_a, on=D(2027, 1, 19)) == autumn


def test_update_checks_overlap_but_not_against_itself(district, supervisor, autumn):
    spring = SemesterFactory(school=district, term=2, start_date=D(2027, 2, 20), end_date=D(2027, 7, 10))
    semester_update(actor=supervisor, instance=autumn, data={"end_date": D(2027, 1, 25)})
    autumn.refresh_from_db()
    assert autumn.end_date == D(2027, 1, 25)
    with pytest.raises(ValidationError) as exc:
        semester_update(actor=supervisor, instance=spring, data={"start_date": D(2027, 1, 10)})
    assert list(exc.value.error_dict) == ["start_date"]
    spring.refresh_from_db()
    assert spring.start_date == D(2027, 2, 20)


@pytest.mark.parametrize(
    "data,key",
    [
        (term(year="2026"), "school_year"),
        (term(year="2026-2028"), "school_year"),
        (term(start=D(2027, 7, 10), end=D(2027, 7, 10)), "end_date"),
        (term(year="2025-2026", number=1), "__all__"),  # the same year and term twice
    ],
)
def test_bad_semesters_are_refused(data, key, district, supervisor):
    SemesterFactory(
        school=district, school_year="2025-2026", term=1, start_date=D(2025, 9, 1), end_date=D(2026, 1, 20)
    )
    count = Semester.objects.count()
    with pytest.raises(ValidationError) as exc:
        semester_create(actor=supervisor, school=district, data=data)
    assert list(exc.value.error_dict) == [key]
    assert Semester.objects.count() == count


def test_semesters_need_permission(district, school_a, head_a):
    with pytest.raises(PermissionDenied):
        semester_create(actor=head_a, school=school_a, data=term())
    assert not Semester.objects.exists()


def test_semester_add_page_shows_the_overlap(client, district, supervisor, autumn):
    response = login(client, supervisor).post(
        "/core/semesters/add/",
        {"school_year": "2026-2027", "term": 2, "start_date": "2027-01-01", "end_date": "2027-07-01"},
    )
    assert response.status_code == 400
    assert (
        "These dates overlap 2026-2027 First term (2026-09-01 – 2027-01-20) of 太平中心学校."
        in response.content.decode()
    )
    assert Semester.objects.count() == 1
    response = client.post(
        "/core/semesters/add/",
        {"school_year": "2026-2027", "term": 2, "start_date": "2027-02-20", "end_date": "2027-07-01"},
    )
    assert response.status_code == 302
    assert Semester.objects.count() == 2


def test_current_semester_shows_on_every_page(client, district, school_a, teacher_a):
    today = timezone.localdate()
    SemesterFactory(
        school=district,
        school_year="2030-2031",
        term=2,
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=30),
    )
    login(client, teacher_a)
    for url in ("/", "/core/rooms/", "/core/semesters/"):
        html = client.get(url).content.decode()
        assert '<div class="semester">2030-2031 Second term</div>' in html, url


def test_semester_pages_show_the_districts_terms_to_its_schools(
    client, district, school_a, school_b, teacher_a, head_x, autumn
):
    own = SemesterFactory(school=school_a, term=2, start_date=D(2027, 2, 20), end_date=D(2027, 7, 10))
    SemesterFactory(school=school_b, term=2, start_date=D(2027, 2, 21), end_date=D(2027, 7, 10))
    login(client, teacher_a)
    response = client.get("/core/semesters/")
    assert [s.pk for s in response.context["table"].data] == [autumn.pk, own.pk]
    page = client.get(f"/core/semesters/{autumn.pk}/")
    assert page.status_code == 200 and page.context["can_change"] is False
    assert client.get(f"/core/semesters/{autumn.pk}/edit/").status_code == 404  # set above the school
    assert client.get(f"/core/semesters/{own.pk}/edit/").status_code == 403
    api = client.get("/api/core/semesters/")
    assert [r["id"] for r in api.json()["results"]] == [autumn.pk, own.pk]
    assert client.get(f"/api/core/semesters/{autumn.pk}/").json()["school"] == district.pk
    assert (
        client.patch(
            f"/api/core/semesters/{autumn.pk}/", {"term": 2}, content_type="application/json"
        ).status_code
        == 404
    )
    login(client, head_x)
    assert client.get(f"/core/semesters/{autumn.pk}/").status_code == 404
    assert client.get(f"/api/core/semesters/{autumn.pk}/").status_code == 404
    assert client.get("/api/core/semesters/").json()["count"] == 0
