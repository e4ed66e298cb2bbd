"""The approval engine end to end, with a test-only document kind ("tests.widget").

Policy at the central school: head of logistics up to 2,000, principal up to 20,000, the district
supervisor (at the central school) above that.
"""

import threading
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone, translation

from houqin.core import access
from houqin.core.approvals import GENERAL_REQUEST, register_document_kind
from houqin.core.models import (
    ApprovalDecision,
    ApprovalPolicy,
    ApprovalRequest,
    ApprovalStep,
    ChangeLogEntry,
    DocumentDuty,
    Notification,
    RuleOverride,
)
from houqin.core.selectors.approvals import (
    approval_deciders,
    approval_inbox,
    approval_inbox_count,
    approval_policy_for,
    approval_request_for_document,
    approval_requests_for,
)
from houqin.core.services.approvals import (
    approval_assign_duty,
    approval_decide,
    approval_policy_set,
    approval_submit,
    approval_withdraw,
)
from houqin.core.tests.factories import RoomFactory, member, role

WIDGET = "tests.widget"
CALLS = []


def _widget_approved(request):
    CALLS.append(("approved", request.pk, request.status))


def _widget_rejected(request):
    CALLS.append(("rejected", request.pk, request.status))


def _widget_withdrawn(request):
    CALLS.append(("withdrawn", request.pk, request.status))


register_document_kind(
    WIDGET,
    "Widget",
    "WG",
    on_approved=_widget_approved,
    on_rejected=_widget_rejected,
    on_withdrawn=_widget_withdrawn,
)

YEAR = timezone.localdate().year


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English, whatever catalogues are compiled."""
    with translation.override("en"):
        yield


# ---- fixtures shared with test_approvals_web.py ------------------------------------------------


@pytest.fixture
def calls():
    CALLS.clear()
    yield CALLS
    CALLS.clear()


@pytest.fixture
def principal_b(school_b):
    return member(school_b, "principal", username="principal_b")


@pytest.fixture
def teacher_b(school_b):
    return member(school_b, "teacher", username="teacher_b")


def standard_steps():
    return [
        {"role": role("head_of_logistics"), "level": "school", "max_amount": Decimal("2000")},
        {"role": role("principal"), "level": "school", "max_amount": Decimal("20000")},
        {"role": role("district_supervisor"), "level": "district", "max_amount": None},
    ]


@pytest.fixture
def policy(district):
    """The central school's widget policy, in force at every school below it."""
    return approval_policy_set(actor=None, school=district, kind=WIDGET, steps=standard_steps())


@pytest.fixture
def general_policy(district):
    return approval_policy_set(actor=None, school=district, kind=GENERAL_REQUEST, steps=standard_steps())


def submit(user, school, amount, title="新课桌", **kwargs):
    return approval_submit(actor=user, school=school, kind=WIDGET, title=title, amount=amount, **kwargs)


def state(req):
    """Everything a refused operation must leave untouched."""
    req = ApprovalRequest.objects.get(pk=req.pk)
    return {
        "status": req.status,
        "current_step": req.current_step,
        "current_role_code": req.current_role_code,
        "decided_at": req.decided_at,
        "decisions": ApprovalDecision.objects.filter(request=req).count(),
        "duties": sorted(DocumentDuty.objects.filter(request=req).values_list("duty", "user__username")),
        "log": ChangeLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(ApprovalRequest), object_id=str(req.pk)
        ).count(),
        "notifications": Notification.objects.count(),
    }


def titles(user):
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("title", flat=True))


# ---- policies ----------------------------------------------------------------------------------


def test_policy_set_creates_steps_and_logs(district, supervisor):
    p = approval_policy_set(
        actor=supervisor, school=district, kind=WIDGET, steps=standard_steps(), name="桌椅审批"
    )
    rows = list(p.steps.values_list("order", "role__code", "level", "max_amount"))
    assert rows == [
        (1, "head_of_logistics", "school", Decimal("2000.00")),
        (2, "principal", "school", Decimal("20000.00")),
        (3, "district_supervisor", "district", None),
    ]
    entry = ChangeLogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(ApprovalPolicy), object_id=str(p.pk)
    )
    assert entry.action == "create"
    assert entry.actor == supervisor
    assert entry.changes["steps"][1][0].startswith("1. ")
    assert len(entry.changes["steps"][1]) == 3


