"""Stocktake pages: scoping (404), permissions (403), counting with htmx, closing, the report."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from houqin.assets.models.stocktakes import StocktakeStatus
from houqin.assets.services.stocktakes import stocktake_create

from .factories import make_asset, make_desks


@pytest.fixture
def setup(categories, school_a, head_a, room_a, room_a2):
    pc = make_asset(school_a, name="电脑1", room=room_a, unit_price=Decimal("4800.00"))
    desks = make_desks(school_a, room_a, quantity=50)
    st = stocktake_create(actor=head_a, school=school_a, name="秋季清查")
    return st, pc, desks


def login(client, user):
    client.force_login(user)


def test_anonymous_is_sent_to_login(client, setup):
    st, _pc, _desks = setup
    for name in ("stocktake_detail", "stocktake_report", "stocktake_count"):
        response = client.get(reverse(f"assets:stocktake_{name.split('_', 1)[1]}", args=[st.pk]))
        assert response.status_code == 302
        assert "/login" in response["Location"]


def test_teacher_403_and_other_school_404(client, setup, teacher_a, head_b, room_a):
    st, _pc, _desks = setup
    login(client, teacher_a)
    assert client.get(reverse("assets:stocktake_detail", args=[st.pk])).status_code == 403
    assert client.get(reverse("assets:stocktake_list")).status_code == 403
    login(client, head_b)
    assert client.get(reverse("assets:stocktake_detail", args=[st.pk])).status_code == 404
    url = reverse("assets:stocktake_count", args=[st.pk]) + f"?room={room_a.pk}"
    assert client.post(url, {"op": "scan", "code": "x"}).status_code == 404
    assert client.post(reverse("assets:stocktake_close", args=[st.pk])).status_code == 404
    st.refresh_from_db()
    assert st.status == StocktakeStatus.OPEN


def test_principal_reads_but_cannot_count(client, setup, principal_a, room_a):
    st, _pc, _desks = setup
    login(client, principal_a)
    response = client.get(reverse("assets:stocktake_detail", args=[st.pk]))
    assert response.status_code == 200
    assert "秋季清查" in response.content.decode()
    url = reverse("assets:stocktake_count", args=[st.pk]) + f"?room={room_a.pk}"
    assert client.post(url, {"op": "scan", "code": "x"}).status_code == 403


def test_create_page(client, categories, head_a, school_a, room_a):
    make_asset(school_a, name="电脑1", room=room_a)
    login(client, head_a)
    assert client.get(reverse("assets:stocktake_add")).status_code == 200
    response = client.post(reverse("assets:stocktake_add"), {"name": "", "room": room_a.pk})
    assert response.status_code == 400
    response = client.post(
        reverse("assets:stocktake_add"), {"name": "203 盘点", "room": room_a.pk, "counters": [head_a.pk]}
    )
    assert response.status_code == 302
    from houqin.assets.models import Stocktake

    st = Stocktake.objects.get(name="203 盘点")
    assert response["Location"] == st.get_absolute_url()
    assert st.lines.count() == 1
    assert list(st.counters.all()) == [head_a]


def test_counting_page_with_htmx(client, setup, head_a, room_a, room_a2):
    st, pc, desks = setup
    login(client, head_a)
    url = reverse("assets:stocktake_count", args=[st.pk]) + f"?room={room_a.pk}"
    page = client.get(url).content.decode()
    assert "0 of 2 counted" in page
    assert pc.code in page
    response = client.post(
        url, {"op": "scan", "code": f"http://testserver/assets/cards/{pc.pk}/"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "1 of 2 counted" in body
    assert f"Counted: {pc}" in body
    assert "<html" not in body
    line = st.lines.get(asset=desks)
    response = client.post(url, {"op": "count", "line": line.pk, "quantity": "-1"}, HTTP_HX_REQUEST="true")
    assert "Enter a whole number, 0 or more." in response.content.decode()
    line.refresh_from_db()
    assert line.counted_quantity is None
    client.post(url, {"op": "count", "line": line.pk, "quantity": "49"}, HTTP_HX_REQUEST="true")
    line.refresh_from_db()
    assert line.counted_quantity == 49
    # Without a room the plan's page chooses one; a room of another school is not found.
    assert client.get(reverse("assets:stocktake_count", args=[st.pk]))["Location"] == st.get_absolute_url()
    assert client.get(reverse("assets:stocktake_count", args=[st.pk]) + "?room=999999").status_code == 404


def test_resolve_close_and_second_close(client, setup, head_a, room_a):
    st, pc, desks = setup
    login(client, head_a)
    count_url = reverse("assets:stocktake_count", args=[st.pk]) + f"?room={room_a.pk}"
    client.post(count_url, {"op": "scan", "code": pc.code})
    client.post(count_url, {"op": "scan", "code": desks.code})
    close = reverse("assets:stocktake_close", args=[st.pk])
    assert client.post(close).status_code == 302
    st.refresh_from_db()
    assert st.status == StocktakeStatus.SUBMITTED
    response = client.post(close, follow=True)
    assert f"Stocktake {st} is already closed or closing." in response.content.decode()
    st.refresh_from_db()
    assert st.status == StocktakeStatus.SUBMITTED


def test_list_page(client, setup, head_a):
    st, _pc, _desks = setup
    login(client, head_a)
    page = client.get(reverse("assets:stocktake_list")).content.decode()
    assert st.get_absolute_url() in page
    assert "秋季清查" in page


def test_resolve_page_post(client, setup, head_a):
    st, pc, _desks = setup
    login(client, head_a)
    line = st.lines.get(asset=pc)
    url = reverse("assets:stocktake_resolve", args=[st.pk])
    client.post(url, {"line": line.pk, "resolution": "write_off", "note": "丢失"})
    line.refresh_from_db()
    assert (line.resolution, line.resolution_note) == ("write_off", "丢失")
    assert client.post(url, {"line": 0, "resolution": "write_off"}).status_code == 404


def test_report_page_and_xlsx(client, setup, head_a, room_a):
    st, pc, desks = setup
    login(client, head_a)
    count_url = reverse("assets:stocktake_count", args=[st.pk]) + f"?room={room_a.pk}"
    client.post(count_url, {"op": "scan", "code": pc.code})
    page = client.get(reverse("assets:stocktake_report", args=[st.pk])).content.decode()
    assert "Books and property agree: 50.0% (1 of 2 cards)." in page
    response = client.get(reverse("assets:stocktake_report", args=[st.pk]) + "?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][1] == "Books: quantity"
    assert rows[1] == ["By room"] + [None] * 6
    assert rows[2][1:4] == [
        51,
        float(st.lines.get(asset=pc).book_value + st.lines.get(asset=desks).book_value),
        1,
    ]
    assert rows[-1][:2] == ["Books and property agree (%)", 50.0]


def test_the_report_export_needs_the_export_right(client, setup, school_a):
    from houqin.core.tests.factories import member

    st, _pc, _desks = setup
    staff = member(school_a, "logistics_staff", username="staff_st")
    login(client, staff)
    url = reverse("assets:stocktake_report", args=[st.pk])
    assert client.get(url).status_code == 200  # may read the report
    assert client.get(url + "?export=xlsx").status_code == 403  # not take it away
