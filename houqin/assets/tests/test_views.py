"""Pages of the asset register: anonymous, no permission (403), another school (404), permitted."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from houqin.assets.choices import AssetStatus
from houqin.assets.models import Asset, AssetCategory, AssetIncident, AssetLoan, Disposal, RoomSignoff
from houqin.assets.services.assets import asset_move
from houqin.assets.services.categories import category_create
from houqin.assets.services.incidents import incident_report
from houqin.assets.services.loans import asset_issue, asset_lend
from houqin.core.tests.factories import DepartmentFactory, SemesterFactory, member

from .factories import category, make_asset, make_desks

TODAY = timezone.localdate()
YEAR = TODAY.year


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def pc(categories, school_a, room_a):
    return make_asset(
        school_a,
        name="台式计算机",
        room=room_a,
        unit_price=Decimal("4800.00"),
        acquired_on=datetime.date(2025, 3, 10),
    )


def login(client, user):
    client.force_login(user)
    return client


def text(response):
    return response.content.decode()


PAGES = [
    ("assets:asset_list", False),
    ("assets:asset_add", False),
    ("assets:asset_detail", True),
    ("assets:asset_edit", True),
    ("assets:asset_move", True),
    ("assets:asset_lend", True),
    ("assets:asset_report", True),
    ("assets:room_custody_list", False),
    ("assets:assetloan_handback", False),
    ("assets:disposal_add", False),
    ("assets:assetcategory_list", False),
]


@pytest.mark.parametrize(("name", "with_pk"), PAGES)
def test_anonymous_is_sent_to_login(client, pc, name, with_pk):
    url = reverse(name, args=[pc.pk] if with_pk else [])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


WITH_PK = ("_edit", "_move", "_lend", "_report", "_split")


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("assets:asset_list", "repair_worker"),
        ("assets:asset_add", "teacher"),
        ("assets:asset_edit", "teacher"),
        ("assets:asset_move", "teacher"),
        ("assets:asset_lend", "principal"),
        ("assets:asset_report", "principal"),
        ("assets:asset_split", "auditor"),
        ("assets:disposal_add", "teacher"),
        ("assets:transfer_add", "principal"),
        ("assets:assetloan_list", "teacher"),
        ("assets:room_custody_list", "repair_worker"),
    ],
)
def test_without_permission_403(client, pc, school_a, room_a2, name, role):
    url = reverse(name, args=[pc.pk] if name.endswith(WITH_PK) else [])
    login(client, member(school_a, role))
    assert client.get(url).status_code == 403
    if not name.endswith("_list"):
        assert client.post(url, {"room": room_a2.pk, "quantity": 1, "name": "x"}).status_code == 403
    pc.refresh_from_db()
    assert (Asset.objects.count(), pc.room_id, pc.name) == (1, pc.room_id, "台式计算机")


@pytest.mark.parametrize(
    "name",
    [
        "assets:asset_detail",
        "assets:asset_edit",
        "assets:asset_move",
        "assets:asset_lend",
        "assets:asset_report",
        "assets:asset_status",
        "assets:asset_dispose",
    ],
)
def test_another_schools_card_is_404(client, pc, head_b, room_b, name):
    login(client, head_b)
    url = reverse(name, args=[pc.pk])
    assert client.get(url).status_code == 404
    if name != "assets:asset_detail":
        assert client.post(url, {"room": room_b.pk}).status_code == 404
    pc.refresh_from_db()
    assert pc.room.school_id == pc.school_id


def test_the_list_searches_by_pinyin_initials(client, pc, head_a, school_a, room_a):
    make_desks(school_a, room_a)
    login(client, head_a)
    page = text(client.get(reverse("assets:asset_list"), {"q": "tsj"}))
    assert f"ZC-{YEAR}-0001" in page and "台式计算机" in page
    assert "学生课桌椅" not in page
    partial = client.get(reverse("assets:asset_list"), {"q": "KZY"}, HTTP_HX_REQUEST="true")
    assert (
        "<html" not in text(partial) and "学生课桌椅" in text(partial) and "台式计算机" not in text(partial)
    )


def test_the_card_page_shows_value_and_life(client, pc, head_a, room_a2):
    asset_move(actor=head_a, asset=pc, room=room_a2, note="换教室")
    page = text(login(client, head_a).get(reverse("assets:asset_detail", args=[pc.pk])))
    months = (TODAY.year - 2025) * 12 + TODAY.month - 3 + 1
    net = (Decimal("4800.00") - (Decimal("4800.00") * months / 72).quantize(Decimal("0.01"))).quantize(
        Decimal("0.01")
    )
    assert f'<dd class="num strong" id="net-book-value">{net}</dd>' in page
    assert "换教室" in page and "Moved" in page and "Registered" in page
    for label in ("Move", "Lend or issue", "Report damage or loss", "Dispose"):
        assert f">{label}</a>" in page


def test_a_teacher_reads_the_card_without_the_offices_buttons(client, pc, teacher_a, room_a2):
    page = text(login(client, teacher_a).get(reverse("assets:asset_detail", args=[pc.pk])))
    assert "台式计算机" in page
    assert ">Move</a>" not in page and ">Dispose</a>" not in page
    assert ">Report damage or loss</a>" in page  # the card is in the teacher's room


def test_register_a_card_on_the_page(client, categories, head_a, room_a):
    login(client, head_a)
    assert client.get(reverse("assets:asset_add")).status_code == 200
    data = {
        "name": "投影仪",
        "category": category("A02020200").pk,
        "tracking": "single",
        "unit_price": "3200.00",
        "acquired_on": "2024-05-20",
        "funding_source": "fiscal",
        "procurement_form": "self",
        "acquisition_method": "purchase",
        "use_purpose": "teaching",
        "quantity": "1",
        "room": room_a.pk,
        "status": "in_use",
    }
    response = client.post(reverse("assets:asset_add"), data)
    card = Asset.objects.get()
    assert response.status_code == 302 and response["Location"] == card.get_absolute_url()
    assert (card.code, card.room, card.amount) == (f"ZC-{YEAR}-0001", room_a, Decimal("3200.00"))
    bad = client.post(reverse("assets:asset_add"), {**data, "quantity": "0", "tracking": "batch"})
    assert bad.status_code == 400
    assert "The quantity must be at least 1." in text(bad)
    assert Asset.objects.count() == 1


def test_move_part_of_a_batch_on_the_page_and_with_htmx(
    client, categories, school_a, head_a, room_a, room_a2
):
    desks = make_desks(school_a, room_a)
    login(client, head_a)
    url = reverse("assets:asset_move", args=[desks.pk])
    form = client.get(url, HTTP_HX_REQUEST="true")
    assert form.status_code == 200 and "<html" not in text(form) and 'name="quantity"' in text(form)
    bad = client.post(url, {"quantity": "51", "room": room_a2.pk})
    assert bad.status_code == 400
    assert "Ensure this value is less than or equal to 50." in text(bad)
    refused = client.post(url, {"quantity": "5", "room": room_a.pk}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200 and "Say where the asset goes or who keeps it." in text(refused)
    assert Asset.objects.count() == 1
    done = client.post(url, {"quantity": "20", "room": room_a2.pk, "note": "分班"}, HTTP_HX_REQUEST="true")
    moved = Asset.objects.exclude(pk=desks.pk).get()
    assert (done.status_code, done["HX-Redirect"]) == (204, moved.get_absolute_url())
    desks.refresh_from_db()
    assert (desks.quantity, moved.quantity, moved.room) == (30, 20, room_a2)


def test_a_teacher_reports_damage_with_a_photo(client, pc, teacher_a):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), (0, 120, 200)).save(buffer, format="PNG")
    buffer.name = "screen.png"
    buffer.seek(0)
    login(client, teacher_a)
    response = client.post(
        reverse("assets:asset_report", args=[pc.pk]),
        {"kind": "damage", "description": "屏幕有裂纹", "occurred_on": TODAY.isoformat(), "photos": [buffer]},
    )
    assert response.status_code == 302 and response["Location"] == pc.get_absolute_url()
    incident = AssetIncident.objects.get()
    assert (incident.reported_by, incident.description, incident.asset) == (teacher_a, "屏幕有裂纹", pc)
    pc.refresh_from_db()
    assert pc.condition == "damaged"


def test_lend_and_take_back_on_the_pages(client, pc, storekeeper_a, teacher_a):
    login(client, storekeeper_a)
    response = client.post(
        reverse("assets:asset_lend", args=[pc.pk]),
        {"kind": "loan", "borrower": teacher_a.pk, "due_on": TODAY.isoformat(), "lent_on": TODAY.isoformat()},
    )
    loan = AssetLoan.objects.get()
    assert response.status_code == 302 and response["Location"] == loan.get_absolute_url()
    page = text(client.get(loan.get_absolute_url()))
    assert loan.number in page and ">Take back</a>" in page
    back = client.post(
        reverse("assets:assetloan_return", args=[loan.pk]), {"condition": "good", "returned_on": TODAY}
    )
    assert back.status_code == 302
    pc.refresh_from_db()
    assert pc.status == AssetStatus.IN_USE


def test_request_a_disposal_on_the_page(client, categories, school_a, head_a, district):
    member(district, "district_supervisor")
    old = make_asset(
        school_a,
        name="旧课桌椅",
        category="A05010304",
        unit_price=Decimal("120.00"),
        quantity=24,
        acquired_on=datetime.date(2005, 8, 20),
    )
    login(client, head_a)
    url = reverse("assets:disposal_add")
    page = text(client.get(url, {"assets": str(old.pk)}))
    assert old.code in page and f'name="qty_{old.pk}"' in page
    by_code = text(client.get(url, {"codes": old.code}))
    assert f'name="qty_{old.pk}"' in by_code
    data = {
        "assets": str(old.pk),
        f"qty_{old.pk}": "12",
        "method": "scrap",
        "ground": "end_of_life",
        "reason": "破损",
    }
    response = client.post(url, data)
    disposal = Disposal.objects.get()
    assert response.status_code == 302 and response["Location"] == disposal.get_absolute_url()
    detail = text(client.get(disposal.get_absolute_url()))
    assert disposal.number in detail and "1440.00" in detail and "waiting" in detail
    again = client.post(url, {**data, f"qty_{old.pk}": "13"})
    assert again.status_code == 400
    assert "Ensure this value is less than or equal to 12." in text(again)
    assert Disposal.objects.count() == 1


def test_room_custody_sign_and_changes(client, categories, school_a, head_a, teacher_a, room_a, room_a2):
    desks = make_desks(school_a, room_a)
    url = reverse("assets:room_custody", args=[room_a.pk])
    login(client, head_a)
    page = text(client.get(url))
    assert "This room's list has not been signed yet." in page and ">Sign</button>" not in page
    assert client.post(reverse("assets:room_custody_sign", args=[room_a.pk])).status_code == 403
    login(client, teacher_a)
    assert ">Sign</button>" in text(client.get(url))
    response = client.post(reverse("assets:room_custody_sign", args=[room_a.pk]), {"note": "无误"})
    assert response.status_code == 302
    signoff = RoomSignoff.objects.get()
    assert (signoff.signed_by, signoff.total_quantity) == (teacher_a, 50)
    asset_move(actor=head_a, asset=desks, quantity=2, room=room_a2)
    page = text(client.get(url))
    assert "Changed since the sign-off:" in page and f"{desks.code} 学生课桌椅 — 50 → 48" in page
    printed = text(client.get(reverse("assets:room_custody_print", args=[room_a.pk])))
    assert "Room property list" in printed and "<th>48</th>" in printed and "Changed since." in printed
    login(client, member(school_a, "repair_worker"))
    assert client.get(url).status_code == 403


def test_room_custody_of_another_school_is_404(client, categories, head_b, room_a):
    login(client, head_b)
    for name in ("assets:room_custody", "assets:room_custody_print", "assets:room_custody_sign"):
        assert client.get(reverse(name, args=[room_a.pk])).status_code == 404
    assert client.post(reverse("assets:room_custody_sign", args=[room_a.pk])).status_code == 404
    assert RoomSignoff.objects.count() == 0


def test_hand_back_list(client, pc, school_a, district, storekeeper_a, head_a):
    semester = SemesterFactory(
        school=district,
        start_date=TODAY - datetime.timedelta(days=20),
        end_date=TODAY + datetime.timedelta(days=40),
    )
    balls = make_asset(school_a, name="篮球", category="A02350000", unit_price=Decimal("120.00"), quantity=30)
    issue = asset_issue(
        actor=storekeeper_a,
        asset=balls,
        quantity=6,
        borrower_department=DepartmentFactory(school=school_a, name="体育组"),
    )
    page = text(login(client, head_a).get(reverse("assets:assetloan_handback")))
    assert issue.number in page and "体育组" in page and str(semester) in page
    assert "1 issue not back yet" in page


def test_category_pages_keep_the_national_tree_read_only(client, categories, school_a, head_a):
    national = category("A05010304")
    login(client, head_a)
    page = text(client.get(national.get_absolute_url()))
    assert "教学、实验椅凳" in page and "desks_chairs" in page and ">Edit</a>" not in page
    assert "15 years (rule book, at the active school)" in page
    assert client.get(reverse("assets:assetcategory_edit", args=[national.pk])).status_code == 403
    assert client.post(reverse("assets:assetcategory_delete", args=[national.pk])).status_code == 403
    own = category_create(actor=head_a, school=school_a, data={"parent": national, "name": "连排椅"})
    assert client.get(reverse("assets:assetcategory_edit", args=[own.pk])).status_code == 200
    response = client.post(reverse("assets:assetcategory_delete", args=[own.pk]))
    assert response.status_code == 302
    assert not AssetCategory.objects.filter(pk=own.pk).exists()
    assert AssetCategory.objects.filter(pk=national.pk).exists()


def test_incident_pages(client, pc, head_a):
    incident = incident_report(actor=head_a, asset=pc, kind="damage", description="开不了机")
    login(client, head_a)
    page = text(client.get(incident.get_absolute_url()))
    assert "开不了机" in page and ">Start the repair</a>" in page
    client.post(reverse("assets:assetincident_repair_start", args=[incident.pk]), {"repairer": "黄大伟"})
    response = client.post(
        reverse("assets:assetincident_repair_finish", args=[incident.pk]), {"repaired": "1", "cost": "85.00"}
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.status, incident.repair_cost) == ("repaired", Decimal("85.00"))


def test_an_event_is_corrected_on_its_page(client, pc, head_a, room_a, room_a2):
    asset_move(actor=head_a, asset=pc, room=room_a2)
    move = pc.events.get(kind="move")
    login(client, head_a)
    assert ">Correct this entry</a>" in text(client.get(move.get_absolute_url()))
    response = client.post(reverse("assets:assetevent_reverse", args=[move.pk]), {"note": "登记错了"})
    assert response.status_code == 302
    pc.refresh_from_db()
    assert pc.room == room_a
    assert "Corrected by" in text(client.get(move.get_absolute_url()))


def test_loans_list_flags_overdue(client, pc, storekeeper_a, teacher_a, head_a):
    loan = asset_lend(
        actor=storekeeper_a,
        asset=pc,
        borrower=teacher_a,
        lent_on=TODAY - datetime.timedelta(days=3),
        due_on=TODAY - datetime.timedelta(days=1),
    )
    login(client, head_a)
    page = text(client.get(reverse("assets:assetloan_list"), {"overdue": "true"}))
    assert loan.number in page and 'class="overdue even"' in page
    assert loan.number not in text(client.get(reverse("assets:assetloan_list"), {"overdue": "false"}))


def test_a_district_user_registers_for_a_school_by_its_room(client, categories, district, school_a, room_a):
    admin = member(district, "admin")
    login(client, admin)
    response = client.post(
        reverse("assets:asset_add"),
        {
            "name": "电子琴",
            "category": category("A02340000").pk,
            "tracking": "single",
            "unit_price": "2600.00",
            "acquired_on": "2024-09-01",
            "funding_source": "fiscal",
            "procurement_form": "self",
            "acquisition_method": "purchase",
            "use_purpose": "teaching",
            "quantity": "1",
            "room": room_a.pk,
            "status": "in_use",
        },
    )
    card = Asset.objects.get()
    assert response.status_code == 302
    assert (card.school, card.room, card.code) == (school_a, room_a, f"ZC-{YEAR}-0001")