def test_policy_set_replaces_steps_by_code(district, supervisor, policy):
    p = approval_policy_set(
        actor=supervisor,
        school=district,
        kind=WIDGET,
        steps=[{"role": "principal", "level": "school", "max_amount": None}],
    )
    assert p.pk == policy.pk
    assert list(p.steps.values_list("order", "role__code", "max_amount")) == [(1, "principal", None)]
    assert ApprovalStep.objects.count() == 1
    update = ChangeLogEntry.objects.filter(object_id=str(p.pk), action="update").get()
    before, after = update.changes["steps"]
    assert len(before) == 3 and len(after) == 1


@pytest.mark.parametrize(
    "steps, key",
    [
        ([], "steps"),
        (
            [
                {"role": "principal", "level": "school", "max_amount": None},
                {"role": "principal", "level": "school", "max_amount": None},
            ],
            "steps",
        ),
        (
            [
                {"role": "principal", "level": "school", "max_amount": Decimal("5000")},
                {"role": "principal", "level": "school", "max_amount": Decimal("2000")},
            ],
            "steps",
        ),
        (
            [
                {"role": "principal", "level": "school", "max_amount": Decimal("5000")},
                {"role": "principal", "level": "school", "max_amount": Decimal("5000")},
            ],
            "steps",
        ),
        ([{"role": "nobody", "level": "school", "max_amount": None}], "steps"),
        ([{"role": "principal", "level": "galaxy", "max_amount": None}], "steps"),
        ([{"role": "principal", "level": "school", "max_amount": Decimal("-1")}], "steps"),
    ],
)
def test_policy_set_refuses_bad_steps(district, supervisor, steps, key):
    role("principal")
    with pytest.raises(ValidationError) as exc:
        approval_policy_set(actor=supervisor, school=district, kind=WIDGET, steps=steps)
    assert list(exc.value.message_dict) == [key]
    assert ApprovalPolicy.objects.count() == 0
    assert ApprovalStep.objects.count() == 0
    assert ChangeLogEntry.objects.filter(content_type__model="approvalpolicy").count() == 0


def test_policy_set_refuses_unknown_kind_and_missing_permission(district, school_a, supervisor, head_a):
    with pytest.raises(ValidationError) as exc:
        approval_policy_set(actor=supervisor, school=district, kind="nope.nothing", steps=standard_steps())
    assert list(exc.value.message_dict) == ["kind"]
    with pytest.raises(PermissionDenied):
        approval_policy_set(actor=head_a, school=school_a, kind=WIDGET, steps=standard_steps())
    assert ApprovalPolicy.objects.count() == 0


def test_policy_in_force_is_the_nearest_node(district, school_a, school_b, school_x, policy):
    own = approval_policy_set(
        actor=None,
        school=school_b,
        kind=WIDGET,
        steps=[{"role": role("principal"), "level": "school", "max_amount": None}],
    )
    assert approval_policy_for(school_a, WIDGET) == policy
    assert approval_policy_for(school_b, WIDGET) == own
    assert approval_policy_for(district, WIDGET) == policy
    assert approval_policy_for(school_x, WIDGET) is None
    assert approval_policy_for(school_a, GENERAL_REQUEST) is None
    # An inactive policy is skipped: the central school's applies again.
    approval_policy_set(
        actor=None,
        school=school_b,
        kind=WIDGET,
        steps=[{"role": "principal", "level": "school", "max_amount": None}],
        is_active=False,
    )
    assert approval_policy_for(school_b, WIDGET) == policy


def test_submission_uses_the_nearest_policy(school_b, teacher_b, policy):
    approval_policy_set(
        actor=None,
        school=school_b,
        kind=WIDGET,
        steps=[{"role": role("principal"), "level": "school", "max_amount": None}],
    )
    req = submit(teacher_b, school_b, Decimal("50000"))
    assert [s["role_code"] for s in req.steps] == ["principal"]


# ---- the way through the steps -----------------------------------------------------------------


