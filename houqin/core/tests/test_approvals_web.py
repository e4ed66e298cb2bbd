"""Approval pages (inbox, requests, policies) and the approval API."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from houqin.core.approvals import GENERAL_REQUEST
from houqin.core.models import ApprovalDecision, ApprovalPolicy, ApprovalRequest, Notification
from houqin.core.services.approvals import approval_decide, approval_policy_set, approval_submit
from houqin.core.tests.factories import member, role
from houqin.core.tests.test_approvals import CALLS, WIDGET, YEAR, standard_steps, state, submit

BACKEND = "houqin.core.auth.MembershipBackend"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def calls():
    CALLS.clear()
    yield CALLS
    CALLS.clear()


@pytest.fixture
def policy(district):
    return approval_policy_set(actor=None, school=district, kind=WIDGET, steps=standard_steps())


@pytest.fixture
def general_policy(district):
    return approval_policy_set(actor=None, school=district, kind=GENERAL_REQUEST, steps=standard_steps())


@pytest.fixture
def teacher_b(school_b):
    return member(school_b, "teacher", username="teacher_b")


def login(client, user):
    client.force_login(user, backend=BACKEND)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def decide_url(req):
    return reverse("core:approvalrequest_decide", args=[req.pk])


def detail_url(req):
    return reverse("core:approvalrequest_detail", args=[req.pk])


@pytest.fixture
def req(school_a, teacher_a, head_a, policy):
    """A 5,000 yuan widget request of teacher A, waiting for the head of logistics."""
    return submit(teacher_a, school_a, Decimal("5000"), title="新课桌", description="三年级")


# ---- inbox -------------------------------------------------------------------------------------


def test_inbox_needs_login(client):
    response = client.get(reverse("core:inbox"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_inbox_lists_what_waits_for_me(client, req, head_a, principal_a):
    response = login(client, head_a).get(reverse("core:inbox"))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"{req.number} 新课桌" in body
    assert "1 request waits for your decision." in body
    assert f'hx-post="{decide_url(req)}"' in body
    assert response.context["inbox_count"] == 1

    response = login(client, principal_a).get(reverse("core:inbox"))
    assert "Nothing waits for your decision." in response.content.decode()
    assert req.number not in response.content.decode()


def test_inbox_shows_my_requests_under_way(client, req, teacher_a):
    body = login(client, teacher_a).get(reverse("core:inbox")).content.decode()
    assert "Nothing waits for your decision." in body
    assert f'<a href="{detail_url(req)}">{req.number}</a>' in body


def test_decide_from_the_inbox_with_htmx(client, req, head_a, principal_a):
    login(client, head_a)
    response = client.post(
        decide_url(req), {"decision": "approve", "comment": "同意", "step": "0"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="inbox-{req.pk}"' in body
    assert "now waits for the" in body
    assert '<span id="inbox-count" hx-swap-oob="delete"></span>' in body
    assert "<form" not in body
    req.refresh_from_db()
    assert (req.status, req.current_step) == ("pending", 1)
    assert list(ApprovalDecision.objects.filter(request=req).values_list("actor", "comment")) == [
        (head_a.pk, "同意")
    ]


def test_refused_decision_with_htmx_shows_the_message_and_saves_nothing(client, req, head_a):
    approval_decide(actor=head_a, request=req, decision="approve")
    before = state(req)
    response = login(client, head_a).post(
        decide_url(req), {"decision": "approve", "step": "0"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "This step was already decided; the request has moved on." in body
    assert 'role="alert"' in body
    assert state(req) == before


# ---- decide on the detail page -----------------------------------------------------------------


def test_decide_by_post_redirects_to_the_request(client, req, head_a, principal_a, teacher_a, calls):
    approval_decide(actor=head_a, request=req, decision="approve")
    login(client, principal_a)
    page = client.get(detail_url(req)).content.decode()
    assert f'action="{decide_url(req)}"' in page
    response = client.post(decide_url(req), {"decision": "approve", "comment": "", "step": "1"})
    assert response.status_code == 302
    assert response.url == detail_url(req)
    req.refresh_from_db()
    assert req.status == "approved"
    assert calls == [("approved", req.pk, "approved")]
    assert Notification.objects.filter(user=teacher_a).get().title == f"Approved: {req}"


def test_decide_redirects_to_a_safe_next_only(client, req, head_a):
    login(client, head_a)
    response = client.post(decide_url(req), {"decision": "approve", "next": "https://evil.example/"})
    assert response.url == detail_url(req)
    req2 = submit(req.requester, req.school, Decimal("10"))
    response = client.post(decide_url(req2), {"decision": "approve", "next": reverse("core:inbox")})
    assert response.url == reverse("core:inbox")


@pytest.mark.parametrize(
    "data, message",
    [
        ({"decision": "reject", "comment": ""}, "Say why the request is rejected."),
        ({"decision": "perhaps"}, "Select a valid choice. perhaps is not one of the available choices."),
    ],
)
def test_bad_decision_input_is_a_400_and_saves_nothing(client, req, head_a, data, message):
    before = state(req)
    response = login(client, head_a).post(decide_url(req), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert state(req) == before


def test_second_decision_of_a_decided_request_is_a_400(client, school_a, teacher_a, head_a, policy):
    small = submit(teacher_a, school_a, Decimal("100"))
    approval_decide(actor=head_a, request=small, decision="approve")
    before = state(small)
    response = login(client, head_a).post(decide_url(small), {"decision": "approve"})
    assert response.status_code == 400
    assert "This request is already approved; it cannot be decided again." in response.content.decode()
    assert state(small) == before


def test_decide_refused_for_someone_who_cannot_read_it(client, req, school_a, head_b, head_x):
    other_teacher = member(school_a, "teacher", username="teacher_a2")
    before = state(req)
    assert login(client, other_teacher).post(decide_url(req), {"decision": "approve"}).status_code == 403
    assert login(client, head_b).post(decide_url(req), {"decision": "approve"}).status_code == 404
    assert login(client, head_x).post(decide_url(req), {"decision": "approve"}).status_code == 404
    withdraw = reverse("core:approvalrequest_withdraw", args=[req.pk])
    assert login(client, head_x).post(withdraw).status_code == 404
    for url in (decide_url(req), withdraw):
        assert login(client, head_x).get(url).status_code == 404
        assert login(client, other_teacher).get(url).status_code == 403
    assert state(req) == before


def test_decide_needs_login_and_post(client, req, head_a):
    response = client.post(decide_url(req), {"decision": "approve"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = login(client, head_a).get(decide_url(req))
    assert response.status_code == 302 and response.url == detail_url(req)
    assert ApprovalDecision.objects.count() == 0


# ---- request detail and list -------------------------------------------------------------------


def test_request_detail_access(
    client, req, school_a, teacher_a, head_a, principal_a, head_b, head_x, supervisor
):
    url = detail_url(req)
    assert client.get(url).status_code == 302
    other_teacher = member(school_a, "teacher", username="teacher_a2")
    assert login(client, other_teacher).get(url).status_code == 403
    assert login(client, head_b).get(url).status_code == 404
    assert login(client, head_x).get(url).status_code == 404
    for user in (teacher_a, head_a, principal_a, supervisor):
        assert login(client, user).get(url).status_code == 200


def test_request_detail_shows_steps_and_the_form_only_to_the_decider(
    client, req, teacher_a, head_a, principal_a
):
    approval_decide(actor=head_a, request=req, decision="approve", comment="总务同意")
    body = login(client, teacher_a).get(detail_url(req)).content.decode()
    assert req.number in body and "三年级" in body
    assert "总务同意" in body
    assert str(head_a) in body
    assert f"Waiting for: <strong>{role('principal').name} of {req.school}</strong>" in body
    assert decide_url(req) not in body
    assert reverse("core:approvalrequest_withdraw", args=[req.pk]) in body  # the requester may withdraw

    body = login(client, principal_a).get(detail_url(req)).content.decode()
    assert f'action="{decide_url(req)}"' in body
    assert reverse("core:approvalrequest_withdraw", args=[req.pk]) not in body
    steps = login(client, principal_a).get(detail_url(req)).context["steps"]
    assert [(s["number"], s["state"]) for s in steps] == [(1, "approve"), (2, "waiting")]


def test_request_history_tab(client, req, head_a):
    approval_decide(actor=head_a, request=req, decision="approve", comment="好")
    response = login(client, head_a).get(detail_url(req) + "?tab=history", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert f"1. {role('head_of_logistics').name}: Approve — 好" in body


def test_request_attachments_tab(client, req, head_a):
    response = login(client, head_a).get(detail_url(req) + "?tab=attachments")
    assert response.status_code == 200
    assert response.context["can_attach"] is True
    assert list(response.context["attachments"]) == []


def test_withdraw_page(client, req, teacher_a, head_a):
    url = reverse("core:approvalrequest_withdraw", args=[req.pk])
    before = state(req)
    response = login(client, head_a).post(url)
    assert response.status_code == 400
    assert "Only the requester can withdraw a request." in response.content.decode()
    assert state(req) == before
    response = login(client, teacher_a).post(url)
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == "withdrawn"


def test_request_list_rows_per_user(
    client, req, school_a, school_b, teacher_a, teacher_b, head_a, head_b, policy
):
    mine_b = submit(teacher_b, school_b, Decimal("10"), title="乙校申请")
    own = submit(head_a, school_a, Decimal("10"), title="总务申请")
    url = reverse("core:approvalrequest_list")
    assert client.get(url).status_code == 302

    def rows(user, query=""):
        response = login(client, user).get(url + query)
        assert response.status_code == 200
        return {r.record.pk for r in response.context["table"].rows}

    assert rows(teacher_a) == {req.pk}
    assert rows(head_a) == {req.pk, own.pk}
    assert rows(head_b) == {mine_b.pk}
    assert rows(head_a, f"?requester={teacher_a.pk}") == {req.pk}
    assert rows(head_a, "?status=approved") == set()
    assert rows(head_a, "?q=总务") == {own.pk}
    assert rows(head_a, f"?kind={WIDGET}") == {req.pk, own.pk}
    worker = member(school_a, "repair_worker", username="worker_a")
    worker.memberships.update(role=role("cashier"))  # cashier: reads everything, submits nothing
    assert rows(worker) == {req.pk, own.pk}


def test_lists_answer_htmx_with_their_results_only(client, req, head_a):
    login(client, head_a)
    for name in ("core:approvalrequest_list", "core:approvalpolicy_list"):
        response = client.get(reverse(name), HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        body = response.content.decode()
        assert body.lstrip().startswith('<div id="results">')
        assert "<html" not in body
    assert (
        req.number
        in client.get(reverse("core:approvalrequest_list") + "?q=新", HTTP_HX_REQUEST="true").content.decode()
    )


def test_request_list_forbidden_without_view_or_submit(client, school_a, req):
    from houqin.core.models import Role

    guest = member(school_a, "teacher", username="guest_a")
    guest.memberships.update(
        role=Role.objects.create(code="guest", name="Guest", permissions=["core.view_room"])
    )
    assert login(client, guest).get(reverse("core:approvalrequest_list")).status_code == 403


def test_request_list_export(client, req, head_a):
    response = login(client, head_a).get(reverse("core:approvalrequest_list") + "?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


# ---- submit a general request ------------------------------------------------------------------


def test_submit_page(client, school_a, teacher_a, head_a, general_policy):
    url = reverse("core:approvalrequest_add")
    assert client.get(url).status_code == 302
    page = login(client, teacher_a).get(url)
    assert page.status_code == 200
    assert "It goes through the approval policy set at" in page.content.decode()
    response = client.post(url, {"title": "申请维修经费", "description": "屋顶漏水", "amount": "1200.50"})
    req = ApprovalRequest.objects.get()
    assert response.status_code == 302 and response.url == detail_url(req)
    assert (req.kind, req.number, req.title, req.description, req.amount, req.requester, req.school) == (
        GENERAL_REQUEST,
        f"SP-{YEAR}-0001",
        "申请维修经费",
        "屋顶漏水",
        Decimal("1200.50"),
        teacher_a,
        school_a,
    )
    assert [s["role_code"] for s in req.steps] == ["head_of_logistics"]
    assert Notification.objects.filter(user=head_a).count() == 1


def test_submit_page_refusals(client, school_a, school_x, teacher_a, head_x, general_policy):
    url = reverse("core:approvalrequest_add")
    response = login(client, teacher_a).post(url, {"title": "", "amount": "-5"})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"title", "amount"}
    # No policy in force in the other district: a clear message, nothing saved.
    response = login(client, head_x).get(url)
    assert "No approval policy for general requests is set" in response.content.decode()
    response = client.post(url, {"title": "x"})
    assert response.status_code == 400
    assert (
        f"No approval policy for General request is set for {school_x} or above it."
        in response.content.decode()
    )
    worker = member(school_a, "repair_worker", username="worker_a")
    assert login(client, worker).get(url).status_code == 403
    assert login(client, worker).post(url, {"title": "x"}).status_code == 403
    assert ApprovalRequest.objects.count() == 0


# ---- policies ----------------------------------------------------------------------------------


def test_policy_list_shows_the_policies_bearing_on_the_school(
    client, district, school_a, school_b, head_a, head_b, head_x, policy
):
    own_b = approval_policy_set(actor=None, school=school_b, kind=WIDGET, steps=standard_steps()[:1])
    url = reverse("core:approvalpolicy_list")
    assert url == "/core/approvalpolicies/"

    def rows(user):
        response = login(client, user).get(url)
        assert response.status_code == 200
        return {r.record.pk for r in response.context["table"].rows}

    assert rows(head_a) == {policy.pk}
    assert rows(head_b) == {policy.pk, own_b.pk}
    assert rows(head_x) == set()
    teacher = member(school_a, "teacher", username="t_a")
    assert login(client, teacher).get(url).status_code == 403


def test_policy_detail_access(
    client, district, school_a, school_b, head_a, head_x, principal_a, supervisor, policy
):
    own_b = approval_policy_set(actor=None, school=school_b, kind=WIDGET, steps=standard_steps()[:1])
    url = reverse("core:approvalpolicy_detail", args=[policy.pk])
    assert client.get(url).status_code == 302
    response = login(client, head_a).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert role("district_supervisor").name in body
    assert reverse("core:approvalpolicy_edit", args=[policy.pk]) not in body
    assert login(client, head_x).get(url).status_code == 404
    assert (
        login(client, head_a).get(reverse("core:approvalpolicy_detail", args=[own_b.pk])).status_code == 404
    )
    # The principal may set their own school's policy from the central school's one.
    body = login(client, principal_a).get(url).content.decode()
    assert f"{reverse('core:approvalpolicy_add')}?kind={WIDGET}" in body
    body = login(client, supervisor).get(url).content.decode()
    assert reverse("core:approvalpolicy_edit", args=[policy.pk]) in body


def _formset(rows, **extra):
    data = {
        "steps-TOTAL_FORMS": str(len(rows)),
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "12",
    }
    for i, (role_obj, level, limit) in enumerate(rows):
        data[f"steps-{i}-role"] = str(role_obj.pk) if role_obj else ""
        data[f"steps-{i}-level"] = level
        data[f"steps-{i}-max_amount"] = limit
    data.update(extra)
    return data


def test_policy_add_and_edit(client, district, school_a, principal_a, head_a, supervisor, policy):
    add = reverse("core:approvalpolicy_add")
    assert login(client, head_a).get(add).status_code == 403
    login(client, principal_a)
    page = client.get(add + f"?kind={WIDGET}")
    assert page.status_code == 200
    assert page.context["formset"].initial == [
        {"role": s.role, "level": s.level, "max_amount": s.max_amount} for s in policy.steps.all()
    ]
    data = _formset(
        [
            (role("head_of_logistics"), "school", "1000"),
            (role("principal"), "school", ""),
            (None, "school", ""),
        ],
        kind=WIDGET,
        name="本校",
        is_active="on",
    )
    response = client.post(add, data)
    mine = ApprovalPolicy.objects.get(school=school_a)
    assert response.status_code == 302 and response.url == mine.get_absolute_url()
    assert list(mine.steps.values_list("role__code", "max_amount")) == [
        ("head_of_logistics", Decimal("1000.00")),
        ("principal", None),
    ]
    # A second policy of the same kind at the same node is refused.
    response = client.post(add, data)
    assert response.status_code == 400
    assert ApprovalPolicy.objects.filter(school=school_a).count() == 1

    edit = reverse("core:approvalpolicy_edit", args=[policy.pk])
    assert login(client, principal_a).get(edit).status_code == 403
    bad = _formset(
        [(role("principal"), "school", ""), (role("district_supervisor"), "district", "")], name="x"
    )
    response = login(client, supervisor).post(edit, bad)
    assert response.status_code == 400
    assert "Step 1: only the last step may have no limit" in response.content.decode()
    assert policy.steps.count() == 3
    good = _formset([(role("principal"), "district", "")], name="中心校")
    response = client.post(edit, good)
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.name == "中心校" and not policy.is_active
    assert list(policy.steps.values_list("role__code", "level", "max_amount")) == [
        ("principal", "district", None)
    ]


# ---- API ---------------------------------------------------------------------------------------


def api_decide(client, req, **data):
    return client.post(
        reverse("core-api:core-approvalrequest-decide", args=[req.pk]), data, content_type="application/json"
    )


def test_api_decide(client, req, head_a, principal_a, teacher_a):
    login(client, head_a)
    response = api_decide(client, req, decision="approve", comment="同意", step=0)
    assert response.status_code == 200
    data = response.json()
    assert (data["id"], data["status"], data["current_step"], data["number"]) == (
        req.pk,
        "pending",
        1,
        req.number,
    )
    assert data["amount"] == "5000.00"
    assert data["kind_label"] == "Widget"
    assert [(d["step_index"], d["actor"], d["decision"], d["comment"]) for d in data["decisions"]] == [
        (0, head_a.pk, "approve", "同意")
    ]
    assert [s["role_code"] for s in data["steps"]] == ["head_of_logistics", "principal"]
    assert sorted((d["duty"], d["user"]) for d in data["duties"]) == [
        ("approver", head_a.pk),
        ("requester", teacher_a.pk),
    ]


def test_api_decide_errors(client, req, head_a, head_b, head_x, principal_a):
    approval_decide(actor=head_a, request=req, decision="approve")
    before = state(req)
    login(client, head_a)
    response = api_decide(client, req, decision="approve", step=0)
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["This step was already decided; the request has moved on."]
    }
    response = api_decide(client, req, decision="approve")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [f"This step is decided by the {role('principal').name} of {req.school}."]
    }
    response = login(client, principal_a).post(
        reverse("core-api:core-approvalrequest-decide", args=[req.pk]),
        {"decision": "reject"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {"comment": ["Say why the request is rejected."]}
    assert api_decide(login(client, principal_a), req, decision="later").status_code == 400
    assert api_decide(login(client, head_b), req, decision="approve").status_code == 404
    assert api_decide(login(client, head_x), req, decision="approve").status_code == 404
    assert state(req) == before


def test_api_second_decision_on_a_decided_request(client, school_a, teacher_a, head_a, policy):
    small = submit(teacher_a, school_a, Decimal("100"))
    assert api_decide(login(client, head_a), small, decision="approve").status_code == 200
    before = state(small)
    response = api_decide(client, small, decision="approve")
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["This request is already approved; it cannot be decided again."]
    }
    assert state(small) == before


def test_api_list_and_retrieve(
    client, req, school_a, school_b, teacher_a, teacher_b, head_a, head_b, head_x, policy
):
    other = submit(teacher_b, school_b, Decimal("10"))
    url = reverse("core-api:core-approvalrequest-list")
    assert client.get(url).status_code in (401, 403)

    def ids(user, query=""):
        response = login(client, user).get(url + query)
        assert response.status_code == 200
        return [r["id"] for r in response.json()["results"]]

    assert ids(teacher_a) == [req.pk]
    assert ids(head_a) == [req.pk]
    assert ids(head_b) == [other.pk]
    assert ids(head_x) == []
    assert ids(head_a, "?status=approved") == []
    assert ids(head_a, f"?requester={teacher_a.pk}") == [req.pk]
    detail = reverse("core-api:core-approvalrequest-detail", args=[req.pk])
    assert login(client, head_b).get(detail).status_code == 404
    assert login(client, head_x).get(detail).status_code == 404
    assert login(client, member(school_a, "teacher", username="t2")).get(detail).status_code == 403
    assert login(client, teacher_a).get(detail).json()["title"] == "新课桌"


def test_api_list_matches_the_page(client, req, school_a, teacher_a, head_a, policy):
    submit(teacher_a, school_a, Decimal("20"), title="其他")
    login(client, head_a)
    page = client.get(reverse("core:approvalrequest_list") + "?q=新课桌")
    api = client.get(reverse("core-api:core-approvalrequest-list") + "?q=新课桌")
    assert (
        [r.record.pk for r in page.context["table"].rows]
        == [r["id"] for r in api.json()["results"]]
        == [req.pk]
    )


def test_api_submit_general_request(client, school_a, teacher_a, head_a, general_policy):
    url = reverse("core-api:core-approvalrequest-list")
    login(client, teacher_a)
    response = client.post(url, {"title": "请示", "amount": "800"}, content_type="application/json")
    assert response.status_code == 201
    data = response.json()
    assert (data["kind"], data["number"], data["amount"], data["requester"], data["status"]) == (
        GENERAL_REQUEST,
        f"SP-{YEAR}-0001",
        "800.00",
        teacher_a.pk,
        "pending",
    )
    response = client.post(url, {"title": ""}, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == ["title"]
    assert ApprovalRequest.objects.count() == 1


def test_api_submit_without_policy_or_permission(client, school_a, school_x, head_x):
    url = reverse("core-api:core-approvalrequest-list")
    response = login(client, head_x).post(url, {"title": "x"}, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == ["kind"]
    worker = member(school_a, "repair_worker", username="worker_a")
    assert login(client, worker).post(url, {"title": "x"}, content_type="application/json").status_code == 403
    assert ApprovalRequest.objects.count() == 0


def test_api_withdraw(client, req, teacher_a, head_a):
    url = reverse("core-api:core-approvalrequest-withdraw", args=[req.pk])
    assert login(client, head_a).post(url).status_code == 400
    response = login(client, teacher_a).post(url)
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"


def test_api_requests_are_not_edited_or_deleted(client, req, head_a, supervisor):
    detail = reverse("core-api:core-approvalrequest-detail", args=[req.pk])
    login(client, supervisor)
    assert client.patch(detail, {"title": "x"}, content_type="application/json").status_code == 405
    assert client.delete(detail).status_code == 405
    req.refresh_from_db()
    assert req.title == "新课桌"


def test_api_policies(client, district, school_b, head_a, head_b, head_x, policy):
    own_b = approval_policy_set(actor=None, school=school_b, kind=WIDGET, steps=standard_steps()[:1])
    url = reverse("core-api:core-approvalpolicy-list")
    assert url == "/api/core/approvalpolicies/"
    data = login(client, head_a).get(url).json()
    assert [p["id"] for p in data["results"]] == [policy.pk]
    assert [
        (s["order"], s["role_code"], s["level"], s["max_amount"]) for s in data["results"][0]["steps"]
    ] == [
        (1, "head_of_logistics", "school", "2000.00"),
        (2, "principal", "school", "20000.00"),
        (3, "district_supervisor", "district", None),
    ]
    assert [p["id"] for p in login(client, head_b).get(url).json()["results"]] == [policy.pk, own_b.pk]
    assert login(client, head_x).get(url).json()["results"] == []
    detail = reverse("core-api:core-approvalpolicy-detail", args=[own_b.pk])
    assert login(client, head_a).get(detail).status_code == 404
    assert (
        login(client, head_b).post(url, {"kind": WIDGET}, content_type="application/json").status_code == 405
    )


def test_api_general_request_kind_exists(school_a, teacher_a, general_policy):
    req = approval_submit(actor=teacher_a, school=school_a, kind=GENERAL_REQUEST, title="请示")
    assert str(req.get_kind_display()) == "General request"


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("amount, deciders", [("5000", ["head_a"]), ("50000", ["head_a", "principal_a"])])
def test_list_query_counts_do_not_grow_with_rows(
    client, school_a, teacher_a, head_a, principal_a, supervisor, policy, amount, deciders
):
    people = {"head_a": head_a, "principal_a": principal_a}
    viewer = principal_a if len(deciders) == 1 else supervisor

    def add(n):
        for i in range(n):
            r = submit(teacher_a, school_a, Decimal(amount), title=f"r{i}")
            for name in deciders:
                r = approval_decide(actor=people[name], request=r, decision="approve")

    add(2)
    login(client, viewer)
    urls = [
        reverse("core:approvalrequest_list"),
        reverse("core-api:core-approvalrequest-list"),
        reverse("core:inbox"),
    ]
    few = [_queries(client, url) for url in urls]
    add(4)
    assert len(client.get(reverse("core:inbox")).context["items"]) == 6
    assert [_queries(client, url) for url in urls] == few
