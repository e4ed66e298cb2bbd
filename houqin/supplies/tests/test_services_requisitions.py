"""Requisitions: ask, approval above the rule book's threshold, issue in part or in full, the
receiver's signature, cancelling. Failures change nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from houqin.core.models import ApprovalRequest, ChangeLogEntry, DocumentSequence, Notification
from houqin.core.services.approvals import approval_decide, approval_policy_set, approval_withdraw
from houqin.core.services.rules import rule_override_set
from houqin.core.tests.factories import DepartmentFactory, member

from ..models import Requisition, StockBalance, StockMovement
from ..selectors import requisition_lines
from ..services.requisitions import (
    requisition_cancel,
    requisition_confirm,
    requisition_create,
    requisition_issue,
    requisition_submit,
    requisition_update,
)
from ..services.stock import stock_return
from .factories import classroom, item, receive

D = Decimal
YEAR = timezone.localdate().year


@pytest.fixture
def policy(school_a, supervisor, head_a, principal_a):
    """Requisitions above the threshold: the head of logistics up to 2000, then the principal."""
    return approval_policy_set(
        actor=supervisor,
        school=school_a.parent,
        kind="supplies.requisition",
        steps=[
            {"role": "head_of_logistics", "level": "school", "max_amount": D("2000")},
            {"role": "principal", "level": "school", "max_amount": None},
        ],
    )


@pytest.fixture
def chalk_stocked(school_a, chalk, store_a):
    receive(school_a, chalk, store_a, 20, "3.50")
    return chalk


def ask(teacher, school, *pairs, **kwargs):
    return requisition_create(
        actor=teacher,
        school=school,
        purpose=kwargs.pop("purpose", "三年级2班期中考试用"),
        lines=[{"item": it, "quantity": D(str(q))} for it, q in pairs],
        **kwargs,
    )


def lines_of(requisition):
    return [
        (line.item.name, line.quantity, line.issued, line.open) for line in requisition_lines(requisition)
    ]


# --- asking ----------------------------------------------------------------------------------


def test_a_teacher_asks_for_supplies(school_a, teacher_a, paper, chalk):
    requisition = ask(teacher_a, school_a, (paper, 3), (chalk, "2"))
    assert (requisition.number, requisition.status, requisition.requester, requisition.receiver) == (
        f"LY-{YEAR}-0001",
        "draft",
        teacher_a,
        teacher_a,
    )
    assert lines_of(requisition) == [
        ("复印纸", D("3.000"), 0, D("3.000")),
        ("粉笔", D("2.000"), 0, D("2.000")),
    ]
    entry = ChangeLogEntry.objects.get(content_type__model="requisition")
    assert entry.changes["lines"] == [None, ["复印纸 A4 70g × 3包", "粉笔 × 2盒"]]


def test_for_a_class_the_class_head_is_the_receiver(school_a, teacher_a, paper):
    head = member(school_a, "teacher", username="banzhuren", full_name="赵晓燕")
    grade3 = DepartmentFactory(school=school_a, name="低年级组")
    room = classroom(school_a, "三年级2班", head=head)
    room.department = grade3
    room.save()
    requisition = ask(teacher_a, school_a, (paper, 1), room=room)
    assert (requisition.receiver, requisition.room, requisition.department) == (head, room, grade3)


def _bad_lines(name, paper, paper_b):
    return {
        "none": [],
        "foreign item": [{"item": paper_b, "quantity": D(1)}],
        "twice": [{"item": paper, "quantity": D(1)}, {"item": paper, "quantity": D(2)}],
        "zero": [{"item": paper, "quantity": D(0)}],
        "negative": [{"item": paper, "quantity": D(-2)}],
        "too precise": [{"item": paper, "quantity": D("0.0005")}],
    }[name]


@pytest.mark.parametrize("case", ["none", "foreign item", "twice", "zero", "negative", "too precise"])
def test_bad_lines_create_nothing(case, school_a, teacher_a, paper, paper_b):
    logs = ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        requisition_create(
            actor=teacher_a, school=school_a, purpose="x", lines=_bad_lines(case, paper, paper_b)
        )
    assert list(exc.value.message_dict) == ["lines"]
    assert (
        Requisition.objects.count(),
        DocumentSequence.objects.count(),
        ChangeLogEntry.objects.count(),
    ) == (
        0,
        0,
        logs,
    )


def test_a_room_of_another_school_is_refused(school_a, school_b, teacher_a, paper):
    with pytest.raises(ValidationError) as exc:
        ask(teacher_a, school_a, (paper, 1), room=classroom(school_b, "外校班级"))
    assert list(exc.value.message_dict) == ["room"]
    assert Requisition.objects.count() == 0


def test_only_members_who_may_ask(school_a, school_b, paper, head_b):
    worker = member(school_a, "auditor", username="auditor")
    for actor in (worker, head_b):
        with pytest.raises(PermissionDenied):
            ask(actor, school_a, (paper, 1))
    assert Requisition.objects.count() == 0


def test_a_draft_is_changed_by_its_requester_only(school_a, teacher_a, paper, chalk, principal_a):
    requisition = ask(teacher_a, school_a, (paper, 3))
    with pytest.raises(PermissionDenied):
        requisition_update(actor=principal_a, requisition=requisition, purpose="x", lines=[])
    requisition_update(
        actor=teacher_a,
        requisition=requisition,
        purpose="改为两项",
        lines=[{"item": chalk, "quantity": D(5)}],
    )
    requisition.refresh_from_db()
    assert (requisition.purpose, lines_of(requisition)) == ("改为两项", [("粉笔", D("5.000"), 0, D("5.000"))])


# --- the threshold and the approval ----------------------------------------------------------


def test_within_the_threshold_it_is_ready_at_once(school_a, teacher_a, keeper_a, paper, stocked):
    requisition = requisition_submit(actor=teacher_a, requisition=ask(teacher_a, school_a, (paper, 3)))
    assert (requisition.status, requisition.amount, requisition.needs_approval, requisition.approval) == (
        "approved",
        D("60.00"),
        False,
        None,
    )
    assert list(Notification.objects.values_list("user__username", "title")) == [
        ("keeper_a", f"Requisition to issue: LY-{YEAR}-0001 三年级2班期中考试用")
    ]


def test_above_the_threshold_it_goes_through_the_policy(school_a, teacher_a, head_a, paper, stocked, policy):
    requisition = requisition_submit(actor=teacher_a, requisition=ask(teacher_a, school_a, (paper, 30)))
    assert (requisition.status, requisition.amount, requisition.needs_approval) == (
        "pending",
        D("600.00"),
        True,
    )
    approval = requisition.approval
    assert (approval.kind, approval.amount, approval.object_id, approval.current_role_code) == (
        "supplies.requisition",
        D("600.00"),
        requisition.pk,
        "head_of_logistics",
    )
    approval_decide(actor=head_a, request=approval, decision="approve", comment="同意")
    requisition.refresh_from_db()
    assert (requisition.status, requisition.approved_at is not None) == ("approved", True)


def test_the_threshold_is_the_schools_rule(school_a, teacher_a, supervisor, paper, stocked, policy):
    rule_override_set(
        actor=supervisor,
        school=school_a,
        key="supplies.requisition_approval_threshold",
        value="50",
        source="校务会",
    )
    requisition = requisition_submit(actor=teacher_a, requisition=ask(teacher_a, school_a, (paper, 3)))
    assert (requisition.status, requisition.amount) == ("pending", D("60.00"))


def test_a_reference_price_estimates_what_is_not_in_stock(school_a, teacher_a, policy):
    toner = item(school_a, "硒鼓", unit="个", reference_price=D("180.00"))
    requisition = requisition_submit(actor=teacher_a, requisition=ask(teacher_a, school_a, (toner, 3)))
    assert (requisition.status, requisition.amount) == ("pending", D("540.00"))


def test_nobody_approves_their_own_requisition(school_a, head_a, principal_a, paper, stocked, policy):
    requisition = requisition_submit(actor=head_a, requisition=ask(head_a, school_a, (paper, 30)))
    approval = requisition.approval
    # The head's own request skips the head's step and waits for the principal.
    assert approval.current_role_code == "principal"
    with pytest.raises(ValidationError) as exc:
        approval_decide(actor=head_a, request=approval, decision="approve")
    assert exc.value.messages == ["Nobody decides their own request."]
    requisition.refresh_from_db()
    approval.refresh_from_db()
    assert (requisition.status, approval.status, approval.decisions.count()) == ("pending", "pending", 0)


def test_rejected_and_withdrawn(school_a, teacher_a, head_a, paper, stocked, policy):
    first = requisition_submit(actor=teacher_a, requisition=ask(teacher_a, school_a, (paper, 30)))
    approval_decide(actor=head_a, request=first.approval, decision="reject", comment="数量太多")
    first.refresh_from_db()
    assert first.status == "rejected"
    second = requisition_submit(actor=teacher_a, requisition=ask(teacher_a, school_a, (paper, 40)))
    approval_withdraw(actor=teacher_a, request=second.approval)
    second.refresh_from_db()
    assert (second.status, second.submitted_at) == ("draft", None)


def test_only_the_requester_submits_and_only_a_draft(school_a, teacher_a, keeper_a, paper, stocked):
    requisition = ask(teacher_a, school_a, (paper, 1))
    with pytest.raises(PermissionDenied):
        requisition_submit(actor=keeper_a, requisition=requisition)
    requisition_submit(actor=teacher_a, requisition=requisition)
    with pytest.raises(ValidationError):
        requisition_submit(actor=teacher_a, requisition=requisition)
    assert ApprovalRequest.objects.count() == 0


def test_no_policy_is_a_clear_error(school_a, teacher_a, paper, stocked):
    requisition = ask(teacher_a, school_a, (paper, 30))
    with pytest.raises(ValidationError) as exc:
        requisition_submit(actor=teacher_a, requisition=requisition)
    assert list(exc.value.message_dict) == ["kind"]
    requisition.refresh_from_db()
    assert (requisition.status, requisition.amount, requisition.submitted_at) == ("draft", None, None)


# --- issue and signature ---------------------------------------------------------------------


@pytest.fixture
def ready(school_a, teacher_a, paper, stocked, chalk_stocked):
    return requisition_submit(
        actor=teacher_a, requisition=ask(teacher_a, school_a, (paper, 3), (chalk_stocked, 2))
    )


def line_ids(requisition):
    return {line.item.name: line.pk for line in requisition.lines.select_related("item")}


def test_issue_in_part_then_the_rest(school_a, ready, store_a, keeper_a, teacher_a):
    ids = line_ids(ready)
    movements = requisition_issue(
        actor=keeper_a, requisition=ready, store=store_a, quantities={ids["复印纸"]: 2}
    )
    ready.refresh_from_db()
    assert (ready.status, ready.issued_by, lines_of(ready)) == (
        "partly_issued",
        keeper_a,
        [("复印纸", D("3.000"), D("2.000"), D("1.000")), ("粉笔", D("2.000"), 0, D("2.000"))],
    )
    assert [(m.quantity, m.issued_to, m.requisition, m.reference) for m in movements] == [
        (D("-2.000"), teacher_a, ready, ready.number)
    ]
    requisition_issue(
        actor=keeper_a, requisition=ready, store=store_a, quantities={ids["复印纸"]: 1, ids["粉笔"]: "2"}
    )
    ready.refresh_from_db()
    assert ready.status == "issued"
    assert [line[3] for line in lines_of(ready)] == [D("0"), D("0")]
    assert list(StockBalance.objects.order_by("item__name").values_list("item__name", "quantity")) == [
        ("复印纸", D("7.000")),
        ("粉笔", D("18.000")),
    ]


def test_more_than_asked_is_refused(ready, store_a, keeper_a):
    ids = line_ids(ready)
    with pytest.raises(ValidationError) as exc:
        requisition_issue(actor=keeper_a, requisition=ready, store=store_a, quantities={ids["复印纸"]: 4})
    assert exc.value.message_dict == {
        f"line_{ids['复印纸']}": ["复印纸 A4 70g: 4 asked to issue, only 3 still open."]
    }
    assert StockMovement.objects.filter(kind="issue").count() == 0


def test_a_line_the_store_cannot_cover_refuses_the_whole_issue(
    school_a, ready, store_a, keeper_a, teacher_a, chalk
):
    ids = line_ids(ready)
    short_store = store_a.__class__.objects.create(school=school_a, name="空仓库")
    receive(school_a, chalk, short_store, 1, "3.50")
    with pytest.raises(ValidationError) as exc:
        requisition_issue(
            actor=keeper_a,
            requisition=ready,
            store=short_store,
            quantities={ids["复印纸"]: 1, ids["粉笔"]: 2},
        )
    assert exc.value.messages == ["复印纸 A4 70g: requested 1, 0 available in 空仓库."]
    ready.refresh_from_db()
    assert (ready.status, StockMovement.objects.filter(kind="issue").count()) == ("approved", 0)
    assert StockBalance.objects.get(store=short_store, item=chalk).quantity == D("1.000")


def test_nothing_is_issued_against_a_draft_or_a_pending_one(
    school_a, teacher_a, keeper_a, paper, stocked, store_a
):
    draft = ask(teacher_a, school_a, (paper, 1))
    with pytest.raises(ValidationError) as exc:
        requisition_issue(
            actor=keeper_a, requisition=draft, store=store_a, quantities={line_ids(draft)["复印纸"]: 1}
        )
    assert exc.value.messages == ["Nothing can be issued against a requisition that is Draft."]
    assert StockMovement.objects.filter(kind="issue").count() == 0


def test_a_teacher_does_not_issue(ready, store_a, teacher_a):
    with pytest.raises(PermissionDenied):
        requisition_issue(
            actor=teacher_a, requisition=ready, store=store_a, quantities={line_ids(ready)["复印纸"]: 1}
        )


def test_the_receiver_signs_and_that_closes_it(ready, store_a, keeper_a, teacher_a, head_a):
    requisition_issue(
        actor=keeper_a, requisition=ready, store=store_a, quantities={line_ids(ready)["复印纸"]: 3}
    )
    assert list(Notification.objects.filter(user=teacher_a).values_list("title", flat=True)) == [
        f"Please sign for the supplies of {ready}"
    ]
    with pytest.raises(PermissionDenied):
        requisition_confirm(actor=head_a, requisition=ready)
    done = requisition_confirm(actor=teacher_a, requisition=ready)
    assert (done.status, done.confirmed_by, done.confirmed_at is not None) == ("received", teacher_a, True)
    with pytest.raises(ValidationError):
        requisition_confirm(actor=teacher_a, requisition=ready)
    with pytest.raises(ValidationError):
        requisition_issue(
            actor=keeper_a, requisition=ready, store=store_a, quantities={line_ids(ready)["粉笔"]: 1}
        )


def test_a_return_reopens_the_line(ready, store_a, keeper_a):
    ids = line_ids(ready)
    (issue,) = requisition_issue(
        actor=keeper_a, requisition=ready, store=store_a, quantities={ids["复印纸"]: 3}
    )
    stock_return(issue=issue, quantity=1, actor=keeper_a, reason="多领了")
    assert lines_of(ready)[0] == ("复印纸", D("3.000"), D("2.000"), D("1.000"))


def test_cancel_before_anything_is_issued(ready, store_a, keeper_a, teacher_a):
    with pytest.raises(ValidationError) as exc:
        requisition_cancel(actor=teacher_a, requisition=ready, reason=" ")
    assert list(exc.value.message_dict) == ["reason"]
    requisition_cancel(actor=teacher_a, requisition=ready, reason="活动取消")
    ready.refresh_from_db()
    assert (ready.status, ready.cancel_reason) == ("cancelled", "活动取消")


def test_an_issued_requisition_is_not_cancelled(ready, store_a, keeper_a, teacher_a):
    requisition_issue(
        actor=keeper_a, requisition=ready, store=store_a, quantities={line_ids(ready)["复印纸"]: 1}
    )
    with pytest.raises(ValidationError):
        requisition_cancel(actor=teacher_a, requisition=ready, reason="不要了")
    ready.refresh_from_db()
    assert ready.status == "partly_issued"