def test_small_request_has_one_step_and_is_approved(school_a, teacher_a, head_a, principal_a, policy, calls):
    req = submit(teacher_a, school_a, Decimal("1500"), description="三张")
    req.refresh_from_db()
    assert req.number == f"WG-{YEAR}-0001"
    assert req.steps == [
        {
            "role_code": "head_of_logistics",
            "role_name": role("head_of_logistics").name,
            "level": "school",
            "max_amount": "2000.00",
        }
    ]
    assert (req.status, req.current_step, req.current_role_code, req.current_level) == (
        "pending",
        0,
        "head_of_logistics",
        "school",
    )
    assert req.amount == Decimal("1500.00")
    assert req.requester == teacher_a
    assert req.description == "三张"
    assert list(DocumentDuty.objects.filter(request=req).values_list("duty", "user")) == [
        ("requester", teacher_a.pk)
    ]
    log = ChangeLogEntry.objects.filter(object_id=str(req.pk), content_type__model="approvalrequest")
    assert list(log.values_list("action", flat=True)) == ["create"]
    # Only the head of logistics is told something waits.
    assert titles(head_a) == [f"Waiting for your approval: WG-{YEAR}-0001 新课桌"]
    assert titles(principal_a) == []
    assert titles(teacher_a) == []

    approved = approval_decide(actor=head_a, request=req, decision="approve", comment="同意")
    assert approved.status == "approved"
    assert approved.decided_at is not None
    assert approved.current_role_code == ""
    assert list(
        ApprovalDecision.objects.filter(request=req).values_list(
            "step_index", "role_code", "actor", "decision", "comment"
        )
    ) == [(0, "head_of_logistics", head_a.pk, "approve", "同意")]
    assert sorted(DocumentDuty.objects.filter(request=req).values_list("duty", "user")) == [
        ("approver", head_a.pk),
        ("requester", teacher_a.pk),
    ]
    assert calls == [("approved", req.pk, "approved")]
    assert titles(teacher_a) == [f"Approved: WG-{YEAR}-0001 新课桌"]
    update = log.filter(action="update").get()
    assert update.actor == head_a
    assert update.changes["status"] == ["pending", "approved"]
    assert update.changes["decision"] == [None, f"1. {role('head_of_logistics').name}: Approve — 同意"]


def test_medium_request_goes_through_two_steps(
    school_a, teacher_a, head_a, principal_a, supervisor, policy, calls
):
    req = submit(teacher_a, school_a, Decimal("5000"))
    assert [s["role_code"] for s in req.steps] == ["head_of_logistics", "principal"]
    assert approval_inbox_count(head_a) == 1 and approval_inbox_count(principal_a) == 0

    req = approval_decide(actor=head_a, request=req, decision="approve")
    assert (req.status, req.current_step, req.current_role_code) == ("pending", 1, "principal")
    assert calls == []
    assert titles(principal_a) == [f"Waiting for your approval: {req}"]
    assert titles(teacher_a) == []
    assert list(approval_inbox(principal_a)) == [req]
    assert list(approval_inbox(head_a)) == []

    req = approval_decide(actor=principal_a, request=req, decision="approve", comment="可以")
    assert req.status == "approved"
    assert calls == [("approved", req.pk, "approved")]
    assert titles(teacher_a) == [f"Approved: {req}"]
    assert list(ApprovalDecision.objects.filter(request=req).values_list("step_index", "actor")) == [
        (0, head_a.pk),
        (1, principal_a.pk),
    ]
    assert titles(supervisor) == []


def test_large_request_is_routed_to_the_central_school(
    district, school_a, teacher_a, head_a, principal_a, supervisor, policy, calls
):
    # A supervisor role held at the school itself does not reach the central school's step.
    local_supervisor = member(school_a, "district_supervisor", username="local_sup")
    req = submit(teacher_a, school_a, Decimal("50000"))
    assert [(s["role_code"], s["level"], s["max_amount"]) for s in req.steps] == [
        ("head_of_logistics", "school", "2000.00"),
        ("principal", "school", "20000.00"),
        ("district_supervisor", "district", None),
    ]
    req = approval_decide(actor=head_a, request=req, decision="approve")
    req = approval_decide(actor=principal_a, request=req, decision="approve")
    assert req.current_level == "district"
    assert titles(supervisor) == [f"Waiting for your approval: {req}"]
    assert titles(local_supervisor) == []
    assert list(approval_inbox(supervisor)) == [req]
    assert list(approval_inbox(local_supervisor)) == []
    assert list(approval_deciders(req)) == [supervisor]
    before = state(req)
    with pytest.raises(ValidationError) as exc:
        approval_decide(actor=local_supervisor, request=req, decision="approve")
    assert exc.value.messages == [
        f"This step is decided by the {role('district_supervisor').name} of {district}."
    ]
    assert state(req) == before

    req = approval_decide(actor=supervisor, request=req, decision="approve")
    assert req.status == "approved"
    assert calls == [("approved", req.pk, "approved")]


