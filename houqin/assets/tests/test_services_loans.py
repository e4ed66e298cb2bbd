"""Lending and issue for the semester, return and hand-back, overdue reminders."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from houqin.assets.choices import AssetStatus, EventKind, IncidentKind, LoanStatus
from houqin.assets.models import Asset, AssetEvent, AssetIncident, AssetLoan
from houqin.assets.selectors import handback_list
from houqin.assets.services.incidents import incident_repair_start, incident_report
from houqin.assets.services.loans import asset_issue, asset_lend, loan_overdue_remind, loan_return
from houqin.core.models import Notification
from houqin.core.services.rules import rule_override_set
from houqin.core.tests.factories import DepartmentFactory, SemesterFactory, UserFactory

from .factories import make_asset, make_desks

TODAY = timezone.localdate()
YEAR = TODAY.year


@pytest.fixture
def semester(district):
    return SemesterFactory(
        school=district,
        school_year="2026-2027",
        start_date=TODAY - datetime.timedelta(days=30),
        end_date=TODAY + datetime.timedelta(days=60),
    )


def counts():
    return (Asset.objects.count(), AssetEvent.objects.count(), AssetLoan.objects.count())


def test_lend_part_of_a_batch_and_take_it_back(categories, school_a, storekeeper_a, room_a, teacher_a):
    chairs = make_desks(school_a, room_a, quantity=30)
    loan = asset_lend(
        actor=storekeeper_a,
        asset=chairs,
        quantity=10,
        borrower=teacher_a,
        purpose="运动会",
        due_on=TODAY + datetime.timedelta(days=3),
    )
    chairs.refresh_from_db()
    out = loan.asset
    assert (loan.number, loan.quantity, loan.borrower, loan.lent_by, loan.lent_on, loan.status) == (
        f"JY-{YEAR}-0001",
        10,
        teacher_a,
        storekeeper_a,
        TODAY,
        LoanStatus.OUT,
    )
    assert (chairs.quantity, chairs.status, out.quantity, out.status, out.origin) == (
        20,
        AssetStatus.IN_USE,
        10,
        AssetStatus.ON_LOAN,
        chairs,
    )
    assert (chairs.amount, out.amount) == (Decimal("5200.00"), Decimal("2600.00"))
    assert list(out.events.order_by("pk").values_list("kind", "status_before", "status_after")) == [
        ("split_in", "", "in_use"),
        ("loan", "in_use", "on_loan"),
    ]
    assert out.events.get(kind="loan").loan == loan
    returned = loan_return(actor=storekeeper_a, loan=loan, condition="good", note="如数归还")
    out.refresh_from_db()
    assert (returned.status, returned.returned_on, returned.received_by, returned.return_condition) == (
        LoanStatus.RETURNED,
        TODAY,
        storekeeper_a,
        "good",
    )
    assert (out.status, out.condition) == (AssetStatus.IN_USE, "good")
    back = out.events.get(kind=EventKind.RETURN)
    assert (back.status_before, back.status_after, back.note, back.loan) == (
        "on_loan",
        "in_use",
        "如数归还",
        loan,
    )
    with pytest.raises(ValidationError) as caught:
        loan_return(actor=storekeeper_a, loan=loan)
    assert caught.value.messages == [f"Loan {loan.number} is already closed."]


def test_returned_damaged_opens_a_damage_report(categories, school_a, storekeeper_a, teacher_a):
    projector = make_asset(school_a, name="投影仪", category="A02020200", unit_price=Decimal("3200.00"))
    loan = asset_lend(actor=storekeeper_a, asset=projector, borrower=teacher_a, due_on=TODAY)
    loan_return(actor=storekeeper_a, loan=loan, condition="damaged", note="镜头摔裂")
    projector.refresh_from_db()
    assert (projector.status, projector.condition) == (AssetStatus.IN_USE, "damaged")
    incident = AssetIncident.objects.get(asset=projector)
    assert (incident.kind, incident.description, incident.reported_by, incident.responsible_party) == (
        IncidentKind.DAMAGE,
        "镜头摔裂",
        storekeeper_a,
        str(teacher_a),
    )
    assert list(projector.events.order_by("pk").values_list("kind", flat=True)) == [
        "register",
        "loan",
        "return",
        "damage",
    ]


def test_issue_for_the_semester_and_the_hand_back_list(
    categories, school_a, storekeeper_a, head_a, semester, room_a
):
    balls = make_asset(
        school_a, name="篮球", category="A02350000", unit_price=Decimal("120.00"), quantity=30, room=room_a
    )
    pe = DepartmentFactory(school=school_a, name="体育组")
    issue = asset_issue(
        actor=storekeeper_a, asset=balls, quantity=6, borrower_department=pe, borrower_class="三年级2班"
    )
    assert (issue.kind, issue.semester, issue.due_on, issue.quantity) == (
        "issue",
        semester,
        semester.end_date,
        6,
    )
    assert (
        issue.asset.events.get(kind="issue").note
        == f"{issue.number} to 体育组 · 三年级2班, due {semester.end_date}"
    )
    assert list(handback_list(user=head_a, scope=school_a, semester=semester)) == [issue]
    loan_return(actor=storekeeper_a, loan=issue)
    assert list(handback_list(user=head_a, scope=school_a, semester=semester)) == []


def test_overdue_loans_are_reminded_on_schedule(categories, school_a, storekeeper_a, teacher_a):
    projector = make_asset(school_a, name="投影仪", category="A02020200")
    loan = asset_lend(
        actor=storekeeper_a,
        asset=projector,
        borrower=teacher_a,
        lent_on=TODAY - datetime.timedelta(days=5),
        due_on=TODAY - datetime.timedelta(days=1),
    )
    other = make_asset(school_a, name="相机", category="A02020000")
    on_time = asset_lend(actor=storekeeper_a, asset=other, borrower=teacher_a, due_on=TODAY)
    assert loan_overdue_remind(on=TODAY) == 1
    titles = sorted(Notification.objects.values_list("user__username", "title"))
    expected = f"Overdue: {projector} (loan {loan.number}) was due back on {loan.due_on.isoformat()}"
    assert titles == [("keeper_a", expected), ("teacher_a", expected)]
    assert loan_overdue_remind(on=TODAY) == 0  # not twice a day
    assert loan_overdue_remind(on=TODAY + datetime.timedelta(days=6)) == 1  # `on_time` is late now too
    assert loan_overdue_remind(on=TODAY + datetime.timedelta(days=7)) == 1  # a week after the first
    rule_override_set(actor=None, school=school_a, key="assets.loan_reminder_interval_days", value=1)
    loan_return(actor=storekeeper_a, loan=on_time)
    assert loan_overdue_remind(on=TODAY + datetime.timedelta(days=8)) == 1
    loan.refresh_from_db()
    assert loan.last_reminded_on == TODAY + datetime.timedelta(days=8)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"quantity": 0}, "quantity"),
        ({"quantity": -2}, "quantity"),
        ({"quantity": 31}, "quantity"),
        ({"borrower": None}, "borrower"),
        ({"due_on": None}, "due_on"),
        ({"due_on": TODAY - datetime.timedelta(days=1)}, "due_on"),
        ({"lent_on": TODAY + datetime.timedelta(days=1)}, "lent_on"),
        ({"borrower": "B"}, "borrower"),
        ({"borrower": "X"}, "borrower"),
        ({"borrower_department": "B"}, "borrower_department"),
        ({"kind": "rent"}, "kind"),
        ({"kind": "issue", "borrower": None}, "borrower_department"),
        ({"kind": "issue", "borrower_class": "一年级1班"}, "semester"),  # no semester covers today
    ],
)
def test_bad_loans_change_nothing(
    categories, school_a, school_b, storekeeper_a, teacher_a, head_b, room_a, kwargs, field
):
    chairs = make_desks(school_a, room_a, quantity=30)
    foreign = {
        "B": head_b if "borrower" in kwargs else DepartmentFactory(school=school_b),
        "X": UserFactory(),
    }
    data = {"borrower": teacher_a, "due_on": TODAY + datetime.timedelta(days=3), **kwargs}
    data = {k: (foreign[v] if isinstance(v, str) and v in foreign else v) for k, v in data.items()}
    before = counts()
    with pytest.raises(ValidationError) as caught:
        asset_lend(actor=storekeeper_a, asset=chairs, **data)
    assert field in caught.value.message_dict
    assert counts() == before
    chairs.refresh_from_db()
    assert (chairs.quantity, chairs.status) == (30, AssetStatus.IN_USE)


def test_what_is_out_or_in_repair_is_not_lent(categories, school_a, storekeeper_a, head_a, teacher_a):
    projector = make_asset(school_a, name="投影仪", category="A02020200")
    asset_lend(actor=storekeeper_a, asset=projector, borrower=teacher_a, due_on=TODAY)
    camera = make_asset(school_a, name="相机", category="A02020000")
    damage = incident_report(actor=head_a, asset=camera, kind="damage", description="镜头坏了")
    incident_repair_start(actor=head_a, incident=damage)
    before = counts()
    for asset, status in ((projector, "on loan"), (camera, "under repair")):
        with pytest.raises(ValidationError) as caught:
            asset_lend(actor=storekeeper_a, asset=asset, borrower=teacher_a, due_on=TODAY)
        assert caught.value.messages == [f"{asset} is {status}; it cannot be lent now."]
    assert counts() == before


def test_a_teacher_may_not_lend(categories, school_a, teacher_a):
    projector = make_asset(school_a, name="投影仪", category="A02020200")
    with pytest.raises(PermissionDenied):
        asset_lend(actor=teacher_a, asset=projector, borrower=teacher_a, due_on=TODAY)
    assert AssetLoan.objects.count() == 0
