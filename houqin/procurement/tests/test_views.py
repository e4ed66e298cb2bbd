"""The purchasing pages: who may open them (anonymous → login, no permission → 403, another
school → 404), and what they show and do for the people who may."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from houqin.assets.models import Asset
from houqin.core.models import Attachment
from houqin.core.tests.factories import member

from ..choices import RequestStatus
from ..models import Inspection, PurchaseOrder, PurchaseRequest, Quote, QuoteComparison, Supplier
from .factories import (
    DESKS,
    approve_all,
    decide,
    desk_line,
    draft,
    inspect,
    make_certificate,
    order_all,
    submitted,
    three_quotes,
)

pytestmark = pytest.mark.usefixtures("categories")


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def approved(school_a, district, teacher_a, head_a, principal_a, dept_a, room_a):
    return approve_all(
        submitted(school_a, teacher_a, [desk_line(room=room_a)], department=dept_a), head_a, principal_a
    )


@pytest.fixture
def ordered(approved, suppliers_a, head_a, principal_a, keeper_a, staff_a):
    quotes = three_quotes(approved, suppliers_a, [["285.00"], ["298.00"], ["310.00"]], actor=head_a)
    decide(approved, quotes[0], head_a, [head_a, principal_a, keeper_a])
    return order_all(approved, head_a, [head_a, staff_a])


def test_pages_send_anonymous_people_to_the_login(client, approved):
    for url in (
        reverse("procurement:dashboard"),
        reverse("procurement:report"),
        reverse("procurement:purchaserequest_list"),
        approved.get_absolute_url(),
        reverse("procurement:purchaserequest_add"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_another_schools_request_and_order_are_not_found(client, ordered, approved, head_b):
    login(client, head_b)
    for url in (
        approved.get_absolute_url(),
        reverse("procurement:purchaserequest_quote", args=[approved.pk]),
        reverse("procurement:purchaserequest_order", args=[approved.pk]),
        ordered.get_absolute_url(),
        reverse("procurement:purchaseorder_inspect", args=[ordered.pk]),
        reverse("procurement:purchaseorder_print", args=[ordered.pk]),
        reverse("procurement:purchaseorder_docx", args=[ordered.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("procurement:purchaseorder_cancel", args=[ordered.pk]), {"reason": "x"})
    assert response.status_code == 404
    ordered.refresh_from_db()
    assert ordered.status == "open"


def test_without_permission_the_pages_answer_403(client, ordered, approved, teacher_a, school_a):
    login(client, teacher_a)
    # A teacher files and reads requests, but does not order, quote or read orders.
    assert client.get(approved.get_absolute_url()).status_code == 200
    for url in (
        reverse("procurement:purchaserequest_quote", args=[approved.pk]),
        reverse("procurement:purchaserequest_order", args=[approved.pk]),
        ordered.get_absolute_url(),
        reverse("procurement:purchaseorder_inspect", args=[ordered.pk]),
        reverse("procurement:dashboard"),
        reverse("procurement:report"),
    ):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("procurement:purchaseorder_inspect", args=[ordered.pk]), {})
    assert response.status_code == 403
    assert Inspection.objects.count() == 0


def test_a_teacher_files_a_request_with_lines_and_submits_it(
    client, school_a, district, teacher_a, dept_a, room_a
):
    login(client, teacher_a)
    page = client.get(reverse("procurement:purchaserequest_add"))
    assert page.status_code == 200
    assert 'id="lines-empty"' in page.content.decode()
    from houqin.assets.tests.factories import category

    data = {
        "title": "三年级课桌",
        "department": dept_a.pk,
        "reason": "新增一个班",
        "budget_line": "公用经费",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-kind": "equipment",
        "lines-0-asset_category": category(DESKS).pk,
        "lines-0-name": "学生课桌",
        "lines-0-unit": "张",
        "lines-0-quantity": "50",
        "lines-0-estimated_unit_price": "300",
        "lines-0-room": room_a.pk,
        "lines-0-asset_tracking": "batch",
        "lines-1-kind": "supply",
        "lines-1-asset_tracking": "batch",
    }
    response = client.post(reverse("procurement:purchaserequest_add"), data)
    assert response.status_code == 302
    request = PurchaseRequest.objects.get()
    assert response["Location"] == request.get_absolute_url()
    assert (request.title, request.requested_by, request.department, request.estimated_total) == (
        "三年级课桌",
        teacher_a,
        dept_a,
        Decimal("15000.00"),
    )
    line = request.lines.get()
    assert (line.kind, line.quantity, line.room) == ("equipment", Decimal("50.000"), room_a)
    detail = client.get(request.get_absolute_url()).content.decode()
    assert 'id="submit-request"' in detail
    response = client.post(reverse("procurement:purchaserequest_submit", args=[request.pk]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    detail = client.get(request.get_absolute_url()).content.decode()
    assert f'id="request-number">{request.number}<' in detail
    assert 'id="submit-request"' not in detail


def test_a_bad_line_shows_the_form_again_and_saves_nothing(client, school_a, school_b, teacher_a):
    login(client, teacher_a)
    data = {
        "title": "粉笔",
        "reason": "用完了",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-kind": "supply",
        "lines-0-quantity": "5",
        "lines-0-estimated_unit_price": "10",
        "lines-0-asset_tracking": "batch",
    }
    response = client.post(reverse("procurement:purchaserequest_add"), data)
    assert response.status_code == 400
    assert "Line 1: choose the supply item." in response.content.decode()
    assert PurchaseRequest.objects.count() == 0


def test_quotes_comparison_order_and_inspection_through_the_pages(
    client,
    approved,
    head_a,
    principal_a,
    keeper_a,
    staff_a,
    teacher_a,
    suppliers_a,
    room_a,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    login(client, head_a)
    detail = client.get(approved.get_absolute_url()).content.decode()
    assert 'id="add-quote"' in detail and 'id="place-order"' not in detail
    # The order page is not for a request whose quotes are not decided yet.
    response = client.get(reverse("procurement:purchaserequest_order", args=[approved.pk]))
    assert response.status_code == 302
    line = approved.lines.get()
    for supplier, price in zip(suppliers_a, ("285.00", "298.00", "310.00"), strict=True):
        response = client.post(
            reverse("procurement:purchaserequest_quote", args=[approved.pk]),
            {
                "supplier": supplier.pk,
                "quoted_on": timezone.localdate().isoformat(),
                f"price_{line.pk}": price,
            },
        )
        assert response.status_code == 302
    assert Quote.objects.count() == 3
    cheapest, dearer = Quote.objects.get(total="14250.00"), Quote.objects.get(total="14900.00")
    detail = client.get(approved.get_absolute_url()).content.decode()
    assert 'data-total="14250.00"' in detail and 'id="decide-form"' in detail

    # A dearer choice without a reason: refused, nothing decided.
    signers = [head_a.pk, principal_a.pk, keeper_a.pk]
    response = client.post(
        reverse("procurement:purchaserequest_compare", args=[approved.pk]),
        {"chosen_quote": dearer.pk, "signers": signers, "reason": ""},
        follow=True,
    )
    assert "The chosen quote (14900.00) is not the cheapest (14250.00): say why." in response.content.decode()
    assert QuoteComparison.objects.count() == 0
    client.post(reverse("procurement:purchaseorder_list"), {})  # a stray POST to a list changes nothing
    response = client.post(
        reverse("procurement:purchaserequest_compare", args=[approved.pk]),
        {"chosen_quote": cheapest.pk, "signers": signers},
    )
    assert response.status_code == 302
    detail = client.get(approved.get_absolute_url()).content.decode()
    assert 'id="saving">650.00<' in detail
    assert "The cheapest of the other quotes (14900.00) − the chosen quote (14250.00) = 650.00." in detail

    order_page = client.get(reverse("procurement:purchaserequest_order", args=[approved.pk]))
    assert order_page.status_code == 200
    expected = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    response = client.post(
        reverse("procurement:purchaserequest_order", args=[approved.pk]),
        {
            "supplier": suppliers_a[0].pk,
            "ordered_on": timezone.localdate().isoformat(),
            "expected_on": expected,
            "buyers": [head_a.pk, staff_a.pk],
            f"quantity_{line.pk}": "50",
        },
    )
    order = PurchaseOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    assert order.total == Decimal("14250.00")

    # The storekeeper inspects on a phone: 48 accepted, 2 rejected, a photo.
    login(client, keeper_a)
    form = client.get(reverse("procurement:purchaseorder_inspect", args=[order.pk]))
    assert form.status_code == 200
    ol = order.lines.get()
    from tests.samples import _png

    response = client.post(
        reverse("procurement:purchaseorder_inspect", args=[order.pk]),
        {
            "inspected_on": timezone.localdate().isoformat(),
            "inspectors": [keeper_a.pk, teacher_a.pk],
            "delivery_note_number": "SH-0415",
            f"accepted_{ol.pk}": "48",
            f"rejected_{ol.pk}": "2",
            f"reason_{ol.pk}": "桌面开裂",
            f"room_{ol.pk}": room_a.pk,
            "files": [_png("delivery.png")],
        },
    )
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response["Location"] == inspection.get_absolute_url()
    assert Attachment.objects.filter(object_id=inspection.pk, school=inspection.school).count() == 1
    card = Asset.objects.get()
    assert (card.quantity, card.unit_price, card.supplier) == (48, Decimal("285.00"), "城关家具厂")
    page = client.get(inspection.get_absolute_url()).content.decode()
    assert f"{card.code} 学生课桌 × 48" in page
    assert 'id="accepted-total">13680.00<' in page


def test_a_refused_inspection_shows_the_form_again_and_changes_nothing(client, ordered, keeper_a, room_a):
    login(client, keeper_a)
    ol = ordered.lines.get()
    response = client.post(
        reverse("procurement:purchaseorder_inspect", args=[ordered.pk]),
        {
            "inspected_on": timezone.localdate().isoformat(),
            "inspectors": [keeper_a.pk],
            f"accepted_{ol.pk}": "50",
            f"rejected_{ol.pk}": "0",
            f"room_{ol.pk}": room_a.pk,
        },
    )
    assert response.status_code == 400
    assert (
        "A bulk delivery (14250.00 yuan) is inspected by at least 2 different people; 1 named."
        in response.content.decode()
    )
    assert Inspection.objects.count() == 0
    assert Asset.objects.count() == 0


def test_the_order_prints_and_downloads_as_word(client, ordered, head_a):
    login(client, head_a)
    page = client.get(reverse("procurement:purchaseorder_print", args=[ordered.pk])).content.decode()
    assert ordered.number in page and "城关家具厂" in page and "14250.00" in page
    response = client.get(reverse("procurement:purchaseorder_docx", args=[ordered.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{ordered.number}.docx"'
    doc = Document(io.BytesIO(response.content))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert ordered.number in cells
    assert [
        "1",
        "学生课桌",
        "单人 1200×450",
        "张",
        "50",
        "285.00",
        "14250.00",
        ordered.lines.get().request_line.request.number,
    ] == [c.text for c in doc.tables[1].rows[1].cells]


def test_the_acceptance_certificate_prints_and_downloads(client, ordered, keeper_a, teacher_a, room_a):
    ol = ordered.lines.get()
    inspection = inspect(
        ordered,
        keeper_a,
        [keeper_a, teacher_a],
        [{"order_line": ol, "accepted": 48, "rejected": 2, "reason": "桌面开裂", "room": room_a}],
    )
    login(client, keeper_a)
    page = client.get(reverse("procurement:inspection_print", args=[inspection.pk])).content.decode()
    assert inspection.number in page and "桌面开裂" in page and "13680.00" in page
    response = client.get(reverse("procurement:inspection_docx", args=[inspection.pk]))
    doc = Document(io.BytesIO(response.content))
    row = [c.text for c in doc.tables[1].rows[1].cells]
    assert row == [
        "1",
        "学生课桌",
        "单人 1200×450",
        "张",
        "50",
        "50",
        "48",
        "2",
        "桌面开裂",
        "285.00",
        "13680.00",
    ]


def test_the_report_shows_the_saving_and_the_spending(client, ordered, head_a, keeper_a, teacher_a, room_a):
    ol = ordered.lines.get()
    inspect(
        ordered,
        keeper_a,
        [keeper_a, teacher_a],
        [{"order_line": ol, "accepted": 48, "rejected": 2, "reason": "桌面开裂", "room": room_a}],
    )
    login(client, head_a)
    page = client.get(reverse("procurement:report")).content.decode()
    assert 'id="saved">650.00<' in page
    assert 'id="savings-total">650.00<' in page
    assert 'id="spent">13680.00<' in page
    assert "教务处" in page
    response = client.get(reverse("procurement:report"), {"export": "xlsx"})
    assert response.status_code == 200
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["Savings"].values)
    assert rows[1][:6] == (
        ordered.lines.get().request_line.request.number,
        "城关家具厂",
        3,
        14250,
        14900,
        650,
    )


def test_the_overview_lists_late_orders_and_expiring_certificates(client, ordered, head_a, suppliers_a):
    PurchaseOrder.objects.filter(pk=ordered.pk).update(
        expected_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    make_certificate(suppliers_a[1], timezone.localdate() + datetime.timedelta(days=5))
    make_certificate(suppliers_a[2], timezone.localdate() + datetime.timedelta(days=90), number="X2")
    login(client, head_a)
    page = client.get(reverse("procurement:dashboard")).content.decode()
    assert 'id="n-late">1<' in page
    assert 'id="n-expiring">1<' in page
    assert "昆明教学设备公司" in page and "X2" not in page


def test_blocking_a_supplier_from_its_page(client, school_a, head_a, suppliers_a, teacher_a):
    supplier = suppliers_a[0]
    login(client, teacher_a)
    assert (
        client.post(reverse("procurement:supplier_block", args=[supplier.pk]), {"reason": "x"}).status_code
        == 403
    )
    login(client, head_a)
    response = client.post(reverse("procurement:supplier_block", args=[supplier.pk]), {"reason": "质量问题"})
    assert response.status_code == 302
    supplier.refresh_from_db()
    assert (supplier.is_blocked, supplier.blocked_reason) == (True, "质量问题")
    page = client.get(supplier.get_absolute_url()).content.decode()
    assert 'id="blocked"' in page and "质量问题" in page
    assert Supplier.objects.filter(is_blocked=True).count() == 1


def test_a_draft_is_edited_by_its_requester_only(client, school_a, teacher_a, room_a):
    request = draft(school_a, teacher_a, [desk_line(quantity=2, room=room_a)])
    other = member(school_a, "teacher", username="other_teacher")
    login(client, other)
    assert client.get(reverse("procurement:purchaserequest_edit", args=[request.pk])).status_code == 403
    login(client, teacher_a)
    page = client.get(reverse("procurement:purchaserequest_edit", args=[request.pk])).content.decode()
    assert 'value="学生课桌"' in page


def test_a_possible_split_purchase_is_flagged_on_the_request_and_its_order(
    client, school_a, district, head_a, principal_a, staff_a, store_a
):
    from .factories import make_item, make_supplier, supply_line

    chalk = make_item(school_a)
    approve_all(
        submitted(school_a, head_a, [supply_line(chalk, quantity=64, price="12.50", store=store_a)]),
        principal_a,
    )
    second = approve_all(
        submitted(
            school_a, head_a, [supply_line(chalk, quantity=40, price="12.50", store=store_a)], title="再买"
        ),
        principal_a,
    )
    login(client, head_a)
    order_form = client.get(reverse("procurement:purchaserequest_order", args=[second.pk])).content.decode()
    order = order_all(second, head_a, [head_a, staff_a], supplier=make_supplier(school_a, "文具店"))
    expected = (
        f"粉笔 白色 50支: 800.00 yuan bought earlier in {timezone.localdate().year} and 500.00 yuan now make "
        "1300.00 yuan, above “Three quotes required above” (1000.00 yuan), while each purchase stays below it."
    )
    pages = [order_form] + [client.get(o.get_absolute_url()).content.decode() for o in (second, order)]
    for page in pages:
        assert 'id="split-flag"' in page
        assert expected in page


def test_a_purchase_under_the_procurement_law_says_so(client, school_a, district, teacher_a, room_a):
    from houqin.core.services.rules import rule_override_set

    # A province with a low decentralised limit: 15000 yuan of desks falls under the law there.
    rule_override_set(actor=None, school=district, key="procurement.decentralised_limit", value="10000.00")
    request = submitted(school_a, teacher_a, [desk_line(room=room_a)])
    assert request.procurement_class == "government"
    login(client, teacher_a)
    page = client.get(request.get_absolute_url()).content.decode()
    assert 'id="procurement-class">Government procurement<' in page
    assert "This amount falls under the government procurement law" in page