def test_request_without_amount_goes_through_every_step(school_a, teacher_a, policy):
    req = submit(teacher_a, school_a, None)
    assert len(req.steps) == 3
    assert req.amount is None


def test_amount_on_a_limit_ends_at_that_step(school_a, teacher_a, policy):
    assert len(submit(teacher_a, school_a, Decimal("2000")).steps) == 1
    assert len(submit(teacher_a, school_a, Decimal("2000.01")).steps) == 2


def test_rejection_ends_the_request_and_tells_the_requester(
    school_a, teacher_a, head_a, principal_a, policy, calls
):
    req = submit(teacher_a, school_a, Decimal("5000"))
    before = state(req)
    with pytest.raises(ValidationError) as exc:
        approval_decide(actor=head_a, request=req, decision="reject", comment="  ")
    assert list(exc.value.message_dict) == ["comment"]
    assert state(req) == before

    req = approval_decide(actor=head_a, request=req, decision="reject", comment="预算不足")
    assert (req.status, req.current_step, req.current_role_code) == ("rejected", 0, "")
    assert calls == [("rejected", req.pk, "rejected")]
    n = Notification.objects.filter(user=teacher_a).get()
    assert n.title == f"Rejected: {req}"
    assert n.body == f"{head_a}: 预算不足"
    assert titles(principal_a) == []
    assert approval_inbox_count(principal_a) == 0


def test_unknown_decision_is_refused(school_a, teacher_a, head_a, policy):
    req = submit(teacher_a, school_a, Decimal("100"))
    before = state(req)
    with pytest.raises(ValidationError) as exc:
        approval_decide(actor=head_a, request=req, decision="maybe")
    assert list(exc.value.message_dict) == ["decision"]
    assert state(req) == before


# ---- refusals: who may not decide --------------------------------------------------------------


def _at_principal_step(teacher_a, head_a, school_a):
    req = submit(teacher_a, school_a, Decimal("5000"))
    return approval_decide(actor=head_a, request=req, decision="approve")


@pytest.mark.parametrize(
    "case, message",
    [
        ("wrong_role", "This step is decided by the {principal} of {school_a}."),
        ("other_principal", "This step is decided by the {principal} of {school_a}."),
        ("requester", "Nobody decides their own request."),
        ("second_decision", "This request is already approved; it cannot be decided again."),
        ("rejected", "This request is already rejected; it cannot be decided again."),
        ("withdrawn", "This request is already withdrawn; it cannot be decided again."),
        ("cashier", "You are the cashier of this document; the approver must be someone else."),
        ("stale_step", "This step was already decided; the request has moved on."),
        ("other_district", "This step is decided by the {principal} of {school_a}."),
    ],
)
def test_refused_decisions_change_nothing(
    case, message, school_a, school_b, teacher_a, head_a, principal_a, principal_b, head_x, policy, calls
):
    req = _at_principal_step(teacher_a, head_a, school_a)
    actor, kwargs = principal_a, {}
    if case == "wrong_role":
        actor = member(school_a, "storekeeper", username="keeper_a")
    elif case == "other_principal":
        actor = principal_b
    elif case == "other_district":
        actor = member(head_x.memberships.get().school, "principal", username="principal_x")
    elif case == "requester":
        # The requester becomes principal after submitting: still not their own approver.
        actor = member(school_a, "principal", user=teacher_a)
        access.clear_access_cache(teacher_a)
    elif case == "second_decision":
        req = approval_decide(actor=principal_a, request=req, decision="approve")
    elif case == "rejected":
        req = approval_decide(actor=principal_a, request=req, decision="reject", comment="不行")
    elif case == "withdrawn":
        req = approval_withdraw(actor=teacher_a, request=req)
    elif case == "cashier":
        approval_assign_duty(actor=head_a, request=req, duty="cashier", user=principal_a)
    elif case == "stale_step":
        kwargs = {"step_index": 0}
    calls.clear()
    before = state(req)
    with pytest.raises(ValidationError) as exc:
        approval_decide(actor=actor, request=req, decision="approve", **kwargs)
    assert exc.value.messages == [message.format(principal=role("principal").name, school_a=school_a)]
    assert state(req) == before
    assert calls == []


