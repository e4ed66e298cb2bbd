"""The supplies API: the same scoping, permissions and services as the pages; exact payloads,
refusals that change nothing, pinned query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from houqin.core.tests.factories import member

from ..models import Requisition, StockBalance, StockMovement
from .factories import classroom, item, receive
from .test_views import login

D = Decimal


@pytest.fixture
def api():
    return APIClient()


def as_user(api, user):
    api.force_authenticate(user)
    api.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return api


def issue_url(balance):
    return f"/api/supplies/balances/{balance.pk}/issue/"


def test_balance_list_needs_login_and_permission(api, stocked, teacher_a):
    assert api.get("/api/supplies/balances/").status_code in (401, 403)
    assert as_user(api, teacher_a).get("/api/supplies/balances/").status_code == 403


def test_balance_list_payload(api, keeper_a, stocked, paper, store_a, school_a):
    data = as_user(api, keeper_a).get("/api/supplies/balances/").json()
    assert data["count"] == 1
    assert data["results"] == [
        {
            "id": stocked.pk,
            "school": school_a.pk,
            "item": paper.pk,
            "item_name": "复印纸 A4 70g",
            "unit": "包",
            "store": store_a.pk,
            "store_name": "物资仓库",
            "quantity": "10.000",
            "value": "200.00",
            "unit_cost": "20.0000",
            "min_stock": "0.000",
            "last_movement_at": data["results"][0]["last_movement_at"],
        }
    ]


def test_balance_list_query_count_is_pinned(api, keeper_a, school_a, store_a, django_assert_num_queries):
    for n in range(20):
        receive(school_a, item(school_a, f"物品{n:02d}"), store_a, 2, "1.00")
    as_user(api, keeper_a).get("/api/supplies/balances/")
    # The same user object keeps its access cache: what remains is the count and the rows, with
    # item, store and school joined (no query per row).
    with django_assert_num_queries(2):
        assert api.get("/api/supplies/balances/").json()["count"] == 20
    for n in range(20, 40):
        receive(school_a, item(school_a, f"物品{n:02d}"), store_a, 2, "1.00")
    with django_assert_num_queries(2):
        assert api.get("/api/supplies/balances/").json()["count"] == 40


def test_page_and_api_return_the_same_balances(
    client, api, keeper_a, school_a, store_a, store_a2, paper, chalk
):
    receive(school_a, paper, store_a, 3, "20.00")
    receive(school_a, chalk, store_a, 3, "3.00")
    receive(school_a, paper, store_a2, 1, "20.00")
    receive(school_a, item(school_a, "信纸"), store_a, 1, "1.00")
    query = f"?store={store_a.pk}&q=纸"
    ids = sorted(
        r["id"] for r in as_user(api, keeper_a).get("/api/supplies/balances/" + query).json()["results"]
    )
    expected = sorted(
        StockBalance.objects.filter(store=store_a, item__name__contains="纸").values_list("pk", flat=True)
    )
    assert ids == expected and len(ids) == 2
    page = login(client, keeper_a).get(reverse("supplies:stockbalance_list") + query).content.decode()
    for pk in ids:
        assert f'href="/supplies/balances/{pk}/"' in page
    for other in StockBalance.objects.exclude(pk__in=ids):
        assert f'href="/supplies/balances/{other.pk}/"' not in page


def test_a_balance_is_one_query_away(api, keeper_a, stocked, django_assert_num_queries):
    as_user(api, keeper_a).get(f"/api/supplies/balances/{stocked.pk}/")
    with django_assert_num_queries(1):  # the balance row with its item and store (access is cached)
        assert api.get(f"/api/supplies/balances/{stocked.pk}/").json()["quantity"] == "10.000"


def test_issue_through_the_api(api, keeper_a, teacher_a, stocked, paper, store_a, school_a):
    response = as_user(api, keeper_a).post(
        issue_url(stocked), {"quantity": "3", "issued_to": teacher_a.pk, "reference": "API"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    movement = StockMovement.objects.get(kind="issue")
    assert {
        k: body[k] for k in ("id", "kind", "quantity", "value", "balance_after", "issued_to", "reference")
    } == {
        "id": movement.pk,
        "kind": "issue",
        "quantity": "-3.000",
        "value": "-60.00",
        "balance_after": "7.000",
        "issued_to": teacher_a.pk,
        "reference": "API",
    }


def test_issuing_more_than_the_balance_is_a_400_and_changes_nothing(api, keeper_a, teacher_a, stocked):
    response = as_user(api, keeper_a).post(
        issue_url(stocked), {"quantity": "11", "issued_to": teacher_a.pk}, format="json"
    )
    assert (response.status_code, response.json()) == (
        400,
        {"quantity": ["复印纸 A4 70g: requested 11, 10 available in 物资仓库."]},
    )
    stocked.refresh_from_db()
    assert (stocked.quantity, StockMovement.objects.count()) == (D("10.000"), 1)


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"quantity": "0"}, {"quantity": ["Enter a number greater than zero."]}),
        ({"quantity": "-1"}, {"quantity": ["Enter a number greater than zero."]}),
        ({"quantity": "x"}, {"quantity": ["A valid number is required."]}),
        ({"issued_to": "foreign"}, {"issued_to": ["Unknown person."]}),
        ({"room": "foreign"}, {"room": ["Unknown room."]}),
    ],
)
def test_bad_issues_through_the_api(api, body, errors, keeper_a, teacher_a, head_b, school_b, stocked):
    payload = {"quantity": "1", "issued_to": teacher_a.pk, **body}
    if payload.get("issued_to") == "foreign":
        payload["issued_to"] = head_b.pk
    if payload.get("room") == "foreign":
        payload["room"] = classroom(school_b, "外校班级", head=head_b).pk
    response = as_user(api, keeper_a).post(issue_url(stocked), payload, format="json")
    assert (response.status_code, response.json()) == (400, errors)
    stocked.refresh_from_db()
    assert stocked.quantity == D("10.000")


def test_issue_refused_to_a_teacher_and_to_another_school(api, teacher_a, keeper_b, stocked):
    assert (
        as_user(api, teacher_a)
        .post(issue_url(stocked), {"quantity": "1", "issued_to": teacher_a.pk})
        .status_code
        == 403
    )
    assert (
        as_user(api, keeper_b)
        .post(issue_url(stocked), {"quantity": "1", "issued_to": keeper_b.pk})
        .status_code
        == 404
    )
    assert APIClient().post(issue_url(stocked), {"quantity": "1"}).status_code in (401, 403)
    stocked.refresh_from_db()
    assert stocked.quantity == D("10.000")


def test_receive_transfer_adjust_return_reverse(api, keeper_a, teacher_a, school_a, paper, store_a, store_a2):
    as_user(api, keeper_a)
    response = api.post(
        f"/api/supplies/stores/{store_a.pk}/receive/",
        {"item": paper.pk, "quantity": "10", "unit_cost": "20", "lot": "P1"},
        format="json",
    )
    assert (response.status_code, response.json()["value_after"]) == (201, "200.00")
    balance = StockBalance.objects.get(item=paper, store=store_a)
    moved = api.post(
        f"/api/supplies/balances/{balance.pk}/transfer/",
        {"to_store": store_a2.pk, "quantity": "2"},
        format="json",
    )
    assert [m["kind"] for m in moved.json()] == ["transfer_out", "transfer_in"]
    counted = api.post(
        f"/api/supplies/balances/{balance.pk}/adjust/", {"counted": "7", "reason": "盘点"}, format="json"
    )
    assert (counted.status_code, counted.json()["quantity"]) == (201, "-1.000")
    issue = api.post(issue_url(balance), {"quantity": "3", "issued_to": teacher_a.pk}, format="json").json()
    back = api.post(f"/api/supplies/movements/{issue['id']}/return/", {"quantity": "1"}, format="json")
    assert (back.status_code, back.json()["kind"], back.json()["balance_after"]) == (201, "return", "5.000")
    reversal = api.post(
        f"/api/supplies/movements/{counted.json()['id']}/reverse/", {"reason": "数错了"}, format="json"
    )
    assert (reversal.status_code, reversal.json()["balance_after"]) == (201, "6.000")
    refused = api.post(f"/api/supplies/movements/{issue['id']}/reverse/", {"reason": "x"}, format="json")
    assert refused.status_code == 400
    balance.refresh_from_db()
    assert (balance.quantity, balance.value) == (D("6.000"), D("120.00"))


def test_receive_an_item_of_another_school_is_unknown(api, keeper_a, store_a, paper_b):
    response = as_user(api, keeper_a).post(
        f"/api/supplies/stores/{store_a.pk}/receive/",
        {"item": paper_b.pk, "quantity": "1", "unit_cost": "1"},
        format="json",
    )
    assert (response.status_code, response.json()) == (400, {"item": ["Unknown supply item."]})
    assert StockMovement.objects.count() == 0


def test_requisition_from_asking_to_signature(api, school_a, teacher_a, keeper_a, paper, stocked, store_a):
    created = as_user(api, teacher_a).post(
        "/api/supplies/requisitions/",
        {"purpose": "期末考试", "lines": [{"item": paper.pk, "quantity": "4"}]},
        format="json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["status"] == "draft"
    submitted = api.post(f"/api/supplies/requisitions/{pk}/submit/")
    assert (submitted.json()["status"], submitted.json()["amount"]) == ("approved", "80.00")
    line = Requisition.objects.get(pk=pk).lines.get()
    assert (
        api.post(
            f"/api/supplies/requisitions/{pk}/issue/",
            {"store": store_a.pk, "quantities": {line.pk: "4"}},
            format="json",
        ).status_code
        == 403
    )
    issued = as_user(api, keeper_a).post(
        f"/api/supplies/requisitions/{pk}/issue/",
        {"store": store_a.pk, "quantities": {line.pk: "4"}},
        format="json",
    )
    assert issued.json()["status"] == "issued"
    assert api.post(f"/api/supplies/requisitions/{pk}/confirm/").status_code == 403
    signed = as_user(api, teacher_a).post(f"/api/supplies/requisitions/{pk}/confirm/")
    assert (signed.status_code, signed.json()["status"], signed.json()["confirmed_by"]) == (
        200,
        "received",
        teacher_a.pk,
    )


def test_a_requisition_with_an_item_of_another_school(api, teacher_a, paper_b):
    response = as_user(api, teacher_a).post(
        "/api/supplies/requisitions/",
        {"purpose": "x", "lines": [{"item": paper_b.pk, "quantity": "1"}]},
        format="json",
    )
    assert (response.status_code, response.json()) == (400, {"lines": ["Line 1: unknown item."]})
    assert Requisition.objects.count() == 0


def test_allotment_through_the_api(api, school_a, head_a, keeper_a, store_a):
    broom = item(school_a, "扫帚", unit="把", category="cleaning")
    receive(school_a, broom, store_a, 5, "12.00")
    heads = [member(school_a, "teacher", username=f"h{n}") for n in (1, 2)]
    first = classroom(school_a, "一年级1班", head=heads[0], number="101")
    second = classroom(school_a, "一年级2班", head=heads[1], number="102", building=first.building)
    kit = as_user(api, head_a).post(
        "/api/supplies/kits/",
        {"name": "清洁工具", "lines": [{"item": broom.pk, "quantity": "3"}]},
        format="json",
    )
    assert kit.status_code == 201
    made = api.post(
        "/api/supplies/allotments/",
        {"title": "春季", "kit": kit.json()["id"], "store": store_a.pk, "rooms": [first.pk, second.pk]},
        format="json",
    )
    assert made.status_code == 201
    pk = made.json()["id"]
    done = as_user(api, keeper_a).post(f"/api/supplies/allotments/{pk}/issue/").json()
    target_first, target_second = sorted(t["id"] for t in done["targets"])
    assert (done["status"], done["issued"], done["short"]) == (
        "partly_issued",
        [target_first],
        [
            {
                "target": target_second,
                "shortage": [
                    {"item_id": broom.pk, "item": "扫帚", "unit": "把", "needed": "3", "available": "2"}
                ],
            }
        ],
    )
    assert (
        as_user(api, heads[1])
        .post(f"/api/supplies/allotments/{pk}/confirm/", {"target": target_first})
        .status_code
        == 403
    )
    signed = as_user(api, heads[0]).post(f"/api/supplies/allotments/{pk}/confirm/", {"target": target_first})
    assert signed.status_code == 200
    assert [t["status"] for t in sorted(signed.json()["targets"], key=lambda t: t["id"])] == [
        "confirmed",
        "short",
    ]
