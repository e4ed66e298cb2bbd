"""The supplies pages: who may see and do what (login, 403, 404), exact content, the stock forms,
requisitions from asking to the signature, the slip, allotments, alerts and reports."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from houqin.core.models import Notification
from houqin.core.services.approvals import approval_policy_set
from houqin.core.tests.factories import member

from ..models import Allotment, AllotmentTarget, Requisition, StockBalance, StockMovement
from ..services.allotments import allotment_create, allotment_issue, kit_create
from ..services.requisitions import requisition_create, requisition_issue, requisition_submit
from ..services.stock import stock_issue
from .factories import classroom, item, receive, store

D = Decimal
BACKEND = "houqin.core.auth.MembershipBackend"


def login(client, user):
    client.force_login(user, backend=BACKEND)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def text(response):
    return response.content.decode()


@pytest.fixture
def balance_b(school_b, paper_b, store_b):
    return receive(school_b, paper_b, store_b, 5, "20.00").balance


# --- the stock list and a balance ------------------------------------------------------------


def test_stock_list_needs_login_and_permission(client, stocked, teacher_a):
    url = reverse("supplies:stockbalance_list")
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={url}")
    assert login(client, teacher_a).get(url).status_code == 403


def test_stock_list_shows_the_schools_balances(
    client, keeper_a, stocked, balance_b, chalk, store_a, school_a
):
    receive(school_a, chalk, store_a, "2.5", "3.00")
    response = login(client, keeper_a).get(reverse("supplies:stockbalance_list"))
    assert response.status_code == 200
    body = text(response)
    assert "2 records" in body
    assert "复印纸 A4 70g" in body and "粉笔" in body
    assert "示范仓库" not in body  # school B's store


def test_stock_list_query_count_is_flat(client, keeper_a, school_a, store_a, django_assert_num_queries):
    for n in range(30):
        receive(school_a, item(school_a, f"物品{n:02d}"), store_a, 3, "1.00")
    login(client, keeper_a)
    url = reverse("supplies:stockbalance_list")
    client.get(url)
    # The page's own reads: the count, the filter's store and item lists, the rows (with item,
    # store and school joined); the rest is the login, scope, menu badges and semester.
    with django_assert_num_queries(16):
        assert client.get(url).status_code == 200
    for n in range(30, 45):
        receive(school_a, item(school_a, f"物品{n:02d}"), store_a, 3, "1.00")
    with django_assert_num_queries(16):
        assert client.get(url).status_code == 200


def test_balance_page_of_another_school_is_404(client, keeper_a, balance_b):
    response = login(client, keeper_a).get(reverse("supplies:stockbalance_detail", args=[balance_b.pk]))
    assert response.status_code == 404


def test_balance_page_shows_lots_and_ledger(client, keeper_a, school_a, paper, store_a):
    receive(school_a, paper, store_a, 4, "20.00", lot="P-01", expiry_date=datetime.date(2027, 1, 31))
    balance = receive(school_a, paper, store_a, 6, "21.00").balance
    body = text(login(client, keeper_a).get(reverse("supplies:stockbalance_detail", args=[balance.pk])))
    assert '<dd id="balance-quantity">10 包' in body
    assert '<dd id="balance-value">206.00 yuan</dd>' in body
    assert "P-01" in body and "2027-01-31" in body
    assert 'id="issue-form"' in body and 'id="adjust-form"' in body


def test_issue_from_the_balance_page(client, keeper_a, teacher_a, stocked):
    login(client, keeper_a)
    url = reverse("supplies:stockbalance_issue", args=[stocked.pk])
    response = client.post(url, {"quantity": "3", "issued_to": teacher_a.pk})
    assert (response.status_code, response["Location"]) == (302, stocked.get_absolute_url())
    stocked.refresh_from_db()
    assert stocked.quantity == D("7.000")
    response = client.post(url, {"quantity": "8", "issued_to": teacher_a.pk}, follow=True)
    assert "复印纸 A4 70g: requested 8, 7 available in 物资仓库." in text(response)
    stocked.refresh_from_db()
    assert (stocked.quantity, StockMovement.objects.filter(kind="issue").count()) == (D("7.000"), 1)


def test_issue_refused_to_a_teacher_and_to_another_school(client, teacher_a, keeper_b, stocked):
    url = reverse("supplies:stockbalance_issue", args=[stocked.pk])
    assert login(client, teacher_a).post(url, {"quantity": "1", "issued_to": teacher_a.pk}).status_code == 403
    assert login(client, keeper_b).post(url, {"quantity": "1", "issued_to": keeper_b.pk}).status_code == 404
    stocked.refresh_from_db()
    assert stocked.quantity == D("10.000")


def test_a_foreign_receiver_is_not_a_choice(client, keeper_a, head_b, stocked):
    login(client, keeper_a)
    response = client.post(
        reverse("supplies:stockbalance_issue", args=[stocked.pk]),
        {"quantity": "1", "issued_to": head_b.pk},
        follow=True,
    )
    assert "Select a valid choice" in text(response)
    stocked.refresh_from_db()
    assert stocked.quantity == D("10.000")


def test_receive_page(client, keeper_a, paper, store_a, teacher_a):
    login(client, keeper_a)
    url = reverse("supplies:store_receive", args=[store_a.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"item": paper.pk, "quantity": "12", "unit_cost": "19.50", "lot": "", "reference": "送货单 7"}
    )
    balance = StockBalance.objects.get(item=paper, store=store_a)
    assert (response.status_code, response["Location"]) == (302, balance.get_absolute_url())
    assert (balance.quantity, balance.value) == (D("12.000"), D("234.00"))
    bad = client.post(url, {"item": paper.pk, "quantity": "0", "unit_cost": "1"})
    assert bad.status_code == 400
    assert login(client, teacher_a).get(url).status_code == 403


def test_store_page_lists_its_stock(client, keeper_a, stocked, store_a):
    body = text(login(client, keeper_a).get(store_a.get_absolute_url()))
    assert 'id="stock-list"' in body and "复印纸 A4 70g" in body
    assert reverse("supplies:store_receive", args=[store_a.pk]) in body


def test_movement_page_returns_and_reverses(client, keeper_a, teacher_a, school_a, paper, store_a, stocked):
    issue = stock_issue(
        school=school_a, item=paper, store=store_a, quantity=4, issued_to=teacher_a, actor=keeper_a
    )
    login(client, keeper_a)
    body = text(client.get(issue.get_absolute_url()))
    assert 'id="return-form"' in body and 'id="reverse-form"' not in body
    client.post(
        reverse("supplies:stockmovement_return", args=[issue.pk]), {"quantity": "1", "reason": "多了"}
    )
    receipt = stocked.movements.get(kind="receipt")
    assert 'id="reverse-form"' in text(client.get(receipt.get_absolute_url()))
    stocked.refresh_from_db()
    assert stocked.quantity == D("7.000")


# --- requisitions ----------------------------------------------------------------------------


def formset_data(rows, **extra):
    data = {"lines-TOTAL_FORMS": str(len(rows)), "lines-INITIAL_FORMS": "0", **extra}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"lines-{i}-{key}"] = value
    return data


def test_a_teacher_asks_on_the_page_and_the_keeper_issues(
    client, school_a, teacher_a, keeper_a, paper, chalk, stocked, store_a
):
    receive(school_a, chalk, store_a, 10, "3.50")
    login(client, teacher_a)
    assert client.get(reverse("supplies:requisition_add")).status_code == 200
    response = client.post(
        reverse("supplies:requisition_add"),
        formset_data(
            [
                {"item": paper.pk, "quantity": "2"},
                {"item": chalk.pk, "quantity": "3"},
                {"item": "", "quantity": ""},
            ],
            purpose="公开课",
            submit_now="1",
        ),
    )
    requisition = Requisition.objects.get()
    assert (response.status_code, response["Location"]) == (302, requisition.get_absolute_url())
    assert (requisition.status, requisition.amount) == ("approved", D("50.50"))
    body = text(login(client, keeper_a).get(requisition.get_absolute_url()))
    assert 'id="issue-form"' in body
    lines = {line.item_id: line.pk for line in requisition.lines.all()}
    client.post(
        reverse("supplies:requisition_issue", args=[requisition.pk]),
        {"store": store_a.pk, f"line_{lines[paper.pk]}": "2", f"line_{lines[chalk.pk]}": "3"},
    )
    requisition.refresh_from_db()
    assert requisition.status == "issued"
    body = text(login(client, teacher_a).get(requisition.get_absolute_url()))
    assert 'id="confirm-form"' in body
    client.post(reverse("supplies:requisition_confirm", args=[requisition.pk]))
    requisition.refresh_from_db()
    assert (requisition.status, requisition.confirmed_by) == ("received", teacher_a)


def test_bad_lines_on_the_page_create_nothing(client, teacher_a, paper):
    login(client, teacher_a)
    response = client.post(
        reverse("supplies:requisition_add"), formset_data([{"item": paper.pk, "quantity": "0"}], purpose="x")
    )
    assert response.status_code == 400
    assert Requisition.objects.count() == 0


def test_only_the_receiver_signs_on_the_page(
    client, school_a, teacher_a, keeper_a, paper, stocked, store_a, principal_a
):
    requisition = requisition_create(
        actor=teacher_a, school=school_a, purpose="x", lines=[{"item": paper, "quantity": D(1)}]
    )
    requisition_submit(actor=teacher_a, requisition=requisition)
    requisition_issue(
        actor=keeper_a, requisition=requisition, store=store_a, quantities={requisition.lines.get().pk: D(1)}
    )
    url = reverse("supplies:requisition_confirm", args=[requisition.pk])
    assert login(client, principal_a).post(url).status_code == 403
    requisition.refresh_from_db()
    assert requisition.status == "issued"


def test_the_slip_prints_and_downloads(
    client, school_a, teacher_a, keeper_a, paper, stocked, store_a, keeper_b
):
    requisition = requisition_create(
        actor=teacher_a, school=school_a, purpose="期中考试", lines=[{"item": paper, "quantity": D(2)}]
    )
    requisition_submit(actor=teacher_a, requisition=requisition)
    requisition_issue(
        actor=keeper_a, requisition=requisition, store=store_a, quantities={requisition.lines.get().pk: D(2)}
    )
    login(client, teacher_a)
    body = text(client.get(reverse("supplies:requisition_slip", args=[requisition.pk])))
    assert (
        requisition.number in body and "期中考试" in body and "复印纸 A4 70g" in body and "data-print" in body
    )
    response = client.get(reverse("supplies:requisition_slip_docx", args=[requisition.pk]))
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        document = archive.read("word/document.xml").decode()
    assert requisition.number in document and "期中考试" in document
    assert (
        login(client, keeper_b).get(reverse("supplies:requisition_slip", args=[requisition.pk])).status_code
        == 404
    )


def test_requisition_list_page_and_api_show_the_same_rows(
    client, school_a, teacher_a, keeper_a, paper, chalk
):
    made = [
        requisition_create(
            actor=teacher_a, school=school_a, purpose=purpose, lines=[{"item": it, "quantity": D(1)}]
        )
        for purpose, it in (
            ("公开课用纸", paper),
            ("粉笔补充", chalk),
            ("打印试卷用纸", paper),
            ("草稿纸", paper),
        )
    ]
    requisition_submit(actor=teacher_a, requisition=made[3])
    login(client, keeper_a)
    query = "?q=纸&status=draft"
    page = text(client.get(reverse("supplies:requisition_list") + query))
    api = client.get("/api/supplies/requisitions/" + query).json()
    numbers = sorted(r["number"] for r in api["results"])
    assert numbers == sorted([made[0].number, made[2].number])
    assert all(n in page for n in numbers)
    assert made[1].number not in page and made[3].number not in page
    assert client.get("/api/supplies/requisitions/?q=纸").json()["count"] == 3


# --- allotments ------------------------------------------------------------------------------


@pytest.fixture
def cleaning(school_a, head_a, store_a):
    broom = item(school_a, "扫帚", unit="把", category="cleaning")
    mop = item(school_a, "拖把", unit="把", category="cleaning")
    receive(school_a, broom, store_a, 6, "12.00")
    receive(school_a, mop, store_a, 2, "18.00")
    return kit_create(
        actor=head_a,
        school=school_a,
        name="教室清洁工具",
        lines=[{"item": broom, "quantity": D(3)}, {"item": mop, "quantity": D(1)}],
    )


@pytest.fixture
def three_classes(school_a):
    heads = [member(school_a, "teacher", username=f"bzr{n}", full_name=f"班主任{n}") for n in (1, 2, 3)]
    first = classroom(school_a, "一年级1班", head=heads[0], number="101")
    return [
        first,
        classroom(school_a, "一年级2班", head=heads[1], number="102", building=first.building),
        classroom(school_a, "二年级1班", head=heads[2], number="201", building=first.building),
    ]


def test_allotment_from_the_page_to_the_class_heads_signature(
    client, head_a, keeper_a, cleaning, store_a, three_classes
):
    login(client, head_a)
    form = text(client.get(reverse("supplies:allotment_add") + f"?kit={cleaning.pk}"))
    assert "一年级1班 · 班主任1 · 45" in form
    response = client.post(
        reverse("supplies:allotment_add"),
        {
            "title": "春季清洁工具",
            "kit": cleaning.pk,
            "store": store_a.pk,
            "rooms": [r.pk for r in three_classes],
        },
    )
    allotment = Allotment.objects.get()
    assert response["Location"] == allotment.get_absolute_url()
    login(client, keeper_a)
    client.post(reverse("supplies:allotment_issue", args=[allotment.pk]))
    body = text(client.get(allotment.get_absolute_url()))
    assert 'id="shortage"' in body  # the third class: 3 brooms and a mop missing
    assert [t.status for t in allotment.targets.order_by("room__number")] == ["issued", "issued", "short"]
    target = allotment.targets.get(room=three_classes[0])
    head = target.receiver
    slip = text(login(client, head).get(reverse("supplies:allotmenttarget_slip", args=[target.pk])))
    assert 'id="confirm-form"' in slip and "扫帚" in slip
    client.post(reverse("supplies:allotmenttarget_confirm", args=[target.pk]))
    target.refresh_from_db()
    assert (target.status, target.confirmed_by) == ("confirmed", head)
    signed = text(client.get(reverse("supplies:allotmenttarget_slip", args=[target.pk])))
    assert f'id="signed-{target.pk}"' in signed


def test_a_class_slip_is_for_the_head_and_the_office(
    client, school_a, head_a, keeper_a, cleaning, store_a, three_classes, teacher_a
):
    allotment = allotment_create(
        actor=head_a, school=school_a, title="春季", kit=cleaning, store=store_a, rooms=three_classes
    )
    allotment_issue(actor=keeper_a, allotment=allotment)
    target = allotment.targets.get(room=three_classes[0])
    url = reverse("supplies:allotmenttarget_slip", args=[target.pk])
    assert login(client, teacher_a).get(url).status_code == 403
    assert (
        login(client, teacher_a)
        .post(reverse("supplies:allotmenttarget_confirm", args=[target.pk]))
        .status_code
        == 403
    )
    assert login(client, keeper_a).get(url).status_code == 200
    target.refresh_from_db()
    assert target.status == "issued"


def test_receipts_page_lists_what_waits_for_me(
    client, school_a, head_a, keeper_a, cleaning, store_a, three_classes
):
    allotment = allotment_create(
        actor=head_a,
        school=school_a,
        title="春季清洁工具",
        kit=cleaning,
        store=store_a,
        rooms=three_classes[:1],
    )
    allotment_issue(actor=keeper_a, allotment=allotment)
    head = AllotmentTarget.objects.get().receiver
    body = text(login(client, head).get(reverse("supplies:receipts")))
    assert "春季清洁工具 · 一年级1班" in body
    assert "Nothing waits for your signature." in text(
        login(client, keeper_a).get(reverse("supplies:receipts"))
    )


# --- alerts and reports ----------------------------------------------------------------------


def test_alerts_page(client, school_a, keeper_a, store_a, teacher_a):
    toner = item(school_a, "硒鼓", unit="个", min_stock=D("2"))
    receive(school_a, toner, store_a, 1, "180.00")
    soon = timezone.localdate() + datetime.timedelta(days=10)
    soap = item(school_a, "洗手液", unit="瓶")
    receive(school_a, soap, store_a, 6, "6.00", lot="S1", expiry_date=soon)
    receive(school_a, soap, store_a, 6, "6.00", lot="S2", expiry_date=soon + datetime.timedelta(days=90))
    body = text(login(client, keeper_a).get(reverse("supplies:alerts")))
    assert "硒鼓" in body and "S1" in body and "S2" not in body
    assert login(client, teacher_a).get(reverse("supplies:alerts")).status_code == 403


def test_alerts_run_tells_the_keepers_once(school_a, keeper_a, store_a):
    from ..services.alerts import stock_alerts_run

    toner = item(school_a, "硒鼓", unit="个", min_stock=D("2"))
    receive(school_a, toner, store_a, 1, "180.00")
    assert stock_alerts_run().as_dict() == {"raised": 1, "cleared": 0, "notified": 1}
    assert stock_alerts_run().as_dict() == {"raised": 0, "cleared": 0, "notified": 0}
    receive(school_a, toner, store_a, 5, "180.00")
    assert stock_alerts_run().as_dict() == {"raised": 0, "cleared": 1, "notified": 0}
    assert list(Notification.objects.values_list("title", flat=True)) == [
        "Low stock: 硒鼓, 1 个 left (minimum 2)"
    ]


def test_reports_by_department_and_class(client, school_a, keeper_a, teacher_a, paper, store_a, stocked):
    room = classroom(school_a, "三年级2班", head=teacher_a)
    stock_issue(
        school=school_a, item=paper, store=store_a, quantity=2, issued_to=teacher_a, actor=keeper_a, room=room
    )
    stock_issue(school=school_a, item=paper, store=store_a, quantity=1, issued_to=teacher_a, actor=keeper_a)
    login(client, keeper_a)
    today = timezone.localdate().isoformat()
    body = text(client.get(reverse("supplies:reports"), {"start": today, "end": today, "by": "room"}))
    assert "三年级2班" in body and "40.00" in body and "(none)" in body and "20.00" in body
    assert '<b id="stock-value-total">140.00</b>' in body


def test_approval_page_of_a_requisition_names_the_kind(
    client, school_a, teacher_a, head_a, principal_a, supervisor, paper, stocked
):
    approval_policy_set(
        actor=supervisor,
        school=school_a.parent,
        kind="supplies.requisition",
        steps=[{"role": "head_of_logistics", "level": "school", "max_amount": None}],
    )
    requisition = requisition_create(
        actor=teacher_a, school=school_a, purpose="全校试卷", lines=[{"item": paper, "quantity": D(30)}]
    )
    requisition = requisition_submit(actor=teacher_a, requisition=requisition)
    body = text(login(client, head_a).get(requisition.approval.get_absolute_url()))
    assert "Supplies requisition" in body


def test_nav_has_the_supplies_pages(client, keeper_a):
    body = text(login(client, keeper_a).get("/"))
    for name in (
        "supplies:requisition_add",
        "supplies:receipts",
        "supplies:stockbalance_list",
        "supplies:allotment_list",
    ):
        assert reverse(name) in body


def test_another_store_shows_on_the_item_page(client, school_a, keeper_a, paper, stocked):
    other = store(school_a, "教学楼储物间")
    receive(school_a, paper, other, 2, "25.00")
    body = text(login(client, keeper_a).get(paper.get_absolute_url()))
    assert '<b id="item-total">12</b>' in body and '<b id="item-value">250.00</b>' in body


def test_the_stock_list_answers_htmx_with_its_results_only(client, keeper_a, stocked):
    response = login(client, keeper_a).get(reverse("supplies:stockbalance_list"), HTTP_HX_REQUEST="true")
    body = text(response)
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="results">') and "复印纸 A4 70g" in body and "<html" not in body