def test_an_approver_may_decide_two_steps_when_holding_both_roles(school_a, teacher_a, policy):
    both = member(school_a, "head_of_logistics", username="both")
    member(school_a, "principal", user=both)
    req = submit(teacher_a, school_a, Decimal("5000"))
    req = approval_decide(actor=both, request=req, decision="approve", step_index=0)
    req = approval_decide(actor=both, request=req, decision="approve", step_index=1)
    assert req.status == "approved"
    assert list(DocumentDuty.objects.filter(request=req, user=both).values_list("duty", flat=True)) == [
        "approver"
    ]


def test_callback_error_refuses_the_decision(school_a, teacher_a, head_a, policy):
    def refuse(request):
        raise ValidationError("The widget is gone.")

    register_document_kind("tests.fragile", "Fragile", "FR", on_approved=refuse)
    approval_policy_set(actor=None, school=school_a, kind="tests.fragile", steps=standard_steps()[:1])
    req = approval_submit(actor=teacher_a, school=school_a, kind="tests.fragile", title="x", amount=1)
    before = state(req)
    with pytest.raises(ValidationError) as exc:
        approval_decide(actor=head_a, request=req, decision="approve")
    assert exc.value.messages == ["The widget is gone."]
    assert state(req) == before


# ---- duties ------------------------------------------------------------------------------------


def test_approver_cannot_become_cashier_of_the_same_document(
    school_a, teacher_a, head_a, principal_a, policy
):
    req = submit(teacher_a, school_a, Decimal("1500"))
    req = approval_decide(actor=head_a, request=req, decision="approve")
    before = state(req)
    with pytest.raises(ValidationError) as exc:
        approval_assign_duty(actor=principal_a, request=req, duty="cashier", user=head_a)
    assert exc.value.message_dict == {
        "user": [f"{head_a} is the approver of this document; the cashier must be someone else."]
    }
    assert state(req) == before
    # Another person may; a compatible duty for the approver too; assigning twice is harmless.
    row = approval_assign_duty(actor=principal_a, request=req, duty="cashier", user=principal_a)
    assert (row.duty, row.user) == ("cashier", principal_a)
    approval_assign_duty(actor=principal_a, request=req, duty="receiver", user=head_a)
    again = approval_assign_duty(actor=principal_a, request=req, duty="cashier", user=principal_a)
    assert again.pk == row.pk
    assert sorted(DocumentDuty.objects.filter(request=req).values_list("duty", "user__username")) == [
        ("approver", "head_a"),
        ("cashier", "principal_a"),
        ("receiver", "head_a"),
        ("requester", "teacher_a"),
    ]
    entries = ChangeLogEntry.objects.filter(
        object_id=str(req.pk), content_type__model="approvalrequest", changes__has_key="duties"
    )
    assert entries.count() == 2


@pytest.mark.parametrize("duty", ["approver", "requester", "janitor"])
def test_assign_duty_refuses_engine_and_unknown_duties(school_a, teacher_a, head_a, policy, duty):
    req = submit(teacher_a, school_a, Decimal("10"))
    before = state(req)
    with pytest.raises(ValidationError) as exc:
        approval_assign_duty(actor=head_a, request=req, duty=duty, user=head_a)
    assert list(exc.value.message_dict) == ["duty"]
    assert state(req) == before


def test_rule_book_override_lifts_the_incompatibility(
    district, school_a, teacher_a, head_a, principal_a, policy
):
    RuleOverride.objects.create(
        school=district, key="approval.incompatible_duties", value=[["cashier", "bookkeeper"]]
    )
    req = _at_principal_step(teacher_a, head_a, school_a)
    approval_assign_duty(actor=head_a, request=req, duty="cashier", user=principal_a)
    assert list(approval_inbox(principal_a)) == [req]
    req = approval_decide(actor=principal_a, request=req, decision="approve")
    assert req.status == "approved"


def test_incompatible_duty_hides_the_request_from_the_inbox(school_a, teacher_a, head_a, principal_a, policy):
    req = _at_principal_step(teacher_a, head_a, school_a)
    assert approval_inbox_count(principal_a) == 1
    approval_assign_duty(actor=head_a, request=req, duty="bookkeeper", user=principal_a)
    assert approval_inbox_count(principal_a) == 0
    assert list(approval_deciders(req)) == []


# ---- withdraw ----------------------------------------------------------------------------------


