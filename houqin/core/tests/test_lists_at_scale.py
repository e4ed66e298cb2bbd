"""What keeps large lists fast: the count stops at a cap (page and API), drop-downs are drawn
without a template per option, dates without a template per cell; none of it changes what the
user sees."""

import datetime

import pytest
from django import forms
from django.utils import translation

from houqin.core import pagination
from houqin.core.forms.widgets import FastSelect
from houqin.core.models import Room
from houqin.core.pagination import CappedCountPaginator
from houqin.core.tables import DateColumn, ObjectTable

from .factories import BuildingFactory, RoomFactory


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def rooms(school_a):
    building = BuildingFactory(school=school_a, name="教学楼")
    return [RoomFactory(school=school_a, building=building, number=f"{n:03d}") for n in range(1, 13)]


def test_the_count_is_exact_up_to_the_cap_and_stops_there(rooms, django_assert_num_queries):
    qs = Room.objects.order_by("number")
    exact = CappedCountPaginator(qs, 5)
    assert (exact.count, exact.capped, exact.num_pages) == (12, False, 3)
    capped = CappedCountPaginator(qs, 5)
    capped.cap = 10
    with django_assert_num_queries(1):
        assert (capped.count, capped.capped, capped.num_pages) == (10, True, 2)
    assert [r.number for r in capped.page(2)] == ["006", "007", "008", "009", "010"]
    assert CappedCountPaginator(list(range(7)), 5).count == 7


def test_the_list_page_says_more_than_the_cap(client, head_a, rooms, monkeypatch):
    client.force_login(head_a, backend="houqin.core.auth.MembershipBackend")
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = client.get("/core/rooms/").content.decode()
    assert "12 records" in html
    monkeypatch.setattr(CappedCountPaginator, "cap", 10)
    html = client.get("/core/rooms/?per_page=25").content.decode()
    assert "More than 10 records: narrow the filters to see the rest" in html


def test_the_api_says_when_the_count_is_capped(client, head_a, rooms, monkeypatch):
    client.force_login(head_a, backend="houqin.core.auth.MembershipBackend")
    body = client.get("/api/core/rooms/").json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (12, False, 12)
    monkeypatch.setattr(CappedCountPaginator, "cap", 10)
    body = client.get("/api/core/rooms/?page_size=5&page=2").json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (10, True, 5)
    assert pagination.COUNT_CAP == 10_000


@pytest.mark.parametrize("value", ["b", None])
def test_fast_select_draws_what_select_draws(value):
    choices = [("", "---------"), ("a", "A & <b>"), ("b", "B"), ("Group", [("c", "C"), ("d", "D")])]
    fast = FastSelect(choices=choices, attrs={"class": "x"}).render("f", value, attrs={"id": "id_f"})
    slow = forms.Select(choices=choices, attrs={"class": "x"}).render("f", value, attrs={"id": "id_f"})

    def normalise(html):
        return "".join(html.split())

    assert normalise(fast) == normalise(slow)
    assert "A &amp; &lt;b&gt;" in fast


def test_dates_are_drawn_in_the_languages_short_format():
    class T(ObjectTable):
        class Meta(ObjectTable.Meta):
            model = Room
            fields = ("number", "created_at")

    column = T([]).columns["created_at"].column
    assert isinstance(column, DateColumn)
    when = datetime.datetime(2026, 9, 1, 0, 30, tzinfo=datetime.UTC)  # 08:30 in Shanghai
    assert column.render(when) == "09/01/2026 8:30 a.m."
    assert column.value(when) == when.isoformat()
    assert DateColumn(format="SHORT_DATE_FORMAT").render(datetime.date(2019, 9, 1)) == "09/01/2019"


def test_the_table_body_is_what_django_tables2_draws(rf, rooms, head_a):
    import re

    from django.template import Context, Template

    class T(ObjectTable):
        class Meta(ObjectTable.Meta):
            model = Room
            fields = ("number", "name", "capacity", "created_at")
            row_attrs = {"class": lambda record: "odd" if int(record.number) % 2 else ""}

    request = rf.get("/")
    request.user = head_a

    def tbody(template_name, qs):
        table = T(qs)
        table.paginate(per_page=5)
        html = Template("{% load django_tables2 %}{% render_table table '" + template_name + "' %}").render(
            Context({"table": table, "request": request})
        )
        return "".join(re.search(r"<tbody.*</tbody>", html, re.S).group(0).split())

    rows = Room.objects.order_by("number")
    ours = tbody("core/tables/table.html", rows)
    assert ours == tbody("django_tables2/table.html", rows)
    assert ours.count("<tr") == 5 and 'class="odd"' in ours and "<td>001</td>" in ours
    assert tbody("core/tables/table.html", Room.objects.none()) == tbody(
        "django_tables2/table.html", Room.objects.none()
    )