def test_withdraw_by_requester_only_while_pending(school_a, teacher_a, head_a, policy, calls):
    req = submit(teacher_a, school_a, Decimal("100"))
    before = state(req)
    with pytest.raises(ValidationError) as exc:
        approval_withdraw(actor=head_a, request=req)
    assert exc.value.messages == ["Only the requester can withdraw a request."]
    assert state(req) == before
    req = approval_withdraw(actor=teacher_a, request=req)
    assert (req.status, req.current_role_code) == ("withdrawn", "")
    assert calls == [("withdrawn", req.pk, "withdrawn")]
    assert approval_inbox_count(head_a) == 0
    before = state(req)
    with pytest.raises(ValidationError) as exc:
        approval_withdraw(actor=teacher_a, request=req)
    assert exc.value.messages == ["This request is already withdrawn; it cannot be withdrawn."]
    assert state(req) == before


# ---- submission --------------------------------------------------------------------------------


def test_submit_without_a_policy_in_force(school_x, head_x, policy):
    with pytest.raises(ValidationError) as exc:
        approval_submit(actor=head_x, school=school_x, kind=WIDGET, title="x", amount=Decimal("10"))
    assert list(exc.value.message_dict) == ["kind"]
    assert ApprovalRequest.objects.count() == 0
    assert ChangeLogEntry.objects.filter(content_type__model="approvalrequest").count() == 0


def test_submit_needs_permission_without_a_document(school_a, policy):
    worker = member(school_a, "repair_worker", username="worker_a")
    with pytest.raises(PermissionDenied):
        submit(worker, school_a, Decimal("10"))
    # With a registered document the app's service has decided who may submit.
    room = RoomFactory(school=school_a)
    req = submit(worker, school_a, Decimal("10"), document=room)
    assert req.document == room
    assert approval_request_for_document(room) == req


@pytest.mark.parametrize(
    "title, amount, key",
    [
        ("", Decimal("10"), "title"),
        ("x", Decimal("-1"), "amount"),
        ("x", "abc", "amount"),
        ("x", "NaN", "amount"),
        ("x", Decimal("1.005"), "amount"),
        ("x", Decimal("1000000000000"), "amount"),
    ],
)
def test_submit_refuses_bad_input(school_a, teacher_a, policy, title, amount, key):
    with pytest.raises(ValidationError) as exc:
        submit(teacher_a, school_a, amount, title=title)
    assert list(exc.value.message_dict) == [key]
    assert ApprovalRequest.objects.count() == 0


def test_submit_refuses_another_schools_document_and_a_second_pending_request(
    school_a, school_b, teacher_a, policy
):
    other_room = RoomFactory(school=school_b)
    with pytest.raises(ValidationError) as exc:
        submit(teacher_a, school_a, Decimal("10"), document=other_room)
    assert list(exc.value.message_dict) == ["document"]
    room = RoomFactory(school=school_a)
    first = submit(teacher_a, school_a, Decimal("10"), document=room)
    with pytest.raises(ValidationError) as exc:
        submit(teacher_a, school_a, Decimal("10"), document=room)
    assert exc.value.message_dict == {"document": ["This document is already waiting for approval."]}
    assert list(ApprovalRequest.objects.values_list("pk", flat=True)) == [first.pk]
    assert first.number == f"WG-{YEAR}-0001"


def test_district_step_needs_a_central_school_above(policy):
    from houqin.core.tests.factories import make_school

    lone = make_school("独立学校")
    keeper = member(lone, "principal", username="lone_principal")
    approval_policy_set(actor=None, school=lone, kind=WIDGET, steps=standard_steps())
    with pytest.raises(ValidationError) as exc:
        submit(keeper, lone, Decimal("50000"))
    assert list(exc.value.message_dict) == ["kind"]
    assert ApprovalRequest.objects.count() == 0
    assert submit(keeper, lone, Decimal("100")).number == f"WG-{YEAR}-0001"


def test_numbers_are_per_school_and_kind(school_a, school_b, teacher_a, teacher_b, policy, general_policy):
    assert submit(teacher_a, school_a, 1).number == f"WG-{YEAR}-0001"
    assert submit(teacher_a, school_a, 1).number == f"WG-{YEAR}-0002"
    assert submit(teacher_b, school_b, 1).number == f"WG-{YEAR}-0001"
    general = approval_submit(actor=teacher_a, school=school_a, kind=GENERAL_REQUEST, title="请示")
    assert general.number == f"SP-{YEAR}-0001"


# ---- inbox and visibility ----------------------------------------------------------------------


def test_inbox_for_each_user(
    district,
    school_a,
    school_b,
    teacher_a,
    teacher_b,
    head_a,
    head_b,
    principal_a,
    principal_b,
    supervisor,
    head_x,
    policy,
):
    small_a = submit(teacher_a, school_a, Decimal("100"), title="a1")
    medium_a = approval_decide(
        actor=head_a, request=submit(teacher_a, school_a, Decimal("5000"), title="a2"), decision="approve"
    )
    large_b = submit(teacher_b, school_b, Decimal("90000"), title="b1")
    large_b = approval_decide(actor=head_b, request=large_b, decision="approve")
    large_b = approval_decide(actor=principal_b, request=large_b, decision="approve")
    done = approval_decide(
        actor=head_a, request=submit(teacher_a, school_a, Decimal("1"), title="done"), decision="approve"
    )
    own = submit(head_a, school_a, Decimal("100"), title="mine")
    assert done.status == "approved"
    expected = {
        head_a: [small_a],
        # The head's own request went past the head's step to the principal.
        principal_a: [medium_a, own],
        head_b: [],
        principal_b: [],
        supervisor: [large_b],
        teacher_a: [],
        head_x: [],
    }
    for user, rows in expected.items():
        assert list(approval_inbox(user)) == rows, user
        assert approval_inbox_count(user) == len(rows), user
    assert own.pk not in {r.pk for r in approval_inbox(head_a)}


def test_inbox_count_is_cheap(school_a, teacher_a, head_a, supervisor, policy, django_assert_num_queries):
    for amount in (100, 200, 300):
        submit(teacher_a, school_a, Decimal(amount))
    fresh = type(head_a).objects.get(pk=head_a.pk)
    with django_assert_num_queries(2):  # memberships, candidates
        assert approval_inbox_count(fresh) == 3
    fresh = type(supervisor).objects.get(pk=supervisor.pk)
    with django_assert_num_queries(2):  # memberships, candidates (none waits for the central school)
        assert approval_inbox_count(fresh) == 0


def test_requests_for_each_user(
    school_a, school_b, teacher_a, teacher_b, head_a, head_b, supervisor, head_x, policy
):
    a1 = submit(teacher_a, school_a, Decimal("100"))
    a2 = submit(head_a, school_a, Decimal("100"))
    b1 = submit(teacher_b, school_b, Decimal("100"))
    other_teacher = member(school_a, "teacher", username="teacher_a2")
    assert set(approval_requests_for(teacher_a)) == {a1}
    assert set(approval_requests_for(other_teacher)) == set()
    assert set(approval_requests_for(head_a)) == {a1, a2}
    assert set(approval_requests_for(head_b)) == {b1}
    assert set(approval_requests_for(supervisor)) == {a1, a2, b1}
    assert set(approval_requests_for(head_x)) == set()


# ---- concurrency (PostgreSQL) ------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_decide_the_step_once(school_a, teacher_a, head_a, policy):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    second = member(school_a, "head_of_logistics", username="head_a2")
    req = submit(teacher_a, school_a, Decimal("5000"))
    barrier = threading.Barrier(2)
    results = []

    def decide(user):
        from django.db import connection as conn

        try:
            barrier.wait()
            # A new thread starts in the site language; the message is compared in English.
            with translation.override("en"):
                approval_decide(actor=user, request=req, decision="approve", step_index=0)
            results.append("ok")
        except ValidationError as exc:
            with translation.override("en"):
                results.append(exc.messages[0])
        finally:
            conn.close()

    threads = [threading.Thread(target=decide, args=(u,)) for u in (head_a, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["This step was already decided; the request has moved on.", "ok"]
    req.refresh_from_db()
    assert (req.status, req.current_step) == ("pending", 1)
    assert ApprovalDecision.objects.filter(request=req).count() == 1


def test_a_step_of_the_requesters_own_role_goes_to_the_next_authority(
    school_a, head_a, principal_a, supervisor, policy
):
    # Within the head of logistics' limit, but the head asks: the principal decides.
    req = approval_submit(actor=head_a, school=school_a, kind=WIDGET, title="x", amount=Decimal("1500"))
    assert [s["role_code"] for s in req.steps] == ["principal"]
    # The principal's own 5,000 request: head of logistics, then past the principal to the district.
    req = approval_submit(actor=principal_a, school=school_a, kind=WIDGET, title="y", amount=Decimal("5000"))
    assert [s["role_code"] for s in req.steps] == ["head_of_logistics", "district_supervisor"]
